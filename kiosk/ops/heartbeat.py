"""Heartbeat: the terminal tells the platform it is alive, what it shows,
and how much each screen was used, every few minutes.

The endpoint is specified in docs/OPERATIONS.md. In short: ``POST`` JSON to
``<platform>/terminals/<terminal id>/heartbeat`` (or ``[heartbeat] url``)
with ``Authorization: Bearer <terminal token>``; any 2xx means delivered.

Usage counts are moved from memory into the operations state (a diskcache
under the store, ``kiosk.ops.state``) as one *period* per report, so they
survive a restart until a 2xx confirms them. While the platform is out of
reach they pile up, bounded: at most ``MAX_PERIODS`` are kept, the oldest
dropped first (and the number dropped is reported once the platform is
back). Each period carries a random id so the platform can ignore one it
already has when a confirmation was lost on the way back.

Nothing here raises into the caller: a heartbeat is never worth a crash.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import diskcache
import msgspec
from msgspec import Meta

import kiosk
from kiosk.config import Config, TerminalId
from kiosk.feed.chain import ForkRecord
from kiosk.feed.outcome import OutcomeRecord
from kiosk.feed.store import Store
from kiosk.model import VillageCode
from kiosk.ops.logs import log_event
from kiosk.ops.state import open_state
from kiosk.ops.usage import MAX_KEYS, UsageCounter, UsageCounts
from kiosk.ops.yielding import give_way, lower_this_thread
from kiosk.release.layout import TERMINAL, Layout
from kiosk.release.status import read_status

if TYPE_CHECKING:  # the client itself is imported when a report goes out, not at the kiosk's start
    import httpx

log = logging.getLogger(__name__)

BODY_FORMAT = 1
MAX_PERIODS = 500  # undelivered periods kept (at 5 minutes: 41 hours of steady use)
MAX_BATCH = 48  # periods per request, oldest first; the rest go with the next ones
# A platform refuses larger bodies (413). The periods of one request are
# kept to half of it: one period is at most ~0.3 MB (MAX_KEYS views of
# record ids), so the oldest always fits and a busy backlog never sticks.
MAX_BODY_BYTES = 1024 * 1024
MAX_BATCH_BYTES = MAX_BODY_BYTES // 2
CONNECT_TIMEOUT_S = 5.0
TIMEOUT_S = 15.0
_PERIOD_PREFIX = "usage/"
_SEQUENCE = "usage_sequence"
_DROPPED = "usage_dropped_periods"
LAST_RESULT = "heartbeat_last"


def heartbeat_url(config: Config) -> str | None:
    """Where to post, or None when the terminal has nowhere to report to."""
    if config.heartbeat.url:
        return config.heartbeat.url
    if config.feed.platform:
        return f"{config.feed.platform.rstrip('/')}/terminals/{config.terminal.id}/heartbeat"
    return None


@dataclass(frozen=True)
class TerminalStatus:
    """What the terminal holds, for the heartbeat (from the app or the store)."""

    data_version: int | None = None
    data_generated_at: dt.datetime | None = None
    data_expires_at: dt.datetime | None = None
    last_sync: OutcomeRecord | None = None
    fork: ForkRecord | None = None  # the platform's feed does not extend the chain held

    @classmethod
    def from_store(cls, store: Store) -> TerminalStatus:
        manifest = store.current()
        return cls(
            data_version=manifest.version if manifest else None,
            data_generated_at=manifest.generated_at if manifest else None,
            data_expires_at=manifest.expires_at if manifest else None,
            last_sync=store.last_outcome(),
            fork=store.fork(),
        )


# ------------------------------------------------------------ wire format
# The hub (kiosk.hub) decodes with these same structs: the constraints are
# checked there, on decoding; building a struct here checks nothing.

Count = Annotated[int, Meta(ge=0)]
Moment = Annotated[dt.datetime, Meta(tz=True)]
PeriodId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class View(msgspec.Struct, frozen=True):
    screen: Annotated[str, Meta(min_length=1, max_length=64)]
    item: str | None
    count: Count


class Period(msgspec.Struct, frozen=True):
    id: PeriodId
    start: Moment
    end: Moment
    views: Annotated[list[View], Meta(max_length=MAX_KEYS)]
    dropped_views: Count = 0


class DataState(msgspec.Struct, frozen=True):
    version: Annotated[int, Meta(ge=1)]
    generated_at: Moment | None
    expires_at: Moment | None
    age_s: int | None  # by the terminal's clock: negative when it is behind
    stale: bool


class LastSync(msgspec.Struct, frozen=True):
    outcome: str
    message: str
    at: Moment
    version: int | None


Hash = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]


class Fork(msgspec.Struct, frozen=True):
    """The feed offered was refused because its chain of versions does not
    pass through the version held: the history was rewritten and signed
    again (docs/FEED-PROTOCOL.md section 16)."""

    held_version: Annotated[int, Meta(ge=1)]
    held_sha256: Hash
    offered_version: Annotated[int, Meta(ge=1)]
    offered_sha256: Hash
    detail: str
    found_at: Moment


class Usage(msgspec.Struct, frozen=True):
    periods: Annotated[list[Period], Meta(max_length=MAX_BATCH)]
    dropped_periods: Count


ReleaseVersion = Annotated[str, Meta(max_length=64)]


class SoftwareUpdate(msgspec.Struct, frozen=True):
    """The last update run (kiosk.release.update.Outcome values)."""

    outcome: Annotated[str, Meta(max_length=64)]
    message: str
    at: Moment
    version: ReleaseVersion | None


class SoftwareRollback(msgspec.Struct, frozen=True):
    """The terminal went back from a release that did not come up."""

    at: Moment
    from_version: ReleaseVersion
    to_version: ReleaseVersion
    reason: str


class Software(msgspec.Struct, frozen=True):
    """The installed releases (kiosk.release): ``null`` on a development install."""

    release: ReleaseVersion | None  # what runs
    trial: ReleaseVersion | None  # a new release proving itself, not yet kept
    rolled_back: SoftwareRollback | None  # the latest rollback, whenever it was
    last_update: SoftwareUpdate | None


class Heartbeat(msgspec.Struct, frozen=True):
    format: int
    terminal_id: TerminalId
    village: VillageCode
    software_version: Annotated[str, Meta(max_length=64)]
    sent_at: Moment
    uptime_s: Count
    system_uptime_s: Count | None
    disk_free_bytes: Count | None
    data: DataState | None
    last_sync: LastSync | None
    usage: Usage
    fork: Fork | None = None  # absent or null: none (older terminals do not send it)
    software: Software | None = None  # added after format 1 began: older terminals leave it out


class HeartbeatResult(msgspec.Struct, frozen=True):
    """One tick's result, also kept (``LAST_RESULT``) for the doctor."""

    at: dt.datetime
    delivered: bool
    message: str
    periods: int = 0
    status_code: int | None = None


_PERIOD = msgspec.msgpack.Decoder(Period)
_RESULT = msgspec.msgpack.Decoder(HeartbeatResult)


def last_result(state: diskcache.Cache) -> HeartbeatResult | None:
    raw = state.get(LAST_RESULT, retry=True)
    return _RESULT.decode(raw) if raw is not None else None


def _fork(record: ForkRecord | None) -> Fork | None:
    if record is None:
        return None
    return Fork(record.held_version, record.held_sha256, record.offered_version, record.offered_sha256, record.detail, record.at)


def _system_uptime() -> int | None:
    try:
        return int(float(Path("/proc/uptime").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return None


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class HeartbeatReporter:
    def __init__(
        self,
        config: Config,
        store_dir: Path | str,
        status_provider: Callable[[], TerminalStatus],
        usage: UsageCounter | None = None,
        *,
        max_periods: int = MAX_PERIODS,
        transport: httpx.BaseTransport | None = None,
        now: Callable[[], dt.datetime] = _utcnow,
        timeout: httpx.Timeout | None = None,  # default: CONNECT_TIMEOUT_S, TIMEOUT_S
        layout: Layout = TERMINAL,  # where the software's releases are (kiosk.release)
    ):
        self.config = config
        self.store_dir = Path(store_dir)
        self.status_provider = status_provider
        self.usage = usage or UsageCounter()
        self.url = heartbeat_url(config)
        self.max_periods = max_periods
        self.state = open_state(self.store_dir)
        self._transport = transport
        self._now = now
        self._timeout = timeout
        self._layout = layout
        self._started = time.monotonic()
        self._period_start = now()
        self._lock = threading.Lock()  # one tick or flush at a time

    def close(self) -> None:
        self.state.close()

    # ------------------------------------------------------------ usage

    def _period_keys(self) -> list[str]:
        return sorted(key for key in self.state.iterkeys() if isinstance(key, str) and key.startswith(_PERIOD_PREFIX))

    def pending_periods(self) -> list[Period]:
        """Undelivered periods, oldest first."""
        periods = []
        for key in self._period_keys():
            raw = self.state.get(key, retry=True)
            if raw is not None:
                periods.append(_PERIOD.decode(raw))
        return periods

    def dropped_periods(self) -> int:
        return int(self.state.get(_DROPPED, 0, retry=True))

    def flush(self) -> None:
        """Move the counts in memory into the persisted state."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        counts = self.usage.drain()
        end = self._now()
        if counts:
            self._persist(counts, self._period_start, end)
        self._period_start = end

    def _persist(self, counts: UsageCounts, start: dt.datetime, end: dt.datetime) -> None:
        views = [
            View(screen, item, count) for (screen, item), count in sorted(counts.views.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        ]
        period = Period(id=secrets.token_hex(8), start=start, end=end, views=views, dropped_views=counts.dropped)
        with self.state.transact(retry=True):
            sequence = self.state.incr(_SEQUENCE, retry=True)
            self.state.set(f"{_PERIOD_PREFIX}{sequence:012d}", msgspec.msgpack.encode(period), retry=True)
            keys = self._period_keys()
            excess = keys[: max(0, len(keys) - self.max_periods)]
            for key in excess:
                self.state.delete(key, retry=True)
            if excess:
                self.state.incr(_DROPPED, len(excess), retry=True)
        if excess:
            log_event(log, "usage.dropped", logging.WARNING, periods=len(excess), kept=self.max_periods)

    # ------------------------------------------------------------ report

    def _status(self) -> TerminalStatus:
        try:
            return self.status_provider()
        except Exception:
            log_event(log, "heartbeat.status_failed", logging.ERROR, exc_info=True)
            return TerminalStatus()

    def _disk_free(self) -> int | None:
        try:
            return shutil.disk_usage(self.store_dir).free
        except OSError:
            return None

    def _software(self) -> Software | None:
        try:
            status = read_status(self._layout)
        except OSError:
            log_event(log, "heartbeat.software_state_unreadable", logging.ERROR, exc_info=True)
            return None
        if not status.installed:
            return None
        rollback, last = status.rollback, status.last
        return Software(
            release=status.release,
            trial=status.trial.version if status.trial else None,
            rolled_back=SoftwareRollback(rollback.at, rollback.from_version, rollback.to_version, rollback.reason) if rollback else None,
            last_update=SoftwareUpdate(last.outcome, last.message, last.at, last.version) if last else None,
        )

    def build(self, periods: list[Period], dropped_periods: int) -> Heartbeat:
        now = self._now()
        status = self._status()
        data = None
        if status.data_version is not None:
            generated = status.data_generated_at
            data = DataState(
                version=status.data_version,
                generated_at=generated,
                expires_at=status.data_expires_at,
                age_s=int((now - generated).total_seconds()) if generated else None,
                stale=status.data_expires_at is not None and now >= status.data_expires_at,
            )
        last = status.last_sync
        return Heartbeat(
            format=BODY_FORMAT,
            terminal_id=self.config.terminal.id,
            village=self.config.feed.village,
            software_version=kiosk.__version__,
            sent_at=now,
            uptime_s=int(time.monotonic() - self._started),
            system_uptime_s=_system_uptime(),
            disk_free_bytes=self._disk_free(),
            data=data,
            last_sync=LastSync(last.kind, last.message, last.at, last.version) if last else None,
            usage=Usage(periods, dropped_periods),
            fork=_fork(status.fork),
            software=self._software(),
        )

    def _batch(self) -> tuple[list[str], list[Period]]:
        """The oldest pending periods that fit one request (at least one),
        with their keys in the state."""
        keys: list[str] = []
        periods: list[Period] = []
        size = 0
        for key in self._period_keys()[:MAX_BATCH]:
            raw = self.state.get(key, retry=True)
            if raw is None:
                continue
            period = _PERIOD.decode(raw)
            size += len(msgspec.json.encode(period))
            if periods and size > MAX_BATCH_BYTES:
                break
            keys.append(key)
            periods.append(period)
        return keys, periods

    def _refusal(self) -> str | None:
        if self.url is None:
            return "no platform or heartbeat url configured"
        if not self.config.terminal.token:
            return "no terminal token configured"
        if self.config.feed.refuses(self.url):
            return "refusing to send the token over plain http (set [feed] allow_http)"
        if not self.url.startswith(("https://", "http://")):
            return f"heartbeat url is not http(s): {self.url}"
        return None

    def tick(self) -> HeartbeatResult:
        """Persist the counts so far and try to deliver everything pending.
        Never raises."""
        with self._lock:
            try:
                result = self._tick()
            except Exception as exc:  # a bug here must not stop the worker or the UI
                log_event(log, "heartbeat.tick_failed", logging.ERROR, exc_info=True)
                result = HeartbeatResult(self._now(), False, f"internal error: {type(exc).__name__}: {exc}")
            try:
                self.state.set(LAST_RESULT, msgspec.msgpack.encode(result), retry=True)
            except Exception:
                log_event(log, "heartbeat.result_not_recorded", logging.ERROR, exc_info=True)
            return result

    def _tick(self) -> HeartbeatResult:
        self._flush()
        refusal = self._refusal()
        if refusal:
            return HeartbeatResult(self._now(), False, refusal)
        assert self.url is not None  # _refusal names a missing url
        keys, periods = self._batch()
        dropped = self.dropped_periods()
        body = msgspec.json.encode(self.build(periods, dropped))
        import httpx

        timeout = self._timeout or httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        try:
            with httpx.Client(timeout=timeout, transport=self._transport, trust_env=False, follow_redirects=False) as client:
                response = client.post(
                    self.url,
                    content=body,
                    headers={
                        "Authorization": f"Bearer {self.config.terminal.token}",
                        "Content-Type": "application/json",
                        "User-Agent": f"village-kiosk/{kiosk.__version__}",
                    },
                )
        except httpx.HTTPError as exc:
            message = f"not delivered: {type(exc).__name__} ({exc})"
            log_event(log, "heartbeat.failed", logging.WARNING, reason=message, pending=len(self._period_keys()))
            return HeartbeatResult(self._now(), False, message, len(periods))
        if not 200 <= response.status_code < 300:
            hint = " (token rejected)" if response.status_code in (401, 403) else ""
            message = f"not delivered: HTTP {response.status_code}{hint}"
            log_event(log, "heartbeat.failed", logging.WARNING, reason=message, pending=len(self._period_keys()))
            return HeartbeatResult(self._now(), False, message, len(periods), response.status_code)
        with self.state.transact(retry=True):
            for key in keys:
                self.state.delete(key, retry=True)
            if dropped:
                self.state.incr(_DROPPED, -dropped, retry=True)
        log_event(log, "heartbeat.sent", status=response.status_code, periods=len(periods))
        return HeartbeatResult(self._now(), True, f"delivered (HTTP {response.status_code})", len(periods), response.status_code)


class HeartbeatWorker(threading.Thread):
    """Calls ``reporter.tick()`` every ``interval_s`` (±10 %, so terminals do
    not report in step) until ``stop``; keeps the counts on the way out."""

    def __init__(
        self,
        reporter: HeartbeatReporter,
        interval_s: float,
        stop_event: threading.Event | None = None,
        first_delay_s: float | None = None,
        rng: Callable[[], float] = random.random,
    ):
        super().__init__(name="heartbeat", daemon=True)
        self.reporter = reporter
        self.interval_s = interval_s
        self.stop_event = stop_event or threading.Event()
        # The first report soon after start: the platform learns of a restart.
        self.first_delay_s = min(60.0, interval_s) if first_delay_s is None else first_delay_s
        self._rng = rng

    def run(self) -> None:
        lower_this_thread()
        delay = self.first_delay_s
        while not self.stop_event.wait(delay):
            give_way()
            self.reporter.tick()
            delay = self.interval_s * (0.9 + 0.2 * self._rng())
        try:
            self.reporter.flush()
        except Exception:
            log_event(log, "usage.not_kept", logging.ERROR, exc_info=True)

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        if self.is_alive():
            self.join(timeout)
