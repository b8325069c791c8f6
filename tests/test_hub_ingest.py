"""Heartbeats into the hub over 127.0.0.1: the terminal's own reporter
posting to the real hub on SQLite and PostgreSQL, every refusal with its
status and nothing stored, and nothing lost when the hub (or its database)
goes down in the middle of the load."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import msgspec
import pytest

from kiosk.hub import tokens
from kiosk.hub.store import opened
from kiosk.ops.heartbeat import MAX_BATCH, MAX_BODY_BYTES, HeartbeatReporter
from support.hub_fixtures import make_reporter, start_hub
from tooling.bench.hubload import HubProcess
from tooling.bench.postgres import ThrowawayCluster

VILLAGE = "431322199206"
OTHER_VILLAGE = "431322101203"
DOC = Path(__file__).resolve().parent.parent / "docs" / "OPERATIONS.md"


def _stored(store) -> tuple[int, dict]:
    """(heartbeats stored, usage) across every terminal."""
    beats = sum(len(store.history(t.id, 0)) for t in store.terminals())
    return beats, store.usage_by_screen("2000-01-01")


def test_the_terminals_own_reporter_is_stored(hub):
    token = hub.issue("T-1", VILLAGE)
    reporter = hub.reporter("T-1", VILLAGE, token)
    for screen, item in (("home", None), ("finance", "2025-02"), ("finance", "2025-02"), ("projects", "road-2024")):
        reporter.usage.record_view(screen, item)
    result = reporter.tick()
    assert result.delivered and result.status_code == 200 and result.periods == 1
    assert reporter.pending_periods() == []
    terminal = hub.store.terminal("T-1")
    assert terminal.beat.software_version == reporter.build([], 0).software_version
    assert terminal.beat.disk_free_bytes > 0 and terminal.beat.periods_new == 1
    assert hub.store.usage_by_screen("2000-01-01") == {"T-1": {"home": 1, "finance": 2, "projects": 1}}
    assert reporter.tick().delivered  # alive, nothing new to count
    assert len(hub.store.history("T-1", 0)) == 2


def test_a_terminal_reporting_a_fork_is_stored(sqlite_hub):
    """A terminal refusing a rewritten feed says so in its heartbeat (the
    optional "fork" of OPERATIONS.md section 8): the hub takes the report."""
    import datetime as dt

    from kiosk.feed.chain import ForkRecord
    from kiosk.ops.heartbeat import TerminalStatus

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    fork = ForkRecord(
        held_version=42, held_sha256="a" * 64, offered_version=43, offered_sha256="b" * 64, detail="v43 names no version before it", at=now
    )
    status = TerminalStatus(data_version=42, data_generated_at=now, data_expires_at=now + dt.timedelta(days=30), fork=fork)
    token = sqlite_hub.issue("T-1", VILLAGE)
    reporter = sqlite_hub.reporter("T-1", VILLAGE, token, status=lambda: status)
    sent = json.loads(msgspec.json.encode(reporter.build([], 0)))["fork"]
    assert (sent["held_sha256"], sent["offered_sha256"], sent["offered_version"]) == ("a" * 64, "b" * 64, 43)
    result = reporter.tick()
    assert result.delivered and result.status_code == 200, result.message
    assert sqlite_hub.store.terminal("T-1").beat.data_version == 42


def test_a_report_sent_again_is_acknowledged_and_not_counted_twice(hub):
    token = hub.issue("T-1", VILLAGE)
    reporter = hub.reporter("T-1", VILLAGE, token)
    reporter.usage.record_view("notices")
    reporter.flush()
    body = msgspec.json.encode(reporter.build(reporter.pending_periods(), 0))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"{hub.url}/terminals/T-1/heartbeat"
    first, again = (httpx.post(url, content=body, headers=headers) for _ in range(2))  # its answer "lost" the first time
    assert (first.status_code, first.json()["periods_new"]) == (200, 1)
    assert (again.status_code, again.json()["periods_new"], again.json()["periods_repeated"]) == (200, 0, 1)
    assert hub.store.usage_by_screen("2000-01-01") == {"T-1": {"notices": 1}}


def test_a_terminal_whose_url_names_no_id_is_known_by_its_token(sqlite_hub):
    token = sqlite_hub.issue("T-1", VILLAGE)
    reporter = sqlite_hub.reporter("T-1", VILLAGE, token, path="/heartbeat")
    reporter.usage.record_view("complaint")
    assert reporter.tick().delivered
    assert sqlite_hub.store.usage_by_screen("2000-01-01") == {"T-1": {"complaint": 1}}


def test_the_documented_example_is_accepted(sqlite_hub):
    """docs/OPERATIONS.md §8's example body, byte for byte, as a platform would receive it."""
    example = DOC.read_text(encoding="utf-8").split("<!-- heartbeat-example -->\n```json\n", 1)[1].split("\n```", 1)[0]
    body = json.loads(example)
    token = sqlite_hub.issue(body["terminal_id"], body["village"])
    response = httpx.post(
        f"{sqlite_hub.url}/terminals/{body['terminal_id']}/heartbeat",
        content=example.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    terminal = sqlite_hub.store.terminal(body["terminal_id"])
    assert terminal.beat.data_version == body["data"]["version"] and terminal.beat.disk_free_bytes == body["disk_free_bytes"]
    assert sqlite_hub.store.usage_by_screen("2000-01-01") == {body["terminal_id"]: {"finance": 5, "projects": 1}}


def _body(reporter: HeartbeatReporter, **changes) -> bytes:
    reporter.usage.record_view("home")
    reporter.flush()
    built = json.loads(msgspec.json.encode(reporter.build(reporter.pending_periods(), 0)))
    return json.dumps({**built, **changes}).encode()


def test_refusals_have_their_status_and_store_nothing(hub):
    mine, other, revoked = hub.issue("T-1", VILLAGE), hub.issue("T-2", OTHER_VILLAGE), hub.issue("T-3", VILLAGE)
    hub.store.revoke_token("T-3")
    reporter = hub.reporter("T-1", VILLAGE, mine)
    good = _body(reporter)
    period = json.loads(good)["usage"]["periods"][0]
    json_type = {"Content-Type": "application/json"}

    def post(body: bytes | object = good, token: str | None = mine, path: str = "/terminals/T-1/heartbeat", headers=None):
        sent = {**json_type, **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        return httpx.post(f"{hub.url}{path}", content=body, headers=sent, timeout=30)

    cases = {
        "no token": (post(token=None), 401),
        "not a bearer token": (post(token=None, headers={"Authorization": f"Basic {mine}"}), 401),
        "a wrong token": (post(token=tokens.new_token()), 401),
        "a revoked token": (post(token=revoked, path="/terminals/T-3/heartbeat", body=_body(reporter, terminal_id="T-3")), 401),
        "another terminal's token": (post(token=other), 403),
        "another terminal's id in the body": (post(_body(reporter, terminal_id="T-2")), 403),
        "another terminal's id, no id in the path": (post(_body(reporter, terminal_id="T-2"), path="/heartbeat"), 403),
        "another village": (post(_body(reporter, village=OTHER_VILLAGE)), 403),
        "not JSON by its type": (post(headers={"Content-Type": "text/plain"}), 415),
        "oversized": (post(b" " * (MAX_BODY_BYTES + 1)), 413),
        "oversized, no length said": (post(iter([b" " * 65536] * (MAX_BODY_BYTES // 65536 + 1))), 413),
        "cut short": (post(good[: len(good) // 2]), 400),
        "not JSON": (post(b"\x00\xff garbage"), 400),
        "a list": (post(b"[]"), 422),
        "a field missing": (post(json.dumps({k: v for k, v in json.loads(good).items() if k != "usage"}).encode()), 422),
        "a negative count": (post(_body(reporter, uptime_s=-1)), 422),
        "a time without its zone": (post(_body(reporter, sent_at="2025-03-18T08:30:00")), 422),
        "too many periods": (post(_body(reporter, usage={"periods": [period] * (MAX_BATCH + 1), "dropped_periods": 0})), 422),
        "a bad period id": (post(_body(reporter, usage={"periods": [{**period, "id": "../x"}], "dropped_periods": 0})), 422),
        "a format to come": (post(_body(reporter, format=2)), 422),
    }
    wrong = {name: (response.status_code, expected) for name, (response, expected) in cases.items() if response.status_code != expected}
    assert wrong == {}
    assert cases["no token"][0].headers["WWW-Authenticate"].startswith("Bearer")
    assert "not terminal T-1's" in cases["another terminal's token"][0].json()["error"]
    assert _stored(hub.store) == (0, {})
    assert all(t.last_seen is None for t in hub.store.terminals())
    # The same request, right: accepted (so each refusal was for its stated reason).
    assert post().status_code == 200 and _stored(hub.store)[0] == 1


def test_a_backlog_bigger_than_one_request_is_delivered_in_parts(sqlite_hub):
    """After a long outage a busy terminal holds more than one body may
    carry: the oldest periods go first, the rest with the next reports."""
    token = sqlite_hub.issue("T-1", VILLAGE)
    reporter = sqlite_hub.reporter("T-1", VILLAGE, token)
    for period in range(7):  # seven busy periods, ~0.17 MB each: 1.2 MB in all, over the 1 MiB a body may be
        for item in range(1500):
            reporter.usage.record_view("finance_entry", f"{period:02d}-entry-{item:04d}-" + "x" * 40)
        reporter.flush()
    ticks = [reporter.tick() for _ in range(4)]
    assert all(t.delivered for t in ticks), [t.message for t in ticks]
    assert sum(t.periods for t in ticks) == 7 and ticks[0].periods < 7
    assert reporter.pending_periods() == []
    assert sqlite_hub.store.usage_by_screen("2000-01-01") == {"T-1": {"finance_entry": 7 * 1500}}


@pytest.mark.slow
def test_a_database_that_goes_away_is_a_503_and_the_terminal_keeps_its_counts(tmp_path):
    cluster = ThrowawayCluster(fsync=False).start()
    hub = start_hub(cluster.new_database("hub"), tmp_path)
    try:
        token = hub.issue("T-1", VILLAGE)
        reporter = hub.reporter("T-1", VILLAGE, token)
        reporter.usage.record_view("home")
        assert reporter.tick().delivered
        cluster.stop_server()
        reporter.usage.record_view("finance")
        down = reporter.tick()
        assert not down.delivered and down.status_code == 503
        assert len(reporter.pending_periods()) == 1
        cluster.start_server()
        deadline = time.monotonic() + 30  # the pool replaces its dead connections
        while not reporter.tick().delivered and time.monotonic() < deadline:
            time.sleep(0.2)
        assert reporter.pending_periods() == []
        assert hub.store.usage_by_screen("2000-01-01") == {"T-1": {"home": 1, "finance": 1}}
    finally:
        hub.close()
        cluster.stop()


SCREENS = ("home", "finance", "projects", "notices", "power_detail")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_nothing_is_lost_when_the_hub_restarts_mid_load(backend, tmp_path, request):
    """Terminals report as fast as they can while the hub process is killed
    (SIGKILL) and started again: they keep what was not acknowledged and
    send it again; what was stored is not counted twice."""
    url = f"sqlite:///{tmp_path / 'hub.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_cluster").new_database("restart")
    issued = {}
    with opened(url) as store:
        for index in range(12):
            terminal_id = f"T-{index:02d}"
            issued[terminal_id] = tokens.new_token()
            store.put_terminal(terminal_id, VILLAGE, tokens.token_hash(issued[terminal_id]), int(time.time()))
    hub = HubProcess(url, tmp_path).start()
    reporters = {
        terminal_id: make_reporter(hub.url, terminal_id, VILLAGE, token, tmp_path, timeout=httpx.Timeout(5))
        for terminal_id, token in issued.items()
    }
    views: Counter = Counter()
    lock = threading.Lock()
    failures = Counter()

    def use_and_report(terminal_id: str, rng: random.Random) -> None:
        reporter = reporters[terminal_id]
        for _ in range(rng.randint(1, 4)):
            screen = rng.choice(SCREENS)
            reporter.usage.record_view(screen)
            with lock:
                views[(terminal_id, screen)] += 1
        if not reporter.tick().delivered:
            with lock:
                failures[terminal_id] += 1

    try:
        rng = random.Random(7)
        with ThreadPoolExecutor(len(reporters)) as pool:
            for round_ in range(14):
                if round_ == 5:
                    killer = threading.Timer(0.005, hub.kill)  # while this round's reports are in flight
                    killer.start()
                list(pool.map(use_and_report, reporters, [random.Random(rng.random()) for _ in reporters]))
                if round_ == 7:
                    killer.join()
                    hub.start()
            for _ in range(20):  # until everything pending is acknowledged
                if not any(r.pending_periods() for r in reporters.values()):
                    break
                list(pool.map(lambda r: r.tick(), reporters.values()))
    finally:
        hub.stop()
        for reporter in reporters.values():
            reporter.close()
    assert sum(failures.values()) >= len(reporters), "the restart did not happen under load"
    assert not any(r.pending_periods() for r in reporters.values())
    with opened(url) as store:
        stored = store.usage_by_screen("2000-01-01")
    assert {(t, s): n for t, screens in stored.items() for s, n in screens.items()} == dict(views)
