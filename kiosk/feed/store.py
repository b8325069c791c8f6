"""The terminal's offline copy of its village feed.

Blobs (documents and media, by their SHA-256) live in files and in a small
SQLite database of the store's own (``kiosk.feed.storedb``): small blobs
inside the database, larger ones in files of their own in 16 fixed folders
(``blob-0`` … ``blob-f``), or inside a pack downloaded whole (``packs/``).
The database also holds the snapshot pointers ``current`` and ``previous``
(the manifest, its signature, ETag and media index), the clock floor, the
last outcome, and the record history: the chain of versions followed and
their change logs (``kiosk.feed.history``), written in the transaction of
the switch they lead to and never touched by collecting blobs.

Why a reader never sees a mix: blobs are content-addressed and written
before anything points at them; switching snapshots is one transaction
that replaces ``current``; blobs are collected only after the switch.
Why a power cut leaves the old or the new snapshot: the files written are
made durable once after all blobs are written (before the switch) and once
after the switch, before any file is deleted (so only when some are), so
``current`` never names a blob that is not on disk, whichever writes the
cut loses. A file is deleted only after the transaction that dropped its
row has committed and been made durable.

A damaged database is set aside (``Store.open``) and the data fetched again;
a disk too full to write leaves the store readable.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Self

import msgspec

from kiosk.config import Config
from kiosk.feed import history, keys, verify
from kiosk.feed.chain import ForkRecord, Held, Step
from kiosk.feed.clock import TrustedClock, system_now
from kiosk.feed.manifest import FileEntry, Manifest, PackEntry, decode_manifest, sha256_hex, with_media_index
from kiosk.feed.outcome import Failed, OutcomeRecord, Rejected, SyncOutcome, human_size
from kiosk.feed.storedb import DB_NAME, Database, StoreDamaged, set_aside
from kiosk.ops.logs import log_event
from kiosk.snapshot import DataInfo, DocumentReuse, MediaMissing, Snapshot

log = logging.getLogger(__name__)

CURRENT = "current"
PREVIOUS = "previous"
CLOCK_FLOOR = "clock_floor"
LAST_OUTCOME = "last_outcome"
LAST_MODIFIED = "last_modified"  # the committed manifest's Last-Modified: (version, value)
_INCOMING = "incoming"  # packs being downloaded
_PACKS = "packs"
_INLINE_LIMIT = 32 * 1024  # smaller blobs live in the database itself, larger ones in files
_WRITEBACK_EVERY = 8 * 1024 * 1024  # bytes of a pack between nudges to write it to disk
_FSYNC_AT_MOST = 64  # files written since the last flush: more, and one syncfs flushes them
_REPACK_BELOW = 0.5  # a pack whose kept members are less of it than this gives them up as blobs
_ORPHAN_AGE_S = 3600  # a file no row names is garbage once this old


def _libc(name: str, *argtypes: type) -> Callable[..., int] | None:
    """libc's function ``name`` taking C ``argtypes`` (returning a C int), or
    None where this libc has no such function."""
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    return function


_SYNCFS = _libc("syncfs", ctypes.c_int)
_SYNC_FILE_RANGE = _libc("sync_file_range", ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
_SYNC_FILE_RANGE_WRITE = 2


def _start_writeback(fd: int) -> None:
    """Have the kernel start writing what is in the file so far to disk,
    without waiting: the flush before the switch then finds little to do."""
    if _SYNC_FILE_RANGE is not None:
        _SYNC_FILE_RANGE(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)


def _flush_filesystem(directory: Path) -> None:
    """Make everything written on ``directory``'s filesystem durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        if _SYNCFS is None or _SYNCFS(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _fsync(path: str) -> None:
    """fsync a file or folder; one deleted since it was written needs none."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unique_name(folder: str, sha256: str) -> str:
    # Unique per write: two processes storing the same blob never share a file.
    return os.path.join(folder, f"{sha256}.{os.urandom(4).hex()}.val")


class IncomingPack:
    """A pack downloaded straight into the store as one file: no file to
    create per member. ``keep`` registers the members checked whole;
    leaving the ``with`` without it deletes the download."""

    def __init__(self, store: Store, pack: PackEntry):
        self._store = store
        self._pack = pack
        folder = store.directory / _INCOMING
        folder.mkdir(exist_ok=True)
        _sweep_incoming(folder)
        name = f"{pack.sha256}.{os.urandom(4).hex()}"
        starting = folder / f"{name}.new"  # a name the sweep passes by, until locked
        self._file = open(starting, "xb")  # noqa: SIM115 (closed on leaving the with)
        # Held while alive, so that another process's sweep leaves it alone.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        self.path = folder / f"{name}.part"
        os.replace(starting, self.path)
        self._unwritten = 0

    def __enter__(self) -> IncomingPack:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._file.close()  # may fail writing its last bytes (disk full)
        finally:
            self.path.unlink(missing_ok=True)

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._unwritten += len(chunk)
        if self._unwritten >= _WRITEBACK_EVERY:
            self._file.flush()
            _start_writeback(self._file.fileno())
            self._unwritten = 0

    def keep(self, members: list[tuple[FileEntry, int]]) -> None:
        """Register the pack with these members (entry, offset) of it."""
        if members:
            self._file.flush()
            self._store._register_pack(self._pack.sha256, self.path, members)


def _sweep_incoming(folder: Path) -> None:
    """Delete pack downloads a killed sync left behind; one still running
    holds a lock on its file and is left alone (a ``.new`` one is not
    locked for its first instant: those go only once a minute old)."""
    paths = [*folder.glob("*.part"), *(p for p in folder.glob("*.new") if _age(p) > 60)] if folder.is_dir() else []
    for path in paths:
        try:
            with open(path, "rb") as file:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()
        except OSError:
            continue  # in use, or gone already


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


class _Pointer(NamedTuple):
    manifest: bytes  # exactly the signed bytes
    signature: bytes
    etag: str | None = None
    media_index: bytes | None = None  # the bytes the manifest's media_index names, checked


class _Where(NamedTuple):
    """Where a blob's bytes are: inline, a file of its own, or a pack's file."""

    size: int
    data: bytes | None
    file: str | None  # relative to the store, its own or its pack's
    offset: int | None  # in the pack
    pack: str | None


_RECORD = msgspec.msgpack.Decoder(OutcomeRecord)


def is_stale(info: DataInfo, now: dt.datetime) -> bool:
    """Data past its manifest's expiry may no longer be current; unsigned
    data (demo, folders) carries no expiry and is never called stale."""
    return info.expires_at is not None and now >= info.expires_at


class StoreMedia:
    """Media for a snapshot, read from the store and checked on every read."""

    def __init__(self, store: Store):
        self._store = store

    def read(self, sha256: str) -> bytes:
        return self._store.read_blob(sha256)


@dataclass(frozen=True)
class Healing:
    """What opening the store had to do: for the log, the doctor and the
    terminal's own screen."""

    set_aside: Path | None = None  # a damaged database was moved here (or deleted: see reason)
    reason: str = ""

    @property
    def healed(self) -> bool:
        return bool(self.reason)


class Store:
    def __init__(
        self,
        directory: Path,
        limit_bytes: int = 2048 * 1024 * 1024,
        wall: Callable[[], dt.datetime] = system_now,
        monotonic: Callable[[], float] = time.monotonic,
        reader: bool = False,
    ):
        self.directory = Path(directory)
        self.limit_bytes = limit_bytes
        self.directory.mkdir(parents=True, exist_ok=True)
        self._db = Database(self.directory, reader)  # raises StoreDamaged
        self.healing = Healing()
        self._wall, self._monotonic = wall, monotonic
        self.clock = self._load_clock()
        self._snapshots: dict[str, Snapshot] = {}  # by manifest digest
        self._documents = DocumentReuse()  # what the next version's snapshot may share with the last
        self._history: tuple[tuple, history.History] | None = None  # (what it was read from, it)
        self._decoded_logs: history.Decoded = {}  # the change logs read so far (history.load)
        self._history_lock = threading.Lock()  # the sync's thread and the UI's may both read it
        self._lock = threading.Lock()
        self._doomed = threading.local()  # files to delete once the transaction is durable

    @classmethod
    def open(cls, directory: Path, limit_bytes: int = 2048 * 1024 * 1024, **kwargs) -> Store:
        """The store, whatever state it was left in: a damaged database is
        set aside (kept for inspection) and a fresh one made, so the data can
        be fetched again; ``store.healing`` says what happened."""
        try:
            store = cls(directory, limit_bytes, **kwargs)
        except StoreDamaged as exc:
            kept = set_aside(Path(directory), str(exc))
            store = cls(directory, limit_bytes, **kwargs)
            store.healing = Healing(kept, str(exc))
        if not store.read_only and store._pointer(CURRENT) is None:
            _carry_over_first_format(store)
        return store

    @classmethod
    def open_to_read(cls, directory: Path) -> Store:
        """The store for another process that only reads it (the font
        subset's): no healing, no migration, no writes; a damaged database
        raises StoreDamaged and is left for the kiosk to set aside."""
        return cls(directory, reader=True)

    def _load_clock(self) -> TrustedClock:
        floor = self._setting(CLOCK_FLOOR)
        return TrustedClock(dt.datetime.fromisoformat(floor.decode()) if floor else None, self._wall, self._monotonic)

    @classmethod
    def from_config(cls, config: Config) -> Store:
        return cls.open(Path(config.feed.store), config.feed.store_limit_mb * 1024 * 1024)

    @property
    def read_only(self) -> bool:
        """The disk was too full to open the store for writing."""
        return self._db.read_only

    def retry_writing(self) -> bool:
        return self._db.retry_writing()

    def close(self) -> None:
        # The snapshots' media read through this store: dropping them here
        # lets a closed store and the tens of thousands of objects of its
        # snapshots go at once, instead of waiting for a full collection.
        self._snapshots.clear()
        self._db.close()

    def leave_thread(self) -> None:
        """Close the calling thread's own connection: for helper threads
        that end before the store closes."""
        self._db.leave_thread()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; the files whose rows it dropped are deleted
        after it committed and after a flush: after a power cut, the rows
        that named them must not come back without them, nor anything
        written before (a blob copied out of a pack) be lost while they are gone."""
        if self._db.in_transaction:
            with self._db.transaction():
                yield
            return
        doomed: list[str] = []
        self._doomed.files = doomed
        try:
            with self._db.transaction():
                yield
        finally:
            self._doomed.files = None
        if doomed:
            try:
                self._make_durable()
                self._remove_files(doomed)
            except OSError as exc:  # committed: the files wait for the orphan sweep
                log_event(log, "store.files_not_removed", logging.WARNING, error=exc)

    def _drop_file_later(self, name: str | None) -> None:
        if name is not None:
            self._doomed.files.append(name)

    def _remove_files(self, names: Iterable[str]) -> None:
        # The folders are fixed: never removed (another writer may be about to use one).
        for name in names:
            with contextlib.suppress(OSError):
                os.remove(self.directory / name)

    def _make_durable(self) -> None:
        """Make durable the files written since the last flush, the folders
        naming them and the database (SQLite syncs its write-ahead log only
        at checkpoints): an fsync each when they are few. Each such file is
        listed in the database, in the transaction of the row naming it, so
        that files an earlier process wrote (a sync cut short, then resumed
        after a restart) are flushed too. For many files (hundreds of blobs
        fetched one by one) one syncfs of the whole filesystem costs less;
        it also writes out whatever else is waiting there, which is why it
        is not used for a few."""
        names = [row[0] for row in self._db.execute("SELECT file FROM unflushed")]
        if len(names) > _FSYNC_AT_MOST:
            _flush_filesystem(self.directory)
        else:
            paths = [str(self.directory / name) for name in names]
            database = str(self.directory / DB_NAME)
            folders = {os.path.dirname(path) for path in paths} | {str(self.directory)}
            for path in [*paths, database, database + "-wal", *sorted(folders)]:
                _fsync(path)
        if names:
            self._db.executemany("DELETE FROM unflushed WHERE file = ?", [(name,) for name in names])

    # ------------------------------------------------------------ small values

    def _setting(self, name: str) -> bytes | None:
        row = self._db.one("SELECT value FROM setting WHERE name = ?", (name,))
        return bytes(row[0]) if row else None

    def _set(self, name: str, value: bytes) -> None:
        self._db.execute("INSERT OR REPLACE INTO setting(name, value) VALUES (?, ?)", (name, value))

    def _pointer(self, name: str) -> _Pointer | None:
        row = self._db.one("SELECT manifest, signature, etag, media_index FROM pointer WHERE name = ?", (name,))
        return _Pointer(bytes(row[0]), bytes(row[1]), row[2], bytes(row[3]) if row[3] is not None else None) if row else None

    def _set_pointer(self, name: str, pointer: _Pointer) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO pointer(name, manifest, signature, etag, media_index) VALUES (?, ?, ?, ?, ?)", (name, *pointer)
        )

    # ------------------------------------------------------------ reading

    def _manifest(self, name: str) -> Manifest | None:
        pointer = self._pointer(name)
        # Verified before it was committed; decoded again for its fields only.
        return _listed(pointer) if pointer else None

    def held_media_index(self, sha256: str) -> bytes | None:
        """The bytes of a media index the current or previous manifest
        names, or an update that failed fetched: an update whose media did
        not change need not fetch it."""
        for name in (CURRENT, PREVIOUS):
            pointer = self._pointer(name)
            if pointer is not None and pointer.media_index is not None and sha256_hex(pointer.media_index) == sha256:
                return pointer.media_index
        try:
            return self.read_blob(sha256)
        except MediaMissing:
            return None

    def current(self) -> Manifest | None:
        return self._manifest(CURRENT)

    def village(self) -> str | None:
        manifest = self.current()
        return manifest.village if manifest else None

    def signed_current(self) -> tuple[bytes, bytes] | None:
        """The current manifest's exact bytes and its signature."""
        pointer = self._pointer(CURRENT)
        return (pointer.manifest, pointer.signature) if pointer else None

    def validators(self) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified the server sent with the committed
        manifest (for the next poll's conditional request), or None."""
        pointer = self._pointer(CURRENT)
        if pointer is None:
            return None
        raw = self._setting(LAST_MODIFIED)
        version, last_modified = msgspec.msgpack.decode(raw) if raw else (None, None)
        return pointer.etag, last_modified if version == decode_manifest(pointer.manifest).version else None

    def chain_head(self) -> Held | None:
        """The head of the chain held: the current manifest's version, hash,
        and whether it is part of a chain."""
        pointer = self._pointer(CURRENT)
        return Held.of(pointer.manifest, decode_manifest(pointer.manifest)) if pointer else None

    def history(self) -> history.History:
        """Every correction kept, newest first; read again only when another
        change log was kept since (by this process or another)."""
        with self._history_lock:
            stamp = tuple(self._db.one("SELECT max(version), count(*), total(length(data)) FROM changelog"))
            cached = self._history
            if cached is not None and cached[0] == stamp:
                return cached[1]
            village = self.village()
            kept = history.load(self._db, village, self._decoded_logs) if village else history.NO_HISTORY
            self._history = (stamp, kept)
            return kept

    def evidence_rows(self):
        """The chain kept, for ``feed history``: (version, sha256, generated_at,
        key_id, signature, manifest or None, change log or None), oldest first."""
        return self._db.execute(
            "SELECT l.version, l.sha256, l.generated_at, l.key_id, l.signature, l.manifest, c.data"
            " FROM link l LEFT JOIN changelog c ON c.version = l.version ORDER BY l.version"
        ).fetchall()

    def fork(self) -> ForkRecord | None:
        """The fork found last, while no version extending the chain has come since."""
        return history.read_fork(self._db)

    def record_fork(self, fork: ForkRecord) -> None:
        with self._transaction():
            history.set_fork(self._db, fork)

    def history_size(self) -> int:
        return history.size(self._db)

    def has_blob(self, sha256: str) -> bool:
        return self._db.one("SELECT 1 FROM blob WHERE sha256 = ?", (sha256,)) is not None

    def _held_blobs(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT sha256 FROM blob")}

    def missing(self, manifest: Manifest) -> dict[str, int]:
        """Blobs the manifest lists that the store lacks, sha256 -> size.
        A blob whose file is gone or shorter than the blob (a pack cut short
        by a disk error) counts as missing, and its row is dropped so that
        fetching it again stores it: found by the files' sizes, all at once."""
        listed = manifest.blobs()
        where = self._where_all()
        file_sizes: dict[str, int] = {}
        unusable = [sha for sha in listed if sha in where and not self._whole(where[sha], file_sizes)]
        if unusable:
            # Their bytes are gone from the disk: the next sync fetches them again.
            log_event(log, "store.lost_blobs_dropped", logging.WARNING, blobs=len(unusable))
            self._forget(unusable)
            for sha in unusable:
                del where[sha]
        return {sha: size for sha, size in listed.items() if sha not in where}

    def _where_all(self) -> dict[str, _Where]:
        rows = self._db.execute(
            "SELECT b.sha256, b.size, b.data IS NOT NULL, coalesce(b.file, p.file), b.offset, b.pack"
            " FROM blob b LEFT JOIN pack p ON p.id = b.pack"
        )
        return {sha: _Where(size, b"" if inline else None, file, offset, pack) for sha, size, inline, file, offset, pack in rows}

    def _whole(self, where: _Where, file_sizes: dict[str, int]) -> bool:
        """The blob's bytes are all there, as far as the file's size tells
        (``file_sizes``: sizes seen so far, a pack's file is looked at once)."""
        if where.data is not None:
            return True
        if where.file is None:
            return False  # a member of a pack whose row is gone
        if where.file not in file_sizes:
            try:
                file_sizes[where.file] = os.path.getsize(self.directory / where.file)
            except OSError:
                file_sizes[where.file] = -1
        return file_sizes[where.file] >= (where.offset or 0) + where.size

    def _where(self, sha256: str) -> _Where | None:
        row = self._db.one(
            "SELECT b.size, b.data, coalesce(b.file, p.file), b.offset, b.pack FROM blob b LEFT JOIN pack p ON p.id = b.pack"
            " WHERE b.sha256 = ?",
            (sha256,),
        )
        return _Where(row[0], bytes(row[1]) if row[1] is not None else None, row[2], row[3], row[4]) if row else None

    def read_blob(self, sha256: str) -> bytes:
        where = self._where(sha256)
        if where is None:
            raise MediaMissing(sha256)
        try:
            data = where.data if where.data is not None else self._read_file(where)
        except FileNotFoundError:
            self._drop_if_fileless(sha256, where)
            raise MediaMissing(sha256) from None
        if len(data) != where.size or sha256_hex(data) != sha256:
            # Damaged on disk: drop it so the next sync fetches it again.
            log_event(log, "store.damaged_blob_dropped", logging.WARNING, sha256=sha256)
            self._forget([sha256])
            raise MediaMissing(sha256)
        return data

    def _forget(self, shas: list[str]) -> None:
        """Drop blobs found damaged or lost, so that the next sync fetches
        them again. Reading goes on when the store cannot be written now
        (a full disk): the next reading finds them again."""
        try:
            with self._transaction():
                self._db.executemany("DELETE FROM blob WHERE sha256 = ?", [(sha,) for sha in shas])
        except sqlite3.Error as exc:
            log_event(log, "store.damaged_blobs_not_dropped", logging.WARNING, blobs=len(shas), error=exc)

    def _read_file(self, where: _Where) -> bytes:
        if where.file is None:
            raise FileNotFoundError(where.pack)
        with open(self.directory / where.file, "rb") as file:
            if where.offset:
                file.seek(where.offset)
            return file.read(where.size)

    def _drop_if_fileless(self, sha256: str, seen: _Where) -> None:
        """A blob listed but whose file is gone (a disk error) is dropped so
        that the next sync fetches it again. Looked up once more first: a
        pack being thinned moves its members to files of their own in one
        commit, so the row may name another file by now."""
        where = self._where(sha256)
        if where is not None and where.file == seen.file and not (self.directory / (where.file or "")).is_file():
            log_event(log, "store.fileless_blob_dropped", logging.WARNING, sha256=sha256)
            self._forget([sha256])

    def snapshot_of(self, manifest: Manifest, fresh: Mapping[str, bytes] | None = None) -> Snapshot:
        """The validated snapshot for a manifest whose documents are stored
        or in ``fresh`` (checked bytes by sha256, just fetched)."""
        key = sha256_hex(msgspec.msgpack.encode(manifest))
        cached = self._snapshots.get(key)
        if cached is not None:
            return cached
        documents = {}
        for entry in manifest.documents():
            data = fresh.get(entry.sha256) if fresh else None
            try:
                documents[entry.name] = data if data is not None else self.read_blob(entry.sha256)
            except MediaMissing:
                raise Failed(f"{entry.name} is missing from the store") from None
        snapshot = verify.build_snapshot(manifest, documents, StoreMedia(self), self._documents)
        with self._lock:
            # Only the current and previous snapshots are ever asked for again.
            if len(self._snapshots) >= 2:
                self._snapshots.pop(next(iter(self._snapshots)))
            self._snapshots[key] = snapshot
        return snapshot

    def snapshot(self) -> Snapshot | None:
        """The newest usable snapshot: the current one, or the previous one
        if the current one was damaged (it is then repaired by the next
        sync); None for an empty store."""
        for name in (CURRENT, PREVIOUS):
            manifest = self._manifest(name)
            if manifest is None:
                continue
            try:
                snapshot = self.snapshot_of(manifest)
            except (Failed, Rejected) as exc:
                log_event(log, "store.snapshot_unusable", logging.WARNING, snapshot=name, version=manifest.version, error=exc)
                continue
            snapshot.keep_history(self.history().upto(manifest.version))
            return snapshot
        return None

    def now(self) -> dt.datetime:
        return self.clock.now()

    def is_stale(self, info: DataInfo) -> bool:
        return is_stale(info, self.now())

    def last_outcome(self) -> OutcomeRecord | None:
        raw = self._setting(LAST_OUTCOME)
        return _RECORD.decode(raw) if raw is not None else None

    def verify(self, keyring: keys.Keyring) -> Manifest:
        """Check the committed snapshot in full: signature, every blob present
        and matching its hash, documents valid. Every damaged or missing file
        is found (and dropped, so that one sync fetches them all again), not
        only the first. Raises Rejected/Failed."""
        pointer = self._pointer(CURRENT)
        if pointer is None:
            raise Failed("the store holds no snapshot")
        manifest = verify.check_signed(pointer.manifest, pointer.signature, keyring)
        manifest, _ = verify.list_media(manifest, lambda entry: pointer.media_index or b"")
        lost = []
        for entry in {entry.sha256: entry for entry in manifest.files}.values():
            try:
                verify.check_blob(entry, self.read_blob(entry.sha256))
            except MediaMissing:
                lost.append(entry.name)
        if lost:
            shown = ", ".join(lost[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
            raise Failed(f"{len(lost)} files missing or damaged in the store: {shown}")
        self.snapshot_of(manifest)
        return manifest

    # ------------------------------------------------------------ writing

    def put_blob(self, sha256: str, data: bytes) -> None:
        self.put_blobs([(sha256, data)])

    def put_blobs(self, blobs: Iterable[tuple[str, bytes]]) -> None:
        """Several blobs: the files of the larger ones written first, with no
        lock held (other writers and readers go on), then every row in one
        transaction (one commit, not one each). A blob the store holds
        already is never replaced (another process may hold it, durably)."""
        rows: list[tuple[str, int, bytes | None, str | None]] = []
        written: list[str] = []
        try:
            for sha256, data in blobs:
                if len(data) < _INLINE_LIMIT:
                    rows.append((sha256, len(data), data, None))
                    continue
                name = _unique_name(f"blob-{sha256[0]}", sha256)
                path = self.directory / name
                path.parent.mkdir(exist_ok=True)
                with open(path, "xb") as file:
                    written.append(name)
                    file.write(data)
                rows.append((sha256, len(data), None, name))
            with self._transaction():
                held = (
                    {
                        row[0]
                        for row in self._db.execute(
                            f"SELECT sha256 FROM blob WHERE sha256 IN ({','.join('?' * len(rows))})", [row[0] for row in rows]
                        )
                    }
                    if rows
                    else set()
                )
                fresh = [row for row in rows if row[0] not in held]
                self._db.executemany("INSERT OR IGNORE INTO blob(sha256, size, data, file) VALUES (?, ?, ?, ?)", fresh)
                self._db.executemany("INSERT OR IGNORE INTO unflushed(file) VALUES (?)", [(row[3],) for row in fresh if row[3]])
            self._remove_files(row[3] for row in rows if row[0] in held and row[3])
        except BaseException:
            self._remove_files(written)
            raise

    def receive_pack(self, pack: PackEntry) -> IncomingPack:
        """Somewhere to download a pack into, in the store itself."""
        return IncomingPack(self, pack)

    def _register_pack(self, pack: str, path: Path, members: list[tuple[FileEntry, int]]) -> None:
        # An id per download: a pack fetched again (after a cut) never
        # replaces one whose members are already in use.
        download = f"{pack}.{os.urandom(4).hex()}"
        name = os.path.join(_PACKS, f"{download}.val")
        final = self.directory / name
        final.parent.mkdir(exist_ok=True)
        os.replace(path, final)  # still locked: no sweep can take it on the way
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT INTO pack(id, sha256, file, size) VALUES (?, ?, ?, ?)", (download, pack, name, final.stat().st_size)
                )
                self._db.execute("INSERT OR IGNORE INTO unflushed(file) VALUES (?)", (name,))
                self._db.executemany(
                    "INSERT OR IGNORE INTO blob(sha256, size, pack, offset) VALUES (?, ?, ?, ?)",
                    [(entry.sha256, entry.size, download, offset) for entry, offset in members],
                )
        except BaseException:
            self._remove_files([name])
            raise

    def observe_time(self, verified_time: dt.datetime) -> None:
        if self.clock.observe(verified_time):
            self.save_clock()

    def save_clock(self) -> None:
        bound = self.clock.lower_bound()
        if bound is not None:
            self._set(CLOCK_FLOOR, bound.isoformat().encode())

    def record(self, outcome: SyncOutcome) -> None:
        self._set(LAST_OUTCOME, msgspec.msgpack.encode(OutcomeRecord.of(outcome)))

    def remember_validators(self, version: int, etag: str | None, last_modified: str | None) -> None:
        """Keep the ETag and Last-Modified of a manifest equal to the
        committed one, so that the next poll can be a cheap conditional
        request."""
        with self._transaction():
            pointer = self._pointer(CURRENT)
            if pointer is None or decode_manifest(pointer.manifest).version != version:
                return
            if etag and pointer.etag != etag:
                self._set_pointer(CURRENT, pointer._replace(etag=etag))
            if last_modified:
                self._set(LAST_MODIFIED, msgspec.msgpack.encode((version, last_modified)))

    def _volume(self) -> int:
        """Bytes the store takes: its database and the files its rows name."""
        alone = self._db.one("SELECT total(size) FROM blob WHERE file IS NOT NULL")[0]
        packs = self._db.one("SELECT total(size) FROM pack")[0]
        database = sum(os.path.getsize(path) for path in self.directory.glob(DB_NAME + "*") if path.is_file())
        return int(alone + packs) + database

    def make_room(self, manifest: Manifest) -> None:
        """Make sure the new snapshot fits beside the current one."""
        current = self.current()
        keep = _blob_sizes([current, manifest])
        needed = sum(keep.values())
        if needed > self.limit_bytes:
            raise Failed(
                f"store limit too small: v{manifest.version} needs {human_size(needed)} beside the current data, limit {human_size(self.limit_bytes)}"
            )
        incoming = sum(self.missing(manifest).values())
        if manifest.pack is not None and manifest.takes_pack(incoming):
            incoming = manifest.pack.size  # the pack comes whole
        if self._volume() + incoming > self.limit_bytes:
            # Give up the previous snapshot's grace and leftovers of
            # abandoned updates before refusing.
            self._collect(keep_previous=False, also_keep=manifest)

    def commit(
        self,
        raw_manifest: bytes,
        signature: bytes,
        manifest: Manifest,
        validators: tuple[str | None, str | None] = (None, None),
        media_index: bytes | None = None,
        chain: Iterable[Step] = (),
    ) -> bool:
        """Switch to the new snapshot in one transaction, with the versions
        of the chain that led to it and their change logs (oldest first,
        the new one last). False when the store already holds this version
        or a newer one of the same village (another process got there first)."""
        self._make_durable()
        with self._transaction():
            current = self._pointer(CURRENT)
            held = decode_manifest(current.manifest) if current is not None else None
            if held is not None and held.village == manifest.village and held.version >= manifest.version:
                return False
            absent = self.missing(manifest)
            if absent:
                raise Failed(f"{len(absent)} files vanished from the store before the switch")
            if current is not None:
                self._set_pointer(PREVIOUS, current)
            etag, last_modified = validators
            self._set_pointer(CURRENT, _Pointer(raw_manifest, signature, etag, media_index))
            if last_modified:
                self._set(LAST_MODIFIED, msgspec.msgpack.encode((manifest.version, last_modified)))
            if held is not None and held.village != manifest.village:
                # Moved to another village: its history is not this one's.
                self._db.execute("DELETE FROM changelog")
                self._db.execute("DELETE FROM link")
            history.record(self._db, list(chain))
            history.clear_fork(self._db)
            history.trim(self._db)
        return True

    def collect_garbage(self) -> int:
        """Delete blobs neither the current nor the previous snapshot uses,
        and files no row names (left by a killed sync)."""
        # Downloads first: that needs no database write, which a full disk may refuse.
        _sweep_incoming(self.directory / _INCOMING)
        removed = self._collect(keep_previous=True)
        self._sweep_orphans()
        return removed

    def _sweep_orphans(self) -> None:
        """Files of blobs and packs whose rows never committed (a sync killed
        between writing a file and its row). Only old ones: another process
        may be between the two right now."""
        named = {row[0] for row in self._db.execute("SELECT file FROM blob WHERE file IS NOT NULL UNION SELECT file FROM pack")}
        for folder in [*self.directory.glob("blob-?"), self.directory / _PACKS]:
            for path in folder.glob("*.val") if folder.is_dir() else ():
                if str(path.relative_to(self.directory)) not in named and _age(path) > _ORPHAN_AGE_S:
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _collect(self, keep_previous: bool, also_keep: Manifest | None = None) -> int:
        with self._transaction():
            # Decided inside the lock: another process may just have committed.
            keep = _blob_sizes([self.current(), self._manifest(PREVIOUS) if keep_previous else None, also_keep])
            rows = self._db.execute("SELECT sha256, size, file, pack FROM blob").fetchall()
            doomed = [(sha, file) for sha, _size, file, _pack in rows if sha not in keep]
            kept_in: dict[str, dict[str, int]] = {}  # pack -> its kept members' sizes
            for sha, size, _file, pack in rows:
                if pack is not None and sha in keep:
                    kept_in.setdefault(pack, {})[sha] = size
            packs = self._db.execute("SELECT id, file, size FROM pack").fetchall()
            self._db.executemany("DELETE FROM blob WHERE sha256 = ?", [(sha,) for sha, _ in doomed])
            for _, file in doomed:
                self._drop_file_later(file)
            for pack, file, size in packs:
                members = kept_in.get(pack, {})
                if not members or not (self.directory / file).is_file() or sum(members.values()) < _REPACK_BELOW * size:
                    self._thin_pack(pack, file, members)
        return len(doomed)

    def _thin_pack(self, pack: str, file: str, members: Mapping[str, int]) -> None:
        """Drop a pack, its kept members copied out as blobs first: a first
        sync's pack may not weigh much more than what the terminal shows.
        A damaged member is dropped instead, to be fetched again."""
        copies: list[tuple[str, bytes]] = []
        for sha256 in members:
            where = self._where(sha256)
            try:
                data = self._read_file(where) if where is not None else b""
            except OSError:
                data = b""
            if sha256_hex(data) == sha256:
                copies.append((sha256, data))
        self._db.execute("DELETE FROM blob WHERE pack = ?", (pack,))
        self.put_blobs(copies)  # joins this transaction
        self._db.execute("DELETE FROM pack WHERE id = ?", (pack,))
        self._drop_file_later(file)


def _carry_over_first_format(store: Store) -> None:
    from kiosk.feed import store_v1

    try:
        if store_v1.migrate(store):
            store.clock = store._load_clock()
    except Exception as exc:
        log_event(log, "store.not_carried_over", logging.WARNING, error=exc, reason="fetched again")
        set_aside(store.directory, f"first-format store not carried over: {exc}", names=(store_v1.LEGACY_DB,))


def _listed(pointer: _Pointer) -> Manifest:
    manifest = decode_manifest(pointer.manifest)
    return with_media_index(manifest, pointer.media_index) if pointer.media_index is not None else manifest


def _blob_sizes(manifests: Iterable[Manifest | None]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for manifest in manifests:
        if manifest is not None:
            sizes.update(manifest.blobs())
    return sizes


def open_store_snapshot(config: Config) -> Snapshot | None:
    """The configured store's newest usable snapshot; None while the store
    is still empty (nothing synced or imported yet). The store stays open:
    the snapshot reads its media from it."""
    return Store.from_config(config).snapshot()
