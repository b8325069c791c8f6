"""The app on a signed feed from a real local HTTP server: first sync on an
empty terminal, a live update that keeps the villager's place, staleness."""

import datetime as dt
import time

from feed_fixtures import VILLAGE, Feed

from kiosk.config import Config, FeedConfig, TerminalConfig
from kiosk.feed import Store
from kiosk.live import LiveData
from screens.registry import ScreenName


class WallClock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now


def _config(feed: Feed) -> Config:
    return Config(terminal=TerminalConfig(id="T-LIVE-01"),
                  feed=FeedConfig(platform=feed.server.url, village=VILLAGE, allow_http=True,
                                  pubkeys=[str(feed.publisher.pub_path)], store=str(feed.base / "terminal-store")))


def _pump_until(ui, condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        ui.pump(1)
        time.sleep(0.02)


def test_empty_terminal_gets_its_first_data_then_a_live_update(ui, tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    config = _config(feed)
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
    live = LiveData.open(_config(feed))
    ui.app.switch_live(live)
    ui.pump()
    assert ui.app.nav.current[0] is ScreenName.NO_DATA
    assert "查询机正在准备数据" in ui.texts()
    ui.advance(400)  # no attract screen without data, and nothing breaks
    assert ui.app.nav.current[0] is ScreenName.NO_DATA


def test_data_past_its_expiry_shows_a_calm_warning(ui, tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    config = _config(feed)
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
