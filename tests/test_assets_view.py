"""集体三资 (kiosk.assets_view): a contract's worth, its fees paid or owed
and its flags, against figures worked out by hand; judged at the data date."""

from __future__ import annotations

import pytest

from kiosk import model
from kiosk.assets_view import asset_view, contract_value_fen, contract_view, fee_row, term_years
from kiosk.flags import FlagKind
from kiosk.model import StageKind
from kiosk.model_oversight import Asset, AssetKind, Contract, ContractKind, FeePayment
from support.small_village import D

AS_OF = D("2026-11-20")
THRESHOLD = 5_000_000  # 50,000.00


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        ("2024-01-01", "2028-12-31", 5),
        ("2024-01-01", "2029-01-01", 6),  # one day into a sixth year counts it whole
        ("2026-03-15", "2026-09-14", 1),
        ("2026-03-01", "2031-02-28", 5),
        ("2024-02-29", "2025-02-28", 1),  # a year from a leap day
        ("2026-05-01", "2026-05-01", 1),
    ],
)
def test_years_of_a_term(start, end, years):
    assert term_years(D(start), D(end)) == years


def contract(fee_fen: int, start: str, end: str, stages=(), payments=(), kind=ContractKind.CONTRACTING) -> Contract:
    return Contract(
        id="c1",
        asset_id="a1",
        kind=kind,
        party="曾凡明",
        start_date=D(start),
        end_date=D(end),
        annual_fee_fen=fee_fen,
        stages=[model.Stage(kind=k, date=D(day)) for k, day in stages],
        payments=list(payments),
    )


POND = Asset(id="a1", kind=AssetKind.POND, name="长冲鱼塘", size="15亩水面")


def test_fees_paid_owed_and_not_yet_due():
    paid = fee_row(FeePayment(period="2026年度", due=D("2026-03-31"), amount_fen=360_000, paid_fen=360_000, paid_on=D("2026-03-09")), AS_OF)
    assert (paid.overdue, paid.owed_fen, paid.text_zh) == (False, 0, "应交3,600.00元，2026年3月9日交清")
    unpaid = fee_row(FeePayment(period="2026年度", due=D("2026-06-30"), amount_fen=420_000), AS_OF)
    assert (unpaid.overdue, unpaid.owed_fen, unpaid.text_zh) == (True, 420_000, "应在2026年6月30日前交4,200.00元，还欠4,200.00元")
    part = fee_row(FeePayment(period="2026年度", due=D("2026-06-30"), amount_fen=420_000, paid_fen=100_000, paid_on=D("2026-06-01")), AS_OF)
    assert (part.overdue, part.owed_fen) == (True, 320_000)  # 4,200.00 - 1,000.00
    assert part.text_zh == "应在2026年6月30日前交4,200.00元，已交1,000.00元，还欠3,200.00元"
    later = fee_row(FeePayment(period="2027年度", due=D("2026-12-31"), amount_fen=1_260_000), AS_OF)
    assert (later.overdue, later.text_zh) == (False, "应在2026年12月31日前交12,600.00元，还没到交费的日子")
    on_the_day = fee_row(FeePayment(period="2026年度", due=AS_OF, amount_fen=100), AS_OF)
    assert not on_the_day.overdue  # the due date is the last day to pay


def test_an_overdue_fee_is_flagged_with_what_is_owed():
    owed = [
        FeePayment(period="2026年度", due=D("2026-06-30"), amount_fen=420_000),
        FeePayment(period="2025年度", due=D("2025-06-30"), amount_fen=420_000, paid_fen=20_000, paid_on=D("2025-07-01")),
    ]
    view = contract_view(contract(420_000, "2024-03-01", "2034-02-28", payments=owed), POND, AS_OF, THRESHOLD)
    # 4,200.00 for 2026 and 4,000.00 left of 2025: 8,200.00. Worth 4,200.00 x 10 = 42,000.00, under the threshold.
    assert [(f.kind, f.message_zh) for f in view.flags] == [(FlagKind.FEE_OVERDUE, "承包费过了交费日子还没交，欠8,200.00元")]
    assert view.owed_fen == 820_000 and not view.needs_stages
    lease = contract_view(contract(100_000, "2026-01-01", "2026-12-31", payments=owed[:1], kind=ContractKind.LEASE), POND, AS_OF, THRESHOLD)
    assert lease.flags[0].message_zh == "租金过了交费日子还没交，欠4,200.00元"


def test_a_contract_worth_the_threshold_must_show_the_six_stages():
    held = [(StageKind.PROPOSAL, "2021-10-12"), (StageKind.CONSULTATION, "2021-10-15"), (StageKind.RESULT_PUBLICITY, "2022-01-10")]
    forest = contract(800_000, "2022-01-01", "2036-12-31", stages=held)  # 8,000.00 x 15 years = 120,000.00
    assert contract_value_fen(forest) == 12_000_000
    view = contract_view(forest, POND, AS_OF, THRESHOLD)
    assert [(f.kind, f.message_zh) for f in view.flags] == [
        (FlagKind.MISSING_STAGES, "四议两公开缺少：党员大会审议、村民代表会议决议、决议公开")
    ]
    assert [row.missing for row in view.timeline] == [False, False, True, True, True, False]
    assert view.rule_zh == "合同总额在50,000.00元以上，按规定要走四议两公开的六个步骤。"
    exactly = contract(1_000_000, "2026-01-01", "2030-12-31")  # 10,000.00 x 5 = 50,000.00: at the threshold
    assert contract_view(exactly, POND, AS_OF, THRESHOLD).flags[0].kind is FlagKind.MISSING_STAGES
    under = contract(360_000, "2026-01-01", "2030-12-31")  # 3,600.00 x 5 = 18,000.00
    assert contract_view(under, POND, AS_OF, THRESHOLD).flags == []
    assert contract_view(forest, POND, AS_OF, None).flags == []  # no rule published, none applied


def test_what_the_contract_page_says():
    pond = contract(360_000, "2026-01-01", "2030-12-31")
    view = contract_view(pond, POND, AS_OF, THRESHOLD)
    assert view.title == "长冲鱼塘承包合同"
    assert view.term_zh == "2026年1月1日至2030年12月31日，共5年"
    assert view.value_zh == "合同总额18,000.00元（每年3,600.00元，5年）"
    assert view.fee_zh == "每年承包费3,600.00元"
    assert view.rule_zh == "合同总额不到50,000.00元，不要求走完四议两公开。"
    asset = asset_view(POND, [pond], AS_OF, THRESHOLD)
    assert (asset.kind_zh, asset.resource, asset.size, len(asset.contracts)) == ("山塘水面", True, "15亩水面", 1)
