"""A small village built in the test, document by document, for checking
figures worked out by hand: only what a test gives is in it, beside the
least the five required documents need."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec

from kiosk import decode, model
from kiosk.snapshot import DataInfo, DirectoryMedia, Snapshot

D = dt.date.fromisoformat
CHART = model.Flowchart(
    nodes=[model.FlowNode(id="a", kind=model.NodeKind.START, label="申请"), model.FlowNode(id="b", kind=model.NodeKind.END, label="办结")],
    edges=[model.FlowEdge(source="a", target="b")],
)
RECEIPT = model.MediaRef(sha256="ab" * 32, caption="发票")


def power(ident: str, name: str) -> model.PowerItem:
    return model.PowerItem(id=ident, category="daily", name=name, summary="说明", responsible="村民委员会", flowchart=CHART)


def entry(
    ident: str,
    day: str,
    direction: str,
    yuan: str,
    category: str,
    *,
    receipt: bool = False,
    counterparty: str = "",
    project: str | None = None,
    purpose: str = "用途",
) -> model.FinanceEntry:
    """``yuan`` as written on paper ("1,050.50"): turned into fen without a float."""
    whole, _, cents = yuan.replace(",", "").partition(".")
    return model.FinanceEntry(
        id=ident,
        date=D(day),
        direction=model.Direction(direction),
        amount_fen=int(whole) * 100 + int((cents + "00")[:2]),
        category=category,
        counterparty=counterparty,
        purpose=purpose,
        receipts=[RECEIPT] if receipt else [],
        project_id=project,
    )


AS_OF = dt.date(2026, 11, 20)  # the day these villages' data is "as of"


def snapshot_of(
    tmp_path: Path,
    *,
    entries: list[model.FinanceEntry] = (),
    projects: list[model.Project] = (),
    powers: list[model.PowerItem] = (),
    disclosures: list[model.Disclosure] = (),
    as_of: dt.date = AS_OF,
    hotlines: tuple[str, ...] = ("12388",),
    **optional: msgspec.Struct,
) -> Snapshot:
    """A snapshot of these records; ``optional`` maps budget / assets / people / complaints to their document."""
    village = model.VillageDoc(
        village=model.Village(code="431399101299", name="试验村", township="青石镇", county="某县", city="娄底市"),
        as_of=as_of,
        complaint=model.ComplaintChannel(
            url_template="https://example.invalid/c?v={village}&i={item}&k={kind}",
            hotlines=[model.Hotline(name="举报电话", number=number) for number in hotlines],
        ),
    )
    documents = {
        decode.VILLAGE_DOC: village,
        decode.POWERS_DOC: model.PowersDoc(categories=[model.PowerCategory(id="daily", name="日常管理")], items=list(powers)),
        decode.PROJECTS_DOC: model.ProjectsDoc(projects=list(projects)),
        decode.DISCLOSURES_DOC: model.DisclosuresDoc(disclosures=list(disclosures)),
        decode.NOTICES_DOC: model.NoticesDoc(notices=[]),
    }
    months: dict[str, list[model.FinanceEntry]] = {}
    for item in entries:
        months.setdefault(f"{item.date:%Y-%m}", []).append(item)
    for month, items in months.items():
        documents[f"{decode.FINANCE_DIR}/{month}.json"] = model.FinanceMonthDoc(month=month, entries=items)
    names = {"budget": decode.BUDGET_DOC, "assets": decode.ASSETS_DOC, "people": decode.PEOPLE_DOC, "complaints": decode.COMPLAINTS_DOC}
    for key, document in optional.items():
        documents[names[key]] = document
    raw = {name: msgspec.json.encode(document) for name, document in documents.items()}
    return Snapshot(raw, DirectoryMedia(tmp_path), DataInfo(source="folder", version=None, generated_at=None))
