"""A receipt or project photo, full screen: pinch to zoom, drag to move,
double-tap to fit -- and the same with big buttons (+ / − / 适合屏幕,
上一张 / 下一张) for anyone who cannot pinch.

The thumbnail (already cached) shows at once; the full picture replaces it
when the worker has decoded it. Zoom is the scatter's scale relative to
"fits the screen" (scale 1), so swapping the thumbnail for the full picture
keeps the villager's zoom and place.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics.transformation import Matrix
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.scatter import Scatter
from kivy.uix.stencilview import StencilView

from kiosk.finance_summary import entry_row
from kiosk.flags import project_view
from kiosk.images import DecodedImage
from kiosk.privacy import public_numbers
from screens.services.pictures import picture_texture, request_picture
from screens.ui_screens.base import KioskScreen

ZOOM_STEP = 1.5
MAX_ZOOM = 8.0  # times the fitted size; a receipt's small print is readable well before


class PictureStage(StencilView):
    """The area the picture lives in; clips it and fits it on a double tap."""

    scatter = ObjectProperty(None)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Layout moves the stage several times in one frame: fit once after.
        self.refit = Clock.create_trigger(lambda _dt: self.fit())

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos) and touch.is_double_tap:
            self.fit()
            return True
        return super().on_touch_down(touch)

    def fit(self) -> None:
        """Scale 1, centred: the whole picture as large as the stage allows."""
        scatter = self.scatter
        scatter.transform = Matrix().translate(self.center_x - scatter.width / 2, self.center_y - scatter.height / 2, 0)

    def zoom(self, factor: float) -> None:
        scatter = self.scatter
        factor = max(1.0, min(MAX_ZOOM, scatter.scale * factor)) / scatter.scale
        scatter.apply_transform(Matrix().scale(factor, factor, factor), anchor=self.center)
        self.keep_in_view()

    def keep_in_view(self) -> None:
        """No dragging the picture away: a zoomed picture always covers the
        stage in each direction it is larger; a smaller one stays centred."""
        scatter = self.scatter
        left, bottom = scatter.bbox[0]
        width, height = scatter.bbox[1]
        x, y = left, bottom
        x = self.center_x - width / 2 if width <= self.width else min(self.x, max(self.right - width, x))
        y = self.center_y - height / 2 if height <= self.height else min(self.y, max(self.top - height, y))
        if (x, y) != (left, bottom):
            scatter.pos = (scatter.x + x - left, scatter.y + y - bottom)


class PictureScatter(Scatter):
    def on_transform_with_touch(self, touch):
        self.parent.keep_in_view()


class PictureViewerScreen(KioskScreen):
    texture = ObjectProperty(None, allownone=True)
    problem = StringProperty()  # reason instead of a picture
    caption = StringProperty()
    counter = StringProperty()  # 第1张，共3张
    count = NumericProperty(0)
    index = NumericProperty(0)
    aspect = NumericProperty(1.0)  # width / height of the picture

    def show(self, **params) -> None:
        index: int = params.get("index", 0)
        entry_id: str = params.get("entry_id", "")
        project_id: str = params.get("project_id", "")
        public = public_numbers(self.snapshot.complaint.hotlines)
        if entry_id:
            row = entry_row(self.snapshot.finance_entry(entry_id), public)
            self.title = f"票据：{row.purpose}"
            self._refs, self._kind = row.receipts, "票据"
        else:
            view = project_view(self.snapshot.project(project_id), public=public)
            self.title = f"照片：{view.name}"
            self._refs, self._kind = view.photos, "照片"
        self._place = {"entry_id": entry_id, "project_id": project_id}
        self.count = len(self._refs)
        if not self._refs:  # e.g. the pictures went with a data update
            self.caption, self.counter, self.texture, self.problem = "", "", None, "没有照片"
            return
        self.index = min(max(index, 0), self.count - 1)
        self._load()

    def step(self, delta: int) -> None:
        """Next or previous picture; recorded in the history so 返回 and a
        data update keep the place."""
        nav = self.app.nav
        index = (self.index + delta) % self.count
        nav.history[-1] = (nav.current[0], {**{k: v for k, v in self._place.items() if v}, "index": index})
        self.show(index=index, **self._place)

    def _load(self) -> None:
        ref = self._refs[self.index]
        self.caption = ref.caption or f"第{self.index + 1}张{self._kind}"
        self.counter = f"第{self.index + 1}张，共{self.count}张"
        self.texture = None
        self.problem = ""
        self._full_shown = False
        self.ids.stage.fit()
        sha256 = ref.sha256
        request_picture(sha256, self._thumbnail_arrived)
        request_picture(sha256, self._full_arrived, full=True)

    def _thumbnail_arrived(self, sha256: str, result) -> None:
        self._arrived(sha256, result, full=False)

    def _full_arrived(self, sha256: str, result) -> None:
        self._arrived(sha256, result, full=True)

    def _arrived(self, sha256: str, result, full: bool) -> None:
        if sha256 != self._refs[self.index].sha256 or self._full_shown:
            return  # another picture by now, or the full one already came
        if isinstance(result, DecodedImage):
            self.texture = picture_texture(result)
            self.aspect = result.width / result.height
            self._full_shown = full
            self.problem = ""
        elif full or self.texture is None:
            self.texture = None
            self.problem = result.reason_zh
