"""The Kivy application: wires the core services once and hands them to
the screens. Features live in screens and in the core, not here."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.event import EventDispatcher
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import paths
from kiosk.config import Config
from kiosk.decode import FeedError
from kiosk.idle import IdlePolicy, NightSchedule
from kiosk.images import ImageWorker, ThumbnailCache
from kiosk.live import LiveData
from kiosk.ops.logs import log_event
from kiosk.ops.memory import fix_mmap_threshold, settle_collector
from kiosk.ops.pin import PinGuard
from kiosk.ops.yielding import villager_active
from kiosk.snapshot import Snapshot
from kiosk.speech import SpeechEngine
from screens.kivy_fixes import clip_with_scissor, return_scrolls_to_their_edges
from screens.services.new_data import OutcomesWhenQuiet
from screens.services.operations import Operations
from screens.services.read_aloud import ReadAloud
from screens.services.search import SearchService
from screens.shell.card_reader import TypedKeys
from screens.shell.kiosk_mode import IdleWatcher, lock_down
from screens.shell.navigation import Navigator, load_kv
from screens.shell.registry import HEADER_TITLES, ScreenName
from screens.shell.theme import Theme
from screens.uix.dialogs.technician import CornerTaps, PinPad, TechnicianPanel
from screens.uix.widgets import after_next_frame

log = logging.getLogger(__name__)
# The benchmark's cold-start probe: when set, the wall-clock time of the
# first frame on screen is written to this file (see tooling.bench).
READY_FILE_ENV = "VILLAGE_KIOSK_READY_FILE"
_HERE = Path(__file__).resolve().parent
EXIT_TO_DESKTOP = 64  # "the technician closed the kiosk": systemd must not restart it
NOTICE_S = 8.0
CANNOT_SPEAK = "这台机器现在发不出声音，不能朗读。请看屏幕上的字，或者请工作人员帮忙。"


class DataHolder(EventDispatcher):
    """The snapshot on show (None before a new terminal's first sync), and
    the line that tells its age."""

    snapshot: Snapshot | None = ObjectProperty(None, allownone=True)
    village_name = StringProperty("")
    status_text = StringProperty("")
    stale = BooleanProperty(False)
    warning = StringProperty("")  # the strip under the header: what is wrong with the data on show
    problem = StringProperty("")  # what is wrong with the terminal, in the villagers' words
    last_sync = StringProperty("")  # one line: the last sync or import outcome

    def __init__(self, live: LiveData, **kwargs):
        super().__init__(**kwargs)
        self.live = live
        self.set_snapshot(live.snapshot)

    def set_snapshot(self, snapshot: Snapshot | None) -> None:
        self.snapshot = snapshot
        self.village_name = snapshot.village.name if snapshot else ""
        self.update_status()

    def update_status(self, *_args) -> None:
        status = self.live.status()
        self.last_sync = self.live.last_outcome
        self.problem = self.live.problem.villager if self.live.problem else ""
        if status is None:
            # The no-data screen says it all, in large type: no strip.
            self.status_text, self.stale, self.warning = "还没有数据", True, ""
            return
        self.status_text = status.text
        self.stale = status.stale
        self.warning = self.problem or status.warning


class KioskRoot(BoxLayout):
    """Header (back, home, title, data age, large-font toggle) over the screens.

    On home there is no 返回 and no 首页 (a button that does nothing, a blank
    slot): the title takes their room. The attract screen, shown while
    nobody is there, has no buttons at all: its first tap goes home."""

    screen_title = StringProperty("")
    can_go_back = BooleanProperty(False)
    at_home = BooleanProperty(True)
    attract = BooleanProperty(False)
    can_read = BooleanProperty(False)  # a read-aloud engine and something to read
    reading = BooleanProperty(False)
    notice = StringProperty("")  # a passing message (e.g. no sound for reading aloud)

    def on_screen_changed(self, screen) -> None:
        app = App.get_running_app()
        name, _params = app.nav.current
        self.screen_title = HEADER_TITLES.get(name, screen.title)
        self.attract = name is ScreenName.ATTRACT
        self.can_go_back = len(app.nav.history) > 1 and not self.attract
        self.at_home = len(app.nav.history) == 1
        app.read_aloud.stop()  # a new screen never goes on reading the old one
        self.update_read_aloud(screen)

    def update_read_aloud(self, screen) -> None:
        """Whether 朗读 has something to read on ``screen`` now (a screen
        whose content changes in place calls it again)."""
        app = App.get_running_app()
        name, params = app.nav.current
        self.can_read = app.read_aloud.available and app.read_aloud.text_for(app.data.snapshot, name, params, screen) is not None


class KioskApp(App):
    title = "村务公开查询"

    def __init__(self, config: Config, live: LiveData, clock: Callable[[], float] = time.monotonic, **kwargs):
        super().__init__(**kwargs)
        fix_mmap_threshold()  # before the first picture is decoded
        self.clock = clock  # for idle timing; tests drive it by hand
        self.kiosk_config = config
        self.live = live
        self.theme = Theme(large_scale=config.display.large_font_scale)
        self.data = DataHolder(live)
        self.search = SearchService(self.data)  # index built off the UI thread, per snapshot
        self.nav: Navigator | None = None
        self.exit_status = 0
        self.start_again_for: str | None = None  # why the process should start afresh once stopped
        self.operations = Operations(self)
        self.outcomes = OutcomesWhenQuiet(self._take_outcomes, moving=self._scrolling)
        self.read_aloud = ReadAloud(SpeechEngine.detect())
        # Thumbnails and receipt pictures are decoded off the UI thread.
        self.images = ImageWorker(ThumbnailCache(paths.cache_dir() / "thumbs"))
        self.typed_keys = TypedKeys()  # an ID-card reader's typing, for the screen that takes it

    def build(self):
        Window.clearcolor = self.theme.bg
        self.theme.bind(bg=lambda _t, colour: setattr(Window, "clearcolor", colour))
        Window.bind(size=self._on_window_size)
        self._on_window_size(Window, Window.size)
        clip_with_scissor()
        return_scrolls_to_their_edges()
        load_kv("uix.widgets")
        load_kv("ui_screens.lists")
        root = Builder.load_file(str(_HERE / "app.kv"))
        self.nav = Navigator(root.ids.manager)
        self.nav.on_change.append(root.on_screen_changed)
        self.nav.on_change.append(self.operations.record_view)
        self.nav.go(ScreenName.HOME if self.data.snapshot is not None else ScreenName.NO_DATA)
        load_kv("shell.kiosk_mode")
        lock_down(typed=self.typed_keys)
        display = self.kiosk_config.display
        Clock.schedule_interval(self._poll_reading, 0.5)
        self.idle = IdleWatcher(
            self,
            IdlePolicy(reset_after_s=display.idle_reset_s, attract_after_s=display.attract_after_s),
            self.clock,
            NightSchedule.parse(display.night),
        )
        self.idle.reset_hooks.append(self.read_aloud.stop)
        self._clear_notice = Clock.create_trigger(self._end_notice, NOTICE_S)
        self.idle.reset_hooks.append(self._end_notice)
        load_kv("uix.dialogs.technician")
        self.corner = CornerTaps(self.clock, self.open_technician_menu)
        Window.fbind("on_touch_down", self._corner_touch)
        # Background work (a sync, the heartbeat) pauses while the villager taps and scrolls.
        for event in ("on_touch_down", "on_touch_move", "on_touch_up"):
            Window.fbind(event, lambda *_args: villager_active())
        _report_first_frame(os.environ.get(READY_FILE_ENV))
        return root

    def _corner_touch(self, _window, touch) -> None:
        # 返回 sits in that corner: five quick taps on it are a villager
        # hurrying back, not a technician (it is greyed out on home).
        back = self.root.ids.back
        on_button = not back.disabled and back.collide_point(*back.to_widget(*touch.pos))
        width, height = Window.size
        self.corner.touch(touch.x, touch.y, width, height, on_button=on_button)

    def on_start(self) -> None:
        self.operations.start()
        # The home screen first: the search index and the sync client
        # (imports, key loading, a thread) would delay it by a tenth of a second.
        after_next_frame(self._after_first_frame)
        Clock.schedule_interval(self.data.update_status, 60)  # data ages while on show

    def _after_first_frame(self) -> None:
        settle_collector()
        self.search.start()
        self._start_sync()
        self.live.make_font_subset()

    def _start_sync(self) -> None:
        # Outcomes arrive on the sync thread; the UI is only touched from its own.
        self.live.start_sync(lambda outcome: Clock.schedule_once(lambda _dt: self.on_sync(outcome)))
        self.data.update_status()  # a sync that could not start is a problem to show

    def switch_live(self, live: LiveData) -> None:
        """Show another data source, from its start screen (tests use it; so
        would a terminal re-provisioned while running)."""
        self.live.stop()
        self.outcomes.cancel()  # what the old source's sync brought
        self.live = live
        self.data.live = live
        self.data.set_snapshot(live.snapshot)
        assert self.nav is not None  # built: its screens are what switches
        self.nav.reset(ScreenName.HOME if live.snapshot is not None else ScreenName.NO_DATA)
        self._start_sync()

    def on_stop(self) -> None:
        self.operations.stop()
        self.outcomes.cancel()
        self.live.stop()
        self.images.close()

    def on_sync(self, outcome) -> None:
        log_event(log, "app.sync_outcome", outcome=outcome.message)
        self.outcomes.offer(outcome)  # new data waits for a pause in the villager's taps

    def _scrolling(self) -> bool:
        return self.nav is not None and self.nav.scrolling()

    def _take_outcomes(self, outcomes: list) -> None:
        newest = None
        for outcome in outcomes:
            newest = self.live.accept(outcome) or newest
        if newest is not None:
            self.replace_snapshot(newest)
            self.live.make_font_subset()  # new data may bring new characters
        else:
            self.data.update_status()

    def open_technician_menu(self) -> None:
        if not self.kiosk_config.terminal.pin_hash:
            log_event(log, "technician.menu_refused", reason="no PIN provisioned")
            return
        # Nothing a villager looked at stays behind the menu (their own
        # subsidies least of all): the menu opens over the home screen.
        assert self.nav is not None  # built: the menu is opened from a screen
        self.nav.home()
        PinPad(PinGuard.from_config(self.kiosk_config), on_accepted=self._open_technician_panel).open(animation=False)

    def _open_technician_panel(self) -> None:
        TechnicianPanel(
            status=self.live.status_lines,
            actions={
                "sync": self.live.sync_now,
                "usb": self._import_usb,
                "exit": self.exit_to_desktop,
            },
        ).open(animation=False)

    def _import_usb(self) -> str:
        outcome, message = self.live.import_usb()
        if outcome is not None:
            self.on_sync(outcome)
        return message

    def exit_to_desktop(self) -> str:
        log_event(log, "app.exit_to_desktop")
        # The kiosk service treats this status as "stopped on purpose" and
        # does not restart the kiosk (RestartPreventExitStatus).
        Clock.schedule_once(lambda _dt: self.stop(), 0)
        self.exit_status = EXIT_TO_DESKTOP
        return "正在退出……"

    def start_again(self, reason: str) -> None:
        """Stop, for ``kiosk.cli`` to start the kiosk afresh in this process."""
        log_event(log, "app.start_again", reason=reason)
        self.start_again_for = reason
        Clock.schedule_once(lambda _dt: self.stop(), 0)

    def toggle_reading(self) -> None:
        assert self.nav is not None  # built: the read-aloud button is on screen
        name, params = self.nav.current
        self.root.reading = self.read_aloud.toggle(self.data.snapshot, name, params, self.nav.current_screen)

    def _poll_reading(self, *_args) -> None:
        self.root.reading = self.read_aloud.is_speaking()
        if self.read_aloud.failed():
            self.root.reading = False
            self.say(CANNOT_SPEAK)

    def say(self, text: str, seconds: float = NOTICE_S) -> None:
        """A short message under the header, gone after ``seconds``."""
        self.root.notice = text
        self._clear_notice.cancel()
        self._clear_notice.timeout = seconds
        self._clear_notice()

    def _end_notice(self, *_args) -> None:
        self.root.notice = ""

    def _on_window_size(self, _window, size) -> None:
        self.theme.window_width, self.theme.window_height = size

    def toggle_large(self) -> None:
        self.theme.large = not self.theme.large

    def try_replace(self, load: Callable[[], Snapshot]) -> str | None:
        """Load newer data; on a bad feed keep showing what we had and
        return the reason (None when the new data is on screen)."""
        try:
            snapshot = load()
        except FeedError as exc:
            log_event(log, "data.rejected", logging.WARNING, error=exc, showing="the version on screen")
            return str(exc)
        self.replace_snapshot(snapshot)
        return None

    def replace_snapshot(self, snapshot: Snapshot) -> None:
        """Swap in newer data without a restart, keeping the villager's place."""
        first = self.data.snapshot is None
        self.live.snapshot = snapshot
        self.data.set_snapshot(snapshot)
        if self.nav is None:
            return
        if first:
            self.nav.reset(ScreenName.HOME)  # a new terminal's first data
        else:
            self.nav.refresh()


def _report_first_frame(ready_file: str | None) -> None:
    """Write the time once the first frame (the home screen) has been
    swapped to the screen, for ``village-kiosk bench``."""
    if not ready_file:
        return

    def on_flip(window):
        window.unbind(on_flip=on_flip)
        window.flip()  # the swap the default handler would do, so the time is taken after it
        Path(ready_file).write_text(f"{time.time():.6f}\n")
        return True  # flipped already

    Window.bind(on_flip=on_flip)
