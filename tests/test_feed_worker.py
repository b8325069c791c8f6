"""The background sync worker: retries with backoff and jitter, reports every
outcome through the callback, and never dies of one bad attempt."""

from __future__ import annotations

import queue

import pytest

from kiosk.feed.outcome import OutcomeKind, SyncOutcome
from kiosk.feed.sync import Timeouts
from kiosk.feed.worker import RetryPolicy, SyncWorker
from support.feed_fixtures import Feed
from support.feedserver import Fault


def test_retry_delays_grow_exponentially_up_to_the_interval_with_jitter():
    high = RetryPolicy(interval=100, base=1, rng=lambda: 1.0)
    low = RetryPolicy(interval=100, base=1, rng=lambda: 0.0)
    assert [high.retry_delay(n) for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 64, 100, 100]
    assert [low.retry_delay(n) for n in (1, 2, 3, 9)] == [0.5, 1, 2, 50]
    assert low.poll_delay() == pytest.approx(90) and high.poll_delay() == pytest.approx(110)
    failed = SyncOutcome(OutcomeKind.FAILED, "failed: x")
    rejected = SyncOutcome(OutcomeKind.REJECTED, "rejected: x")
    assert high.next_delay(failed, 3) == 4
    assert high.next_delay(rejected, 0) == pytest.approx(110)  # a rejection is not hammered


def test_worker_retries_after_server_errors_and_reports_each_outcome(tmp_path, fault_server):
    feed = Feed(tmp_path, fault_server)
    feed.publish()
    fault_server.fault("manifest.json", Fault("status", status=500, times=2))
    results: queue.Queue[SyncOutcome] = queue.Queue()
    worker = SyncWorker(feed.syncer().sync_once, results.put, RetryPolicy(interval=600, base=0.02))
    worker.start()
    try:
        kinds = [results.get(timeout=10).kind for _ in range(3)]
        assert kinds == [OutcomeKind.FAILED, OutcomeKind.FAILED, OutcomeKind.UPDATED]
        assert worker.failures == 0
        worker.sync_now()  # e.g. the technician's "sync now" button
        assert results.get(timeout=10).message == "up to date v1"
    finally:
        worker.stop(timeout=10)
        feed.store.close()
    assert not worker.is_alive()
    feed.assert_holds(1)


def test_worker_survives_a_crashing_attempt_and_a_crashing_callback():
    calls = {"n": 0}

    def sync() -> SyncOutcome:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("bug")
        return SyncOutcome(OutcomeKind.UP_TO_DATE, "up to date v3", version=3)

    seen: queue.Queue[SyncOutcome] = queue.Queue()

    def on_result(result: SyncOutcome) -> None:
        seen.put(result)
        raise ValueError("UI bug")

    worker = SyncWorker(sync, on_result, RetryPolicy(interval=600, base=0.01))
    worker.start()
    try:
        first = seen.get(timeout=10)
        assert first.kind is OutcomeKind.FAILED and "internal error: RuntimeError: bug" in first.message
        assert seen.get(timeout=10).message == "up to date v3"
    finally:
        worker.stop(timeout=10)
    assert not worker.is_alive()


@pytest.mark.slow
def test_a_server_trickling_its_headers_does_not_hold_the_worker(tmp_path, fault_server):
    """The kiosk's worker waits for each attempt: one held by a server that
    sends its headers a byte at a time (13 s here) would hold its syncing."""
    feed = Feed(tmp_path, fault_server)
    feed.publish()
    fault_server.fault("manifest.json", Fault("slow-headers", delay=0.05))
    results: queue.Queue[SyncOutcome] = queue.Queue()
    syncer = feed.syncer(Timeouts(connect=0.5, read=1, min_rate=1e6))
    worker = SyncWorker(syncer.sync_once, results.put, RetryPolicy(interval=600, base=60))
    worker.start()
    try:
        result = results.get(timeout=8)
        assert result.kind is OutcomeKind.FAILED and result.message == "failed: manifest.json: too slow, gave up after 2 s"
    finally:
        worker.stop(timeout=10)
        feed.store.close()
    assert not worker.is_alive()
