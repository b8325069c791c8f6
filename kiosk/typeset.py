"""Chinese line breaking, as a printed notice does it: where a line may
end, and the lines a text takes at a given width.

Break opportunities come from Unicode line breaking (UAX #14) through
ICU's line BreakIterator for Chinese, which already keeps closing
punctuation off a line's start and opening punctuation off its end. On top
of it, the rules a screen for elders needs and UAX #14 does not give:

- 禁则 stated outright (no ，。、；：？！）》” at a line start, no （《“ at its
  end), so no ICU tailoring or version can undo them;
- a number with its unit, a date, a time, an amount, a phone number is
  one unbreakable token ("17:00", "2026年3月", "1,234.50元", "38天",
  "0738-0512388");
- no paragraph ends on one orphaned character when the line above can
  spare a piece; titles and buttons are balanced (lines about equally
  long) rather than filled greedily.

The same rules judge laid-out text in the layout check (``line_problems``).
Width is measured by the caller (``measure(text) -> px``): the core knows
no fonts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import icu

# The punctuation of the 禁则 (and their half-width twins that data may carry).
CLOSING = frozenset("，。、；：？！）》”’」』】〕〉,.;:?!)%％…·—～")
OPENING = frozenset("（《“‘「『【〔〈(")
# ICU's Chinese tailoring of UAX #14 keeps "——" and "……" together already;
# "…" and "—" are in CLOSING only so that a lone one never starts a line.

_NUMBER = r"[+\-－]?\d+(?:,\d{3})*(?:\.\d+)?"
# Units and measure words that follow a number in village records.
_UNITS = (
    "万元|亿元|元|万|亿|个月|小时|分钟|平方米|平米|公里|千米|千克|公斤|千瓦时|公顷|"
    "年|月|日|天|周|时|点|分|秒|岁|人|户|名|位|次|项|条|笔|张|份|间|栋|层|楼|号|组|届|期|"
    "步|页|类|倍|台|辆|个|家|所|本|亩|米|斤|克|吨|度|元|%|％|‰|℃|㎡"
)
_DAYTIME = r"(?:上午|下午|中午|晚上|早上|凌晨)"
# Longest forms first: a date before the number-with-unit that would take its first part.
PROTECTED = re.compile(
    "|".join(
        [
            r"\d{4}年\d{1,2}月\d{1,2}日",  # 2026年3月1日
            r"\d{4}年\d{1,2}月",  # 2026年3月
            r"\d{1,2}月\d{1,2}日",  # 11月21日
            r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}",  # 2026-03-01
            _DAYTIME + r"?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?",  # 17:00, 上午9:30
            _DAYTIME + r"?\d{1,2}[时点](?:\d{1,2}分|半)?",  # 上午9时, 9点半
            r"\d{3,4}-\d{7,8}",  # 0738-0512388
            r"\d{3,4}\*+\d{4}",  # masked: 138****5678, 4313**********1234
            r"第" + _NUMBER + f"(?:{_UNITS})?",  # 第3步
            # 38天, 1,234.50元, 3-5天; a space may stand before the unit, a line break ends the number ("700\n类型").
            _NUMBER + r"(?:[至到~～\-－]" + _NUMBER + r")?[^\S\n]?" + f"(?:{_UNITS})",
        ]
    )
)


@lru_cache(maxsize=8192)
def protected_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The [start, end) spans of ``text`` that must stay on one line."""
    return tuple(match.span() for match in PROTECTED.finditer(text))


_line_breaker = icu.BreakIterator.createLineInstance(icu.Locale("zh_CN"))


def _uax14_breaks(paragraph: str) -> list[int]:
    """Where UAX #14 allows a line to break (offsets into ``paragraph``,
    its end included)."""
    _line_breaker.setText(paragraph)
    offsets = list(_line_breaker)
    if any(ord(ch) > 0xFFFF for ch in paragraph):
        # ICU counts UTF-16 code units: map them back to characters.
        index_of_unit, unit = {}, 0
        for index, ch in enumerate(paragraph):
            index_of_unit[unit] = index
            unit += 2 if ord(ch) > 0xFFFF else 1
        index_of_unit[unit] = len(paragraph)
        offsets = [index_of_unit[offset] for offset in offsets]
    return offsets


@lru_cache(maxsize=8192)
def break_points(paragraph: str) -> tuple[int, ...]:
    """Offsets where a line of ``paragraph`` (no newlines) may end, by
    UAX #14, the 禁则 and token protection; always includes its end."""
    inside: set[int] = set()
    for start, end in protected_spans(paragraph):
        inside.update(range(start + 1, end))
    points = []
    for offset in _uax14_breaks(paragraph):
        if offset >= len(paragraph):
            break
        if offset in inside or paragraph[offset] in CLOSING or paragraph[offset - 1] in OPENING:
            continue
        points.append(offset)
    points.append(len(paragraph))
    return tuple(points)


@lru_cache(maxsize=8192)
def segments(paragraph: str) -> tuple[str, ...]:
    """``paragraph`` cut at every break point: the pieces a line is built of."""
    points = break_points(paragraph)
    return tuple(paragraph[start:end] for start, end in zip((0, *points), points, strict=False) if end > start)


def forget_break_points() -> None:
    """Empty the caches of break points, once nobody is at the terminal:
    kept for good, they would fill with texts no screen shows any more, a
    few more with each new version of the records."""
    for cached in (protected_spans, break_points, segments):
        cached.cache_clear()


# ------------------------------------------------------------------ laying out

Measure = Callable[[str], float]


def lay_out(text: str, width: float, measure: Measure, balanced: bool = False) -> list[str]:
    """The lines ``text`` takes in ``width`` px (explicit newlines kept).

    ``balanced`` (titles, buttons): the same number of lines as filling
    greedily would give, but as equal in length as they can be."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _paragraph_lines(paragraph, width, measure, balanced)
    return lines


def _paragraph_lines(paragraph: str, width: float, measure: Measure, balanced: bool) -> list[str]:
    pieces = segments(paragraph)
    if not pieces:
        return [""]
    lines = _fit(pieces, width, measure)
    if balanced and len(lines) > 1:
        lines = _balance(pieces, width, measure, lines)
    if len(lines) > 1:
        lines = _avoid_orphan(lines, width, measure)
    return [_joined(line) for line in lines]


def _fit(pieces: Sequence[str], width: float, measure: Measure) -> list[list[str]]:
    """Filled greedily, then each line measured whole: pieces are measured
    one by one (each is measured once for every label, by a cache), and a
    line's whole width may differ by kerning. A line that came out too
    wide is filled again a little narrower."""
    narrower = 0.0
    for _attempt in range(3):
        lines = _fill(pieces, width - narrower, measure)
        over = max(measure(_joined(line)) for line in lines) - width
        if over <= 0:
            break
        narrower += over
    return lines


def _fill(pieces: Sequence[str], width: float, measure: Measure) -> list[list[str]]:
    """Greedy filling by the pieces' own widths; a piece wider than the
    line is cut by characters (the emergency: a box too narrow for one
    token)."""
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0.0
    for piece in pieces:
        bare = measure(piece.rstrip())  # trailing spaces vanish at a line's end
        if line and used + bare > width:
            lines.append(line)
            line, used = [], 0.0
        if not line and bare > width:
            *whole, piece = _cut_by_characters(piece, width, measure)
            lines += [[part] for part in whole]
            bare = measure(piece.rstrip())
        line.append(piece)
        used += measure(piece) if piece[-1:].isspace() else bare
    lines.append(line)
    return lines


def _cut_by_characters(piece: str, width: float, measure: Measure) -> list[str]:
    parts, part = [], ""
    for ch in piece:
        if part and measure(part + ch) > width and ch not in CLOSING:
            parts.append(part)
            part = ""
        part += ch
    return [*parts, part]


def _balance(pieces: Sequence[str], width: float, measure: Measure, greedy: list[list[str]]) -> list[list[str]]:
    """Lines of the narrowest width that needs no more lines than ``greedy``."""
    low, high, best = 0.0, width, greedy
    while high - low > 1:
        middle = (low + high) / 2
        lines = _fill(pieces, middle, measure)
        if len(lines) <= len(greedy) and all(measure(_joined(line)) <= middle for line in lines):
            high, best = middle, lines
        else:
            low = middle
    return best


def _visible_length(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch not in CLOSING)


def _avoid_orphan(lines: list[list[str]], width: float, measure: Measure) -> list[list[str]]:
    """Move the piece before a lone last character down to keep it company."""
    last, before = lines[-1], lines[-2]
    if _visible_length("".join(last)) <= 1 and len(before) > 1:
        moved = [before[-1], *last]
        if measure(_joined(moved)) <= width:
            return [*lines[:-2], before[:-1], moved]
    return lines


def _joined(pieces: Sequence[str]) -> str:
    return "".join(pieces).strip()


# ------------------------------------------------------------------ judging


@dataclass(frozen=True)
class LineProblem:
    kind: str  # starts_with_closing / ends_with_opening / split_token / orphan / too_long
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


MAX_LINE_EMS = 44  # "about 40" Chinese characters (10 % over): longer lines are hard to follow


def line_problems(lines: Sequence[str], text: str | None = None, title: bool = False, ems: Sequence[float] = ()) -> list[LineProblem]:
    """What is wrong with ``text`` as laid out in ``lines`` (the lines as
    drawn, in order; ``text`` defaults to them joined): 禁则 broken, a
    protected token split across lines, an orphan last character in a
    title or button (when the line above had a break to give), a line
    over ``MAX_LINE_EMS`` (``ems``: each line's width in font sizes)."""
    problems = []
    for number, line in enumerate(lines[1:], 1):
        if line[:1] in CLOSING:
            problems.append(LineProblem("starts_with_closing", f"line {number + 1} starts with {line[0]!r}: {_pair(lines, number)}"))
        if lines[number - 1].rstrip()[-1:] in OPENING:
            problems.append(
                LineProblem("ends_with_opening", f"line {number} ends with {lines[number - 1].rstrip()[-1]!r}: {_pair(lines, number)}")
            )
    text = "".join(lines) if text is None else text
    ends = _line_ends(text, lines)
    for start, end in protected_spans(text):
        if any(start < cut < end for cut in ends):
            problems.append(LineProblem("split_token", f"{text[start:end]!r} split across lines"))
    if title and len(lines) > 1 and _visible_length(lines[-1]) == 1 and len(segments(lines[-2].strip())) > 1:
        problems.append(LineProblem("orphan", f"last line is one character: {_pair(lines, len(lines) - 1)}"))
    for number, width in enumerate(ems, 1):
        if width > MAX_LINE_EMS + 0.5:
            problems.append(LineProblem("too_long", f"line {number} is {width:.0f} characters wide (at most {MAX_LINE_EMS})"))
    return problems


def _line_ends(text: str, lines: Sequence[str]) -> list[int]:
    """Where in ``text`` each line but the last ends (lines may have lost
    the spaces at their ends; a shortened line, ending in "…", ends the search)."""
    ends, cursor = [], 0
    for line in lines[:-1]:
        found = text.find(line, cursor)
        if found < 0 or not line:
            if line:
                break
            continue
        cursor = found + len(line)
        ends.append(cursor)
    return ends


def _pair(lines: Sequence[str], number: int) -> str:
    return f"{lines[number - 1][-8:]!r} / {lines[number][:8]!r}"
