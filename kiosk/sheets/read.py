"""A workbook and its picture folder -> the feed's documents and media, or
every problem found, each named by sheet, row and column.

The reader is python-calamine (Rust): on a 5,000-row sheet it takes 60 ms
where openpyxl's streaming reader takes about a second (docs/FEED-FORMAT.md
section 11 has the figures), and its XML parser knows no DTDs. The file
has been through ``kiosk.sheets.safety`` first.

Checks, in order, each collecting every problem it finds:

1. the sheets and their headers: a sheet or a column not known is named
   (a misspelt header would otherwise lose its column);
2. every cell: read by its column's kind (``kiosk.sheets.cells``), then
   checked against the model's type for its field (length, pattern,
   range), so a problem names its cell;
3. keys unique, references to other sheets found;
4. the documents put together and checked by the terminal's own boundary
   (``kiosk.snapshot.Snapshot``: ``kiosk.decode``, ``kiosk.limits``):
   what that finds is mapped back from the document's JSON path to the
   row and column it came from, the record is set aside and the check
   runs again, so its rules too are reported for every row, not the first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
import python_calamine

from kiosk import decode, model
from kiosk.feed.publish import Source
from kiosk.people_view import COMMITTEE_NAMES
from kiosk.sheets import book, safety
from kiosk.sheets.cells import Bad, CellValue, Kind, shown
from kiosk.sheets.corrections import WorkbookNotes, note_row
from kiosk.sheets.pictures import PICTURE_FOLDER, PictureFolder
from kiosk.sheets.problems import Problem, WorkbookRejected, column_letter
from kiosk.sheets.spec import (
    EXAMPLE_MARK,
    FOR_PEOPLE,
    ByMonth,
    Column,
    InList,
    InParent,
    MonthFields,
    Notes,
    Sheet,
    Whole,
    field_info,
    get_value,
    header_key,
    pattern,
    put_value,
)
from kiosk.snapshot import DataInfo, NoMedia, Snapshot

MAX_PROBLEMS = 500  # a workbook that wrong gets the first 500: fixing them shows the rest
_FINANCE = f"{decode.FINANCE_DIR}/{{}}.json"
_PATH_STEP = re.compile(r"\.[^.\[]+|\[\d+\]")


@dataclass
class _Row:
    sheet: Sheet
    number: int  # Excel's row number
    record: Any  # dict, or {index: text} for a row of cells
    cells: dict[str, int]  # column header -> column index in the sheet, for the report
    link: str | None = None
    ok: bool = True
    place: tuple[str, str] | None = None  # (document, JSON path) once put in a document
    children: list[_Row] = field(default_factory=list)


class _Column(NamedTuple):
    """A column as found in the sheet: where, and what the model asks of it."""

    column: Column
    position: int
    annotation: Any
    required: bool


def default_pictures(workbook: Path) -> Path:
    return workbook.with_name(PICTURE_FOLDER)


def read_workbook(path: Path, pictures: Path | None = None, sheets: Sequence[Sheet] = book.SHEETS) -> Source:
    """The feed's documents and media from a workbook; ``WorkbookRejected``
    with every problem found when there is any."""
    formulas = safety.check_workbook(path)
    folder = pictures or default_pictures(path)
    reader = _Reader(sheets, PictureFolder(folder) if folder.is_dir() else None, formulas)
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
            grids = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in workbook.sheet_names}
    except python_calamine.CalamineError as exc:
        raise WorkbookRejected([Problem("", None, "", f"文件已损坏，打不开（{exc}）")]) from None
    checked = reader.read(grids)
    if reader.problems or checked is None:
        raise WorkbookRejected(reader.in_order()[:MAX_PROBLEMS])
    documents, snapshot = checked
    return Source(documents=documents, media=reader.media(), checked=snapshot, notes=reader.notes())


class _Reader:
    def __init__(self, sheets: Sequence[Sheet], pictures: PictureFolder | None, formulas: list[Problem]):
        self.sheets = sheets
        self.pictures = pictures
        self.problems: list[Problem] = []
        self.formulas = formulas  # found in the XML: their cells are not read
        self.titles = {header_key(sheet.title): sheet.title for sheet in sheets}
        self.rows: dict[str, list[_Row]] = {sheet.title: [] for sheet in sheets}
        self.headers: dict[str, dict[str, int]] = {}
        self.keyed: dict[str, dict[str, _Row]] = {}

    def media(self) -> dict[str, Path]:
        return dict(self.pictures.used) if self.pictures is not None else {}

    def notes(self) -> WorkbookNotes:
        """The 更正说明 rows, and where the records they may name are."""
        rows = [
            note_row(row.number, msgspec.convert(row.record, book.CorrectionRow))
            for sheet in self.sheets
            if isinstance(sheet.into, Notes)
            for row in self.rows[sheet.title]
            if row.ok
        ]
        places = {
            f"{kind}:{record_id}": row.number
            for kind, sheet in book.RECORD_SHEETS.items()
            for record_id, row in self.keyed.get(sheet.title, {}).items()
        }
        return WorkbookNotes(tuple(rows), places, self.headers)

    def problem(self, sheet: Sheet | str, row: int | None, column: Column | str, message: str, example: str = "") -> None:
        title = sheet if isinstance(sheet, str) else sheet.title
        header = column if isinstance(column, str) else column.header
        position = self.headers.get(title, {}).get(header)
        cell = f"{column_letter(position)}{row}" if position is not None and row else ""
        self.problems.append(Problem(title, row, header, message, example, cell))

    def named(self, problem: Problem) -> Problem:
        """A problem found in the XML (a formula at D5), with its sheet's
        title and its column's header."""
        title = self.titles.get(header_key(problem.sheet), problem.sheet)
        letters = re.sub(r"\d+$", "", problem.cell)
        for header, position in self.headers.get(title, {}).items():
            if letters and column_letter(position) == letters:
                return dataclasses.replace(problem, sheet=title, column=header)
        return dataclasses.replace(problem, sheet=title)

    def in_order(self) -> list[Problem]:
        """By sheet (in the book's order; sheets not known first), row and column."""
        order = {sheet.title: index for index, sheet in enumerate(self.sheets)}

        def key(problem: Problem) -> tuple:
            position = self.headers.get(problem.sheet, {}).get(problem.column, -1)
            return order.get(problem.sheet, -1), problem.row or 0, position

        return sorted(self.problems, key=key)

    # ------------------------------------------------------------ reading

    def read(self, grids: dict[str, list[list[CellValue]]]) -> tuple[dict[str, bytes], Snapshot] | None:
        self.skipped = {(self.titles.get(header_key(p.sheet), p.sheet), p.cell) for p in self.formulas}
        by_title = {header_key(name): name for name in grids}
        known = {header_key(sheet.title) for sheet in self.sheets}
        for_people = {header_key(title) for title in FOR_PEOPLE}
        for name in grids:
            if header_key(name) not in known | for_people and any(_filled(r) for r in grids[name]):
                self.problem(name, None, "", "不认识这张表：请删掉它，或者把数据放到模板里同样内容的表中", "")
        for sheet in self.sheets:
            found = by_title.get(header_key(sheet.title))
            if found is None:
                if sheet.required:
                    self.problem(sheet, None, "", "缺少这张表：请用模板里的表", "")
                continue
            self._read_sheet(sheet, grids[found])
        self.problems += [self.named(problem) for problem in self.formulas]
        self._check_keys_and_references()
        self._check_fields_of_filled_documents()
        return self._documents()

    def _read_sheet(self, sheet: Sheet, grid: list[list[CellValue]]) -> None:
        header = grid[0] if grid else []
        by_key = {header_key(column.header): column for column in sheet.columns}
        positions: dict[Column, int] = {}
        for position, value in enumerate(header):
            text = shown(value).strip()
            column = by_key.get(header_key(text))
            if not text:
                continue
            if column is None:
                self.problem(sheet, 1, text, f"不认识这一列：可用的列是 {'、'.join(c.header for c in sheet.columns)}")
            elif column in positions:
                self.problem(sheet, 1, text, "这一列重复了")
            else:
                positions[column] = position
        self.headers[sheet.title] = {column.header: position for column, position in positions.items()}
        for column in sheet.columns:
            if column not in positions and sheet.required_field(column):
                self.problem(sheet, 1, column.header, "缺少这一列：请用模板里的表头")
        columns = [
            _Column(c, p, sheet.annotation(c) if c.field is not None else None, sheet.required_field(c)) for c, p in positions.items()
        ]
        for number, cells in enumerate(grid[1:], start=2):
            if not _filled(cells) or shown(next(c for c in cells if not _blank(c))).startswith(EXAMPLE_MARK):
                continue
            self.rows[sheet.title].append(self._read_row(sheet, columns, cells, number))
        if sheet.required and not self.rows[sheet.title]:
            self.problem(sheet, None, "", "还没有填：第2行是示例，请从第3行起填写")
        if isinstance(sheet.into, Whole) and len(self.rows[sheet.title]) > 1:
            self.problem(sheet, self.rows[sheet.title][1].number, "", "这张表只填一行")

    def _read_row(self, sheet: Sheet, columns: list[_Column], cells: list[CellValue], number: int) -> _Row:
        row = _Row(sheet, number, {}, self.headers[sheet.title])
        for column, position, annotation, required in columns:
            value = cells[position] if position < len(cells) else ""
            if self.skipped and (sheet.title, f"{column_letter(position)}{number}") in self.skipped:
                row.ok = False  # a formula: named already
                continue
            if _blank(value):
                if required:
                    self.problem(sheet, number, column, "不能空着", column.kind.example or str(column.example))
                    row.ok = False
                continue
            try:
                parsed = column.kind.read(value, self.pictures)
            except Bad as bad:
                self.problem(sheet, number, column, bad.message, bad.example)
                row.ok = False
                continue
            if column.field is None:
                row.link = parsed
                continue
            try:
                msgspec.convert(parsed, annotation)
            except msgspec.ValidationError as exc:
                self.problem(sheet, number, column, *explain(str(exc), annotation, parsed, column.kind))
                row.ok = False
                continue
            put_value(row.record, column.field, parsed)
        return row

    def _check_keys_and_references(self) -> None:
        for sheet in self.sheets:
            self._check_keys(sheet, self.rows[sheet.title])
        for sheet in self.sheets:
            rows = self.rows[sheet.title]
            for column in sheet.columns:
                if column.refers is None:
                    continue
                targets = self.keyed.get(column.refers, {})
                for row in rows:
                    value = get_value(row.record, column.field or "")
                    if value is not None and str(value) not in targets:
                        self.problem(sheet, row.number, column, f"“{value}”在“{column.refers}”表里没有：请填那张表里已有的编号")
                        row.ok = False
            self._attach(sheet, rows)

    def _check_keys(self, sheet: Sheet, rows: list[_Row]) -> None:
        if sheet.key is None:
            return
        key_column = sheet.column(sheet.key)
        seen: dict[tuple[str | None, Any], _Row] = {}
        for row in rows:
            value = get_value(row.record, sheet.key)
            if value is None:
                continue
            first = seen.setdefault((row.link, value), row)
            if first is not row and key_column is not None:
                said = key_column.kind.write(value, {})  # as the clerk typed it: 村民委员会, not villagers
                self.problem(sheet, row.number, key_column, f"“{said}”重复了：第{first.number}行已经用过，每一条要不一样")
                row.ok = False
        self.keyed[sheet.title] = {str(key): row for (_, key), row in seen.items()}

    def _attach(self, sheet: Sheet, rows: list[_Row]) -> None:
        """A parent's list: each row to its parent record."""
        target = sheet.into
        if not isinstance(target, InParent):
            return
        parents = self.rows[target.parent]
        for row in rows:
            if sheet.link is None:
                parent = parents[0] if parents else None
            else:
                parent = self.keyed.get(target.parent, {}).get(str(row.link)) if row.link is not None else None
                if parent is None and row.link is not None:
                    self.problem(sheet, row.number, sheet.link, f"“{row.link}”在“{target.parent}”表里没有：请填那张表里已有的编号")
                    row.ok = False
            if parent is None or not parent.ok:
                continue
            if target.width is not None:
                width = len(get_value(parent.record, target.width) or [])
                for index in sorted(row.record):
                    if index >= width and row.record[index] != "":
                        self.problem(
                            sheet, row.number, sheet.columns[index + 1], f"“{target.parent}”表里这个公示的表头只有{width}栏，这一格多出来了"
                        )
                        row.ok = False
                row.record = [row.record.get(index, "") for index in range(width)]
            parent.children.append(row)

    # ------------------------------------------------------------ documents

    def _documents(self) -> tuple[dict[str, bytes], Snapshot] | None:
        """Put together and checked by the terminal's boundary; a record it
        refuses is set aside and the rest checked again. Records with
        problems already are left out, and so are those that name one of
        them (an entry of a project whose row is wrong): what is left is
        checked, so that every problem is found in one go."""
        if any(
            isinstance(sheet.into, Whole) and not sheet.into.optional and not any(row.ok for row in self.rows[sheet.title])
            for sheet in self.sheets
        ):
            return None  # no village: nothing to put together
        while len(self.problems) < MAX_PROBLEMS:
            self._leave_out_what_names_a_bad_row()
            documents, origins = self._assemble()
            encoded = {name: msgspec.json.encode(document) for name, document in documents.items()}
            try:
                info = DataInfo(source="workbook", version=None, generated_at=None)
                return encoded, Snapshot(encoded, NoMedia(), info, masked=False)  # the publisher's view: as published
            except decode.FeedError as error:
                if self._locate(error, origins) is None:
                    return None
        return None

    def _optional_documents_to_write(self) -> set[str]:
        """The optional documents a sheet of their own has a row for, and
        whose own fields (a ``Whole`` sheet) are there: one without them is
        named as a problem already (``_check_fields_of_filled_documents``)."""
        filled = {  # by a list: a Whole sheet alone (the county's rule, filled in every village's book) publishes nothing
            sheet.into.document
            for sheet in self.sheets
            if isinstance(sheet.into, InList) and sheet.into.optional and any(row.ok for row in self.rows[sheet.title])
        }
        lacking = {
            sheet.into.document
            for sheet in self.sheets
            if isinstance(sheet.into, Whole) and sheet.into.optional and not any(row.ok for row in self.rows[sheet.title])
        }
        return filled - lacking

    def _check_fields_of_filled_documents(self) -> None:
        """An optional document's own fields (its ``Whole`` sheet) are
        needed as soon as another of its sheets has a row."""
        for sheet in self.sheets:
            target = sheet.into
            if not isinstance(target, Whole) or not target.optional or self.rows[sheet.title]:
                continue
            others = [
                other.title
                for other in self.sheets
                if isinstance(other.into, InList) and other.into.document == target.document and self.rows[other.title]
            ]
            if others:
                self.problem(sheet, None, "", f"“{'”“'.join(others)}”表里填了，这张表也要填一行：请从第3行起填写")

    def _leave_out_what_names_a_bad_row(self) -> None:
        for sheet in self.sheets:
            for column in sheet.columns:
                for row in self.rows[sheet.title] if column.refers else ():
                    named = self.keyed.get(column.refers or "", {}).get(str(get_value(row.record, column.field or "")))
                    row.ok = row.ok and (named is None or named.ok)

    def _assemble(self) -> tuple[dict[str, dict], dict[tuple[str, str], _Row]]:
        """The documents from the rows still good, and where each row went."""
        documents: dict[str, dict] = {}
        origins: dict[tuple[str, str], _Row] = {}
        lists_of = {
            sheet.title: [
                child.into.field for child in self.sheets if isinstance(child.into, InParent) and child.into.parent == sheet.title
            ]
            for sheet in self.sheets
        }

        def place(row: _Row, document: str, path: str) -> None:
            row.place = (document, path)
            origins[row.place] = row
            lists: dict[str, list] = {name: [] for name in lists_of[row.sheet.title]}  # afresh: a record set aside is left out
            for child in row.children:
                if child.ok:
                    items = lists[child.sheet.into.field]  # type: ignore[union-attr]  # a child's target is InParent
                    place(child, document, f"{path}.{child.sheet.into.field}[{len(items)}]")  # type: ignore[union-attr]
                    items.append(child.record)
            for name, items in lists.items():
                put_value(row.record, name, items)

        written = self._optional_documents_to_write()
        for sheet in self.sheets:
            target = sheet.into
            if isinstance(target, Whole | InList) and target.optional and target.document not in written:
                continue
            if isinstance(target, InList):
                documents.setdefault(target.document, {}).setdefault(target.field, [])
            for row in self.rows[sheet.title]:
                if not row.ok or isinstance(target, InParent):
                    continue
                if isinstance(target, Whole):
                    place(row, target.document, "$")
                    documents[target.document] = {**documents.get(target.document, {}), **row.record}
                elif isinstance(target, InList):
                    items = documents[target.document][target.field]
                    place(row, target.document, f"$.{target.field}[{len(items)}]")
                    items.append(row.record)
                elif isinstance(target, ByMonth):
                    month = get_value(row.record, target.date_field).strftime("%Y-%m")
                    name = _FINANCE.format(month)
                    items = documents.setdefault(name, {"month": month}).setdefault(target.list_field, [])
                    place(row, name, f"$.{target.list_field}[{len(items)}]")
                    items.append(row.record)
                elif isinstance(target, MonthFields):
                    month = get_value(row.record, target.month_field)
                    name = _FINANCE.format(month)
                    documents.setdefault(name, {"month": month, "entries": []}).update(row.record)
                    place(row, name, "$")
        return documents, origins

    def _locate(self, error: decode.FeedError, origins: dict[tuple[str, str], _Row]) -> _Row | None:
        """The row (and column) a refusal of the boundary names; the row is
        set aside. None when it names no row."""
        steps = _PATH_STEP.findall(error.path.removeprefix("$"))
        for cut in range(len(steps), -1, -1):
            row = origins.get((error.document, "$" + "".join(steps[:cut])))
            if row is None:
                continue
            rest = "".join(steps[cut:])
            column = _column_at(row.sheet, rest)
            annotation = row.sheet.annotation(column) if column is not None else None
            message, example = explain(error.message, annotation, None, column.kind if column else None)
            self.problem(row.sheet, row.number, column or "", message, example)
            row.ok = False
            return row
        self.problem("", None, "", explain(error.message, None, None, None)[0] + f"（{error.document}）")
        return None


def _blank(value: CellValue) -> bool:
    return value == "" or (isinstance(value, str) and not value.strip())


def _filled(cells: list[CellValue]) -> bool:
    return any(not _blank(cell) for cell in cells)


def _column_at(sheet: Sheet, rest: str) -> Column | None:
    """The column a JSON path inside a row's record names (".budget_fen",
    ".village.code", "[3]" in a row of cells)."""
    if rest.startswith("["):
        index = rest[1:].split("]")[0]
        return sheet.column(index)
    best = None
    for column in sheet.columns:
        if column.field is None:
            continue
        prefix = "." + column.field
        if (rest == prefix or rest.startswith((prefix + ".", prefix + "["))) and (
            best is None or len(column.field) > len(best.field or "")
        ):
            best = column
    return best


# ------------------------------------------------------------ messages

# What the model's patterns mean, for the clerk.
_PATTERN_WORDS = {
    pattern(model.Identifier): ("只能用英文字母、数字和 _ . -，要以字母或数字开头，最多64个字符，不能有汉字和空格", "e2026-03-001"),
    pattern(model.VillageCode): ("村代码是12位数字", "431322199206"),
    pattern(model.MonthKey): ("年月要写成 2026-03", "2026-03"),
    pattern(model.Sha256): ("图片的编号不对", ""),
}
_PATTERN_WORDS[pattern(field_info(model.Hotline, "number").type)] = ("电话号码只能有数字和“-”，3到20位", "0738-1234567")
_PATTERN_WORDS[pattern(field_info(model.ComplaintChannel, "url_template").type)] = (
    "网址要以 http:// 或 https:// 开头",
    "https://jiandu.example.cn/",
)

_MESSAGES = (
    (re.compile(r"^expected str of length <= (\d+)"), "太长了{length}，最多{0}个字"),
    (re.compile(r"^expected str of length >= 1"), "不能空着"),
    (re.compile(r"^expected int >= 0"), "不能是负数"),
    (re.compile(r"^expected int > 0"), "要大于0"),
    (re.compile(r"^expected int <= (\d+)"), "太大了，最多1000亿元"),
    (re.compile(r"^a settled project needs its settlement amount"), "状态是“已结算”的项目要填结算金额"),
    (re.compile(r"^publicity ends before it starts"), "公示结束的日期比开始早"),
    (re.compile(r"^duplicate id '(.*)'"), "编号“{0}”重复了，每一条要不一样"),
    (re.compile(r"^unknown project '(.*)'"), "没有编号是“{0}”的村级项目"),
    (re.compile(r"^unknown category '(.*)'"), "没有编号是“{0}”的权力类别"),
    (re.compile(r"^(\d+) bytes, more than the (\d+) allowed"), "数据太多：有{0}字节，一份最多{1}字节"),
    (re.compile(r"^a second budget for (\d+)"), "{0}年的预算写了两次，一年只填一行"),
    (re.compile(r"^(\S+) is after the year (\d+) it budgets"), "批准日期{0}比预算的年度（{1}年）还晚"),
    (re.compile(r"^(\w+) '(.*)' is budgeted twice"), "{0}“{1}”这一项在同一年的预算里写了两次"),
    (re.compile(r"^the contract ends before it starts"), "结束日期比开始日期早"),
    (re.compile(r"^a term of more than (\d+) years"), "合同期超过了{0}年"),
    (re.compile(r"^more paid than was due"), "已交的钱比应交的还多"),
    (re.compile(r"^a payment needs the date it was paid"), "填了已交的钱，就要填交款日期"),
    (re.compile(r"^a person on the roster holds at least one post"), "这个人在“职务”表里还没有职务：每人至少填一行"),
    (re.compile(r"^no (\w+) committee is listed"), "“村组织”表里没有{0}：先在那里填一行"),
    (re.compile(r"^unknown power item '(.*)'"), "“权力事项”表里没有编号是“{0}”的事项"),
)
# The feed's words for its choices, in a message to the clerk.
_VALUE_NAMES = {
    **{kind.value: name for kind, name in COMMITTEE_NAMES.items()},
    **{way.value: name for way, name in book.DIRECTION_NAMES.items()},
}


def explain(message: str, annotation: Any, value: Any, kind: Kind | None) -> tuple[str, str]:
    """A refusal of the model's types or of the boundary, in the clerk's
    words, and an example of right."""
    text = re.sub(r" - at `\$[^`]*`$", "", message).replace("`", "")
    text = text[:1].lower() + text[1:]
    example = kind.example if kind is not None else ""
    if "matching regex" in text:
        meaning = _PATTERN_WORDS.get(pattern(annotation) if annotation is not None else None)
        if meaning is not None:
            return meaning[0], meaning[1] or example
    for expression, words in _MESSAGES:
        match = expression.match(text)
        if match:
            length = f"（{len(value)}个字）" if isinstance(value, str) else ""
            return words.format(*(_VALUE_NAMES.get(group, group) for group in match.groups()), length=length), example
    return f"不符合要求（{text}）", example
