"""The update's records, as small JSON files written atomically.

Root's, in ``/var/lib/village-kiosk-update`` (0755, readable by the kiosk
for its heartbeat): ``state.json`` (the newest manifest serial seen, the
releases rolled back here, the last update run, the rollbacks) and
``trial.json`` (the release on trial). The kiosk's own, in its state
directory: ``release-health.json`` (its proof). Root reads the kiosk's
file as untrusted input: bounded, not followed through a link, and a file
it cannot read is no proof.

Every change is a new file renamed over the old, then the folder synced:
a power cut leaves the old record or the new one. Runs that change links
or records hold ``update.lock`` (flock), so the guard, the updater and the
postinst never interleave.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import msgspec

from kiosk.release.layout import Layout

MAX_RECORD_BYTES = 64 * 1024
KEPT_ROLLBACKS = 10
DOWNLOADS = "downloads"

T = TypeVar("T")


class Event(msgspec.Struct, frozen=True):
    """One update run, or what the guard did."""

    at: dt.datetime
    outcome: str  # kiosk.release.update.Outcome values
    message: str
    version: str | None = None


class Rollback(msgspec.Struct, frozen=True):
    at: dt.datetime
    from_version: str
    to_version: str
    reason: str


class UpdateState(msgspec.Struct, frozen=True):
    serial: int = 0  # the newest release manifest serial accepted: older ones are replays
    bad: list[str] = []  # releases rolled back here: never taken again by themselves
    last: Event | None = None
    rollbacks: list[Rollback] = []  # oldest first, the last KEPT_ROLLBACKS


class Trial(msgspec.Struct, frozen=True):
    version: str
    previous: str
    started_at: dt.datetime
    health_s: int
    trial_s: int
    max_crashes: int
    starts: int = 0


class Health(msgspec.Struct, frozen=True):
    version: str
    healthy_at: dt.datetime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def state_path(layout: Layout) -> Path:
    return layout.state / "state.json"


def trial_path(layout: Layout) -> Path:
    return layout.state / "trial.json"


def read(path: Path, kind: type[T]) -> T | None:
    """The record, or None when there is none or it cannot be read (a
    damaged record is as good as none: nothing depends on it alone)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as file:
            raw = file.read(MAX_RECORD_BYTES + 1)
        if len(raw) > MAX_RECORD_BYTES:
            return None
        return msgspec.json.decode(raw, type=kind)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None


def write(path: Path, record: msgspec.Struct, mode: int = 0o644) -> None:
    temporary = path.with_name(f".{path.name}.new")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(msgspec.json.encode(record))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    sync_folder(path.parent)


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_state(layout: Layout) -> UpdateState:
    return read(state_path(layout), UpdateState) or UpdateState()


def save_state(layout: Layout, state: UpdateState) -> None:
    write(state_path(layout), state)


def record(layout: Layout, event: Event) -> None:
    save_state(layout, msgspec.structs.replace(load_state(layout), last=event))


def ensure_folders(layout: Layout) -> None:
    layout.state.mkdir(mode=0o755, parents=True, exist_ok=True)
    downloads = layout.state / DOWNLOADS
    downloads.mkdir(mode=0o700, exist_ok=True)
    layout.releases.mkdir(mode=0o755, parents=True, exist_ok=True)


@contextlib.contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """The one run that changes links and records (blocking: runs are short,
    but for downloads, which happen outside the lock)."""
    ensure_folders(layout)
    fd = os.open(layout.state / "update.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
