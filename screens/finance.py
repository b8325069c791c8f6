"""Village finance screens: the months, one month (totals, a chart of
spending by category, every entry), and one entry with its receipts."""

from __future__ import annotations

from functools import partial

from kivy.app import App
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk import money
from kiosk.finance_summary import entries_by_date, entry_row, month_summary, year_overview
from kiosk.model import Direction
from kiosk.privacy import mask_text, public_numbers
from screens.base import KioskScreen
from screens.lists import ListScreen, PageScreen
from screens.navigation import go_to
from screens.registry import ScreenName
from screens.widgets import HintLabel, PictureGrid, RowButton, Section

CHART_BARS = 6  # the largest categories get a bar each; the rest share one


def _balance(fen: int | None) -> str:
    return money.yuan(fen) if fen is not None else "没有数据"


class FinanceScreen(ListScreen):
    def rows(self, **_params):
        self.title = "村级财务"
        self.intro = "按月份查看村里的每一笔收入和支出，每一笔都能看到票据照片。"
        return [
            dict(title=summary.month_zh,
                 # Spaces only between the parts: a line breaks there, not inside a figure.
                 subtitle=f"收入{money.yuan_short(summary.income_fen)}  支出{money.yuan_short(summary.expense_fen)}"
                          f"  共{summary.entry_count}笔",
                 value="" if summary.balance_fen is None else f"结余 {money.yuan_short(summary.balance_fen)}",
                 action=go_to(ScreenName.FINANCE_MONTH, month=summary.month))
            for summary in year_overview(self.snapshot)
        ]


def chart_bars(by_category: list[tuple[str, int]]) -> list[dict]:
    """Bars for the largest categories, then one for all the others."""
    shown, rest = by_category[:CHART_BARS], by_category[CHART_BARS:]
    bars = [dict(label=name, text=money.yuan_short(fen), value=fen, tone="primary") for name, fen in shown]
    if rest:
        fen = sum(fen for _name, fen in rest)
        bars.append(dict(label=f"其他{len(rest)}类", text=money.yuan_short(fen), value=fen, tone="primary"))
    return bars


class FinanceMonthScreen(KioskScreen):
    def show(self, month: str) -> None:
        summary = month_summary(self.snapshot, month)
        self.title = f"{summary.month_zh}收支"
        ids = self.ids
        ids.opening.value = _balance(summary.opening_fen)
        ids.income.value = money.yuan(summary.income_fen)
        ids.expense.value = money.yuan(summary.expense_fen)
        ids.closing.value = _balance(summary.balance_fen)
        ids.chart.bars = chart_bars(summary.by_category)
        ids.no_chart.opacity = 0 if summary.by_category else 1
        ids.count.text = f"本月共{summary.entry_count}笔，点一笔看详细和票据。"
        # One small dict per entry: the row's text is made (and masked) by
        # the row itself, only for the few rows on screen -- a month may
        # hold thousands of entries. Date order, as the books are kept.
        ids.rows.rows = [{"entry": entry} for entry in entries_by_date(self.snapshot, month)]


class EntryRowView(RecycleDataViewBehavior, RowButton):
    """One entry in the month's list, drawn from the entry when it scrolls
    into view."""

    def refresh_view_attrs(self, rv, index, data):
        snapshot = App.get_running_app().data.snapshot
        row = entry_row(data["entry"], public_numbers(snapshot.complaint.hotlines))
        receipts = f" · 票据{len(row.receipts)}张" if row.receipts else ""
        self.index = index
        self.title = row.purpose
        self.subtitle = f"{row.date_zh} · {row.direction_zh} · {row.category} · {row.counterparty}{receipts}"
        self.value = ("+" if row.direction is Direction.INCOME else "-") + row.amount_text
        self.action = partial(_open_entry, row.id)
        return super().refresh_view_attrs(rv, index, data)


def _open_entry(entry_id: str) -> None:
    App.get_running_app().nav.go(ScreenName.FINANCE_ENTRY, entry_id=entry_id)


class FinanceEntryScreen(PageScreen):
    def fill(self, content, entry_id: str):
        public = public_numbers(self.snapshot.complaint.hotlines)
        row = entry_row(self.snapshot.finance_entry(entry_id), public)
        self.title = f"{row.direction_zh}：{row.purpose}"
        self.add_heading(content, f"{row.direction_zh} {row.amount_text}")
        self.add_section(content, "用途", [row.purpose])
        details = [f"日期：{row.date.year}年{row.date_zh}", f"类别：{row.category}",
                   f"{row.counterparty_label}：{row.counterparty or '没有填写'}"]
        if row.approver:
            details.append(f"审批人：{row.approver}")
        if row.voucher_no:
            details.append(f"凭证号：{row.voucher_no}")
        self.add_section(content, "明细", details)
        receipts = Section(title=f"票据照片（{len(row.receipts)}张）" if row.receipts else "票据照片")
        if row.receipts:
            receipts.add_widget(HintLabel(text="点一下照片，可以放大看。"))
            grid = PictureGrid()
            grid.show(row.receipts, lambda index: self.app.nav.go(
                ScreenName.PICTURE_VIEWER, entry_id=entry_id, index=index))
            receipts.add_widget(grid)
        else:
            receipts.add_widget(HintLabel(text="这一笔没有上传票据照片。"))
        content.add_widget(receipts)
        if row.project_id:
            project = self.snapshot.project(row.project_id)
            self.add_button(content, f"这笔钱属于项目：{mask_text(project.name, public)}",
                            go_to(ScreenName.PROJECT_DETAIL, project_id=project.id))
