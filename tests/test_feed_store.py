"""The store: atomic switching, garbage collection, its size
limit, a full disk, and what it remembers across restarts."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
import weakref
from pathlib import Path

import pytest

from kiosk.config import parse_config
from kiosk.feed import store as store_module
from kiosk.feed.manifest import sha256_hex
from kiosk.feed.outcome import OutcomeKind
from kiosk.feed.store import Store
from kiosk.feed.storedb import StoreDamaged
from kiosk.snapshot import DataInfo, DirectoryMedia, DocumentReuse, MediaMissing, Snapshot, read_folder_documents
from support.feed_fixtures import Feed, edit_document, write_village


def _blob_keys(store: Store) -> set[str]:
    """Every blob the store holds, alone or in a pack."""
    return store._held_blobs()


def _packs(store: Store) -> set[str]:
    """The packs held, by their sha256 (each download has a key of its own)."""
    return {row[0] for row in store._db.execute("SELECT sha256 FROM pack")}


def test_empty_store_has_no_snapshot(tmp_path):
    with Store(tmp_path / "store") as store:
        assert store.snapshot() is None and store.current() is None and store.last_outcome() is None


def test_blobs_are_kept_in_a_few_fixed_folders_and_read_back_after_reopening(tmp_path):
    blobs = {hashlib.sha256(bytes([n]) * 40_000).hexdigest(): bytes([n]) * 40_000 for n in range(40)}
    small = b"a small document"
    blobs[hashlib.sha256(small).hexdigest()] = small
    with Store(tmp_path / "store") as store:
        store.put_blobs(blobs.items())
    folders = {p.name for p in (tmp_path / "store").iterdir() if p.is_dir()}
    assert folders <= {f"blob-{digit}" for digit in "0123456789abcdef"} and len(folders) > 4
    files = [p for folder in folders for p in (tmp_path / "store" / folder).iterdir()]
    assert len(files) == 40  # the small one lives in SQLite
    with Store(tmp_path / "store") as store:
        for sha256, data in blobs.items():
            assert store.read_blob(sha256) == data


def test_blobs_whose_rows_cannot_be_written_leave_no_files(tmp_path, monkeypatch):
    data = b"x" * 40_000
    with Store(tmp_path / "store") as store:

        def refuse(*args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(store._db, "executemany", refuse)
        with pytest.raises(sqlite3.OperationalError):
            store.put_blobs([(hashlib.sha256(data).hexdigest(), data)])
        monkeypatch.undo()
        assert not store.has_blob(hashlib.sha256(data).hexdigest())
    assert not list((tmp_path / "store").rglob("*.val"))


def _fsynced(monkeypatch) -> list[str]:
    """Paths fsynced from now on (the real fsync still runs)."""
    paths: list[str] = []
    real = os.fsync

    def fsync(fd):
        paths.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return paths


def test_an_update_makes_its_own_new_files_durable_before_the_switch(feed, monkeypatch):
    """A few files: an fsync each, with the folders naming them and the
    database, not a flush of the whole disk (whose other writers' data
    would be written out too)."""
    feed.publish(village_options={"media": 6, "media_size": 60_000})
    assert feed.sync().kind is OutcomeKind.UPDATED
    manifest = feed.publish(revision=1, village_options={"media": 7, "media_size": 60_000}).manifest  # a month and a picture
    new = set(feed.store.missing(manifest))
    synced = _fsynced(monkeypatch)
    flushed_filesystem: list[Path] = []
    monkeypatch.setattr(store_module, "_flush_filesystem", flushed_filesystem.append)
    assert feed.sync().kind is OutcomeKind.UPDATED
    directory = str(feed.store.directory)
    files = {os.path.join(directory, name) for name in _file_names(feed.store) if name.partition(".")[0].rsplit("/", 1)[1] in new}
    assert files and files <= set(synced)  # the new picture's file (the month lives in SQLite)
    assert {os.path.dirname(path) for path in files} | {directory} <= set(synced)
    assert os.path.join(directory, "store.db-wal") in synced
    assert not flushed_filesystem


def test_a_first_sync_makes_its_pack_file_durable_before_the_switch(feed, monkeypatch):
    feed.publish(village_options={"media": 6, "media_size": 60_000})
    synced = _fsynced(monkeypatch)
    assert feed.sync().kind is OutcomeKind.UPDATED
    packs = [os.path.join(feed.store.directory, name) for name in _file_names(feed.store) if name.startswith("packs/")]
    assert len(packs) == 1 and packs[0] in synced


def test_files_an_earlier_process_wrote_are_made_durable_by_the_next_flush(tmp_path, monkeypatch):
    """A sync cut short (its process stopped) and resumed after a restart
    commits a snapshot whose files the first process wrote: they too must
    be on the disk before the switch."""
    picture = bytes(range(256)) * 400
    with Store(tmp_path / "store") as earlier:
        earlier.put_blob(sha256_hex(picture), picture)
    synced = _fsynced(monkeypatch)
    with Store(tmp_path / "store") as later:
        later._make_durable()
        files = [str(later.directory / name) for name in _file_names(later)]
        assert len(files) == 1 and files[0] in synced
        synced.clear()
        later._make_durable()  # flushed once is enough
        assert files[0] not in synced


def test_an_update_of_many_files_flushes_the_disk_once(feed, monkeypatch):
    feed.publish(village_options={"media": store_module._FSYNC_AT_MOST + 6, "media_size": 40_000}, pack=False)
    synced = _fsynced(monkeypatch)
    flushed_filesystem: list[Path] = []
    monkeypatch.setattr(store_module, "_flush_filesystem", flushed_filesystem.append)
    assert feed.sync().kind is OutcomeKind.UPDATED
    assert flushed_filesystem == [feed.store.directory] and not synced


def _file_names(store: Store) -> list[str]:
    return [row[0] for row in store._db.execute("SELECT file FROM blob WHERE file IS NOT NULL UNION SELECT file FROM pack")]


def test_a_closed_store_and_its_snapshots_go_without_the_cycle_collector(feed):
    feed.publish()
    assert feed.sync().kind is OutcomeKind.UPDATED
    store = Store(feed.store.directory)
    snapshot = weakref.ref(store.snapshot())
    gc.disable()
    try:
        store.close()
        del store
        assert snapshot() is None
    finally:
        gc.enable()


def test_a_new_version_shares_the_documents_it_did_not_change(feed):
    """Only what a version changed is decoded anew; the rest of the village
    is the same objects (decoding it all again with every version took the
    syncing thread's time and churned memory beside the villager's pages)."""
    assert feed.publish() and feed.sync().kind is OutcomeKind.UPDATED
    old = feed.store.snapshot()
    feed.publish(revision=1)  # the last month gets one more entry
    assert feed.sync().kind is OutcomeKind.UPDATED
    new = feed.store.snapshot()
    assert new.info.version == old.info.version + 1
    assert new.power_items[0] is old.power_items[0] and new.notices[0] is old.notices[0]
    assert new.finance_month("2025-01") is old.finance_month("2025-01")
    assert len(new.finance_month("2025-03").entries) == len(old.finance_month("2025-03").entries) + 1


def test_a_document_shared_with_the_last_snapshot_is_masked_by_the_new_hotlines(tmp_path):
    """A number the village publishes as a hotline shows in full; in a
    snapshot where it is no longer one, the same notice (its bytes
    unchanged, so shareable) shows it masked."""
    number = "13812345678"
    write_village(tmp_path)
    edit_document(tmp_path, "notices.json", lambda doc: doc["notices"][0].update(body=f"有事请打{number}。"))
    reuse = DocumentReuse()

    def snapshot_with(hotlines: list[str]) -> Snapshot:
        edit_document(
            tmp_path, "village.json", lambda doc: doc["complaint"].update(hotlines=[{"name": "村委会", "number": n} for n in hotlines])
        )
        return Snapshot(read_folder_documents(tmp_path), DirectoryMedia(tmp_path / "media"), DataInfo("folder", None, None), reuse=reuse)

    assert number in snapshot_with(["12388", number]).notices[0].body
    body = snapshot_with(["12388"]).notices[0].body
    assert number not in body and "138" in body, body


def test_reader_sees_old_or_new_snapshot_never_a_mix(feed):
    feed.publish()
    assert feed.sync().kind is OutcomeKind.UPDATED
    problems: list[str] = []
    seen: set[int] = set()
    stop = threading.Event()

    def read_continuously() -> None:
        # Its own Store object: its own SQLite connection, as another process would have.
        with Store(feed.store.directory) as reader:
            while not stop.is_set():
                snapshot = reader.snapshot()
                version = snapshot.info.version
                seen.add(version)
                entries = len(snapshot.finance_month("2025-03").entries)
                if entries != 2 + feed.revision_of[version]:
                    problems.append(f"v{version} with {entries} entries")

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        for revision in range(1, 8):
            feed.publish(revision=revision)
            assert feed.sync().kind is OutcomeKind.UPDATED
    finally:
        stop.set()
        reader.join()
    assert not problems
    assert len(seen) >= 2  # the reader did overlap with updates
    feed.assert_holds(8)


def test_old_blobs_are_collected_after_the_switch(feed):
    feed.publish(village_options={"media_seed": "a"})
    feed.sync()
    v1 = feed.store.current().blobs()
    shutil.rmtree(feed.src / "media")
    feed.publish(revision=1, village_options={"media_seed": "b"})
    feed.sync()
    v2 = feed.store.current().blobs()
    # The previous snapshot's blobs stay one more update (it may still be on screen).
    assert _blob_keys(feed.store) == set(v1) | set(v2)
    shutil.rmtree(feed.src / "media")
    feed.publish(revision=2, village_options={"media_seed": "c"})
    feed.sync()
    v3 = feed.store.current().blobs()
    assert _blob_keys(feed.store) == set(v2) | set(v3)
    # The media came in packs: the first version's went with its media.
    assert _packs(feed.store) == {feed.store._manifest("previous").pack.sha256, feed.store.current().pack.sha256}
    feed.assert_holds(3)


def test_a_first_sync_keeps_its_media_in_one_pack_file(feed):
    feed.publish(village_options={"media": 6, "media_size": 40_000})
    assert feed.sync().kind is OutcomeKind.UPDATED
    manifest = feed.store.current()
    assert _packs(feed.store) == {manifest.pack.sha256}
    files = list((feed.store.directory).rglob("*.val"))
    assert len(files) == 1 and files[0].parent.name == "packs"  # not a file per picture
    for entry in manifest.pack_members():
        assert sha256_hex(feed.store.read_blob(entry.sha256)) == entry.sha256
    feed.assert_holds(1)


def test_a_pack_mostly_out_of_use_gives_its_last_members_up_as_blobs(feed):
    feed.publish(village_options={"media": 6})
    assert feed.sync().kind is OutcomeKind.UPDATED
    first_pack = feed.store.current().pack.sha256
    for revision in (1, 2):  # two of the six pictures stay; v1 then falls out of "previous"
        shutil.rmtree(feed.src / "media")
        feed.publish(revision=revision, village_options={"media": 2})
        assert feed.sync().kind is OutcomeKind.UPDATED
    assert first_pack not in _packs(feed.store)
    kept = {e.sha256 for e in feed.store.current().files if e.kind.value == "media"}
    assert len(kept) == 2 and kept <= {row[0] for row in feed.store._db.execute("SELECT sha256 FROM blob WHERE pack IS NULL")}
    for sha256 in kept:
        assert sha256_hex(feed.store.read_blob(sha256)) == sha256
    feed.assert_holds(3)


def test_a_pack_download_left_by_a_killed_sync_is_swept_but_not_a_running_one(tmp_path):
    from kiosk.feed.manifest import PackEntry

    with Store(tmp_path / "store") as store:
        pack = PackEntry(sha256="ab" * 32, size=10)
        with store.receive_pack(pack) as running:
            running.write(b"12345")
            leftover = running.path.with_name("cd" * 32 + ".dead.part")
            leftover.write_bytes(b"half a pack")  # no process holds it
            with store.receive_pack(pack) as other:
                assert running.path.exists() and not leftover.exists()
                assert other.path != running.path
        assert not running.path.exists()  # never kept: deleted on leaving


def test_a_large_snapshot_pointer_stays_inside_sqlite(feed):
    """With 520 pictures the media index, kept with the pointer, is over
    the 32 KiB of blobs kept in files: a pointer in a file could be lost
    (or read back empty) after a power cut, and the store look empty."""
    feed.publish(village_options={"media": 520, "media_size": 64})
    assert feed.sync().kind is OutcomeKind.UPDATED
    assert feed.store.current().media_index.size > 32 * 1024
    files = list(feed.store.directory.rglob("*.val"))
    assert [f.parent.name for f in files] == ["packs"], files  # the one pack, and no pointer file
    feed.assert_holds(1)


def test_a_rolled_back_transaction_loses_no_file(tmp_path):
    """A file whose row a transaction drops is deleted only once that
    transaction has committed."""
    data = b"p" * 40_000
    sha = hashlib.sha256(data).hexdigest()
    with Store(tmp_path / "store") as store:
        store.put_blob(sha, data)
        with pytest.raises(RuntimeError), store._transaction():
            store._collect(keep_previous=False)  # no snapshot keeps it
            raise RuntimeError("killed before COMMIT")
        assert store.read_blob(sha) == data  # the row came back, and so did its file
        store._collect(keep_previous=False)
        assert not list((tmp_path / "store").rglob("*.val"))  # committed: the file went after


def test_a_blob_whose_file_is_gone_is_dropped_and_fetched_again(feed):
    feed.publish(village_options={"media": 3, "media_size": 40_000})
    assert feed.sync().kind is OutcomeKind.UPDATED
    photo = feed.store.snapshot().projects[0].photos[0].sha256
    (pack_file,) = feed.store.directory.glob("packs/*.val")
    pack_file.unlink()  # e.g. lost to a disk error
    with pytest.raises(MediaMissing):
        feed.store.read_blob(photo)
    assert not feed.store.has_blob(photo)  # so that the next poll fetches it again
    assert feed.sync().kind is OutcomeKind.UP_TO_DATE
    assert sha256_hex(feed.store.read_blob(photo)) == photo


def test_files_a_killed_sync_left_without_rows_are_swept_once_old(feed):
    feed.publish(village_options={"media": 3, "media_size": 40_000})
    assert feed.sync().kind is OutcomeKind.UPDATED
    folder = feed.store.directory
    old, fresh = folder / "blob-0" / ("0" * 64 + ".dead.val"), folder / "packs" / ("1" * 64 + ".new.val")
    old.parent.mkdir(exist_ok=True)
    for path in (old, fresh):
        path.write_bytes(b"written, but its row never committed")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    (folder / "incoming" / "dead.part").write_bytes(b"half a pack")
    stale_new, young_new = folder / "incoming" / "stale.new", folder / "incoming" / "young.new"
    for path in (stale_new, young_new):
        path.write_bytes(b"")  # killed before it was locked and named .part (or just starting)
    os.utime(stale_new, (1_700_000_000, 1_700_000_000))
    feed.store.collect_garbage()
    assert not old.exists() and fresh.exists()  # a fresh one may be another process's, between file and row
    assert not (folder / "incoming" / "dead.part").exists()
    assert not stale_new.exists() and young_new.exists()
    feed.assert_holds(1)  # nothing named was touched


def test_update_too_big_for_the_store_limit_fails_and_keeps_the_old(tmp_path, feed_server):
    feed = Feed(tmp_path, feed_server, limit_bytes=60_000)
    try:
        feed.publish()
        assert feed.sync().kind is OutcomeKind.UPDATED
        feed.publish(revision=1, village_options={"media": 12, "media_size": 5000, "media_seed": "big"})
        result = feed.sync()
        assert result.kind is OutcomeKind.FAILED and "store limit too small" in result.message
        feed.assert_holds(1)
    finally:
        feed.store.close()


def test_outcome_and_clock_survive_a_restart(feed):
    feed.publish()
    feed.sync()
    generated_at = feed.store.current().generated_at
    feed.store.close()
    with Store(feed.store.directory, wall=lambda: generated_at.replace(year=2001)) as reopened:
        assert reopened.last_outcome().kind == "updated"
        assert reopened.last_outcome().version == 1
        assert reopened.clock.lower_bound() >= generated_at
        assert reopened.now() >= generated_at


def test_full_disk_fails_cleanly_and_keeps_the_old_snapshot(tmp_path, feed_server, tiny_disk):
    feed = Feed(tmp_path, feed_server)
    feed.store.close()
    feed.store = Store(tiny_disk / "store")
    try:
        feed.publish()
        assert feed.sync().kind is OutcomeKind.UPDATED
        # Ten times the free space; the store's own limit would allow it.
        feed.publish(revision=1, village_options={"media": 40, "media_size": 250_000, "media_seed": "big"})
        result = feed.sync()
        assert result.kind is OutcomeKind.FAILED and "disk full" in result.message, result.message
        feed.assert_holds(1)
        feed.store.close()
        feed.store = Store(tiny_disk / "store")  # and after a restart
        feed.assert_holds(1)

        subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_disk)], check=True)
        assert feed.sync().kind is OutcomeKind.UPDATED
        feed.assert_holds(2)
    finally:
        feed.store.close()


def test_store_directory_is_the_configured_one(tmp_path):
    config = parse_config(f'[feed]\nstore = "{tmp_path / "s"}"\nstore_limit_mb = 64\n')
    with Store.from_config(config) as store:
        assert store.directory == Path(tmp_path / "s") and store.limit_bytes == 64 * 1024 * 1024


def test_a_reader_in_another_process_never_writes_the_store(feed):
    """The font subset's child reads the store while the kiosk may replace it;
    a writing connection would checkpoint its log into the replaced file on
    exit. A reader leaves every byte alone, and a damaged file to the kiosk."""
    feed.publish()
    assert feed.sync().kind is OutcomeKind.UPDATED
    database = feed.store.directory / "store.db"
    log = feed.store.directory / "store.db-wal"
    before = database.read_bytes(), log.read_bytes()  # (the -shm index holds readers' marks: it may change)
    with Store.open_to_read(feed.store.directory) as reader:
        assert reader.current() is not None and reader.read_only
    assert (database.read_bytes(), log.read_bytes()) == before

    feed.store.close()
    garbage = b"not a database " * 4096
    database.write_bytes(garbage)
    with pytest.raises(StoreDamaged):
        Store.open_to_read(feed.store.directory)
    assert database.read_bytes() == garbage and not (feed.store.directory / "damaged").exists()
