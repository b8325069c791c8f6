"""A power's flowchart, drawn natively from its graph (never a picture).

The layout comes from the core (``kiosk.flowchart``), computed once per
chart and font size through a ``ChartLayoutCache``; this module only
measures text for it and draws what comes back, with Kivy graphics:

- ``FlowchartCanvas`` draws one ``ChartLayout``: start/end as green pills,
  steps as white boxes, decisions as yellow hexagons, publicity as blue
  boxes tagged 公示, arrows with heads, labelled edges, loops back in red
  up their lane. It can be shrunk (``zoom``) for a preview.
- ``FlowchartStage`` puts a canvas on a pannable, pinch-zoomable plane:
  drag to move, two fingers to zoom, double-tap for the whole chart; the
  same through ``zoom()`` / ``fit()`` for the +/− buttons. A tap on a box
  calls ``on_box_tap`` with it.
- ``FlowchartScreen`` is the full-screen viewer with a "按步骤看" mode: the
  same chart read as numbered steps (``kiosk.flowchart.steps_of``) in large
  rows; tapping a step (in either mode) opens ``StepDetail``.

A malformed chart (edge to a missing node, no way in, hundreds of nodes)
is drawn as far as the layout could, with its ``problems`` in a calm strip.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from kivy.app import App
from kivy.clock import Clock
from kivy.config import Config
from kivy.core.text import DEFAULT_FONT
from kivy.core.window import Window
from kivy.graphics import (
    Color,
    Line,
    Mesh,
    PopMatrix,
    PushMatrix,
    Rectangle,
    Scale,
    Translate,
    Triangle,
)
from kivy.graphics.transformation import Matrix
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.scatter import ScatterPlane
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk import model
from kiosk.flowchart import Box, ChartLayout, ChartLayoutCache, Step, steps_of
from kiosk.privacy import mask_text, public_numbers
from screens.shell.navigation import forget_with_the_visit
from screens.ui_screens.base import KioskScreen
from screens.uix.shapes import RoundBox
from screens.uix.typeset_label import TypesetLabel, core_label, font_for, measurer, typeset_lines
from screens.uix.widgets import TapArea

Kind = model.NodeKind

ZOOM_STEP = 1.4
MAX_ZOOM = 3.0  # times the natural (readable) size
MAX_FIT = 2.0  # a small chart is enlarged to fill the stage, but not beyond this
TAP_SLOP_UNITS = 24  # a touch that moves further than this (in theme units) is a drag, not a tap
BOX_LINE_HEIGHT = 1.15
PUBLICITY_TAG = "公示"

_layouts = ChartLayoutCache()


# ------------------------------------------------------------------ text


class _Textures:
    """Rendered label textures, white (tinted when drawn), kept for reuse:
    a chart is redrawn on every theme change and every preview. Bounded by
    their pixels, not their number: a software renderer keeps them in RAM,
    and a count of 600 let the cache grow by 27 MiB over a soak of 1,000
    taps. A texture a chart on show still draws stays alive after it
    leaves the cache."""

    def __init__(self, max_bytes: int = 8 * 1024 * 1024):
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[tuple, object] = OrderedDict()

    def get(self, text: str, font_size: float, width: float | None, bold: bool = False, line_height: float = BOX_LINE_HEIGHT):
        key = (text, font_size, width, bold, line_height)
        texture = self._entries.get(key)
        if texture is None:
            if width is not None:  # lines broken by the rules of Chinese typesetting, not by Kivy
                text = "\n".join(typeset_lines(text, width, measurer(font_for(text, DEFAULT_FONT), font_size, bold)))
            label = core_label(
                text, DEFAULT_FONT, font_size, bold=bold, text_size=(width, None), halign="center", valign="top", line_height=line_height
            )
            label.refresh()
            texture = label.texture
            self._entries[key] = texture
            self._bytes += _texture_bytes(texture)
            while self._bytes > self._max_bytes and len(self._entries) > 1:
                self._bytes -= _texture_bytes(self._entries.popitem(last=False)[1])
        else:
            self._entries.move_to_end(key)
        return texture

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


def _texture_bytes(texture) -> int:
    return texture.width * texture.height * 4 if texture is not None else 0


_textures = _Textures()
forget_with_the_visit(_textures.clear)


def wrap_width(text: str, font_size: float, max_width: float) -> float | None:
    """The width to wrap ``text`` at: None when it fits on one line; else
    at most ``max_width``, narrowed so the lines come out about equally
    long (no last line of one lonely character)."""
    one_line = _textures.get(text, font_size, None)
    if one_line.width <= max_width:
        return None
    at_most = _textures.get(text, font_size, max_width)
    lines = max(2, round(at_most.height / one_line.height))
    balanced = min(max_width, math.ceil(one_line.width / lines + font_size))
    return balanced if _textures.get(text, font_size, balanced).height <= at_most.height else max_width


def text_texture(text: str, font_size: float, max_width: float):
    """The texture of a label as ``measure`` measured it."""
    return _textures.get(text, font_size, wrap_width(text, font_size, max_width))


def measure_with(font_size: float):
    """The layout's ``measure(text, max_width) -> (w, h)``, with the very
    font, size and wrapping the canvas draws with."""

    def measure(text: str, max_width: float) -> tuple[float, float]:
        texture = text_texture(text, font_size, max_width)
        return float(texture.width), float(texture.height)

    return measure


class ChartMetrics:
    """Sizes of a chart at the theme's current font: everything follows the
    text size (a size up from body text: a chart is read from a step
    away), so large mode makes the whole chart larger, not just the letters."""

    def __init__(self, theme):
        self.font = theme.title
        self.scale = theme.scale
        self.max_box_width = round(self.font * 10.5)
        self.gap_x = round(self.font * 1.6)
        self.gap_y = round(self.font * 2.0)
        self.padding = round(self.font * 1.0)  # room for the 公示 tag above the text
        self.line = max(2.0, self.font / 10)
        self.head = self.font * 0.6  # arrowhead length
        self.tag_font = round(self.font * 0.6)


def chart_layout(chart_id: str, chart: model.Flowchart, metrics: ChartMetrics) -> ChartLayout:
    return _layouts.layout(
        chart_id,
        chart,
        measure_with(metrics.font),
        font_scale=metrics.scale,
        max_box_width=metrics.max_box_width,
        gap_x=metrics.gap_x,
        gap_y=metrics.gap_y,
        padding=metrics.padding,
    )


LOOP_BACK = "back"  # not a node kind: the colours of loop-back arrows, for the legend


def kind_colours(theme, kind: Kind | str):
    """(fill, border, ink) of a node kind (or ``LOOP_BACK``), from the theme
    (so large mode's higher contrast applies here too)."""
    if kind == LOOP_BACK:
        return theme.surface, theme.danger, theme.danger
    kind = Kind(kind)
    if kind in (Kind.START, Kind.END):
        return theme.ok, theme.ok, theme.primary_ink
    if kind is Kind.DECISION:
        return theme.warn_bg, theme.warn, theme.warn
    if kind is Kind.PUBLICITY:
        blue = theme.tile_colour(1)
        return blue, blue, theme.primary_ink
    return theme.surface, theme.text, theme.text


class KindColoured(Widget):
    """A widget in the colours the chart gives a node kind (legend chip,
    step number): ``fill``, ``border`` and ``ink`` follow ``kind`` (a
    ``NodeKind`` value or ``LOOP_BACK``) and the theme."""

    kind = StringProperty("step")
    fill = ColorProperty([1, 1, 1, 1])
    border = ColorProperty([0, 0, 0, 1])
    ink = ColorProperty([0, 0, 0, 1])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # On the next frame: the theme sets its colours one by one.
        self._recolour_soon = Clock.create_trigger(lambda _dt: self._recolour())
        App.get_running_app().theme.follow(text=self._on_theme_colours)
        self.bind(kind=lambda *_args: self._recolour())
        self._recolour()

    def _on_theme_colours(self, *_args) -> None:
        self._recolour_soon()

    def _recolour(self) -> None:
        self.fill, self.border, self.ink = kind_colours(App.get_running_app().theme, self.kind)


# ------------------------------------------------------------------ drawing


class FlowchartCanvas(Widget):
    """Draws one chart. ``set_chart`` lays it out (cached) at the theme's
    font; the drawing is centred in the widget, shrunk by ``zoom``."""

    chart_layout: ChartLayout = ObjectProperty(None, allownone=True)
    zoom = NumericProperty(1.0)
    natural_size = ListProperty([0, 0])  # the chart's size at zoom 1

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._chart_id = ""
        self._chart: model.Flowchart | None = None
        self._transform: tuple[Translate, Scale] | None = None  # the drawing's, set together once drawn
        self._redraw = Clock.create_trigger(lambda _dt: self.draw())
        self._relayout = Clock.create_trigger(lambda _dt: self._lay_out())
        # Bound methods, followed weakly: a preview on a page that is gone
        # does not live on through the theme.
        App.get_running_app().theme.follow(title=self._on_theme_font, text=self._on_theme_colours)
        self.bind(pos=self._place, size=self._place, zoom=self._place)

    def _on_theme_font(self, *_args) -> None:
        self._relayout()

    def _on_theme_colours(self, *_args) -> None:
        self._redraw()

    def set_chart(self, chart_id: str, chart: model.Flowchart) -> None:
        self._chart_id, self._chart = chart_id, chart
        self._lay_out()

    def _lay_out(self) -> None:
        if self._chart is None:
            return
        theme = App.get_running_app().theme
        self.metrics = ChartMetrics(theme)
        layout = chart_layout(self._chart_id, self._chart, self.metrics)
        self.natural_size = [layout.width, layout.height]
        self.chart_layout = layout
        self.draw()

    def _place(self, *_args) -> None:
        if self._transform is not None:
            origin, scale = self._transform
            width, height = self.natural_size
            origin.xy = (self.x + (self.width - width * self.zoom) / 2, self.y + (self.height - height * self.zoom) / 2)
            scale.xyz = (self.zoom, self.zoom, 1)

    def chart_point(self, x: float, y: float) -> tuple[float, float]:
        """Chart coordinates (y down) of a point in this widget's parent coordinates."""
        width, height = self.natural_size
        left = self.x + (self.width - width * self.zoom) / 2
        bottom = self.y + (self.height - height * self.zoom) / 2
        return (x - left) / self.zoom, height - (y - bottom) / self.zoom

    def box_at(self, x: float, y: float) -> Box | None:
        if self.chart_layout is None:
            return None
        cx, cy = self.chart_point(x, y)
        for box in self.chart_layout.boxes:
            if box.x <= cx <= box.x + box.w and box.y <= cy <= box.y + box.h:
                return box
        return None

    def draw(self) -> None:
        self.canvas.clear()
        layout = self.chart_layout
        if layout is None:
            self._transform = None
            return
        theme = App.get_running_app().theme
        m = self.metrics
        flip = layout.height
        with self.canvas:
            PushMatrix()
            self._transform = (Translate(0, 0), Scale(1, 1, 1))  # drawn in this order: move, then scale
            for edge in layout.edges:
                _draw_edge(edge, flip, theme.danger if edge.back else theme.text, m)
            for box in layout.boxes:
                _draw_box(box, flip, theme, m)
            for edge in layout.edges:
                if edge.label_box is not None:
                    _draw_edge_label(edge, flip, theme, m)
            PopMatrix()
        self._place()


def _draw_edge(edge, flip: float, colour, m: ChartMetrics) -> None:
    points = [(x, flip - y) for x, y in edge.points]
    (ax, ay), (bx, by) = points[-2], points[-1]
    length = max(((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5, 1e-6)
    ux, uy = (bx - ax) / length, (by - ay) / length
    head = min(m.head, length)
    # The line stops where the head begins, so the tip stays sharp.
    points[-1] = (bx - ux * head, by - uy * head)
    Color(*colour)
    Line(points=[c for point in points for c in point], width=m.line, joint="round", cap="none")
    half = m.head * 0.55
    Triangle(
        points=[bx, by, bx - ux * head - uy * half, by - uy * head + ux * half, bx - ux * head + uy * half, by - uy * head - ux * half]
    )


def _draw_edge_label(edge, flip: float, theme, m: ChartMetrics) -> None:
    x, y, w, h = edge.label_box
    texture = text_texture(edge.label, m.font, m.max_box_width / 2)
    pad = m.font * 0.15
    bottom = flip - y - h
    Color(*theme.surface)
    RoundBox(pos=(x - pad, bottom - pad), size=(w + 2 * pad, h + 2 * pad), radius=[pad * 2])
    Color(*(theme.danger if edge.back else theme.text))
    Line(rounded_rectangle=(x - pad, bottom - pad, w + 2 * pad, h + 2 * pad, pad * 2), width=1.2)
    Rectangle(texture=texture, pos=(x + w / 2 - texture.width / 2, bottom + h - texture.height), size=texture.size)


def _draw_box(box: Box, flip: float, theme, m: ChartMetrics) -> None:
    fill, border, ink = kind_colours(theme, box.kind)
    x, y, w, h = box.x, flip - box.y - box.h, box.w, box.h
    Color(*fill)
    if box.kind in (Kind.START, Kind.END):
        radius = min(h / 2, m.padding * 2.5)
        RoundBox(pos=(x, y), size=(w, h), radius=[radius])
        Color(*border)
        Line(rounded_rectangle=(x, y, w, h, radius), width=m.line)
    elif box.kind is Kind.DECISION:
        inset = min(w * (1 - 0.7) / 2, h / 2)  # the layout left this much either side of the text
        cy = y + h / 2
        corners = [(x, cy), (x + inset, y), (x + w - inset, y), (x + w, cy), (x + w - inset, y + h), (x + inset, y + h)]
        fan = [(x + w / 2, cy), *corners, corners[0]]
        Mesh(vertices=[v for px, py in fan for v in (px, py, 0, 0)], indices=list(range(len(fan))), mode="triangle_fan")
        Color(*border)
        Line(points=[c for point in corners for c in point], close=True, width=m.line, joint="miter")
    else:
        radius = m.font * 0.25
        RoundBox(pos=(x, y), size=(w, h), radius=[radius])
        Color(*border)
        Line(rounded_rectangle=(x, y, w, h, radius), width=m.line)
    if box.kind is Kind.PUBLICITY:
        _draw_publicity_tag(x, y + h, theme, m)
    texture = text_texture(box.label, m.font, box.text_width)
    Color(*ink)
    Rectangle(texture=texture, pos=(x + w / 2 - texture.width / 2, y + h / 2 - texture.height / 2), size=texture.size)


def _draw_publicity_tag(x: float, top: float, theme, m: ChartMetrics) -> None:
    """The word 公示 on a light tab in the box's top-left corner, inside the
    padding the layout left above the text."""
    texture = _textures.get(PUBLICITY_TAG, m.tag_font, None, bold=True, line_height=1.0)
    inset = m.font * 0.2
    w, h = texture.width + m.font * 0.4, min(texture.height, m.padding - inset)
    Color(*theme.surface)
    RoundBox(pos=(x + inset, top - inset - h), size=(w, h), radius=[m.font * 0.12])
    Color(*theme.tile_colour(1))
    Rectangle(texture=texture, pos=(x + inset + (w - texture.width) / 2, top - inset - h / 2 - texture.height / 2), size=texture.size)


# ------------------------------------------------------------------ stage: pan, pinch, fit


class ChartPlane(ScatterPlane):
    def on_transform_with_touch(self, touch):
        self.parent.moved_by_touch()


def _placed(x: float, y: float, scale: float) -> Matrix:
    """The plane's transform: chart point p goes to scale * p + (x, y)."""
    return Matrix().translate(x, y, 0).multiply(Matrix().scale(scale, scale, 1))


class FlowchartStage(StencilView):
    """The area a chart is looked at in: clips it, pans, zooms, fits.

    ``scale`` 1 is the chart's natural size: text as large as the page's
    body text."""

    chart: FlowchartCanvas = ObjectProperty(None)
    on_box_tap = ObjectProperty(None, allownone=True)  # callable(Box)
    scale = NumericProperty(1.0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.plane = ChartPlane(do_rotation=False)
        self.chart = FlowchartCanvas(size_hint=(None, None))
        self.chart.bind(natural_size=self._on_chart_size)
        self.plane.add_widget(self.chart)
        self.add_widget(self.plane)
        self.plane.bind(transform=lambda *_a: setattr(self, "scale", self.plane.scale))
        self.bind(size=self._apply_view, pos=self._apply_view)
        # What the villager looks at, kept when the stage is resized:
        # "readable" (natural size, top first), "fit" (all of it), or "moved".
        self._view = "readable"
        self._pending_tap = None
        self._touches: dict = {}  # uid -> touch, of fingers down on the stage

    # -- what to show

    def show(self, chart_id: str, chart: model.Flowchart, fit: bool = False) -> None:
        self._view = "fit" if fit else "readable"
        self.chart.set_chart(chart_id, chart)
        self._apply_view()

    def _on_chart_size(self, _chart, size) -> None:
        self.chart.size = size
        if self._view == "moved":
            self._view = "readable"  # a new font size: start again from the top
        self._apply_view()

    def _apply_view(self, *_args) -> None:
        if self._view == "fit":
            self.fit()
        elif self._view == "readable":
            self.readable()
        else:
            self.keep_in_view()

    # -- scales

    def fit_scale(self) -> float:
        width, height = self.chart.natural_size
        if width <= 0 or height <= 0 or self.width <= 0 or self.height <= 0:
            return 1.0
        return min(self.width / width, self.height / height, MAX_FIT)

    def readable_scale(self) -> float:
        width = self.chart.natural_size[0]
        return min(1.0, self.width / width) if width > 0 and self.width > 0 else 1.0

    def _limits(self) -> tuple[float, float]:
        low, high = min(self.fit_scale(), self.readable_scale()), max(MAX_ZOOM, self.fit_scale())
        self.plane.scale_min, self.plane.scale_max = low, high  # the same limits for pinching
        return low, high

    def _set(self, scale: float, x: float, y: float) -> None:
        """Scale, and where the chart's bottom-left corner goes (parent coordinates)."""
        low, high = self._limits()
        self.plane.transform = _placed(x, y, max(low, min(high, scale)))
        self.keep_in_view()

    def _show_whole(self) -> None:
        scale = self.fit_scale()
        width, height = self.chart.natural_size
        self._set(scale, self.center_x - width * scale / 2, self.center_y - height * scale / 2)

    def start_scale(self) -> float:
        """Where a chart opens: natural size, or smaller so more of it shows,
        but its words never smaller than the page's body text."""
        chart = self.chart
        smallest_legible = App.get_running_app().theme.body / chart.metrics.font if chart.chart_layout else 1.0
        return min(self.readable_scale(), max(self.fit_scale(), smallest_legible))

    def readable(self) -> None:
        """The chart at its start scale, its top first (all of it, centred, if it fits)."""
        scale = self.start_scale()
        width, height = self.chart.natural_size
        if height * scale <= self.height:
            self._show_whole()
        else:
            self._set(scale, self.center_x - width * scale / 2, self.top - height * scale)
        self._view = "readable"

    def fit(self) -> None:
        """The whole chart on the stage."""
        self._show_whole()
        self._view = "fit"

    def zoom(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom by ``factor`` about ``anchor`` (the stage's centre by default)."""
        ax, ay = anchor or self.center
        lx, ly = self.plane.to_local(ax, ay)
        low, high = self._limits()
        scale = max(low, min(high, self.plane.scale * factor))
        self._set(scale, ax - lx * scale, ay - ly * scale)
        self._view = "moved"

    def moved_by_touch(self) -> None:
        self._view = "moved"
        self.keep_in_view()

    def keep_in_view(self) -> None:
        """No losing the chart: where it is larger than the stage it covers
        the stage; where it is smaller it stays centred."""
        scale = self.plane.scale
        width, height = (size * scale for size in self.chart.natural_size)
        left, bottom = self.plane.to_parent(0, 0)
        x = self.center_x - width / 2 if width <= self.width else min(self.x, max(self.right - width, left))
        y = self.center_y - height / 2 if height <= self.height else min(self.y, max(self.top - height, bottom))
        if abs(x - left) > 1e-6 or abs(y - bottom) > 1e-6:
            self.plane.transform = _placed(x, y, scale)

    # -- touches: only those on the stage; taps on boxes; double tap to fit

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        if touch.is_double_tap:
            self._cancel_tap()
            if abs(self.plane.scale - self.fit_scale()) < 1e-3:  # whole already: go close up where tapped
                self.zoom(max(self.readable_scale(), self.fit_scale() * ZOOM_STEP) / self.plane.scale, anchor=touch.pos)
            else:
                self.fit()
            return True
        self._touches[touch.uid] = touch
        if len(self._touches) > 1:  # a pinch: none of its fingers is a tap
            self._cancel_tap()
            for finger in self._touches.values():
                finger.ud["flowchart_multi"] = True
        return super().on_touch_down(touch)

    def on_touch_move(self, touch):
        if touch.uid not in self._touches:
            return False
        return super().on_touch_move(touch)

    def on_touch_up(self, touch):
        if touch.grab_current is not None or self._touches.pop(touch.uid, None) is None:
            return super().on_touch_up(touch) if touch.grab_current is not None else False
        super().on_touch_up(touch)
        moved = max(abs(touch.x - touch.ox), abs(touch.y - touch.oy))
        if not touch.ud.get("flowchart_multi") and moved < TAP_SLOP_UNITS * App.get_running_app().theme.unit:
            box = self.chart.box_at(*self.plane.to_local(*touch.pos))
            if box is not None and self.on_box_tap is not None:
                # Wait out a possible second tap: a double tap means "fit", not "open".
                self._cancel_tap()
                wait = Config.getint("postproc", "double_tap_time") / 1000 + 0.05
                self._pending_tap = Clock.schedule_once(lambda _dt: self.on_box_tap(box), wait)
        return True

    def _cancel_tap(self) -> None:
        if self._pending_tap is not None:
            self._pending_tap.cancel()
            self._pending_tap = None


# ------------------------------------------------------------------ steps


class KindChip(KindColoured, TypesetLabel):
    """One entry of the legend: a word in the colours its boxes have."""


class StepNumber(KindColoured, TypesetLabel):
    """The step's number in a circle of its kind's colour."""

    number = NumericProperty(0)


class StepRow(TapArea, BoxLayout):
    """One step of the step list: number, what happens, where it leads."""

    number = NumericProperty(0)
    kind = StringProperty("step")
    label = StringProperty()
    detail = StringProperty()
    branches = StringProperty()  # one line per branch


class StepDetail(ModalView):
    """One step, large: what happens, its detail, where it leads. Closed by
    the big 关闭 button or a tap beside it."""

    number = NumericProperty(0)
    kind = StringProperty("step")
    label = StringProperty()
    detail = StringProperty()
    branches = StringProperty()


def _step_texts(step: Step, public: frozenset[str]) -> dict:
    return {
        "number": step.number,
        "kind": step.kind.value,
        "label": mask_text(step.label, public),
        "detail": mask_text(step.detail, public),
        "branches": "\n".join(f"如果{b.text}" if b.label else b.text for b in step.branches),
    }


def open_step(step: Step, public: frozenset[str]) -> StepDetail:
    popup = StepDetail(**_step_texts(step, public))
    popup.open(animation=False)
    return popup


# ------------------------------------------------------------------ screen


class FlowchartScreen(KioskScreen):
    """The flowchart full screen, or the same chart as numbered steps."""

    steps_mode = BooleanProperty(False)
    problems = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._steps: list[Step] = []
        # The parts move between ``main`` and ``side`` (see arrange); kv ids
        # are weak, so hold them here while they are off screen.
        self._parts = {name: self.ids[name].__self__ for name in ("mode_row", "legend", "stage", "hint", "zoom_row", "steps_panel")}
        for part in self._parts.values():
            self.remove_widget(part)
        # A bound method, followed weakly (a lambda would keep this screen
        # alive through the app's theme after the navigator drops it).
        self.app.theme.follow(portrait=self._on_orientation)
        self.arrange()

    def _on_orientation(self, *_args) -> None:
        self.arrange()

    def show(self, **params) -> None:
        item = self.snapshot.power_item(params["item_id"])
        self.title = f"办事流程：{item.name}"
        self.show_chart(item.id, item.flowchart, steps=params.get("steps", False), fit=params.get("fit", False))

    def show_chart(self, chart_id: str, chart: model.Flowchart, steps: bool = False, fit: bool = False) -> None:
        """Show any chart (also a hand-made one: a malformed chart must
        still show something and say what is wrong)."""
        stage = self.ids.stage
        stage.on_box_tap = self.open_box
        stage.show(chart_id, chart, fit=fit)
        problems = stage.chart.chart_layout.problems
        self.problems = (
            ("这张流程图有些地方不完整：" + "；".join(problems) + "。下面画出了能画的部分，可以到村委会问清楚。") if problems else ""
        )
        self._steps = steps_of(chart)
        self._fill_steps()
        self.set_mode(steps, remember=False)

    def _fill_steps(self) -> None:
        public = public_numbers(self.snapshot.complaint.hotlines)
        content = self.ids.steps_panel.content
        content.clear_widgets()
        for step in self._steps:
            content.add_widget(StepRow(**_step_texts(step, public), action=lambda step=step: open_step(step, public)))
        self.ids.steps_panel.scroll_y = 1

    def set_mode(self, steps: bool, remember: bool = True) -> None:
        """Chart or step list; remembered in the history, so 返回 from a
        later screen and a data update come back to the same view."""
        self.steps_mode = steps
        self.arrange()
        nav = self.app.nav
        if remember and nav.current[0].value == self.name:
            name, params = nav.current
            nav.history[-1] = (name, {**{k: v for k, v in params.items() if k != "steps"}, **({"steps": True} if steps else {})})

    def arrange(self) -> None:
        """Place the parts for the orientation and the mode: all in one
        column in portrait; in landscape the chart or the steps fill the
        left and the buttons stand in a column at the right."""
        main, side, side_scroll = self.ids.main, self.ids.side, self.ids.side_scroll
        chart_parts = ["legend", "stage", "hint", "zoom_row"]
        if self.app.theme.portrait:
            main_parts, side_parts = ["mode_row", *(["steps_panel"] if self.steps_mode else chart_parts)], []
        elif self.steps_mode:
            main_parts, side_parts = ["steps_panel"], ["mode_row"]
        else:
            # The zoom buttons right under the mode buttons: in large font the
            # column scrolls, and actions must not be the part below its fold.
            main_parts, side_parts = ["stage"], ["mode_row", "zoom_row", "legend", "hint"]
        # In the side column the buttons stand one under another: side by
        # side there, "看流程图" wrapped to "看流程 / 图" in large font.
        for row in ("mode_row", "zoom_row"):
            self._parts[row].orientation = "vertical" if row in side_parts else "horizontal"
        main.clear_widgets()
        side.clear_widgets()
        for box, names in ((main, main_parts), (side, side_parts)):
            for name in names:
                box.add_widget(self._parts[name])
        if side_parts:
            side_scroll.size_hint, side_scroll.opacity, side_scroll.disabled = (0.36, 1), 1, False
        else:
            side_scroll.size_hint, side_scroll.size, side_scroll.opacity, side_scroll.disabled = (None, None), (0, 0), 0, True

    def open_box(self, box: Box) -> None:
        step = next((s for s in self._steps if s.node_id == box.node_id), None)
        if step is not None and self.manager is not None and self.manager.current_screen is self:
            open_step(step, public_numbers(self.snapshot.complaint.hotlines))

    def on_leave(self, *_args) -> None:
        # A step left open must not cover the next screen.
        for child in list(Window.children):
            if isinstance(child, StepDetail):
                child.dismiss(animation=False)


class FlowchartPreview(TapArea, FlowchartCanvas):
    """A small, whole view of a chart on a detail page; a tap opens the big viewer."""

    max_height = NumericProperty(800)

    def on_natural_size(self, *_args):
        self._fit_zoom()

    def on_width(self, *_args):
        self._fit_zoom()

    def on_max_height(self, *_args):
        self._fit_zoom()

    def _fit_zoom(self) -> None:
        width, height = self.natural_size
        if width > 0 and height > 0 and self.width > 0:
            self.zoom = min(1.0, self.width / width, self.max_height / height)
            self.height = height * self.zoom
