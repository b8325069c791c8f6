"""QR codes for the complaint link, as plain module matrices.

The UI draws the matrix itself (one texel per module, nearest filtering)
and must leave ``QUIET_ZONE`` light modules on every side: the matrix here
has no border. Error correction is Q (25% of the code may be unreadable):
the screen glass reflects lights and people touch it; with URLs capped by
``kiosk.complaint.MAX_URL_LENGTH`` the code stays at version 12 or below.
"""

from __future__ import annotations

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4  # light modules around the code, as the QR standard requires


def qr_matrix(url: str) -> list[list[bool]]:
    """Rows of modules, top row first; True is dark. No quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(url: str, module_px: int) -> Image.Image:
    """The code as a black-on-white image with its quiet zone, ``module_px``
    pixels per module (for tests and tools; the UI draws the matrix)."""
    matrix = qr_matrix(url)
    code = Image.new("L", (len(matrix), len(matrix)))
    code.putdata([0 if dark else 255 for row in matrix for dark in row])
    modules = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("L", (modules, modules), 255)
    image.paste(code, (QUIET_ZONE, QUIET_ZONE))
    return image.resize((modules * module_px, modules * module_px), Image.Resampling.NEAREST)
