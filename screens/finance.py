"""Village finance screens: months, the entries of a month, one entry."""

from __future__ import annotations

from kiosk import money
from kiosk.model import Direction
from kiosk.privacy import mask_text
from screens.lists import ListScreen, PageScreen
from screens.navigation import go_to
from screens.registry import ScreenName


class FinanceScreen(ListScreen):
    def rows(self, **_params):
        self.title = "村级财务"
        self.intro = "按月份查看村里的每一笔收入和支出。"
        rows = []
        for month in self.snapshot.months():
            entries = self.snapshot.finance_month(month).entries
            spent = sum(e.amount_fen for e in entries if e.direction is Direction.EXPENSE)
            year, mon = month.split("-")
            rows.append(dict(title=f"{year}年{int(mon)}月", subtitle=f"{len(entries)}笔",
                             value=f"支出 {money.yuan_short(spent)}",
                             action=go_to(ScreenName.FINANCE_MONTH, month=month)))
        return rows


class FinanceMonthScreen(ListScreen):
    def rows(self, month: str):
        year, mon = month.split("-")
        self.title = f"{year}年{int(mon)}月收支"
        return [
            dict(title=mask_text(entry.purpose),
                 subtitle=f"{entry.date:%-m月%-d日} · {entry.category} · {mask_text(entry.counterparty)}",
                 value=("+" if entry.direction is Direction.INCOME else "-") + money.yuan(entry.amount_fen),
                 action=go_to(ScreenName.FINANCE_ENTRY, entry_id=entry.id))
            for entry in self.snapshot.finance_month(month).entries
        ]


class FinanceEntryScreen(PageScreen):
    def fill(self, content, entry_id: str):
        entry = self.snapshot.finance_entry(entry_id)
        kind = "收入" if entry.direction is Direction.INCOME else "支出"
        self.title = f"{kind}：{mask_text(entry.purpose)}"
        self.add_heading(content, f"{kind} {money.yuan(entry.amount_fen)}")
        self.add_section(content, "用途", [mask_text(entry.purpose)])
        self.add_section(content, "明细", [
            f"日期：{entry.date:%Y年%-m月%-d日}", f"类别：{entry.category}",
            f"{'付款方' if entry.direction is Direction.INCOME else '收款方'}：{mask_text(entry.counterparty)}",
            f"审批人：{entry.approver}", f"凭证号：{entry.voucher_no}",
            f"票据：{len(entry.receipts)}张",
        ])
