"""A workbook's correction notes: the 更正说明 sheet, read as the reasons a
version gives for the published records it changes or withdraws
(docs/FEED-FORMAT.md sections 11 and 12).

The sheet is the village's own record of its corrections, kept from one
publication to the next: a clerk adds a row for each correction and never
has to delete one. So, unlike a folder's ``corrections.json``, a row
belongs to this version only when it is dated between the previous
version's publication and today and no version has signed it yet; the
others are earlier corrections, left as they are. A record corrected twice
between two publications takes its last row.

What the clerk reads when a note is missing names the record as the
workbook does (its sheet, 编号 and row) and what changed in the words the
terminal will show (``kiosk.corrections_view``), and says to fill in
更正说明.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from kiosk.corrections_view import describe_change
from kiosk.disclosure_view import date_zh
from kiosk.feed import records
from kiosk.feed.changes import CorrectionNote, Extending
from kiosk.sheets import book
from kiosk.sheets.problems import Problem, WorkbookRejected, column_letter
from kiosk.sheets.spec import InParent, Sheet

NAMED_IN_SUMMARY = 3  # records the last line names; the rest are counted


@dataclass(frozen=True)
class NoteRow:
    number: int  # Excel's row number in 更正说明
    note: CorrectionNote

    @property
    def kind(self) -> str:
        return self.note.record.partition(":")[0]

    @property
    def id(self) -> str:
        return self.note.record.partition(":")[2]


def note_row(number: int, row: book.CorrectionRow) -> NoteRow:
    return NoteRow(number, CorrectionNote(record=f"{row.kind}:{row.id}", date=row.date, reason=row.reason))


@dataclass(frozen=True)
class WorkbookNotes:
    """The 更正说明 rows of a workbook, and where its records are, to name them."""

    rows: tuple[NoteRow, ...]
    places: Mapping[str, int]  # record key -> its row in its sheet
    headers: Mapping[str, Mapping[str, int]]  # sheet title -> header -> column index

    def for_version(self, found: Sequence[records.RecordChange], known: Set[str], extending: Extending) -> Mapping[str, CorrectionNote]:
        since, today = extending.since, extending.today
        noted: list[Problem] = []
        current: dict[str, NoteRow] = {}
        spent: dict[str, tuple[NoteRow, str]] = {}  # rows of earlier corrections, and why they are not this one's
        for row in self.rows:
            key, title = row.note.record, _title(row.kind)
            if row.note in extending.used:
                spent[key] = (row, "已经在以前的发布里用过")
            elif row.note.date > today:
                noted.append(self._problem(book.CORRECTIONS, row.number, "日期", f"{date_zh(row.note.date)}还没到：写决定更正的那一天"))
            elif row.note.date < since:
                spent[key] = (row, f"的日期{date_zh(row.note.date)}早于上一次发布的{date_zh(since)}")
            elif key not in known:
                message = f"“{title}”表里没有编号是“{row.id}”的一条，上一次发布的也没有：请看看表和编号填对了没有"
                noted.append(self._problem(book.CORRECTIONS, row.number, "编号", message))
            elif key not in current or row.note.date >= current[key].note.date:
                current[key] = row
        missing = [change for change in found if change.key not in current]
        problems = [self._missing(change, spent.get(change.key)) for change in missing] + noted
        if problems:
            raise WorkbookRejected(problems, advice=_advice(missing))
        return {change.key: current[change.key].note for change in found}

    def _problem(self, sheet: Sheet, row: int | None, header: str, message: str) -> Problem:
        position = self.headers.get(sheet.title, {}).get(header)
        cell = f"{column_letter(position)}{row}" if position is not None and row else ""
        return Problem(sheet.title, row, header, message, cell=cell)

    def _missing(self, change: records.RecordChange, spent: tuple[NoteRow, str] | None) -> Problem:
        sheet = book.RECORD_SHEETS[change.kind.key]
        fill = f"请在“{book.CORRECTIONS.title}”表里填一行：表选“{sheet.title}”，编号填“{change.id}”，再写日期和更正原因"
        if spent is not None:
            row, why = spent
            fill += f"（“{book.CORRECTIONS.title}”第{row.number}行{why}，是以前那次更正的，这次要另填一行）"
        what = describe(change)
        if change.withdrawn:
            return self._problem(
                sheet, None, "编号", f"编号“{change.id}”这一条（{what}）已经发布过，这次删掉了。撤下已经发布的一条要写明原因：{fill}"
            )
        header = _header(sheet, change.fields[0].field)
        message = f"编号“{change.id}”这一条已经发布过，这次{what}。改已经发布的内容要写明原因：{fill}"
        return self._problem(sheet, self.places.get(change.key), header, message)


def describe(change: records.RecordChange) -> str:
    """What changed, in the words the terminal will show: 金额由1,200.00元改为1,500.00元."""
    return describe_change(change.kind, change.before, change.after)


def _title(kind: str) -> str:
    sheet = book.RECORD_SHEETS.get(kind)
    return sheet.title if sheet is not None else kind


def _header(sheet: Sheet, field: str) -> str:
    """The column (or the sheet of a list: 公示名单) where a field of the sheet's records is written."""
    column = sheet.column(field)
    if column is not None:
        return column.header
    child = next((s for s in book.SHEETS if isinstance(s.into, InParent) and s.into.parent == sheet.title and s.into.field == field), None)
    return f"“{child.title}”表" if child is not None else ""


def _advice(missing: Sequence[records.RecordChange]) -> str:
    """The last line a clerk reads: which records, what changed, what to do."""
    if not missing:
        return ""
    named = [f"{book.RECORD_SHEETS[change.kind.key].title}编号“{change.id}”（{describe(change)}）" for change in missing[:NAMED_IN_SUMMARY]]
    more = f"等{len(missing)}条" if len(missing) > NAMED_IN_SUMMARY else ""
    withdrawn = sum(change.withdrawn for change in missing)
    done = "删了" if withdrawn == len(missing) else "改了" if not withdrawn else "改了或删了"
    return (
        f"没有发布：已经发布过的{'、'.join(named)}{more}{done}，还没有写更正原因。"
        f"请在“{book.CORRECTIONS.title}”表里每条填一行（表、编号、日期、更正原因），再发布。"
    )
