"""Two generic screen shapes most records fit: a list of rows, and a
scrolling page of titled sections. Concrete screens only say *what* to show."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.complaint import ItemKind
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.uix.widgets import KButton, KLabel, LongText, Section


class ListScreen(KioskScreen):
    """A heading line and a smooth-scrolling list of large rows."""

    intro = StringProperty("")
    empty_text = StringProperty("这里还没有内容。")

    def show(self, **params) -> None:
        self.ids.rows.rows = self.rows(**params)

    def rows(self, **params) -> list[dict]:
        raise NotImplementedError


class PageScreen(KioskScreen):
    """A long page of sections that scrolls; nothing is cut off.

    Parts made with ``make`` are given the next record's content instead of
    being built again: a page's thirty-odd widgets and their kv rules were
    a third of opening it, and parts whose text stays the same (section
    titles) are not even drawn again."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._spares: dict[tuple, list] = {}

    def show(self, **params) -> None:
        content = self.ids.page.content
        self._spares = {}
        for part in content.children:  # last added first: pop() hands them out in their old order
            self._keep_spare(part)
        content.clear_widgets()
        self.fill(content, **params)
        self._spares = {}  # parts this record did not need
        self.ids.page.scroll_y = 1

    def fill(self, content, **params) -> None:
        raise NotImplementedError

    def make(self, cls, **props):
        """A ``cls(**props)``: a spare from the last record's page if it
        has one made with the same properties set, else a new one."""
        key = (cls, tuple(sorted(props)))
        spares = self._spares.get(key)
        if not spares:
            part = cls(**props)
            part.page_part = key
            return part
        part = spares.pop()
        for name, value in props.items():
            setattr(part, name, value)
        return part

    def _keep_spare(self, part) -> None:
        key = getattr(part, "page_part", None)
        if key is None:  # made some other way: it goes
            return
        if isinstance(part, Section):
            for paragraph in part.children[:-1]:  # all but the title its kv rule made first
                part.remove_widget(paragraph)
                self._keep_spare(paragraph)
        self._spares.setdefault(key, []).append(part)

    def add_section(self, content, title: str, paragraphs: list[str]) -> Section:
        section = self.make(Section, title=title)
        for text in paragraphs:
            section.add_widget(self.make(LongText, text=text))
        content.add_widget(section)
        return section

    def add_heading(self, content, text: str) -> None:
        content.add_widget(self.make(KLabel, text=text, role="heading"))

    def add_button(self, content, text: str, action) -> None:
        content.add_widget(self.make(KButton, text=text, action=action))

    def add_report(self, content, text: str, kind: ItemKind, item_id: str) -> None:
        """The 反映 button a record's page ends with: the code it leads to names this record."""
        action = go_to(ScreenName.COMPLAINT, kind=kind.value, item_id=item_id)
        content.add_widget(self.make(KButton, text=text, role="title", action=action))
