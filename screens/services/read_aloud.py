"""朗读: which record the screen on show is about, and reading it aloud.

The record is found from the navigation entry (screen name + params), so
screens need no code of their own for it; the text itself is built in the
core (kiosk.speech) per record type. A screen whose record is not in its
params (a villager's own subsidies, which must never be) says itself what
to read: ``spoken_text()``.
"""

from __future__ import annotations

import logging

from kiosk.ops.logs import log_event
from kiosk.privacy import public_numbers
from kiosk.snapshot import Snapshot
from kiosk.speech import SpeechEngine, spoken_text
from kiosk.speech.texts import corrections_text
from screens.shell.registry import ScreenName

log = logging.getLogger(__name__)

_LOOKUPS = {
    ScreenName.POWER_DETAIL: lambda s, p: s.power_item(p["item_id"]),
    ScreenName.POWER_FLOWCHART: lambda s, p: s.power_item(p["item_id"]),
    ScreenName.PROJECT_DETAIL: lambda s, p: s.project(p["project_id"]),
    ScreenName.FINANCE_ENTRY: lambda s, p: s.finance_entry(p["entry_id"]),
    ScreenName.DISCLOSURE_DETAIL: lambda s, p: s.disclosure(p["disclosure_id"]),
    ScreenName.NOTICE_DETAIL: lambda s, p: s.notice(p["notice_id"]) if p.get("notice_id") else s.case(p["case_id"]),
    ScreenName.COMPLAINT: lambda s, p: s.complaint,
}


def record_on_screen(snapshot: Snapshot, name: ScreenName, params: dict):
    """The record a screen shows, or None for screens with nothing to read."""
    lookup = _LOOKUPS.get(name)
    if lookup is None:
        return None
    try:
        return lookup(snapshot, params)
    except (KeyError, StopIteration):
        return None


class ReadAloud:
    """Wraps the engine for the UI; absent engine = no button, one log line."""

    def __init__(self, engine: SpeechEngine | None):
        self.engine = engine
        if engine is None:
            log_event(log, "read_aloud.unavailable", reason="no espeak-ng with the cmn-latn-pinyin voice")

    @property
    def available(self) -> bool:
        return self.engine is not None

    def text_for(self, snapshot: Snapshot | None, name: ScreenName, params: dict, screen: object = None) -> str | None:
        own = getattr(screen, "spoken_text", None)
        if own is not None:
            return own()
        if snapshot is None:  # no data yet: nothing to read
            return None
        record = record_on_screen(snapshot, name, params)
        if record is None:
            return None
        public = public_numbers(snapshot.complaint.hotlines)
        # A corrected record is heard with its corrections, as it is seen with them.
        return spoken_text(record, public) + corrections_text(snapshot.history, record, public)

    def toggle(self, snapshot: Snapshot | None, name: ScreenName, params: dict, screen: object = None) -> bool:
        """Start reading the screen's record, or stop; True when now reading."""
        if self.engine is None:
            return False
        if self.engine.is_speaking():
            self.engine.stop()
            return False
        text = self.text_for(snapshot, name, params, screen)
        if text:
            self.engine.speak(text)
            return True
        return False

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()

    def failed(self) -> bool:
        """The last reading could not be heard (no sound device): once."""
        return self.engine is not None and self.engine.take_failure() is not None

    def is_speaking(self) -> bool:
        return self.engine is not None and self.engine.is_speaking()
