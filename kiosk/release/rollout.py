"""Staged rollout: which terminals take a release.

A terminal takes it when its township is listed, or when its *bucket*
(0-99, from the SHA-256 of its id and the release's version) is below the
percentage. Raising the percentage only adds terminals (10 % → 50 % keeps
the first 10 %), and each release starts on a different tenth of the fleet,
so no village is always the first to meet a new release.
"""

from __future__ import annotations

import hashlib

from kiosk.hub.store import township_of
from kiosk.release.manifest import Rollout


def bucket(terminal_id: str, version: str) -> int:
    digest = hashlib.sha256(f"{terminal_id}\n{version}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def takes(rollout: Rollout, terminal_id: str, village: str, version: str) -> bool:
    return township_of(village) in rollout.townships or bucket(terminal_id, version) < rollout.percent


def describe(rollout: Rollout) -> str:
    parts = [f"{rollout.percent}% of terminals"] if rollout.percent else []
    if rollout.townships:
        parts.append(f"townships {', '.join(rollout.townships)}")
    return " and ".join(parts) or "no terminal"
