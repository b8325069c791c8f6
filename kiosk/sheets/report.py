"""The problems of a workbook written back for the clerk: a copy of the
workbook with each bad cell marked red and its problem in the cell's
comment, and a first sheet 错误清单 listing every problem, each linked to
its cell. A file refused before it was read (a zip bomb, macros) gets the
list alone: it is not opened again. A clerk may fix the red cells in the
report itself and publish that: the reader skips 错误清单, and a report of
a report carries only what is still wrong.

The copy is made by openpyxl, whose XML goes through defusedxml (a
dependency for that reason): the file has passed ``kiosk.sheets.safety``
already, this is the second lock.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook

from kiosk.ops.logs import log_event
from kiosk.sheets.look import HEADER_FILL, OPTIONAL_FONT, REQUIRED_FONT, print_across
from kiosk.sheets.problems import Problem
from kiosk.sheets.spec import REPORT_SHEET

log = logging.getLogger(__name__)

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
MARKER = "发布检查"  # the author of a bad cell's comment: how a later check knows its own marks


def report_path(workbook: Path) -> Path:
    return workbook.with_name(f"{workbook.stem}-错误报告.xlsx")


def write_report(workbook: Path, problems: Sequence[Problem], out: Path | None = None, marked: bool = True, advice: str = "") -> Path:
    """Write the report (beside the workbook unless ``out``); its path.
    ``marked``: the workbook may be opened to mark its cells; ``advice``:
    what to do, said first (WorkbookRejected.advice)."""
    out = out or report_path(workbook)
    book = _copy(workbook) if marked else None
    if book is None:
        book = Workbook()
        book.remove(book.worksheets[0])
    else:
        _unmark(book)
    listing = book.create_sheet(REPORT_SHEET, 0)
    book.active = 0
    for sheet in book.worksheets[1:]:
        sheet.sheet_view.tabSelected = False
    _list(listing, problems, linked=marked and len(book.sheetnames) > 1, advice=advice)
    if len(book.sheetnames) > 1:
        _mark(book, problems)
    temporary = out.with_name(f".{out.name}.tmp")
    book.save(temporary)
    temporary.replace(out)
    return out


def _copy(workbook: Path) -> Workbook | None:
    try:
        return openpyxl.load_workbook(workbook, rich_text=False)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # then the list alone says it
        log_event(log, "sheets.report_unmarked", logging.WARNING, workbook=workbook, error=exc)
        return None


def _list(ws, problems: Sequence[Problem], linked: bool, advice: str) -> None:
    for letter, width in zip("ABCD", (14, 10, 16, 80), strict=True):
        ws.column_dimensions[letter].width = width
    print_across(ws, title_rows="2:2")
    first = advice or f"共 {len(problems)} 处要改，改好以后再发布。"
    ws.append([f"{first}点表名可以跳到那一格；红色的格子就是要改的地方，把鼠标放上去能看到问题。"])
    ws.merge_cells("A1:D1")
    ws["A1"].font = REQUIRED_FONT
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 15 * (1 + len(first) // 60)
    ws.append(["表", "行", "列", "问题"])
    for cell in ws[2]:
        cell.font = OPTIONAL_FONT
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A3"
    for problem in problems:
        ws.append([problem.sheet, f"第{problem.row}行" if problem.row else "", problem.column, problem.what])
        row = ws.max_row
        ws.cell(row, 4).alignment = Alignment(wrap_text=True, vertical="top")
        if linked and problem.cell and problem.sheet:
            target = ws.cell(row, 1)
            target.hyperlink = f"#'{problem.sheet}'!{problem.cell}"
            target.font = Font(color="0B57A4", underline="single")


def _unmark(book: Workbook) -> None:
    """A report fixed by the clerk and checked again (the reader skips its
    list): the last check's list and marks go, so only what is still wrong
    is red."""
    if REPORT_SHEET in book.sheetnames:
        book.remove(book[REPORT_SHEET])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == MARKER:
                    cell.comment = None
                    cell.fill = PatternFill()


def _mark(book: Workbook, problems: Sequence[Problem]) -> None:
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        if problem.cell and problem.sheet in book.sheetnames:
            by_cell.setdefault((problem.sheet, problem.cell), []).append(problem)
    for (sheet, cell), found in by_cell.items():
        target = book[sheet][cell]
        target.fill = BAD_FILL
        target.comment = Comment("\n".join(p.what for p in found), MARKER, width=300, height=120)
