"""Two generic screen shapes most records fit: a list of rows, and a
scrolling page of titled sections. Concrete screens only say *what* to show."""

from __future__ import annotations

from kivy.properties import StringProperty

from screens.base import KioskScreen
from screens.widgets import KButton, KLabel, Section


class ListScreen(KioskScreen):
    """A heading line and a smooth-scrolling list of large rows."""

    intro = StringProperty("")
    empty_text = StringProperty("这里还没有内容。")

    def show(self, **params) -> None:
        self.ids.rows.rows = self.rows(**params)

    def rows(self, **params) -> list[dict]:
        raise NotImplementedError


class PageScreen(KioskScreen):
    """A long page of sections that scrolls; nothing is cut off."""

    def show(self, **params) -> None:
        content = self.ids.page.content
        content.clear_widgets()
        self.fill(content, **params)
        self.ids.page.scroll_y = 1

    def fill(self, content, **params) -> None:
        raise NotImplementedError

    @staticmethod
    def add_section(content, title: str, paragraphs: list[str]) -> Section:
        section = Section(title=title)
        for text in paragraphs:
            section.add_widget(KLabel(text=text))
        content.add_widget(section)
        return section

    @staticmethod
    def add_heading(content, text: str) -> None:
        content.add_widget(KLabel(text=text, role="heading"))

    @staticmethod
    def add_button(content, text: str, action) -> None:
        content.add_widget(KButton(text=text, action=action))
