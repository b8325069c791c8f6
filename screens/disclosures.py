"""Results disclosure (办事结果公开): the lists and one list."""

from __future__ import annotations

from kiosk.privacy import mask_text
from screens.lists import ListScreen, PageScreen
from screens.navigation import go_to
from screens.registry import ScreenName


class DisclosuresScreen(ListScreen):
    def rows(self, **_params):
        self.title = "办事结果公开"
        self.intro = "低保、危房改造、救助、党员发展、宅基地等办理结果。"
        return [
            dict(title=d.title, subtitle=f"公示期 {d.publicity_start:%Y-%m-%d} 至 {d.publicity_end:%Y-%m-%d}",
                 value=f"{len(d.rows)}条",
                 action=go_to(ScreenName.DISCLOSURE_DETAIL, disclosure_id=d.id))
            for d in self.snapshot.disclosures
        ]


class DisclosureDetailScreen(PageScreen):
    def fill(self, content, disclosure_id: str):
        disclosure = self.snapshot.disclosure(disclosure_id)
        self.title = disclosure.title
        self.add_heading(content, disclosure.title)
        self.add_section(content, "公示期", [
            f"{disclosure.publicity_start:%Y年%-m月%-d日} 至 {disclosure.publicity_end:%Y年%-m月%-d日}"
        ])
        self.add_section(content, "名单", [
            "　".join(f"{column}：{mask_text(cell)}" for column, cell in zip(disclosure.columns, row))
            for row in disclosure.rows
        ])
