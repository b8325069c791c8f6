"""The demo village's corrections: published records that later versions
changed or withdrew, with their reasons, so that the screens that show a
record's history have something honest to show (``history.json``, the
history of an unsigned folder: ``kiosk.feed.history``).

Each is a plain mistake found and put right the way the programme asks:
a figure copied wrong and corrected against its voucher, an entry
recorded twice, a settlement reduced by the audit, a name taken off
a relief list after an objection. All invented, like the rest of the village.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from kiosk import decode, model
from kiosk.feed import changes, records
from kiosk.feed.history import BEIJING, encode_folder_history
from tooling.demo import content


@dataclass(frozen=True)
class DemoCorrection:
    version: int  # of the (imagined) publication that carried it
    date: dt.date
    kind: str
    record_id: str
    reason: str


def _published(day: dt.date) -> dt.datetime:
    """Published the day after the correction was decided, at 9 in the morning."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), BEIJING).astimezone(dt.UTC)


# The wages sheet of the canal repair was added up wrong: 17,820 for 17,280.
WAGES = DemoCorrection(
    47,
    dt.date(2026, 9, 14),
    "finance",
    "e2026-09-006",
    "工资表合计金额抄写错误，应为17,280.00元。村务监督委员会对照工资表和领款单核实后更正。",
)
WAGES_BEFORE = 1_782_000
# The same receipt for files and folders was booked twice in October.
DUPLICATE = DemoCorrection(
    52,
    dt.date(2026, 10, 20),
    "finance",
    "e2026-10-030",
    "与10月13日“购文件盒、档案袋”是同一张发票，重复录入了一次，撤下重复的这一笔。",
)
DUPLICATE_OF = "e2026-10-011"
# The water project's settlement was reduced by the county's audit.
SETTLEMENT = DemoCorrection(
    41,
    dt.date(2026, 7, 15),
    "project",
    "drinking-water",
    "县审计局结算审计核减了部分工程量，结算金额按审计报告调整。",
)
SETTLEMENT_BEFORE = 47_640_000
# A name on the July flood relief list was objected to during its publicity.
RELIEF = DemoCorrection(
    42,
    dt.date(2026, 7, 22),
    "disclosure",
    "relief-2026-07-flood",
    "公示期间有村民反映，经镇应急办和村务监督委员会实地核查，该户受灾情况与申报不符，不予救助，已当面告知本人。",
)
RELIEF_REMOVED = ["11", "邓春花", "431322196803124527", "9组", "房屋漏雨", "损房维修救助", "1,200", "13907381246"]


def _before(correction: DemoCorrection, now: Any) -> Any:
    if correction is WAGES:
        return msgspec.structs.replace(now, amount_fen=WAGES_BEFORE)
    if correction is SETTLEMENT:
        return msgspec.structs.replace(now, settlement_fen=SETTLEMENT_BEFORE)
    if correction is RELIEF:
        return msgspec.structs.replace(now, rows=[*now.rows, RELIEF_REMOVED])
    raise ValueError(correction)


def history_json(documents: Mapping[str, msgspec.Struct]) -> bytes:
    """The demo's ``history.json``, its records taken from the documents
    (a correction's value after is the record as published now)."""
    entries = [entry for document in documents.values() if isinstance(document, model.FinanceMonthDoc) for entry in document.entries]
    projects, disclosures = documents[decode.PROJECTS_DOC], documents[decode.DISCLOSURES_DOC]
    assert isinstance(projects, model.ProjectsDoc) and isinstance(disclosures, model.DisclosuresDoc)
    now: dict[str, dict[str, Any]] = {
        "finance": {entry.id: entry for entry in entries},
        "project": {project.id: project for project in projects.projects},
        "disclosure": {item.id: item for item in disclosures.disclosures},
    }
    logs = []
    for correction in sorted((WAGES, DUPLICATE, SETTLEMENT, RELIEF), key=lambda c: c.version):
        kind = records.BY_KEY[correction.kind]
        if correction is DUPLICATE:
            after, before = None, msgspec.structs.replace(now["finance"][DUPLICATE_OF], id=correction.record_id)
            assert correction.record_id not in now["finance"], "the withdrawn duplicate's id is taken"
        else:
            after = now[correction.kind][correction.record_id]
            before = _before(correction, after)
        change = records.RecordChange(kind, correction.record_id, before, after, records.corrections(kind, before, after) if after else [])
        note = changes.CorrectionNote(record=change.key, date=correction.date, reason=correction.reason)
        log = changes.ChangeLog(
            village=content.VILLAGE.code,
            version=correction.version,
            previous=correction.version - 1,
            changes=[changes.entry_of(change, note)],
        )
        logs.append((log, _published(correction.date)))
    return encode_folder_history(logs)
