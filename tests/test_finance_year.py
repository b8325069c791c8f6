"""A year against its approved budget (kiosk.finance_year) and receipts
that are missing (kiosk.finance_summary), checked against figures worked
out by hand below."""

from __future__ import annotations

import pytest

from kiosk.finance_summary import NO_RECEIPT, entry_row, month_summary
from kiosk.finance_year import OUTSIDE_BUDGET, OVER_BUDGET, finance_years, line_entries, year_view
from kiosk.model import Direction
from kiosk.model_oversight import BudgetDoc, BudgetLine, YearBudget
from support.small_village import D, entry, snapshot_of

EXPENSE, INCOME = Direction.EXPENSE, Direction.INCOME

# 2025's books: March and April; one entry of December 2024.
ENTRIES = [
    entry("e0", "2024-12-28", "expense", "200.00", "办公费"),
    entry("e1", "2025-03-02", "expense", "600.00", "办公费", receipt=True),
    entry("e2", "2025-03-15", "expense", "450.50", "办公费"),
    entry("e3", "2025-03-20", "expense", "300.00", "招待费"),
    entry("e4", "2025-03-05", "income", "15,000.00", "上级补助"),
    entry("e5", "2025-04-10", "expense", "30,000.00", "工程款", receipt=True),
    entry("e6", "2025-04-11", "income", "3,600.00", "集体资产租金", receipt=True),
]
BUDGET = BudgetDoc(
    budgets=[
        YearBudget(
            year=2025,
            approved_by="村民代表会议",
            approved_on=D("2024-12-20"),
            note="应到45人，实到40人",
            lines=[
                BudgetLine(direction=EXPENSE, category="办公费", amount_fen=100_000),  # 1,000.00
                BudgetLine(direction=EXPENSE, category="工程款", amount_fen=5_000_000),  # 50,000.00
                BudgetLine(direction=INCOME, category="上级补助", amount_fen=2_000_000),  # 20,000.00
            ],
        )
    ]
)


@pytest.fixture
def village(tmp_path):
    return snapshot_of(tmp_path, entries=ENTRIES, budget=BUDGET)


def test_each_line_beside_its_budget(village):
    view = year_view(village, 2025)
    expense = {line.category: line for line in view.expense_lines}
    assert [line.category for line in view.expense_lines] == ["办公费", "工程款", "招待费"]  # budget order, then outside it
    # 600.00 + 450.50 = 1,050.50 against 1,000.00: over by 50.50.
    office = expense["办公费"]
    assert (office.budget_fen, office.actual_fen, office.entry_count, office.missing_receipts) == (100_000, 105_050, 2, 1)
    assert office.flag == OVER_BUDGET
    assert office.text_zh == "预算1,000.00元，实际支出1,050.50元，超出50.50元"
    works = expense["工程款"]
    assert (works.actual_fen, works.flag, works.text_zh) == (3_000_000, "", "预算50,000.00元，实际支出30,000.00元，还剩20,000.00元")
    meals = expense["招待费"]
    assert (meals.budget_fen, meals.actual_fen, meals.flag) == (None, 30_000, OUTSIDE_BUDGET)
    assert meals.text_zh == "实际支出300.00元，预算里没有这一项"

    income = {line.category: line for line in view.income_lines}
    assert income["上级补助"].text_zh == "预算20,000.00元，实际收入15,000.00元，少收5,000.00元"
    rent = income["集体资产租金"]
    assert (rent.flag, rent.text_zh) == ("", "实际收入3,600.00元，预算里没有这一项")  # income is compared, never flagged


def test_the_year_in_totals(village):
    view = year_view(village, 2025)
    # Spent 600.00 + 450.50 + 300.00 + 30,000.00; received 15,000.00 + 3,600.00.
    assert (view.expense_fen, view.income_fen) == (3_135_050, 1_860_000)
    assert (view.budget_expense_fen, view.budget_income_fen) == (5_100_000, 2_000_000)
    assert (view.missing_receipts, view.flagged) == (2, 2)  # e2 and e3; 办公费 and 招待费
    assert view.period_zh == "3月到4月的账"
    assert view.approval_zh == "2025年预算由村民代表会议在2024年12月20日通过（应到45人，实到40人）。"


def test_a_year_without_a_budget_is_shown_without_comparing(village):
    view = year_view(village, 2024)
    assert not view.has_budget and view.approval_zh == "2024年的预算没有公布，只有实际收支。"
    [line] = view.expense_lines
    assert (line.budget_fen, line.actual_fen, line.flag, line.text_zh) == (None, 20_000, "", "实际支出200.00元")
    assert view.period_zh == "12月的账"


def test_years_and_the_entries_of_a_line(village):
    assert finance_years(village) == [2025, 2024]
    assert [e.id for e in line_entries(village, 2025, EXPENSE, "办公费")] == ["e1", "e2"]
    assert [e.id for e in line_entries(village, 2025, INCOME, "办公费")] == []


def test_missing_receipts_marked_and_counted_per_month(village):
    assert [month_summary(village, m).missing_receipts for m in ("2024-12", "2025-03", "2025-04")] == [1, 2, 0]
    rows = {e.id: entry_row(e) for e in village.finance_entries()}
    assert [i for i, row in sorted(rows.items()) if row.missing_receipt] == ["e0", "e2", "e3"]  # e4: income, not marked
    assert NO_RECEIPT == "无票据"
