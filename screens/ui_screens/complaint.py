"""我要反映问题: a large QR code that opens the complaint form on the
villager's own phone, plus the hotline numbers."""

from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.complaint import ComplaintUrlError, ItemKind, complaint_url, item_title
from kiosk.privacy import mask_text, public_numbers
from kiosk.qr import QUIET_ZONE, qr_matrix
from screens.ui_screens.base import KioskScreen


def matrix_texture(matrix: list[list[bool]]) -> Texture:
    """One texel per QR module (quiet zone included), drawn with nearest
    filtering so the code stays crisp at any size."""
    modules = len(matrix) + 2 * QUIET_ZONE
    rows = []
    for y in range(modules - 1, -1, -1):  # textures are bottom-up
        my = y - QUIET_ZONE
        for x in range(modules):
            mx = x - QUIET_ZONE
            dark = 0 <= my < len(matrix) and 0 <= mx < len(matrix) and matrix[my][mx]
            rows.append(0 if dark else 255)
    texture = Texture.create(size=(modules, modules), colorfmt="luminance")
    texture.blit_buffer(bytes(rows), colorfmt="luminance", bufferfmt="ubyte")
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture


class ComplaintScreen(KioskScreen):
    qr_texture = ObjectProperty(None, allownone=True)
    modules = NumericProperty(1)  # QR modules across, quiet zone included
    about = StringProperty("")
    hotlines = StringProperty("")
    problem = StringProperty("")
    url = StringProperty("")
    has_outcomes = BooleanProperty(False)  # the platform publishes what became of reports

    def show(self, **params) -> None:
        """``kind`` and ``item_id``: the record the villager was looking at
        (``kiosk.complaint.ItemKind``), named in the code; none for a
        report about nothing in particular, or about a record gone from the data."""
        item_id: str = params.get("item_id", "")
        kind: str = params.get("kind", "")
        snapshot = self.snapshot
        self.title = "我要反映问题"
        self.has_outcomes = bool(snapshot.complaint_reports)
        try:
            item_kind = ItemKind(kind) if item_id else None
            name = item_title(snapshot, item_kind, item_id) if item_kind else ""
        except (ValueError, LookupError):
            item_kind, name = None, ""
        if not name:
            item_id = ""
        public = public_numbers(snapshot.complaint.hotlines)
        self.about = f"您要反映的事项：{mask_text(name, public)}" if name else "发现村里的事办得不对，可以在手机上告诉上级。"
        self.hotlines = "\n".join(f"{h.name}：{h.number}" for h in snapshot.complaint.hotlines)
        try:
            self.url = complaint_url(
                snapshot.complaint, snapshot.village.code, self.app.kiosk_config.terminal.id, item_id or None, item_kind
            )
        except ComplaintUrlError:
            self.url = ""
            self.qr_texture = None
            self.problem = "扫码反映暂时用不了，请打电话反映。"
            return
        self.problem = ""
        self.qr_texture = matrix_texture(qr_matrix(self.url))
        self.modules = self.qr_texture.width
