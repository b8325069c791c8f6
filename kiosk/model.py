"""Typed model of the village feed.

Every document the central platform publishes is decoded into these
structs exactly once, at the boundary (``kiosk.decode``); nothing past that
point ever sees raw JSON. The wire format is documented for the platform's
team in ``docs/FEED-FORMAT.md`` -- keep the two in step.

Conventions:
- money is integer fen (1 yuan = 100 fen), never float;
- dates are ISO ``YYYY-MM-DD`` strings on the wire, ``datetime.date`` here;
- media (receipts, photos) are referenced by the SHA-256 of their bytes;
- every text has a length limit (``kiosk.limits``): "text" may not be
  empty, "string" may.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec
from msgspec import Meta

from kiosk import limits

FORMAT_VERSION = 1

VillageCode = Annotated[str, Meta(pattern=r"^\d{12}$", description="12-digit statistical division code")]
Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Identifier = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
NameText = Annotated[str, Meta(min_length=1, max_length=limits.NAME_CHARS)]
NameString = Annotated[str, Meta(max_length=limits.NAME_CHARS)]
LineText = Annotated[str, Meta(min_length=1, max_length=limits.LINE_CHARS)]
LineString = Annotated[str, Meta(max_length=limits.LINE_CHARS)]
ParagraphText = Annotated[str, Meta(min_length=1, max_length=limits.PARAGRAPH_CHARS)]
ParagraphString = Annotated[str, Meta(max_length=limits.PARAGRAPH_CHARS)]
BodyText = Annotated[str, Meta(min_length=1, max_length=limits.BODY_CHARS)]
Fen = Annotated[int, Meta(ge=0, le=10**13)]
PositiveFen = Annotated[int, Meta(gt=0, le=10**13)]
MonthKey = Annotated[str, Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Phone = Annotated[str, Meta(pattern=r"^[0-9-]{3,20}$")]


class Struct(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """Base: immutable, keyword-only; unknown fields are ignored so the
    platform can add fields without breaking terminals in the field.

    Subclasses say ``frozen=True`` again: msgspec inherits it, but type
    checkers read each class's own options (dataclass_transform)."""


class MediaRef(Struct, frozen=True, kw_only=True):
    sha256: Sha256
    caption: LineString = ""


# ---------------------------------------------------------------- village


class Village(Struct, frozen=True, kw_only=True):
    code: VillageCode
    name: NameText
    township: NameText
    county: NameText
    city: NameText
    province: NameText = "湖南省"


class Hotline(Struct, frozen=True, kw_only=True):
    name: NameText
    number: Phone


class ComplaintChannel(Struct, frozen=True, kw_only=True):
    # Placeholders {village}, {terminal} and {item} are filled (URL-encoded)
    # by the terminal; see kiosk.complaint.
    url_template: Annotated[str, Meta(pattern=r"^https?://", max_length=300)]
    hotlines: list[Hotline]


class VillageDoc(Struct, frozen=True, kw_only=True):
    format: Annotated[int, Meta(ge=1)] = FORMAT_VERSION
    village: Village
    as_of: dt.date
    complaint: ComplaintChannel


# ---------------------------------------------------------------- powers


class NodeKind(enum.Enum):
    START = "start"
    STEP = "step"
    DECISION = "decision"
    PUBLICITY = "publicity"
    END = "end"


class FlowNode(Struct, frozen=True, kw_only=True):
    id: Identifier
    kind: NodeKind
    label: NameText
    detail: ParagraphString = ""


class FlowEdge(Struct, frozen=True, kw_only=True):
    source: Identifier = msgspec.field(name="from")
    target: Identifier = msgspec.field(name="to")
    label: NameString = ""


class Flowchart(Struct, frozen=True, kw_only=True):
    """A directed graph. Branches (decision nodes with labelled edges) and
    loops back are allowed; edges to missing nodes are NOT rejected here,
    the viewer shows them sensibly (a malformed chart must never hide the
    rest of the power item)."""

    nodes: list[FlowNode]
    edges: list[FlowEdge]


class PolicyBasis(Struct, frozen=True, kw_only=True):
    document: LineText
    clause: LineString = ""
    excerpt: ParagraphString = ""


class RiskPoint(Struct, frozen=True, kw_only=True):
    risk: ParagraphText
    control: ParagraphText
    level: NameString = ""  # e.g. 高 / 中 / 低, shown as given


class PowerCategory(Struct, frozen=True, kw_only=True):
    id: Identifier
    name: NameText
    description: LineString = ""


class PowerItem(Struct, frozen=True, kw_only=True):
    id: Identifier
    category: Identifier
    name: LineText
    summary: ParagraphText
    responsible: LineText
    time_limit: LineString = ""
    materials: list[LineString] = []
    basis: list[PolicyBasis] = []
    risks: list[RiskPoint] = []
    flowchart: Flowchart


class PowersDoc(Struct, frozen=True, kw_only=True):
    categories: list[PowerCategory]
    items: list[PowerItem]


# ---------------------------------------------------------------- projects


class ProjectStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SETTLED = "settled"


class StageKind(enum.Enum):
    """The six stages of 四议两公开, in order."""

    PROPOSAL = "proposal"  # 党支部会议提议
    CONSULTATION = "consultation"  # 村两委会议商议
    REVIEW = "review"  # 党员大会审议
    RESOLUTION = "resolution"  # 村民（代表）会议决议
    RESOLUTION_PUBLICITY = "resolution_publicity"  # 决议公开
    RESULT_PUBLICITY = "result_publicity"  # 实施结果公开


class Stage(Struct, frozen=True, kw_only=True):
    kind: StageKind
    date: dt.date
    note: LineString = ""


class Project(Struct, frozen=True, kw_only=True):
    id: Identifier
    name: LineText
    summary: ParagraphString = ""
    major: bool = False  # major matters must follow 四议两公开
    status: ProjectStatus
    budget_fen: Fen
    settlement_fen: Fen | None = None
    funding_source: LineString = ""
    tendering: ParagraphString = ""
    contractor: LineString = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    stages: list[Stage] = []
    photos: list[MediaRef] = []


class ProjectsDoc(Struct, frozen=True, kw_only=True):
    projects: list[Project]


# ---------------------------------------------------------------- finance


class Direction(enum.Enum):
    INCOME = "income"
    EXPENSE = "expense"


class FinanceEntry(Struct, frozen=True, kw_only=True):
    id: Identifier
    date: dt.date
    direction: Direction
    amount_fen: PositiveFen
    category: NameText
    counterparty: LineString = ""  # payee for an expense, payer for an income
    purpose: LineText
    approver: LineString = ""
    voucher_no: LineString = ""
    receipts: list[MediaRef] = []
    project_id: Identifier | None = None


class FinanceMonthDoc(Struct, frozen=True, kw_only=True):
    """One month of entries: finance is sharded by month so a daily change
    costs a small download."""

    month: MonthKey
    opening_balance_fen: int | None = None
    entries: list[FinanceEntry]


# ---------------------------------------------------------------- disclosures


class DisclosureKind(enum.Enum):
    ALLOWANCE = "allowance"  # 低保
    HOUSING = "housing"  # 危房改造
    RELIEF = "relief"  # 救灾救助
    PARTY = "party"  # 党员发展
    HOMESTEAD = "homestead"  # 宅基地审批
    OTHER = "other"


class Disclosure(Struct, frozen=True, kw_only=True):
    id: Identifier
    kind: DisclosureKind
    title: LineText
    publicity_start: dt.date
    publicity_end: dt.date
    columns: list[NameText]
    rows: list[list[NameString]]
    note: ParagraphString = ""


class DisclosuresDoc(Struct, frozen=True, kw_only=True):
    disclosures: list[Disclosure]


# ---------------------------------------------------------------- notices and cases


class Notice(Struct, frozen=True, kw_only=True):
    id: Identifier
    title: LineText
    date: dt.date
    issuer: LineString = ""
    body: BodyText


class Case(Struct, frozen=True, kw_only=True):
    id: Identifier
    title: LineText
    date: dt.date
    body: BodyText
    lesson: ParagraphString = ""  # the warning drawn from the case


class NoticesDoc(Struct, frozen=True, kw_only=True):
    notices: list[Notice]
    cases: list[Case] = []
