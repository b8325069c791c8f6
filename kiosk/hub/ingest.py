"""A heartbeat body, as terminals send it (docs/OPERATIONS.md §8), checked
into what the store keeps.

The body is decoded with the terminal's own wire structs
(``kiosk.ops.heartbeat``), so sender and receiver cannot drift apart; the
constraints on them are checked here. Free text (a sync message, an item
id) is cut to length rather than refused: a terminal whose report is
refused sends the same report again and again.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import msgspec

from kiosk.hub.status import day_of
from kiosk.hub.store import NO_ITEM, Beat, PeriodRecord, Rollback, SyncError, UpdateRun
from kiosk.ops.heartbeat import BODY_FORMAT, Heartbeat

MAX_TEXT = 500
MAX_ITEM = 200
# Usage is counted on the day its period began, by the terminal's clock,
# unless that clock is clearly wrong (a terminal without a clock battery
# can wake up in 1970): then on the day it arrived.
_PLAUSIBLE_PAST = dt.timedelta(days=7)
_PLAUSIBLE_FUTURE = dt.timedelta(hours=1)
FAILED_SYNCS = ("failed", "rejected")

_DECODER = msgspec.json.Decoder(Heartbeat)


class BadBody(ValueError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def decode_heartbeat(body: bytes) -> Heartbeat:
    """The body as a heartbeat; BadBody with 400 (not JSON) or 422 (JSON of
    the wrong shape) otherwise."""
    try:
        heartbeat = _DECODER.decode(body)
    except msgspec.ValidationError as exc:
        raise BadBody(422, f"not a heartbeat: {exc}") from None
    except msgspec.DecodeError as exc:
        raise BadBody(400, f"not JSON: {exc}") from None
    if heartbeat.format != BODY_FORMAT:
        raise BadBody(422, f"body format {heartbeat.format} is not supported (this hub reads format {BODY_FORMAT})")
    return heartbeat


def _seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _day(start: dt.datetime, received: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    when = start if received - _PLAUSIBLE_PAST <= start <= received + _PLAUSIBLE_FUTURE else received
    return day_of(int(when.timestamp()), zone)


def beat_of(heartbeat: Heartbeat, received_at: int) -> Beat:
    data, sync, software = heartbeat.data, heartbeat.last_sync, heartbeat.software
    return Beat(
        received_at=received_at,
        sent_at=_seconds(heartbeat.sent_at),
        software_version=heartbeat.software_version,
        uptime_s=heartbeat.uptime_s,
        system_uptime_s=heartbeat.system_uptime_s,
        disk_free_bytes=heartbeat.disk_free_bytes,
        data_version=data.version if data else None,
        data_generated_at=_seconds(data.generated_at) if data and data.generated_at else None,
        data_expires_at=_seconds(data.expires_at) if data and data.expires_at else None,
        data_stale=bool(data and data.stale),
        sync_outcome=sync.outcome[:64] if sync else None,
        sync_message=sync.message[:MAX_TEXT] if sync else None,
        sync_at=_seconds(sync.at) if sync else None,
        sync_version=sync.version if sync else None,
        dropped_periods=heartbeat.usage.dropped_periods,
        dropped_views=sum(period.dropped_views for period in heartbeat.usage.periods),
        release=software.release if software else None,
        trial=software.trial if software else None,
    )


def rollback_of(heartbeat: Heartbeat) -> Rollback | None:
    """The terminal's latest rollback (absent from older terminals)."""
    done = heartbeat.software.rolled_back if heartbeat.software else None
    if done is None:
        return None
    return Rollback(_seconds(done.at), done.from_version, done.to_version, done.reason[:MAX_TEXT])


def update_of(heartbeat: Heartbeat) -> UpdateRun | None:
    run = heartbeat.software.last_update if heartbeat.software else None
    if run is None:
        return None
    return UpdateRun(run.outcome, run.message[:MAX_TEXT], _seconds(run.at), run.version)


def periods_of(heartbeat: Heartbeat, received_at: int, zone: zoneinfo.ZoneInfo) -> list[PeriodRecord]:
    received = dt.datetime.fromtimestamp(received_at, dt.UTC)
    return [
        PeriodRecord(
            id=period.id,
            start_at=_seconds(period.start),
            end_at=_seconds(period.end),
            day=_day(period.start, received, zone),
            views=tuple((view.screen, (view.item or NO_ITEM)[:MAX_ITEM], view.count) for view in period.views if view.count),
        )
        for period in heartbeat.usage.periods
    ]


def sync_error_of(heartbeat: Heartbeat) -> SyncError | None:
    sync = heartbeat.last_sync
    if sync is None or sync.outcome not in FAILED_SYNCS:
        return None
    return SyncError(at=_seconds(sync.at), outcome=sync.outcome, message=sync.message[:MAX_TEXT])
