"""Monthly finance summaries and entry rows (kiosk.finance_summary), on a
small hand-made snapshot decoded through the real feed boundary."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from kiosk import model
from kiosk.finance_summary import entry_row, month_entries, month_summary, year_overview
from kiosk.model import Direction
from kiosk.snapshot import DataInfo, DirectoryMedia, Snapshot

INCOME, EXPENSE = Direction.INCOME, Direction.EXPENSE


def entry(ident, day, direction, fen, category, purpose="日常开支", **extra):
    return model.FinanceEntry(
        id=ident, date=dt.date.fromisoformat(day), direction=direction, amount_fen=fen, category=category, purpose=purpose, **extra
    )


MONTHS = {
    "2025-12": model.FinanceMonthDoc(
        month="2025-12",
        opening_balance_fen=100_000_000,
        entries=[
            entry("e1", "2025-12-03", INCOME, 5_000_000, "上级补助"),
            entry("e2", "2025-12-10", EXPENSE, 1_234_550, "工程支出"),
            entry("e3", "2025-12-11", EXPENSE, 1, "办公费"),
        ],
    ),
    # no opening stated: carried forward from December
    "2026-01": model.FinanceMonthDoc(
        month="2026-01",
        entries=[
            entry("e4", "2026-01-20", EXPENSE, 300_000, "办公费"),
            entry(
                "e5",
                "2026-01-05",
                EXPENSE,
                700_099,
                "工程支出",
                counterparty="张三 13812345678",
                purpose="付款至卡号6222021234567890123",
                approver="李四",
                voucher_no="记-2026-01-005",
                receipts=[model.MediaRef(sha256="b" * 64, caption="收据 身份证430000199001011234")],
            ),
            entry("e6", "2026-01-05", EXPENSE, 300_000, "误工补贴"),
            entry("e7", "2026-01-31", INCOME, 99, "利息收入", counterparty="娄底农商银行"),
        ],
    ),
    # a stated opening wins over the carried figure
    "2026-02": model.FinanceMonthDoc(month="2026-02", opening_balance_fen=50_000_000, entries=[]),
    # March is missing: April's balance cannot be known, nor May's
    "2026-04": model.FinanceMonthDoc(month="2026-04", entries=[entry("e8", "2026-04-01", INCOME, 100, "其他收入")]),
    "2026-05": model.FinanceMonthDoc(month="2026-05", entries=[entry("e9", "2026-05-01", EXPENSE, 100, "办公费")]),
}


def build_snapshot(tmp_path, months) -> Snapshot:
    encode = msgspec.json.encode
    documents = {
        "village.json": encode(
            model.VillageDoc(
                village=model.Village(code="431322106201", name="青山村", township="桃花镇", county="新化县", city="娄底市"),
                as_of=dt.date(2026, 5, 31),
                complaint=model.ComplaintChannel(
                    url_template="https://jd.example.gov.cn/ts?v={village}", hotlines=[model.Hotline(name="全国", number="12388")]
                ),
            )
        ),
        "powers.json": encode(model.PowersDoc(categories=[], items=[])),
        "projects.json": encode(model.ProjectsDoc(projects=[])),
        "disclosures.json": encode(model.DisclosuresDoc(disclosures=[])),
        "notices.json": encode(model.NoticesDoc(notices=[])),
    }
    for month, doc in months.items():
        documents[f"finance/{month}.json"] = encode(doc)
    return Snapshot(documents, DirectoryMedia(tmp_path), DataInfo(source="folder", version=None, generated_at=None))


@pytest.fixture
def snapshot(tmp_path):
    return build_snapshot(tmp_path, MONTHS)


def test_month_totals_to_the_fen(snapshot):
    december = month_summary(snapshot, "2025-12")
    assert (december.income_fen, december.expense_fen, december.entry_count) == (5_000_000, 1_234_551, 3)
    assert december.opening_fen == 100_000_000
    assert december.balance_fen == 100_000_000 + 5_000_000 - 1_234_551
    assert december.month_zh == "2025年12月"
    assert december.by_category == [("工程支出", 1_234_550), ("办公费", 1)]


def test_balance_carries_forward_across_the_year_end(snapshot):
    january = month_summary(snapshot, "2026-01")
    assert january.opening_fen == month_summary(snapshot, "2025-12").balance_fen == 103_765_449
    assert (january.income_fen, january.expense_fen) == (99, 1_300_099)
    assert january.balance_fen == 103_765_449 + 99 - 1_300_099
    # equal amounts are ordered by name so the chart does not jump around
    assert january.by_category == [("工程支出", 700_099), ("办公费", 300_000), ("误工补贴", 300_000)]


def test_stated_opening_wins_and_a_gap_breaks_the_chain(snapshot):
    february = month_summary(snapshot, "2026-02")
    assert (february.opening_fen, february.balance_fen, february.entry_count) == (50_000_000, 50_000_000, 0)
    assert february.by_category == []
    april, may = month_summary(snapshot, "2026-04"), month_summary(snapshot, "2026-05")
    assert (april.opening_fen, april.balance_fen, april.income_fen) == (None, None, 100)
    assert (may.opening_fen, may.balance_fen, may.expense_fen) == (None, None, 100)


def test_year_overview_is_newest_first(snapshot):
    overview = year_overview(snapshot)
    assert [m.month for m in overview] == ["2026-05", "2026-04", "2026-02", "2026-01", "2025-12"]
    assert overview[3] == month_summary(snapshot, "2026-01")
    assert sum(m.income_fen for m in overview) == sum(e.amount_fen for e in snapshot.finance_entries() if e.direction is INCOME)


def test_entry_rows_are_in_date_order_and_masked(snapshot):
    rows = month_entries(snapshot, "2026-01")
    assert [row.id for row in rows] == ["e5", "e6", "e4", "e7"]
    row = rows[0]
    assert row.date_zh == "1月5日"
    assert (row.direction_zh, row.counterparty_label, row.amount_text) == ("支出", "收款方", "7,000.99元")
    assert row.counterparty == "张三 138****5678"
    assert row.purpose == "付款至卡号6222***********0123"
    assert (row.approver, row.voucher_no, row.category) == ("李四", "记-2026-01-005", "工程支出")
    assert row.receipts == [model.MediaRef(sha256="b" * 64, caption="收据 身份证4300**********1234")]
    income = rows[3]
    assert (income.direction_zh, income.counterparty_label, income.amount_text) == ("收入", "付款方", "0.99元")


def test_public_numbers_pass_through_entry_rows():
    item = entry("e1", "2026-01-01", EXPENSE, 100, "办公费", purpose="电话费 0738-8312388")
    assert entry_row(item).purpose == "电话费 0738-***2388"
    assert entry_row(item, frozenset({"07388312388"})).purpose == "电话费 0738-8312388"


def test_five_thousand_entries_sum_exactly(tmp_path):
    entries = [
        entry(
            f"x{i}",
            f"2026-03-{i % 28 + 1:02d}",
            EXPENSE if i % 3 else INCOME,
            1 + i * 7919 % 1_000_000,
            ["工程支出", "办公费", "误工补贴", "水电费"][i % 4],
        )
        for i in range(5000)
    ]
    snapshot = build_snapshot(tmp_path, {"2026-03": model.FinanceMonthDoc(month="2026-03", opening_balance_fen=0, entries=entries)})
    summary = month_summary(snapshot, "2026-03")
    expected_expense = sum(e.amount_fen for e in entries if e.direction is EXPENSE)
    expected_income = sum(e.amount_fen for e in entries if e.direction is INCOME)
    assert (summary.expense_fen, summary.income_fen) == (expected_expense, expected_income)
    assert summary.balance_fen == expected_income - expected_expense
    assert sum(fen for _, fen in summary.by_category) == expected_expense
    assert len(month_entries(snapshot, "2026-03")) == summary.entry_count == 5000


def test_summaries_are_worked_out_once_per_snapshot_and_follow_a_new_one(tmp_path):
    import gc
    import weakref

    from kiosk import finance_summary

    first = build_snapshot(tmp_path, MONTHS)
    assert month_summary(first, "2025-12") is month_summary(first, "2025-12")  # not added up again
    changed = dict(MONTHS)
    changed["2025-12"] = msgspec.structs.replace(MONTHS["2025-12"], entries=MONTHS["2025-12"].entries[:1])
    second = build_snapshot(tmp_path, changed)
    assert month_summary(second, "2025-12").expense_fen == 0 != month_summary(first, "2025-12").expense_fen
    # An old snapshot is not kept alive by its cached summaries.
    gone = weakref.ref(first)
    del first
    gc.collect()
    assert gone() is None and len(finance_summary._summaries_of) >= 1
