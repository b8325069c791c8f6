"""What a villager should see about a project: budget against settlement,
the 四议两公开 record, and the warnings ("flags") worth a second look.

Flags are facts computed from the feed, not accusations: a settlement over
budget by more than the configured threshold (whenever the feed gives a
settlement amount; settled projects always have one), and a major project
whose 四议两公开 record lacks a stage that should have happened by now.

Which stages "should have happened": a settled project must show all six;
work under way must show the four deliberations and the publicity of the
resolution (work starts only after it); a planned project is still being
decided, so nothing is due yet. In every status, a stage missing before a
later recorded one was skipped (the record says the project moved past it).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from fractions import Fraction

from kiosk import model, money
from kiosk.model import ProjectStatus, StageKind
from kiosk.privacy import mask_text, masked_media

STAGE_NAMES = {
    StageKind.PROPOSAL: "党支部提议",
    StageKind.CONSULTATION: "两委商议",
    StageKind.REVIEW: "党员大会审议",
    StageKind.RESOLUTION: "村民代表会议决议",
    StageKind.RESOLUTION_PUBLICITY: "决议公开",
    StageKind.RESULT_PUBLICITY: "结果公开",
}
STAGE_ORDER = tuple(StageKind)  # the enum is declared in procedure order

STATUS_NAMES = {
    ProjectStatus.PLANNED: "计划中",
    ProjectStatus.IN_PROGRESS: "正在施工",
    ProjectStatus.SETTLED: "已结算",
}

# How many of the six stages (in order) must be on record by each status.
_DUE_BY_STATUS = {
    ProjectStatus.PLANNED: 0,
    ProjectStatus.IN_PROGRESS: 5,
    ProjectStatus.SETTLED: 6,
}


class FlagKind(enum.Enum):
    OVER_BUDGET = "over_budget"
    MISSING_STAGES = "missing_stages"  # of a project, or of a contract (kiosk.assets_view)
    UNPAID = "unpaid"  # payments short of the settlement (kiosk.project_payments)
    OVERPAID = "overpaid"  # payments beyond the settlement, or beyond the budget before it
    FEE_OVERDUE = "fee_overdue"  # a contract's fee not paid by its day (kiosk.assets_view)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    message_zh: str


@dataclass(frozen=True)
class TimelineRow:
    kind: StageKind
    name_zh: str
    date: dt.date | None  # None: not on record
    note: str  # masked
    missing: bool  # not on record although it should be by now


@dataclass(frozen=True)
class BudgetView:
    budget_fen: int
    settlement_fen: int | None
    diff_fen: int | None  # settlement - budget; positive = over budget
    diff_pct: Fraction | None  # exact percent of the budget; None without settlement or budget
    pct_text: str  # "12.5%", rounded half up to one decimal; "" when diff_pct is None
    text_zh: str  # one plain sentence for the detail view


def stage_timeline(project: model.Project, public: frozenset[str] = frozenset()) -> list[TimelineRow]:
    """The six stages in procedure order, with dates where on record.

    If the feed lists a stage twice, the earliest date is shown.
    """
    return timeline_of(project.stages, _DUE_BY_STATUS[project.status] if project.major else None, public)


def timeline_of(stages: list[model.Stage], due_count: int | None, public: frozenset[str] = frozenset()) -> list[TimelineRow]:
    """The six stages of a record that must follow 四议两公开 (a project, a
    contract): ``due_count`` of them, in order, should be on record by now,
    and any stage before a later recorded one; None when the record need not
    follow the procedure at all."""
    recorded: dict[StageKind, model.Stage] = {}
    for stage in sorted(stages, key=lambda s: s.date, reverse=True):
        recorded[stage.kind] = stage
    due = _stages_due(due_count, recorded)
    return [
        TimelineRow(
            kind=kind,
            name_zh=STAGE_NAMES[kind],
            date=recorded[kind].date if kind in recorded else None,
            note=mask_text(recorded[kind].note, public) if kind in recorded else "",
            missing=kind in due and kind not in recorded,
        )
        for kind in STAGE_ORDER
    ]


def _stages_due(due_count: int | None, recorded: dict[StageKind, model.Stage]) -> set[StageKind]:
    if due_count is None:
        return set()
    latest = max((STAGE_ORDER.index(kind) + 1 for kind in recorded), default=0)
    return set(STAGE_ORDER[: max(due_count, latest)])


def missing_stages_flag(timeline: list[TimelineRow]) -> Flag | None:
    missing = [row.name_zh for row in timeline if row.missing]
    return Flag(FlagKind.MISSING_STAGES, "四议两公开缺少：" + "、".join(missing)) if missing else None


def budget_comparison(project: model.Project) -> BudgetView:
    budget, settlement = project.budget_fen, project.settlement_fen
    if settlement is None:
        return BudgetView(budget, None, None, None, "", f"预算{money.yuan(budget)}，还没有结算。")
    diff = settlement - budget
    if budget == 0:
        pct, pct_text = None, ""
    else:
        pct = Fraction(diff * 100, budget)
        pct_text = _percent_text(pct)
    if diff == 0:
        text = "结算和预算一样多。"
    else:
        more_or_less = "多" if diff > 0 else "少"
        text = f"结算比预算{more_or_less}{money.yuan(abs(diff))}" + (f"（{pct_text}）" if pct_text else "") + "。"
    return BudgetView(budget, settlement, diff, pct, pct_text, text)


def _percent_text(pct: Fraction) -> str:
    """Magnitude to one decimal, rounded half up with integers only."""
    tenths = (abs(pct) * 10 * 2 + 1) // 2
    return f"{tenths // 10}.{tenths % 10}%"


def project_flags(project: model.Project, threshold_pct: float = 10.0) -> list[Flag]:
    flags = []
    view = budget_comparison(project)
    # str() first: the configured 10.0 or 12.5 is then exactly 10 or 25/2.
    threshold = Fraction(str(threshold_pct))
    if view.diff_fen is not None and view.diff_fen > 0:
        if view.diff_pct is None:
            flags.append(Flag(FlagKind.OVER_BUDGET, f"没有预算，却结算了{money.yuan(view.diff_fen)}"))
        elif view.diff_pct > threshold:
            flags.append(Flag(FlagKind.OVER_BUDGET, f"结算超出预算 {view.pct_text}"))
    missing = missing_stages_flag(stage_timeline(project))
    if missing is not None:
        flags.append(missing)
    return flags


@dataclass(frozen=True)
class ProjectView:
    """Everything the project detail screen shows, feed text already masked."""

    id: str
    name: str
    status_zh: str
    summary: str
    funding_source: str
    tendering: str
    contractor: str
    start_date: dt.date | None
    end_date: dt.date | None
    budget: BudgetView
    timeline: list[TimelineRow]
    flags: list[Flag]
    photos: list[model.MediaRef]  # captions masked


def project_view(project: model.Project, threshold_pct: float = 10.0, public: frozenset[str] = frozenset()) -> ProjectView:
    return ProjectView(
        id=project.id,
        name=mask_text(project.name, public),
        status_zh=STATUS_NAMES[project.status],
        summary=mask_text(project.summary, public),
        funding_source=mask_text(project.funding_source, public),
        tendering=mask_text(project.tendering, public),
        contractor=mask_text(project.contractor, public),
        start_date=project.start_date,
        end_date=project.end_date,
        budget=budget_comparison(project),
        timeline=stage_timeline(project, public),
        flags=project_flags(project, threshold_pct),
        photos=masked_media(project.photos, public),
    )
