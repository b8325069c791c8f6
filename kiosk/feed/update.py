"""The one update pipeline behind HTTP sync and USB import.

Order matters: signature → village → version (no rollback) → expiry →
chain (the new version must extend the one held: ``kiosk.feed.chain``);
only then are the documents fetched, each blob checked against its hash
and size, the documents validated as a whole, the change logs checked to
account for every correction of a published record, and the snapshot
switched atomically with its history. Any failure leaves the last good
snapshot in place.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Protocol

from kiosk.feed import chain, changes, keys, outcome, verify
from kiosk.feed.manifest import FileEntry, FileKind, Manifest, PackEntry, stamp
from kiosk.feed.outcome import Failed, Rejected, SyncOutcome
from kiosk.feed.store import Store
from kiosk.feed.storedb import is_disk_full
from kiosk.ops.logs import log_event
from kiosk.ops.yielding import give_way
from kiosk.snapshot import Snapshot

log = logging.getLogger(__name__)


class BlobSource(Protocol):
    def fetch(self, entry: FileEntry) -> bytes:
        """The blob's bytes, never reading much past ``entry.size``: raises
        Rejected for a larger blob, Failed when it cannot be had now."""
        ...

    def stream_pack(self, pack: PackEntry) -> Generator[bytes, None, None] | None:
        """The pack's bytes as they arrive, under the same rules; None when
        the source has no use for packs (a folder reads files as fast).
        A generator: closing it early lets go of the download."""
        ...


def install(
    store: Store,
    raw_manifest: bytes,
    signature: bytes,
    source: BlobSource,
    keyring: keys.Keyring,
    village: str | None = None,
    validators: tuple[str | None, str | None] = (None, None),
    parallel: int = 1,
) -> SyncOutcome:
    """Install the signed manifest's version. ``validators``: the ETag and
    Last-Modified the server sent with the manifest, kept for the next
    poll's conditional request."""
    held = store.current()
    held_version = held.version if held else None
    manifest = verify.check_signed(raw_manifest, signature, keyring)
    expected = village or (held.village if held else None)
    if expected and manifest.village != expected:
        raise Rejected(f"the feed is for village {manifest.village}, this terminal shows {expected}")
    # A valid signature vouches for this time even if the data is refused below.
    store.observe_time(manifest.generated_at)
    if held is not None and held.village != manifest.village:
        held = None  # re-provisioned for another village: its versions do not compare
    if held is not None and manifest.version < held.version:
        raise Rejected(f"rollback to v{manifest.version} refused (have v{held.version})")
    head = chain.Step(raw_manifest, signature, manifest)
    held_head = store.chain_head() if held is not None else None
    if held is not None and held_head is not None and manifest.version == held.version:
        if head.sha256 != held_head.sha256:
            raise _forked(store, chain.fork_of(held_head, head, f"v{held.version} was published again with other content", store.now()))
        store.remember_validators(held.version, *validators)
        count, size = fetch_missing(store, held, source, parallel)  # repairs a damaged store
        return outcome.up_to_date(held.version, count, size)
    now = store.now()
    if manifest.expires_at <= now:
        raise Rejected(f"v{manifest.version} expired at {stamp(manifest.expires_at)} (now is at least {stamp(now)})")
    steps = _chain(store, head, held_head, source, keyring)
    manifest, media_index = verify.list_media(manifest, lambda entry: _kept_blob(store, source, entry))
    store.make_room(manifest)
    # Checking the documents (a large village's take tenths of a second)
    # overlaps the download of the media: they come first.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-decode") as pool:
        decoding: list[Future[Snapshot]] = []
        count, size = fetch_missing(
            store, manifest, source, parallel, lambda fresh: decoding.append(pool.submit(_decode, store, manifest, fresh))
        )
        snapshot = decoding[0].result()
    _check_corrections(store, held, snapshot, steps, source, parallel)
    if not store.commit(raw_manifest, signature, manifest, validators, media_index, steps):
        now_held = store.current()
        return outcome.up_to_date(now_held.version if now_held else manifest.version)
    snapshot.keep_history(store.history().upto(manifest.version))
    try:
        store.collect_garbage()
    except (OSError, sqlite3.Error) as exc:
        # The update is in; what it left over goes at the next one.
        log_event(log, "store.not_collected", logging.WARNING, error=store_error(exc))
    return outcome.updated(held_version, manifest.version, count, size, snapshot)


def _kept_blob(store: Store, source: BlobSource, entry: FileEntry) -> bytes:
    """A blob the update needs before the documents (the media index, the
    manifests and change logs of the chain): as held, else fetched, checked
    and stored, so that a retry after a failure has it."""
    held = store.held_media_index(entry.sha256)
    if held is not None:
        return held
    data = source.fetch(entry)
    verify.check_blob(entry, data)
    store.put_blob(entry.sha256, data)
    return data


def _chain(store: Store, head: chain.Step, held: chain.Held | None, source: BlobSource, keyring: keys.Keyring) -> list[chain.Step]:
    """The versions from the one held (exclusive) to ``head``, oldest first,
    with their change logs. A fork is recorded for the doctor, the
    heartbeat and the technician menu before it is refused; the same
    forked version offered again is refused without following its chain."""

    def fetch(entry: FileEntry) -> bytes:
        return _kept_blob(store, source, entry)

    if held is None:
        return chain.backfill(head, fetch, keyring, store.now())
    known = store.fork()
    if known is not None and known.offered_sha256 == head.sha256 and known.held_sha256 == held.sha256:
        raise chain.Fork(known)
    try:
        return chain.extend(head, held, fetch, keyring, store.now())
    except chain.Fork as fork:
        raise _forked(store, fork) from None


def _forked(store: Store, fork: chain.Fork) -> chain.Fork:
    store.record_fork(fork.record)
    log_event(log, "feed.forked", logging.ERROR, message=fork.record.message)
    return fork


def _check_corrections(
    store: Store, held: Manifest | None, offered: Snapshot, steps: list[chain.Step], source: BlobSource, parallel: int
) -> None:
    """The change logs must account for every correction between the data
    held and the data offered: a version that quietly changes a published
    figure is refused, whatever signed it."""
    before = None
    if held is not None:
        try:
            before = store.snapshot_of(held)
        except (Failed, Rejected):
            fetch_missing(store, held, source, parallel)  # damaged since: fetched again to compare
            before = store.snapshot_of(held)
    logs = [step.log for step in steps if step.log is not None]
    problem = changes.unexplained(before, offered, logs)
    if problem is not None:
        raise Rejected(f"v{offered.info.version}: {problem}")


def _decode(store: Store, manifest: Manifest, fresh: Mapping[str, bytes]) -> Snapshot:
    try:
        return store.snapshot_of(manifest, fresh)
    finally:
        store.leave_thread()


DocumentsReady = Callable[[Mapping[str, bytes]], None]


def fetch_missing(
    store: Store, manifest: Manifest, source: BlobSource, parallel: int = 1, on_documents: DocumentsReady | None = None
) -> tuple[int, int]:
    """Fetch, check and store every blob the store lacks, documents first:
    in one pack when the store lacks at least half of its bytes (a first
    sync), else one by one, ``parallel`` at a time (hides network latency:
    hundreds of small files on a slow link). ``on_documents`` is called once
    every document is in hand, before the media, with the bytes of the
    documents fetched now (by sha256). Blobs already fetched stay on
    failure, so the next attempt resumes. Returns (count, bytes) stored."""
    missing = store.missing(manifest)
    entries = sorted(
        {entry.sha256: entry for entry in manifest.files if entry.sha256 in missing}.values(), key=lambda e: e.kind is not FileKind.DOCUMENT
    )
    fresh: dict[str, bytes] = {}
    announce = _Once(on_documents, fresh)
    taken: list[FileEntry] = []
    pack_problem = manifest.pack_problem() if entries else None
    if pack_problem is not None:
        log_event(log, "feed.pack_unusable", logging.WARNING, reason=pack_problem, fetching="the blobs one by one")
    with _Writer(store) as writer:
        if manifest.takes_pack(sum(e.size for e in entries)):
            in_pack = _fetch_pack(manifest, source, store, fresh, announce)
            taken = [entry for entry in entries if entry.sha256 in in_pack]
            entries = [entry for entry in entries if entry.sha256 not in in_pack]
        _fetch_each([e for e in entries if e.kind is FileKind.DOCUMENT], source, writer, parallel, fresh)
        announce()
        _fetch_each([e for e in entries if e.kind is FileKind.MEDIA], source, writer, parallel)
    return len(taken) + writer.count, sum(e.size for e in taken) + writer.size


class _Once:
    """Calls back once, with the documents in hand."""

    def __init__(self, callback: DocumentsReady | None, documents: Mapping[str, bytes]):
        self._callback = callback
        self._documents = documents

    def __call__(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback(self._documents)


def _fetch_pack(manifest: Manifest, source: BlobSource, store: Store, fresh: dict[str, bytes], announce: _Once) -> set[str]:
    """Download the pack into the store, checking each member as it passes;
    returns the members kept. The documents' bytes go to ``fresh`` as soon
    as they have all passed. A pack that is gone, cut short, too long or
    wrong somewhere keeps the members checked whole before the trouble and
    leaves the rest to be fetched one by one, each checked on its own: a
    broken copy of the pack on a mirror must not stop a first sync that
    the blobs can complete."""
    assert manifest.pack is not None
    chunks = source.stream_pack(manifest.pack)
    if chunks is None:
        return set()
    members = manifest.pack_members()
    documents = frozenset(entry.sha256 for entry in members if entry.kind is FileKind.DOCUMENT)
    check = verify.PackCheck(members, keep=documents)
    with store.receive_pack(manifest.pack) as incoming:

        def take(batch: bytes) -> None:
            check.feed(batch)
            if len(check.kept) == len(documents) and not fresh:
                fresh.update(check.kept)
                announce()

        # Members checked whole before the pack goes wrong are kept: every
        # batch handed over is written before the writing thread ends.
        try:
            with contextlib.closing(chunks), _Behind(incoming.write, take) as behind:
                for chunk in chunks:
                    behind.put(chunk)
                behind.finish()
            check.finish()
        except (Failed, Rejected) as exc:
            log_event(log, "feed.pack_unusable", logging.WARNING, reason=exc, fetching="the rest one by one")
        incoming.keep(check.complete)
    return {entry.sha256 for entry, _ in check.complete}


class _Behind:
    """Runs each of ``works`` on a byte stream's batches, each on a thread
    of its own, so that the next bytes arrive while these are written and
    hashed (both outside the interpreter lock: on the receiving thread, a
    59 MB pack took twice as long, and one thread for both still held the
    receiver up). Chunks are gathered into batches of about ``_BATCH``
    bytes: each hand-over costs thread switches. The first error of a work
    is raised by the next ``put`` or by ``finish``, once every thread has
    worked what it was handed; leaving the ``with`` early (the stream broke
    off) still works what arrived."""

    _BATCH = 1024 * 1024
    _DEPTH = 8  # batches waiting at most: bounds memory when the disk is slower than the link

    def __init__(self, *works: Callable[[bytes], None]):
        self._queues: list[queue.Queue[bytes | None]] = [queue.Queue(maxsize=self._DEPTH) for _ in works]
        self._threads = [
            threading.Thread(target=self._run, args=(work, line), name="feed-pack", daemon=True)
            for work, line in zip(works, self._queues, strict=False)
        ]
        self._gathered: list[bytes] = []
        self._size = 0
        self._error: BaseException | None = None

    def __enter__(self) -> _Behind:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if any(thread.is_alive() for thread in self._threads):
            self.finish()  # the stream broke off: what arrived before is still worked

    def put(self, chunk: bytes) -> None:
        self._gathered.append(chunk)
        self._size += len(chunk)
        if self._size >= self._BATCH:
            self._hand_over()

    def finish(self) -> None:
        """Wait for every batch to be worked."""
        try:
            if self._gathered and self._error is None:
                self._hand_over()
        finally:
            for line in self._queues:
                line.put(None)
            for thread in self._threads:
                thread.join()
        self._raise()

    def _hand_over(self) -> None:
        self._raise()
        batch = self._gathered[0] if len(self._gathered) == 1 else b"".join(self._gathered)
        self._gathered, self._size = [], 0
        for line in self._queues:
            line.put(batch)

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self, work: Callable[[bytes], None], line: queue.Queue[bytes | None]) -> None:
        # Each work goes on until it fails itself: the pack is written to
        # the end of what arrived even when checking it failed halfway, so
        # that every member checked whole is also in the file.
        failed = False
        while (batch := line.get()) is not None:
            if not failed:
                try:
                    work(batch)
                except BaseException as exc:  # handed to the receiving thread
                    failed = True
                    self._error = self._error or exc


def _fetch_each(entries: list[FileEntry], source: BlobSource, writer: _Writer, parallel: int, keep: dict[str, bytes] | None = None) -> None:
    """Fetch the entries into the writer; ``keep`` also gets their bytes."""

    def put(entry: FileEntry, data: bytes) -> None:
        writer.put(entry, data)
        if keep is not None:
            keep[entry.sha256] = data

    if parallel <= 1:
        for entry in entries:
            put(entry, source.fetch(entry))
        return
    upcoming = iter(entries)
    error: Exception | None = None
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="feed-fetch") as pool:
        # At most two blobs per worker in memory.
        pending = {pool.submit(source.fetch, entry): entry for entry in itertools.islice(upcoming, 2 * parallel)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                entry = pending.pop(future)
                try:
                    put(entry, future.result())
                except (Rejected, Failed) as exc:
                    error = error or exc  # stop asking for more, keep what arrives
                    continue
                following = next(upcoming, None) if error is None else None
                if following is not None:
                    pending[pool.submit(source.fetch, following)] = following
    if error is not None:
        raise error


class _Writer:
    """Stores checked blobs on threads of its own: creating and writing
    files (outside the interpreter lock) overlaps the download of what
    follows, and blobs that arrive together go in one transaction. Each
    blob is checked against the manifest by ``put``, on the fetching
    thread, which has the time (hashing also runs outside the lock). The
    first storing error is raised by the next ``put`` or on leaving the
    ``with``."""

    _HELD_BYTES = 16 * 1024 * 1024  # waiting to be stored at most (one larger blob may wait alone)
    _BATCH = 32  # blobs per transaction at most
    _THREADS = 2  # creating files is most of storing: two at a time keep up with a fast link

    def __init__(self, store: Store):
        self._store = store
        self._queue: queue.SimpleQueue[tuple[FileEntry, bytes] | None] = queue.SimpleQueue()
        self._room = threading.Condition()
        self._held = 0
        self._error: BaseException | None = None
        self.count = self.size = 0
        self._counting = threading.Lock()
        self._threads = [threading.Thread(target=self._run, name="feed-store", daemon=True) for _ in range(self._THREADS)]

    def __enter__(self) -> _Writer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        if exc_type is None and self._error is not None:
            raise self._error

    def put(self, entry: FileEntry, data: bytes) -> None:
        verify.check_blob(entry, data)
        with self._room:
            self._room.wait_for(lambda: self._held == 0 or self._held + len(data) <= self._HELD_BYTES)
            if self._error is not None:
                raise self._error
            self._held += len(data)
        self._queue.put((entry, data))

    def _run(self) -> None:
        try:
            self._store_batches()
        finally:
            self._store.leave_thread()

    def _store_batches(self) -> None:
        finished = False
        while not finished:
            batch, finished = self._next_batch()
            if self._error is None:
                give_way()  # storing a new version can wait for the villager's tap
                try:
                    self._store.put_blobs((entry.sha256, data) for entry, data in batch)
                except BaseException as exc:  # handed to the fetching thread
                    self._error = self._error or exc
                else:
                    with self._counting:
                        self.count += len(batch)
                        self.size += sum(len(data) for _, data in batch)
            with self._room:
                self._held -= sum(len(data) for _, data in batch)
                self._room.notify_all()

    def _next_batch(self) -> tuple[list[tuple[FileEntry, bytes]], bool]:
        """The blobs waiting, up to ``_BATCH`` (waiting for the first), and
        whether the end of the blobs (None) came after them."""
        batch: list[tuple[FileEntry, bytes]] = []
        item = self._queue.get()
        while item is not None:
            batch.append(item)
            if len(batch) == self._BATCH:
                return batch, False
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return batch, False
        return batch, True


def attempt(store: Store, run: Callable[[], SyncOutcome]) -> SyncOutcome:
    """Run one sync or import: turn every way it can end into an outcome,
    record it in the store and log its one line."""
    held = _held_version(store)
    try:
        if not store.retry_writing():
            raise Failed("disk full: cannot write the store")
        result = run()
    except Rejected as exc:
        result = outcome.rejected(str(exc), held)
    except Failed as exc:
        result = outcome.failed(str(exc), held)
    except (OSError, sqlite3.Error) as exc:
        result = outcome.failed(store_error(exc), held)
        if is_disk_full(exc):
            _free_space(store)
    try:
        store.save_clock()
        store.record(result)
    except (OSError, sqlite3.Error) as exc:
        log_event(log, "store.outcome_not_recorded", logging.WARNING, error=store_error(exc))
    log_event(log, f"sync.{result.kind.value}", logging.INFO if result.ok else logging.WARNING, message=result.message)
    return result


def _held_version(store: Store) -> int | None:
    try:
        manifest = store.current()
    except (OSError, sqlite3.Error):
        return None
    return manifest.version if manifest else None


def _free_space(store: Store) -> None:
    """Drop the blobs of the update that did not fit. Resuming it later is
    worth less than a disk with room: SQLite needs some to even open."""
    try:
        store.collect_garbage()
    except (OSError, sqlite3.Error) as exc:
        log_event(log, "store.space_not_freed", logging.WARNING, error=exc)


def store_error(exc: BaseException) -> str:
    """One line for a storage error, in the outcome's words."""
    if is_disk_full(exc):
        return "disk full: cannot write the store"
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return "store busy (locked by another process)"
    return f"store error: {exc}"
