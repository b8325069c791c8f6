"""What one sync or import attempt came to, as a value and as one line.

Four kinds, each with its own exit status for technicians and cron:
- ``up_to_date``: the terminal already holds the newest acceptable data;
- ``updated``: a newer verified snapshot was committed;
- ``rejected``: the data offered is not acceptable (forged, tampered,
  older, expired, malformed); the last good snapshot stays;
- ``failed``: the attempt could not finish (network, server, disk); the
  last good snapshot stays and the attempt is retried later.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace

import msgspec

from kiosk.snapshot import Snapshot


class OutcomeKind(enum.Enum):
    UP_TO_DATE = "up_to_date"
    UPDATED = "updated"
    REJECTED = "rejected"
    FAILED = "failed"


# Clear of the main command's own statuses (1 crash, 2 usage, 3 setup, 4 bad data).
EXIT_STATUS = {
    OutcomeKind.UP_TO_DATE: 0,
    OutcomeKind.UPDATED: 10,
    OutcomeKind.REJECTED: 20,
    OutcomeKind.FAILED: 30,
}


class Rejected(Exception):
    """The offered data must not be used. ``str()`` is the reason."""


class Failed(Exception):
    """The attempt could not complete; trying again later may work."""


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class SyncOutcome:
    kind: OutcomeKind
    message: str  # the one line shown to technicians and logged
    version: int | None = None  # the version the store holds afterwards
    previous_version: int | None = None
    files: int = 0  # blobs fetched (or imported) in this attempt
    bytes_fetched: int = 0  # their payload size
    requests: int = 0  # HTTP requests made (0 for an import)
    bytes_received: int = 0  # bytes received from the network, headers included (approximate)
    at: dt.datetime = field(default_factory=_utcnow)
    # The snapshot just committed, already decoded off the UI thread (only for ``updated``).
    snapshot: Snapshot | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return self.message

    @property
    def exit_status(self) -> int:
        return EXIT_STATUS[self.kind]

    @property
    def ok(self) -> bool:
        return self.kind in (OutcomeKind.UP_TO_DATE, OutcomeKind.UPDATED)

    def with_traffic(self, requests: int, bytes_received: int) -> SyncOutcome:
        return replace(self, requests=requests, bytes_received=bytes_received)


def up_to_date(version: int, repaired: int = 0, repaired_bytes: int = 0) -> SyncOutcome:
    note = f" (repaired {repaired} files, {human_size(repaired_bytes)})" if repaired else ""
    return SyncOutcome(
        OutcomeKind.UP_TO_DATE,
        f"up to date v{version}{note}",
        version=version,
        previous_version=version,
        files=repaired,
        bytes_fetched=repaired_bytes,
    )


def updated(previous: int | None, version: int, files: int, size: int, snapshot: Snapshot | None) -> SyncOutcome:
    before = f"v{previous}" if previous is not None else "empty store"
    return SyncOutcome(
        OutcomeKind.UPDATED,
        f"updated {before} → v{version}, {files} files, {human_size(size)}",
        version=version,
        previous_version=previous,
        files=files,
        bytes_fetched=size,
        snapshot=snapshot,
    )


def rejected(reason: str, version: int | None) -> SyncOutcome:
    return SyncOutcome(OutcomeKind.REJECTED, f"rejected: {reason}", version=version, previous_version=version)


def failed(reason: str, version: int | None) -> SyncOutcome:
    return SyncOutcome(OutcomeKind.FAILED, f"failed: {reason}", version=version, previous_version=version)


class OutcomeRecord(msgspec.Struct, frozen=True):
    """The last outcome as the store keeps it across restarts (for the
    status line and the provisioning ``doctor``)."""

    kind: str
    message: str
    at: dt.datetime
    version: int | None = None

    @classmethod
    def of(cls, outcome: SyncOutcome) -> OutcomeRecord:
        return cls(kind=outcome.kind.value, message=outcome.message, at=outcome.at, version=outcome.version)
