"""What the 三资 screens show: the collective assets and resources, the
contracts that let them, the fees due and paid, and the flags.

Two flags, facts computed from the feed and judged at the data date (the
day the data is complete up to: a fee paid after it is not in the data yet):

- a fee due before that day and not paid in full is overdue;
- a contract worth at least the county's threshold (``assets.json``'s
  ``four_deliberations_from_fen``) must show all six stages of 四议两公开;
  its worth is the annual fee times the years of its term, a part of a
  year counted as a whole one. A smaller contract need show none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk import money
from kiosk.disclosure_view import date_zh
from kiosk.flags import STAGE_ORDER, Flag, FlagKind, TimelineRow, missing_stages_flag, timeline_of
from kiosk.model_oversight import Asset, AssetKind, Contract, ContractKind, FeePayment
from kiosk.privacy import mask_text

KIND_NAMES = {
    AssetKind.LAND: "土地",
    AssetKind.POND: "山塘水面",
    AssetKind.FOREST: "山林",
    AssetKind.BUILDING: "房屋",
    AssetKind.OTHER: "其他",
}
# 三资: funds (the finance screens), assets (what was built or bought) and resources (land, water, forest).
RESOURCE_KINDS = frozenset({AssetKind.LAND, AssetKind.POND, AssetKind.FOREST})
CONTRACT_NAMES = {ContractKind.CONTRACTING: "承包", ContractKind.LEASE: "租赁"}
PARTY_LABELS = {ContractKind.CONTRACTING: "承包方", ContractKind.LEASE: "承租方"}
FEE_NAMES = {ContractKind.CONTRACTING: "承包费", ContractKind.LEASE: "租金"}


def term_years(start: dt.date, end: dt.date) -> int:
    """Years a term from ``start`` to ``end`` (both days included) spans, a
    part of a year counted whole: 2024-01-01 to 2028-12-31 is 5, to
    2029-01-01 it is 6."""
    after = end + dt.timedelta(days=1)
    years = 1
    while _anniversary(start, years) < after:
        years += 1
    return years


def _anniversary(start: dt.date, years: int) -> dt.date:
    """``years`` after ``start``; a 29 February's is the 1 March after the 28th."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return dt.date(start.year + years, 3, 1)


def contract_value_fen(contract: Contract) -> int:
    return contract.annual_fee_fen * term_years(contract.start_date, contract.end_date)


def needs_four_deliberations(contract: Contract, threshold_fen: int | None) -> bool:
    return threshold_fen is not None and contract_value_fen(contract) >= threshold_fen


@dataclass(frozen=True)
class FeeRow:
    period: str  # masked
    amount_fen: int
    paid_fen: int
    owed_fen: int
    overdue: bool
    text_zh: str  # "应交3,600.00元，2026年3月9日交清" / "应在2026年6月30日前交4,200.00元，还欠4,200.00元"


def fee_row(payment: FeePayment, as_of: dt.date, public: frozenset[str] = frozenset()) -> FeeRow:
    owed = payment.amount_fen - payment.paid_fen
    overdue = owed > 0 and payment.due < as_of
    if owed == 0:
        text = f"应交{money.yuan(payment.amount_fen)}，" + (f"{date_zh(payment.paid_on)}交清" if payment.paid_on else "已交清")
    else:
        text = f"应在{date_zh(payment.due)}前交{money.yuan(payment.amount_fen)}"
        if payment.paid_fen:
            text += f"，已交{money.yuan(payment.paid_fen)}"
        text += f"，还欠{money.yuan(owed)}" if overdue else "，还没到交费的日子"
    return FeeRow(mask_text(payment.period, public), payment.amount_fen, payment.paid_fen, owed, overdue, text)


def contract_flags(contract: Contract, as_of: dt.date, threshold_fen: int | None) -> list[Flag]:
    flags = []
    owed = sum(row.owed_fen for row in (fee_row(p, as_of) for p in contract.payments) if row.overdue)
    if owed:
        flags.append(Flag(FlagKind.FEE_OVERDUE, f"{FEE_NAMES[contract.kind]}过了交费日子还没交，欠{money.yuan(owed)}"))
    missing = missing_stages_flag(contract_timeline(contract, threshold_fen))
    if missing is not None:
        flags.append(missing)
    return flags


def contract_timeline(contract: Contract, threshold_fen: int | None, public: frozenset[str] = frozenset()) -> list[TimelineRow]:
    """A contract is let once signed: every stage is due by then, when its worth needs them."""
    due = len(STAGE_ORDER) if needs_four_deliberations(contract, threshold_fen) else None
    return timeline_of(contract.stages, due, public)


@dataclass(frozen=True)
class ContractView:
    id: str
    asset_id: str
    title: str  # "长冲鱼塘承包合同"
    kind_zh: str  # 承包 / 租赁
    party_label: str  # 承包方 / 承租方
    party: str
    term_zh: str  # "2026年1月1日至2030年12月31日，共5年"
    fee_zh: str  # "每年承包费3,600.00元"
    value_fen: int
    value_zh: str  # "合同总额18,000.00元（每年3,600.00元，5年）"
    rule_zh: str  # whether the county's rule asks for 四议两公开, in words
    letting: str
    note: str
    fees: list[FeeRow]
    owed_fen: int  # overdue and unpaid
    timeline: list[TimelineRow]
    needs_stages: bool
    flags: list[Flag]


def contract_view(
    contract: Contract, asset: Asset, as_of: dt.date, threshold_fen: int | None, public: frozenset[str] = frozenset()
) -> ContractView:
    years = term_years(contract.start_date, contract.end_date)
    value = contract.annual_fee_fen * years
    needs = needs_four_deliberations(contract, threshold_fen)
    fee = money.yuan(contract.annual_fee_fen)
    if threshold_fen is None:
        rule = "上级没有公布多大的合同要走四议两公开。"
    elif needs:
        rule = f"合同总额在{money.yuan(threshold_fen)}以上，按规定要走四议两公开的六个步骤。"
    else:
        rule = f"合同总额不到{money.yuan(threshold_fen)}，不要求走完四议两公开。"
    fees = [fee_row(payment, as_of, public) for payment in sorted(contract.payments, key=lambda p: p.due)]
    return ContractView(
        id=contract.id,
        asset_id=asset.id,
        title=f"{mask_text(asset.name, public)}{CONTRACT_NAMES[contract.kind]}合同",
        kind_zh=CONTRACT_NAMES[contract.kind],
        party_label=PARTY_LABELS[contract.kind],
        party=mask_text(contract.party, public),
        term_zh=f"{date_zh(contract.start_date)}至{date_zh(contract.end_date)}，共{years}年",
        fee_zh=f"每年{FEE_NAMES[contract.kind]}{fee}",
        value_fen=value,
        value_zh=f"合同总额{money.yuan(value)}（每年{fee}，{years}年）",
        rule_zh=rule,
        letting=mask_text(contract.letting, public),
        note=mask_text(contract.note, public),
        fees=fees,
        owed_fen=sum(row.owed_fen for row in fees if row.overdue),
        timeline=contract_timeline(contract, threshold_fen, public),
        needs_stages=needs,
        flags=contract_flags(contract, as_of, threshold_fen),
    )


@dataclass(frozen=True)
class AssetView:
    id: str
    name: str
    kind_zh: str
    resource: bool  # 资源 (land, water, forest) rather than 资产
    location: str
    size: str
    note: str
    contracts: list[ContractView]
    flags: list[Flag]  # of all its contracts


def asset_view(
    asset: Asset, contracts: list[Contract], as_of: dt.date, threshold_fen: int | None, public: frozenset[str] = frozenset()
) -> AssetView:
    views = [contract_view(contract, asset, as_of, threshold_fen, public) for contract in contracts]
    return AssetView(
        id=asset.id,
        name=mask_text(asset.name, public),
        kind_zh=KIND_NAMES[asset.kind],
        resource=asset.kind in RESOURCE_KINDS,
        location=mask_text(asset.location, public),
        size=mask_text(asset.size, public),
        note=mask_text(asset.note, public),
        contracts=views,
        flags=[flag for view in views for flag in view.flags],
    )
