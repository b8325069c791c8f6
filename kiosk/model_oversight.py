"""Typed model of the documents that let a villager check the money and
who answers for it (issue 17), beside the five of ``kiosk.model``:

- ``budget.json``: each year's budget as the villagers' (representatives')
  meeting approved it, line by line;
- ``assets.json``: the collective assets and resources (三资) and the
  contracts that let them (承包/租赁), with the fees due and paid;
- ``people.json``: the village's committees (村两委, 村务监督委员会) and
  who sits on them, with their duties and the powers they exercise;
- ``complaints.json``: the platform's quarterly account of the reports
  villagers made about this village: received, handled, typical results.

All four are optional: a feed without one shows no such screen. (Empty
lists are ``field(default_factory=list)`` here: the linter cannot see that
``kiosk.model.Struct`` is a msgspec struct, whose ``= []`` is safe.) The same
conventions as ``kiosk.model`` hold (integer fen, ISO dates, length limits
from ``kiosk.limits``); docs/FEED-FORMAT.md sections 4.7-4.10 describe them
for the platform's team.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from msgspec import Meta, field

from kiosk import limits
from kiosk.model import (
    Direction,
    Fen,
    Identifier,
    LineString,
    LineText,
    NameString,
    NameText,
    ParagraphString,
    ParagraphText,
    Phone,
    PositiveFen,
    Stage,
    Struct,
)

Year = Annotated[int, Meta(ge=limits.EARLIEST_YEAR, le=limits.LATEST_YEAR)]
Count = Annotated[int, Meta(ge=0, le=limits.MAX_REPORT_COUNT)]
QuarterKey = Annotated[str, Meta(pattern=r"^\d{4}-Q[1-4]$")]


# ---------------------------------------------------------------- budget.json


class BudgetLine(Struct, frozen=True, kw_only=True):
    direction: Direction
    category: NameText  # spelt as the finance entries spell it: they are matched by it
    amount_fen: Fen
    note: LineString = ""


class YearBudget(Struct, frozen=True, kw_only=True):
    year: Year
    approved_by: LineText  # e.g. 村民代表会议
    approved_on: dt.date
    note: LineString = ""  # attendance and vote
    lines: list[BudgetLine]


class BudgetDoc(Struct, frozen=True, kw_only=True):
    budgets: list[YearBudget]


# ---------------------------------------------------------------- assets.json


class AssetKind(enum.Enum):
    LAND = "land"  # 土地
    POND = "pond"  # 山塘、水面
    FOREST = "forest"  # 山林
    BUILDING = "building"  # 房屋、门面
    OTHER = "other"  # 设备、设施等


class Asset(Struct, frozen=True, kw_only=True):
    id: Identifier
    kind: AssetKind
    name: LineText
    location: LineString = ""
    size: NameString = ""  # as text, with its unit: 42亩, 120平方米
    note: ParagraphString = ""


class ContractKind(enum.Enum):
    CONTRACTING = "contracting"  # 承包
    LEASE = "lease"  # 租赁


class FeePayment(Struct, frozen=True, kw_only=True):
    """One fee due under a contract, and what has been paid of it."""

    period: NameText  # 2026年度, 2026年第一季度
    due: dt.date
    amount_fen: PositiveFen
    paid_fen: Fen = 0
    paid_on: dt.date | None = None
    entry_id: Identifier | None = None  # the finance entry that booked the payment


class Contract(Struct, frozen=True, kw_only=True):
    id: Identifier
    asset_id: Identifier
    kind: ContractKind
    party: LineText  # 承包方 / 承租方
    start_date: dt.date
    end_date: dt.date
    annual_fee_fen: Fen
    letting: ParagraphString = ""  # how it was let: 公开竞价, 协议, bids received
    stages: list[Stage] = field(default_factory=list)  # its 四议两公开 record
    payments: list[FeePayment] = field(default_factory=list)
    note: ParagraphString = ""


class AssetsDoc(Struct, frozen=True, kw_only=True):
    # The county's rule: a contract worth this much or more (its annual fee
    # times its years) must go through all six stages of 四议两公开.
    four_deliberations_from_fen: Fen
    assets: list[Asset]
    contracts: list[Contract] = field(default_factory=list)


# ---------------------------------------------------------------- people.json


class CommitteeKind(enum.Enum):
    PARTY = "party"  # 村党支部委员会
    VILLAGERS = "villagers"  # 村民委员会
    SUPERVISION = "supervision"  # 村务监督委员会


class Committee(Struct, frozen=True, kw_only=True):
    kind: CommitteeKind
    name: LineText
    duties: ParagraphString = ""
    office_phone: Phone | None = None


class Post(Struct, frozen=True, kw_only=True):
    committee: CommitteeKind
    title: NameText  # 书记, 主任, 委员


class Person(Struct, frozen=True, kw_only=True):
    id: Identifier
    name: NameText
    posts: list[Post]
    duties: ParagraphString = ""
    office_phone: Phone | None = None  # published on purpose: shown in full
    phone: NameString = ""  # personal: shown masked (and may come masked: any text)
    powers: list[Identifier] = field(default_factory=list)  # the power items (powers.json) this person exercises


class PeopleDoc(Struct, frozen=True, kw_only=True):
    committees: list[Committee]
    people: list[Person]


# ---------------------------------------------------------------- complaints.json


class TypicalResult(Struct, frozen=True, kw_only=True):
    matter: LineText  # what was reported
    outcome: ParagraphText  # what was found and done


class QuarterReport(Struct, frozen=True, kw_only=True):
    quarter: QuarterKey  # 2026-Q3
    published_on: dt.date
    received: Count
    handled: Count
    upheld: Count | None = None  # found true in whole or part
    results: list[TypicalResult] = field(default_factory=list)
    note: ParagraphString = ""


class ComplaintsDoc(Struct, frozen=True, kw_only=True):
    quarters: list[QuarterReport]
