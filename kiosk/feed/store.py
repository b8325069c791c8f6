"""The terminal's offline copy of its village feed, in a diskcache store.

Layout (all in one diskcache directory, safe across threads and processes):
- ``blob/<sha256>``: the bytes of a document or media file;
- ``current``: the committed manifest and its signature (and ETag);
- ``previous``: the one before, whose blobs are kept until the next update
  so a snapshot still on screen can read its media;
- ``clock_floor``: the lower bound for "now" (see ``kiosk.feed.clock``);
- ``last_outcome``: the last sync or import outcome.

Why a reader never sees a mix: blobs are content-addressed and written
before anything points at them; switching snapshots is one transaction
that replaces ``current``; blobs are collected only after the switch.
Why a power cut leaves the old or the new snapshot: the filesystem is
flushed once after all blobs are written (before the switch) and once
after the switch (before any blob is deleted), so ``current`` never
names a blob that is not on disk, whichever writes the cut loses.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, Self

import diskcache
import msgspec

from kiosk.config import Config
from kiosk.feed import keys, verify
from kiosk.feed.clock import TrustedClock, system_now
from kiosk.feed.manifest import Manifest, decode_manifest, sha256_hex
from kiosk.feed.outcome import Failed, OutcomeRecord, Rejected, SyncOutcome, human_size
from kiosk.snapshot import DataInfo, MediaMissing, Snapshot

log = logging.getLogger("kiosk.feed")

CURRENT = "current"
PREVIOUS = "previous"
CLOCK_FLOOR = "clock_floor"
LAST_OUTCOME = "last_outcome"
_BLOB = "blob/"
_INLINE_LIMIT = 32 * 1024  # smaller blobs live in SQLite itself, larger ones in files (diskcache's default)


def _libc_syncfs() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


_SYNCFS = _libc_syncfs()


def _flush_to_disk(directory: Path) -> None:
    """Make everything written so far under ``directory`` durable: one
    syncfs for the whole update instead of an fsync per blob."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        if _SYNCFS is None or _SYNCFS(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


class _Placed(NamedTuple):
    """A blob's file, written before its row: what ``_BlobDisk.store`` records."""

    filename: str  # relative to the store's directory
    size: int


class _BlobDisk(diskcache.Disk):
    """diskcache's files, with blobs in 16 fixed folders (by the first digit
    of their hash) instead of a new random two-level path each (creating
    those folders took a third of a first sync's time), and written by
    ``place`` before their rows, outside the store's write lock."""

    def filename(self, key=diskcache.core.UNKNOWN, value=diskcache.core.UNKNOWN):
        if isinstance(key, str) and key.startswith(_BLOB):
            sha256 = key[len(_BLOB) :]
            # Unique per write: diskcache deletes a replaced value's file after the new one is in.
            name = os.path.join(f"blob-{sha256[0]}", f"{sha256}.{os.urandom(4).hex()}.val")
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
        return super().store(value, read, key=key)


class _Pointer(msgspec.Struct, frozen=True):
    manifest: bytes  # exactly the signed bytes
    signature: bytes
    etag: str | None = None


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
        self._cache.close()

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
        return decode_manifest(pointer.manifest) if pointer else None

    def current(self) -> Manifest | None:
        return self._manifest(CURRENT)

    def village(self) -> str | None:
        manifest = self.current()
        return manifest.village if manifest else None

    def etag(self) -> str | None:
        pointer = self._pointer(CURRENT)
        return pointer.etag if pointer else None

    def has_blob(self, sha256: str) -> bool:
        return _BLOB + sha256 in self._cache

    def missing(self, manifest: Manifest) -> dict[str, int]:
        """Blobs the manifest lists that the store lacks, sha256 -> size."""
        held = self._held_blobs()  # one pass over the keys, not a query per blob
        return {sha: size for sha, size in manifest.blobs().items() if sha not in held}

    def _held_blobs(self) -> set[str]:
        return {key[len(_BLOB) :] for key in self._cache.iterkeys() if isinstance(key, str) and key.startswith(_BLOB)}

    def read_blob(self, sha256: str) -> bytes:
        data = self._cache.get(_BLOB + sha256, retry=True)
        if data is None:
            raise MediaMissing(sha256)
        if sha256_hex(data) != sha256:
            # Damaged on disk: drop it so the next sync fetches it again.
            log.warning("store: blob %s is damaged; dropped", sha256)
            self._cache.delete(_BLOB + sha256, retry=True)
            raise MediaMissing(sha256)
        return data

    def snapshot_of(self, manifest: Manifest) -> Snapshot:
        """The validated snapshot for a manifest whose blobs are stored."""
        key = sha256_hex(msgspec.msgpack.encode(manifest))
        cached = self._snapshots.get(key)
        if cached is not None:
            return cached
        documents = {}
        for entry in manifest.documents():
            try:
                documents[entry.name] = self.read_blob(entry.sha256)
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
            with self._cache.transact(retry=True):
                for sha256, value in values:
                    self._cache.set(_BLOB + sha256, value, retry=True)
        except BaseException:
            for _, value in values:
                if isinstance(value, _Placed):
                    disk.remove(value.filename)
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
        with self._cache.transact(retry=True):
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
        if self._cache.volume() + incoming > self.limit_bytes:
            # Give up the previous snapshot's grace and leftovers of
            # abandoned updates before refusing.
            self._collect(keep_previous=False, also_keep=manifest)

    def commit(self, raw_manifest: bytes, signature: bytes, manifest: Manifest, etag: str | None) -> bool:
        """Switch to the new snapshot in one transaction. False when the
        store already holds this version or a newer one of the same village
        (another process got there first)."""
        _flush_to_disk(self.directory)
        with self._cache.transact(retry=True):
            current = self._pointer(CURRENT)
            held = decode_manifest(current.manifest) if current is not None else None
            if held is not None and held.village == manifest.village and held.version >= manifest.version:
                return False
            absent = self.missing(manifest)
            if absent:
                raise Failed(f"{len(absent)} files vanished from the store before the switch")
            if current is not None:
                self._cache.set(PREVIOUS, msgspec.msgpack.encode(current), retry=True)
            self._cache.set(CURRENT, msgspec.msgpack.encode(_Pointer(raw_manifest, signature, etag)), retry=True)
        _flush_to_disk(self.directory)
        return True

    def collect_garbage(self) -> int:
        """Delete blobs neither the current nor the previous snapshot uses."""
        return self._collect(keep_previous=True)

    def _collect(self, keep_previous: bool, also_keep: Manifest | None = None) -> int:
        removed = 0
        with self._cache.transact(retry=True):
            # Decided inside the lock: another process may just have committed.
            keep = _blob_sizes([self.current(), self._manifest(PREVIOUS) if keep_previous else None, also_keep])
            for key in list(self._cache.iterkeys()):
                if isinstance(key, str) and key.startswith(_BLOB) and key[len(_BLOB) :] not in keep:
                    self._cache.delete(key, retry=True)
                    removed += 1
        return removed


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
