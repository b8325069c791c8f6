"""A year of village finance against the budget the villagers approved
(``budget.json``): income and spending by category, each line beside its
budget, and which lines went over.

A line is matched to the books by its direction and its category, spelt
exactly as the finance entries spell it. Spending is flagged when a line's
entries come to more than its budget, and when money was spent under a
category the budget does not have at all (预算外): both are spending the
villagers' meeting did not approve. Income is compared, never flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import model, money
from kiosk.disclosure_view import date_zh
from kiosk.finance_summary import lacks_receipt
from kiosk.model import Direction
from kiosk.model_oversight import YearBudget
from kiosk.privacy import mask_text
from kiosk.snapshot import Snapshot

OVER_BUDGET = "超预算"
OUTSIDE_BUDGET = "预算外"


@dataclass(frozen=True)
class YearLine:
    direction: Direction
    category: str  # as in the feed: how the line's entries are found
    category_zh: str  # masked, for the screen
    budget_fen: int | None  # None: the approved budget has no such line
    actual_fen: int
    entry_count: int
    missing_receipts: int  # expenses without a receipt
    flag: str  # OVER_BUDGET, OUTSIDE_BUDGET or ""
    text_zh: str  # "预算30,000.00元，实际支出30,395.00元，超出395.00元"
    remark_zh: str  # what the figures come to: "超出395.00元", "还剩…", "预算里没有这一项"; "" when they agree


@dataclass(frozen=True)
class YearView:
    year: int
    months: list[str]  # the months with entries, oldest first ("2026-01")
    period_zh: str  # "1月到11月的账" -- a year still under way, or one whose first months are not published
    approval_zh: str  # who approved the budget and when, or that none is published
    has_budget: bool
    income_fen: int
    expense_fen: int
    budget_income_fen: int
    budget_expense_fen: int
    expense_lines: list[YearLine]  # budget order, then spending outside the budget
    income_lines: list[YearLine]
    missing_receipts: int
    flagged: int  # spending lines over or outside the budget


def finance_years(snapshot: Snapshot) -> list[int]:
    """Years with entries or a budget, newest first."""
    years = {int(month[:4]) for month in snapshot.months()} | {budget.year for budget in snapshot.budgets}
    return sorted(years, reverse=True)


def year_entries(snapshot: Snapshot, year: int) -> list[model.FinanceEntry]:
    """The year's entries in date order."""
    months = sorted(month for month in snapshot.months() if month.startswith(f"{year}-"))
    return [entry for month in months for entry in sorted(snapshot.finance_month(month).entries, key=lambda e: e.date)]


def line_entries(snapshot: Snapshot, year: int, direction: Direction, category: str) -> list[model.FinanceEntry]:
    """The entries that make up one line of the year, in date order."""
    return [e for e in year_entries(snapshot, year) if e.direction is direction and e.category == category]


def year_view(snapshot: Snapshot, year: int, public: frozenset[str] = frozenset()) -> YearView:
    entries = year_entries(snapshot, year)
    budget = snapshot.budget(year)
    lines = {direction: _lines(entries, budget, direction, public) for direction in Direction}
    months = sorted({f"{e.date:%Y-%m}" for e in entries})
    budgeted = budget.lines if budget else []
    return YearView(
        year=year,
        months=months,
        period_zh=_period(months),
        approval_zh=_approval(budget, year, public),
        has_budget=budget is not None,
        income_fen=sum(e.amount_fen for e in entries if e.direction is Direction.INCOME),
        expense_fen=sum(e.amount_fen for e in entries if e.direction is Direction.EXPENSE),
        budget_income_fen=sum(line.amount_fen for line in budgeted if line.direction is Direction.INCOME),
        budget_expense_fen=sum(line.amount_fen for line in budgeted if line.direction is Direction.EXPENSE),
        expense_lines=lines[Direction.EXPENSE],
        income_lines=lines[Direction.INCOME],
        missing_receipts=sum(1 for e in entries if lacks_receipt(e)),
        flagged=sum(1 for line in lines[Direction.EXPENSE] if line.flag),
    )


def _lines(entries, budget: YearBudget | None, direction: Direction, public: frozenset[str]) -> list[YearLine]:
    totals: dict[str, list[int]] = {}  # category -> [amount, entries, without receipt], in order of first entry
    for entry in entries:
        if entry.direction is direction:
            total = totals.setdefault(entry.category, [0, 0, 0])
            total[0] += entry.amount_fen
            total[1] += 1
            total[2] += lacks_receipt(entry)
    lines = []
    for line in budget.lines if budget else []:
        if line.direction is direction:
            actual, count, missing = totals.pop(line.category, [0, 0, 0])
            lines.append(_line(direction, line.category, line.amount_fen, actual, count, missing, public))
    # What is left was never budgeted (without a budget: nothing was), largest first.
    for category, (actual, count, missing) in sorted(totals.items(), key=lambda item: -item[1][0]):
        lines.append(_line(direction, category, None, actual, count, missing, public, outside=budget is not None))
    return lines


def _line(
    direction: Direction,
    category: str,
    budget_fen: int | None,
    actual_fen: int,
    count: int,
    missing: int,
    public: frozenset[str],
    outside: bool = False,
) -> YearLine:
    """``outside``: a line of a year with a budget that does not have it."""
    spending = direction is Direction.EXPENSE
    figures = [f"{actual_label(direction)}{money.yuan(actual_fen)}"]
    if budget_fen is None:
        flag = OUTSIDE_BUDGET if outside and spending else ""
        remark = "预算里没有这一项" if outside else ""
    else:
        figures.insert(0, f"预算{money.yuan(budget_fen)}")
        diff = actual_fen - budget_fen
        flag = OVER_BUDGET if spending and diff > 0 else ""
        if diff > 0:
            remark = f"超出{money.yuan(diff)}" if spending else f"多收{money.yuan(diff)}"
        elif diff < 0:
            remark = f"还剩{money.yuan(-diff)}" if spending else f"少收{money.yuan(-diff)}"
        else:
            remark = ""
    return YearLine(
        direction=direction,
        category=category,
        category_zh=mask_text(category, public),
        budget_fen=budget_fen,
        actual_fen=actual_fen,
        entry_count=count,
        missing_receipts=missing,
        flag=flag,
        text_zh="，".join([*figures, remark] if remark else figures),
        remark_zh=remark,
    )


def actual_label(direction: Direction) -> str:
    return "实际支出" if direction is Direction.EXPENSE else "实际收入"


def _period(months: list[str]) -> str:
    if not months:
        return "这一年还没有账目"
    first, last = int(months[0][5:]), int(months[-1][5:])
    if (first, last) == (1, 12):
        return "全年的账"
    return f"{first}月到{last}月的账" if first != last else f"{first}月的账"


def _approval(budget: YearBudget | None, year: int, public: frozenset[str]) -> str:
    if budget is None:
        return f"{year}年的预算没有公布，只有实际收支。"
    note = f"（{mask_text(budget.note, public)}）" if budget.note else ""
    return f"{year}年预算由{mask_text(budget.approved_by, public)}在{date_zh(budget.approved_on)}通过{note}。"
