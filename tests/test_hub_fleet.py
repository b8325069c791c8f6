"""Software across the fleet: the heartbeat's ``software`` block posted over
127.0.0.1 to the real hub on SQLite and PostgreSQL and stored (an older
terminal without it still heard), a hub database of the schema before it
migrated, and the rules of the release summary and of a rollback's wording."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

import kiosk
from kiosk.hub import fleet
from kiosk.hub.store import SCHEMA_VERSION, Beat, Rollback, SoftwareState, Terminal, open_store, opened
from kiosk.ops.heartbeat import Software, SoftwareRollback, SoftwareUpdate
from kiosk.release.state import Trial
from kiosk.release.trial import why_not_kept
from support.hub_fixtures import post_heartbeat, start_hub

VILLAGE = "431322199206"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
SCHEMA_1 = Path(__file__).with_name("data") / "hub-schema-1.sql"
REASON = "0.3.0 did not come up: it stopped 3 times before it had run 600 s"


def _software(release: str, trial: str | None = None, rolled_back: SoftwareRollback | None = None, outcome: str = "up_to_date") -> Software:
    return Software(release, trial, rolled_back, SoftwareUpdate(outcome, f"{outcome} message", NOW, release))


def test_the_software_block_is_stored(hub):
    token = hub.issue("T-1", VILLAGE)
    post_heartbeat(hub, "T-1", VILLAGE, token, _software("0.2.0"))
    first = hub.store.terminal("T-1")
    assert (first.beat.release, first.beat.trial, first.software.running, first.software.previous) == ("0.2.0", None, "0.2.0", None)
    assert first.software.update.outcome == "up_to_date" and first.software.rollback is None

    hub.clock.offset = 3600  # the night's update: a new release on trial
    post_heartbeat(hub, "T-1", VILLAGE, token, _software("0.3.0", trial="0.3.0", outcome="installed"))
    trying = hub.store.terminal("T-1")
    assert (trying.beat.release, trying.beat.trial) == ("0.3.0", "0.3.0")
    assert (trying.software.running, trying.software.previous, trying.software.since) == ("0.3.0", "0.2.0", trying.beat.received_at)
    assert (trying.software.update.outcome, trying.software.update.version) == ("installed", "0.3.0")

    hub.clock.offset = 7200  # it did not come up: back to the one before, by itself
    back = SoftwareRollback(NOW + dt.timedelta(minutes=90), "0.3.0", "0.2.0", REASON)
    post_heartbeat(hub, "T-1", VILLAGE, token, _software("0.2.0", rolled_back=back, outcome="rolled_back"))
    heard = hub.store.terminal("T-1").beat.received_at
    hub.clock.offset = 7500  # every later report carries the same rollback: it is not news
    post_heartbeat(hub, "T-1", VILLAGE, token, _software("0.2.0", rolled_back=back, outcome="not_taken"))
    terminal = hub.store.terminal("T-1")
    assert terminal.software.rollback == Rollback(int(back.at.timestamp()), "0.3.0", "0.2.0", REASON, reported_at=heard)
    assert (terminal.software.running, terminal.software.previous, terminal.software.since) == ("0.2.0", "0.3.0", heard)
    assert terminal.software.update.outcome == "not_taken"
    # The history keeps what each report ran.
    assert [(b.release, b.trial) for b in hub.store.history("T-1", 0)] == [
        ("0.2.0", None),
        ("0.2.0", None),
        ("0.3.0", "0.3.0"),
        ("0.2.0", None),
    ]


@pytest.mark.slow
def test_an_older_terminal_without_the_block_keeps_working(hub):
    token = hub.issue("T-OLD", VILLAGE)
    post_heartbeat(hub, "T-OLD", VILLAGE, token, None, sent=False)
    dev = hub.issue("T-DEV", "431322101203")
    post_heartbeat(hub, "T-DEV", "431322101203", dev, None)  # a development install: "software": null
    for terminal in (hub.store.terminal("T-OLD"), hub.store.terminal("T-DEV")):
        assert terminal.beat.release is None and terminal.beat.trial is None
        assert terminal.software == SoftwareState(running=kiosk.__version__, since=terminal.beat.received_at)
    # The status page counts them under the version they say they run.
    hub.add_user("county")
    page = hub.login("county").get("/").text
    assert re.search(rf'<tr data-release="{re.escape(kiosk.__version__)}">\s*<th[^>]*>{re.escape(kiosk.__version__)}</th>', page)
    assert ">2 台</a>" in page


def _schema_1_database(url: str) -> None:
    """The database at ``url`` as a hub of schema 1 left it."""
    if url.startswith("sqlite:///"):
        script = SCHEMA_1.read_text().format(id_column="INTEGER PRIMARY KEY")
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.executescript(script)
        return
    script = SCHEMA_1.read_text().format(id_column="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
    with psycopg.connect(url) as connection:
        connection.execute(script)  # no parameters: several statements at once


def _schema(url: str) -> str:
    with opened(url) as store, store.transaction() as tx:
        return tx.only("SELECT value FROM meta WHERE key = 'schema'")[0]


def test_a_database_of_schema_1_is_migrated(database_url, tmp_path):
    _schema_1_database(database_url)
    running = start_hub(database_url, tmp_path)  # opening it migrates it
    try:
        old = running.store.terminal("T-OLD")
        assert old.beat.software_version == "0.0.9" and old.beat.release is None and old.software == SoftwareState(running="0.0.9")
        assert running.store.user("old-user") is not None
        token = running.issue("T-OLD", VILLAGE)
        back = SoftwareRollback(NOW, "0.3.0", "0.2.0", REASON)
        post_heartbeat(running, "T-OLD", VILLAGE, token, _software("0.2.0", rolled_back=back))
        terminal = running.store.terminal("T-OLD")
        assert terminal.beat.release == "0.2.0" and terminal.software.rollback.from_version == "0.3.0"
        assert terminal.software.previous == "0.0.9"  # what the report of schema 1 said it ran
        assert len(running.store.history("T-OLD", 0)) == 2
    finally:
        running.close()
    assert _schema(database_url) == str(SCHEMA_VERSION) == "2"
    reopened = open_store(database_url)  # already migrated: opened as it is
    assert reopened.terminal("T-OLD").software.rollback.to_version == "0.2.0"
    reopened.close()


def test_two_hubs_opening_one_database_of_schema_1_migrate_it_once(postgres_cluster):
    """``hub serve`` and a ``hub token new`` started together on a province's
    PostgreSQL: one migrates, the other waits and finds it done."""
    url = postgres_cluster.new_database("hub_test_migrate_twice")
    _schema_1_database(url)
    start = threading.Barrier(2)

    def open_it(_):
        start.wait()
        open_store(url).close()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(open_it, range(2)))  # raises what either raised
    assert _schema(url) == "2"


# ------------------------------------------------------------ the rules


def _trial(**changes) -> Trial:
    values = {
        "version": "0.3.0",
        "previous": "0.2.0",
        "started_at": NOW,
        "health_s": 600,
        "trial_s": 1800,
        "max_crashes": 3,
        "starts": 0,
    }
    return Trial(**{**values, **changes})


def test_the_terminals_rollback_reasons_are_said_in_plain_chinese():
    crashed = why_not_kept(_trial(starts=3), NOW)
    ran_out = why_not_kept(_trial(), NOW + dt.timedelta(seconds=1801))
    assert fleet.reason_text(crashed) == "新版本启动了 3 次，每次都没能坚持运行 10 分钟"
    assert fleet.reason_text(ran_out) == "新版本在 30 分钟内没能显示画面并稳定运行 10 分钟"
    assert fleet.reason_text("a technician's own words") == "终端的说明（英文）：a technician's own words"
    rollback = Rollback(int(NOW.timestamp()), "0.3.0", "0.2.0", crashed)
    zone = dt.timezone(dt.timedelta(hours=8))
    when = NOW.astimezone(zone)
    assert fleet.rollback_text(rollback, zone, int(NOW.timestamp())) == (
        f"{when.month}月{when.day}日 {when:%H:%M} 自动从 0.3.0 退回到 0.2.0。原因：新版本启动了 3 次，每次都没能坚持运行 10 分钟"
    )


def _terminal(terminal_id: str, release: str, trial: str | None = None, **software) -> Terminal:
    at = int(NOW.timestamp())
    beat = Beat(at, at, release, 60, None, None, None, None, None, False, None, None, None, None, 0, 0, release=release, trial=trial)
    state = SoftwareState(running=release, **software)
    return Terminal(terminal_id, VILLAGE, "x", at, at, at, None, None, beat=beat, software=state)


def test_the_summary_tells_a_rollout_spreading_from_one_rolled_back():
    now = int(NOW.timestamp())
    hour = 3600
    spreading = [
        _terminal("A", "0.3.0", previous="0.2.0", since=now - 5 * hour),
        _terminal("B", "0.3.0", trial="0.3.0", previous="0.2.0", since=now - hour),
        _terminal("C", "0.2.0"),
        _terminal("D", "0.2.0", previous="0.1.0", since=now - 3 * 86400),  # took it long ago
    ]
    newest, older = fleet.releases(spreading, now)
    assert (newest.release, newest.running, newest.trial, newest.arrived, newest.rolled_back) == ("0.3.0", 2, 1, 2, 0)
    assert (newest.state, newest.state_text) == ("spreading", "正在推广：近 24 小时新换上 2 台")
    assert (older.release, older.running, older.arrived, older.state) == ("0.2.0", 2, 0, "")

    went_back = Rollback(now - 2 * hour, "0.3.0", "0.2.0", REASON, reported_at=now - 2 * hour)
    old_rollback = Rollback(now - 9 * 86400, "0.1.5", "0.1.0", REASON, reported_at=now - 9 * 86400)
    rolled_back = [
        *spreading,
        # Back on 0.2.0 by a rollback: not counted as taking 0.2.0.
        _terminal("E", "0.2.0", previous="0.3.0", since=now - 2 * hour, rollback=went_back),
        _terminal("F", "0.10.0", rollback=old_rollback),
    ]
    rows = fleet.releases(rolled_back, now)
    assert [row.release for row in rows] == ["0.10.0", "0.3.0", "0.2.0", "0.1.5"]  # newest first, by number
    newest = rows[1]
    assert (newest.rolled_back, newest.rolled_back_lately, newest.state) == (1, 1, "rolling_back")
    assert newest.state_text == "正在退回：近 24 小时 1 台自动退回（新换上 2 台）"
    assert (rows[2].running, rows[2].arrived) == (3, 0)
    assert (rows[3].running, rows[3].rolled_back, rows[3].rolled_back_lately, rows[3].state) == (0, 1, 0, "")
    # Flagged for a week after the hub heard of it.
    assert fleet.recent_rollback(rolled_back[4], now) == went_back and fleet.recent_rollback(rolled_back[5], now) is None


@pytest.mark.parametrize(
    ("params", "shown"),
    [({"release": "0.3.0"}, {"A", "B"}), ({"trial": "0.3.0"}, {"B"}), ({"rolled_back": "0.3.0"}, {"E"}), ({"township": "x"}, None)],
)
def test_a_selection_names_the_terminals_of_one_release(params, shown):
    now = int(NOW.timestamp())
    back = Rollback(now, "0.3.0", "0.2.0", REASON, reported_at=now)
    terminals = [_terminal("A", "0.3.0"), _terminal("B", "0.3.0", trial="0.3.0"), _terminal("E", "0.2.0", rollback=back)]
    selection = fleet.Selection.of(params)
    if shown is None:
        assert selection is None
    else:
        assert {t.id for t in terminals if selection.matches(t)} == shown
