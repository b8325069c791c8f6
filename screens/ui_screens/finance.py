"""Village finance screens: the years and the months, one month (totals, a
chart of spending by category, every entry), and one entry with its
receipts. An expense without a receipt is marked 无票据 wherever it is
listed, and counted. (A year against its budget: ``finance_year``.)"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout

from kiosk import money
from kiosk.complaint import ItemKind
from kiosk.finance_summary import NO_RECEIPT, MonthSummary, entries_by_date, entry_row, month_summary, year_overview
from kiosk.finance_year import finance_years, year_view
from kiosk.model import Direction
from kiosk.privacy import mask_text, public_numbers
from screens.shell.navigation import go_to
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.corrections import RecordRowView, withdrawn_entries, withdrawn_rows
from screens.ui_screens.lists import ListScreen, PageScreen
from screens.uix.history_note import add_history
from screens.uix.list_rows import SelfSizedRow
from screens.uix.widgets import HintLabel, MessageStrip, PictureGrid, Section


def _balance(fen: int | None) -> str:
    return money.yuan(fen) if fen is not None else "没有数据"


class FinanceScreen(ListScreen):
    def rows(self, **_params):
        self.title = "村级财务"
        self.intro = "先按年看收支和预算，再按月看每一笔。支出都应当有票据照片，没有票据的标着“无票据”。"
        public = public_numbers(self.snapshot.complaint.hotlines)
        years = []
        for year in finance_years(self.snapshot):
            view = year_view(self.snapshot, year, public)
            facts = [
                f"超预算或预算外{view.flagged}项" if view.flagged else "",
                f"无票据{view.missing_receipts}笔" if view.missing_receipts else "",
            ]
            years.append(
                {
                    "title": f"{year}年收支和预算",
                    "subtitle": "  ".join([("有预算" if view.has_budget else "没有公布预算"), *filter(None, facts)]),
                    "badge": "超预算" if view.flagged else "",
                    "action": go_to(ScreenName.FINANCE_YEAR, year=year),
                }
            )
        months = [
            {
                "title": summary.month_zh,
                # Spaces only between the parts: a line breaks there, not inside a figure.
                "subtitle": f"收入{money.yuan_short(summary.income_fen)}  支出{money.yuan_short(summary.expense_fen)}"
                f"  共{summary.entry_count}笔" + (f"  无票据{summary.missing_receipts}笔" if summary.missing_receipts else ""),
                "value": "" if summary.balance_fen is None else f"结余 {money.yuan_short(summary.balance_fen)}",
                "action": go_to(ScreenName.FINANCE_MONTH, month=summary.month),
            }
            for summary in year_overview(self.snapshot)
        ]
        return years + months


def chart_bars(by_category: list[tuple[str, int]]) -> list[dict]:
    """A bar for every category (no "其他4类" that could not be opened)."""
    return [{"label": name, "text": money.yuan_short(fen), "value": fen, "tone": "danger"} for name, fen in by_category]


class FinanceMonthScreen(KioskScreen):
    """One scrolling list: the month's totals and spending chart first, then
    every entry. (The chart was a small scroll pane of its own inside the
    page: elders did not find its end, and its last row stayed cut.)"""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The summary is a view of its own, as tall as its words and bars;
        # entries are rows.
        self.ids.rows.key_viewclass = "viewclass"
        self.ids.rows.layout_manager.key_size = "row_size"

    def show(self, **params) -> None:
        month: str = params["month"]
        summary = month_summary(self.snapshot, month)
        self.title = f"{summary.month_zh}收支"
        # One small dict per entry: the row's text is made (and masked) by
        # the row itself, only for the few rows on screen -- a month may
        # hold thousands of entries. Date order, as the books are kept.
        rows: list[tuple[dt.date, dict[str, Any]]] = [(entry.date, {"entry": entry}) for entry in entries_by_date(self.snapshot, month)]
        # An entry withdrawn since stays where it was, in date order, marked 已撤下.
        withdrawn = [entry for entry in withdrawn_entries(self.snapshot, "finance") if f"{entry.correction.before.date:%Y-%m}" == month]
        if withdrawn:
            marked = withdrawn_rows(self.snapshot, "finance", withdrawn)
            rows += [(e.correction.before.date, {"withdrawn": row}) for e, row in zip(withdrawn, marked, strict=True)]
            rows.sort(key=lambda pair: pair[0])  # stable: feed order within a day
        self.ids.rows.rows = [{"viewclass": "MonthSummaryView", "summary": summary, "row_size": (None, self.height)}] + [
            row for _, row in rows
        ]


class MonthSummaryView(SelfSizedRow, BoxLayout):
    """The month's head in its list: balances, income and expense, spending
    by category, how many entries follow."""

    _summary: MonthSummary | None = None  # the month on show

    def shown(self) -> object:
        return self._summary

    def refresh_view_attrs(self, rv, index, data):
        summary = data["summary"]
        if self._summary is not summary:  # not rebuilt when only placed again
            self._summary = summary
            ids = self.ids
            ids.opening.value = _balance(summary.opening_fen)
            ids.income.value = money.yuan(summary.income_fen)
            ids.expense.value = money.yuan(summary.expense_fen)
            ids.closing.value = _balance(summary.balance_fen)
            ids.chart.bars = chart_bars(summary.by_category)
            ids.no_chart.opacity = 0 if summary.by_category else 1
            missing = summary.missing_receipts
            ids.count.text = (
                f"本月共{summary.entry_count}笔"
                + (f"，其中{missing}笔支出没有票据照片，标着“{NO_RECEIPT}”。" if missing else "，每笔支出都有票据照片。")
                + "点一笔看详细和票据。"
            )
        return super().refresh_view_attrs(rv, index, data)


class EntryRowView(RecordRowView):
    """One entry in the month's list, drawn from the entry when it scrolls
    into view; or one withdrawn since, as the corrections list shows it."""

    def show_record(self, data: dict, public: frozenset[str]) -> None:
        row = entry_row(data["entry"], public)
        receipts = f" · 票据{len(row.receipts)}张" if row.receipts else ""
        self.badge = NO_RECEIPT if row.missing_receipt else ""
        self.title = row.purpose
        self.subtitle = f"{row.date_zh} · {row.direction_zh} · {row.category} · {row.counterparty}{receipts}"
        income = row.direction is Direction.INCOME
        self.value = ("+" if income else "-") + row.amount_text
        self.value_tone = "ok" if income else "danger"  # money in and money out told apart at a glance
        self.action = partial(_open_entry, row.id)


def _open_entry(entry_id: str) -> None:
    App.get_running_app().nav.go(ScreenName.FINANCE_ENTRY, entry_id=entry_id)


class FinanceEntryScreen(PageScreen):
    def fill(self, content, **params) -> None:
        entry_id: str = params["entry_id"]
        public = public_numbers(self.snapshot.complaint.hotlines)
        row = entry_row(self.snapshot.finance_entry(entry_id), public)
        self.title = f"{row.direction_zh}：{row.purpose}"
        self.add_heading(content, f"{row.direction_zh} {row.amount_text}")
        add_history(content, self.snapshot, "finance", entry_id)
        self.add_section(content, "用途", [row.purpose])
        details = [
            f"日期：{row.date.year}年{row.date_zh}",
            f"类别：{row.category}",
            f"{row.counterparty_label}：{row.counterparty or '没有填写'}",
        ]
        if row.approver:
            details.append(f"审批人：{row.approver}")
        if row.voucher_no:
            details.append(f"凭证号：{row.voucher_no}")
        self.add_section(content, "明细", details)
        receipts = Section(title=f"票据照片（{len(row.receipts)}张）" if row.receipts else "票据照片")
        if row.receipts:
            receipts.add_widget(HintLabel(text="点一下照片，可以放大看。"))
            grid = PictureGrid()
            grid.show(row.receipts, lambda index: self.app.nav.go(ScreenName.PICTURE_VIEWER, entry_id=entry_id, index=index))
            receipts.add_widget(grid)
        elif row.missing_receipt:
            receipts.add_widget(MessageStrip(shown=True, text="这笔钱付出去了，却没有上传票据照片。有疑问，可以点最下面的按钮扫码反映。"))
        else:
            receipts.add_widget(HintLabel(text="这一笔收入没有上传票据照片。"))
        content.add_widget(receipts)
        if row.project_id:
            project = self.snapshot.project(row.project_id)
            self.add_button(
                content, f"这笔钱属于项目：{mask_text(project.name, public)}", go_to(ScreenName.PROJECT_DETAIL, project_id=project.id)
            )
        self.add_report(content, "对这笔钱有疑问？扫码反映", ItemKind.ENTRY, entry_id)
