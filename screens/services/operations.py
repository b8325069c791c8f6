"""The unattended terminal's duties towards its operators: systemd watchdog
keep-alives from the UI loop, anonymous usage counts, the heartbeat, and
giving freed memory back once the villager pauses.

The keep-alive is sent from a Kivy Clock callback on purpose: if the UI
loop freezes, the pings stop and systemd restarts the kiosk. So is the
proof a new release on trial gives (kiosk.release.health): first frame,
then ``health_s`` of that loop turning.
"""

from __future__ import annotations

import logging
import sqlite3

import diskcache
from kivy.clock import Clock

from kiosk.ops.heartbeat import HeartbeatReporter, HeartbeatWorker, TerminalStatus
from kiosk.ops.logs import log_event
from kiosk.ops.memory import release_free_memory
from kiosk.ops.usage import UsageCounter
from kiosk.ops.watchdog import WatchdogPinger
from kiosk.ops.yielding import seconds_since_touch
from kiosk.release import health

log = logging.getLogger(__name__)

# Seconds without a new screen and without a touch before freed memory is
# handed back: the collections and the trim take tens of ms (a hundred and
# more beside a large page), so not between two quick taps, nor in the
# middle of a drag through a long list.
TRIM_AFTER_S = 1.0
HEARTBEAT_RETRY_S = 300


class Operations:
    def __init__(self, app):
        self.app = app
        self.usage = UsageCounter()
        self.watchdog = WatchdogPinger()
        self._heartbeat: HeartbeatWorker | None = None
        self._retry = None
        self._beats = None
        self._proof = None
        self._trim = Clock.create_trigger(self._trim_when_quiet, TRIM_AFTER_S)

    def start(self) -> None:
        # READY once the first frame is drawn: systemd then knows the kiosk is up.
        Clock.schedule_once(self._first_frame, 0)
        if self.watchdog.enabled:
            self._beats = Clock.schedule_interval(lambda _dt: self.watchdog.beat(), self.watchdog.beat_interval)
        self._start_heartbeat()

    def _first_frame(self, *_args) -> None:
        self.watchdog.ready("home screen shown")
        trial = health.awaiting_proof()
        if trial is not None:
            log_event(log, "release.on_trial", version=trial.version, proof_in_s=trial.health_s)
            self._proof = Clock.schedule_once(lambda _dt: health.prove(), trial.health_s)

    def _start_heartbeat(self, *_args) -> None:
        live = self.app.live
        if live.store is None or self._heartbeat is not None:
            return
        config = self.app.kiosk_config
        try:
            reporter = HeartbeatReporter(config, config.feed.store, lambda: TerminalStatus.from_store(live.store), self.usage)
        except (OSError, sqlite3.Error, diskcache.Timeout) as exc:
            # A full disk: the kiosk goes on; the heartbeat starts once there is room.
            log_event(log, "heartbeat.not_started", logging.WARNING, reason=exc, retry_s=HEARTBEAT_RETRY_S)
            self._retry = Clock.schedule_once(self._start_heartbeat, HEARTBEAT_RETRY_S)
            return
        self._heartbeat = HeartbeatWorker(reporter, config.heartbeat.interval_s)
        self._heartbeat.start()

    def _trim_when_quiet(self, *_args) -> None:
        wait = TRIM_AFTER_S - seconds_since_touch()
        if wait > 0:  # the villager is still at it: once they have paused
            self._trim.timeout = wait
            self._trim()
            return
        release_free_memory()

    def record_view(self, screen) -> None:
        """Count a screen view (and the item on it): no personal data."""
        name, params = self.app.nav.current
        item = next(iter(params.values()), None) if params else None
        self.usage.record_view(name.value, str(item) if item is not None else None)
        self._trim.cancel()  # from the last screen change on
        self._trim.timeout = TRIM_AFTER_S
        self._trim()

    def stop(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        self._trim.cancel()
        if self._beats is not None:
            self._beats.cancel()
        if self._proof is not None:
            self._proof.cancel()
        starting_again = self.app.start_again_for is not None
        if not starting_again:
            # Not when the kiosk starts afresh in its own process: systemd
            # would take STOPPING=1 for a stop and kill the fresh one.
            self.watchdog.stopping()
        if self._heartbeat is not None:
            self._heartbeat.stop(timeout=5)
            self._heartbeat.reporter.close()
            self._heartbeat = None
        if starting_again:
            self.watchdog.beat()  # the fresh process pings from its first frame on
