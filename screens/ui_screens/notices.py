"""Notices and typical cases: one list (cases marked 典型案例) and a reader
with large text -- paragraphs, issuer and date; a case's lesson stands out."""

from __future__ import annotations

from functools import partial

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout

from kiosk.disclosure_view import case_view, notice_view
from kiosk.privacy import public_numbers
from screens.shell.registry import ScreenName
from screens.ui_screens.corrections import RecordRowView, withdrawn_rows
from screens.ui_screens.lists import ListScreen, PageScreen
from screens.uix.history_note import add_history
from screens.uix.widgets import HintLabel, KLabel, LongText, Section

CASE_BADGE = "典型案例"


def _public(screen) -> frozenset[str]:
    return public_numbers(screen.snapshot.complaint.hotlines)


class ReadingText(KLabel):
    """Body text of the reader: a size up from ordinary text, not bold."""


class ReadingPassage(LongText):
    """A paragraph of the reader, however long (a notice may have 20,000
    characters): drawn in pieces of reading text."""

    piece_class = ReadingText


class ReadingColumn(BoxLayout):
    """Lines no longer than about 36 characters, centred: long lines across
    a landscape screen are hard to follow."""


class Lesson(Section):
    """A case's warning, on a coloured band so it is not missed."""


class NoticeRowView(RecordRowView):
    """A notice or case in the list, drawn from the record when it scrolls
    into view; or one withdrawn since, as the corrections list shows it."""

    def show_record(self, data: dict, public: frozenset[str]) -> None:
        notice = data.get("notice")
        if notice is not None:
            view = notice_view(notice, public)
            self.title, self.badge = view.title, ""
            self.subtitle = f"{view.date_zh} · {view.issuer}" if view.issuer else view.date_zh
            self.action = partial(_open, notice_id=view.id)
        else:
            case = case_view(data["case"], public)
            self.title, self.subtitle, self.badge = case.title, case.date_zh, CASE_BADGE
            self.action = partial(_open, case_id=case.id)


def _open(**record) -> None:
    App.get_running_app().nav.go(ScreenName.NOTICE_DETAIL, **record)


class NoticesScreen(ListScreen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ids.rows.viewclass = "NoticeRowView"

    def rows(self, **_params):
        self.title = "通知公告和典型案例"
        self.intro = "村里的通知在前面；后面标着“典型案例”的，是别处发生过的真事，引以为戒。"
        # One small dict per record: the row's text is made (and masked) by
        # the row itself, only for the few rows on screen -- a village may
        # keep thousands of notices.
        return [
            *({"notice": notice} for notice in self.snapshot.notices),
            *({"withdrawn": row} for row in withdrawn_rows(self.snapshot, "notice")),
            *({"case": case} for case in self.snapshot.cases),
            *({"withdrawn": row} for row in withdrawn_rows(self.snapshot, "case")),
        ]


class NoticeDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        column = ReadingColumn()
        content.add_widget(column)
        content = column
        notice_id: str = params.get("notice_id", "")
        if notice_id:
            notice = notice_view(self.snapshot.notice(notice_id), _public(self))
            self.title = "通知公告"
            self._read(content, notice.title, " · ".join(filter(None, [notice.date_zh, notice.issuer])), notice.body, ("notice", notice_id))
            if notice.issuer:
                content.add_widget(ReadingText(text=f"{notice.issuer}\n{notice.date_zh}", halign="right"))
        else:
            case_id: str = params.get("case_id", "")
            case = case_view(self.snapshot.case(case_id), _public(self))
            self.title = CASE_BADGE
            self._read(content, case.title, f"{CASE_BADGE} · {case.date_zh}", case.body, ("case", case_id))
            if case.lesson:
                lesson = Lesson(title="警示")
                lesson.add_widget(ReadingPassage(text=case.lesson))
                content.add_widget(lesson)

    def _read(self, content, title: str, meta: str, body: str, record: tuple[str, str]) -> None:
        self.add_heading(content, title)
        content.add_widget(HintLabel(text=meta))
        add_history(content, self.snapshot, *record)
        for paragraph in filter(None, (line.strip() for line in body.split("\n"))):
            content.add_widget(ReadingPassage(text=paragraph))
