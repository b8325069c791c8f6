"""A project's money as the books show it (一码一工程): every payment the
village made for it -- the finance entries that carry its ``project_id`` --
each with its receipts, the money received for it, and whether the
payments add up to the settlement.

The check is plain arithmetic on the feed, said in plain words: a settled
project whose payments come to less than its settlement still owes money
(often a retention paid a year later), one whose payments come to more
paid out more than the work was settled at; before the settlement, paying
out more than the budget is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import model, money
from kiosk.finance_summary import EntryRow, entry_row
from kiosk.flags import Flag, FlagKind
from kiosk.model import Direction
from kiosk.snapshot import Snapshot


@dataclass(frozen=True)
class PaymentsView:
    payments: list[EntryRow]  # money paid out for the project, in date order
    received: list[EntryRow]  # money received for it (grants, donations), in date order
    paid_fen: int
    received_fen: int
    without_receipt: int  # payments with no receipt
    text_zh: str  # one plain sentence: how many payments, how much
    flag: Flag | None  # the payments do not add up


def project_payments(snapshot: Snapshot, project: model.Project, public: frozenset[str] = frozenset()) -> PaymentsView:
    entries = sorted(snapshot.entries_for_project(project.id), key=lambda e: e.date)
    payments = [entry_row(e, public) for e in entries if e.direction is Direction.EXPENSE]
    received = [entry_row(e, public) for e in entries if e.direction is Direction.INCOME]
    paid = sum(row.amount_fen for row in payments)
    text = f"村里为这个项目付款{len(payments)}笔，合计{money.yuan(paid)}。" if payments else "村级财务里还没有这个项目的付款。"
    return PaymentsView(
        payments=payments,
        received=received,
        paid_fen=paid,
        received_fen=sum(row.amount_fen for row in received),
        without_receipt=sum(1 for row in payments if row.missing_receipt),
        text_zh=text,
        flag=payments_flag(project, paid),
    )


def payments_flag(project: model.Project, paid_fen: int) -> Flag | None:
    """What does not add up between ``paid_fen`` and the project's figures."""
    settlement = project.settlement_fen
    if settlement is None:
        if paid_fen > project.budget_fen:
            over = money.yuan(paid_fen - project.budget_fen)
            return Flag(FlagKind.OVERPAID, f"还没有结算，付款合计已经比预算多{over}")
        return None
    if paid_fen < settlement:
        return Flag(FlagKind.UNPAID, f"付款合计比结算少{money.yuan(settlement - paid_fen)}，还没有付清")
    if paid_fen > settlement:
        return Flag(FlagKind.OVERPAID, f"付款合计比结算多{money.yuan(paid_fen - settlement)}")
    return None
