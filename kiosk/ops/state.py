"""The operations state kept beside the village data: undelivered usage
counts and the PIN lock-out, in a diskcache at ``<store>/ops``.

A separate cache, not the feed store's own: opening a diskcache with other
settings rewrites that cache's settings, and the feed store must keep its
"never evict" policy.
"""

from __future__ import annotations

from pathlib import Path

import diskcache

from kiosk.config import Config

STATE_DIR_NAME = "ops"


def state_dir(store_dir: Path | str) -> Path:
    return Path(store_dir) / STATE_DIR_NAME


def open_state(store_dir: Path | str) -> diskcache.Cache:
    # Everything kept here is bounded by its owner (see kiosk.ops.heartbeat),
    # so diskcache must never evict on its own.
    return diskcache.Cache(str(state_dir(store_dir)), eviction_policy="none", size_limit=2**40, timeout=30)


def open_configured_state(config: Config) -> diskcache.Cache:
    return open_state(config.feed.store)
