"""One theme for every size, colour and font in the UI.

All sizes derive from the window's shorter side (a "unit" is 1/1080 of it,
so the design numbers read as pixels on a 1080-wide portrait screen) times
the font scale. Elder mode (大字模式) is therefore a change of numbers here,
not a rewrite of any screen: ``.kv`` files bind to these properties.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty


def _hex(code: str) -> tuple[float, float, float, float]:
    code = code.lstrip("#")
    return tuple(int(code[i : i + 2], 16) / 255 for i in (0, 2, 4)) + (1.0,)


# Normal mode: warm paper, text contrast >= 4.5:1 everywhere (WCAG AA).
NORMAL = {
    "bg": "#F3EFE6", "surface": "#FFFFFF", "text": "#1B1B1B", "muted": "#4D4A45",
    "primary": "#A1251B", "primary_ink": "#FFFFFF", "header": "#8E1F16", "header_ink": "#FFFFFF",
    "line": "#C9C1B3", "warn_bg": "#FFF1C2", "warn": "#5C3D00", "danger": "#A1251B",
    "ok": "#1E5E2E", "pressed": "#E4DCCB",
}
# Large mode raises contrast too: >= 7:1 (WCAG AAA). The page is a light
# grey, so white cards and rows on it are seen as cards (white on white
# showed no row at all).
HIGH_CONTRAST = {
    "bg": "#E3E3E3", "surface": "#FFFFFF", "text": "#000000", "muted": "#262626",
    "primary": "#7A150D", "primary_ink": "#FFFFFF", "header": "#5E0F09", "header_ink": "#FFFFFF",
    "line": "#595959", "warn_bg": "#FFE9A0", "warn": "#3A2600", "danger": "#7A150D",
    "ok": "#0E3E1A", "pressed": "#D9D9D9",
}
# Section tile colours (white text on each keeps >= 7:1).
TILE_COLOURS = ["#7A150D", "#0B4F6C", "#1E5631", "#5B2C83", "#6B4400", "#8E1F16", "#2F3E46"]


# Text sizes on a 1080-wide screen in normal mode.
TEXT_SIZES = {"small": 22, "body": 28, "title": 34, "heading": 44, "display": 56}
# Every distinct text size (and weight) opens another FreeType face of the
# 16 MB CJK font, about 2.5 MiB of memory each. So large mode takes the
# smallest size of this ladder that is at least ``scale`` times the normal
# one: mostly sizes normal mode already has open (body 28 -> 44, not 42),
# unless that step is more than 6 % larger than asked (larger text would
# no longer fit some screens).
SIZE_LADDER = (22, 28, 34, 44, 56, 66, 84)
_LADDER_SLACK = 1.06


def _text_size(design: int, unit: float, scale: float) -> int:
    wanted = design * scale
    step = next((step for step in SIZE_LADDER if step >= wanted - 1e-9), None)
    return round((step if step is not None and step <= wanted * _LADDER_SLACK else wanted) * unit)


class Theme(EventDispatcher):
    window_width = NumericProperty(1080)
    window_height = NumericProperty(1920)
    large = BooleanProperty(False)
    large_scale = NumericProperty(1.5)

    # Derived: recomputed whenever an input above changes.
    unit = NumericProperty(1.0)
    scale = NumericProperty(1.0)
    small = NumericProperty(22)
    body = NumericProperty(28)
    title = NumericProperty(36)
    heading = NumericProperty(46)
    display = NumericProperty(60)
    target = NumericProperty(96)  # minimum height of anything tappable
    gap = NumericProperty(16)  # space between neighbouring targets
    pad = NumericProperty(24)
    line_height = NumericProperty(1.35)
    portrait = BooleanProperty(True)

    bg = ColorProperty(_hex(NORMAL["bg"]))
    surface = ColorProperty(_hex(NORMAL["surface"]))
    text = ColorProperty(_hex(NORMAL["text"]))
    muted = ColorProperty(_hex(NORMAL["muted"]))
    primary = ColorProperty(_hex(NORMAL["primary"]))
    primary_ink = ColorProperty(_hex(NORMAL["primary_ink"]))
    header = ColorProperty(_hex(NORMAL["header"]))
    header_ink = ColorProperty(_hex(NORMAL["header_ink"]))
    line = ColorProperty(_hex(NORMAL["line"]))
    warn_bg = ColorProperty(_hex(NORMAL["warn_bg"]))
    warn = ColorProperty(_hex(NORMAL["warn"]))
    danger = ColorProperty(_hex(NORMAL["danger"]))
    ok = ColorProperty(_hex(NORMAL["ok"]))
    pressed = ColorProperty(_hex(NORMAL["pressed"]))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(window_width=self._recompute, window_height=self._recompute,
                  large=self._recompute, large_scale=self._recompute)
        self._recompute()

    def tile_colour(self, index: int) -> tuple[float, float, float, float]:
        return _hex(TILE_COLOURS[index % len(TILE_COLOURS)])

    def _recompute(self, *_args) -> None:
        unit = min(self.window_width, self.window_height) / 1080
        scale = self.large_scale if self.large else 1.0
        self.unit = unit
        self.scale = scale
        self.portrait = self.window_height >= self.window_width
        for name, design in TEXT_SIZES.items():
            setattr(self, name, _text_size(design, unit, scale))
        self.target = round((120 if self.large else 96) * unit)
        self.gap = round((20 if self.large else 16) * unit)
        self.pad = round(24 * unit)
        self.line_height = 1.4 if self.large else 1.3
        palette = HIGH_CONTRAST if self.large else NORMAL
        for name, code in palette.items():
            setattr(self, name, _hex(code))
