"""What a cell may hold, and how it is read and written.

Each column of a sheet has one kind. ``read`` turns what the reader found
in a (non-empty) cell into the value the feed wants -- a string, integer
fen, a date, an enumeration value, a list -- or raises ``Bad`` with what is
wrong in the clerk's words; ``write`` turns a feed value back into a cell
(templates and exports); ``validation`` is what Excel can check while the
clerk types (a drop-down list, a date, a length).

Amounts are exact. Excel keeps every number as a double; the reader hands
it over as a Python float, whose ``repr`` is the shortest decimal that
reads back as the same double -- the number the clerk typed (1500.1, not
1500.0999999999999). That string goes through ``decimal``, never through
float arithmetic, and more than two decimals is an error, not a rounding.
Text amounts ("1,500.00", "1500元", "1.5万元", full-width digits) go the
same way.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from kiosk.sheets.pictures import PictureFolder

# What the reader (python-calamine) gives for a cell; "" for an empty one.
CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's (1900) date serials
# A number typed into a date column that lost its date format: days since
# EXCEL_EPOCH from 2000 to 2100, or yyyymmdd.
_SERIALS = range(36_526, 73_051)
_DIGITS = 15  # Excel keeps 15 significant digits of a typed number; the rest become 0


class Bad(ValueError):
    """A cell that cannot be read: what is wrong, and an example of right."""

    def __init__(self, message: str, example: str = ""):
        super().__init__(message)
        self.message = message
        self.example = example


@dataclass(frozen=True)
class Validation:
    """What Excel checks while a clerk types (openpyxl's DataValidation,
    made by ``kiosk.sheets.write``): a type (``list``, ``date``, ``decimal``,
    ``textLength``), its operator and formulas, and the message shown."""

    type: Literal["list", "date", "decimal", "whole", "textLength"]
    formula1: str
    formula2: str | None = None
    operator: Literal["between", "lessThanOrEqual"] | None = None
    message: str = ""
    strict: bool = True  # False: a list of suggestions, other values allowed


def shown(value: CellValue) -> str:
    """A cell's value as the clerk sees it, for an error message."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _normal(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (１５００ -> 1500), no
    line-ending variants, no spaces around."""
    return unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _decimal_of_number(value: int | float) -> Decimal:
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        raise Bad(f"'{value}' 不是数字")
    return Decimal(repr(value))  # the shortest decimal of the double Excel stored: what was typed


class Kind:
    """A column's kind. ``example`` goes into error messages ("例：…")."""

    example = ""
    number_format = "@"  # text: what is typed stays as typed (an ID number keeps its 18 digits)
    wraps = False  # several lines in a cell: the template wraps the column

    def read(self, value: CellValue, pictures: PictureFolder | None) -> Any:
        raise NotImplementedError

    def write(self, value: Any, picture_names: Mapping[str, str]) -> CellValue:
        return value

    def validation(self, max_length: int | None) -> Validation | None:
        return None


class Text(Kind):
    """Text, as typed. A number in a text column is written as the clerk
    saw it (2 -> "2", not "2.0"); one of more than 15 digits has lost its
    tail in Excel already (an ID or bank number typed as a number) and is
    refused."""

    def __init__(self, example: str = "", lines: bool = False):
        self.example = example
        self.wraps = lines

    def read(self, value: CellValue, pictures: PictureFolder | None) -> str:
        if isinstance(value, str):
            return _normal_text(value)
        if isinstance(value, bool):
            raise Bad(f"'{shown(value)}' 不是文字", self.example)
        if isinstance(value, int | float):
            number = _decimal_of_number(value)
            if number == number.to_integral_value() and len(str(abs(int(number)))) > _DIGITS:
                raise Bad(
                    f"这个数字有{len(str(abs(int(number))))}位，Excel 只保留前15位，后面的已经变成了0："
                    "请把这一格设成“文本”格式后重新输入，或者在数字前加一个英文单引号",
                    "'431322195112170863",
                )
            return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return shown(value) if not isinstance(value, dt.time) else value.strftime("%H:%M")
        raise Bad(f"'{shown(value)}' 不是文字", self.example)

    def validation(self, max_length: int | None) -> Validation | None:
        if max_length is None:
            return None
        return Validation("textLength", str(max_length), operator="lessThanOrEqual", message=f"最多{max_length}个字")


def _normal_text(text: str) -> str:
    # Not NFKC: a name or a notice keeps its full-width punctuation.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


_AMOUNT_TEXT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_CURRENCY = re.compile(r"^(?:人民币|RMB|CNY|¥|￥)|(?:元整|圆整|元|圆)$", re.IGNORECASE)


class Amount(Kind):
    """Yuan in the cell, integer fen in the feed."""

    number_format = "#,##0.00"

    def __init__(self, example: int = 150_000, signed: bool = False):
        self.example_fen = example
        self.example = _yuan_text(example)
        self.signed = signed

    def read(self, value: CellValue, pictures: PictureFolder | None) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Bad(f"'{shown(value)}' 不是数字", self.example)
        yuan = self._parse_text(value) if isinstance(value, str) else _decimal_of_number(value)
        exponent = yuan.normalize().as_tuple().exponent  # an int for a finite number
        places = -exponent if isinstance(exponent, int) else 0
        if places > 2:
            raise Bad(f"'{shown(value)}' 有{places}位小数，金额只能到分（两位小数）", self.example)
        if yuan < 0 and not self.signed:
            raise Bad(f"'{shown(value)}' 是负数，这里只填正数", self.example)
        return int(yuan * 100)

    def _parse_text(self, value: str) -> Decimal:
        text = _normal(value).replace(" ", "").replace(",", "")
        text = _CURRENCY.sub("", text)
        scale = 1
        if text.endswith("万"):
            text, scale = text[:-1], 10_000
        text = _CURRENCY.sub("", text)
        if not _AMOUNT_TEXT.match(text):
            raise Bad(f"'{value.strip()}' 不是数字", self.example)
        try:
            return Decimal(text) * scale
        except InvalidOperation:
            raise Bad(f"'{value.strip()}' 不是数字", self.example) from None

    def write(self, value: int, picture_names: Mapping[str, str]) -> CellValue:
        # A double holds every amount of up to 15 digits exactly as its
        # shortest decimal, and the feed's are at most 14 (10^13 fen).
        return float(Decimal(value) / 100)

    def validation(self, max_length: int | None) -> Validation | None:
        low = "-100000000000" if self.signed else "0"
        return Validation("decimal", low, "100000000000", operator="between", message="填金额（元），最多两位小数，例：1500.00")


def _yuan_text(fen: int) -> str:
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class Date(Kind):
    """An Excel date, or a date as text: 2026-03-05, 2026/3/5, 2026.3.5,
    2026年3月5日, 20260305."""

    example = "2026-03-05"
    number_format = "yyyy-mm-dd"

    def read(self, value: CellValue, pictures: PictureFolder | None) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, bool):
            raise Bad(f"'{shown(value)}' 不是日期", self.example)
        if isinstance(value, int | float):
            return self._from_number(value)
        if isinstance(value, str):
            return self._from_text(value)
        raise Bad(f"'{shown(value)}' 不是日期", self.example)

    def _from_number(self, value: int | float) -> dt.date:
        if float(value).is_integer():
            number = int(value)
            if number in _SERIALS:
                return EXCEL_EPOCH + dt.timedelta(days=number)
            return self._from_text(str(number))
        raise Bad(f"'{shown(value)}' 不是日期", self.example)

    def _from_text(self, value: str) -> dt.date:
        text = _normal(value)
        match = _DATE_TEXT.match(text) or _COMPACT_DATE.match(text)
        if not match:
            raise Bad(f"'{value.strip()}' 不是日期", self.example)
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise Bad(f"'{value.strip()}' 这一天不存在", self.example) from None

    def write(self, value: dt.date, picture_names: Mapping[str, str]) -> CellValue:
        return value

    def validation(self, max_length: int | None) -> Validation | None:
        return Validation("date", str(_SERIALS.start), str(_SERIALS.stop - 1), operator="between", message="填日期，例：2026-03-05")


_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


class Month(Kind):
    """A month: 2026-03, 2026/3, 2026年3月, or any date in it."""

    example = "2026-03"

    def read(self, value: CellValue, pictures: PictureFolder | None) -> str:
        if isinstance(value, dt.date):  # a datetime is a date too
            return f"{value.year:04d}-{value.month:02d}"
        text = _normal(shown(value)) if not isinstance(value, bool) else ""
        match = _MONTH_TEXT.match(text) or re.match(r"^(\d{4})(\d{2})$", text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise Bad(f"'{shown(value)}' 不是年月", self.example)
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


class Choice(Kind):
    """One of an enumeration's values, shown by its Chinese name (the
    feed's own value, e.g. ``expense``, is understood too)."""

    def __init__(self, names: Mapping[Any, str]):
        self.names = {member.value if isinstance(member, enum.Enum) else member: name for member, name in names.items()}
        self.by_text = {_key(name): value for value, name in self.names.items()} | {_key(str(value)): value for value in self.names}
        self.example = "、".join(self.names.values())  # named in its error as the choices, not as an example

    def read(self, value: CellValue, pictures: PictureFolder | None) -> Any:
        found = self.by_text.get(_key(shown(value)))
        if found is None:
            raise Bad(f"'{shown(value)}' 不是可选的值（可选：{self.example}）")
        return found

    def write(self, value: Any, picture_names: Mapping[str, str]) -> CellValue:
        return self.names[value]

    def validation(self, max_length: int | None) -> Validation | None:
        return Validation("list", '"' + ",".join(self.names.values()) + '"', message=f"从下拉列表里选：{self.example}")


def _key(text: str) -> str:
    return _normal(text).casefold()


class Suggested(Text):
    """Free text with a drop-down list of the usual values (finance
    categories): other values are allowed."""

    def __init__(self, options: tuple[str, ...]):
        super().__init__(example=options[0])
        self.options = options

    def validation(self, max_length: int | None) -> Validation | None:
        return Validation("list", '"' + ",".join(self.options) + '"', message="可以从下拉列表里选，也可以自己填", strict=False)


class Number(Kind):
    """A whole number: a year, a count of reports."""

    number_format = "0"

    def __init__(self, example: int, low: int = 0, high: int = 1_000_000):
        self.example = str(example)
        self.low, self.high = low, high

    def read(self, value: CellValue, pictures: PictureFolder | None) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Bad(f"'{shown(value)}' 不是整数", self.example)
        try:
            number = _decimal_of_number(value) if not isinstance(value, str) else Decimal(_normal(value).replace(",", ""))
        except InvalidOperation:
            raise Bad(f"'{value.strip()}' 不是整数", self.example) from None  # type: ignore[union-attr]  # only text fails to parse
        if not number.is_finite() or number != number.to_integral_value():
            raise Bad(f"'{shown(value)}' 不是整数", self.example)
        if not self.low <= number <= self.high:
            raise Bad(f"'{shown(value)}' 不在{self.low}到{self.high}之间", self.example)
        return int(number)

    def validation(self, max_length: int | None) -> Validation | None:
        return Validation("whole", str(self.low), str(self.high), operator="between", message=f"填整数，例：{self.example}")


_YES = {"是", "y", "yes", "true", "1", "对", "√", "✓", "有"}
_NO = {"否", "n", "no", "false", "0", "不是", "×", "✗", "无"}


class YesNo(Kind):
    example = "是"

    def read(self, value: CellValue, pictures: PictureFolder | None) -> bool:
        if isinstance(value, bool):
            return value
        text = _key(shown(value))
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise Bad(f"'{shown(value)}' 不是“是”或“否”", "是")

    def write(self, value: bool, picture_names: Mapping[str, str]) -> CellValue:
        return "是" if value else "否"

    def validation(self, max_length: int | None) -> Validation | None:
        return Validation("list", '"是,否"', message="选“是”或“否”")


class Lines(Kind):
    """A list of texts, one per line of the cell (Alt+Enter between them)."""

    wraps = True

    def __init__(self, example: str):
        self.example = example

    def read(self, value: CellValue, pictures: PictureFolder | None) -> list[str]:
        return [line.strip() for line in _normal_text(shown(value)).split("\n") if line.strip()]

    def write(self, value: list[str], picture_names: Mapping[str, str]) -> CellValue:
        return "\n".join(value)


class Joined(Kind):
    """A list of short texts in one cell, separated by 、 (a table's headings)."""

    separator = "、"

    def __init__(self, example: str):
        self.example = example

    def read(self, value: CellValue, pictures: PictureFolder | None) -> list[str]:
        return [part.strip() for part in _normal_text(shown(value)).split(self.separator) if part.strip()]

    def write(self, value: list[str], picture_names: Mapping[str, str]) -> CellValue:
        return self.separator.join(value)


# A picture: a file name ending in a picture's extension, then, after a
# colon, its caption. Pictures are separated by line breaks or ；, or by 、
# and ， right after a file name.
_PICTURE_NAME = re.compile(r"(.+?\.(?:jpe?g|png|webp|gif|bmp))(?=$|[\s:：;；、，,])", re.IGNORECASE)
_BETWEEN = " \t\n;；、，,"
_CAPTION = re.compile(r"([^\n;；]*)(.*)", re.DOTALL)  # a caption runs to the end of its line or a ；


def parse_pictures(text: str) -> list[tuple[str, str]]:
    """``"发票001.jpg：增值税发票\\n收据.png"`` -> [(name, caption), …]."""
    found: list[tuple[str, str]] = []
    rest = _normal_text(text)
    while rest.strip(_BETWEEN):
        rest = rest.lstrip(_BETWEEN)
        match = _PICTURE_NAME.match(rest)
        if not match:
            raise Bad(f"'{rest.split(chr(10))[0]}' 不是图片文件名（要以 .jpg 或 .png 结尾）", "发票001.jpg：增值税发票")
        name, rest = match.group(1).strip(), rest[match.end() :].lstrip(" \t")
        caption = ""
        if rest[:1] in (":", "："):
            caption, rest = _CAPTION.match(rest[1:]).groups()  # type: ignore[union-attr]  # matches any text
            caption = caption.strip()
        found.append((name, caption))
    return found


class Pictures(Kind):
    """Receipts or photos: file names in the picture folder beside the
    workbook, each with an optional caption."""

    wraps = True

    def __init__(self, example: str = "发票001.jpg：增值税普通发票"):
        self.example = example

    def read(self, value: CellValue, pictures: PictureFolder | None) -> list[dict[str, str]]:
        refs = []
        for name, caption in parse_pictures(shown(value)):
            if pictures is None:
                raise Bad(f"找不到图片“{name}”：工作簿旁边没有“图片”文件夹")
            found = pictures.digest(name)
            if isinstance(found, str):
                refs.append({"sha256": found, "caption": caption})
            else:
                raise Bad(f"图片“{name}”{found.message}")
        return refs

    def write(self, value: list[dict[str, str]], picture_names: Mapping[str, str]) -> CellValue:
        return "\n".join(picture_names[ref["sha256"]] + (f"：{ref['caption']}" if ref.get("caption") else "") for ref in value)
