"""Shared widgets: every screen builds from these, so sizes, colours and
touch behaviour stay consistent and follow the theme."""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview import RecycleView
from kivy.uix.recycleview.views import RecycleDataAdapter
from kivy.uix.scrollview import ScrollView
from kivy.uix.stacklayout import StackLayout

import screens.uix.shapes  # noqa: F401 -- registers RoundBox, which the kv rules draw with
from kiosk.images import DecodedImage
from kiosk.reading import pieces
from screens.services.pictures import picture_texture, request_picture
from screens.uix.list_rows import SelfSizedRow
from screens.uix.typeset_label import TypesetLabel, font_for, measurer, typeset_lines


def theme():
    return App.get_running_app().theme


# A wrapped label narrower than this many characters has not found its
# place yet (see KLabel.texture_update); nor has a list narrower than this
# many rows are tall (RowList).
_SETTLING_CHARS = 4
_SETTLING_ROWS = 3
ROW_TEXT_LINES = 2  # a list row's title wraps to this many lines at most (its subtitle: one)


def after_next_frame(callback: Callable[[], object]) -> None:
    """Run ``callback`` on the UI thread once the next frame is on screen."""

    def on_flip(window):
        window.unbind(on_flip=on_flip)
        Clock.schedule_once(lambda _dt: callback(), 0)  # the next frame, not inside this one's swap

    Window.bind(on_flip=on_flip)


SETTLING_FRAMES_MAX = 30  # a screen still drawing after this many frames is animating: settled enough


def once_settled(callback: Callable[[], object]) -> None:
    """Run ``callback`` on the UI thread once the screen has finished
    drawing: after the next frame, the first turn of the loop that draws
    none (long text and pictures come over a few frames), or after
    ``SETTLING_FRAMES_MAX`` frames on a screen that goes on moving."""
    frames = [0, 0]  # drawn since the last look, drawn in all

    def on_flip(_window):
        frames[0] += 1
        frames[1] += 1

    def look(_dt):
        if frames[0] and frames[1] < SETTLING_FRAMES_MAX:
            frames[0] = 0
            Clock.schedule_once(look, 0)
            return
        Window.unbind(on_flip=on_flip)
        callback()

    Window.bind(on_flip=on_flip)
    after_next_frame(lambda: Clock.schedule_once(look, 0))


# Characters of long text drawn a frame, at most (about a third of a screen:
# 20-40 ms on a software renderer), by labels longer than a short line.
LONG_TEXT_FRAME_CHARS = 600
_SHORT_LINE_CHARS = 24


class _FrameText:
    """What is left of this frame's allowance of long text. Breaking,
    measuring and rasterising a text costs time in proportion to its length:
    a page whose every text was as long as the limits allow took far longer
    than a frame to its first one. Drawn a frame's allowance at a time, in
    the order asked (top down), the first frame comes as soon as a short
    page's and the rest follows in the next ones."""

    def __init__(self):
        self._frame = -1  # Clock.frames when the allowance was last renewed
        self._spent = 0

    def take(self, chars: int) -> bool:
        """Whether ``chars`` more may be drawn this frame (always, the first)."""
        if Clock.frames != self._frame:
            self._frame, self._spent = Clock.frames, 0
        if self._spent and self._spent + chars > LONG_TEXT_FRAME_CHARS:
            return False
        self._spent += chars
        return True


_frame_text = _FrameText()


class KLabel(TypesetLabel):
    """Wrapped text that is always as tall as its content (never clipped),
    its lines broken by the rules of Chinese typesetting."""

    role = StringProperty("body")  # small / body / title / heading / display

    def __init__(self, **kwargs):
        self._deferred = False
        self._waiting = False  # for the next frame's allowance of long text
        self.counted = False  # its first drawing is counted already (a piece of a LongText)
        super().__init__(**kwargs)

    def texture_update(self, *largs):
        # Layouts settle in passes within a frame, and a new label first gets
        # the widths of half-built parents (52 px: a paragraph wrapped one
        # character per line, measured and rasterised, then again at its real
        # width). Too narrow to be real: wait for the width to change, or for
        # the next frame, then render at whatever width it has.
        if self.text and self.width < _SETTLING_CHARS * self.font_size:
            if not self._deferred:
                self._deferred = True
                Clock.schedule_once(self._render_deferred, 0)
            return
        self._deferred = False
        if not self._allowed():
            return
        super().texture_update(*largs)

    def _render_deferred(self, _dt) -> None:
        if self._deferred:  # nothing rendered it meanwhile: the narrow width is its real one
            self._deferred = False
            if self._allowed():
                super().texture_update()

    def _allowed(self) -> bool:
        """Whether to draw now; else it is drawn in a frame to come."""
        if self.counted or len(self.text) <= _SHORT_LINE_CHARS:
            self.counted = False
            return True
        if _frame_text.take(len(self.text)):
            return True
        if not self._waiting:
            self._waiting = True
            # Held weakly: a screen left meanwhile must go with its labels.
            Clock.schedule_once(functools.partial(_render_later, weakref.ref(self)), 0)
        return False


def _render_later(ref: weakref.ref[KLabel], _dt) -> None:
    label = ref()
    if label is not None:
        label._waiting = False
        label.texture_update()


class TapArea(ButtonBehavior):
    """A touch target: calls ``action`` on release. Kept as behaviour so any
    layout can become tappable."""

    action = ObjectProperty(None, allownone=True)

    def on_release(self):
        if self.action is not None:
            self.action()


class KButton(TapArea, TypesetLabel):
    """A large button with a coloured face (its words balanced, should they wrap)."""

    face = ColorProperty(None, allownone=True)
    ink = ColorProperty(None, allownone=True)
    role = StringProperty("body")
    edge = ColorProperty([0, 0, 0, 0])  # outline colour, drawn when edge_width > 0
    edge_width = NumericProperty(0)


class Tile(TapArea, BoxLayout):
    """A home-screen tile: big title, one plain line of what is inside."""

    title = StringProperty()
    subtitle = StringProperty()
    face = ColorProperty([0.5, 0.1, 0.1, 1])
    full_height = NumericProperty(0)  # the height that shows title and subtitle
    min_height = NumericProperty(0)
    room = NumericProperty(0)  # height offered by the screen when it has space to spare
    compact = BooleanProperty(False)  # title only: the screen has no room for the subtitle
    fit_chars = NumericProperty(0)  # the longest title among its neighbours: the title size is chosen for it


class RowButton(TapArea, BoxLayout):
    """One row of a list: title, a smaller line under it, a value at right."""

    title = StringProperty()
    subtitle = StringProperty()
    value = StringProperty()
    value_tone = StringProperty("")  # "ok" (money in) or "danger" (money out); plain text colour otherwise
    badge = StringProperty()  # short flag shown in warning colour, e.g. 公示中


class RowText(TypesetLabel):
    """A list row's title or subtitle: ``full_text`` in up to two lines of
    ``room``, ending in "…" if it needs more (the record's page has all of
    it), drawn from a texture only as wide as its text. Wrapped text gets a
    texture as wide as the room it wraps in, and a software renderer
    uploads and blends every pixel of it: a short title in an 884 px
    texture was most of a result list's text pixels."""

    full_text = StringProperty()
    room = NumericProperty(0)
    fit_width = NumericProperty(0)
    lines_kept = NumericProperty(ROW_TEXT_LINES)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in ("full_text", "room", "font_size", "bold", "lines_kept"):  # what the fit depends on
            self.fbind(name, self._fit)
        self._fit()

    def _fit(self, *_args) -> None:
        text, room = self.full_text, self.room
        if not text or room <= 0:
            self.text, self.fit_width = text, 0
            return
        measure = self.measure()
        natural = measure(text) + 1  # one pixel spare for rounding
        if natural <= room:
            self.text, self.fit_width = text, natural
            return
        self.fit_width = room
        self.text = "".join(typeset_lines(text, room, measure, max_lines=int(self.lines_kept)))


class _ListKeepsItsRows(RecycleDataAdapter):
    """Rows let go of on new data stay with their list.

    Kivy's adapter hands them to one cache for the whole process (up to
    1,000 rows) for any list to reuse: rows of pages long left stayed for
    the terminal's life, scattered among what was built since, and kept
    Python's memory from going back. Here the list's next data reuses
    them, and they go when the list goes."""

    views: dict  # RecycleDataAdapter's: the rows on show, by index
    dirty_views: dict  # RecycleDataAdapter's: rows off show that may be reused, by class, then by index

    def invalidate(self):
        rows = [*self.views.values(), *(view for views in self.dirty_views.values() for view in views.values())]
        self.views = {}
        self.dirty_views.clear()
        for key, view in enumerate(rows, 1):
            # Under a key no row has: reused for any row, its data set afresh.
            self.dirty_views[view.__class__][-key] = view


class RowList(RecycleView):
    """A long list that stays smooth: only visible rows exist as widgets.

    ``rows`` takes dicts with keys title, subtitle, value, badge, action.
    """

    rows = ListProperty()
    row_height = NumericProperty(100)
    reading_column = BooleanProperty(False)  # rows in a column of reading width, centred (a page's)

    def __init__(self, **kwargs):
        self._rows_pending = False
        self._rows_prepared = False
        self._scroll_after_rows = 1.0
        self._measured: list[tuple[int, type]] = []  # rows whose height the list measures, with their view's class
        self._spare_views: dict[type, SelfSizedRow] = {}
        self._trigger_measure = Clock.create_trigger(self._measure_again)
        kwargs.setdefault("view_adapter", _ListKeepsItsRows())
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        self.layout_manager.bind(width=self._on_layout_width)

    def on_rows(self, _instance, _rows):
        # As with KLabel: a new list first gets the widths of half-built
        # parents (100 px, 52 px), and RecycleView lays out every row at
        # each of them: 6 ms a pass for a month of 5,000 entries. Rows wait
        # for a width that can be real, or for this frame to be drawn (a
        # timeout of 0 would come before the layout's last pass).
        self._rows_pending = True
        if self._laid_out():
            self._show_rows()
        else:
            after_next_frame(self._show_rows)

    def _laid_out(self) -> bool:
        # The layout inside the list takes the list's width one pass later.
        least = _SETTLING_ROWS * self.row_height
        return self.width >= least and self.layout_manager.width >= least

    def _on_layout_width(self, *_args) -> None:
        if self._rows_pending and self._laid_out():
            self._show_rows()
        elif self._measured:
            self._trigger_measure()

    def on_row_height(self, *_args) -> None:
        if self._measured:  # the font's size changed (大字): so did the rows'
            self._trigger_measure()

    def _show_rows(self) -> None:
        if not self._rows_pending:
            return
        self._rows_pending = False
        # The screen's own dicts, not copies: a list may be 10,000 rows.
        data = list(self.rows)
        self._measured = self._self_sized(data)
        for index, _cls in self._measured:
            data[index] = dict(data[index])  # its height is written into it: the screen's row stays as given
        self._measure(data)
        self.data = data
        self.scroll_y, self._scroll_after_rows = self._scroll_after_rows, 1.0

    def _self_sized(self, data: list[dict]) -> list[tuple[int, type]]:
        """The rows given no height whose view sizes itself, with its class."""
        classes: dict = {}  # view class name -> the class, if a SelfSizedRow (a month has 5,000 rows, a few classes)
        found = []
        for index, row in enumerate(data):
            if "row_size" not in row:
                name = row.get(self.key_viewclass, self.viewclass) if self.key_viewclass else self.viewclass
                if name not in classes:
                    cls = name if isinstance(name, type) else Factory.get(name)
                    if cls is None:
                        raise LookupError(f"no widget class {name!r}")
                    classes[name] = cls if issubclass(cls, SelfSizedRow) else None
                if classes[name] is not None:
                    found.append((index, classes[name]))
        return found

    def _measure(self, data: list[dict]) -> None:
        """The rows that size themselves and were given no height: measured
        on a spare view of their class at the rows' width (see list_rows)."""
        manager = self.layout_manager
        width = manager.width - manager.padding[0] - manager.padding[2]
        for index, cls in self._measured:
            spare = self._spare_views.get(cls) or self._spare_views.setdefault(cls, cls())
            data[index]["row_size"] = (None, spare.measure(self, index, data[index], width))

    def _measure_again(self, *_args) -> None:
        if self._measured and not self._rows_pending and self.data:
            self._measure(self.data)
            self.refresh_from_data()

    def keep_scroll(self, scroll_y: float) -> None:
        """Scroll to ``scroll_y`` (going back to this list), now or once its rows are shown."""
        if self._rows_pending:
            self._scroll_after_rows = scroll_y
        else:
            self.scroll_y = scroll_y

    def prepare_rows(self) -> None:
        """Build the row widgets a screenful of rows will need, now, while
        nothing else happens: the first rows a list shows otherwise build
        them in the frame that shows them (3 ms a row). They wait, empty and
        off screen, in RecycleView's cache; no frame ever shows them. Once:
        the cache keeps them for every later showing."""
        if self._rows_prepared or self.data or self._rows_pending or not self._laid_out():
            return
        self._rows_prepared = True
        count = math.ceil(self.height / self.row_height) + 1
        self.data = [{"title": "", "subtitle": "", "value": "", "badge": "", "action": None} for _ in range(count)]
        self.refresh_views()
        self.data = []
        self.refresh_views()


class ScrollPage(ScrollView):
    """A vertically scrolling page; add children to ``page.content``."""

    content = ObjectProperty(None)


class Section(BoxLayout):
    """A titled block on a detail page (e.g. 所需材料, 政策依据)."""

    title = StringProperty()


class MessageStrip(BoxLayout):
    """A calm coloured message strip (stale data, missing picture, …)."""

    text = StringProperty()
    shown = BooleanProperty(False)


# ---------------------------------------------------------------- records (issue 6)


class HintLabel(KLabel):
    """Secondary text (a hint, a date line) in the muted colour. A class of
    its own because a colour set from Python would not follow the palette
    when large mode switches it."""


class LongText(BoxLayout):
    """A text as long as the limits allow (a 20,000-character notice),
    drawn as pieces (``kiosk.reading``): one label for all of it would take
    seconds and, past the GPU's largest texture, draw a black box. The
    pieces are drawn ``LONG_TEXT_FRAME_CHARS`` characters a frame with the
    screen's other long texts, in the order they were given, so a page with a
    long text opens as fast as one with a short one and the rest follows
    below while the villager reads the top. Subclasses choose the label of
    each piece (``piece_class``)."""

    text = StringProperty()
    piece_class: type[KLabel] = KLabel

    def __init__(self, **kwargs):
        self._rest: list[str] = []
        self._waiting = False
        self.given_at = 0  # Clock.frames when it got its text
        self._built = False  # a text given to the constructor comes before the canvas
        super().__init__(**kwargs)
        self._built = True
        self.on_text()

    def on_text(self, *_args) -> None:
        if not self._built:
            return
        self.clear_widgets()
        self._rest = pieces(self.text)
        self.given_at = Clock.frames
        _feed.take(self)

    @property
    def pieces_left(self) -> int:
        return len(self._rest)

    def draw_next(self) -> None:
        """Add the next piece."""
        piece = self.piece_class(text=self._rest.pop(0))
        piece.counted = True  # by the feed
        self.add_widget(piece)


class HintText(LongText):
    piece_class = HintLabel


class _PieceFeed:
    """Adds the long texts' pieces within the frames' allowance of long text
    (``_FrameText``): the texts given last first (the page now on screen,
    not the one just left), and those given together in order (top down)."""

    def __init__(self):
        # Held weakly: a screen left meanwhile must go with its texts.
        self._waiting: list[weakref.ref[LongText]] = []
        self._scheduled = False

    def take(self, text: LongText) -> None:
        while text._rest and _frame_text.take(len(text._rest[0])):
            text.draw_next()
        if text._rest and not text._waiting:
            text._waiting = True
            self._waiting.append(weakref.ref(text))
        if self._waiting and not self._scheduled:
            self._scheduled = True
            Clock.schedule_once(self._next_frame, 0)

    def _next_frame(self, _dt) -> None:
        self._scheduled = False
        alive = [text for text in (ref() for ref in self._waiting) if text is not None]
        self._waiting = []
        for text in sorted(alive, key=lambda text: -text.given_at):
            text._waiting = False
            self.take(text)


_feed = _PieceFeed()


class FitRow(BoxLayout):
    """A horizontal row as tall as its tallest child (plus padding), for
    rows of wrapped text or words whose size is known only once drawn."""

    def add_widget(self, widget, *args, **kwargs):
        widget.bind(height=self._fit)
        super().add_widget(widget, *args, **kwargs)
        self._fit()

    def _fit(self, *_args) -> None:
        self.height = max((child.height for child in self.children), default=0) + self.padding[1] + self.padding[3]


class TitleWithFlag(FitRow):
    """A title with, when there is one, a warning word in a pill beside it
    (超预算, 无票据). Without one the pill is taken away, not just hidden."""

    title = StringProperty()
    flag = StringProperty()

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        self.on_flag()

    def on_flag(self, *_args) -> None:
        for child in [child for child in self.children if isinstance(child, Pill)]:
            self.remove_widget(child)
        if self.flag:
            self.add_widget(Pill(text=self.flag))


class Collapsible(BoxLayout):
    """A row that can be taken off the screen entirely: while ``shown`` is
    False it holds no children, so no hidden button covers a neighbour or
    catches its touches (a zero-height box would still let them spill)."""

    shown = BooleanProperty(True)

    def __init__(self, **kwargs):
        self._stash = []
        super().__init__(**kwargs)

    def add_widget(self, widget, *args, **kwargs):
        if self.shown:
            super().add_widget(widget, *args, **kwargs)
        else:
            self._stash.insert(0, widget)

    def on_shown(self, _instance, shown):
        if shown:
            stash, self._stash = self._stash, []
            for widget in reversed(stash):
                super().add_widget(widget)
        else:
            self._stash = list(self.children) + self._stash
            self.clear_widgets()


class Pill(TypesetLabel):
    """A short word in a rounded box: ``tone`` warn (公示中, 超预算),
    primary, ok or plain."""

    tone = StringProperty("warn")


class BarChart(BoxLayout):
    """Horizontal bars, one per row: label and figure on a line, the bar
    under them (so long labels wrap instead of squeezing the bar).

    ``bars`` takes dicts with keys label, text (the figure as shown),
    value (a number; bars are drawn relative to the largest) and tone
    (a theme colour name: primary, muted, ok, danger).
    ``inline`` puts label, bar and figure on one line, for many short rows.
    """

    bars = ListProperty()
    inline = BooleanProperty(False)
    figure_width = NumericProperty(0)  # of every inline row's figure (its kv rule): the widest, so that the bars line up

    def __init__(self, **kwargs):
        bars = kwargs.pop("bars", [])
        super().__init__(**kwargs)
        self.bars = bars  # rows are widgets: only once this one is built

    def on_bars(self, _instance, bars):
        # The rows there are take the new bars (a page shown again for the
        # next record, or for new data); only a different count builds anew.
        row_class = InlineBarRow if self.inline else BarRow
        rows = self.children[::-1]
        if len(rows) != len(bars) or any(type(row) is not row_class for row in rows):
            self.clear_widgets()
            rows = [row_class() for _bar in bars]
            for row in rows:
                self.add_widget(row)
        largest = max((bar["value"] for bar in bars), default=0)
        for row, bar in zip(rows, bars, strict=True):
            row.label, row.text, row.tone = bar["label"], bar["text"], bar["tone"]
            row.fraction = bar["value"] / largest if largest > 0 else 0

    @staticmethod
    def widest_figure(bars: list[dict], font_size: float) -> float:
        """The widest figure of ``bars`` drawn in the figures' font (bold)."""
        return max((measurer(font_for(bar["text"], DEFAULT_FONT), font_size, True)(bar["text"]) for bar in bars), default=0)


class _BarLine(BoxLayout):
    label = StringProperty()
    text = StringProperty()
    fraction = NumericProperty(0)
    tone = StringProperty("primary")  # a theme colour, so large mode's palette applies
    bar_pos = ListProperty([0, 0])  # where the row's kv rule puts its bar
    bar_size = ListProperty([0, 0])


class BarRow(_BarLine):
    """Label and figure on a line, the bar under them."""


class InlineBarRow(_BarLine):
    """Label, bar and figure on one line."""


class PictureTile(TapArea, BoxLayout):
    """A thumbnail with its caption; a reason in place of a broken picture."""

    sha256 = StringProperty()
    caption = StringProperty()
    texture = ObjectProperty(None, allownone=True)
    problem = StringProperty()  # reason shown instead of the picture

    def on_sha256(self, _instance, sha256):
        self.texture = None
        self.problem = ""
        request_picture(sha256, self._show)

    def _show(self, sha256, result):
        if sha256 != self.sha256:  # the tile shows another picture by now
            return
        if isinstance(result, DecodedImage):
            self.texture = picture_texture(result)
        else:
            self.problem = result.reason_zh


class PictureGrid(StackLayout):
    """Thumbnails that wrap onto new lines (no sideways swipe needed);
    tapping one calls ``open_picture(index)``."""

    def show(self, refs, open_picture) -> None:
        self.clear_widgets()
        for index, ref in enumerate(refs):
            self.add_widget(PictureTile(sha256=ref.sha256, caption=ref.caption, action=lambda index=index: open_picture(index)))


# ---------------------------------------------------------------- search (issue 5)


class SearchButton(KButton):
    """The way into search, the same wherever it is offered (home, power list)."""

    icon = NumericProperty(0)  # width of the drawn magnifier's place
