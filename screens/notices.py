"""Notices and typical cases: the list and a reader."""

from __future__ import annotations

from kiosk.privacy import mask_text
from screens.lists import ListScreen, PageScreen
from screens.navigation import go_to
from screens.registry import ScreenName


class NoticesScreen(ListScreen):
    def rows(self, **_params):
        self.title = "通知公告和典型案例"
        notices = [
            dict(title=n.title, subtitle=f"{n.date:%Y年%-m月%-d日} · {n.issuer}", value="通知",
                 action=go_to(ScreenName.NOTICE_DETAIL, notice_id=n.id))
            for n in self.snapshot.notices
        ]
        cases = [
            dict(title=c.title, subtitle=f"{c.date:%Y年%-m月%-d日}", value="案例",
                 action=go_to(ScreenName.NOTICE_DETAIL, case_id=c.id))
            for c in self.snapshot.cases
        ]
        return notices + cases


class NoticeDetailScreen(PageScreen):
    def fill(self, content, notice_id: str = "", case_id: str = ""):
        if notice_id:
            notice = self.snapshot.notice(notice_id)
            self.title = "通知公告"
            self.add_heading(content, notice.title)
            self.add_section(content, f"{notice.date:%Y年%-m月%-d日}　{notice.issuer}", [mask_text(notice.body)])
        else:
            case = self.snapshot.case(case_id)
            self.title = "典型案例"
            self.add_heading(content, case.title)
            self.add_section(content, f"{case.date:%Y年%-m月%-d日}", [mask_text(case.body)])
            if case.lesson:
                self.add_section(content, "警示", [mask_text(case.lesson)])
