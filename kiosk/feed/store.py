"""The terminal's offline copy of its village feed, in a diskcache store.

Layout (all in one diskcache directory, safe across threads and processes):
- ``blob/<sha256>``: the bytes of a document or media file;
- ``pack/<sha256>``: a pack downloaded whole, one file; ``in-pack/<sha256>``:
  where in a pack a blob is (read in place, like a blob of its own);
- ``current``: the committed manifest, its signature, ETag and media index;
- ``previous``: the one before, whose blobs are kept until the next update
  so a snapshot still on screen can read its media;
- ``clock_floor``: the lower bound for "now" (see ``kiosk.feed.clock``);
- ``last_outcome``: the last sync or import outcome.

Why a reader never sees a mix: blobs are content-addressed and written
before anything points at them; switching snapshots is one transaction
that replaces ``current``; blobs are collected only after the switch.
Why a power cut leaves the old or the new snapshot: the files written
are made durable once after all blobs are written (before the switch) and
once after the switch, before any blob is deleted (so only when some are),
so ``current`` never names a blob that is not on disk, whichever writes
the cut loses.
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
from pathlib import Path
from typing import NamedTuple, Self

import diskcache
import msgspec

from kiosk.config import Config
from kiosk.feed import keys, verify
from kiosk.feed.clock import TrustedClock, system_now
from kiosk.feed.manifest import FileEntry, Manifest, PackEntry, decode_manifest, sha256_hex, with_media_index
from kiosk.feed.outcome import Failed, OutcomeRecord, Rejected, SyncOutcome, human_size
from kiosk.snapshot import DataInfo, MediaMissing, Snapshot

log = logging.getLogger("kiosk.feed")

CURRENT = "current"
PREVIOUS = "previous"
CLOCK_FLOOR = "clock_floor"
LAST_OUTCOME = "last_outcome"
_BLOB = "blob/"
_PACK = "pack/"  # a pack downloaded whole: one file
_IN_PACK = "in-pack/"  # where a blob stored in a pack is
_UNFLUSHED = "unflushed/"  # a file written whose bytes may not be on the disk yet (by name)
_INCOMING = "incoming"  # packs being downloaded
_INLINE_LIMIT = 32 * 1024  # smaller blobs live in SQLite itself, larger ones in files (diskcache's default)
_WRITEBACK_EVERY = 8 * 1024 * 1024  # bytes of a pack between nudges to write it to disk
_FSYNC_AT_MOST = 64  # files written since the last flush: more, and one syncfs flushes them
_REPACK_BELOW = 0.5  # a pack whose kept members are less of it than this gives them up as blobs
_ORPHAN_AGE_S = 3600  # a file no row names is garbage once this old


def _libc(name: str) -> Callable[..., int] | None:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


_SYNCFS = _libc("syncfs")
_SYNC_FILE_RANGE = _libc("sync_file_range")
if _SYNC_FILE_RANGE is not None:
    _SYNC_FILE_RANGE.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
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


class _Placed(NamedTuple):
    """A blob's file, written before its row: what ``_BlobDisk.store`` records."""

    filename: str  # relative to the store's directory
    size: int


class _BlobDisk(diskcache.Disk):
    """diskcache's files, with blobs in 16 fixed folders (by the first digit
    of their hash) and packs in one, instead of a new random two-level path
    each (creating those folders took a third of a first sync's time); the
    files are written before their rows, outside the store's write lock
    (``place``, ``Store.receive_pack``).

    Two rules keep a cut power or a killed process from losing data:
    everything but blobs and packs (the snapshot pointers above all) stays
    inside SQLite, whose transactions are atomic, whatever its size; and
    within ``Store._transaction`` a file is deleted only once the rows that
    named it are gone for good (diskcache itself deletes the file of a
    value replaced or deleted inside a transaction at once, before COMMIT).
    """

    def __init__(self, directory, **settings):
        super().__init__(directory, **settings)
        self._local = threading.local()

    def filename(self, key=diskcache.core.UNKNOWN, value=diskcache.core.UNKNOWN):
        for prefix, folder in ((_BLOB, "blob-"), (_PACK, "packs")):
            if isinstance(key, str) and key.startswith(prefix):
                name = key[len(prefix) :]
                # Unique per write: diskcache deletes a replaced value's file after the new one is in.
                name = os.path.join(folder + (name[0] if prefix == _BLOB else ""), f"{name}.{os.urandom(4).hex()}.val")
                return name, os.path.join(self._directory, name)
        return super().filename(key, value)

    def place(self, sha256: str, data: bytes) -> _Placed:
        name, path = self.filename(_BLOB + sha256)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "xb") as file:
            file.write(data)
        return _Placed(name, len(data))

    def store(self, value, read, key=diskcache.core.UNKNOWN):
        if isinstance(value, _Placed):
            return value.size, diskcache.core.MODE_BINARY, value.filename, None
        if isinstance(value, bytes) and not (isinstance(key, str) and key.startswith((_BLOB, _PACK))):
            return 0, diskcache.core.MODE_RAW, None, sqlite3.Binary(value)
        return super().store(value, read, key=key)

    def remove(self, file_path) -> None:
        pending = getattr(self._local, "pending", None)
        if pending is not None:
            pending.append(file_path)
            return
        # The folders are fixed: never removed (diskcache removes emptied
        # ones, which another writer may be about to use).
        with contextlib.suppress(OSError):
            os.remove(os.path.join(self._directory, file_path))

    def holding_removals(self) -> bool:
        return getattr(self._local, "pending", None) is not None

    @contextlib.contextmanager
    def removals_held(self) -> Iterator[list[str]]:
        """Files removed within the ``with`` are only listed; the caller
        removes them once its transaction has committed (and not at all if
        it rolled back: the rows naming them are back)."""
        self._local.pending = pending = []
        try:
            yield pending
        finally:
            self._local.pending = None

    def remove_now(self, file_paths: Iterable[str]) -> None:
        for path in file_paths:
            self.remove(path)


class _InPack(msgspec.Struct, array_like=True, frozen=True):
    pack: str  # the pack's sha256
    offset: int
    size: int


_IN_PACK_DECODER = msgspec.msgpack.Decoder(_InPack)


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


class _Pointer(msgspec.Struct, frozen=True):
    manifest: bytes  # exactly the signed bytes
    signature: bytes
    etag: str | None = None
    media_index: bytes | None = None  # the bytes the manifest's media_index names, checked


_POINTER = msgspec.msgpack.Decoder(_Pointer)
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


class Store:
    def __init__(
        self,
        directory: Path,
        limit_bytes: int = 2048 * 1024 * 1024,
        wall: Callable[[], dt.datetime] = system_now,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.directory = Path(directory)
        self.limit_bytes = limit_bytes
        # Eviction is ours to decide (a blob of the current snapshot must
        # never be evicted), so diskcache's own policy is off.
        self._cache = diskcache.Cache(str(self.directory), eviction_policy="none", size_limit=2**62, timeout=30, disk=_BlobDisk)
        floor = self._cache.get(CLOCK_FLOOR)
        self.clock = TrustedClock(dt.datetime.fromisoformat(floor) if floor else None, wall, monotonic)
        self._snapshots: dict[str, Snapshot] = {}  # by manifest digest
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> Store:
        return cls(Path(config.feed.store), config.feed.store_limit_mb * 1024 * 1024)

    def close(self) -> None:
        # The snapshots' media read through this store: dropping them here
        # lets a closed store and the tens of thousands of objects of its
        # snapshots go at once, instead of waiting for a full collection
        # (45 ms of a later sync, in the benchmark).
        self._snapshots.clear()
        self._cache.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One SQLite transaction; the files of values it replaced or
        deleted are removed after it committed, and after a flush: after a
        power cut, the rows that named them must not come back without them,
        nor anything written before (a blob copied out of a pack) be lost
        while they are gone."""
        disk: _BlobDisk = self._cache.disk
        if disk.holding_removals():  # inside another: it removes them
            with self._cache.transact(retry=True):
                yield
            return
        with disk.removals_held() as doomed:
            with self._cache.transact(retry=True):
                yield
        if doomed:
            try:
                self._make_durable()
                disk.remove_now(doomed)
            except OSError as exc:  # committed: the files wait for the next sweep
                log.warning("store: cannot remove old files now: %s", exc)

    def _make_durable(self) -> None:
        """Make durable the files written since the last flush, the folders
        naming them and the database (SQLite syncs its write-ahead log only
        at checkpoints): an fsync each when they are few. Each such file is
        listed in the database, in the transaction of the row naming it, so
        that files an earlier process wrote (a sync cut short, then resumed
        after a restart) are flushed too. For many files (hundreds of blobs
        fetched one by one) one syncfs of the whole filesystem costs less;
        it also writes out whatever else is waiting there (another program's
        downloads: 40 ms of a first sync in the benchmark), which is why it
        is not used for a few."""
        names = [key[len(_UNFLUSHED) :] for key in self._rows_under(_UNFLUSHED)]
        if len(names) > _FSYNC_AT_MOST:
            _flush_filesystem(self.directory)
        else:
            paths = [str(self.directory / name) for name in names]
            database = str(self.directory / diskcache.core.DBNAME)
            folders = {os.path.dirname(path) for path in paths} | {str(self.directory)}
            for path in [*paths, database, database + "-wal", *sorted(folders)]:
                _fsync(path)
        if names:
            with self._cache.transact(retry=True):  # rows without files: nothing to hold back
                for name in names:
                    self._cache.delete(_UNFLUSHED + name, retry=True)

    def _rows_under(self, prefix: str) -> dict[str, bytes]:
        """Key -> value of the small values (kept in SQLite) whose keys
        start with ``prefix``, in one query."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return dict(self._cache._sql("SELECT key, value FROM Cache WHERE raw = 1 AND key >= ? AND key < ?", (prefix, upper)))

    def leave_thread(self) -> None:
        """Close the calling thread's own connection (diskcache keeps one
        per thread): for helper threads that end before the store closes,
        whose connections would otherwise linger until garbage collection
        and keep SQLite's write-ahead log open."""
        self._cache.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ reading

    def _pointer(self, key: str) -> _Pointer | None:
        raw = self._cache.get(key, retry=True)
        return _POINTER.decode(raw) if raw is not None else None

    def _manifest(self, key: str) -> Manifest | None:
        pointer = self._pointer(key)
        # Verified before it was committed; decoded again for its fields only.
        return _listed(pointer) if pointer else None

    def held_media_index(self, sha256: str) -> bytes | None:
        """The bytes of a media index the current or previous manifest
        names, or an update that failed fetched: an update whose media did
        not change need not fetch it."""
        for key in (CURRENT, PREVIOUS):
            pointer = self._pointer(key)
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

    def etag(self) -> str | None:
        pointer = self._pointer(CURRENT)
        return pointer.etag if pointer else None

    def has_blob(self, sha256: str) -> bool:
        return _BLOB + sha256 in self._cache or _IN_PACK + sha256 in self._cache

    def missing(self, manifest: Manifest) -> dict[str, int]:
        """Blobs the manifest lists that the store lacks, sha256 -> size."""
        held = self._held_blobs()  # one pass over the keys, not a query per blob
        return {sha: size for sha, size in manifest.blobs().items() if sha not in held}

    def _held_blobs(self) -> set[str]:
        return {key.partition("/")[2] for key in self._cache.iterkeys() if isinstance(key, str) and key.startswith((_BLOB, _IN_PACK))}

    def read_blob(self, sha256: str) -> bytes:
        data = self._cache.get(_BLOB + sha256, retry=True)
        if data is None:
            data = self._read_in_pack(sha256)
        if data is None:
            self._drop_if_fileless(sha256)
            raise MediaMissing(sha256)
        if sha256_hex(data) != sha256:
            # Damaged on disk: drop it so the next sync fetches it again.
            log.warning("store: blob %s is damaged; dropped", sha256)
            self._cache.delete(_BLOB + sha256, retry=True)
            self._cache.delete(_IN_PACK + sha256, retry=True)
            raise MediaMissing(sha256)
        return data

    def _drop_if_fileless(self, sha256: str) -> None:
        """A blob listed but whose file is gone (a disk error) is dropped so
        that the next sync fetches it again. Decided under the write lock,
        from the rows' own file names: a pack being thinned moves its
        members to files of their own in one commit, and a file that cannot
        be opened just now (too many open files) is not a lost one."""
        with self._transaction():
            alone = self._file_row(_BLOB + sha256)
            where = self._where_in_pack(sha256)
            in_pack = self._file_row(_PACK + where.pack) if where is not None else None
            lost = [_BLOB + sha256] if alone is not None and not self._present(alone) else []
            lost += [_IN_PACK + sha256] if where is not None and not self._present(in_pack) else []
            for key in lost:
                log.warning("store: blob %s has no file; dropped", sha256)
                self._cache.delete(key, retry=True)

    def _file_row(self, key: str) -> tuple[str, int] | None:
        """(file name relative to the store, size) of a value kept in a
        file; None for no such row or a value inside SQLite. Read from
        diskcache's table itself: opening the file could fail for reasons
        that do not mean it is lost."""
        row = self._cache._sql("SELECT filename, size FROM Cache WHERE key = ? AND raw = 1", (key,)).fetchone()
        return (row[0], row[1]) if row is not None and row[0] is not None else None

    def _present(self, row: tuple[str, int] | None) -> bool:
        """A file row (``_file_row``) whose file is there."""
        return row is not None and (self.directory / row[0]).exists()

    def _where_in_pack(self, sha256: str) -> _InPack | None:
        raw = self._cache.get(_IN_PACK + sha256, retry=True)
        return _IN_PACK_DECODER.decode(raw) if raw is not None else None

    def _read_in_pack(self, sha256: str) -> bytes | None:
        where = self._where_in_pack(sha256)
        if where is None:
            return None
        file = self._cache.get(_PACK + where.pack, read=True, retry=True)
        if file is None:
            return None
        with file:
            file.seek(where.offset)
            return file.read(where.size)

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
        snapshot = verify.build_snapshot(manifest, documents, StoreMedia(self))
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
        for key in (CURRENT, PREVIOUS):
            manifest = self._manifest(key)
            if manifest is None:
                continue
            try:
                return self.snapshot_of(manifest)
            except (Failed, Rejected) as exc:
                log.warning("store: %s snapshot v%s unusable: %s", key, manifest.version, exc)
        return None

    def now(self) -> dt.datetime:
        return self.clock.now()

    def is_stale(self, info: DataInfo) -> bool:
        return is_stale(info, self.now())

    def last_outcome(self) -> OutcomeRecord | None:
        raw = self._cache.get(LAST_OUTCOME, retry=True)
        return _RECORD.decode(raw) if raw is not None else None

    def verify(self, keyring: keys.Keyring) -> Manifest:
        """Check the committed snapshot in full: signature, every blob present
        and matching its hash, documents valid. Raises Rejected/Failed."""
        pointer = self._pointer(CURRENT)
        if pointer is None:
            raise Failed("the store holds no snapshot")
        manifest = verify.check_signed(pointer.manifest, pointer.signature, keyring)
        manifest, _ = verify.list_media(manifest, lambda entry: pointer.media_index or b"")
        for entry in manifest.files:
            try:
                verify.check_blob(entry, self.read_blob(entry.sha256))
            except MediaMissing:
                raise Failed(f"{entry.name} is missing from the store") from None
        self.snapshot_of(manifest)
        return manifest

    # ------------------------------------------------------------ writing

    def put_blob(self, sha256: str, data: bytes) -> None:
        self.put_blobs([(sha256, data)])

    def put_blobs(self, blobs: Iterable[tuple[str, bytes]]) -> None:
        """Several blobs: the files of the larger ones written first, with no
        lock held (other writers and readers go on), then every row in one
        transaction (one SQLite commit, not one each)."""
        disk: _BlobDisk = self._cache.disk
        values: list[tuple[str, bytes | _Placed]] = []
        try:
            for sha256, data in blobs:
                values.append((sha256, disk.place(sha256, data) if len(data) >= _INLINE_LIMIT else data))
            with self._transaction():
                for sha256, value in values:
                    # Never replace: another process may hold the same blob, durably.
                    added = self._cache.add(_BLOB + sha256, value, retry=True)
                    if isinstance(value, _Placed):
                        if added:
                            self._cache.set(_UNFLUSHED + value.filename, b"", retry=True)
                        else:
                            disk.remove(value.filename)
        except BaseException:
            for _, value in values:
                if isinstance(value, _Placed):
                    disk.remove(value.filename)
            raise

    def receive_pack(self, pack: PackEntry) -> IncomingPack:
        """Somewhere to download a pack into, in the store itself."""
        return IncomingPack(self, pack)

    def _register_pack(self, pack: str, path: Path, members: list[tuple[FileEntry, int]]) -> None:
        # A key per download: a pack fetched again (after a cut) never
        # replaces one whose members are already in use.
        download = f"{pack}.{os.urandom(4).hex()}"
        disk: _BlobDisk = self._cache.disk
        name, final = disk.filename(_PACK + download)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(path, final)  # still locked: no sweep can take it on the way
        try:
            with self._transaction():
                self._cache.set(_PACK + download, _Placed(name, os.path.getsize(final)), retry=True)
                self._cache.set(_UNFLUSHED + name, b"", retry=True)
                held = self._held_blobs()
                now = time.time()
                # One statement for the hundreds of member rows (a set each
                # was 9 ms of a first sync): rows as diskcache's own set
                # writes a small bytes value (raw key, MODE_RAW, no file);
                # its triggers keep the count.
                self._cache._con.executemany(
                    "INSERT OR IGNORE INTO Cache(key, raw, store_time, expire_time, access_time, access_count, tag, size, mode, filename, value)"
                    " VALUES (?, 1, ?, NULL, ?, 0, NULL, 0, ?, NULL, ?)",
                    [
                        (_IN_PACK + entry.sha256, now, now, diskcache.core.MODE_RAW, msgspec.msgpack.encode(_InPack(download, offset, entry.size)))
                        for entry, offset in members
                        if entry.sha256 not in held
                    ],
                )
        except BaseException:
            disk.remove(name)
            raise

    def observe_time(self, verified_time: dt.datetime) -> None:
        if self.clock.observe(verified_time):
            self.save_clock()

    def save_clock(self) -> None:
        bound = self.clock.lower_bound()
        if bound is not None:
            self._cache.set(CLOCK_FLOOR, bound.isoformat(), retry=True)

    def record(self, outcome: SyncOutcome) -> None:
        self._cache.set(LAST_OUTCOME, msgspec.msgpack.encode(OutcomeRecord.of(outcome)), retry=True)

    def remember_etag(self, version: int, etag: str | None) -> None:
        """Keep the ETag of a manifest equal to the committed one, so the
        next poll can be a cheap conditional request."""
        with self._transaction():
            pointer = self._pointer(CURRENT)
            if pointer and etag and pointer.etag != etag and decode_manifest(pointer.manifest).version == version:
                self._cache.set(CURRENT, msgspec.msgpack.encode(msgspec.structs.replace(pointer, etag=etag)), retry=True)

    def make_room(self, manifest: Manifest) -> None:
        """Make sure the new snapshot fits beside the current one."""
        current = self.current()
        keep = _blob_sizes([current, manifest])
        needed = sum(keep.values())
        if needed > self.limit_bytes:
            raise Failed(f"store limit too small: v{manifest.version} needs {human_size(needed)} beside the current data, limit {human_size(self.limit_bytes)}")
        incoming = sum(self.missing(manifest).values())
        if manifest.takes_pack(incoming):
            incoming = manifest.pack.size  # the pack comes whole
        if self._cache.volume() + incoming > self.limit_bytes:
            # Give up the previous snapshot's grace and leftovers of
            # abandoned updates before refusing.
            self._collect(keep_previous=False, also_keep=manifest)

    def commit(self, raw_manifest: bytes, signature: bytes, manifest: Manifest, etag: str | None, media_index: bytes | None = None) -> bool:
        """Switch to the new snapshot in one transaction. False when the
        store already holds this version or a newer one of the same village
        (another process got there first)."""
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
                self._cache.set(PREVIOUS, msgspec.msgpack.encode(current), retry=True)
            self._cache.set(CURRENT, msgspec.msgpack.encode(_Pointer(raw_manifest, signature, etag, media_index)), retry=True)
        return True

    def collect_garbage(self) -> int:
        """Delete blobs neither the current nor the previous snapshot uses,
        and files no row names (left by a killed sync)."""
        # Downloads first: that needs no SQLite, which a full disk may refuse.
        _sweep_incoming(self.directory / _INCOMING)
        removed = self._collect(keep_previous=True)
        self._sweep_orphans()
        return removed

    def _sweep_orphans(self) -> None:
        """Files of blobs and packs whose rows never committed (a sync killed
        between writing a file and its row). Only old ones: another process
        may be between the two right now."""
        # The names from diskcache's table itself: a file that cannot be
        # opened just now is not unnamed.
        named = {row[0] for row in self._cache._sql("SELECT filename FROM Cache WHERE filename IS NOT NULL")}
        for folder in [*self.directory.glob("blob-?"), self.directory / "packs"]:
            for path in folder.glob("*.val") if folder.is_dir() else ():
                if str(path.relative_to(self.directory)) not in named and _age(path) > _ORPHAN_AGE_S:
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _collect(self, keep_previous: bool, also_keep: Manifest | None = None) -> int:
        with self._transaction():
            # Decided inside the lock: another process may just have committed.
            keep = _blob_sizes([self.current(), self._manifest(PREVIOUS) if keep_previous else None, also_keep])
            doomed: list[str] = []
            packs: dict[str, dict[str, _InPack]] = {}  # pack -> its kept members
            # Where each member is, in one query (a get each was 5 ms of a first sync).
            in_pack = self._rows_under(_IN_PACK)
            for key in list(self._cache.iterkeys()):
                if not isinstance(key, str):
                    continue
                if key.startswith((_BLOB, _IN_PACK)) and key.partition("/")[2] not in keep:
                    doomed.append(key)
                elif key in in_pack:
                    where = _IN_PACK_DECODER.decode(in_pack[key])
                    packs.setdefault(where.pack, {})[key.partition("/")[2]] = where
                elif key.startswith(_PACK):
                    packs.setdefault(key[len(_PACK) :], {})
            thin = {pack: members for pack, members in packs.items() if self._underused(pack, members)}
            # The files go after this transaction, and after a flush that also
            # makes the switch that made them garbage durable (section 9).
            for key in doomed:
                self._cache.delete(key, retry=True)
            for pack, members in thin.items():
                self._thin_pack(pack, members)
        return len(doomed)

    def _underused(self, pack: str, members: dict[str, _InPack]) -> bool:
        """None of the pack's members is kept, or less than half of it is
        (or its file is gone)."""
        row = self._file_row(_PACK + pack)
        if not self._present(row):
            return True
        return not members or sum(where.size for where in members.values()) < _REPACK_BELOW * row[1]

    def _thin_pack(self, pack: str, members: dict[str, _InPack]) -> None:
        """Drop a pack, its kept members copied out as blobs first: a first
        sync's pack may not weigh much more than what the terminal shows."""
        for sha256 in members:
            data = self._read_in_pack(sha256)
            if data is not None and sha256_hex(data) == sha256:  # a damaged one is fetched again instead
                self.put_blob(sha256, data)
            self._cache.delete(_IN_PACK + sha256, retry=True)
        self._cache.delete(_PACK + pack, retry=True)


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
