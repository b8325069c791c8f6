"""A workbook made to hurt is refused before anything reads it, with a
message a clerk can act on, and the process that reads it stays up: a zip
bomb, XML with a DTD (XXE, billion laughs), macros, links to other files,
a cell at XFD1048576 (which the reader would lay out as a half-terabyte
grid), a file that is no workbook at all."""

from __future__ import annotations

import re
import zlib

import openpyxl
import pytest

from kiosk.sheets.problems import WorkbookRejected
from kiosk.sheets.read import read_workbook
from kiosk.sheets.report import REPORT_SHEET, report_path
from kiosk.sheets.safety import MAX_RATIO
from support.kiosk_process import village_kiosk
from support.sheet_fixtures import FINANCE_PART, rewrite_parts, zip_bomb


def refusal(path) -> str:
    with pytest.raises(WorkbookRejected) as refused:
        read_workbook(path)
    problems = refused.value.problems
    assert len(problems) == 1 and not refused.value.opened
    return str(problems[0])


def test_a_zip_bomb_is_refused_without_unpacking_it(workbook, tmp_path):
    # 64 MB of spaces packed into about 64 kB: far more than any sheet packs.
    bomb = zip_bomb(workbook, tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    assert "zip 炸弹" in refusal(bomb)
    assert len(zlib.compress(b" " * 1_000_000)) * MAX_RATIO < 1_000_000  # such data is past the ratio


@pytest.mark.parametrize(
    ("doctype", "reference"),
    [
        (b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', b"&b;"),
    ],
    ids=["xxe", "billion-laughs"],
)
def test_xml_with_a_dtd_is_refused(workbook, tmp_path, doctype, reference):
    def with_doctype(name: str, data: bytes) -> bytes | None:
        if name != FINANCE_PART:
            return None
        declared = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + doctype, data, count=1)
        return declared.replace(b"<t>", b"<t>" + reference, 1)

    hostile = rewrite_parts(workbook, tmp_path / "xxe.xlsx", with_doctype)
    assert "DTD" in refusal(hostile)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, "有宏"),
        ({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}, "外部链接"),
        ({"xl/connections.xml": b"<connections/>"}, "数据连接"),
        ({"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}, "嵌入"),
    ],
    ids=["macros", "external-link", "data-connection", "embedded-object"],
)
def test_macros_links_and_embedded_objects_are_refused(workbook, tmp_path, extra, words):
    hostile = rewrite_parts(workbook, tmp_path / "hostile.xlsx", lambda name, data: None, extra)
    assert words in refusal(hostile)


def test_a_macro_workbook_is_refused_by_its_name_too(workbook, tmp_path):
    assert ".xlsm" in refusal(workbook.rename(workbook.with_suffix(".xlsm")))


def test_a_file_that_is_no_workbook_is_refused(tmp_path):
    path = tmp_path / "村.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert "不是 .xlsx 文件" in refusal(path)


def test_a_cell_far_out_is_refused_before_the_reader_lays_out_its_grid(workbook, tmp_path, feed_key):
    def far_cell(name: str, data: bytes) -> bytes | None:
        if name != FINANCE_PART:
            return None
        return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')

    hostile = rewrite_parts(workbook, tmp_path / "far.xlsx", far_cell)
    # In a process of its own: calamine, given this file, aborts the process.
    built = village_kiosk("feed", "build", str(hostile), str(tmp_path / "tree"), "--key", str(feed_key / "feed.key"))
    assert built.returncode == 4, built.stderr
    assert "财务收支：表格太大：用到了第 1048576 行、第 16384 列" in built.stderr
    assert openpyxl.load_workbook(report_path(hostile)).sheetnames == [REPORT_SHEET]  # the file itself was not opened again
