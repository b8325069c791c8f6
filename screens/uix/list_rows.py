"""Rows of a RowList that are as tall as what they hold, for pages long
enough to be lists (a year's budget lines): only the rows on screen exist
as widgets, however long the page.

A list places a row at the height its data gives (``row_size``); a row
given none is measured by the list (RowList) before it is shown, on a spare
view of its class, so the list is as tall as its rows before they scroll in
and does not jump as they do.
"""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from screens.uix.lay_out_now import lay_out_now


class SelfSizedRow(RecycleDataViewBehavior):
    """A row that lays itself out when the list places it and takes its own
    height (the list follows a view's height). A subclass says what it
    shows in ``shown``: laid out again only when that or its width
    changed."""

    _laid_out_for: tuple = ()

    def shown(self) -> object:
        raise NotImplementedError

    def refresh_view_layout(self, rv, index, layout, viewport):
        """Laid out now, at the list's width: the list learns the row's
        height in one relayout of its rows (see lay_out_now), not in one for
        every step of Kivy's own layout."""
        super().refresh_view_layout(rv, index, layout, viewport)
        key = (self.shown(), self.width)
        if self._laid_out_for != key:
            self._laid_out_for = key
            lay_out_now(self)
        self.height = self.minimum_height  # the list set the height its data gave

    def measure(self, rv, index: int, data: dict, width: float) -> float:
        """The height this row takes showing ``data`` at ``width``."""
        self.refresh_view_attrs(rv, index, data)
        self.width = width
        self._laid_out_for = (self.shown(), width)
        return lay_out_now(self)


class TextRow(SelfSizedRow, BoxLayout):
    """A line of text between a page's rows: a section's title, or a hint."""

    text = StringProperty()
    role = StringProperty("section")  # "section" or "hint"

    def shown(self) -> object:
        return (self.text, self.role)
