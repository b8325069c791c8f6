"""Village finances by month: totals, balance, expense by category, and the
rows of the entry list, with feed text already masked.

Balance: a month's opening balance is the one the feed states; without one
it is carried forward from the closing balance of the month just before,
if that month is in the data. A gap (a month with no data) breaks the
chain: an unknown month's income and expense would make any figure after
it wrong, and a wrong balance on a public screen is worse than none.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import Counter
from dataclasses import dataclass

from kiosk import model, money
from kiosk.model import Direction
from kiosk.privacy import mask_text, masked_media
from kiosk.snapshot import Snapshot

DIRECTION_NAMES = {Direction.INCOME: "收入", Direction.EXPENSE: "支出"}
NO_RECEIPT = "无票据"  # the mark on an expense whose receipt was never published
COUNTERPARTY_LABELS = {Direction.INCOME: "付款方", Direction.EXPENSE: "收款方"}


@dataclass(frozen=True)
class MonthSummary:
    month: str  # "2026-03"
    month_zh: str  # "2026年3月"
    income_fen: int
    expense_fen: int
    opening_fen: int | None  # None: not stated and not carried forward
    balance_fen: int | None  # closing balance: opening + income - expense
    by_category: list[tuple[str, int]]  # expense per category, largest first
    entry_count: int
    missing_receipts: int  # expenses without a receipt


@dataclass(frozen=True)
class EntryRow:
    """One line of the month's entry list, every feed string masked."""

    id: str
    date: dt.date
    date_zh: str  # "3月5日"
    direction: Direction
    direction_zh: str  # 收入 / 支出
    amount_fen: int
    amount_text: str  # "12,345.50元"
    category: str
    counterparty_label: str  # 付款方 for income, 收款方 for expense
    counterparty: str
    purpose: str
    approver: str
    voucher_no: str
    receipts: list[model.MediaRef]  # captions masked
    project_id: str | None
    missing_receipt: bool  # an expense with no receipt: marked 无票据


def year_overview(snapshot: Snapshot) -> list[MonthSummary]:
    """Every month with data, newest first."""
    return list(reversed(_summaries(snapshot).values()))


def month_summary(snapshot: Snapshot, month: str) -> MonthSummary:
    return _summaries(snapshot)[month]


# A snapshot never changes, and the finance screens ask for its summaries on
# every visit: 10,000 entries take a tenth of a second to add up.
_summaries_of: weakref.WeakKeyDictionary[Snapshot, dict[str, MonthSummary]] = weakref.WeakKeyDictionary()
_summarising = threading.Lock()


def _summaries(snapshot: Snapshot) -> dict[str, MonthSummary]:
    with _summarising:
        summaries = _summaries_of.get(snapshot)
        if summaries is None:
            summaries = _summaries_of[snapshot] = _summarise_all(snapshot)
    return summaries


def _summarise_all(snapshot: Snapshot) -> dict[str, MonthSummary]:
    summaries: dict[str, MonthSummary] = {}
    previous: MonthSummary | None = None
    for month in sorted(snapshot.months()):
        doc = snapshot.finance_month(month)
        carried = previous.balance_fen if previous is not None and previous.month == _month_before(month) else None
        opening = doc.opening_balance_fen if doc.opening_balance_fen is not None else carried
        previous = summaries[month] = _summarise(doc, opening)
    return summaries


def _summarise(doc: model.FinanceMonthDoc, opening: int | None) -> MonthSummary:
    income = sum(e.amount_fen for e in doc.entries if e.direction is Direction.INCOME)
    expense = sum(e.amount_fen for e in doc.entries if e.direction is Direction.EXPENSE)
    by_category: Counter[str] = Counter()
    for entry in doc.entries:
        if entry.direction is Direction.EXPENSE:
            by_category[entry.category] += entry.amount_fen
    masked: Counter[str] = Counter()  # a handful of categories: masked once each, not per entry
    for category, fen in by_category.items():
        masked[mask_text(category)] += fen
    by_category = masked
    year, month = doc.month.split("-")
    return MonthSummary(
        month=doc.month,
        month_zh=f"{year}年{int(month)}月",
        income_fen=income,
        expense_fen=expense,
        opening_fen=opening,
        balance_fen=None if opening is None else opening + income - expense,
        by_category=sorted(by_category.items(), key=lambda item: (-item[1], item[0])),
        entry_count=len(doc.entries),
        missing_receipts=sum(1 for entry in doc.entries if lacks_receipt(entry)),
    )


def lacks_receipt(entry: model.FinanceEntry) -> bool:
    """An expense with no receipt published: nobody can check what the money bought."""
    return entry.direction is Direction.EXPENSE and not entry.receipts


def _month_before(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def entries_by_date(snapshot: Snapshot, month: str) -> list[model.FinanceEntry]:
    """The month's entries in date order (feed order within a day)."""
    return sorted(snapshot.finance_month(month).entries, key=lambda e: e.date)


def month_entries(snapshot: Snapshot, month: str, public: frozenset[str] = frozenset()) -> list[EntryRow]:
    """The month's entries in date order, as rows (masked)."""
    return [entry_row(entry, public) for entry in entries_by_date(snapshot, month)]


def entry_row(entry: model.FinanceEntry, public: frozenset[str] = frozenset()) -> EntryRow:
    return EntryRow(
        id=entry.id,
        date=entry.date,
        date_zh=f"{entry.date.month}月{entry.date.day}日",
        direction=entry.direction,
        direction_zh=DIRECTION_NAMES[entry.direction],
        amount_fen=entry.amount_fen,
        amount_text=money.yuan(entry.amount_fen),
        category=mask_text(entry.category, public),
        counterparty_label=COUNTERPARTY_LABELS[entry.direction],
        counterparty=mask_text(entry.counterparty, public),
        purpose=mask_text(entry.purpose, public),
        approver=mask_text(entry.approver, public),
        voucher_no=mask_text(entry.voucher_no, public),
        receipts=masked_media(entry.receipts, public),
        project_id=entry.project_id,
        missing_receipt=lacks_receipt(entry),
    )


def entries_with_counterparty(snapshot: Snapshot, shown: str, public: frozenset[str] = frozenset()) -> list[model.FinanceEntry]:
    """Every entry whose payee or payer reads ``shown`` on screen (masked, as search found it), in date order."""
    return sorted((e for e in snapshot.finance_entries() if e.counterparty and mask_text(e.counterparty, public) == shown), key=_by_date)


def entries_of_amount(snapshot: Snapshot, amount_fen: int) -> list[model.FinanceEntry]:
    """Every entry of exactly this amount, in date order."""
    return sorted((e for e in snapshot.finance_entries() if e.amount_fen == amount_fen), key=_by_date)


def _by_date(entry: model.FinanceEntry) -> dt.date:
    return entry.date
