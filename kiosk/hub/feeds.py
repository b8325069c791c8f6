"""What the county has published: the newest feed of each village, read
from the folder the publisher writes and nginx serves (``[hub] feed_dir``,
one signed tree per village code).

It gives the status page the version a terminal should show, and the names
of villages and townships (from each feed's ``village.json``). The folder is
the county's own, so the signature is not checked again here; a tree that
cannot be read counts as not published. Reads are cached by the manifest's
modification time: a page load costs a ``stat`` per village.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk import decode
from kiosk.decode import FeedError
from kiosk.feed.manifest import MANIFEST_NAME, BadManifest, blob_path, decode_manifest
from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedInfo:
    village: str
    version: int
    generated_at: int  # epoch seconds
    expires_at: int
    name: str = ""
    township: str = ""


class FeedIndex:
    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder else None
        self._cache: dict[str, tuple[int, FeedInfo | None]] = {}

    def newest(self, village: str) -> FeedInfo | None:
        if self.folder is None or not village.isdigit():
            return None
        tree = self.folder / village
        try:
            stamp = os.stat(tree / MANIFEST_NAME).st_mtime_ns
        except OSError:
            return None
        cached = self._cache.get(village)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        info = _read(tree)
        self._cache[village] = (stamp, info)
        return info


def _read(tree: Path) -> FeedInfo | None:
    try:
        manifest = decode_manifest((tree / MANIFEST_NAME).read_bytes())
        entry = next((e for e in manifest.files if e.name == decode.VILLAGE_DOC), None)
        village = decode.decode_document(decode.VILLAGE_DOC, (tree / blob_path(entry.sha256)).read_bytes()).village if entry else None
    except (OSError, BadManifest, FeedError) as exc:
        log_event(log, "hub.feed_unreadable", logging.WARNING, feed=tree, error=exc)
        return None
    return FeedInfo(
        village=manifest.village,
        version=manifest.version,
        generated_at=int(manifest.generated_at.timestamp()),
        expires_at=int(manifest.expires_at.timestamp()),
        name=village.name if village else "",
        township=village.township if village else "",
    )
