"""Watchdog keep-alives come from the UI loop; usage counts follow taps."""

import socket
import time

from kiosk.ops.watchdog import WatchdogPinger
from screens.services.operations import Operations
from screens.shell.registry import ScreenName
from support.records_ui import pump_until


def _drain(sock) -> list[bytes]:
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096))
        except BlockingIOError:
            return messages


def test_keep_alives_stop_when_the_ui_loop_is_blocked(ui, tmp_path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setblocking(False)
    ops = Operations(ui.app)
    ops.watchdog = WatchdogPinger(env={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "300000"})
    try:
        ops.start()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            ui.pump(1)
            time.sleep(0.02)
        running = _drain(sock)
        assert any(b"READY=1" in m for m in running)
        assert sum(b"WATCHDOG=1" in m for m in running) >= 3
        time.sleep(1.0)  # the UI loop is "frozen": nothing pumps it
        assert not [m for m in _drain(sock) if b"WATCHDOG=1" in m]
        # And back once it runs again: within a beat interval or two of
        # frames (a busy machine may draw the first of them late).
        pump_until(ui, lambda: any(b"WATCHDOG=1" in m for m in _drain(sock)), "the keep-alives back", timeout_s=2.0)
    finally:
        ops.stop()
        sock.close()


def test_usage_counts_follow_the_screens_shown(ui, demo):
    usage = ui.app.operations.usage
    usage.drain()
    ui.tap_text("村级项目")
    ui.tap_text(demo.projects[0].name)
    counts = usage.drain()
    text = repr(counts)
    assert ScreenName.PROJECTS.value in text and demo.projects[0].id in text


def test_a_dropped_screen_is_collected_after_the_next_frame(ui):
    """Leaving screens makes cyclic garbage; the UI collects it right after
    the new screen is drawn, not in the middle of a later tap -- also a
    screen left while its list's scroll bar was still fading out (a running
    animation holds its widget)."""
    import gc
    import weakref

    from kivy.animation import Animation

    from screens.shell.navigation import KEEP_RECENT_SCREENS

    ui.go(ScreenName.NOTICES)
    # Something on it still animating when it is left (a scroll bar fading
    # out, on a machine too busy to have finished it).
    Animation(opacity=0.5, d=60).start(next(iter(ui.screen.walk(restrict=True))))
    dropped = weakref.ref(ui.screen)
    for name in (ScreenName.COMPLAINT, ScreenName.POWER_CATEGORIES, ScreenName.PROJECTS)[: KEEP_RECENT_SCREENS + 1]:
        ui.go(name)
    assert ScreenName.NOTICES.value not in ui.app.nav.manager.screen_names
    gc.disable()  # only the UI's own collection may free it
    try:
        ui.pump(3)
        assert dropped() is None, "the dropped screen was not collected after the frame"
    finally:
        gc.enable()


def test_home_ends_the_visit_its_screens_and_chart_textures_are_let_go(ui, demo):
    """Back home, nothing of the visit is kept: its screens are dropped
    (and collected after the next frame) and the chart's text textures are
    made afresh next time, so that home stands at its base memory."""
    import weakref

    from screens.ui_screens.flowchart import text_texture

    item = demo.items_in(demo.categories[0].id)[0]
    ui.go(ScreenName.POWER_DETAIL, item_id=item.id)
    ui.go(ScreenName.POWER_FLOWCHART, item_id=item.id)
    texture = text_texture("村民代表会议", 30, 400)
    assert text_texture("村民代表会议", 30, 400) is texture  # kept while the visit lasts
    chart = weakref.ref(ui.screen)
    ui.tap_text("首页")
    assert ui.app.nav.manager.screen_names == [ScreenName.HOME.value]
    ui.pump(3)
    assert chart() is None, "the chart's screen outlived the visit"
    assert text_texture("村民代表会议", 30, 400) is not texture


def test_a_tap_makes_background_work_give_way(ui):
    """A touch through the window's input (as the touchscreen's) tells the
    background work that the villager is at the screen; work on another
    thread then pauses until the villager has been still for a moment."""
    import threading

    from kiosk.ops import yielding

    ui.tap_text("权力清单")
    assert yielding.villager_is_active()
    waited = []
    worker = threading.Thread(target=lambda: waited.append(yielding.give_way()))
    worker.start()
    worker.join(yielding.MAX_WAIT_S + 5)
    assert 0 < waited[0] <= yielding.MAX_WAIT_S
    assert yielding.give_way() == 0  # the UI thread itself never waits


def test_freed_memory_is_handed_back_once_the_villager_pauses_not_while_they_scroll(ui, monkeypatch):
    """The collections and trim after a new screen wait for a second with
    no new screen and no touch: a villager dragging through a long list is
    not interrupted by them."""
    from screens.services import operations

    trims = []
    monkeypatch.setattr(operations, "release_free_memory", lambda: trims.append(time.monotonic()))
    ui.go(ScreenName.NOTICES)
    status = ui.app.root.ids.status  # a line to touch that opens nothing
    x, y = status.to_window(*status.center)
    touching_until = time.monotonic() + operations.TRIM_AFTER_S * 2.5
    while time.monotonic() < touching_until:
        ui.tap_at(x, y)
        time.sleep(0.1)
    assert trims == []
    last_touch = time.monotonic()
    deadline = last_touch + 10
    while not trims:
        assert time.monotonic() < deadline, "memory was never handed back"
        ui.pump(1)
        time.sleep(0.05)
    assert trims[0] - last_touch >= operations.TRIM_AFTER_S - 0.2
    assert len(trims) == 1


def test_a_screen_is_built_without_automatic_collections_and_collected_once_it_is_drawn(ui):
    """Building a large page allocates a hundred thousand objects and more:
    the collector's automatic passes over them (and every few pages a full
    collection) no longer run inside the tap; one full collection follows
    once the page is drawn."""
    import gc

    collections = []

    def record(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(record)
    try:
        ui.app.nav.go(ScreenName.FINANCE_YEAR, year=2026)  # built, not yet drawn
        while_built = list(collections)
        paused = not gc.isenabled()
        ui.pump(3)
    finally:
        gc.callbacks.remove(record)
    assert while_built == [] and paused
    assert gc.isenabled()
    assert collections[:1] == [2] and collections.count(2) == 1
