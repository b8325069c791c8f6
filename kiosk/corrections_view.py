"""What the screens say about a record's corrections, in plain Chinese,
every feed string masked (``kiosk.privacy``):

    修改记录：2026年3月2日 金额由1,200.00元改为1,500.00元。更正说明：……
    已撤下：2026年3月2日 支出1,200.00元，购买办公用品（撤下原因：……）

Values are read from the records as the change log carries them (JSON
values), so a kind of record added later is described field by field
without more code; its fields are named here, or by their wire names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import msgspec

from kiosk import money
from kiosk.disclosure_view import KIND_NAMES as DISCLOSURE_KINDS
from kiosk.disclosure_view import date_zh
from kiosk.feed.history import Entry, History
from kiosk.feed.records import RecordKind, corrections
from kiosk.finance_summary import COUNTERPARTY_LABELS, DIRECTION_NAMES
from kiosk.flags import STATUS_NAMES
from kiosk.model import Direction
from kiosk.privacy import mask_text

KIND_NAMES = {"finance": "村级财务", "project": "村级项目", "disclosure": "办事结果公开", "notice": "通知公告", "case": "典型案例"}

FIELD_NAMES: dict[str, dict[str, str]] = {
    "finance": {
        "date": "日期",
        "direction": "收支",
        "amount_fen": "金额",
        "category": "类别",
        "counterparty": "收付款单位",  # 收款方 or 付款方 where the direction is known
        "purpose": "用途",
        "approver": "审批人",
        "voucher_no": "凭证号",
        "receipts": "票据照片",
        "project_id": "所属项目",
    },
    "project": {
        "name": "项目名称",
        "summary": "项目简介",
        "major": "重大事项",
        "status": "状态",
        "budget_fen": "预算",
        "settlement_fen": "结算金额",
        "funding_source": "资金来源",
        "tendering": "招标情况",
        "contractor": "承建单位",
        "start_date": "开工日期",
        "end_date": "完工日期",
        "stages": "四议两公开记录",
        "photos": "照片",
    },
    "disclosure": {
        "kind": "类别",
        "title": "标题",
        "publicity_start": "公示开始日期",
        "publicity_end": "公示结束日期",
        "columns": "表头",
        "rows": "名单",
        "note": "说明",
    },
    "notice": {"title": "标题", "date": "日期", "issuer": "发布单位", "body": "正文"},
    "case": {"title": "标题", "date": "日期", "body": "内容", "lesson": "警示"},
}
_ENUMS: dict[str, dict[str, str]] = {
    "direction": {d.value: name for d, name in DIRECTION_NAMES.items()},
    "status": {s.value: name for s, name in STATUS_NAMES.items()},
    "kind": {k.value: name for k, name in DISCLOSURE_KINDS.items()},
}
_PICTURES = frozenset({"receipts", "photos"})
SHORT_TEXT = 30  # longer texts are not quoted in a one-line summary
ROWS_LISTED = 5  # names listed in a summary; more are counted
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def kind_name(kind: RecordKind) -> str:
    return KIND_NAMES.get(kind.key, kind.key)


def record_title(kind: RecordKind, record: Any, public: frozenset[str] = frozenset()) -> str:
    """The record as a list names it: 支出：购买办公用品, a project's name, a title."""
    if kind.key == "finance":
        title = f"{DIRECTION_NAMES[record.direction]}：{record.purpose}"
    else:
        title = getattr(record, "title", None) or getattr(record, "name", None) or record.id
    return mask_text(title, public)


def _label(kind: RecordKind, field: str, record: dict[str, Any]) -> str:
    if kind.key == "finance" and field == "counterparty" and record.get("direction") in _ENUMS["direction"]:
        return COUNTERPARTY_LABELS[Direction(record["direction"])]  # 收款方 for an expense, 付款方 for an income
    return FIELD_NAMES.get(kind.key, {}).get(field, field)


def _value(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "空白"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) and field.endswith("_fen"):
        return money.yuan(value)
    if isinstance(value, str) and _DATE.match(value):
        return date_zh(dt.date.fromisoformat(value))
    if field in _ENUMS and value in _ENUMS[field]:
        return _ENUMS[field][value]
    return f"“{value}”"


def _rows(rows: list[list[str]]) -> str:
    shown = "；".join(" ".join(cell for cell in row if cell) for row in rows[:ROWS_LISTED])
    return shown + (f"等{len(rows)}条" if len(rows) > ROWS_LISTED else "")


def _field_change(kind: RecordKind, field: str, record: dict[str, Any], before: Any, after: Any, rows: bool) -> str:
    label = _label(kind, field, record)
    if field == "rows" and isinstance(before, list) and isinstance(after, list):
        had, has = Counter(map(tuple, before)), Counter(map(tuple, after))
        gone = [list(row) for row in (had - has).elements()]
        new = [list(row) for row in (has - had).elements()]

        def listed(found: list[list[str]]) -> str:
            return f"（{_rows(found)}）" if rows else ""

        parts = ([f"删去{len(gone)}条{listed(gone)}"] if gone else []) + ([f"增加{len(new)}条{listed(new)}"] if new else [])
        return f"{label}" + "，".join(parts) if parts else f"{label}的顺序有改动"
    if field in _PICTURES and isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return f"{label}由{len(before)}张改为{len(after)}张"
        return f"{label}换了{sum(a != b for a, b in zip(before, after, strict=True))}张"
    if isinstance(before, (list, dict)) or isinstance(after, (list, dict)):
        return f"{label}有改动"
    if any(isinstance(v, str) and len(v) > SHORT_TEXT and not _DATE.match(v) for v in (before, after)):
        return f"{label}有改动"
    return f"{label}由{_value(field, before)}改为{_value(field, after)}"


def change_summary(entry: Entry, public: frozenset[str] = frozenset(), rows: bool = True) -> str:
    """What changed, in one sentence without its date or reason:
    金额由1,200.00元改为1,500.00元，收款方由“甲”改为“乙”. ``rows``: name
    the rows a list gained or lost (not when read aloud: a row of cells
    and masked numbers is no sentence)."""
    return describe_change(entry.correction.kind, entry.correction.before, entry.correction.after, public, rows)


def describe_change(
    kind: RecordKind, record_before: Any, record_after: Any | None, public: frozenset[str] = frozenset(), rows: bool = True
) -> str:
    """``change_summary`` of a record's value before and after (None:
    withdrawn): what a publisher is told before the change is published."""
    if record_after is None:
        return mask_text(_what_it_was(kind, record_before), public)
    fields = corrections(kind, record_before, record_after)
    before, after = msgspec.to_builtins(record_before), msgspec.to_builtins(record_after)
    text = "，".join(_field_change(kind, change.field, after, before.get(change.field), after.get(change.field), rows) for change in fields)
    return mask_text(text or "内容有改动", public)


def _what_it_was(kind: RecordKind, record: Any) -> str:
    if kind.key == "finance":
        return f"{DIRECTION_NAMES[record.direction]}{money.yuan(record.amount_fen)}，{record.purpose}"
    return record_title(kind, record)


def history_line(entry: Entry, public: frozenset[str] = frozenset()) -> str:
    """One correction as the record's page shows it."""
    correction = entry.correction
    when = date_zh(correction.date)
    reason = mask_text(correction.reason, public)
    if correction.after is None:
        return f"已撤下：{when} {change_summary(entry, public)}（撤下原因：{reason}）"
    return f"修改记录：{when} {change_summary(entry, public)}。更正说明：{reason}"


@dataclass(frozen=True)
class Field:
    label: str
    value: str


def record_fields(kind: RecordKind, record: Any, public: frozenset[str] = frozenset()) -> list[Field]:
    """Every field of a record as published, for the page of a withdrawn
    one: 金额：1,200.00元, 名单：…; empty fields left out."""
    values = msgspec.to_builtins(record)
    shown = []
    for field, value in values.items():
        if field == "id" or value is None or value == "" or value == []:
            continue
        label = _label(kind, field, values)
        if field in _PICTURES and isinstance(value, list):
            text = f"{len(value)}张"
        elif field == "rows" and isinstance(value, list):
            text = f"共{len(value)}条：" + "；".join(" ".join(cell for cell in row if cell) for row in value)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            text = "、".join(value)
        elif isinstance(value, (list, dict)):
            text = f"{len(value)}项" if isinstance(value, list) else "有"
        else:
            text = _value(field, value).strip("“”")
        shown.append(Field(label, mask_text(text, public)))
    return shown


def corrections_count(history: History, today: dt.date) -> tuple[int, int]:
    """(records changed, records withdrawn) in the last 12 months."""
    recent = history.recent(today)
    withdrawn = sum(entry.withdrawn for entry in recent)
    return len(recent) - withdrawn, withdrawn
