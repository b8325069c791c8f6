"""A year of village finance against the budget the villagers' meeting
approved (each line beside its budget, the lines over it flagged, each line
opening its entries), and a list of entries: a budget line's, a payee's, or
every entry of one amount (from search)."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import money
from kiosk.finance_summary import NO_RECEIPT, entries_of_amount, entries_with_counterparty, lacks_receipt
from kiosk.finance_year import YearLine, YearView, actual_label, line_entries, year_view
from kiosk.model import Direction
from kiosk.privacy import mask_text, public_numbers
from screens.shell.navigation import go_to, load_kv
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.lists import ListScreen
from screens.uix.list_rows import SelfSizedRow
from screens.uix.widgets import TapArea

load_kv("ui_screens.finance")  # the month's figures (MonthFigure) and the entry rows (EntryRowView)
load_kv("uix.list_rows")  # the section titles between the year's lines (TextRow)


class YearFigures(BoxLayout):
    """Spending and income, each beside its budget."""

    budget_expense = StringProperty()
    expense = StringProperty()
    budget_income = StringProperty()
    income = StringProperty()


class YearHeadView(SelfSizedRow, BoxLayout):
    """The year's head in its list: who approved the budget, the year's
    figures beside the budget's, and what to look out for."""

    year_view: YearView | None = None

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        # Held here: a strip with nothing to say is taken out of the head (a
        # hidden one would still leave its gap), and ids hold weakly.
        self._strips = (self.ids.flagged.__self__, self.ids.missing.__self__)

    def shown(self) -> object:
        return self.year_view

    def refresh_view_attrs(self, rv, index, data):
        view: YearView = data["year_view"]
        if view != self.year_view:
            ids = self.ids
            ids.heading.text = f"{view.year}年收支和预算"
            ids.approval.text = f"{view.approval_zh}下面是{view.period_zh}。"
            figures = ids.figures
            figures.budget_expense = money.yuan(view.budget_expense_fen) if view.has_budget else "没有公布"
            figures.expense = money.yuan(view.expense_fen)
            figures.budget_income = money.yuan(view.budget_income_fen) if view.has_budget else "没有公布"
            figures.income = money.yuan(view.income_fen)
            flagged, missing = self._strips
            flagged.text = f"请注意：有{view.flagged}项支出超出了预算，或者预算里根本没有，标着“超预算”“预算外”。"
            missing.text = f"请注意：这一年有{view.missing_receipts}笔支出没有票据照片，标着“{NO_RECEIPT}”。"
            for strip, shown in ((flagged, view.flagged), (missing, view.missing_receipts)):
                strip.shown = bool(shown)
                if strip.parent is not None:
                    self.remove_widget(strip)
                if shown:
                    self.add_widget(strip)  # at the bottom: flagged first, then missing
        return super().refresh_view_attrs(rv, index, data)


class BudgetLineCard(SelfSizedRow, TapArea, BoxLayout):
    """One line of the year: its category and flag, its budget and what was
    spent or received as two bars with their amounts at the right (as a
    project's budget and settlement), and what that comes to; a tap opens
    its entries."""

    title = StringProperty()
    flag = StringProperty()
    bars = ListProperty()  # kiosk BarChart rows: the budget (if any), then the actual figure
    remark = StringProperty()  # over, left, or not in the budget
    count_text = StringProperty()
    line: YearLine | None = None

    def shown(self) -> object:
        return self.line

    def refresh_view_attrs(self, rv, index, data):
        year: int = data["year"]
        line: YearLine = data["line"]
        missing = f"，{NO_RECEIPT}{line.missing_receipts}笔" if line.missing_receipts else ""
        self.title = line.category_zh
        self.flag = line.flag
        self.bars = budget_bars(line)
        self.remark = line.remark_zh
        self.count_text = f"共{line.entry_count}笔{missing}，点一下看每一笔" if line.entry_count else "这一年还没有这一项的账"
        self.action = go_to(ScreenName.FINANCE_ENTRIES, year=year, direction=line.direction.value, category=line.category)
        return super().refresh_view_attrs(rv, index, data)


def budget_bars(line: YearLine) -> list[dict]:
    """The line's budget (when it has one) and its actual figure, red when flagged."""
    tone = "danger" if line.flag else "ok"  # as a project's settlement: red is for warnings
    bars = [{"label": actual_label(line.direction), "text": money.yuan(line.actual_fen), "value": line.actual_fen, "tone": tone}]
    if line.budget_fen is not None:
        bars.insert(0, {"label": "预算", "text": money.yuan(line.budget_fen), "value": line.budget_fen, "tone": "muted"})
    return bars


class FinanceYearScreen(KioskScreen):
    """One list: the year's head, then its spending lines and its income
    lines. A list, not a page: a year has dozens of lines, and only those
    on screen are built (the page of them all was the largest any screen
    built)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ids.rows.key_viewclass = "viewclass"
        self.ids.rows.layout_manager.key_size = "row_size"

    def show(self, **params) -> None:
        year: int = params["year"]
        view = year_view(self.snapshot, year, public_numbers(self.snapshot.complaint.hotlines))
        self.title = f"{year}年收支和预算"
        rows: list[dict] = [{"viewclass": "YearHeadView", "year_view": view}]
        for title, lines in (("支出：每一项花了多少", view.expense_lines), ("收入：每一项收了多少", view.income_lines)):
            rows.append({"viewclass": "TextRow", "text": title, "role": "section"})
            rows += [{"viewclass": "BudgetLineCard", "year": year, "line": line} for line in lines]
            if not lines:
                rows.append({"viewclass": "TextRow", "text": "这一年没有。", "role": "hint"})
        self.ids.rows.rows = rows


class EntryListScreen(ListScreen):
    """Entries found one of three ways: a line of a year, a payee, an amount."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ids.rows.viewclass = "EntryRowView"

    def rows(self, **params) -> list[dict]:
        """``counterparty``, or ``amount_fen``, or ``year``, ``direction`` and ``category``."""
        counterparty: str = params.get("counterparty", "")
        amount_fen: int = params.get("amount_fen", 0)
        year: int = params.get("year", 0)
        direction: str = params.get("direction", "")
        category: str = params.get("category", "")
        public = public_numbers(self.snapshot.complaint.hotlines)
        if counterparty:
            entries = entries_with_counterparty(self.snapshot, counterparty, public)
            self.title = counterparty
            what = f"和“{counterparty}”的收支"
        elif amount_fen:
            entries = entries_of_amount(self.snapshot, amount_fen)
            self.title = money.yuan(amount_fen)
            what = f"金额是{money.yuan(amount_fen)}的收支"
        else:
            way = Direction(direction)
            entries = line_entries(self.snapshot, year, way, category)
            self.title = f"{year}年{mask_text(category, public)}"
            what = f"{year}年“{mask_text(category, public)}”的{'支出' if way is Direction.EXPENSE else '收入'}"
        totals = [
            f"{name}合计{money.yuan(fen)}"
            for name, way in (("支出", Direction.EXPENSE), ("收入", Direction.INCOME))
            if (fen := sum(entry.amount_fen for entry in entries if entry.direction is way))
        ]
        missing = sum(1 for entry in entries if lacks_receipt(entry))
        self.intro = f"{what}共{len(entries)}笔，{'，'.join(totals) or '没有钱数'}" + (
            f"，其中{missing}笔支出没有票据，标着“{NO_RECEIPT}”。" if missing else "。"
        )
        self.empty_text = "没有找到这样的收支。"
        return [{"entry": entry} for entry in entries]
