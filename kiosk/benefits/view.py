"""One person's payments as the screen shows them: newest first, each with
its date, programme, amount, paying body and the household members it
covers (names only), and the totals of each programme in each year.

Feed text is masked as everywhere else (a paying body's name could quote a
phone number); amounts stay integer fen until they are formatted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from kiosk import money
from kiosk.benefits.model import Payment, PersonRecord
from kiosk.disclosure_view import date_zh
from kiosk.privacy import mask_text


@dataclass(frozen=True)
class PaymentRow:
    id: str
    date: dt.date
    date_zh: str  # "2026年10月15日"
    programme: str
    amount_fen: int
    amount_text: str  # "1,260.00元"
    payer: str
    covers: tuple[str, ...]

    @property
    def covers_text(self) -> str:
        return "、".join(self.covers)


@dataclass(frozen=True)
class YearTotal:
    year: int
    programme: str
    total_fen: int
    count: int  # payments in the total

    @property
    def total_text(self) -> str:
        return money.yuan(self.total_fen)


@dataclass(frozen=True)
class BenefitsView:
    payments: tuple[PaymentRow, ...]  # newest first
    totals: tuple[YearTotal, ...]  # newest year first; within a year, the largest total first

    def __repr__(self) -> str:  # personal: never in a log
        return f"BenefitsView({len(self.payments)} payments)"

    @classmethod
    def of(cls, record: PersonRecord, public: frozenset[str] = frozenset()) -> BenefitsView:
        rows = tuple(_row(payment, public) for payment in sorted(record.payments, key=lambda p: (p.date, p.id), reverse=True))
        sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            total = sums[(row.date.year, row.programme)]
            total[0] += row.amount_fen
            total[1] += 1
        totals = sorted(
            (YearTotal(year, programme, fen, count) for (year, programme), (fen, count) in sums.items()),
            key=lambda t: (-t.year, -t.total_fen, t.programme),
        )
        return cls(rows, tuple(totals))


def _row(payment: Payment, public: frozenset[str]) -> PaymentRow:
    return PaymentRow(
        id=payment.id,
        date=payment.date,
        date_zh=date_zh(payment.date),
        programme=mask_text(payment.programme, public),
        amount_fen=payment.amount_fen,
        amount_text=money.yuan(payment.amount_fen),
        payer=mask_text(payment.payer, public),
        covers=tuple(mask_text(name, public) for name in payment.covers),
    )
