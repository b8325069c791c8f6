"""A terminal updated from the first store format (a diskcache) keeps its data."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.feed import keys
from kiosk.feed.manifest import sha256_hex
from kiosk.feed.store import Store

LEGACY = Path(__file__).parent / "data" / "legacy-store"


def test_the_first_formats_snapshot_is_carried_over_with_its_files_in_place(tmp_path):
    directory = tmp_path / "store"
    shutil.copytree(LEGACY / "store", directory)
    files_before = {path for path in directory.rglob("*.val")}
    with Store.open(directory) as store:
        keyring = keys.Keyring.load([LEGACY / "store-key.pub"])
        manifest = store.verify(keyring)  # every blob there and intact, the signature good
        assert manifest.version == 2
        snapshot = store.snapshot()
        assert snapshot is not None and snapshot.info.version == 2
        for entry in manifest.files:
            assert sha256_hex(store.read_blob(entry.sha256)) == entry.sha256
        assert store.last_outcome() is not None and store.last_outcome().version == 2
        assert store.clock.lower_bound() is not None
    assert not (directory / "cache.db").exists()
    assert {path for path in directory.rglob("*.val")} == files_before  # reused, not copied
    with Store.open(directory) as again:  # and it stays carried over
        assert again.current().version == 2


def test_a_first_format_store_that_cannot_be_read_is_set_aside_and_fetched_again(tmp_path):
    directory = tmp_path / "store"
    shutil.copytree(LEGACY / "store", directory)
    (directory / "cache.db").write_bytes(b"\0garbage" * 1000)
    with Store.open(directory) as store:
        assert store.current() is None  # nothing to show: the next sync fetches it
    assert not (directory / "cache.db").exists() and (directory / "damaged" / "cache.db").exists()
