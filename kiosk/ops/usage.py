"""Anonymous usage counts: how often each screen and each item was viewed.

Only counts, per (screen, item id), since the last report: no times of
single views, no touches, nothing about who looked. Item ids name public
records (a project, a power item), never a person.

``record_view`` is called from the UI thread on every screen change, so it
is a dictionary increment under a lock; the heartbeat thread takes the
counts away with ``drain``.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

# A bug or an odd data set must not grow memory or reports without bound:
# views of items past this many distinct keys are only counted in total.
MAX_KEYS = 2000


@dataclass(frozen=True)
class UsageCounts:
    views: dict[tuple[str, str | None], int]
    dropped: int = 0  # views not itemised because of MAX_KEYS

    def __bool__(self) -> bool:
        return bool(self.views) or self.dropped > 0


class UsageCounter:
    def __init__(self, max_keys: int = MAX_KEYS):
        self._lock = threading.Lock()
        self._views: Counter[tuple[str, str | None]] = Counter()
        self._dropped = 0
        self.max_keys = max_keys

    def record_view(self, screen: str, item_id: str | None = None) -> None:
        key = (screen, item_id)
        with self._lock:
            if key in self._views or len(self._views) < self.max_keys:
                self._views[key] += 1
            else:
                self._dropped += 1

    def drain(self) -> UsageCounts:
        """The counts so far, resetting them to zero."""
        with self._lock:
            counts = UsageCounts(dict(self._views), self._dropped)
            self._views.clear()
            self._dropped = 0
        return counts
