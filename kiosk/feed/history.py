"""A terminal's record history: the corrections it has seen, what it shows
of them, and how its store keeps them.

The store keeps the chain it has followed (table ``link``: one row per
version held or passed on the way) and every change log that came with
it (table ``changelog``), in the same transaction that switches to the
version they lead to (``Store.commit``): a terminal killed at any moment
holds the old version with the old history or the new with the new. The
history lives apart from the blobs, so collecting those never touches it.
A change log's version keeps its manifest's bytes and signature, the
evidence ``feed history`` prints (``kiosk.feed.evidence``).

Bounded: the change logs and the manifest bytes kept for them may take
``HISTORY_LIMIT_BYTES``; beyond it the oldest go first. Ten years of the
large synthetic village take far less (docs/FEED-PROTOCOL.md section 16).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import msgspec
from msgspec import Meta

from kiosk import limits
from kiosk.feed import changes
from kiosk.feed.changes import ChangeKind, ChangeLog, Correction, corrections, decode_log
from kiosk.ops.logs import log_event

if TYPE_CHECKING:
    from kiosk.feed.chain import ForkRecord, Step
    from kiosk.feed.storedb import Database

log = logging.getLogger(__name__)

HISTORY_LIMIT_BYTES = 64 * 1024 * 1024
FOLDER_HISTORY_NAME = "history.json"  # an unsigned folder's own history (the demo village)
RECENT_DAYS = 366  # "the last 12 months"
_FORK = "fork"
BEIJING = dt.timezone(dt.timedelta(hours=8))


# ------------------------------------------------------------ what the screens read


@dataclass(frozen=True)
class Entry:
    """One correction as a terminal keeps it."""

    correction: Correction
    version: int
    published_at: dt.datetime | None

    @property
    def withdrawn(self) -> bool:
        return self.correction.change is ChangeKind.WITHDRAWN

    @property
    def published_on(self) -> dt.date:
        """The day (Beijing time) it was published; its note's date when unknown."""
        return self.published_at.astimezone(BEIJING).date() if self.published_at else self.correction.date


class History:
    """The corrections a copy of the data came with, newest first."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self.entries: tuple[Entry, ...] = tuple(sorted(entries, key=lambda e: (e.version, e.correction.date), reverse=True))
        self._by_record: dict[str, list[Entry]] = {}
        for entry in reversed(self.entries):
            self._by_record.setdefault(entry.correction.key, []).append(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def of(self, key: str) -> list[Entry]:
        """A record's corrections, oldest first (``kind:id``)."""
        return self._by_record.get(key, [])

    def recent(self, today: dt.date, days: int = RECENT_DAYS) -> list[Entry]:
        """The corrections published in the last ``days`` days, newest first."""
        since = today - dt.timedelta(days=days)
        return [entry for entry in self.entries if entry.published_on > since]

    def withdrawn(self, kind: str) -> list[Entry]:
        """Records of a kind withdrawn and not published again since, newest first."""
        return [
            entry
            for entry in self.entries
            if entry.withdrawn and entry.correction.kind.key == kind and self._by_record[entry.correction.key][-1] is entry
        ]

    def masked(self, public: frozenset[str]) -> History:
        """The same corrections with every personal number in their reasons
        and in the records they carry masked (``kiosk.privacy``), as the
        snapshot masks its documents; the same object where nothing needed it."""
        entries = [_masked(entry, public) for entry in self.entries]
        return self if all(new is old for new, old in zip(entries, self.entries, strict=True)) else History(entries)

    def upto(self, version: int) -> History:
        return self if all(entry.version <= version for entry in self.entries) else History(e for e in self.entries if e.version <= version)

    @classmethod
    def of_logs(cls, logs: Iterable[tuple[ChangeLog, dt.datetime | None]]) -> History:
        return cls(
            Entry(correction, change_log.version, published) for change_log, published in logs for correction in corrections(change_log)
        )


NO_HISTORY = History()


def _masked(entry: Entry, public: frozenset[str]) -> Entry:
    correction = changes.masked(entry.correction, public)
    return entry if correction is entry.correction else dataclasses.replace(entry, correction=correction)


class _PublishedLog(msgspec.Struct, frozen=True, kw_only=True):
    published_at: Annotated[dt.datetime, Meta(tz=True)]
    log: ChangeLog


class _FolderHistory(msgspec.Struct, frozen=True, kw_only=True):
    versions: list[_PublishedLog]


def read_folder_history(folder: Path) -> History:
    """An unsigned folder's history (``history.json``: the change logs with
    the time each was published), for the demo village; none without one.
    Raises ValueError naming the file when it is not valid."""
    path = folder / FOLDER_HISTORY_NAME
    if not path.is_file():
        return NO_HISTORY
    data = path.read_bytes()
    problem = limits.json_problem(data, len(data))
    try:
        if problem is not None:
            raise ValueError(problem)
        published = msgspec.json.decode(data, type=_FolderHistory).versions
        return History.of_logs((item.log, item.published_at) for item in published)
    except (msgspec.ValidationError, msgspec.DecodeError, ValueError) as exc:
        raise ValueError(f"{FOLDER_HISTORY_NAME}: {exc}") from None


def encode_folder_history(logs: Sequence[tuple[ChangeLog, dt.datetime]]) -> bytes:
    return msgspec.json.encode(_FolderHistory(versions=[_PublishedLog(published_at=at, log=change_log) for change_log, at in logs]))


# ------------------------------------------------------------ how the store keeps it


def record(db: Database, steps: Sequence[Step]) -> None:
    """Keep the versions followed (oldest first) and their change logs;
    inside the caller's transaction."""
    db.executemany(
        "INSERT OR REPLACE INTO link(version, sha256, generated_at, key_id, signature, manifest, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                step.version,
                step.sha256,
                step.manifest.generated_at.isoformat(),
                step.manifest.key_id,
                step.signature,
                step.raw if step.log is not None else None,
                step.manifest.changes.sha256 if step.manifest.changes is not None else None,
            )
            for step in steps
        ],
    )
    db.executemany(
        "INSERT OR REPLACE INTO changelog(version, sha256, data) VALUES (?, ?, ?)",
        [(step.version, step.manifest.changes.sha256, step.log_raw) for step in steps if step.manifest.changes is not None],
    )


# What a change log read once became: its entries, by (version, the log's sha256, published at).
Decoded = dict[tuple[int, str, str | None], tuple[Entry, ...]]


def load(db: Database, village: str, decoded: Decoded | None = None) -> History:
    """Every change log kept, checked again as it is read (a damaged one is
    logged and left out, never a reason to show no data). With ``decoded``
    (what the last load left there), only the logs kept since are read and
    decoded: a terminal keeps years of them, and every new version would
    otherwise decode them all again, on the thread that syncs beside the
    villager's taps. ``decoded`` is left holding what the history holds now."""
    decoded = {} if decoded is None else decoded
    rows = db.execute(
        "SELECT c.version, c.sha256, l.generated_at FROM changelog c LEFT JOIN link l ON l.version = c.version ORDER BY c.version"
    ).fetchall()
    entries: list[Entry] = []
    for version, sha256, published in rows:
        key = (version, sha256, published)
        if key not in decoded:
            decoded[key] = _read_log(db, village, version, published)
        entries += decoded[key]
    for gone in decoded.keys() - {tuple(row) for row in rows}:
        del decoded[gone]
    return History(entries)


def _read_log(db: Database, village: str, version: int, published: str | None) -> tuple[Entry, ...]:
    row = db.one("SELECT data FROM changelog WHERE version = ?", (version,))
    try:
        change_log = decode_log(bytes(row[0]) if row else b"", village, version)
        at = dt.datetime.fromisoformat(published) if published else None
    except ValueError as exc:
        log_event(log, "history.log_unreadable", logging.WARNING, version=version, error=exc)
        return ()
    return tuple(Entry(correction, version, at) for correction in corrections(change_log))


def size(db: Database) -> int:
    """Bytes the history takes (the rows' contents)."""
    logs = db.one("SELECT total(length(data)) FROM changelog")[0]
    links = db.one("SELECT total(length(coalesce(manifest, '')) + length(signature) + 120) FROM link")[0]
    return int(logs + links)


def trim(db: Database, limit: int = HISTORY_LIMIT_BYTES) -> int:
    """Drop the oldest change logs (and the manifests kept for them) while
    the history takes more than ``limit``; the number dropped."""
    dropped = 0
    excess = size(db) - limit
    for version, data_size, manifest_size in db.execute(
        "SELECT c.version, length(c.data), length(coalesce(l.manifest, '')) FROM changelog c LEFT JOIN link l ON l.version = c.version"
        " ORDER BY c.version"
    ).fetchall():
        if excess <= 0:
            break
        db.execute("DELETE FROM changelog WHERE version = ?", (version,))
        db.execute("UPDATE link SET manifest = NULL WHERE version = ?", (version,))
        excess -= data_size + manifest_size
        dropped += 1
    if dropped:
        log_event(log, "history.trimmed", logging.WARNING, limit_bytes=limit, dropped=dropped)
    return dropped


def held_links(db: Database) -> int:
    return db.one("SELECT count(*) FROM link")[0]


# ------------------------------------------------------------ a fork found


def set_fork(db: Database, fork: ForkRecord) -> None:
    db.execute("INSERT OR REPLACE INTO setting(name, value) VALUES (?, ?)", (_FORK, msgspec.msgpack.encode(fork)))


def clear_fork(db: Database) -> None:
    db.execute("DELETE FROM setting WHERE name = ?", (_FORK,))


def read_fork(db: Database) -> ForkRecord | None:
    from kiosk.feed.chain import ForkRecord

    row = db.one("SELECT value FROM setting WHERE name = ?", (_FORK,))
    return msgspec.msgpack.decode(bytes(row[0]), type=ForkRecord) if row else None
