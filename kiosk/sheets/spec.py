"""The vocabulary of a sheet description: which columns a sheet has, what
kind each is, which field of the feed's model it fills, and where its rows
go in the documents.

A sheet is declared once (``kiosk.sheets.book``) and that one declaration
serves the template, the reader, the error messages and the export. What a
field may hold (lengths, patterns, ranges, required or not) is not repeated
here: it is read from the model's own types (``kiosk.model``), and every
cell is checked against them.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass
from typing import Any

import msgspec

from kiosk.sheets.cells import Kind

EXAMPLE_MARK = "示例"  # a row whose first cell starts with this is an example, never data
INSTRUCTIONS = "填写说明"  # the template's first sheet: read by people only
# The error report's first sheet: a clerk may fix the red cells in the report itself and publish it.
REPORT_SHEET = "错误清单"
FOR_PEOPLE = (INSTRUCTIONS, REPORT_SHEET)  # sheets never read as data


@dataclass(frozen=True)
class Column:
    header: str  # row 1 of the sheet, as the clerk sees it
    field: str | None  # the record's field it fills (the feed's name, dotted when nested: "village.code"); None: the parent's key
    kind: Kind
    note: str  # the header's comment in the template: what to write
    example: Any = ""  # the example row's value, in the feed's form
    width: float = 14  # in Excel's character widths
    refers: str | None = None  # a sheet whose key this value must be (a finance entry's project)


# ------------------------------------------------------------ where rows go


@dataclass(frozen=True)
class Whole:
    """The sheet has one row, and the row is the whole document, or its
    fields beside the lists other sheets fill (``InList``)."""

    document: str
    optional: bool = False  # the document is written only when one of its sheets has a row


@dataclass(frozen=True)
class InList:
    """Each row is one record of a list of a document: ``projects.json``'s ``projects``."""

    document: str
    field: str
    optional: bool = False  # the document is written only when one of its sheets has a row


@dataclass(frozen=True)
class InParent:
    """Each row is one record of a list inside a record of another sheet
    (a project's stages), named by this sheet's column whose field is None;
    with no such column the parent sheet has a single row (the village's
    hotlines). ``width``: the rows are lists of cells, as many as the
    parent's list field of that name has items (a disclosure's columns)."""

    parent: str  # the parent sheet's title
    field: str  # the list in the parent's record, dotted when nested ("flowchart.nodes")
    width: str | None = None


@dataclass(frozen=True)
class ByMonth:
    """Finance: each row an entry of the month document of its date."""

    date_field: str = "date"
    list_field: str = "entries"


@dataclass(frozen=True)
class MonthFields:
    """Each row sets fields of the month document of its ``month``."""

    month_field: str = "month"


@dataclass(frozen=True)
class Notes:
    """The rows are no data of the documents: each is the reason for a
    correction of a published record (``kiosk.sheets.corrections``), which
    goes into the version's change log."""


Target = Whole | InList | InParent | ByMonth | MonthFields | Notes


@dataclass(frozen=True)
class Sheet:
    title: str
    record: Any  # the model's struct for a row, or ``list[T]``: a row of cells
    columns: tuple[Column, ...]
    into: Target
    about: str  # one line in the template's instructions
    key: str | None = "id"  # unique within the sheet (within each parent, for a parent's list)
    required: bool = False  # the workbook must have this sheet, with a row

    @property
    def link(self) -> Column | None:
        """The column naming the parent record, for a parent's list."""
        return next((c for c in self.columns if c.field is None), None)

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)

    def annotation(self, column: Column) -> Any:
        """The model's type for the column's value (constraints included)."""
        if column.field is None:
            return str
        if typing.get_origin(self.record) is list:
            return typing.get_args(self.record)[0]
        return field_info(self.record, column.field).type

    def required_field(self, column: Column) -> bool:
        if column.field is None:
            return True
        if typing.get_origin(self.record) is list:
            return False
        return field_info(self.record, column.field).required


@functools.cache  # msgspec evaluates a struct's annotations each time it is asked
def field_info(record: type, dotted: str) -> msgspec.structs.FieldInfo:
    """The model's field at a dotted path of wire names."""
    owner: Any = record
    info = None
    for name in dotted.split("."):
        info = next((f for f in msgspec.structs.fields(owner) if f.encode_name == name), None)
        if info is None:
            raise LookupError(f"{record.__name__} has no field {dotted!r}")
        owner = _struct_of(info.type)
    assert info is not None
    return info


def _struct_of(annotation: Any) -> Any:
    """The struct inside ``Annotated[…]`` or ``T | None``, if any."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _struct_of(typing.get_args(annotation)[0])
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, msgspec.Struct):
            return arg
    return annotation


def _text_info(annotation: Any) -> msgspec.inspect.StrType | None:
    """The constraints of a text field (``T | None`` included)."""
    info = msgspec.inspect.type_info(annotation)
    choices = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    return next((t for t in choices if isinstance(t, msgspec.inspect.StrType)), None)


def max_length(annotation: Any) -> int | None:
    """A text field's limit (for the template's length check)."""
    info = _text_info(annotation)
    return info.max_length if info is not None else None


def pattern(annotation: Any) -> str | None:
    info = _text_info(annotation)
    return info.pattern if info is not None else None


def header_key(text: str) -> str:
    """A header as matched: spaces and the required mark (*) do not count."""
    return re.sub(r"[\s*＊]", "", text)


def put_value(record: dict, dotted: str, value: Any) -> None:
    """``record["a"]["b"] = value`` for ``"a.b"``; in a row of cells
    (``{index: text}``), by index."""
    names = dotted.split(".")
    if names[0].isdigit():
        record[int(names[0])] = value
        return
    for name in names[:-1]:
        record = record.setdefault(name, {})
    record[names[-1]] = value


def get_value(record: Any, dotted: str) -> Any:
    """``record["a"]["b"]`` for ``"a.b"``; in a row of cells, by index; None where missing."""
    if isinstance(record, list):
        index = int(dotted)
        return record[index] if index < len(record) else None
    for name in dotted.split("."):
        if not isinstance(record, dict) or name not in record:
            return None
        record = record[name]
    return record
