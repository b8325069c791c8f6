"""Idle reset, attract screen and lockdown on the real app, by touch."""

import datetime as dt
import subprocess
import time

from kivy.core.window import Window

from kiosk.feed.manifest import FileKind
from screens.shell.kiosk_mode import CountdownOverlay
from screens.shell.registry import ScreenName
from support.feed_fixtures import VILLAGE, Feed
from support.feedserver import Fault
from support.kiosk_process import start_kiosk, terminate


def _overlay_shown() -> bool:
    return any(isinstance(child, CountdownOverlay) for child in Window.children)


def test_idle_countdown_then_reset_to_home_in_normal_font(ui, demo):
    ui.tap_text("村级项目")
    ui.tap_text("大字")
    ui.advance(59)
    assert not _overlay_shown()
    ui.advance(2)
    assert _overlay_shown()
    assert "还在看吗？" in ui.texts()
    ui.advance(10)
    assert not _overlay_shown()
    assert ui.app.nav.current[0] is ScreenName.HOME
    assert not ui.app.theme.large


def test_touch_during_countdown_continues_without_pressing(ui, demo):
    ui.tap_text("村级项目")
    ui.advance(62)
    assert _overlay_shown()
    # Tap exactly where a project row is: it must only dismiss the question.
    row = ui.find_text(demo.projects[0].name)
    ui.tap_at(*row.to_window(*row.center))
    assert not _overlay_shown()
    assert ui.app.nav.current[0] is ScreenName.PROJECTS
    ui.advance(30)
    assert ui.app.nav.current[0] is ScreenName.PROJECTS and not _overlay_shown()


def _on_day(ui, day):
    ui.app.idle.wall_clock = lambda: dt.datetime.combine(day, dt.time(10, 0))


def test_attract_screen_cycles_notices_and_wakes_on_touch(ui, demo):
    _on_day(ui, demo.notices[0].date)
    try:
        ui.advance(301)
        assert ui.app.nav.current[0] is ScreenName.ATTRACT
        assert demo.notices[0].title in ui.texts()
        ui.tap_at(Window.width / 2, Window.height / 2)
        assert ui.app.nav.current[0] is ScreenName.HOME
    finally:
        ui.app.idle.wall_clock = dt.datetime.now


def test_attract_screen_shows_no_passed_notice_and_no_buttons(ui, demo):
    """On 12月1日 the 停水 notice for 11月21日 is news no more; and nobody
    is there to press 返回, 首页 or 大字."""
    water = next(n for n in demo.notices if n.title == "停水通知")
    _on_day(ui, dt.date(2026, 12, 1))
    try:
        ui.tap_text("村级项目")
        ui.advance(301)
        assert ui.app.nav.current[0] is ScreenName.ATTRACT
        header = ui.app.root.ids
        assert not any(ui._is_on_screen(header[name]) for name in ("back", "home", "large_toggle"))
        shown = set()
        for _cycle in range(len(demo.notices) + 1):
            shown.add(ui.screen.notice_title)
            ui.screen._next()
        assert water.title not in shown and shown - {""}
    finally:
        ui.app.idle.wall_clock = dt.datetime.now
    _on_day(ui, dt.date(2026, 11, 18))
    try:
        ui.app.nav.home()
        ui.advance(301)
        seen = set()
        for _cycle in range(len(demo.notices) + 1):
            seen.add(ui.screen.notice_title)
            ui.screen._next()
        assert water.title in seen  # still to come on 11月18日
    finally:
        ui.app.idle.wall_clock = dt.datetime.now


def test_escape_close_and_keys_do_nothing(ui):
    ui.tap_text("村级财务")
    assert (
        Window.dispatch(
            "on_keyboard",
            27,
            9,
            None,
            [],
        )
        is True
    )  # Escape
    assert Window.dispatch("on_key_down", 285, 0, None, ["alt"]) is True  # Alt+F4
    assert Window.dispatch("on_request_close") is True
    ui.pump()
    assert ui.app.nav.current[0] is ScreenName.FINANCE
    assert Window.show_cursor is False


def test_no_system_keyboard_can_pop_up(ui, demo):
    from kivy.uix.textinput import TextInput

    from tooling.tour import tour_stops

    for stop in tour_stops(demo):
        ui.go(stop.screen, **stop.params)
        assert not ui.find(lambda w: isinstance(w, TextInput)), stop.label


def test_night_hours_show_a_dim_clock(ui):
    import datetime as dt

    from kiosk.idle import NightSchedule

    idle = ui.app.idle
    idle.night = NightSchedule.parse("22:00-06:00")
    idle.wall_clock = lambda: dt.datetime(2026, 11, 26, 23, 15)
    try:
        ui.tap_text("村级项目")
        ui.advance(400)
        screen = ui.app.nav.current_screen
        assert ui.app.nav.current[0] is ScreenName.ATTRACT and screen.night
        # Nobody is here: other screens are dropped, the terminal waits at its base memory.
        assert sorted(ui.app.nav.manager.screen_names) == sorted([ScreenName.HOME.value, ScreenName.ATTRACT.value])
        assert "23:15" in ui.texts()
        idle.wall_clock = lambda: dt.datetime(2026, 11, 27, 9, 0)
        ui.advance(1)
        assert not screen.night
    finally:
        idle.night = NightSchedule()
        idle.wall_clock = dt.datetime.now


def _start_kiosk(tmp_path, config_text: str = "") -> subprocess.Popen:
    config = tmp_path / "kiosk.toml"
    config.write_text(config_text)
    return start_kiosk(tmp_path, config)


def test_the_kiosk_stops_cleanly_when_the_service_is_stopped(tmp_path, x_display):
    """SIGTERM (systemctl stop, a shutdown) ends the kiosk at once, though
    lockdown refuses every way a villager could close it."""
    child = _start_kiosk(tmp_path)
    output = terminate(child, within=15)
    assert child.returncode == 0, output
    assert "event=app.stop_requested signal=SIGTERM" in output


def test_the_kiosk_stops_within_the_service_timeout_during_a_stalled_download(tmp_path, fault_server, x_display):
    """A download the server has fallen silent in may last until its read
    timeout (30 s): the kiosk must not wait for it to stop."""
    feed = Feed(tmp_path / "feed", fault_server)
    manifest = feed.publish(village_options={"media": 3, "media_size": 60_000}, pack=False).manifest
    feed.store.close()
    picture = next(e for e in manifest.files if e.kind is FileKind.MEDIA)
    fault_server.fault(picture.sha256, Fault("stall", delay=40))
    child = _start_kiosk(
        tmp_path,
        f'[feed]\nplatform = "{fault_server.url}"\nvillage = "{VILLAGE}"\nallow_http = true\n'
        f'pubkeys = ["{feed.publisher.pub_path}"]\nstore = "{tmp_path / "store"}"\n',
    )
    try:
        deadline = time.monotonic() + 30
        while not any(picture.sha256 in path for path in fault_server.log) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any(picture.sha256 in path for path in fault_server.log)  # the sync is inside that download
    finally:
        # Well before the stalled read's 30 s timeout (the unit allows 10 s;
        # the sync thread is given 5).
        output = terminate(child, within=15)
    assert child.returncode == 0, output
