"""LiveData: which data the terminal shows, USB import, status lines."""

import os

from kiosk.config import Config, FeedConfig, TerminalConfig
from kiosk.live import LiveData, find_feed_on_usb
from support.feed_fixtures import VILLAGE, Feed


def _config(feed: Feed, store) -> Config:
    return Config(
        terminal=TerminalConfig(id="T-USB-01"),
        feed=FeedConfig(
            platform="https://platform.example.cn/feeds", village=VILLAGE, pubkeys=[str(feed.publisher.pub_path)], store=str(store)
        ),
    )


def test_demo_without_platform():
    live = LiveData.open(Config())
    assert live.snapshot is not None and live.snapshot.info.source == "demo"
    assert not live.syncs
    assert live.sync_now().startswith("这台机器没有配置上级平台")


def test_usb_import_finds_the_newest_tree_and_verifies_it(tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    usb = tmp_path / "media" / "kiosk" / "UDISK"
    (usb / "old").mkdir(parents=True)
    (usb / "old" / "manifest.json").write_text("{}")
    os.utime(usb / "old" / "manifest.json", (1, 1))
    os.utime(usb / "old", (1, 1))
    import shutil

    shutil.copytree(feed.tree, usb / "feed")
    assert find_feed_on_usb((tmp_path / "media",)) == usb / "feed"

    live = LiveData.open(_config(feed, tmp_path / "store"))
    assert live.snapshot is None
    outcome, message = live.import_usb((tmp_path / "media",))
    assert outcome is not None and outcome.ok, message
    assert live.accept(outcome) is not None
    assert live.snapshot.info.version == 1 and live.snapshot.village.code == VILLAGE
    assert any(line.startswith("数据：数据版本 v1") for line in live.status_lines())


def test_usb_import_of_a_forged_tree_keeps_what_it_had(tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    live = LiveData.open(_config(feed, tmp_path / "store"))
    live.accept(live.import_usb((feed.tree.parent,))[0])
    forged = tmp_path / "usb" / "forged"
    import shutil

    shutil.copytree(feed.tree, forged)
    manifest = forged / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"version":1', b'"version":9'))
    outcome, message = live.import_usb((tmp_path / "usb",))
    assert outcome is not None and not outcome.ok
    assert "rejected" in message
    assert live.accept(outcome) is None and live.snapshot.info.version == 1


def test_no_usb_stick(tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    live = LiveData.open(_config(feed, tmp_path / "store"))
    outcome, message = live.import_usb((tmp_path / "nothing",))
    assert outcome is None and "没有找到U盘" in message


def test_store_of_another_village_is_not_shown(tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server)
    feed.publish(revision=0)
    LiveData.open(_config(feed, tmp_path / "store")).import_usb((feed.tree.parent,))
    other = _config(feed, tmp_path / "store")
    other = Config(
        terminal=other.terminal,
        feed=FeedConfig(platform=other.feed.platform, village="431322000000", pubkeys=other.feed.pubkeys, store=other.feed.store),
    )
    assert LiveData.open(other).snapshot is None
