"""The hub's store on a real SQLite file and a real PostgreSQL: the same
behaviour behind one interface."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.hub import accounts
from kiosk.hub.store import NO_ITEM, Beat, PeriodRecord, StoreError, SyncError, open_store

T0 = 1_742_286_600  # 2025-03-18 08:30 UTC


def _beat(at: int, **changes) -> Beat:
    values = {
        "received_at": at,
        "sent_at": at,
        "software_version": "0.1.0",
        "uptime_s": 600,
        "system_uptime_s": None,
        "disk_free_bytes": 10**10,
        "data_version": 3,
        "data_generated_at": at - 86400,
        "data_expires_at": at + 86400,
        "data_stale": False,
        "sync_outcome": "up_to_date",
        "sync_message": "up to date v3",
        "sync_at": at - 60,
        "sync_version": 3,
        "dropped_periods": 0,
        "dropped_views": 0,
    }
    return Beat(**{**values, **changes})


def _period(period_id: str, day: str, *views: tuple[str, str, int]) -> PeriodRecord:
    return PeriodRecord(period_id, T0 - 300, T0, day, tuple(views))


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.close()


def test_a_period_is_counted_once_however_often_it_comes(store):
    store.put_terminal("T-1", "431322199206", "hash-1", T0)
    first = [
        _period("p1", "2025-03-18", ("finance", "2025-02", 2), ("home", NO_ITEM, 1)),
        _period("p2", "2025-03-18", ("home", NO_ITEM, 3)),
    ]
    assert store.record_heartbeat("T-1", _beat(T0), first, None) == (2, 0)
    # The answer was lost: the terminal sends both again, with a new one.
    again = [*first, _period("p3", "2025-03-19", ("projects", "road", 1))]
    assert store.record_heartbeat("T-1", _beat(T0 + 300), again, None) == (1, 2)
    assert store.usage_by_screen("2025-03-18") == {"T-1": {"finance": 2, "home": 4, "projects": 1}}
    assert store.usage_by_screen("2025-03-19") == {"T-1": {"projects": 1}}
    assert store.usage_by_day("T-1", "2025-03-01") == [
        ("2025-03-18", "finance", 2),
        ("2025-03-18", "home", 4),
        ("2025-03-19", "projects", 1),
    ]
    assert store.top_items("T-1", "2025-03-01") == [("finance", "2025-02", 2), ("projects", "road", 1)]
    [newest, oldest] = store.history("T-1", T0 - 1)
    assert (newest.received_at, newest.periods_new, newest.periods_repeated) == (T0 + 300, 1, 2)
    assert (oldest.periods_new, oldest.periods_repeated) == (2, 0)
    terminal = store.terminal("T-1")
    assert terminal.last_seen == T0 + 300 and terminal.beat == newest


def test_period_ids_are_per_terminal(store):
    store.put_terminal("T-1", "431322199206", "hash-1", T0)
    store.put_terminal("T-2", "431322199207", "hash-2", T0)
    assert store.record_heartbeat("T-1", _beat(T0), [_period("same", "2025-03-18", ("home", NO_ITEM, 1))], None) == (1, 0)
    assert store.record_heartbeat("T-2", _beat(T0), [_period("same", "2025-03-18", ("home", NO_ITEM, 5))], None) == (1, 0)
    assert store.usage_by_screen("2025-03-18") == {"T-1": {"home": 1}, "T-2": {"home": 5}}


def test_terminals_tokens_and_townships(store):
    assert store.put_terminal("T-1", "431322199206", "hash-1", T0) is True
    assert store.put_terminal("T-2", "431322101203", "hash-2", T0) is True
    assert store.token_holder("hash-1") == ("T-1", "431322199206")
    assert store.put_terminal("T-1", "431322199206", "hash-3", T0 + 1) is False  # a new token: the old one stops working
    assert store.token_holder("hash-1") is None and store.token_holder("hash-3") == ("T-1", "431322199206")
    assert store.revoke_token("T-1") is True and store.revoke_token("T-1") is False and store.revoke_token("nobody") is False
    assert store.token_holder("hash-3") is None
    assert store.terminal("T-1").token_hash is None and store.terminal("T-1").beat is None
    assert [t.id for t in store.terminals()] == ["T-2", "T-1"]  # by village
    assert [t.id for t in store.terminals("431322199")] == ["T-1"]
    store.record_heartbeat("T-2", _beat(T0), [_period("p", "2025-03-18", ("home", NO_ITEM, 2))], None)
    store.record_heartbeat("T-1", _beat(T0), [_period("p", "2025-03-18", ("home", NO_ITEM, 7))], None)
    assert store.usage_by_screen("2025-03-18", "431322101") == {"T-2": {"home": 2}}


def test_the_last_sync_error_and_repeated_errors(store):
    store.put_terminal("T-1", "431322199206", "hash-1", T0)
    failing = {"sync_outcome": "failed", "sync_message": "failed: ConnectTimeout"}
    for step in range(3):  # the same failure reported by three syncs
        at = T0 + step * 900
        store.record_heartbeat("T-1", _beat(at, sync_at=at - 60, **failing), [], SyncError(at - 60, "failed", "failed: ConnectTimeout"))
    late = T0 + 5000
    store.record_heartbeat(
        "T-1",
        _beat(late, sync_outcome="rejected", sync_message="rejected: bad signature", sync_at=late),
        [],
        SyncError(late, "rejected", "rejected: bad signature"),
    )
    # A report carrying an older error (sent late) does not hide the newer one.
    store.record_heartbeat("T-1", _beat(late + 300, sync_at=T0 - 60, **failing), [], SyncError(T0 - 60, "failed", "failed: ConnectTimeout"))
    terminal = store.terminal("T-1")
    assert terminal.last_error == "rejected: rejected: bad signature" and terminal.last_error_at == late
    rejected, failed = store.sync_errors("T-1")
    assert (rejected.outcome, rejected.times) == ("rejected", 1)
    assert (failed.outcome, failed.times, failed.first_at, failed.at) == ("failed", 3, T0 - 60, T0 + 1800 - 60)


def test_prune_keeps_each_terminals_latest_report(store):
    store.put_terminal("T-1", "431322199206", "hash-1", T0)
    store.put_terminal("T-2", "431322199207", "hash-2", T0)
    store.record_heartbeat("T-1", _beat(T0), [_period("old", "2025-03-18", ("home", NO_ITEM, 1))], None)
    store.record_heartbeat("T-1", _beat(T0 + 40 * 86400), [_period("new", "2025-04-27", ("home", NO_ITEM, 1))], None)
    store.record_heartbeat("T-2", _beat(T0), [], None)  # silent ever since
    store.add_session("s-old", "nobody", T0)
    assert store.prune(T0 + 31 * 86400, "2025-04-20", T0 + 40 * 86400) == 1
    assert [b.received_at for b in store.history("T-1", 0)] == [T0 + 40 * 86400]
    assert store.terminal("T-2").beat.received_at == T0
    assert store.usage_by_screen("2000-01-01") == {"T-1": {"home": 1}}
    # A pruned period id is forgotten, a kept one is not.
    assert store.record_heartbeat("T-1", _beat(T0 + 40 * 86400 + 300), [_period("new", "2025-04-27", ("home", NO_ITEM, 1))], None) == (0, 1)


def test_users_lock_out_and_sessions(store):
    assert store.add_user("wang", "h1", "", T0) is True
    assert store.add_user("wang", "h2", "431322199", T0) is False
    for _ in range(accounts.MAX_FAILURES - 1):
        assert store.login_failed("wang", T0, accounts.MAX_FAILURES, accounts.LOCK_S) == 0
    assert store.login_failed("wang", T0, accounts.MAX_FAILURES, accounts.LOCK_S) == accounts.LOCK_S
    assert store.user("wang").locked_until == T0 + accounts.LOCK_S
    assert store.login_failed("nobody", T0, 5, 60) == 0
    store.add_session("s1", "wang", T0 + 3600)
    assert store.session_user("s1", T0).name == "wang"
    assert store.session_user("s1", T0 + 3600) is None  # expired
    assert store.set_password("wang", "h3") is True and store.user("wang").locked_until == 0
    assert store.session_user("s1", T0) is None  # a new password ends the sessions
    store.add_session("s2", "wang", T0 + 3600)
    store.end_session("s2")
    assert store.session_user("s2", T0) is None
    assert store.remove_user("wang") is True and store.user("wang") is None and store.users() == []


def test_reopening_keeps_everything(database_url):
    first = open_store(database_url)
    first.put_terminal("T-1", "431322199206", "hash-1", T0)
    first.close()
    again = open_store(database_url)
    assert again.token_holder("hash-1") == ("T-1", "431322199206")
    again.close()


def test_a_database_of_another_schema_or_place_is_refused(tmp_path):
    path = tmp_path / "hub.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="schema 99"):
        open_store(f"sqlite:///{path}")
    with pytest.raises(StoreError, match="sqlite:///PATH or postgresql"):
        open_store("mysql://somewhere/hub")
    with pytest.raises(StoreError, match="cannot open"):
        open_store(f"sqlite:///{path / 'hub.db'}")  # under a file
    with pytest.raises(StoreError, match="cannot use the database"):
        open_store(f"postgresql://hub@/hub?host={tmp_path}")  # no server there
