"""Carrying a terminal's data over from the store's first format.

The first store was a diskcache (``cache.db``): blobs under ``blob/<sha256>``
keys, packs under ``pack/<id>``, a pack member's place under
``in-pack/<sha256>``, the snapshot pointers and the clock floor under their
names. A terminal updated from it keeps its data, read through diskcache's
public API: the current snapshot's blobs are registered in the new database
with their files reused in place (no copy on a terminal's small disk), the
pointer, the clock floor and the last outcome carried over; then the old
database goes. Its files that no new row names are swept later as orphans.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from kiosk.feed.manifest import decode_manifest, with_media_index
from kiosk.ops.logs import log_event

if TYPE_CHECKING:
    from kiosk.feed.store import Store

log = logging.getLogger(__name__)

LEGACY_DB = "cache.db"


class _Pointer(msgspec.Struct, frozen=True):
    manifest: bytes
    signature: bytes
    etag: str | None = None
    media_index: bytes | None = None


class _InPack(msgspec.Struct, array_like=True, frozen=True):
    pack: str
    offset: int
    size: int


def migrate(store: Store) -> bool:
    """Carry the first format's snapshot over into ``store`` (a new, empty
    one in the same folder). True when there was one to carry."""
    if not (store.directory / LEGACY_DB).exists():
        return False
    import diskcache

    with diskcache.Cache(str(store.directory), eviction_policy="none", size_limit=2**62) as old:
        raw = old.get("current")
        if raw is not None:
            _carry(store, old, msgspec.msgpack.decode(raw, type=_Pointer))
        floor = old.get("clock_floor")
        if floor is not None:
            store._set("clock_floor", str(floor).encode())
        outcome = old.get("last_outcome")
        if outcome is not None:
            store._set("last_outcome", bytes(outcome))
    for suffix in ("", "-wal", "-shm"):
        (store.directory / (LEGACY_DB + suffix)).unlink(missing_ok=True)
    log_event(log, "store.carried_over", from_format=1)
    return raw is not None


def _carry(store: Store, old, pointer: _Pointer) -> None:
    manifest = decode_manifest(pointer.manifest)
    if pointer.media_index is not None:
        manifest = with_media_index(manifest, pointer.media_index)
    inline: list[tuple[str, bytes]] = []
    files: list[tuple[str, int, str]] = []
    packs: dict[str, tuple[str, int]] = {}  # old pack id -> (file, size)
    members: list[tuple[str, int, str, int]] = []
    for sha256, size in manifest.blobs().items():
        value = old.get(f"blob/{sha256}", read=True)
        if isinstance(value, bytes):
            inline.append((sha256, value))
        elif value is not None:
            with value:
                files.append((sha256, size, _relative(store.directory, value.name)))
        elif (where := old.get(f"in-pack/{sha256}")) is not None:
            place = msgspec.msgpack.decode(where, type=_InPack)
            if place.pack not in packs:
                handle = old.get(f"pack/{place.pack}", read=True)
                if handle is None:
                    continue  # lost: the next sync fetches it
                with handle:
                    packs[place.pack] = (_relative(store.directory, handle.name), os.fstat(handle.fileno()).st_size)
            members.append((sha256, size, place.pack, place.offset))
    store.put_blobs(inline)
    with store._transaction():
        store._db.executemany("INSERT OR IGNORE INTO blob(sha256, size, file) VALUES (?, ?, ?)", files)
        store._db.executemany(
            "INSERT OR IGNORE INTO pack(id, sha256, file, size) VALUES (?, ?, ?, ?)",
            [(pack, pack.partition(".")[0], file, size) for pack, (file, size) in packs.items()],
        )
        store._db.executemany("INSERT OR IGNORE INTO blob(sha256, size, pack, offset) VALUES (?, ?, ?, ?)", members)
        store._db.execute(
            "INSERT OR REPLACE INTO pointer(name, manifest, signature, etag, media_index) VALUES ('current', ?, ?, ?, ?)",
            (pointer.manifest, pointer.signature, pointer.etag, pointer.media_index),
        )


def _relative(directory: Path, path: str) -> str:
    return os.path.relpath(path, directory)
