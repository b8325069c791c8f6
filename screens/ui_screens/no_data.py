"""What a new terminal shows before its first data arrives: never a fake
village, never an empty screen -- a plain message and the hotline."""

from __future__ import annotations

from kivy.properties import StringProperty

from screens.ui_screens.base import KioskScreen


class NoDataScreen(KioskScreen):
    detail = StringProperty("")

    def show(self, **_params) -> None:
        self.title = "村务公开查询"
        last = self.app.data.last_sync
        self.detail = f"最近一次联系上级平台：{last}" if last else ""
