"""The one update pipeline behind HTTP sync and USB import.

Order matters: signature → village → version (no rollback) → expiry; only
then is anything fetched, each blob checked against its hash and size,
the documents validated as a whole, and the snapshot switched atomically.
Any failure leaves the last good snapshot in place.
"""

from __future__ import annotations

import errno
import itertools
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Protocol

import diskcache

from kiosk.feed import keys, outcome, verify
from kiosk.feed.manifest import FileEntry, FileKind, Manifest, stamp
from kiosk.feed.outcome import Failed, Rejected, SyncOutcome
from kiosk.feed.store import Store

log = logging.getLogger("kiosk.feed")


class BlobSource(Protocol):
    def fetch(self, entry: FileEntry) -> bytes:
        """The blob's bytes, never reading much past ``entry.size``: raises
        Rejected for a larger blob, Failed when it cannot be had now."""
        ...


def install(
    store: Store,
    raw_manifest: bytes,
    signature: bytes,
    source: BlobSource,
    keyring: keys.Keyring,
    village: str | None = None,
    etag: str | None = None,
    parallel: int = 1,
) -> SyncOutcome:
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
    if held is not None and manifest.version == held.version:
        store.remember_etag(held.version, etag)
        count, size = fetch_missing(store, held, source, parallel)  # repairs a damaged store
        return outcome.up_to_date(held.version, count, size)
    now = store.now()
    if manifest.expires_at <= now:
        raise Rejected(f"v{manifest.version} expired at {stamp(manifest.expires_at)} (now is at least {stamp(now)})")
    store.make_room(manifest)
    count, size = fetch_missing(store, manifest, source, parallel)
    snapshot = store.snapshot_of(manifest)
    if not store.commit(raw_manifest, signature, manifest, etag):
        now_held = store.current()
        return outcome.up_to_date(now_held.version if now_held else manifest.version)
    store.collect_garbage()
    return outcome.updated(held_version, manifest.version, count, size, snapshot)


def fetch_missing(store: Store, manifest: Manifest, source: BlobSource, parallel: int = 1) -> tuple[int, int]:
    """Fetch, check and store every blob the store lacks, ``parallel`` at a
    time (hides network latency: hundreds of small files on a slow link).
    Blobs already fetched stay on failure, so the next attempt resumes."""
    missing = store.missing(manifest)
    # Documents first: small, and they decide whether the update is valid at all.
    entries = sorted({entry.sha256: entry for entry in manifest.files if entry.sha256 in missing}.values(), key=lambda e: e.kind is not FileKind.DOCUMENT)

    def fetch_checked(entry: FileEntry) -> bytes:
        data = source.fetch(entry)
        verify.check_blob(entry, data)
        return data

    size = 0
    if parallel <= 1:
        for entry in entries:
            data = fetch_checked(entry)
            store.put_blob(entry.sha256, data)
            size += len(data)
        return len(entries), size

    queue = iter(entries)
    error: Exception | None = None
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="feed-fetch") as pool:
        # At most two blobs per worker in memory; the store is written from this thread only.
        pending = {pool.submit(fetch_checked, entry): entry for entry in itertools.islice(queue, 2 * parallel)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                entry = pending.pop(future)
                try:
                    data = future.result()
                except (Rejected, Failed) as exc:
                    error = error or exc  # stop asking for more, keep what arrives
                    continue
                store.put_blob(entry.sha256, data)
                size += len(data)
                following = next(queue, None) if error is None else None
                if following is not None:
                    pending[pool.submit(fetch_checked, following)] = following
    if error is not None:
        raise error
    return len(entries), size


def attempt(store: Store, run: Callable[[], SyncOutcome]) -> SyncOutcome:
    """Run one sync or import: turn every way it can end into an outcome,
    record it in the store and log its one line."""
    held = _held_version(store)
    try:
        result = run()
    except Rejected as exc:
        result = outcome.rejected(str(exc), held)
    except Failed as exc:
        result = outcome.failed(str(exc), held)
    except (OSError, sqlite3.Error, diskcache.Timeout) as exc:
        result = outcome.failed(_store_error(exc), held)
        if _disk_full(exc):
            _free_space(store)
    try:
        store.save_clock()
        store.record(result)
    except (OSError, sqlite3.Error, diskcache.Timeout) as exc:
        log.warning("store: cannot record the outcome: %s", _store_error(exc))
    log.log(logging.INFO if result.ok else logging.WARNING, "feed: %s", result.message)
    return result


def _held_version(store: Store) -> int | None:
    try:
        manifest = store.current()
    except (OSError, sqlite3.Error, diskcache.Timeout):
        return None
    return manifest.version if manifest else None


def _disk_full(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in str(exc)


def _free_space(store: Store) -> None:
    """Drop the blobs of the update that did not fit. Resuming it later is
    worth less than a disk with room: SQLite needs some to even open."""
    try:
        store.collect_garbage()
    except (OSError, sqlite3.Error, diskcache.Timeout) as exc:
        log.warning("store: cannot free space: %s", exc)


def _store_error(exc: BaseException) -> str:
    if _disk_full(exc):
        return "disk full: cannot write the store"
    if isinstance(exc, diskcache.Timeout):
        return "store busy (locked by another process)"
    return f"store error: {exc}"
