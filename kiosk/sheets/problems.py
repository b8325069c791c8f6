"""A problem found in a workbook, named as a clerk finds it: the sheet, the
row, the column's header, what is wrong and an example of right."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.feed.publish import PublishError


@dataclass(frozen=True)
class Problem:
    sheet: str  # "" for the workbook as a whole
    row: int | None  # Excel's row number
    column: str  # the header, "" for the row or the sheet as a whole
    message: str
    example: str = ""
    cell: str = ""  # "D37", where the sheet has that cell: the report marks it

    @property
    def what(self) -> str:
        """What is wrong, with the example of right."""
        return self.message + (f"（例：{self.example}）" if self.example else "")

    @property
    def where(self) -> str:
        return " ".join(part for part in (self.sheet, f"第{self.row}行" if self.row else "", self.column) if part)

    def __str__(self) -> str:
        return f"{self.where}：{self.what}" if self.where else self.what


class WorkbookRejected(PublishError):
    """The workbook cannot be published: every problem found, in sheet order."""

    def __init__(self, problems: list[Problem], opened: bool = True, advice: str = ""):
        self.problems = problems
        self.opened = opened  # False: refused before it was read (a zip bomb): not to be opened for a report
        self.advice = advice  # what to do, in a sentence, where the problems have one cause (corrections without a reason)
        super().__init__(f"{len(problems)} problem(s) in the workbook, the first: {problems[0]}")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
