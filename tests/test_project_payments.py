"""A project's payments from the books (kiosk.project_payments): each with
its receipts, summed, and flagged when they do not add up -- against
figures worked out by hand."""

from __future__ import annotations

from kiosk import model
from kiosk.flags import FlagKind
from kiosk.project_payments import payments_flag, project_payments
from support.small_village import entry, snapshot_of

SETTLED, IN_PROGRESS = model.ProjectStatus.SETTLED, model.ProjectStatus.IN_PROGRESS


def project(ident: str, status: model.ProjectStatus, budget_fen: int, settlement_fen: int | None = None) -> model.Project:
    return model.Project(id=ident, name=f"项目{ident}", status=status, budget_fen=budget_fen, settlement_fen=settlement_fen)


def test_every_payment_with_its_receipts_and_the_shortfall(tmp_path):
    road = project("road", SETTLED, 10_000_000, 9_800_000)  # budget 100,000.00, settled at 98,000.00
    entries = [
        entry("p2", "2025-04-01", "expense", "60,000.00", "工程款", project="road", purpose="进度款"),
        entry("p1", "2025-03-01", "expense", "30,000.00", "工程款", project="road", receipt=True, purpose="预付款"),
        entry("g1", "2025-02-20", "income", "50,000.00", "上级补助", project="road"),
        entry("other", "2025-03-02", "expense", "999.00", "办公费"),
    ]
    view = project_payments(snapshot_of(tmp_path, projects=[road], entries=entries), road)
    assert [row.id for row in view.payments] == ["p1", "p2"]  # date order
    assert [len(row.receipts) for row in view.payments] == [1, 0] and view.without_receipt == 1
    assert [row.id for row in view.received] == ["g1"] and view.received_fen == 5_000_000
    # 30,000.00 + 60,000.00 = 90,000.00 paid; 98,000.00 - 90,000.00 = 8,000.00 still owed.
    assert view.paid_fen == 9_000_000
    assert view.text_zh == "村里为这个项目付款2笔，合计90,000.00元。"
    assert (view.flag.kind, view.flag.message_zh) == (FlagKind.UNPAID, "付款合计比结算少8,000.00元，还没有付清")


def test_a_project_without_payments(tmp_path):
    square = project("square", model.ProjectStatus.PLANNED, 500_000)
    view = project_payments(snapshot_of(tmp_path, projects=[square]), square)
    assert (view.payments, view.paid_fen, view.flag) == ([], 0, None)
    assert view.text_zh == "村级财务里还没有这个项目的付款。"


def test_payments_beyond_the_settlement_or_the_budget():
    overpaid = payments_flag(project("a", SETTLED, 1_200_000, 1_000_000), 1_250_000)  # 12,500.00 paid for 10,000.00
    assert (overpaid.kind, overpaid.message_zh) == (FlagKind.OVERPAID, "付款合计比结算多2,500.00元")
    early = payments_flag(project("b", IN_PROGRESS, 2_000_000), 2_500_000)  # 25,000.00 paid on a 20,000.00 budget
    assert (early.kind, early.message_zh) == (FlagKind.OVERPAID, "还没有结算，付款合计已经比预算多5,000.00元")
    assert payments_flag(project("c", SETTLED, 800_000, 700_000), 700_000) is None  # paid exactly the settlement
    assert payments_flag(project("d", IN_PROGRESS, 2_000_000), 2_000_000) is None  # up to the budget, before settling
