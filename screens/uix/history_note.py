"""A record's corrections where the record is shown (``kiosk.feed.history``):
a tinted box under the record's title, one line per correction, oldest
first -- what the record said before, when it changed, and why.

    修改记录：2026年9月14日 金额由17,820.00元改为17,280.00元。更正说明：……
"""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.corrections_view import history_line
from kiosk.privacy import public_numbers
from screens.shell.navigation import load_kv
from screens.uix.widgets import KLabel, LongText


class HistoryLabel(KLabel):
    """A piece of a correction's line, in the warning colour."""


class HistoryText(LongText):
    piece_class = HistoryLabel


class HistoryNote(BoxLayout):
    title = StringProperty()


def add_history(content, snapshot, kind: str, record_id: str) -> HistoryNote | None:
    """Add a record's corrections to a page, if it has any (``kind``: as in
    ``kiosk.feed.records``, e.g. "finance")."""
    entries = snapshot.history.of(f"{kind}:{record_id}")
    if not entries:
        return None
    load_kv("uix.history_note")
    public = public_numbers(snapshot.complaint.hotlines)
    note = HistoryNote(title="这一条公开后改过" if len(entries) == 1 else f"这一条公开后改过{len(entries)}次")
    for entry in entries:
        note.add_widget(HistoryText(text=history_line(entry, public)))
    content.add_widget(note)
    return note
