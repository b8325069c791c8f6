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

import importlib
import logging

# Loaded on first use (PEP 562): the kiosk opens its store at start-up, but
# the HTTP client and the publisher are not needed before the first frame.
_EXPORTS = {
    "import_tree": "kiosk.feed.import_",
    "Keyring": "kiosk.feed.keys",
    "FileEntry": "kiosk.feed.manifest",
    "FileKind": "kiosk.feed.manifest",
    "Manifest": "kiosk.feed.manifest",
    "EXIT_STATUS": "kiosk.feed.outcome",
    "OutcomeKind": "kiosk.feed.outcome",
    "OutcomeRecord": "kiosk.feed.outcome",
    "SyncOutcome": "kiosk.feed.outcome",
    "build": "kiosk.feed.publish",
    "verify_tree": "kiosk.feed.publish",
    "Store": "kiosk.feed.store",
    "is_stale": "kiosk.feed.store",
    "ConfigurationError": "kiosk.feed.sync",
    "Syncer": "kiosk.feed.sync",
    "Timeouts": "kiosk.feed.sync",
    "RetryPolicy": "kiosk.feed.worker",
    "SyncWorker": "kiosk.feed.worker",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kiosk.feed' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


# A library logs, the application decides where lines go (and the CLI
# prints its own one line, so no second copy on stderr by default).
logging.getLogger(__name__).addHandler(logging.NullHandler())

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
