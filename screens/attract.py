"""The attract screen of an idle terminal: cycles the notices still current, invites a tap."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.disclosure_view import date_zh, notice_is_current
from kiosk.privacy import mask_text
from screens.base import KioskScreen

CYCLE_S = 8


class AttractScreen(KioskScreen):
    night = BooleanProperty(False)  # quiet hours: a dim clock, nothing cycling
    clock_text = StringProperty("")
    notice_title = StringProperty("")
    notice_body = StringProperty("")
    welcome = StringProperty("")

    def show(self, **_params) -> None:
        self.title = "欢迎查询"
        self.welcome = f"{self.snapshot.village.name}村务公开查询"
        self._index = 0
        self._show_notice()

    def on_enter(self, *_args):
        self._cycle = Clock.schedule_interval(self._next, CYCLE_S)

    def on_leave(self, *_args):
        self._cycle.cancel()

    def set_night(self, night: bool, now) -> None:
        self.night = night
        self.clock_text = f"{now:%H:%M}"

    def _next(self, *_args):
        self._index += 1
        self._show_notice()

    def _show_notice(self) -> None:
        if self.snapshot is None:  # the data source changed under a leaving screen
            return
        today = self.app.idle.wall_clock().date()
        notices = [notice for notice in self.snapshot.notices if notice_is_current(notice, today)]
        if not notices:
            self.notice_title = self.notice_body = ""
            return
        notice = notices[self._index % len(notices)]
        self.notice_title = notice.title
        # Its date and who issued it: the whole notice is read in 通知公告, not
        # cut short here (a screen no one scrolls).
        self.notice_body = " · ".join(filter(None, [date_zh(notice.date), mask_text(notice.issuer)]))
