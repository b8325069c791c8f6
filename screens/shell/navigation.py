"""Moving between screens, with a history for the back button."""

from __future__ import annotations

import gc
import importlib
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from kivy.animation import Animation
from kivy.lang import Builder
from kivy.uix.screenmanager import ScreenManager, TransitionBase

from kiosk.ops.memory import pause_collector
from kiosk.typeset import forget_break_points
from screens.shell.registry import SCREEN_CLASSES, ScreenName
from screens.uix.typeset_label import forget_widths
from screens.uix.widgets import once_settled

_SCREENS = Path(__file__).resolve().parent.parent  # the screens package
_loaded_kv: set[str] = set()

# Screens kept built besides the home screen. Every built screen holds its
# widgets and their text textures (in RAM, with a software renderer), so
# all seventeen of them kept cost hundreds of MiB. Two cover the usual
# round trip (a list, one of its records, back to the list); a screen left
# longer ago is built again when needed. Measured with the benchmark's
# crawl: keeping 2 rather than 4 saved 45 MiB and was no slower (showing
# a record rebuilds its page anyway, and fewer live widgets make Python's
# garbage collection cheaper).
KEEP_RECENT_SCREENS = 2

# Caches that serve one visit (a chart's text textures while it is zoomed
# and previewed): emptied with the visit's screens when it ends (home, the
# attract screen), so that what the next villager finds is the base memory.
_visit_caches: list[Callable[[], object]] = []
# Caches that serve every visit (the widths and line breaks of texts laid
# out): emptied only when nobody is at the terminal (the attract screen).
# Kept for good, they would hold every text shown since start-up, and a
# terminal whose records change keeps adding new ones for weeks.
_rest_caches: tuple[Callable[[], object], ...] = (forget_break_points, forget_widths)


def forget_with_the_visit(clear: Callable[[], object]) -> None:
    """Call ``clear`` whenever a visit ends and its screens are dropped."""
    _visit_caches.append(clear)


def load_kv(module: str) -> None:
    """Import ``screens.<module>`` (dotted, e.g. ``uix.widgets``, so its
    widget classes are known to the kv language) and load the ``.kv`` file
    beside it once, by absolute path."""
    if module not in _loaded_kv:
        _loaded_kv.add(module)
        importlib.import_module(f"screens.{module}")
        path = _SCREENS.joinpath(*module.split(".")).with_suffix(".kv")
        if path.exists():
            Builder.load_file(str(path))


class InstantTransition(TransitionBase):
    """Switch screens within the frame. Kivy's NoTransition still runs a
    zero-length animation: the old screen stays drawn under the new one
    for the first frame and is removed in a second one (kivy/kivy#2691) --
    a whole extra frame after every tap (20-40 ms with a software renderer).
    The same events as a transition that ends at once, in the same order."""

    screen_out: Any  # TransitionBase's property, set here too: typed for the checker only

    def start(self, manager):
        if self.is_active:
            raise RuntimeError("InstantTransition.start() while a switch is under way")
        self.manager = manager
        screen_in, screen_out = self.screen_in, self.screen_out
        self.add_screen(screen_in)
        screen_in.dispatch("on_pre_enter")
        screen_out.dispatch("on_pre_leave")
        self.dispatch("on_complete")  # TransitionBase.on_complete removes the old screen
        screen_in.dispatch("on_enter")
        screen_out.dispatch("on_leave")
        # A transition keeps the screen it took away until the next switch:
        # a screen dropped when it was left (home ends the visit) would live
        # on. Kivy's property takes no None: the screen on show stands in.
        self.screen_out = screen_in


class ScreenStack(ScreenManager):
    """The screens, one at a time. Without the stencil Kivy's style gives a
    ScreenManager (``<-ScreenStack>`` in app.kv) -- it clips sliding
    transitions, and these screens never slide: it cost every frame 2-6 ms
    of software rendering."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transition", InstantTransition())
        super().__init__(**kwargs)


class Navigator:
    def __init__(self, manager: ScreenStack):
        self.manager = manager
        self.history: list[tuple[ScreenName, dict]] = []
        self._screens: dict[ScreenName, object] = {}  # built screens, least recently shown first
        self._dropped: weakref.WeakSet = weakref.WeakSet()  # dropped, not yet collected
        self._scrolled: dict[int, list[float]] = {}  # history index -> its scroll positions when left
        self._collection_waiting = False  # for the frame of a screen just shown
        self.on_change: list[Callable[[Any], object]] = []  # callbacks(screen) after each move

    @property
    def current(self) -> tuple[ScreenName, dict]:
        return self.history[-1]

    @property
    def current_screen(self):
        return self._screens[self.current[0]]

    def scrolling(self) -> bool:
        """Whether a list or page on show still moves: a flick coasting on
        after the finger has left, or a bounce at its end."""
        if not self.history:
            return False
        return any(
            effect is not None and effect.velocity
            for view in _scroll_views(self.current_screen)
            for effect in (view.effect_x, view.effect_y)
        )

    def screen(self, name: ScreenName):
        if name not in self._screens:
            module, cls_name = SCREEN_CLASSES[name].split(":")
            load_kv(module)
            cls = getattr(importlib.import_module(f"screens.{module}"), cls_name)
            screen = cls(name=name.value)
            self._screens[name] = screen
            self.manager.add_widget(screen)
        return self._screens[name]

    def go(self, name: ScreenName, **params) -> None:
        if self.history:
            self._scrolled[len(self.history) - 1] = [view.scroll_y for view in _scroll_views(self.current_screen)]
        self._show(name, params)
        if not self.history or self.history[-1] != (name, params):
            self.history.append((name, params))
        self._changed()

    def back(self) -> None:
        if len(self.history) > 1:
            self.history.pop()
            name, params = self.history[-1]
            self._show(name, params)
            # Back where the villager was on that page, not at its top.
            for view, scroll_y in zip(_scroll_views(self.current_screen), self._scrolled.pop(len(self.history) - 1, []), strict=False):
                view.keep_scroll(scroll_y) if hasattr(view, "keep_scroll") else setattr(view, "scroll_y", scroll_y)
            self._changed()

    def home(self) -> None:
        """Back to the first screen: the visit so far is over and its
        screens are dropped, so that home stands at its base memory (a tile
        tapped again builds its list afresh, as it does after the attract
        screen)."""
        self.history = self.history[:1]
        self._scrolled.clear()
        name, params = self.history[0]
        self._show(name, params)
        self._end_visit()
        self._changed()

    def reset(self, name: ScreenName) -> None:
        """Start the history afresh at ``name`` (e.g. when first data arrives)."""
        self.history = []
        self._scrolled.clear()
        self.go(name)

    def refresh(self) -> None:
        """Re-show the current screen (new snapshot), keeping the history."""
        name, params = self.current
        try:
            self._show(name, params)
        except LookupError:
            # What the villager was looking at is gone from the new data.
            self.home()

    def _show(self, name: ScreenName, params: dict) -> None:
        if not self._collection_waiting:
            self._collection_waiting = True
            once_settled(partial(self._collect_once_settled, pause_collector()))
        screen = self.screen(name)
        screen.show(**params)
        self.manager.current = name.value
        self._screens[name] = self._screens.pop(name)  # most recently shown last
        self._drop_old_screens()

    def _drop_old_screens(self, keep_recent: int = KEEP_RECENT_SCREENS) -> None:
        keep = {self.history[0][0]} if self.history else set()
        recent = [name for name in self._screens if name not in keep]
        for name in recent[: max(0, len(recent) - keep_recent)]:
            screen = self._screens.pop(name)
            self.manager.remove_widget(screen)
            _stop_animations(screen)
            self._dropped.add(screen)

    def _collect_once_settled(self, resume_collector: Callable[[], None]) -> None:
        """Leaving a screen makes its widgets cyclic garbage, and building
        the next one made young objects by the hundred thousand (the
        collector was paused meanwhile: kiosk.ops.memory.pause_collector).
        One full collection once the new screen has finished drawing: the
        villager is reading then, the page is whole on the screen, and the
        collection never lands in the middle of the next tap."""
        self._collection_waiting = False
        self.stop_dropped_animations()
        gc.collect()
        resume_collector()

    def stop_dropped_animations(self) -> None:
        """Cancel what dropped screens have started animating since (a list
        fades its scroll bar out half a second after it last moved), just
        before the collection that frees them."""
        for screen in list(self._dropped):
            _stop_animations(screen)
        self._dropped.clear()

    def release_screens(self) -> None:
        """Drop every built screen but home and the one on show (the attract
        screen: the terminal waits for the next villager at its base memory)."""
        self._end_visit(keep_recent=0 if self.current[0] is self.history[0][0] else 1)
        for clear in _rest_caches:
            clear()

    def _end_visit(self, keep_recent: int = 0) -> None:
        self._drop_old_screens(keep_recent=keep_recent)
        for clear in _visit_caches:
            clear()

    def _changed(self) -> None:
        for callback in self.on_change:
            callback(self.current_screen)


def _stop_animations(screen) -> None:
    """A running animation holds its widget strongly until it ends (a list's
    scroll bar fades out over half a second): a dropped screen would stay
    in memory past the collection that follows the next frame, until some
    full collection long after."""
    for widget in screen.walk(restrict=True):
        Animation.cancel_all(widget)


def _scroll_views(screen) -> list:
    from kivy.uix.scrollview import ScrollView

    return [widget for widget in screen.walk(restrict=True) if isinstance(widget, ScrollView)]


def go_to(name: ScreenName, **params):
    """An action for a button: go to ``name`` with ``params`` when tapped."""
    from kivy.app import App

    return lambda: App.get_running_app().nav.go(name, **params)
