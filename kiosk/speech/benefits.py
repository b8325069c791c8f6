"""What 朗读 says on a villager's own subsidies (民生资金查询): how many
payments, each year's total per programme, then the newest payments, every
amount and date in words.

Only on the villager's tap, as everywhere: the terminal stands in the
village office, and the villager decides whether the room may hear it.
"""

from __future__ import annotations

from itertools import groupby

from kiosk.benefits.view import BenefitsView, PaymentRow
from kiosk.speech.numbers import amount_words, date_words, integer_words, spoken_numbers, year_words
from kiosk.speech.texts import _sentences

NEWEST_READ = 6  # payments read one by one; the rest are on the screen


def benefits_text(view: BenefitsView) -> str:
    totals = []
    for year, group in groupby(view.totals, key=lambda total: total.year):
        parts = [f"{spoken_numbers(t.programme)}{integer_words(t.count)}笔，一共{amount_words(t.total_fen)}" for t in group]
        totals.append(f"{year_words(year)}：" + "；".join(parts))
    newest = view.payments[:NEWEST_READ]
    return _sentences(
        f"查到您家的补贴发放记录，一共{integer_words(len(view.payments))}笔",
        *totals,
        "最近的" + ("几笔" if len(newest) > 1 else "一笔") + "：" + "；".join(_payment_words(row) for row in newest),
        len(view.payments) > len(newest) and "其余的请在屏幕上查看",
        "哪一笔不对，请点这一笔旁边的“反映”，用手机扫一扫告诉上级",
    )


def _payment_words(row: PaymentRow) -> str:
    words = f"{date_words(row.date)}，{spoken_numbers(row.programme)}，{amount_words(row.amount_fen)}，{spoken_numbers(row.payer)}发放"
    if row.covers:
        words += "，享受人员：" + "、".join(row.covers)
    return words
