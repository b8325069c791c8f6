"""Numbers, amounts and dates as the Chinese words a listener understands.

Read aloud, "12300.50" means nothing to an elderly villager; "一万二千三百元
五角" does. These functions produce the words as they are said, following
the usual spoken rules:

- 零 stands for any run of zeros inside a number (一万零五, 一千零五十),
  never at the end (一万二千三百);
- a leading 一十 is said 十 (十五, 十万零一十五) but inside a number the 一
  stays (一百一十);
- amounts end in 元, then 角 and 分; a missing 角 before 分 is 零 (一元零五分);
- years are read digit by digit (二〇二六年), months and days as numbers;
- phone numbers and other codes are read digit by digit (一二三八八).

``spoken_numbers`` applies the same rules to the digits left in free text
(notice bodies, purposes), guessing from the context which reading fits.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_DIGITS = "零一二三四五六七八九"
_SECTION_UNITS = ("千", "百", "十", "")
# The big units, largest first, with their values.
_BIG_UNITS = ((10**8, "亿"), (10**4, "万"))
_YEAR_DIGITS = "〇一二三四五六七八九"
# Fullwidth digits and marks read like ASCII ones (not the Chinese comma,
# which is a pause, not a thousands separator).
_FULLWIDTH = str.maketrans("０１２３４５６７８９％＊", "0123456789%*")
# Separators people write between digit groups of a phone number; read as
# a short pause.
_GROUP_SEPARATORS = re.compile(r"[\s\-()（）]+")


def integer_words(number: int) -> str:
    """``110`` -> ``"一百一十"``, ``15`` -> ``"十五"``, ``-10005`` -> ``"负一万零五"``."""
    if number < 0:
        return "负" + integer_words(-number)
    if number == 0:
        return "零"
    words = _positive_words(number)
    return words[1:] if words.startswith("一十") else words


def _positive_words(number: int) -> str:
    for unit_value, unit in _BIG_UNITS:
        if number >= unit_value:
            high, low = divmod(number, unit_value)
            words = _positive_words(high) + unit
            if low:
                # A lower part shorter than its full width starts with zeros.
                words += ("零" if low < unit_value // 10 else "") + _positive_words(low)
            return words
    return _section_words(number)


def _section_words(number: int) -> str:
    """Words for 1..9999, with inner zeros as one 零."""
    words: list[str] = []
    pending_zero = False
    for digit_char, unit in zip(f"{number:04d}", _SECTION_UNITS, strict=False):
        digit = int(digit_char)
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append("零")
            pending_zero = False
        words.append(_DIGITS[digit] + unit)
    return "".join(words)


def digit_words(digits: str) -> str:
    """A phone number or code, digit by digit: ``"0738-8312388"`` ->
    ``"零七三八，八三一二三八八"`` (groups separated by a pause). Characters
    other than digits and group separators are left out."""
    groups = _GROUP_SEPARATORS.split(digits.translate(_FULLWIDTH))
    spoken = ("".join(_DIGITS[int(c)] for c in group if c in "0123456789") for group in groups)
    return "，".join(group for group in spoken if group)


def decimal_words(value: int | str | Decimal) -> str:
    """``"12.5"`` -> ``"十二点五"``; digits after the point are read one by one
    as written (``"0.50"`` -> ``"零点五零"``)."""
    number = _decimal(value)
    sign = "负" if number < 0 else ""
    whole, _, fraction = format(abs(number), "f").partition(".")
    words = sign + integer_words(int(whole))
    if fraction:
        words += "点" + "".join(_DIGITS[int(c)] for c in fraction)
    return words


def percent_words(value: int | str | Decimal) -> str:
    """``"12.5"`` (meaning 12.5%) -> ``"百分之十二点五"``; ``-3`` -> ``"负百分之三"``."""
    number = _decimal(value)
    sign = "负" if number < 0 else ""
    return sign + "百分之" + decimal_words(abs(number))


def amount_words(fen: int) -> str:
    """Money in fen as said aloud: ``1230050`` -> ``"一万二千三百元五角"``,
    ``105`` -> ``"一元零五分"``, ``0`` -> ``"零元"``."""
    sign = "负" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    jiao, fen_digit = divmod(cents, 10)
    parts = []
    if yuan:
        parts.append(integer_words(yuan) + "元")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    if fen_digit:
        if yuan and not jiao:
            parts.append("零")
        parts.append(_DIGITS[fen_digit] + "分")
    return sign + ("".join(parts) or "零元")


def year_words(year: int) -> str:
    """``2026`` -> ``"二〇二六年"``: years are said digit by digit."""
    return _year_digits(str(year)) + "年"


def _year_digits(year: str) -> str:
    return "".join(_YEAR_DIGITS[int(c)] for c in year)


def date_words(date: dt.date, *, with_year: bool = True) -> str:
    """``2026-11-20`` -> ``"二〇二六年十一月二十日"`` (``"十一月二十日"`` without the year)."""
    month_day = f"{integer_words(date.month)}月{integer_words(date.day)}日"
    return year_words(date.year) + month_day if with_year else month_day


def period_words(start: dt.date, end: dt.date) -> str:
    """A date range, the second year left out when it is the same:
    ``"二〇二六年三月一日到三月七日"``."""
    return f"{date_words(start)}到{date_words(end, with_year=end.year != start.year)}"


def _decimal(value: int | str | Decimal) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


# ---------------------------------------------------------------- free text


# A number followed by one of these counts something, so it is read as a
# number even when long ("15000人"); a long digit run followed by anything
# else is taken for a phone number or code ("拨打12388").
_COUNTED_BY = "万亿千百元角分人户个名位家年月日号时点天周次岁米亩斤吨项条件台辆间座处份张页期届步倍层栋组批笔"
_LONG_CODE = 5

MASKED_NUMBER = "部分号码已隐去"

_FREE_NUMBER = re.compile(
    r"""
    (?P<masked>(?:[0-9]+(?:[ -][0-9]+)*[ -]?)?\*[0-9*]*(?:[ -][0-9*]+)*[Xx]?)
  | (?<![0-9])(?P<date>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})(?![0-9])
  | (?P<year>(?<![0-9])[0-9]{4})(?=年)
  | (?P<grouped>(?<![0-9])[0-9]+(?:-[0-9]+)+)
  | (?P<percent>[0-9]+(?:\.[0-9]+)?)%
  | (?P<money>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]{1,2})元
  | (?P<number>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)
    """,
    re.VERBOSE,
)


def spoken_numbers(text: str) -> str:
    """``text`` with every Arabic digit turned into words (see the module
    doc); masked numbers (``138****5678``) are not read, only said to be
    masked, so no digit of a personal number is ever spoken."""
    return _FREE_NUMBER.sub(_spoken_match, text.translate(_FULLWIDTH))


def _spoken_match(match: re.Match[str]) -> str:
    if match["masked"]:
        return f"，{MASKED_NUMBER}，" if any(c.isdigit() for c in match["masked"]) else ""
    if match["date"]:
        try:
            return date_words(dt.date(int(match["date"]), int(match["month"]), int(match["day"])))
        except ValueError:  # not a real date: read it as a code
            return digit_words(match[0])
    if match["year"]:
        return _year_digits(match["year"])  # its 年 follows in the text
    if match["grouped"]:
        return digit_words(match["grouped"])
    if match["percent"]:
        return percent_words(match["percent"])
    if match["money"]:
        return amount_words(int(Decimal(match["money"].replace(",", "")) * 100))
    number = match["number"]
    if "." in number or "," in number:
        return decimal_words(number.replace(",", ""))
    following = match.string[match.end() : match.end() + 1]
    counts_something = bool(following) and following in _COUNTED_BY
    if (number.startswith("0") and len(number) > 1) or (len(number) >= _LONG_CODE and not counts_something):
        return digit_words(number)
    return integer_words(int(number))
