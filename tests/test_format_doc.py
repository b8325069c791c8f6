"""docs/FEED-FORMAT.md is the platform team's contract: it must never drift
from kiosk.model / kiosk.decode / kiosk.snapshot.

The document marks what is machine-checked with HTML comments (invisible
when rendered):
- ``<!-- doc: NAME -->`` before a ```json block: a complete example document;
- ``<!-- fragment: Struct -->`` before a ```json block: one model object;
- ``<!-- fields: Struct -->`` before a table: that struct's wire fields;
- ``<!-- enum: Enum -->`` before a table: that enumeration's values, in order;
- ``<!-- errors -->`` before a table: error messages the terminal really gives;
- ``<!-- corrections -->`` before a ```json block: a source folder's correction notes.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import msgspec
import pytest
from msgspec import Meta

from kiosk import decode, model
from kiosk.feed import changes, records
from kiosk.snapshot import load_folder

DOC = Path(__file__).resolve().parent.parent / "docs" / "FEED-FORMAT.md"
_LABEL = re.compile(r"^<!-- (?P<kind>doc|fragment|fields|enum|errors|corrections)(?:: (?P<name>\S+))? -->$")


def _lines() -> list[str]:
    return DOC.read_text(encoding="utf-8").splitlines()


def _label_before(lines: list[str], index: int) -> re.Match[str] | None:
    """The marker comment on the nearest non-blank line above ``index``."""
    for line in reversed(lines[:index]):
        if line.strip():
            return _LABEL.match(line.strip())
    return None


def _json_blocks() -> list[tuple[str, str, str]]:
    """(kind, name, body) of every ```json block; unlabelled ones fail."""
    lines = _lines()
    blocks = []
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```json":
            label = _label_before(lines, index)
            assert label and label["kind"] in ("doc", "fragment", "corrections"), (
                f"line {index + 1}: ```json block without <!-- doc: ... -->, <!-- fragment: ... --> or <!-- corrections -->"
            )
            end = lines.index("```", index + 1)
            blocks.append((label["kind"], label["name"], "\n".join(lines[index + 1 : end])))
            index = end
        index += 1
    return blocks


def _tables(kind: str) -> dict[str | None, list[list[str]]]:
    """Body rows (cells stripped) of every table marked ``kind``, by name."""
    lines = _lines()
    tables: dict[str | None, list[list[str]]] = {}
    for index, line in enumerate(lines):
        label = _LABEL.match(line.strip())
        if not label or label["kind"] != kind:
            continue
        assert label["name"] not in tables, f"two tables marked {line.strip()}"
        start = next(i for i in range(index + 1, len(lines)) if lines[i].strip())
        rows = []
        for row in lines[start + 2 :]:  # skip the header and the |---| line
            if not row.startswith("|"):
                break
            rows.append([cell.strip() for cell in row.strip().strip("|").split("|")])
        tables[label["name"]] = rows
    return tables


def _example_documents() -> dict[str, bytes]:
    documents: dict[str, bytes] = {}
    for kind, name, body in _json_blocks():
        if kind == "doc":
            assert name not in documents, f"two examples of {name}"
            documents[name] = body.encode("utf-8")
    return documents


def _code(cell: str) -> str:
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"expected a `code` cell, got {cell!r}"
    return match.group(1)


# ------------------------------------------------------------ examples


@pytest.mark.parametrize("name", sorted(_example_documents()))
def test_example_document_decodes(name):
    doc = decode.decode_document(name, _example_documents()[name])
    assert msgspec.to_builtins(doc)  # decoded into a real, non-empty document


def test_examples_cover_every_document():
    names = set(_example_documents())
    assert set(decode.REQUIRED_DOCS) <= names
    assert any(decode.finance_month_of(name) for name in names)
    assert all(decode.is_document_name(name) for name in names)


def test_example_village_is_in_the_current_format():
    village = json.loads(_example_documents()[decode.VILLAGE_DOC])
    assert village["format"] == model.FORMAT_VERSION
    assert f"— format {model.FORMAT_VERSION}" in _lines()[0]


def test_example_set_loads_as_a_folder_and_links_up(tmp_path):
    for name, data in _example_documents().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    snapshot = load_folder(tmp_path)  # no media/ folder: media are not needed to validate

    [project] = snapshot.projects
    [expense] = [e for e in snapshot.finance_entries() if e.direction is model.Direction.EXPENSE]
    assert snapshot.entries_for_project(project.id) == [expense]
    assert expense.receipts and project.photos
    assert [stage.kind for stage in project.stages] == list(model.StageKind)
    assert snapshot.items_in(snapshot.categories[0].id) == list(snapshot.power_items)
    assert snapshot.notices and snapshot.cases and snapshot.disclosures


def test_example_flowchart_loops_back_when_the_vote_fails():
    [item] = decode.decode_document(decode.POWERS_DOC, _example_documents()[decode.POWERS_DOC]).items
    order = [node.id for node in item.flowchart.nodes]
    kinds = {node.id: node.kind for node in item.flowchart.nodes}
    decisions = [node for node in order if kinds[node] is model.NodeKind.DECISION]
    assert decisions
    back_edges = [e for e in item.flowchart.edges if e.source in decisions and order.index(e.target) < order.index(e.source)]
    assert back_edges and all(e.label for e in back_edges)
    assert {e.source for e in item.flowchart.edges} | {e.target for e in item.flowchart.edges} <= set(order)


def test_correction_notes_example_is_read_by_feed_build_and_names_example_records(tmp_path):
    [body] = [body for kind, _, body in _json_blocks() if kind == "corrections"]
    (tmp_path / changes.CORRECTIONS_NAME).write_text(body, encoding="utf-8")
    notes = changes.read_notes(tmp_path)  # as feed build reads it
    for name, data in _example_documents().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    snapshot = load_folder(tmp_path)
    assert notes
    for key in notes:
        kind, record_id = records.split_key(key)
        assert record_id in kind.of(snapshot), f"{key} is not a record of the examples"


def test_fragments_decode():
    fragments = [(name, body) for kind, name, body in _json_blocks() if kind == "fragment"]
    assert fragments
    for name, body in fragments:
        msgspec.json.decode(body.encode("utf-8"), type=getattr(model, name))


# ------------------------------------------------------------ field and enum tables

_ALIASES: list[tuple[object, str]] = [
    (model.NameText, "text ≤ 50"),
    (model.NameString, "string ≤ 50"),
    (model.LineText, "text ≤ 200"),
    (model.LineString, "string ≤ 200"),
    (model.ParagraphText, "text ≤ 2000"),
    (model.ParagraphString, "string ≤ 2000"),
    (model.BodyText, "text ≤ 20000"),
    (model.Identifier, "id"),
    (model.Sha256, "sha256"),
    (model.VillageCode, "village code"),
    (model.Fen, "fen"),
    (model.PositiveFen, "fen > 0"),
    (model.MonthKey, "month"),
    (Annotated[int, Meta(ge=1)], "int ≥ 1"),
    (Annotated[str, Meta(pattern=r"^[0-9-]{3,20}$")], "phone"),
    (Annotated[str, Meta(pattern=r"^https?://", max_length=300)], "URL template"),
]
_PLAIN = {str: "string", int: "int", bool: "bool", dt.date: "date"}
_ENUM_LABELS = {
    model.NodeKind: "node kind",
    model.ProjectStatus: "project status",
    model.StageKind: "stage kind",
    model.Direction: "direction",
    model.DisclosureKind: "disclosure kind",
}


def _type_label(tp: object) -> str:
    """The type as the document's tables spell it."""
    for alias, label in _ALIASES:
        if tp == alias:
            return label
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        [inner] = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return f"{_type_label(inner)} or null"
    if typing.get_origin(tp) is list:
        return f"list of {_type_label(typing.get_args(tp)[0])}"
    if tp in _PLAIN:
        return _PLAIN[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum) and tp in _ENUM_LABELS:
        return _ENUM_LABELS[tp]
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp.__name__
    raise AssertionError(f"{tp!r} has no type label: describe it in FEED-FORMAT.md section 3 and add it here")


def _model_classes(base: type) -> list[type]:
    return [
        obj
        for obj in vars(model).values()
        if isinstance(obj, type) and issubclass(obj, base) and obj is not base and obj.__module__ == model.__name__
    ]


def _default_cell(field: msgspec.structs.FieldInfo) -> str:
    if field.required:
        return "**required**"
    value = field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
    return f"default `{json.dumps(msgspec.to_builtins(value), ensure_ascii=False)}`"


@pytest.mark.parametrize("struct", _model_classes(model.Struct), ids=lambda s: s.__name__)
def test_field_table_matches_model(struct):
    table = _tables("fields").get(struct.__name__)
    assert table is not None, f"no <!-- fields: {struct.__name__} --> table"
    expected = [[field.encode_name, _type_label(field.type), _default_cell(field)] for field in msgspec.structs.fields(struct)]
    documented = [[_code(row[0]), row[1], row[2]] for row in table]
    assert documented == expected
    assert all(row[3] for row in table), "every field needs a meaning"


def test_every_field_table_is_a_model_struct():
    assert set(_tables("fields")) == {s.__name__ for s in _model_classes(model.Struct)}


@pytest.mark.parametrize("enumeration", _model_classes(enum.Enum), ids=lambda e: e.__name__)
def test_enum_table_matches_model(enumeration):
    table = _tables("enum").get(enumeration.__name__)
    assert table is not None, f"no <!-- enum: {enumeration.__name__} --> table"
    assert [_code(row[0]) for row in table] == [member.value for member in enumeration]
    assert all(row[1] and row[2] for row in table), "every value needs its Chinese name and meaning"


def test_type_vocabulary_is_explained():
    # Section 3's table of types, found by its header.
    lines = _lines()
    start = lines.index("| Type | On the wire |")
    explained = set()
    for row in lines[start + 2 :]:
        if not row.startswith("|"):
            break
        explained.update(name.strip() for name in row.strip("|").split("|")[0].split(","))
    for _, label in _ALIASES:
        assert label in explained
    assert set(_PLAIN.values()) <= explained


# ------------------------------------------------------------ documented errors

Documents = dict[str, bytes]


def _edit(name: str, change: Callable[[dict], None]) -> Callable[[Documents], Documents]:
    def mutate(documents: Documents) -> Documents:
        data = copy.deepcopy(json.loads(documents[name]))
        change(data)
        return {**documents, name: json.dumps(data, ensure_ascii=False).encode("utf-8")}

    return mutate


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A change setting ``a.0.b`` (dict keys and list indexes) to value."""
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]

    def change(data: dict) -> None:
        for part in parents:
            data = data[part]
        data[last] = value

    return change


def _drop(path: str) -> Callable[[dict], None]:
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]

    def change(data: dict) -> None:
        for part in parents:
            data = data[part]
        del data[last]

    return change


def _february_with(entry_id: str) -> Callable[[Documents], Documents]:
    def mutate(documents: Documents) -> Documents:
        march = _edit("finance/2025-03.json", _set("entries.0.id", entry_id))(documents)
        february = {
            "month": "2025-02",
            "entries": [
                {
                    "id": entry_id,
                    "date": "2025-02-28",
                    "direction": "expense",
                    "amount_fen": 5000,
                    "category": "办公费",
                    "purpose": "打印纸",
                }
            ],
        }
        return {**march, "finance/2025-02.json": json.dumps(february).encode("utf-8")}

    return mutate


_MUTATIONS: dict[str, Callable[[Documents], Documents]] = {
    "finance/2025-03.json: $.entries[1].amount_fen: expected int, got float": _edit(
        "finance/2025-03.json", _set("entries.1.amount_fen", 31600.00)
    ),
    "finance/2025-03.json: $.entries[1].amount_fen: expected int, got str": _edit(
        "finance/2025-03.json", _set("entries.1.amount_fen", "3160000")
    ),
    "finance/2025-03.json: $.entries[1].counterparty: expected str, got null": _edit(
        "finance/2025-03.json", _set("entries.1.counterparty", None)
    ),
    "finance/2025-03.json: $.entries[0].date: 2025-02-28 is not in 2025-03": _edit(
        "finance/2025-03.json", _set("entries.0.date", "2025-02-28")
    ),
    "finance/2025-03.json: $.month: document is named for 2025-03 but says 2025-04": _edit(
        "finance/2025-03.json", _set("month", "2025-04")
    ),
    "finance/2025-02.json: $.entries[0].id: duplicate id '2025-02-031' (also in another month)": _february_with("2025-02-031"),
    "finance/2025-03.json: $.entries[1].project_id: unknown project 'road-2025'": _edit(
        "finance/2025-03.json", _set("entries.1.project_id", "road-2025")
    ),
    "notices.json: $.notices[0].date: invalid RFC3339 encoded date": _edit("notices.json", _set("notices.0.date", "2025/03/12")),
    "notices.json: $.notices[0]: object missing required field body": _edit("notices.json", _drop("notices.0.body")),
    "projects.json: $.projects[0].status: invalid enum value 'done'": _edit("projects.json", _set("projects.0.status", "done")),
    "projects.json: $.projects[0].settlement_fen: a settled project needs its settlement amount": _edit(
        "projects.json", _drop("projects.0.settlement_fen")
    ),
    "powers.json: $.items[0].category: unknown category 'daily'": _edit("powers.json", _set("items.0.category", "daily")),
    "powers.json: $.categories[1].id: duplicate id 'major'": _edit(
        "powers.json", lambda d: d["categories"].append(dict(d["categories"][0]))
    ),
    "disclosures.json: $.disclosures[0].rows[1]: has 5 cells, expected 6 (one per column)": _edit(
        "disclosures.json", lambda d: d["disclosures"][0]["rows"][1].pop()
    ),
    "village.json: $.village.code: expected str matching regex '^\\\\d{12}$'": _edit("village.json", _set("village.code", "43139910120")),
    f"village.json: $.format: format {model.FORMAT_VERSION + 1} is newer than this terminal understands ({model.FORMAT_VERSION})": _edit(
        "village.json", _set("format", model.FORMAT_VERSION + 1)
    ),
    "notices.json: $.notices[0].title: expected str of length <= 200": _edit("notices.json", _set("notices.0.title", "关于" * 101)),
    "notices.json: $: nested 100001 levels deep, more than the 32 allowed": lambda documents: {
        **documents,
        "notices.json": documents["notices.json"].rstrip()[:-1] + b', "appendix": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    },
    "projects.json: $: document is missing": lambda documents: {n: d for n, d in documents.items() if n != "projects.json"},
    "notices.json: $: not valid JSON (JSON is malformed: invalid character (byte 0))": lambda documents: {
        **documents,
        "notices.json": b"\xef\xbb\xbf" + documents["notices.json"],
    },
}


def test_documented_errors_are_exactly_the_tested_ones():
    documented = [_code(row[1]) for row in _tables("errors")[None]]
    assert sorted(documented) == sorted(_MUTATIONS)


@pytest.mark.parametrize("expected", list(_MUTATIONS))
def test_documented_error_is_what_the_terminal_says(expected, tmp_path):
    documents = _MUTATIONS[expected](_example_documents())
    for name, data in documents.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with pytest.raises(decode.FeedError) as caught:
        load_folder(tmp_path)
    assert str(caught.value) == expected


def test_headline_error_example_is_real():
    entries = [
        {"id": f"e{i}", "date": "2025-03-01", "direction": "expense", "amount_fen": 100, "category": "办公费", "purpose": "文具"}
        for i in range(13)
    ]
    entries[12]["amount_fen"] = "100"
    data = json.dumps({"month": "2025-03", "entries": entries}).encode("utf-8")
    with pytest.raises(decode.FeedError) as caught:
        decode.decode_document("finance/2025-03.json", data)
    assert f"\n{caught.value}\n" in DOC.read_text(encoding="utf-8")
