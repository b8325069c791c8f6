"""Workbooks for the spreadsheet tests: the demo village exported once per
session by the exporter itself, a fresh copy (workbook and picture
folder) per test, and a way to change cells as a clerk would in Excel.

Registered as a plugin in conftest.py.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import openpyxl
import pytest

from kiosk import paths
from kiosk.feed import keys
from kiosk.sheets.pictures import PICTURE_FOLDER
from kiosk.sheets.write import export_folder


@pytest.fixture(scope="session")
def demo_workbook(tmp_path_factory) -> Path:
    """The demo village as a workbook, with its picture folder (read only)."""
    return export_folder(paths.DEMO_VILLAGE, tmp_path_factory.mktemp("demo-workbook"))


@pytest.fixture
def workbook(demo_workbook, tmp_path) -> Path:
    """A copy of the demo village's workbook and pictures, to change."""
    folder = tmp_path / "township"
    folder.mkdir()
    shutil.copytree(demo_workbook.with_name(PICTURE_FOLDER), folder / PICTURE_FOLDER)
    return Path(shutil.copy(demo_workbook, folder / demo_workbook.name))


@pytest.fixture
def feed_key(tmp_path) -> Path:
    """A folder with a new signing key pair (feed.key, feed.pub)."""
    keys.generate(tmp_path / "keys")
    return tmp_path / "keys"


def edit_cells(path: Path, cells: Mapping[tuple[str, str], object]) -> None:
    """Type into cells as a clerk would: ``{("财务收支", "D37"): "1,5OO"}``
    (a string starting with "=" is a formula, as in Excel)."""
    book = openpyxl.load_workbook(path)
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    book.save(path)


def append_rows(path: Path, sheet: str, *rows: list) -> None:
    """Rows typed below those of a sheet, as a clerk adds them."""
    book = openpyxl.load_workbook(path)
    for row in rows:
        book[sheet].append(row)
    book.save(path)


def cell_value(path: Path, sheet: str, cell: str) -> object:
    return openpyxl.load_workbook(path)[sheet][cell].value


def rewrite_parts(path: Path, out: Path, change: Callable[[str, bytes], bytes | None], extra: Mapping[str, bytes] = {}) -> Path:
    """A copy of the workbook's zip with parts changed (``change`` returns
    the new bytes, or None to keep them) and parts added: what a hostile
    file is made of."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(info.filename, data) or data)
        for name, data in extra.items():
            target.writestr(name, data)
    return out


FINANCE_PART = "xl/worksheets/sheet4.xml"  # 财务收支, the fourth sheet (after 填写说明, 村庄信息, 举报电话)


def with_far_cell(path: Path, out: Path) -> Path:
    """A copy with one cell at XFD1048576 in 财务收支: the reader, given it,
    would lay out a half-terabyte grid and abort the process."""

    def far_cell(name: str, data: bytes) -> bytes | None:
        if name != FINANCE_PART:
            return None
        return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')

    return rewrite_parts(path, out, far_cell)


def zip_bomb(path: Path, out: Path) -> Path:
    """A copy with 64 MB of spaces packed into about 64 kB as an extra sheet part."""
    return rewrite_parts(path, out, lambda name, data: None, {"xl/worksheets/sheet99.xml": b" " * (64 * 1024 * 1024)})
