"""Corrections (更正记录): every published record changed or withdrawn in
the last 12 months, newest first, and the page of a withdrawn one -- what
it said and why it was taken down. A changed record opens its own page,
where its corrections are shown (``screens.uix.history_note``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kivy.app import App
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.corrections_view import change_summary, corrections_count, kind_name, record_fields, record_title
from kiosk.disclosure_view import date_zh
from kiosk.feed.history import BEIJING, Entry
from kiosk.feed.records import BY_KEY, KINDS
from kiosk.privacy import mask_text, public_numbers
from screens.shell.navigation import go_to
from screens.shell.registry import RECORD_PAGES, ScreenName
from screens.ui_screens.lists import ListScreen, PageScreen
from screens.uix.widgets import FitRow, HintLabel, Pill, RowButton

WITHDRAWN_BADGE = "已撤下"
CHANGED_BADGE = "已修改"


def today(screen) -> dt.date:
    """The terminal's trusted day (Beijing time): the window of 12 months ends here."""
    return screen.app.live.now().astimezone(BEIJING).date()


def corrections_link_text(snapshot, day: dt.date) -> str:
    """The home screen's way in, with what is inside."""
    changed, withdrawn = corrections_count(snapshot.history, day)
    if not changed and not withdrawn:
        return "更正记录：近12个月没有修改或撤下已公开的内容"
    return f"更正记录：近12个月修改{changed}条、撤下{withdrawn}条"


def correction_row(entry: Entry, published: dict[str, dict[str, Any]], public: frozenset[str]) -> dict:
    """A correction as a list row: a changed record leads to its own page
    (where its corrections are shown), a withdrawn one to its correction's."""
    correction = entry.correction
    kind = correction.kind
    page = RECORD_PAGES.get(kind.key)
    if not entry.withdrawn and page is not None and correction.id in published.get(kind.key, {}):
        action = go_to(page[0], **{page[1]: correction.id})
    else:
        action = go_to(ScreenName.CORRECTION_DETAIL, record=correction.key, version=entry.version)
    what = f"撤下原因：{mask_text(correction.reason, public)}" if entry.withdrawn else change_summary(entry, public)
    return {
        "title": record_title(kind, correction.after or correction.before, public),
        # What changed first: a subtitle has one line, cut short at large text.
        "subtitle": f"{what} · {date_zh(correction.date)} · {kind_name(kind)}",
        "badge": WITHDRAWN_BADGE if entry.withdrawn else CHANGED_BADGE,
        "action": action,
    }


def withdrawn_entries(snapshot, kind: str) -> list[Entry]:
    """Records of ``kind`` withdrawn and not published again, newest first."""
    published = BY_KEY[kind].of(snapshot)
    return [entry for entry in snapshot.history.withdrawn(kind) if entry.correction.id not in published]


def withdrawn_rows(snapshot, kind: str, entries: list[Entry] | None = None) -> list[dict]:
    """The rows a list of ``kind`` keeps for its records withdrawn since
    (``entries``: those of them, else all): a withdrawn record stays where
    villagers saw it, marked 已撤下, and leads to what it said and why."""
    entries = withdrawn_entries(snapshot, kind) if entries is None else entries
    public = public_numbers(snapshot.complaint.hotlines)
    return [correction_row(entry, {}, public) for entry in entries]


class RecordRowView(RecycleDataViewBehavior, RowButton):
    """A long list's row, drawn from its record when it scrolls into view
    (``show_record``, with the numbers that may be shown in full); or one
    withdrawn since (``{"withdrawn": row}`` of ``withdrawn_rows``), as the
    corrections list shows it."""

    def refresh_view_attrs(self, rv, index, data):
        withdrawn = data.get("withdrawn")
        if withdrawn is not None:
            self.title, self.subtitle, self.badge, self.action = (withdrawn[key] for key in ("title", "subtitle", "badge", "action"))
            self.value = self.value_tone = ""
        else:
            self.show_record(data, public_numbers(App.get_running_app().data.snapshot.complaint.hotlines))
        return super().refresh_view_attrs(rv, index, data)

    def show_record(self, data: dict, public: frozenset[str]) -> None:
        raise NotImplementedError


class CorrectionsScreen(ListScreen):
    def rows(self, **_params):
        self.title = "更正记录"
        recent = self.snapshot.history.recent(today(self))
        self.intro = "已经公开的内容，后来修改或撤下的，都记在这里：原来是什么，什么时候改的，为什么改。"
        self.empty_text = "近12个月没有修改或撤下已经公开的内容。"
        public = public_numbers(self.snapshot.complaint.hotlines)
        published = {kind.key: kind.of(self.snapshot) for kind in KINDS}
        return [correction_row(entry, published, public) for entry in recent]


class CorrectionDetailScreen(PageScreen):
    """One correction: a withdrawn record's page (it has no other any more)."""

    def fill(self, content, **params) -> None:
        record: str = params["record"]
        version: int = params["version"]
        entry = next((e for e in self.snapshot.history.of(record) if e.version == version), None)
        if entry is None:
            raise KeyError(record)  # gone with a data update
        correction = entry.correction
        kind = correction.kind
        public = public_numbers(self.snapshot.complaint.hotlines)
        self.title = "更正记录"
        self.add_heading(content, record_title(kind, correction.before, public))
        line = FitRow()
        line.add_widget(Pill(text=WITHDRAWN_BADGE if entry.withdrawn else CHANGED_BADGE, tone="warn"))
        line.add_widget(HintLabel(text=f"{kind_name(kind)} · {date_zh(correction.date)}{'撤下' if entry.withdrawn else '修改'}"))
        content.add_widget(line)
        self.add_section(content, "撤下原因" if entry.withdrawn else "更正说明", [correction.reason])
        if not entry.withdrawn:
            self.add_section(content, "改了什么", [change_summary(entry, public)])
        self.add_section(content, "原来公开的内容", [f"{f.label}：{f.value}" for f in record_fields(kind, correction.before, public)])
        if correction.after is not None:
            self.add_section(content, "改后的内容", [f"{f.label}：{f.value}" for f in record_fields(kind, correction.after, public)])
        self.add_button(content, "对此有疑问？扫码反映", go_to(ScreenName.COMPLAINT, item_id=correction.id))
