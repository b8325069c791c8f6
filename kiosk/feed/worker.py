"""Background syncing: a thread that polls on a schedule and backs off
after failures, so the UI never waits on the network.

The worker knows nothing of Kivy: the app passes an ``on_result`` that
hops back to the UI thread (``Clock.schedule_once``). ``on_result`` is
called on the worker thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.feed import outcome
from kiosk.feed.outcome import OutcomeKind, SyncOutcome
from kiosk.ops.logs import log_event
from kiosk.ops.yielding import lower_this_thread

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """When to try again.

    After a success or a rejection the next poll is one interval later;
    after ``n`` failures in a row it is ``base * 2**(n-1)`` seconds later,
    at most ``interval``. Every delay is jittered (×0.5 to ×1.0 for
    retries, ±10 % for polls) so thousands of terminals coming back after a
    regional outage do not hit the platform in step.
    """

    interval: float = 900.0
    base: float = 15.0
    rng: Callable[[], float] = field(default=random.random, compare=False)

    def retry_delay(self, failures: int) -> float:
        ceiling = min(self.interval, self.base * 2 ** max(0, failures - 1))
        return ceiling * (0.5 + 0.5 * self.rng())

    def poll_delay(self) -> float:
        return self.interval * (0.9 + 0.2 * self.rng())

    def next_delay(self, result: SyncOutcome, failures: int) -> float:
        return self.retry_delay(failures) if result.kind is OutcomeKind.FAILED else self.poll_delay()


class SyncWorker(threading.Thread):
    """Runs ``sync`` now and then forever (until ``stop``), handing each
    outcome to ``on_result``."""

    def __init__(
        self,
        sync: Callable[[], SyncOutcome],
        on_result: Callable[[SyncOutcome], object],  # what it returns is not used
        policy: RetryPolicy = RetryPolicy(),
        first_delay: float = 0.0,
    ):
        super().__init__(name="feed-sync", daemon=True)
        self._sync = sync
        self._on_result = on_result
        self.policy = policy
        self._first_delay = first_delay
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self.failures = 0

    def sync_now(self) -> None:
        """Poll as soon as possible (e.g. a technician pressed "sync")."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        lower_this_thread()  # and the threads a sync starts, which inherit it
        delay = self._first_delay
        while True:
            self._wake.wait(delay)
            self._wake.clear()
            if self._stopping.is_set():
                return
            result = self._run_once()
            self.failures = self.failures + 1 if result.kind is OutcomeKind.FAILED else 0
            if self._stopping.is_set():
                return
            try:
                self._on_result(result)
            except Exception:
                log_event(log, "sync.callback_failed", logging.ERROR, exc_info=True)
            delay = self.policy.next_delay(result, self.failures)

    def _run_once(self) -> SyncOutcome:
        try:
            return self._sync()
        except Exception as exc:
            # The thread must outlive any bug in one attempt; the store is untouched.
            log_event(log, "sync.crashed", logging.ERROR, exc_info=True)
            return outcome.failed(f"internal error: {type(exc).__name__}: {exc}", None)
