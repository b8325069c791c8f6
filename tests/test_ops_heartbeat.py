"""Heartbeat and usage counts against a real HTTP server on 127.0.0.1,
including the server being down for a while and the terminal restarting."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import msgspec

import kiosk
from kiosk.config import Config, FeedConfig, HeartbeatConfig, TerminalConfig
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer, Timeouts
from kiosk.ops.heartbeat import (
    Heartbeat,
    HeartbeatReporter,
    HeartbeatWorker,
    TerminalStatus,
    heartbeat_url,
)
from kiosk.ops.logs import setup_logging
from kiosk.ops.usage import UsageCounter
from support.feed_fixtures import VILLAGE, Publisher, write_village
from support.feedserver import FeedServer
from support.ops_fixtures import TOKEN


def _config(platform: str, token: str = TOKEN, allow_http: bool = True, url: str = "") -> Config:
    return Config(
        terminal=TerminalConfig(id="LD-0042", token=token),
        feed=FeedConfig(platform=platform, village=VILLAGE, allow_http=allow_http),
        heartbeat=HeartbeatConfig(url=url),
    )


def _dead_url() -> str:
    """An address on this machine where nothing listens."""
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    return f"http://127.0.0.1:{port}"


def _views(body: dict) -> dict[tuple[str, str | None], int]:
    totals: dict[tuple[str, str | None], int] = {}
    for period in body["usage"]["periods"]:
        for view in period["views"]:
            key = (view["screen"], view["item"])
            totals[key] = totals.get(key, 0) + view["count"]
    return totals


def test_status_and_counts_are_posted_with_the_token(tmp_path, heartbeat_server):
    reporter = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", lambda: TerminalStatus())
    reporter.usage.record_view("home")
    reporter.usage.record_view("projects", "road")
    reporter.usage.record_view("projects", "road")
    result = reporter.tick()
    assert result.delivered and result.status_code == 204 and result.periods == 1

    [(path, headers, raw)] = heartbeat_server.requests
    assert path == "/terminals/LD-0042/heartbeat"
    assert headers["Authorization"] == f"Bearer {TOKEN}" and headers["Content-Type"] == "application/json"
    body = json.loads(raw)
    assert body["terminal_id"] == "LD-0042" and body["village"] == VILLAGE and body["software_version"] == kiosk.__version__
    assert body["format"] == 1 and body["data"] is None and body["last_sync"] is None
    assert body["disk_free_bytes"] > 0 and body["uptime_s"] >= 0
    assert _views(body) == {("home", None): 1, ("projects", "road"): 2}
    assert reporter.pending_periods() == []  # delivered counts are gone

    # Nothing new: the next report still says the terminal is alive, with no usage.
    assert reporter.tick().delivered
    assert heartbeat_server.bodies()[-1]["usage"] == {"periods": [], "dropped_periods": 0}


def test_the_status_comes_from_the_store(tmp_path, heartbeat_server):
    feed_server = FeedServer(tmp_path / "www").start()
    try:
        publisher = Publisher(tmp_path)
        write_village(tmp_path / "src")
        publisher.build(tmp_path / "www" / VILLAGE, tmp_path / "src")
        store = Store(tmp_path / "store")
        outcome = Syncer(store, feed_server.url, VILLAGE, publisher.keyring, Timeouts(connect=2, read=2)).sync_once()
        assert outcome.ok
        reporter = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", lambda: TerminalStatus.from_store(store))
        assert reporter.tick().delivered
        body = heartbeat_server.bodies()[-1]
        assert body["data"]["version"] == 1 and body["data"]["stale"] is False and 0 <= body["data"]["age_s"] < 600
        assert body["last_sync"]["outcome"] == "updated" and body["last_sync"]["version"] == 1
        store.close()
    finally:
        feed_server.stop()


def test_counts_survive_an_outage_and_a_restart_then_are_delivered_once(tmp_path, heartbeat_server):
    down = _config(_dead_url())
    reporter = HeartbeatReporter(down, tmp_path / "store", TerminalStatus)
    for _ in range(3):
        reporter.usage.record_view("finance", "2025-03")
        result = reporter.tick()
        assert not result.delivered and "ConnectError" in result.message
    reporter.usage.record_view("notices")
    reporter.flush()  # the app stopping: counts in memory go to the store
    reporter.close()

    # The terminal restarts; the platform is back.
    restarted = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", TerminalStatus)
    assert len(restarted.pending_periods()) == 4
    result = restarted.tick()
    assert result.delivered and result.periods == 4
    body = heartbeat_server.bodies()[-1]
    assert _views(body) == {("finance", "2025-03"): 3, ("notices", None): 1}
    assert len({period["id"] for period in body["usage"]["periods"]}) == 4  # the platform can drop repeats
    assert restarted.tick().delivered
    assert _views(heartbeat_server.bodies()[-1]) == {}  # delivered exactly once


def test_a_refusing_platform_keeps_the_counts(tmp_path, heartbeat_server):
    reporter = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", TerminalStatus)
    heartbeat_server.status = 401
    reporter.usage.record_view("home")
    result = reporter.tick()
    assert not result.delivered and result.status_code == 401 and "token rejected" in result.message
    heartbeat_server.status = 503
    assert not reporter.tick().delivered
    heartbeat_server.status = 200
    assert reporter.tick().delivered
    assert _views(heartbeat_server.bodies()[-1]) == {("home", None): 1}


def test_a_long_outage_drops_the_oldest_counts_and_says_how_many(tmp_path, heartbeat_server):
    reporter = HeartbeatReporter(_config(_dead_url()), tmp_path / "store", TerminalStatus, max_periods=3)
    for index in range(5):
        reporter.usage.record_view("powers", f"item-{index}")
        reporter.tick()
    assert [period.views[0].item for period in reporter.pending_periods()] == ["item-2", "item-3", "item-4"]
    assert reporter.dropped_periods() == 2

    back = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", TerminalStatus, max_periods=3)
    assert back.tick().delivered
    usage = heartbeat_server.bodies()[-1]["usage"]
    assert usage["dropped_periods"] == 2 and len(usage["periods"]) == 3
    assert back.dropped_periods() == 0 and back.pending_periods() == []


def test_too_many_distinct_items_are_counted_not_listed():
    counter = UsageCounter(max_keys=2)
    for item in ("a", "b", "c", "d", "a"):
        counter.record_view("projects", item)
    counts = counter.drain()
    assert counts.views == {("projects", "a"): 2, ("projects", "b"): 1} and counts.dropped == 2
    assert not counter.drain()


def test_the_token_never_goes_over_plain_http_unless_allowed(tmp_path, heartbeat_server):
    reporter = HeartbeatReporter(_config(heartbeat_server.url, allow_http=False), tmp_path / "store", TerminalStatus)
    reporter.usage.record_view("home")
    result = reporter.tick()
    assert not result.delivered and "plain http" in result.message
    assert heartbeat_server.requests == []
    assert len(reporter.pending_periods()) == 1  # kept for when it is fixed

    no_token = HeartbeatReporter(_config(heartbeat_server.url, token=""), tmp_path / "store2", TerminalStatus)
    assert "no terminal token" in no_token.tick().message and heartbeat_server.requests == []


def test_heartbeat_url_is_derived_from_the_platform_unless_set():
    assert heartbeat_url(_config("https://p.example.cn/feeds/")) == "https://p.example.cn/feeds/terminals/LD-0042/heartbeat"
    assert heartbeat_url(_config("https://p.example.cn", url="https://hb.example.cn/in")) == "https://hb.example.cn/in"
    assert heartbeat_url(Config()) is None


def test_a_failing_status_provider_does_not_stop_the_report(tmp_path, heartbeat_server):
    def broken() -> TerminalStatus:
        raise RuntimeError("store locked")

    reporter = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", broken)
    assert reporter.tick().delivered
    assert heartbeat_server.bodies()[-1]["data"] is None


def test_the_worker_reports_on_its_own_thread_and_keeps_counts_when_stopped(tmp_path, heartbeat_server):
    reporter = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", TerminalStatus)
    delivered = threading.Event()
    tick = reporter.tick

    def tick_and_signal():
        result = tick()
        if len(heartbeat_server.requests) >= 2:
            delivered.set()
        return result

    reporter.tick = tick_and_signal
    worker = HeartbeatWorker(reporter, interval_s=0.05, first_delay_s=0)
    worker.start()
    assert delivered.wait(30)
    worker.stop(timeout=30)
    assert not worker.is_alive()
    after_stop = len(heartbeat_server.requests)

    # Counts recorded after the last report are kept when the worker stops.
    idle = HeartbeatWorker(reporter, interval_s=3600, first_delay_s=3600)
    idle.start()
    reporter.usage.record_view("complaint")
    idle.stop(timeout=30)
    assert len(heartbeat_server.requests) == after_stop
    [period] = reporter.pending_periods()
    assert [(view.screen, view.count) for view in period.views] == [("complaint", 1)]


def test_heartbeat_log_lines_are_structured_and_hold_no_token(tmp_path, heartbeat_server):
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_logging(stream=stream)
    try:
        HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", TerminalStatus).tick()
        HeartbeatReporter(_config(_dead_url()), tmp_path / "store2", TerminalStatus).tick()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    lines = [line for line in stream.getvalue().splitlines() if "logger=kiosk.ops.heartbeat" in line]
    assert any("event=heartbeat.sent" in line and "status=204" in line for line in lines), lines
    assert any("event=heartbeat.failed" in line and "level=warning" in line for line in lines), lines
    assert TOKEN not in stream.getvalue()


def test_period_times_bracket_the_views(tmp_path, heartbeat_server):
    times = iter(dt.datetime(2025, 3, 1, 8, minute, tzinfo=dt.UTC) for minute in range(0, 60, 5))
    reporter = HeartbeatReporter(_config(heartbeat_server.url), tmp_path / "store", TerminalStatus, now=lambda: next(times))
    reporter.usage.record_view("home")
    assert reporter.tick().delivered
    [period] = heartbeat_server.bodies()[-1]["usage"]["periods"]
    assert msgspec.convert(period["start"], dt.datetime) < msgspec.convert(period["end"], dt.datetime)


def test_the_documented_example_is_what_the_terminal_sends():
    """docs/OPERATIONS.md is the platform team's contract: its example body
    must have exactly the fields the terminal sends."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    example = doc.split("<!-- heartbeat-example -->\n```json\n", 1)[1].split("\n```", 1)[0]
    decoded = msgspec.json.decode(example.encode(), type=Heartbeat)
    assert json.loads(msgspec.json.encode(decoded)) == json.loads(example)
