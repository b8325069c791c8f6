"""反映的问题办得怎么样: the platform's quarterly account of the reports
villagers made about this village -- received, handled, typical results --
in plain words (``kiosk.complaint_outcomes``)."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.complaint_outcomes import quarter_view
from kiosk.privacy import public_numbers
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.lists import PageScreen
from screens.uix.widgets import HintLabel, HintText, KLabel, Section


class ResultCard(BoxLayout):
    """One typical result: what was reported, and what was found and done."""

    matter = StringProperty()
    outcome = StringProperty()


class OutcomesScreen(PageScreen):
    def fill(self, content, **params) -> None:
        self.title = "反映的问题办得怎么样"
        self.add_heading(content, self.title)
        reports = self.snapshot.complaint_reports
        if not reports:
            content.add_widget(self.make(KLabel, text="上级平台还没有公布反映问题的办理情况。", role="title"))
        else:
            hint = "大家扫码或打电话反映的问题，上级平台每个季度公布一次：收到多少，办完多少，典型的结果。"
            content.add_widget(self.make(HintText, text=hint))
        public = public_numbers(self.snapshot.complaint.hotlines)
        for report in reports:
            view = quarter_view(report, public)
            section = self.make(Section, title=view.title_zh)
            section.add_widget(self.make(KLabel, text=view.summary_zh, role="title"))
            if view.upheld_zh:
                section.add_widget(self.make(KLabel, text=view.upheld_zh))
            section.add_widget(self.make(HintLabel, text=view.published_zh))
            for matter, outcome in view.results:
                section.add_widget(self.make(ResultCard, matter=matter, outcome=outcome))
            if view.note:
                section.add_widget(self.make(HintText, text=view.note))
            content.add_widget(section)
        self.add_button(content, "我也要反映问题", go_to(ScreenName.COMPLAINT))
