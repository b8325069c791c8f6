"""The app on a signed feed from a real local HTTP server: first sync on an
empty terminal, a live update that keeps the villager's place, staleness."""

import datetime as dt
import time

from kiosk.feed import Store
from kiosk.live import LiveData
from screens.shell.registry import ScreenName
from support.feed_fixtures import Feed


class WallClock:
    def __init__(self):
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self):
        return self.now


def _pump_until(ui, condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        ui.pump(1)
        time.sleep(0.02)


def test_empty_terminal_gets_its_first_data_then_a_live_update(ui, tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    config = feed.terminal_config("T-LIVE-01")
    live = LiveData.open(config)
    assert live.snapshot is None
    ui.app.switch_live(live)  # starts the sync worker at once
    _pump_until(ui, lambda: ui.app.data.snapshot is not None)
    assert ui.app.nav.current[0] is ScreenName.HOME
    assert "数据版本 v1" in ui.app.root.ids.status.text
    month = ui.app.data.snapshot.months()[0]
    ui.go(ScreenName.FINANCE_MONTH, month=month)
    rows_before = len(ui.app.data.snapshot.finance_month(month).entries)

    feed.publish(revision=1)  # one more entry in the newest month
    ui.app.live.sync_now()
    _pump_until(ui, lambda: ui.app.data.snapshot.info.version == 2)
    assert ui.app.nav.current == (ScreenName.FINANCE_MONTH, {"month": month})  # place kept
    assert len(ui.app.data.snapshot.finance_month(month).entries) == rows_before + 1
    assert "数据版本 v2" in ui.app.root.ids.status.text
    assert "更新于" in ui.app.root.ids.status.text


def test_new_terminal_shows_a_plain_message_before_data(ui, tmp_path, fault_server):
    feed = Feed(tmp_path, fault_server)  # nothing published: every poll fails
    live = LiveData.open(feed.terminal_config("T-LIVE-01"))
    ui.app.switch_live(live)
    ui.pump()
    assert ui.app.nav.current[0] is ScreenName.NO_DATA
    assert "查询机正在准备数据" in ui.texts()
    ui.advance(400)  # no attract screen without data, and nothing breaks
    assert ui.app.nav.current[0] is ScreenName.NO_DATA


def test_data_past_its_expiry_shows_a_calm_warning(ui, tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    config = feed.terminal_config("T-LIVE-01")
    wall = WallClock()
    store = Store(feed.base / "terminal-store", wall=wall)
    live = LiveData(config, None, store)
    ui.app.switch_live(live)
    _pump_until(ui, lambda: ui.app.data.snapshot is not None)
    assert not ui.app.data.stale
    assert not ui.app.root.ids.stale.shown
    wall.now += dt.timedelta(days=400)  # far past the manifest's expiry
    ui.app.data.update_status()
    ui.pump()
    assert ui.app.data.stale
    assert "数据可能不是最新" in " ".join(ui.texts())
    assert ui.app.data.snapshot.info.version == 1  # still shows its last good data


def _synced_terminal_with_a_new_version_coming(ui, tmp_path, feed_server) -> tuple[float, float]:
    """A terminal showing v1 of a feed whose v2 its sync is now fetching;
    where to tap on it without opening anything (the status line)."""
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    ui.app.switch_live(LiveData.open(feed.terminal_config("T-LIVE-01")))
    _pump_until(ui, lambda: ui.app.data.snapshot is not None)
    status = ui.app.root.ids.status
    x, y = status.to_window(*status.center)
    ui.tap_at(x, y)  # the villager is at the screen before the new version can arrive
    feed.publish(revision=1)
    ui.app.live.sync_now()
    return x, y


def test_new_data_waits_for_a_pause_in_the_villagers_taps(ui, tmp_path, feed_server):
    """A sync bringing a new version while the villager taps does not build
    the page again under their finger: it is shown once they pause."""
    from screens.services import new_data

    x, y = _synced_terminal_with_a_new_version_coming(ui, tmp_path, feed_server)
    deadline = time.monotonic() + 20
    while not ui.app.outcomes.waiting():  # the villager taps on while the sync runs
        assert time.monotonic() < deadline, "the sync brought nothing"
        ui.tap_at(x, y)
        time.sleep(0.1)
    for _ in range(10):  # and on, well past the moment it arrived
        ui.tap_at(x, y)
        time.sleep(0.1)
        assert ui.app.data.snapshot.info.version == 1
    assert ui.app.outcomes.waiting()
    paused = time.monotonic()
    _pump_until(ui, lambda: ui.app.data.snapshot.info.version == 2)
    assert time.monotonic() - paused >= new_data.QUIET_S - 0.3  # the last tap's frames came after `paused`
    assert "数据版本 v2" in ui.app.root.ids.status.text
    assert not ui.app.outcomes.waiting()


def test_new_data_is_shown_to_a_villager_who_never_pauses(ui, tmp_path, feed_server, monkeypatch):
    from screens.services import new_data

    monkeypatch.setattr(new_data, "WAIT_MAX_S", 2.0)
    monkeypatch.setattr(new_data, "GIVE_UP_S", 600.0)  # shown between two taps, not for waiting too long
    x, y = _synced_terminal_with_a_new_version_coming(ui, tmp_path, feed_server)
    deadline = time.monotonic() + 30
    while ui.app.data.snapshot.info.version != 2:
        assert time.monotonic() < deadline, "new data never shown while the villager taps"
        ui.tap_at(x, y)
        time.sleep(0.5)  # taps closer together than a pause (QUIET_S), further apart than a drag's touches
    assert not ui.app.outcomes.waiting()


class _Outcome:
    snapshot = object()  # an outcome that brings data


def _let_it_look(ui) -> None:
    """Frames around the waiting outcomes' next look at the screen."""
    from screens.services import new_data

    ui.pump(1)
    time.sleep(new_data.LOOK_AGAIN_S + 0.05)
    ui.pump(1)


def test_new_data_waits_while_the_screen_still_moves_and_no_longer_than_the_limit(ui, monkeypatch):
    from screens.services import new_data

    monkeypatch.setattr(new_data, "QUIET_S", 0.0)  # touches hold nothing here: only the motion
    moving = {"now": True}
    taken: list = []
    now = {"t": 0.0}
    outcomes = new_data.OutcomesWhenQuiet(taken.extend, moving=lambda: moving["now"], clock=lambda: now["t"])
    outcomes.offer(_Outcome())
    for _ in range(3):
        now["t"] += 1.0
        _let_it_look(ui)
    assert not taken and outcomes.waiting() == 1  # a flick still coasting: the page stays as it is
    moving["now"] = False
    _pump_until(ui, lambda: bool(taken), seconds=5)
    assert len(taken) == 1 and not outcomes.waiting()

    # Past the limit a pause is no longer waited for, a still moment is: no finger moving on the
    # screen (a drag's touch events come closer together than STILL_S) and nothing moving on it.
    untouched = {"s": 0.05}
    monkeypatch.setattr(new_data, "seconds_since_touch", lambda: untouched["s"])
    monkeypatch.setattr(new_data, "QUIET_S", 1.0)
    moving["now"] = False
    outcomes.offer(_Outcome())
    now["t"] += new_data.WAIT_MAX_S + 0.1
    for _ in range(3):  # a finger dragging on
        _let_it_look(ui)
    assert len(taken) == 1 and outcomes.waiting() == 1
    untouched["s"] = new_data.STILL_S  # between two touches, far shorter than a pause
    _pump_until(ui, lambda: len(taken) == 2, seconds=5)

    moving["now"] = True  # moving on and on: the data comes all the same, once even that limit is past
    outcomes.offer(_Outcome())
    now["t"] += new_data.WAIT_MAX_S + 0.1
    for _ in range(3):
        _let_it_look(ui)
    assert len(taken) == 2 and outcomes.waiting() == 1
    now["t"] += new_data.GIVE_UP_S
    _pump_until(ui, lambda: len(taken) == 3, seconds=5)
    outcomes.cancel()


def test_a_flicked_list_counts_as_moving_until_it_comes_to_rest(ui):
    from support.records_ui import drag, open_tile, pump_until, row_list

    open_tile(ui, "村级财务")
    ui.tap_text("2026年收支和预算")
    ui.pump(6)
    assert not ui.app.nav.scrolling()
    rows = row_list(ui)
    x, y = rows.to_window(*rows.center)
    drag(ui, (x, y - rows.height * 0.3), (x, y + rows.height * 0.3), steps=6)  # a quick flick up the page
    ui.pump(1)
    assert ui.app.nav.scrolling()  # the finger is gone; the page coasts on
    pump_until(ui, lambda: rows.effect_y.velocity == 0 and rows.effect_y.overscroll == 0, "the page to come to rest")
    assert not ui.app.nav.scrolling()
