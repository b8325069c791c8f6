"""The signed village feed: publishing, syncing, importing and keeping it.

The protocol is written down in docs/FEED-PROTOCOL.md. What the app needs:

    store = Store.from_config(config)
    snapshot = store.snapshot()              # None until the first sync/import
    stale = store.is_stale(snapshot.info)    # "数据可能不是最新"
    syncer = Syncer.from_config(config, store)
    worker = SyncWorker(syncer.sync_once, on_result, RetryPolicy(interval=...))
    worker.start()                           # on_result runs on the worker thread

Nothing here imports Kivy.
"""

import logging

from kiosk.feed.import_ import import_tree
from kiosk.feed.keys import Keyring
from kiosk.feed.manifest import FileEntry, FileKind, Manifest
from kiosk.feed.outcome import EXIT_STATUS, OutcomeKind, OutcomeRecord, SyncOutcome
from kiosk.feed.publish import build, verify_tree
from kiosk.feed.store import Store, is_stale
from kiosk.feed.sync import ConfigurationError, Syncer, Timeouts
from kiosk.feed.worker import RetryPolicy, SyncWorker

# A library logs, the application decides where lines go (and the CLI
# prints its own one line, so no second copy on stderr by default).
logging.getLogger("kiosk.feed").addHandler(logging.NullHandler())

__all__ = [
    "EXIT_STATUS",
    "ConfigurationError",
    "FileEntry",
    "FileKind",
    "Keyring",
    "Manifest",
    "OutcomeKind",
    "OutcomeRecord",
    "RetryPolicy",
    "Store",
    "SyncOutcome",
    "SyncWorker",
    "Syncer",
    "Timeouts",
    "build",
    "import_tree",
    "is_stale",
    "verify_tree",
]
