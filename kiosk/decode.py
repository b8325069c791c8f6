"""Decoding and validating feed documents: the one boundary for raw data.

A document that fails is rejected with a ``FeedError`` naming the document
and the field path, e.g.
``finance/2025-03.json: $.entries[12].amount_fen: expected int, got str``.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from kiosk import limits, model
from kiosk.benefits import model as benefits_model

VILLAGE_DOC = "village.json"
POWERS_DOC = "powers.json"
PROJECTS_DOC = "projects.json"
DISCLOSURES_DOC = "disclosures.json"
NOTICES_DOC = "notices.json"
BENEFITS_DOC = "benefits.json"  # optional: 民生资金查询 (kiosk.benefits)
FINANCE_DIR = "finance"
MEDIA_DIR = "media"

REQUIRED_DOCS = (VILLAGE_DOC, POWERS_DOC, PROJECTS_DOC, DISCLOSURES_DOC, NOTICES_DOC)
OPTIONAL_DOCS = (BENEFITS_DOC,)
_FINANCE_NAME = re.compile(r"^finance/(\d{4}-(?:0[1-9]|1[0-2]))\.json$")
_MSGSPEC_PATH = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)

_DOC_TYPES: dict[str, type[model.Struct]] = {
    VILLAGE_DOC: model.VillageDoc,
    POWERS_DOC: model.PowersDoc,
    PROJECTS_DOC: model.ProjectsDoc,
    DISCLOSURES_DOC: model.DisclosuresDoc,
    NOTICES_DOC: model.NoticesDoc,
    BENEFITS_DOC: benefits_model.BenefitsDoc,
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
    return doc


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
