"""What the status pages say about a terminal: the flags, the wording, the
history in runs, usage by part of the kiosk. Pure rules: no server."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.config import ConfigError
from kiosk.hub import pages, status
from kiosk.hub.config import HubConfig, load_hub_config, parse_hub_config
from kiosk.hub.feeds import FeedIndex, FeedInfo
from kiosk.hub.store import Beat, Terminal
from support.feed_fixtures import VILLAGE, Publisher, write_village

NOW = int(dt.datetime(2025, 3, 18, 8, 30, tzinfo=dt.UTC).timestamp())  # 16:30 in Asia/Shanghai
CONFIG = HubConfig()
GB = 1024**3


def _beat(**changes) -> Beat:
    values = {
        "received_at": NOW - 120,
        "sent_at": NOW - 120,
        "software_version": "0.1.0",
        "uptime_s": 86400,
        "system_uptime_s": 90000,
        "disk_free_bytes": 12 * GB,
        "data_version": 42,
        "data_generated_at": NOW - 3 * 86400,
        "data_expires_at": NOW + 27 * 86400,
        "data_stale": False,
        "sync_outcome": "up_to_date",
        "sync_message": "up to date v42",
        "sync_at": NOW - 600,
        "sync_version": 42,
        "dropped_periods": 0,
        "dropped_views": 0,
    }
    return Beat(**{**values, **changes})


def _terminal(beat: Beat | None = None, **changes) -> Terminal:
    values = {
        "id": "T-1",
        "village": "431322199206",
        "token_hash": "x",
        "token_issued_at": NOW - 86400 * 60,
        "created_at": NOW - 86400 * 60,
        "last_seen": beat.received_at if beat else None,
        "last_error": None,
        "last_error_at": None,
        "beat": beat,
    }
    return Terminal(**{**values, **changes})


def _kinds(terminal: Terminal, feed: FeedInfo | None = None) -> list[str]:
    return [flag.kind for flag in status.flags(terminal, feed, NOW, CONFIG)]


def _feed(version: int, generated_ago_h: float) -> FeedInfo:
    generated = NOW - int(generated_ago_h * 3600)
    return FeedInfo(
        village="431322199206",
        version=version,
        generated_at=generated,
        expires_at=generated + 30 * 86400,
        name="枫木冲村",
        township="青石镇",
    )


def test_a_healthy_terminal_has_no_flag():
    assert _kinds(_terminal(_beat()), _feed(42, 72)) == []


def test_silence_over_the_limit_is_flagged_with_its_length():
    assert _kinds(_terminal(_beat(received_at=NOW - int(1.9 * 3600)))) == []
    [flag] = status.flags(_terminal(_beat(received_at=NOW - 5 * 3600)), None, NOW, CONFIG)
    assert flag.kind == "silent" and flag.text == "失联 5 小时"
    assert _kinds(_terminal(None)) == ["never"]


def test_stale_and_behind_data():
    assert _kinds(_terminal(_beat(data_stale=True))) == ["stale"]
    # A newer version published an hour ago: the terminal has time to sync.
    assert _kinds(_terminal(_beat()), _feed(43, 1)) == []
    [flag] = status.flags(_terminal(_beat()), _feed(44, 7), NOW, CONFIG)
    assert flag.kind == "behind" and flag.text == "数据落后：第 42 版，最新第 44 版"
    assert _kinds(_terminal(_beat(data_version=None, data_generated_at=None, data_expires_at=None))) == ["no_data"]


def test_low_disk_rejected_sync_and_revoked_token():
    assert _kinds(_terminal(_beat(disk_free_bytes=499 * 1024**2))) == ["low_disk"]
    assert _kinds(_terminal(_beat(disk_free_bytes=500 * 1024**2))) == []
    assert _kinds(_terminal(_beat(sync_outcome="rejected", sync_message="rejected: bad signature"))) == ["rejected"]
    assert _kinds(_terminal(_beat(), token_hash=None)) == ["revoked"]
    assert _kinds(_terminal(None, token_hash=None)) == ["revoked"]  # not "never reported": it is meant to be quiet


def test_the_row_says_it_in_plain_chinese(tmp_path):
    terminal = _terminal(_beat(), last_error="failed: ConnectTimeout (no answer)", last_error_at=NOW - 7200)
    namer = status.Namer(FeedIndex(None), [terminal.village])
    view = status.terminal_view(terminal, namer, {"finance": 3, "finance_month": 2, "home": 4, "new_screen": 1}, NOW, CONFIG)
    assert (view.heard, view.heard_at) == ("2 分钟前", "3月18日 16:28")
    assert (view.data, view.data_age, view.newest) == ("第 42 版", "3 天前生成", "")
    assert view.disk == "12.0 GB" and not view.disk_low
    assert view.error == "同步失败：ConnectTimeout (no answer)" and view.error_at == "3月18日 14:30"
    assert view.usage == [("财务公开", 5), ("首页", 4), ("new_screen", 1)] and view.usage_total == 10
    assert view.village_name == "431322199206" and view.township == "431322199"  # no feed: the codes


def test_names_and_newest_version_come_from_the_published_feeds(tmp_path):
    publisher = Publisher(tmp_path)
    src = write_village(tmp_path / "src")
    now = dt.datetime.fromtimestamp(NOW, dt.UTC)
    for version in (42, 43):
        publisher.build(tmp_path / "feeds" / VILLAGE, src, version=version, now=now - dt.timedelta(days=3))
    feeds = FeedIndex(tmp_path / "feeds")
    terminals = [_terminal(_beat(), village=VILLAGE), _terminal(_beat(received_at=NOW - 6 * 3600), id="T-2", village="431322101203")]
    page = status.overview(terminals, feeds, {}, NOW, CONFIG)
    first, second = page.rows
    assert first.id == "T-2" and [f.kind for f in first.flags] == ["silent"]  # what needs attention first
    assert (second.village_name, second.township_name, second.newest) == ("桃溪村", "清水镇", "最新第 43 版")
    assert [f.kind for f in second.flags] == ["behind"]
    assert page.townships == [("431322101", "431322101"), (VILLAGE[:9], "清水镇")]  # unpublished: its code
    assert {kind: count for kind, _label, count in page.counts} == {"silent": 1, "stale": 1, "low_disk": 0, "rejected": 0, "rolled_back": 0}
    only = status.overview(terminals, feeds, {}, NOW, CONFIG, township=VILLAGE[:9])
    assert [row.id for row in only.rows] == ["T-1"] and len(only.townships) == 2
    # A tree that cannot be read counts as not published.
    (tmp_path / "feeds" / VILLAGE / "manifest.json").write_text("{broken")
    assert FeedIndex(tmp_path / "feeds").newest(VILLAGE) is None


def test_history_is_shown_in_runs_with_gaps_and_restarts():
    five = 300
    beats = [_beat(received_at=NOW - i * five, uptime_s=10_000 - i * five) for i in range(6)]  # newest first
    beats += [_beat(received_at=NOW - 5 * five - 2 * 3600, uptime_s=50_000, data_version=41)]  # then silent for 2 hours
    beats += [_beat(received_at=NOW - 5 * five - 2 * 3600 - five, uptime_s=49_700, data_version=41)]
    rows = pages.history_rows(beats, NOW, CONFIG.zone)
    assert [row.reports for row in rows] == [6, 0, 2]
    newest, gap, oldest = rows
    assert newest.data == "第 42 版" and newest.restarts == 1  # uptime went back after the silence
    assert gap.gap == "没有上报 2 小时" and oldest.data == "第 41 版" and oldest.restarts == 0
    assert pages.history_rows([], NOW, CONFIG.zone) == []


def test_usage_by_day_in_sections():
    by_day = [("2025-03-17", "home", 2), ("2025-03-18", "projects", 3), ("2025-03-18", "project_detail", 1)]
    table = pages.usage_days(by_day, "2025-03-16")
    assert table.days == ["3月16日", "3月17日", "3月18日", "3月19日", "3月20日", "3月21日", "3月22日"]  # quiet days too
    assert table.sections == [("村级项目", [0, 0, 4, 0, 0, 0, 0], 4), ("首页", [0, 2, 0, 0, 0, 0, 0], 2)]


def test_sync_text_says_the_outcome_once():
    assert status.sync_text("rejected", "rejected: signature does not verify") == "同步被拒收（校验未通过）：signature does not verify"
    assert status.sync_text("up_to_date", "up to date v3") == "同步已是最新"
    assert status.ago(-5) == "刚刚" and status.ago(59) == "刚刚" and status.ago(3 * 86400) == "3 天前"


def test_a_year_apart_shows_the_year():
    last_year = NOW - 400 * 86400
    assert status.clock(last_year, CONFIG.zone, NOW).startswith("2024年")


def test_the_configuration_file_is_checked(tmp_path):
    config = parse_hub_config('[hub]\ndatabase = "postgresql://hub@db/hub"\ntimezone = "UTC"\nsilent_after_h = 4\n')
    assert config.zone.key == "UTC" and config.silent_after_h == 4 and config.port == 8480
    for text, said in (
        ('[hub]\ntimezone = "Mars/Olympus"\n', "unknown timezone"),
        ('[hub]\ntls_cert = "a.pem"\n', "go together"),
        ("[hub]\nsilent_afterh = 4\n", "silent_afterh"),
        ("[hub\n", "not valid TOML"),
        ('[hub]\nlisten = "8480"\n', "listen"),
    ):
        with pytest.raises(ConfigError, match=said):
            parse_hub_config(text)
    with pytest.raises(ConfigError, match="no such file"):
        load_hub_config(tmp_path / "missing.toml")


def test_usage_is_counted_on_the_day_its_period_began_unless_the_clock_is_wrong():
    from kiosk.hub.ingest import periods_of
    from kiosk.ops.heartbeat import Heartbeat, Period, Usage, View

    def period(start: dt.datetime) -> Period:
        return Period(id="p", start=start, end=start + dt.timedelta(minutes=5), views=[View("home", None, 2), View("finance", "x", 0)])

    received = dt.datetime(2025, 3, 18, 1, 0, tzinfo=dt.UTC)  # 09:00 on the 18th in China
    starts = [received - dt.timedelta(hours=12), dt.datetime(1970, 1, 1, tzinfo=dt.UTC), received + dt.timedelta(days=2)]
    heartbeat = Heartbeat(
        format=1,
        terminal_id="T-1",
        village="431322199206",
        software_version="0.1.0",
        sent_at=received,
        uptime_s=1,
        system_uptime_s=None,
        disk_free_bytes=None,
        data=None,
        last_sync=None,
        usage=Usage(periods=[period(start) for start in starts], dropped_periods=0),
    )
    records = periods_of(heartbeat, int(received.timestamp()), CONFIG.zone)
    # 13:00 UTC on the 17th is 21:00 that day in China; 1970 and two days ahead: the day it arrived.
    assert [r.day for r in records] == ["2025-03-17", "2025-03-18", "2025-03-18"]
    assert records[0].views == (("home", "", 2),)  # an empty count is not stored
    yesterday = periods_of(heartbeat, int((received + dt.timedelta(days=1)).timestamp()), CONFIG.zone)
    assert yesterday[0].day == "2025-03-17" and yesterday[1].day == "2025-03-19"
