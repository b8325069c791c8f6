"""USB / offline import: the same signed tree as the platform serves, from
a folder or an archive, through the same verification as an HTTP sync."""

from __future__ import annotations

from pathlib import Path

from kiosk.feed import keys, update
from kiosk.feed.outcome import SyncOutcome
from kiosk.feed.store import Store
from kiosk.feed.tree import open_tree


def import_tree(store: Store, path: Path, keyring: keys.Keyring, village: str | None = None) -> SyncOutcome:
    """Import the tree at ``path`` (folder, .tar, .tar.gz or .zip).

    ``village`` is the code this terminal shows; None means the store's
    current village, or any village for an empty store (first provisioning).
    """

    def run() -> SyncOutcome:
        # Tar archives are unpacked beside the store: same disk, not a small RAM /tmp.
        with open_tree(path, scratch=store.directory) as tree:
            raw, signature = tree.manifest_pair()
            return update.install(store, raw, signature, tree, keyring, village)

    return update.attempt(store, run)
