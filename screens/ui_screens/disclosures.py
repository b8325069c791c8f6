"""Results disclosure (办事结果公开): the lists, and one list as a table.

The table is a real grid when its columns fit the screen at the current
text size; otherwise (portrait, large text, many columns) each row becomes
a small card, "column: value", so nothing is squeezed or cut. Long lists
come in pages with big 上一页 / 下一页 buttons rather than endless scrolling.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.complaint import ItemKind
from kiosk.disclosure_view import IN_PUBLICITY_BADGE, disclosure_view, row_of_name
from kiosk.privacy import MaskedTable, public_numbers
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.corrections import withdrawn_rows
from screens.ui_screens.lists import ListScreen, PageScreen
from screens.uix.history_note import add_history
from screens.uix.widgets import FitRow, HintText, KLabel, MessageStrip, Pill, Section

ROWS_PER_PAGE = 20
WIDEST_CELL_EM = 10  # a longer cell wraps rather than widening its column further


def _public(screen) -> frozenset[str]:
    return public_numbers(screen.snapshot.complaint.hotlines)


def text_width_em(text: str) -> float:
    """Rough width in font sizes: CJK and fullwidth characters are square,
    digits and Latin letters about half as wide."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


class DisclosuresScreen(ListScreen):
    def rows(self, **_params):
        self.title = "办事结果公开"
        self.intro = "低保、危房改造、救助、党员发展、宅基地等办理结果。标着“公示中”的，还可以提意见。"
        today = dt.date.today()
        public = _public(self)
        rows = []
        for disclosure in self.snapshot.disclosures:
            view = disclosure_view(disclosure, today, public)
            rows.append(
                {
                    "title": view.title,
                    "subtitle": f"{view.kind_zh} · {view.period_zh}",
                    "badge": IN_PUBLICITY_BADGE if view.in_publicity else "",
                    "value": f"{len(view.table.rows)}条",
                    "action": go_to(ScreenName.DISCLOSURE_DETAIL, disclosure_id=view.id),
                }
            )
        return rows + withdrawn_rows(self.snapshot, "disclosure")


class HeaderCell(KLabel):
    """A column heading: light bold text on the dark header band."""


class TableRow(FitRow):
    """One row of the grid; the header row sits on a dark band."""

    shaded = BooleanProperty(False)
    header = BooleanProperty(False)
    marked = BooleanProperty(False)  # the row a name search found


class TableCard(BoxLayout):
    """One row as a card: the first column as its title, then one
    "column：value" per field, in one or two columns."""

    shaded = BooleanProperty(False)
    marked = BooleanProperty(False)  # the row a name search found


class FieldLines(KLabel):
    """A card's fields, one to a line, spaced as separate lines would be."""


class DisclosureTable(BoxLayout):
    """The masked table, one page at a time, as a grid or as cards."""

    table = ObjectProperty(None, allownone=True)
    page = NumericProperty(0)
    pages = NumericProperty(1)
    as_cards = BooleanProperty(False)
    marked = NumericProperty(-1)  # the row a name search found: shown marked, scrolled to

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._rebuild = Clock.create_trigger(self.rebuild)
        self.bind(width=self._rebuild, table=self._rebuild, page=self._rebuild)

    def show(self, table: MaskedTable, marked: int = -1) -> None:
        """Open at the page that holds the ``marked`` row, if any."""
        self.pages = max(1, -(-len(table.rows) // ROWS_PER_PAGE))
        self.page = min(max(marked, 0) // ROWS_PER_PAGE, self.pages - 1)
        self.marked = marked
        self.table = table  # drawn once laid out, when its width is known

    def turn(self, delta: int) -> None:
        self.page = min(max(self.page + delta, 0), self.pages - 1)

    def rebuild(self, *_args) -> None:
        box = self.ids.rows
        box.clear_widgets()
        table = self.table
        if table is None or self.width <= 1:
            return
        theme = App.get_running_app().theme
        cell_pad = theme.unit * 16
        # Each column's natural width in pixels; a grid only when all fit.
        widths = [
            max([text_width_em(column)] + [min(text_width_em(row[i]), WIDEST_CELL_EM) for row in table.rows if i < len(row)]) * theme.body
            + 2 * cell_pad
            for i, column in enumerate(table.columns)
        ]
        self.as_cards = sum(widths) > self.width
        first = self.page * ROWS_PER_PAGE
        rows = table.rows[first : first + ROWS_PER_PAGE]
        if self.as_cards:
            columns = 2 if self.width / theme.body > 36 else 1
            numbered = all(row and row[0].isdigit() for row in table.rows)
            for number, row in enumerate(rows):
                box.add_widget(self._card(table.columns, row, columns, numbered, shaded=number % 2 == 1))
        else:
            box.add_widget(self._grid_row(table.columns, widths, cell_pad, header=True))
            for number, row in enumerate(rows):
                box.add_widget(self._grid_row(row, widths, cell_pad, shaded=number % 2 == 1))
        if first <= self.marked < first + ROWS_PER_PAGE:
            found = box.children[-1 - (self.marked - first) - (0 if self.as_cards else 1)]  # children are last first; the grid's head
            found.marked = True
            Clock.schedule_once(lambda _dt: _scroll_to(found), 0)  # once laid out

    @staticmethod
    def _grid_row(cells, widths, cell_pad, header=False, shaded=False) -> TableRow:
        row = TableRow(header=header, shaded=shaded)
        cell_class = HeaderCell if header else KLabel
        for text, weight in zip(cells, widths, strict=False):
            row.add_widget(cell_class(text=text, size_hint_x=weight, padding=(cell_pad, 0)))
        return row

    @staticmethod
    def _card(columns, cells, field_columns: int, numbered: bool, shaded: bool) -> TableCard:
        """``numbered``: the first column is a running number (序号), so the
        card's title is "3．name" rather than "序号：3"."""
        card = TableCard(shaded=shaded)
        if numbered and len(cells) > 1:
            title, skip = f"{cells[0]}．{cells[1]}", 2
        else:
            title, skip = f"{columns[0]}：{cells[0]}" if cells else "", 1
        card.add_widget(KLabel(text=title, role="title"), index=len(card.children))  # above the fields
        fields = card.ids.fields
        fields.cols = field_columns
        texts = [f"{column}：{cell}" for column, cell in zip(columns[skip:], cells[skip:], strict=False)]
        # A label a column, a field a line, read down the first column and
        # then the second: a page is twenty cards, and a label a field made
        # it the heaviest page of all to build and to hold.
        per_column = max(1, -(-len(texts) // field_columns))  # a list of names alone has no fields
        texts += [""] * (-len(texts) % per_column)  # columns of one height: a grid puts a shorter one lower
        for first in range(0, len(texts), per_column):
            fields.add_widget(FieldLines(text="\n".join(texts[first : first + per_column])))
        return card


def _scroll_to(widget) -> None:
    """Bring a row into the page's view (the page scrolls; the table does not)."""
    from kivy.uix.scrollview import ScrollView

    node = widget.parent
    while node is not None and not isinstance(node, ScrollView):
        node = node.parent
    if node is not None and widget.get_root_window() is not None:
        node.scroll_to(widget, padding=App.get_running_app().theme.pad, animate=False)


class DisclosureDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        """``highlight``: a name search found in this list; the list opens where it is."""
        disclosure_id: str = params["disclosure_id"]
        highlight: str = params.get("highlight", "")
        view = disclosure_view(self.snapshot.disclosure(disclosure_id), dt.date.today(), _public(self))
        self.title = view.title
        self.add_heading(content, view.title)
        line = FitRow()
        line.add_widget(Pill(text=view.kind_zh, tone="primary"))
        if view.in_publicity:
            line.add_widget(Pill(text=IN_PUBLICITY_BADGE))
        content.add_widget(line)
        period = view.period_zh + ("（正在公示，有意见可以提）" if view.in_publicity else "（公示已结束）")
        content.add_widget(KLabel(text=period, role="title"))
        add_history(content, self.snapshot, "disclosure", disclosure_id)
        if view.note:
            content.add_widget(HintText(text=view.note))
        found = row_of_name(view.table, highlight) if highlight else None
        if found is not None:
            content.add_widget(MessageStrip(shown=True, text=f"“{highlight}”在这份名单上：第{found + 1}条。"))
        section = Section(title=f"名单（共{len(view.table.rows)}条）")
        table = DisclosureTable()
        table.show(view.table, -1 if found is None else found)
        section.add_widget(table)
        content.add_widget(section)
        self.add_report(content, "对名单有意见？扫码反映", ItemKind.DISCLOSURE, disclosure_id)
