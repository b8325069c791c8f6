"""One theme for every size, colour and font in the UI.

All sizes derive from the window's shorter side (a "unit" is 1/1080 of it,
so the design numbers read as pixels on a 1080-wide portrait screen) times
the font scale. Elder mode (大字模式) is therefore a change of numbers here,
not a rewrite of any screen: ``.kv`` files bind to these properties.
"""

from __future__ import annotations

import weakref
from types import MethodType

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, DictProperty, NumericProperty

from screens.shell.palette import HIGH_CONTRAST, NORMAL, TILE_COLOURS


def _hex(code: str) -> tuple[float, float, float, float]:
    code = code.lstrip("#")
    red, green, blue = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, 1.0)


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
    # The same sizes by their names, for a rule that picks one by a role:
    # ``app.theme.sizes[self.role]`` binds one property where a choice among
    # the five above binds five, on every one of a page's labels.
    sizes = DictProperty({name: float(design) for name, design in TEXT_SIZES.items()})
    target = NumericProperty(96)  # minimum height of anything tappable
    gap = NumericProperty(16)  # space between neighbouring targets
    pad = NumericProperty(24)
    scroll_bar = NumericProperty(14)  # a scrolling view's bar, wide enough to see and to drag
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
        self.bind(window_width=self._recompute, window_height=self._recompute, large=self._recompute, large_scale=self._recompute)
        self._recompute()

    def follow(self, **methods: MethodType) -> None:
        """Call each bound method when its theme property changes, for as
        long as the method's object lives: ``theme.follow(text=chart.redraw)``.
        Kivy's ``bind`` holds a method weakly but drops its entry only when
        the property next changes, and a colour may never change: every
        chart ever shown would leave one behind, with its weak proxy. Here
        the entry goes with its object. (A kv rule's bindings go with their
        widget already.)"""
        for name, method in methods.items():
            weak = weakref.WeakMethod(method)

            def call(*args, weak=weak) -> None:
                alive = weak()
                if alive is not None:
                    alive(*args)

            weakref.finalize(method.__self__, self.unbind_uid, name, self.fbind(name, call))

    def tile_colour(self, index: int) -> tuple[float, float, float, float]:
        return _hex(TILE_COLOURS[index % len(TILE_COLOURS)])

    def _recompute(self, *_args) -> None:
        unit = min(self.window_width, self.window_height) / 1080
        scale = self.large_scale if self.large else 1.0
        self.unit = unit
        self.scale = scale
        self.portrait = self.window_height >= self.window_width
        sizes = {name: _text_size(design, unit, scale) for name, design in TEXT_SIZES.items()}
        for name, size in sizes.items():
            setattr(self, name, size)
        self.sizes = sizes
        self.target = round((120 if self.large else 96) * unit)
        self.gap = round((20 if self.large else 16) * unit)
        self.pad = round(24 * unit)
        self.scroll_bar = 14 * unit
        self.line_height = 1.4 if self.large else 1.3
        palette = HIGH_CONTRAST if self.large else NORMAL
        for name, code in palette.items():
            setattr(self, name, _hex(code))
