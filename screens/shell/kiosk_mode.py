"""Unattended-terminal behaviour: lockdown and idle reset.

Lockdown: a villager has no way out -- no Escape, no Alt+F4, no window
close, no keyboard shortcuts, no mouse cursor. Idle: after a quiet spell a
large countdown asks "还在看吗？", then the terminal returns to its start
state; after a longer one an attract screen cycles the notices.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import NumericProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.modalview import ModalView

from kiosk.idle import IdlePhase, IdlePolicy, IdleTracker, NightSchedule
from kiosk.ops.logs import log_event
from screens.shell.card_reader import TypedKeys
from screens.shell.registry import ScreenName
from screens.shell.restart import reason_to_start_again

log = logging.getLogger(__name__)

RESTART_CHECK_S = 10  # how often a resting terminal looks for a reason to start again (a file read in the update hours)


def lock_down(window=Window, typed: TypedKeys | None = None) -> None:
    window.show_cursor = False
    # Every key press ends here: Escape, Alt+F4, shortcuts. A touchscreen
    # terminal has no use for a keyboard someone might plug in -- except an
    # ID-card reader that types: ``typed`` hands its digits to the screen
    # that takes them (screens.shell.card_reader), and swallows the key too.
    window.bind(on_keyboard=lambda *_args: True, on_key_down=(typed or TypedKeys()).key_down)
    window.bind(on_request_close=_refuse_close)


def _refuse_close(*_args, **_kwargs) -> bool:
    log_event(log, "app.close_refused")
    return True


def stop_on_terminate(app) -> None:
    """Stop cleanly on SIGTERM (the service stopped, the terminal shutting
    down). SDL turns the signal into a window-close request, which lockdown
    refuses: the service manager then waited out its stop timeout and
    killed the kiosk. No villager can send a signal, so closing the window
    stays refused. For the kiosk's own process only (not an app a test
    runs), from the main thread."""

    def terminate(signum, _frame) -> None:
        log_event(log, "app.stop_requested", signal=signal.Signals(signum).name)
        app.start_again_for = None  # told to stop while starting afresh: stop
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    signal.signal(signal.SIGTERM, terminate)


class CountdownOverlay(FloatLayout):
    """The full-screen "还在看吗？点一下继续" question."""

    seconds_left = NumericProperty(10)


class IdleWatcher:
    """Asks an ``IdleTracker`` twice a second what to show, and shows it."""

    def __init__(self, app, policy: IdlePolicy, clock=time.monotonic, night: NightSchedule | None = None):
        self.app = app
        self.clock = clock
        self.night = night or NightSchedule()
        self.wall_clock = dt.datetime.now  # local time of day, for quiet hours
        self.tracker = IdleTracker(policy, clock())
        self.overlay = CountdownOverlay()
        self.reset_hooks: list[Callable[[], object]] = []  # run on reset (e.g. stop reading aloud)
        # Bound callbacks run before the window hands the touch to widgets,
        # so a waking touch can be stopped here.
        Window.fbind("on_touch_down", self._on_touch_down)
        Window.fbind("on_touch_up", self._on_touch_up)
        self._swallowing: set = set()
        self._next_restart_check = 0.0
        self._event = Clock.schedule_interval(self.tick, 0.5)

    def needs_reset(self) -> bool:
        nav = self.app.nav
        return (
            len(nav.history) > 1
            or self.app.theme.large
            or self.app.read_aloud.is_speaking()
            or any(isinstance(child, ModalView) for child in Window.children)
        )

    def tick(self, *_args) -> None:
        view = self.tracker.view(self.clock(), needs_reset=self.needs_reset())
        if view.reset_now:
            self.reset()
        self._show_countdown(view.seconds_left if view.phase is IdlePhase.ASKING else 0)
        if view.phase is IdlePhase.ATTRACT and self.app.data.snapshot is not None:
            if self.app.nav.current[0] is not ScreenName.ATTRACT:
                log_event(log, "app.attract")
                self.app.nav.home()
                self.app.nav.go(ScreenName.ATTRACT)
                # Nobody is here: wait for the next villager at base memory.
                self.app.nav.release_screens()
            now = self.wall_clock()
            self.app.nav.current_screen.set_night(self.night.is_night(now.time()), now)
            self._start_again_if_due(now)

    def _start_again_if_due(self, now: dt.datetime) -> None:
        """Nobody is here: start again if a start would take up something
        new (screens.shell.restart)."""
        if self.clock() < self._next_restart_check:
            return
        self._next_restart_check = self.clock() + RESTART_CHECK_S
        reason = reason_to_start_again(self.app.kiosk_config, now)
        if reason is not None:
            self.app.start_again(reason)

    def reset(self) -> None:
        log_event(log, "app.idle_reset")
        for child in list(Window.children):
            if isinstance(child, ModalView):
                child.dismiss(animation=False)
        self.app.theme.large = False
        for hook in self.reset_hooks:
            hook()
        self.app.nav.home()

    def _show_countdown(self, seconds_left: int) -> None:
        showing = self.overlay.parent is not None
        if seconds_left and not showing:
            Window.add_widget(self.overlay)
        elif not seconds_left and showing:
            Window.remove_widget(self.overlay)
        self.overlay.seconds_left = seconds_left

    def _on_touch_down(self, _window, touch) -> bool:
        if self.tracker.touched(self.clock(), needs_reset=self.needs_reset()):
            self._swallowing.add(touch.uid)
            self._show_countdown(0)
            if self.app.nav.current[0] is ScreenName.ATTRACT:
                self.app.nav.home()
            return True
        return False

    def _on_touch_up(self, _window, touch) -> bool:
        if touch.uid in self._swallowing:
            self._swallowing.discard(touch.uid)
            return True
        return False
