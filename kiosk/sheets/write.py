"""Workbooks written: the blank template, and a village's data exported
into it (to be edited and built again). openpyxl writes them: the one
well-kept library that writes cell comments and data validation.

A sheet as written: row 1 the headers (red where the column must be
filled; each with a comment saying what to write), row 2 an example in
grey (its first cell starts with 示例, so it is never read as data), the
data from row 3. Each column carries its number format (text stays text:
an 18-digit ID number keeps its digits) and, where Excel has one, a check
while typing: a drop-down list, a date, an amount, a length.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kiosk import decode, model
from kiosk.sheets import book
from kiosk.sheets.cells import CellValue, Pictures
from kiosk.sheets.look import HEADER_FILL, OPTIONAL_FONT, REQUIRED_FONT, print_across
from kiosk.sheets.pictures import PICTURE_FOLDER
from kiosk.sheets.problems import column_letter
from kiosk.sheets.spec import EXAMPLE_MARK, INSTRUCTIONS, ByMonth, InList, InParent, MonthFields, Notes, Sheet, Whole, get_value, max_length
from kiosk.snapshot import read_folder_documents

TEMPLATE_NAME = "村务公开数据模板.xlsx"
EXAMPLE_FONT = Font(italic=True, color="808080")
_PICTURE_TYPES = ((b"\xff\xd8", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp"))

Rows = list[tuple[Any, Any]]  # (the parent's key or None, the record in the feed's form)


class ExportError(ValueError):
    """The source cannot be written as a workbook."""


def write_template(out: Path) -> Path:
    """The blank template and its empty picture folder in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / PICTURE_FOLDER).mkdir(exist_ok=True)
    path = out / TEMPLATE_NAME
    write_workbook(path, {}, {})
    return path


def export_folder(src: Path, out: Path) -> Path:
    """A source folder's data as a workbook (named for the village) and its
    pictures in the picture folder beside it, named for their records."""
    try:
        documents = {name: decode.decode_document(name, data) for name, data in read_folder_documents(src).items()}
    except decode.FeedError as exc:
        raise ExportError(f"{src}: {exc}") from None
    if decode.VILLAGE_DOC not in documents:
        raise ExportError(f"{src}: {decode.VILLAGE_DOC} is missing")
    rows = records_of(documents)
    out.mkdir(parents=True, exist_ok=True)
    pictures = out / PICTURE_FOLDER
    pictures.mkdir(exist_ok=True)
    names = _copy_pictures(rows, src / decode.MEDIA_DIR, pictures)
    village: model.Village = documents[decode.VILLAGE_DOC].village
    path = out / f"{village.code}-{village.name}.xlsx"
    write_workbook(path, rows, names)
    return path


def not_in_workbook(src: Path, sheets: Sequence[Sheet] = book.SHEETS) -> list[str]:
    """The documents of the source folder ``src`` that no sheet carries, so
    an export leaves them out: the complaint outcomes (the platform's own
    quarterly account, not the township's books) and the sealed subsidies
    (``benefits-source.json``), published from a source folder."""
    carried = {sheet.into.document for sheet in sheets if isinstance(sheet.into, (Whole, InList))}
    return sorted(name for name in read_folder_documents(src) if name not in carried and not decode.finance_month_of(name))


def records_of(documents: Mapping[str, Any], sheets: Sequence[Sheet] = book.SHEETS) -> dict[str, Rows]:
    """Each sheet's rows, from decoded documents: the reader's way back."""
    plain = {name: msgspec.to_builtins(doc, builtin_types=(dt.date,)) for name, doc in documents.items()}
    months = [plain[name] for name in sorted(plain) if decode.finance_month_of(name)]
    rows: dict[str, Rows] = {}
    for sheet in sheets:
        target = sheet.into
        if isinstance(target, Whole):
            rows[sheet.title] = [(None, plain[target.document])] if target.document in plain else []
        elif isinstance(target, InList):
            rows[sheet.title] = [(None, record) for record in plain.get(target.document, {}).get(target.field, [])]
        elif isinstance(target, ByMonth):
            rows[sheet.title] = [(None, entry) for month in months for entry in month[target.list_field]]
        elif isinstance(target, MonthFields):
            rows[sheet.title] = [(None, month) for month in months if month.get("opening_balance_fen") is not None]
        elif isinstance(target, InParent):
            parent_sheet = next(s for s in sheets if s.title == target.parent)
            rows[sheet.title] = [
                (get_value(parent, parent_sheet.key) if parent_sheet.key else None, child)
                for _, parent in rows[target.parent]
                for child in get_value(parent, target.field) or []
            ]
        elif isinstance(target, Notes):
            rows[sheet.title] = []  # a new record of corrections: the feed's are in its change logs
    return rows


def _copy_pictures(rows: dict[str, Rows], media: Path, folder: Path, sheets: Sequence[Sheet] = book.SHEETS) -> dict[str, str]:
    """Each picture once into ``folder``, named for the first record that
    shows it (e2026-03-002-1.jpg); SHA-256 -> file name."""
    names: dict[str, str] = {}
    for sheet in sheets:
        for column in sheet.columns:
            if not isinstance(column.kind, Pictures):
                continue
            for number, (_, record) in enumerate(rows.get(sheet.title, []), start=1):
                owner = get_value(record, sheet.key) if sheet.key else f"{sheet.title}{number}"
                for index, ref in enumerate(get_value(record, column.field or "") or [], start=1):
                    if ref["sha256"] in names:
                        continue
                    source = media / ref["sha256"]
                    data = source.read_bytes()[:8] if source.is_file() else b""
                    suffix = next((s for magic, s in _PICTURE_TYPES if data.startswith(magic)), ".webp" if data[:4] == b"RIFF" else ".jpg")
                    name = f"{owner}-{index}{suffix}"
                    names[ref["sha256"]] = name
                    if source.is_file():
                        shutil.copyfile(source, folder / name)
    return names


# ------------------------------------------------------------ the workbook


def write_workbook(path: Path, rows: Mapping[str, Rows], picture_names: Mapping[str, str], sheets: Sequence[Sheet] = book.SHEETS) -> None:
    workbook = Workbook()
    _instructions(workbook.worksheets[0], sheets)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.title), sheet, rows.get(sheet.title, []), picture_names)
    temporary = path.with_name(f".{path.name}.tmp")
    workbook.save(temporary)
    temporary.replace(path)


def _write_sheet(ws: Worksheet, sheet: Sheet, rows: Rows, picture_names: Mapping[str, str]) -> None:
    ws.freeze_panes = "A2"
    print_across(ws, title_rows="1:1")
    for index, column in enumerate(sheet.columns):
        letter = column_letter(index)
        header = ws.cell(1, index + 1, column.header)
        header.font = REQUIRED_FONT if sheet.required_field(column) else OPTIONAL_FONT
        header.fill = HEADER_FILL
        if column.note:
            header.comment = Comment(column.note, "village-kiosk", width=260, height=110)
        example = column.example if index else f"{EXAMPLE_MARK}：{column.example}"
        dimension = ws.column_dimensions[letter]
        dimension.width = max(column.width, min(_width(str(example).split("\n")[0]), 40), _width(column.header))
        dimension.number_format = column.kind.number_format
        if column.kind.wraps:
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
        if example != "":
            _put_cell(ws, 2, index + 1, example, column.kind.number_format).font = EXAMPLE_FONT
        validation = column.kind.validation(max_length(sheet.annotation(column)) if column.field is not None else None)
        if validation is not None:
            check = DataValidation(
                type=validation.type,
                operator=validation.operator,
                formula1=validation.formula1,
                formula2=validation.formula2,
                allow_blank=True,
                showErrorMessage=validation.strict,
                error=validation.message,
                errorTitle="填写有误",
                prompt=validation.message,
                showInputMessage=True,
            )
            check.add(f"{letter}3:{letter}1048576")
            ws.add_data_validation(check)
    for number, (link, record) in enumerate(rows, start=3):
        for index, column in enumerate(sheet.columns):
            value = link if column.field is None else get_value(record, column.field)
            if value is None or value == [] or value == "":
                continue
            _put_cell(ws, number, index + 1, column.kind.write(value, picture_names), column.kind.number_format)


def _width(text: str) -> float:
    """Excel's column width for a text: a Chinese character is two."""
    return sum(2 if ord(character) > 0x2E7F else 1 for character in text) + 2


def _put_cell(ws: Worksheet, row: int, column: int, value: CellValue, number_format: str):
    cell = ws.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that begins with "=", not a formula
    cell.number_format = number_format
    return cell


def _instructions(ws: Worksheet, sheets: Sequence[Sheet]) -> None:
    ws.title = INSTRUCTIONS
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    lines = [
        ("村务公开数据", "一个村一个工作簿。填好以后用 village-kiosk feed build 或县里的发布网页发布到查询机。"),
        ("第1行", "表头，不要改。红色表头的列必须填；把鼠标放在表头上可以看到怎么填。"),
        ("第2行", "灰色的是示例（第一格以“示例”开头），不会被发布；可以留着，也可以删掉。"),
        ("第3行起", "一行一条，中间可以有空行。"),
        ("金额", "单位是元，只填数字，最多两位小数，例如 1500.00。从财务软件或别的表格粘贴过来的 1,500.00、1500元、1.5万元 也认得。"),
        ("日期", "2026-03-05、2026/3/5、2026年3月5日都可以。"),
        ("照片", f"票据和照片放在工作簿旁边的“{PICTURE_FOLDER}”文件夹里，表里写文件名，冒号后面可以写说明，几张就分几行（Alt+回车）。"),
        ("编号", "英文字母、数字和 _ . -，同一张表里不能重复；发布以后不要再改，查询机和投诉靠它找到这一条。"),
        ("不能用", "公式（请“选择性粘贴→数值”）、宏、链接到别的文件。"),
        ("", ""),
    ]
    lines += [(sheet.title, sheet.about) for sheet in sheets]
    for number, (title, text) in enumerate(lines, start=1):
        ws.cell(number, 1, title).font = Font(bold=True)
        ws.cell(number, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
