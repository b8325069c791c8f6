"""Decoding and validating feed documents: the one boundary for raw data.

A document that fails is rejected with a ``FeedError`` naming the document
and the field path, e.g.
``finance/2025-03.json: $.entries[12].amount_fen: expected int, got str``.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import msgspec

from kiosk import limits, model
from kiosk import model_oversight as oversight
from kiosk.benefits import model as benefits_model

VILLAGE_DOC = "village.json"
POWERS_DOC = "powers.json"
PROJECTS_DOC = "projects.json"
DISCLOSURES_DOC = "disclosures.json"
NOTICES_DOC = "notices.json"
BENEFITS_DOC = "benefits.json"  # optional: 民生资金查询 (kiosk.benefits)
BUDGET_DOC = "budget.json"
ASSETS_DOC = "assets.json"
PEOPLE_DOC = "people.json"
COMPLAINTS_DOC = "complaints.json"
FINANCE_DIR = "finance"
MEDIA_DIR = "media"

REQUIRED_DOCS = (VILLAGE_DOC, POWERS_DOC, PROJECTS_DOC, DISCLOSURES_DOC, NOTICES_DOC)
# A feed without one of these simply has no such screen.
OPTIONAL_DOCS = (BENEFITS_DOC, BUDGET_DOC, ASSETS_DOC, PEOPLE_DOC, COMPLAINTS_DOC)
_FINANCE_NAME = re.compile(r"^finance/(\d{4}-(?:0[1-9]|1[0-2]))\.json$")
_MSGSPEC_PATH = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)

_DOC_TYPES: dict[str, type[model.Struct]] = {
    VILLAGE_DOC: model.VillageDoc,
    POWERS_DOC: model.PowersDoc,
    PROJECTS_DOC: model.ProjectsDoc,
    DISCLOSURES_DOC: model.DisclosuresDoc,
    NOTICES_DOC: model.NoticesDoc,
    BENEFITS_DOC: benefits_model.BenefitsDoc,
    BUDGET_DOC: oversight.BudgetDoc,
    ASSETS_DOC: oversight.AssetsDoc,
    PEOPLE_DOC: oversight.PeopleDoc,
    COMPLAINTS_DOC: oversight.ComplaintsDoc,
}


class FeedError(ValueError):
    """A document (or the set of documents) is not valid feed data."""

    def __init__(self, document: str, path: str, message: str):
        self.document = document
        self.path = path
        self.message = message
        super().__init__(f"{document}: {path}: {message}")


def finance_month_of(name: str) -> str | None:
    """``finance/2025-03.json`` -> ``2025-03``; None for other names."""
    match = _FINANCE_NAME.match(name)
    return match.group(1) if match else None


def is_document_name(name: str) -> bool:
    return name in _DOC_TYPES or finance_month_of(name) is not None


def decode_document(name: str, data: bytes) -> Any:
    """Decode and validate one document by its name in the feed."""
    doc_type = model.FinanceMonthDoc if finance_month_of(name) else _DOC_TYPES.get(name)
    if doc_type is None:
        raise FeedError(name, "$", "not a known feed document name")
    # Before decoding: the decoder recurses into nested arrays, even those
    # of unknown fields it skips, and a signed document may nest 100,000 deep.
    problem = limits.json_problem(data)
    if problem is not None:
        raise FeedError(name, "$", problem)
    try:
        doc = msgspec.json.decode(data, type=doc_type)
    except msgspec.ValidationError as exc:
        path, message = _split_msgspec_error(str(exc))
        raise FeedError(name, path, message) from None
    except msgspec.DecodeError as exc:
        raise FeedError(name, "$", f"not valid JSON ({exc})") from None
    _check_document(name, doc)
    _share_repeats(doc)
    return doc


# The long lists of a document and the texts that repeat from record to
# record: a month of 5,000 entries has a few dozen categories, payees,
# purposes and approvers.
_REPEATED_TEXTS: dict[type, tuple[str, tuple[str, ...]]] = {
    model.FinanceMonthDoc: ("entries", ("category", "counterparty", "purpose", "approver")),
    model.NoticesDoc: ("notices", ("issuer",)),
}


def _share_repeats(doc: Any) -> None:
    """One copy of each repeated text and date of a long list, not one per
    record: a terminal holds every month of its village for its whole life.
    Done before the document is anyone else's, as its structs are frozen."""
    found = _REPEATED_TEXTS.get(type(doc))
    if found is None:
        return
    attribute, names = found
    dates: dict[dt.date, dt.date] = {}
    for record in getattr(doc, attribute):
        for name in names:
            msgspec.structs.force_setattr(record, name, sys.intern(getattr(record, name)))
        msgspec.structs.force_setattr(record, "date", dates.setdefault(record.date, record.date))


def _split_msgspec_error(text: str) -> tuple[str, str]:
    match = _MSGSPEC_PATH.match(text)
    assert match is not None  # the pattern matches any string
    message = match.group("msg").replace("`", "")
    message = message[:1].lower() + message[1:]
    return match.group("path") or "$", message


def _check_unique(name: str, field: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if ident in seen:
            raise FeedError(name, f"$.{field}[{index}].id", f"duplicate id {ident!r}")
        seen.add(ident)


def _check_document(name: str, doc: Any) -> None:
    """Rules a type alone cannot say, still inside one document."""
    if isinstance(doc, model.VillageDoc):
        if doc.format > model.FORMAT_VERSION:
            raise FeedError(name, "$.format", f"format {doc.format} is newer than this terminal understands ({model.FORMAT_VERSION})")
    elif isinstance(doc, model.PowersDoc):
        _check_unique(name, "categories", [c.id for c in doc.categories])
        _check_unique(name, "items", [i.id for i in doc.items])
        known = {c.id for c in doc.categories}
        for index, item in enumerate(doc.items):
            if item.category not in known:
                raise FeedError(name, f"$.items[{index}].category", f"unknown category {item.category!r}")
    elif isinstance(doc, model.ProjectsDoc):
        _check_unique(name, "projects", [p.id for p in doc.projects])
        for index, project in enumerate(doc.projects):
            if project.status is model.ProjectStatus.SETTLED and project.settlement_fen is None:
                raise FeedError(name, f"$.projects[{index}].settlement_fen", "a settled project needs its settlement amount")
    elif isinstance(doc, model.FinanceMonthDoc):
        month = finance_month_of(name)
        if doc.month != month:
            raise FeedError(name, "$.month", f"document is named for {month} but says {doc.month}")
        _check_unique(name, "entries", [e.id for e in doc.entries])
        year, number = (int(part) for part in doc.month.split("-"))
        for index, entry in enumerate(doc.entries):
            # Compared as numbers: strftime for each of 10,000 entries was a quarter of decoding a village.
            if entry.date.month != number or entry.date.year != year:
                raise FeedError(name, f"$.entries[{index}].date", f"{entry.date} is not in {month}")
    elif isinstance(doc, model.DisclosuresDoc):
        _check_unique(name, "disclosures", [d.id for d in doc.disclosures])
        for index, disclosure in enumerate(doc.disclosures):
            where = f"$.disclosures[{index}]"
            if disclosure.publicity_end < disclosure.publicity_start:
                raise FeedError(name, f"{where}.publicity_end", "publicity ends before it starts")
            width = len(disclosure.columns)
            for row_index, row in enumerate(disclosure.rows):
                if len(row) != width:
                    raise FeedError(name, f"{where}.rows[{row_index}]", f"has {len(row)} cells, expected {width} (one per column)")
    elif isinstance(doc, model.NoticesDoc):
        _check_unique(name, "notices", [n.id for n in doc.notices])
        _check_unique(name, "cases", [c.id for c in doc.cases])
    elif isinstance(doc, benefits_model.BenefitsDoc):
        problem = benefits_model.document_problem(doc)
        if problem is not None:
            raise FeedError(name, *problem)
    elif isinstance(doc, oversight.BudgetDoc):
        _check_budget(name, doc)
    elif isinstance(doc, oversight.AssetsDoc):
        _check_assets(name, doc)
    elif isinstance(doc, oversight.PeopleDoc):
        _check_people(name, doc)
    elif isinstance(doc, oversight.ComplaintsDoc):
        _check_complaints(name, doc)


def _check_budget(name: str, doc: oversight.BudgetDoc) -> None:
    years: set[int] = set()
    for index, budget in enumerate(doc.budgets):
        where = f"$.budgets[{index}]"
        if budget.year in years:
            raise FeedError(name, f"{where}.year", f"a second budget for {budget.year}")
        years.add(budget.year)
        if budget.approved_on.year > budget.year:
            raise FeedError(name, f"{where}.approved_on", f"{budget.approved_on} is after the year {budget.year} it budgets")
        lines: set[tuple[model.Direction, str]] = set()
        for line_index, line in enumerate(budget.lines):
            key = (line.direction, line.category)
            if key in lines:
                raise FeedError(
                    name, f"{where}.lines[{line_index}].category", f"{line.direction.value} {line.category!r} is budgeted twice"
                )
            lines.add(key)


def _check_assets(name: str, doc: oversight.AssetsDoc) -> None:
    _check_unique(name, "assets", [a.id for a in doc.assets])
    _check_unique(name, "contracts", [c.id for c in doc.contracts])
    assets = {asset.id for asset in doc.assets}
    for index, contract in enumerate(doc.contracts):
        where = f"$.contracts[{index}]"
        if contract.asset_id not in assets:
            raise FeedError(name, f"{where}.asset_id", f"unknown asset {contract.asset_id!r}")
        if contract.end_date < contract.start_date:
            raise FeedError(name, f"{where}.end_date", "the contract ends before it starts")
        if contract.end_date.year - contract.start_date.year > limits.MAX_CONTRACT_YEARS:
            raise FeedError(name, f"{where}.end_date", f"a term of more than {limits.MAX_CONTRACT_YEARS} years")
        for payment_index, payment in enumerate(contract.payments):
            if payment.paid_fen > payment.amount_fen:
                raise FeedError(name, f"{where}.payments[{payment_index}].paid_fen", "more paid than was due")
            if payment.paid_fen and payment.paid_on is None:
                raise FeedError(name, f"{where}.payments[{payment_index}].paid_on", "a payment needs the date it was paid")


def _check_people(name: str, doc: oversight.PeopleDoc) -> None:
    kinds: set[oversight.CommitteeKind] = set()
    for index, committee in enumerate(doc.committees):
        if committee.kind in kinds:
            raise FeedError(name, f"$.committees[{index}].kind", f"a second {committee.kind.value} committee")
        kinds.add(committee.kind)
    _check_unique(name, "people", [p.id for p in doc.people])
    for index, person in enumerate(doc.people):
        if not person.posts:
            raise FeedError(name, f"$.people[{index}].posts", "a person on the roster holds at least one post")
        for post_index, post in enumerate(person.posts):
            if post.committee not in kinds:
                raise FeedError(name, f"$.people[{index}].posts[{post_index}].committee", f"no {post.committee.value} committee is listed")


def _check_complaints(name: str, doc: oversight.ComplaintsDoc) -> None:
    quarters: set[str] = set()
    for index, report in enumerate(doc.quarters):
        where = f"$.quarters[{index}]"
        if report.quarter in quarters:
            raise FeedError(name, f"{where}.quarter", f"a second report for {report.quarter}")
        quarters.add(report.quarter)
        if report.handled > report.received:
            raise FeedError(name, f"{where}.handled", f"{report.handled} handled of {report.received} received")
        if report.upheld is not None and report.upheld > report.handled:
            raise FeedError(name, f"{where}.upheld", f"{report.upheld} upheld of {report.handled} handled")
        year, quarter = int(report.quarter[:4]), int(report.quarter[-1])
        if report.published_on < dt.date(year, 3 * quarter - 2, 1):
            raise FeedError(name, f"{where}.published_on", f"{report.published_on} is before {report.quarter} began")
