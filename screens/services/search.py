"""The search index of the data on show, built off the UI thread."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import ObjectProperty

from kiosk.ops.logs import log_event
from kiosk.search import SearchIndex
from kiosk.snapshot import Snapshot

log = logging.getLogger(__name__)


class SearchService(EventDispatcher):
    """The search index of the snapshot on show; ``index`` is None while it
    is being built (a fraction of a second for a village, more than a
    second for 10,000 records: never on the UI thread)."""

    index: SearchIndex | None = ObjectProperty(None, allownone=True)

    def __init__(self, data, **kwargs):
        super().__init__(**kwargs)
        self._generation = 0
        self._data = data

    def start(self) -> None:
        """Index the data on show, and each new snapshot from now on (the
        app calls this after its first frame: building the index competes
        with drawing for the interpreter)."""
        self._data.bind(snapshot=lambda _data, snapshot: self.rebuild(snapshot))
        self.rebuild(self._data.snapshot)

    def refresh_day(self) -> None:
        """Index anew when the day has changed since: the names in results
        lists are found only while their publicity period runs."""
        if self.index is not None and self.index.day != dt.date.today():
            self.rebuild(self._data.snapshot)

    def rebuild(self, snapshot: Snapshot | None) -> None:
        # Results of the old data must not open records the new data lacks.
        self.index = None
        self._generation += 1
        generation = self._generation
        if snapshot is None:  # no data yet: nothing to search
            return

        def build() -> None:
            # Not work that can wait: a villager typing a search waits for it (given way to taps, the
            # index of a new version came seconds late to a search under load).
            try:
                index = SearchIndex.build(snapshot)
            except Exception:  # a search that fails must not take the terminal down
                log_event(log, "search.index_failed", logging.ERROR, exc_info=True)
                return
            Clock.schedule_once(lambda _dt: self._ready(generation, index))

        threading.Thread(target=build, name="search-index", daemon=True).start()

    def _ready(self, generation: int, index: SearchIndex) -> None:
        if generation == self._generation:  # else a newer snapshot came meanwhile
            self.index = index
