"""What the results-disclosure (办事结果公开) and notice screens show, with
every feed string already masked (see ``kiosk.privacy``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kiosk import model
from kiosk.model import DisclosureKind
from kiosk.privacy import MaskedTable, mask_text, masked_disclosure

KIND_NAMES = {
    DisclosureKind.ALLOWANCE: "低保",
    DisclosureKind.HOUSING: "危房改造",
    DisclosureKind.RELIEF: "救灾救助",
    DisclosureKind.PARTY: "党员发展",
    DisclosureKind.HOMESTEAD: "宅基地审批",
    DisclosureKind.OTHER: "其他",
}
IN_PUBLICITY_BADGE = "公示中"


_DATE_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def notice_is_current(notice: model.Notice, today: dt.date) -> bool:
    """False once every date the notice speaks of has passed (a 停水 notice
    for 11月21日 is news no more on 12月1日); a notice naming no date stays
    current."""
    days = []
    for year, month, day in _DATE_IN_TEXT.findall(f"{notice.title}\n{notice.body}"):
        try:
            days.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return not days or max(days) >= today


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def in_publicity(disclosure: model.Disclosure, today: dt.date) -> bool:
    """True while the publicity period runs (both end days included): the
    time villagers can still object."""
    return disclosure.publicity_start <= today <= disclosure.publicity_end


@dataclass(frozen=True)
class DisclosureView:
    id: str
    kind_zh: str
    title: str
    period_zh: str  # "公示期：2026年3月1日至2026年3月7日"
    in_publicity: bool  # show the 公示中 badge
    table: MaskedTable
    note: str


@dataclass(frozen=True)
class NoticeView:
    id: str
    title: str
    date_zh: str
    issuer: str
    body: str


@dataclass(frozen=True)
class CaseView:
    id: str
    title: str
    date_zh: str
    body: str
    lesson: str


def disclosure_view(disclosure: model.Disclosure, today: dt.date, public: frozenset[str] = frozenset()) -> DisclosureView:
    return DisclosureView(
        id=disclosure.id,
        kind_zh=KIND_NAMES[disclosure.kind],
        title=mask_text(disclosure.title, public),
        period_zh=f"公示期：{date_zh(disclosure.publicity_start)}至{date_zh(disclosure.publicity_end)}",
        in_publicity=in_publicity(disclosure, today),
        table=masked_disclosure(disclosure, public),
        note=mask_text(disclosure.note, public),
    )


def notice_view(notice: model.Notice, public: frozenset[str] = frozenset()) -> NoticeView:
    return NoticeView(
        id=notice.id,
        title=mask_text(notice.title, public),
        date_zh=date_zh(notice.date),
        issuer=mask_text(notice.issuer, public),
        body=mask_text(notice.body, public),
    )


def case_view(case: model.Case, public: frozenset[str] = frozenset()) -> CaseView:
    return CaseView(
        id=case.id,
        title=mask_text(case.title, public),
        date_zh=date_zh(case.date),
        body=mask_text(case.body, public),
        lesson=mask_text(case.lesson, public),
    )


def row_of_name(table: MaskedTable, name: str) -> int | None:
    """The first row with a cell that is exactly ``name`` (a name search found), or None."""
    return next((index for index, row in enumerate(table.rows) if name in (cell.strip() for cell in row)), None)
