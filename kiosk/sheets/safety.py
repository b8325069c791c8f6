"""The workbook file checked before anything reads it.

An .xlsx is a zip of XML parts. A workbook from a browser upload may be
made to hurt: a zip bomb (a few kilobytes that unpack to gigabytes), XML
with a DTD (entity expansion, or an external entity that reads the
server's files: XXE), macros (.xlsm), links to other files or data
sources that Excel would fetch when the report is opened, or one cell far
out at XFD1048576 -- the reader (calamine) lays a sheet out as a dense
grid, and that grid is half a terabyte: the process is killed. So before
the reader sees it:

- the file is a zip of a bounded number of parts, each unpacking to at
  most ``MAX_RATIO`` times its packed size, all together to at most
  ``MAX_UNPACKED_BYTES`` -- counted while unpacking, not taken from the
  headers, which may lie;
- no XML part has a DTD; no macros, external links, data connections or
  embedded objects;
- every sheet fits in ``MAX_ROWS`` × ``MAX_COLUMNS`` (the positions of its
  cells, read from the XML);
- a cell holding a formula is a problem for the clerk: its value is
  whatever Excel last computed, or nothing when another program wrote it.

The reader itself never expands entities (calamine's XML parser has no DTD
support), and the report's writer (openpyxl) parses through defusedxml.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path, PurePosixPath

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kiosk.sheets.problems import Problem, WorkbookRejected

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
MAX_PARTS = 2_000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # XML of repeated rows packs 10-30 times; a bomb, thousands
MAX_ROWS = 100_000
MAX_COLUMNS = 256
MAX_FORMULAS_NAMED = 50  # one problem each; then one for the rest

_XML_PART = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FORBIDDEN_PARTS = (
    (re.compile(r"(^|/)vbaProject\w*\.bin$", re.IGNORECASE), "有宏（VBA）"),
    (re.compile(r"^xl/externalLinks/", re.IGNORECASE), "引用了别的工作簿（外部链接）"),
    (re.compile(r"^xl/connections\.xml$", re.IGNORECASE), "有数据连接"),
    (re.compile(r"^xl/(embeddings|activeX)/", re.IGNORECASE), "嵌入了别的文件或控件"),
)
_MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject", re.IGNORECASE)
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d{1,9})"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})\d{1,9}"')
_ANY_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b((?:[^>/]|/(?!>))*)>(.*?)</(?:\w+:)?c>", re.DOTALL)
_CELL_NAME = re.compile(rb'\sr="([A-Z]{1,3}\d{1,9})"')
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", re.DOTALL)


def _refuse(message: str, sheet: str = "") -> WorkbookRejected:
    return WorkbookRejected([Problem(sheet, None, "", message)], opened=False)


def check_workbook(path: Path) -> list[Problem]:
    """Raise ``WorkbookRejected`` for a file that must not be read at all;
    the problems the clerk can fix that were found on the way (formulas)."""
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlsb", ".xls"):
        raise _refuse(f"不能用 {path.suffix} 文件：请在 Excel 里“另存为”→“Excel 工作簿 (*.xlsx)”")
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise _refuse(
            f"文件有 {size // (1024 * 1024)} MB，最大 {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB：图片不要放进表格，放在“图片”文件夹里"
        )
    if not zipfile.is_zipfile(path):
        raise _refuse("不是 .xlsx 文件：请在 Excel 里“另存为”→“Excel 工作簿 (*.xlsx)”（设置了打开密码的文件也不能用）")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _unpack_xml(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
        raise _refuse(f"文件已损坏，打不开（{exc}）") from None
    problems: list[Problem] = []
    for sheet, part in _sheet_parts(parts).items():
        problems += _check_sheet(sheet, parts.get(part, b""))
    return problems


def _unpack_xml(archive: zipfile.ZipFile) -> dict[str, bytes]:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _refuse(f"文件里有 {len(infos)} 个部分，不像正常的 Excel 工作簿")
    for info in infos:
        for pattern, what in _FORBIDDEN_PARTS:
            if pattern.search(info.filename):
                raise _refuse(f"这个工作簿{what}，不能用：请把数据复制到新的模板里再上传")
    parts: dict[str, bytes] = {}
    unpacked = 0
    for info in infos:
        if info.is_dir():
            continue
        data = _unpack(archive, info, MAX_UNPACKED_BYTES - unpacked)
        unpacked += len(data)
        if info.filename.lower().endswith(_XML_PART):
            if _DTD.search(data):
                raise _refuse(f"文件里的 {info.filename} 带有文档类型定义（DTD），Excel 保存的文件不会有：不能用")
            parts[info.filename] = data
    if _MACRO_TYPES.search(parts.get("[Content_Types].xml", b"")):
        raise _refuse("这个工作簿有宏（VBA），不能用：请另存为“Excel 工作簿 (*.xlsx)”")
    return parts


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> bytes:
    """A part's bytes, counted as they come: never more than ``room``, nor
    more than ``MAX_RATIO`` times what it is packed in (headers may lie)."""
    cap = min(room, max(info.compress_size, 1024) * MAX_RATIO)
    with archive.open(info) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        if len(data) > room:
            raise _refuse(f"文件解压以后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，可能是恶意文件（zip 炸弹）：不能用")
        raise _refuse(f"文件里的 {info.filename} 压缩得不正常（zip 炸弹）：不能用")
    return data


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> its XML part, from the workbook and its relationships."""
    try:
        workbook = SafeET.fromstring(parts["xl/workbook.xml"])
        relations = SafeET.fromstring(parts.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    except KeyError:
        raise _refuse("不是 Excel 工作簿（没有 xl/workbook.xml）") from None
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise _refuse(f"文件已损坏，打不开（{exc}）") from None
    targets = {}
    for relation in relations.iter():
        if relation.tag.endswith("Relationship"):
            target = relation.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[relation.get("Id")] = path
    found = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            rid = next((value for name, value in sheet.attrib.items() if name.endswith("}id")), None)
            if rid in targets:
                found[sheet.get("name", "")] = targets[rid]
    return found


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _check_sheet(sheet: str, data: bytes) -> list[Problem]:
    # Where cells sit: their references, plus one row (or column) for every
    # row (cell) written without one, which the reader places after the last.
    rows = [int(r) for r in _ROW_REF.findall(data)]
    columns = _CELL_REF.findall(data)
    widest = max(set(columns), key=lambda letters: (len(letters), letters), default=b"")
    height = max(rows, default=0) + len(_ANY_ROW.findall(data)) - len(rows)
    width = _column_number(widest) + len(_ANY_CELL.findall(data)) - len(columns)
    if height > MAX_ROWS or width > MAX_COLUMNS:
        raise _refuse(
            f"表格太大：用到了第 {height} 行、第 {width} 列，最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列：请删掉表格下面和右边多余的内容",
            sheet,
        )
    if not _FORMULA.search(data):
        return []
    problems: list[Problem] = []
    for attributes, inner in _CELL.findall(data):
        formula = _FORMULA_TEXT.search(inner)
        if formula is None and not _FORMULA.search(inner):
            continue
        name = _CELL_NAME.search(attributes)
        cell = name.group(1).decode() if name else ""
        row = int(re.sub(r"^[A-Z]+", "", cell)) if cell else None
        text = html.unescape(formula.group(1).decode("utf-8", "replace"))[:40] if formula else ""
        if len(problems) == MAX_FORMULAS_NAMED:
            problems.append(Problem(sheet, None, "", "还有更多公式：整张表都要“选择性粘贴→数值”"))
            break
        problems.append(
            Problem(
                sheet,
                row,
                cell,
                f"是公式{f'（={text}）' if text else ''}：请复制这些格子，再“选择性粘贴”→“数值”，只留下算好的数",
                cell=cell,
            )
        )
    return problems
