"""谁负责: the village's committees (村两委 and 村务监督委员会), who sits on
them, their duties and office phones; one person with the powers they
exercise. Office phones are shown whole, personal ones masked
(``kiosk.people_view``)."""

from __future__ import annotations

from kiosk.people_view import COMMITTEE_NAMES, person_view, roster
from kiosk.privacy import public_numbers
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.lists import PageScreen
from screens.uix.widgets import HintLabel, HintText, KButton, KLabel, Section


class PeopleScreen(PageScreen):
    def fill(self, content, **params) -> None:
        self.title = "谁负责"
        self.add_heading(content, "村干部和村务监督委员会")
        committees = roster(self.snapshot, public_numbers(self.snapshot.complaint.hotlines))
        if not committees:
            content.add_widget(self.make(KLabel, text="上级平台还没有公布村干部名单。", role="title"))
            return
        hint = "村党支部和村委会办事，村务监督委员会监督。对公示有意见，可以先找村务监督委员会。点名字看他管什么事。"
        content.add_widget(self.make(HintText, text=hint))
        for committee in committees:
            section = self.make(Section, title=committee.name or COMMITTEE_NAMES[committee.kind])
            if committee.duties:
                section.add_widget(self.make(KLabel, text=committee.duties))
            if committee.office_phone:
                section.add_widget(self.make(KLabel, text=f"办公电话：{committee.office_phone}", role="title"))
            for member in committee.members:
                text = f"{member.name}　{member.title}"
                section.add_widget(self.make(KButton, text=text, action=go_to(ScreenName.PERSON_DETAIL, person_id=member.person_id)))
            content.add_widget(section)


class PersonDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        person_id: str = params["person_id"]
        view = person_view(self.snapshot, person_id, public_numbers(self.snapshot.complaint.hotlines))
        self.title = view.name
        self.add_heading(content, view.name)
        content.add_widget(self.make(KLabel, text=view.posts_zh, role="title"))
        if view.duties:
            self.add_section(content, "管什么事", [view.duties])
        phones = Section(title="电话")
        if view.office_phone:
            phones.add_widget(KLabel(text=f"办公电话：{view.office_phone}", role="title"))
        if view.phone:
            phones.add_widget(KLabel(text=f"个人电话：{view.phone}"))
            phones.add_widget(HintLabel(text="个人电话只显示一部分，保护个人信息。有事请打办公电话，或到村部找。"))
        if not (view.office_phone or view.phone):
            phones.add_widget(KLabel(text="没有公布电话，请到村部找。"))
        content.add_widget(phones)
        if view.powers:
            powers = Section(title=f"负责办的事（{len(view.powers)}项）")
            powers.add_widget(HintLabel(text="点一项看怎么办、按什么流程办。"))
            for item_id, name in view.powers:
                powers.add_widget(KButton(text=name, action=go_to(ScreenName.POWER_DETAIL, item_id=item_id)))
            content.add_widget(powers)
        self.add_button(content, "看全部村干部", go_to(ScreenName.PEOPLE))
