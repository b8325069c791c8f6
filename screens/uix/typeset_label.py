"""Labels whose lines break by the rules of Chinese typesetting.

Kivy wraps a label's text itself, at spaces or anywhere: Chinese has no
spaces, so a line may start with "。" or split "17:00". A TypesetLabel
chooses its own line breaks with the core's rules (``kiosk.typeset``:
UAX #14, 禁则, whole numbers, no orphans), measuring with its own font,
and has Kivy draw the text as those explicit lines -- each fits, so Kivy
breaks none of them again.

``text`` stays the text as written (what tests, search and read-aloud
see); ``lines`` holds the lines on show. ``balanced`` (titles, buttons)
makes lines about equal rather than filling the first ones. ``max_lines``
keeps the first lines and ends the last one kept in "…" (Kivy's own would
keep the last lines: kivy/kivy#8932).

The texture is only as wide as the longest line, placed where ``halign``
puts the text (``text_shift``, in this widget's own canvas rule): a
software renderer keeps every texture in RAM and blends every pixel of it
each frame, and a line of a few words in a texture as wide as the screen
is mostly transparent pixels (the year's budget page, with its many short
amounts, most of all).

Widths are measured once per string and font and kept: a screen's
labels share most of their characters, so laying out a label costs a few
microseconds once the cache is warm, against about 50 cold. Kivy's core
label draws the lines with the same kept widths (``_MeasuredCoreLabel``).

A TypesetLabel is a plain Widget with only the properties it draws with,
not a subclass of Kivy's Label: Label's constructor binds each of its
forty-odd text properties to its texture (bindings with their own
arguments, each some objects the collector tracks) and keeps a core label
of its own, about 300 objects a label. Labels are most of a page's
widgets, so that was most of what building a page allocated, and the
largest page set the memory level that stayed (Python's arenas go back to
the system only when empty). A TypesetLabel binds the fifteen properties
that change its texture, and makes its core label only to draw. It
places its texture's rectangle itself, when its box moves or its texture
changes: a kv canvas rule binds every name its expressions read (x and
width through center_x, y and height through center_y, the texture, its
size, the shift), about a hundred objects more a label.
"""

from __future__ import annotations

import math

from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
    VariableListProperty,
)
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.typeset import lay_out

ELLIPSIS = "…"
FULL_FONT = "VillageKioskFull"  # the full CJK font, for a text the default font (a subset) lacks a character of
_covered: frozenset[str] | None = None  # the default font's characters; None: it is the full font


def use_font_coverage(characters: frozenset[str] | None) -> None:
    """The characters the default font has (kiosk.fontsubset), or None for all."""
    global _covered
    _covered = characters | frozenset("\n\t\r") if characters is not None else None


def font_for(text: str, font_name: str) -> str:
    """The default font, or the full one where the default (a subset) lacks
    one of the text's characters; any other font as asked."""
    if _covered is None or font_name not in (DEFAULT_FONT, FULL_FONT):
        return font_name
    return DEFAULT_FONT if _covered.issuperset(text) else FULL_FONT


# Strings whose widths are kept, in every font, size and weight together: a
# screenful is a few thousand, and both font modes use some fifteen faces. A
# limit per face let a terminal whose records change keep adding strings to
# each of them (a soak of 10,000 taps on changing data: tens of thousands).
MEASURED_LIMIT = 20_000
_measured = 0  # strings kept now, in every measurer


class _Measurer:
    """Text widths in one font, size and weight, each string measured once."""

    def __init__(self, font_name: str, font_size: float, bold: bool):
        self._label = CoreLabel(font_name=font_name, font_size=font_size, bold=bold)
        self._widths: dict[str, float] = {}
        self._height: int | None = None  # the font's line height: the same for every text (SDL_ttf)

    def __call__(self, text: str) -> float:
        global _measured
        width = self._widths.get(text)
        if width is None:
            if _measured >= MEASURED_LIMIT:
                forget_widths()
            width = self._widths[text] = self._label.get_extents(text)[0]
            _measured += 1
        return width

    def extents(self, text: str) -> tuple[float, int]:
        """(width, height) as Kivy's core label measures them."""
        if self._height is None:
            self._height = self._label.get_extents("")[1]
        return self(text), self._height


class _MeasuredCoreLabel(CoreLabel):
    """Kivy's core label, measuring with a measurer's kept widths. To draw a
    label Kivy measures every line again, twice (the texture's size, then
    each line's place), and SDL_ttf shapes the line with HarfBuzz each time:
    the lines were measured already when they were chosen."""

    def __init__(self, measured: _Measurer, **kwargs):
        self._measured = measured
        super().__init__(**kwargs)

    def get_extents(self, text):
        return self._measured.extents(text)


_measurers: dict[tuple, _Measurer] = {}


def core_label(text: str, font_name: str, font_size: float, bold: bool = False, italic: bool = False, **options) -> CoreLabel:
    """Kivy's core label to draw ``text`` (lines already chosen) in the font
    that has its characters (``font_for``), measuring with the kept widths;
    ``options`` are Kivy's (color, halign, text_size ...)."""
    font = font_for(text, font_name)
    if italic:  # the kept widths are a font's, size's and weight's: no measurer keeps italic's
        return CoreLabel(text=text, font_name=font, font_size=font_size, bold=bold, italic=True, **options)
    return _MeasuredCoreLabel(measurer(font, font_size, bold), text=text, font_name=font, font_size=font_size, bold=bold, **options)


def measured_count() -> int:
    """How many strings' widths are kept now, in every measurer."""
    return _measured


def forget_widths() -> None:
    """Empty every measurer's widths (see ``forget_break_points``)."""
    global _measured
    for kept in _measurers.values():
        kept._widths.clear()
    _measured = 0


def measurer(font_name: str, font_size: float, bold: bool) -> _Measurer:
    key = (font_name, round(font_size, 2), bool(bold))
    found = _measurers.get(key)
    if found is None:
        found = _measurers[key] = _Measurer(font_name, font_size, bold)
    return found


def typeset_lines(text: str, room: float, measure, balanced: bool = False, max_lines: int = 0) -> list[str]:
    """The lines of ``text`` in ``room`` px; with ``max_lines``, the first
    ones, the last of them shortened to end in "…" when text is left out."""
    lines = lay_out(text, room, measure, balanced=balanced)
    if max_lines <= 0 or len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and measure(last + ELLIPSIS) > room:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip() + ELLIPSIS]


_SPARE_PX = 2  # a texture a little wider than its longest line: Kivy must not wrap a line again over a rounding


def shift_for(halign: str, room: float, drawn: float) -> float:
    """How far from the box's centre a texture ``drawn`` px wide is drawn
    so that its text stands where ``halign`` puts it in ``room`` px."""
    if halign == "right":
        return (room - drawn) / 2
    if halign == "center":
        return 0.0
    return (drawn - room) / 2  # left, and Kivy's "auto"


class TypesetLabel(Widget):
    # Kivy Label's names, defaults and meanings, for what a TypesetLabel draws.
    text = StringProperty("")
    font_name = StringProperty(DEFAULT_FONT)
    font_size = NumericProperty("15sp")
    bold = BooleanProperty(False)
    italic = BooleanProperty(False)
    color = ColorProperty([1, 1, 1, 1])
    disabled_color = ColorProperty([1, 1, 1, 0.3])
    halign = OptionProperty("auto", options=["left", "center", "right", "justify", "auto"])
    valign = OptionProperty("bottom", options=["bottom", "middle", "center", "top"])
    line_height = NumericProperty(1.0)
    padding = VariableListProperty([0, 0, 0, 0], length=4)
    text_size = ListProperty([None, None])
    max_lines = NumericProperty(0)
    texture = ObjectProperty(None, allownone=True)
    texture_size = ListProperty([0, 0])
    shorten = False  # never shortened as Kivy's Label does: max_lines ends the last line kept in "…"

    lines = ListProperty()  # the lines on show
    balanced = BooleanProperty(False)
    text_shift = NumericProperty(0)  # x of the texture's centre from the box's (see shift_for)
    typeset = True  # for the layout check: these lines follow the rules

    # What the texture is drawn from: a change to any of them draws it again.
    _DRAWN_FROM = (
        "text", "font_name", "font_size", "bold", "italic", "color", "disabled_color", "disabled",
        "halign", "valign", "line_height", "padding", "text_size", "max_lines", "balanced",
    )  # fmt: skip

    def __init__(self, **kwargs):
        self._trigger_texture = Clock.create_trigger(self.texture_update, -1)
        super().__init__(**kwargs)
        # Over what a subclass draws in canvas.before (a pill's face), under
        # its canvas.after. In a group of its own: Kivy 2.3's canvas.insert
        # of a Rectangle puts it before its own BindTexture
        # (VertexInstruction.rinsert), and it drew whichever texture was
        # bound before it; a group's add() keeps the two in order.
        self._drawn = Rectangle(size=(0, 0))
        drawing = InstructionGroup()
        drawing.add(Color(1, 1, 1, 1))
        drawing.add(self._drawn)
        canvas = self.canvas
        canvas.insert(canvas.children.index(canvas.after) if canvas.has_after else len(canvas.children), drawing)
        self.fbind("pos", self._place)
        self.fbind("size", self._place)
        for name in self._DRAWN_FROM:
            self.fbind(name, self._trigger_texture)
        self._trigger_texture()

    def drawn_font(self) -> str:
        """The font the text is drawn in: the asked one, or the full font
        where the default (a subset) lacks one of its characters."""
        return font_for(self.text, self.font_name)

    def measure(self):
        return measurer(self.drawn_font(), self.font_size, self.bold)

    def texture_update(self, *largs):
        width = self.text_size[0]
        if not self.text:
            self.lines = []
            self._show(None, 0)
            return
        if width is None:  # one line per written line: nothing to break
            self.lines = self.text.split("\n")
            self._draw(self.text, (None, self.text_size[1]), 0)
            return
        room = width - self.padding[0] - self.padding[2]
        if room < 1:  # a box folded away (a hidden header button): nothing to draw, no texture of no width
            self.lines = []
            self._show(None, 0)
            return
        measure = self.measure()
        self.lines = typeset_lines(self.text, room, measure, self.balanced, self.max_lines)
        drawn = width
        if self.halign != "justify":  # a justified line is as wide as the box
            padding = self.padding[0] + self.padding[2]
            drawn = min(width, math.ceil(max(map(measure, self.lines), default=0)) + padding + _SPARE_PX)
        self._draw("\n".join(self.lines), (drawn, self.text_size[1]), shift_for(self.halign, width, drawn))

    def _draw(self, text: str, text_size: tuple, shift: float) -> None:
        core = core_label(
            text,
            self.font_name,
            self.font_size,
            bold=self.bold,
            italic=self.italic,
            color=self.disabled_color if self.disabled else self.color,
            halign=self.halign,
            valign=self.valign,
            line_height=self.line_height,
            padding=self.padding,
            text_size=text_size,
        )
        core.refresh()
        self._show(core.texture, shift)

    def _show(self, texture, shift: float) -> None:
        self.text_shift = shift
        self.texture = texture
        self.texture_size = list(texture.size) if texture is not None else [0, 0]
        self._place()

    def _place(self, *_args) -> None:
        """The texture where ``halign`` puts it (``text_shift``), centred
        upright, on whole pixels. From x, y and the size, not center_x and
        center_y: those are cached aliases, which a change of the size can
        reach after this."""
        width, height = self.texture_size
        self._drawn.texture = self.texture
        self._drawn.size = (width, height)
        self._drawn.pos = (
            int(self.x + (self.width - width) / 2.0 + self.text_shift),
            int(self.y + (self.height - height) / 2.0),
        )


def is_text(widget: Widget) -> bool:
    """Whether ``widget`` shows text: a Kivy Label or a TypesetLabel."""
    return isinstance(widget, (Label, TypesetLabel))
