"""What a terminal accepts, defined once.

The terminal enforces these limits on what it is sent, and ``feed build``
refuses a source folder that breaks one, with the same message: a
publisher finds a problem when publishing, not on a terminal in a village.
docs/FEED-FORMAT.md section 10 states them for publishers; keep the two
in step (tests/test_limits.py checks the figures).
"""

from __future__ import annotations

import itertools

# Text fields, in characters (Unicode code points: 垚 is one, whatever its
# UTF-8 length). Four sizes: the longest of each is drawn by the detail
# pages within their targets (docs/FEED-FORMAT.md section 10).
NAME_CHARS = 50  # names and labels shown in headers, boxes and table heads
LINE_CHARS = 200  # titles and one-line facts
PARAGRAPH_CHARS = 2_000  # explanations: summaries, details, notes
BODY_CHARS = 20_000  # the text of a notice or a case

# A document's size, and how deeply its JSON may nest (arrays and objects
# inside each other). The model itself nests 6 deep; the rest is room for
# fields added later, which older terminals skip. Checked before decoding:
# the decoder recurses, and a document nested 100,000 deep exhausts it.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_JSON_DEPTH = 32

# Pictures: width × height. 7000×5000 (35 MP) is shown; 7500×5500 and a
# 48-megapixel phone photo are not. Decoding one takes 4 bytes a pixel.
MAX_PICTURE_PIXELS = 40_000_000

_KEEP_BRACKETS_AND_QUOTES = bytes(byte for byte in range(256) if byte not in b'[]{}"')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(data: bytes) -> int:
    """How deeply ``data``'s arrays and objects nest (``[]`` is 1, ``{"a": [1]}``
    is 2), without decoding it: a few passes of C over the bytes, a third
    of the time decoding takes. Brackets inside strings do not count.
    Malformed JSON gets some number: the decoder then says what is wrong."""
    if b"\\" in data:
        # Escaped backslashes, then escaped quotes: every quote left
        # starts or ends a string.
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(None, _KEEP_BRACKETS_AND_QUOTES)
    # Two adjacent quotes are a string without brackets, or the gap
    # between two strings: neither holds a bracket that counts, and taking
    # them out leaves every other bracket inside or outside a string as
    # it was. What is left is usually brackets alone.
    marks = marks.replace(b'""', b"")
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])  # strings are the odd pieces
    return max(itertools.accumulate(map(_STEP.__getitem__, marks)), default=0)


def json_problem(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> str | None:
    """Why ``data`` may not even be decoded, or None."""
    if len(data) > max_bytes:
        return f"{len(data)} bytes, more than the {max_bytes} allowed"
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        return f"nested {depth} levels deep, more than the {MAX_JSON_DEPTH} allowed"
    return None


# 民生资金查询 (kiosk.benefits, FEED-FORMAT.md section 4.7). The key
# derivation runs on the terminal for every lookup: its memory (128·n·r
# bytes) and rounds are bounded so a document cannot make a lookup take
# the terminal's memory or minutes; a sealed record is bounded before and
# after it is opened (it is compressed inside).
SCRYPT_MAX_MEMORY = 128 * 1024 * 1024
SCRYPT_MAX_P = 4
BENEFIT_RECORDS = 50_000  # people with payments in one village
SEALED_RECORD_CHARS = 256 * 1024  # one person's sealed payments, as base64
OPENED_RECORD_BYTES = 4 * 1024 * 1024  # the same, opened and decompressed
FAMILY_NAMES = 200  # the family names a lookup offers its candidates from
