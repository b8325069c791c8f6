"""Touch search over one snapshot: Chinese substring, full pinyin and pinyin initials.

Villagers search with an on-screen keyboard (letters, digits, a few common
characters), so a query is short and grows by one key per tap. ``DB`` must
find 低保评定 and ``ZJD`` 宅基地审批, as must ``dibao``, ``dib`` or ``宅基``.

How matching works. Every searchable text is turned, once per snapshot, into
a *unit string*: one unit per Han character or ASCII letter/digit (other
characters are dropped), units separated by ``|``; inside a unit its
*alternatives* separated by ``,``: the character itself and its pinyin
readings -- the reading in context plus the other common readings of a
polyphonic character (行 hang/xing), so a villager who reads it either way
still finds it::

    低保评定  ->  |低,di|保,bao|评,ping|定,ding|

A query matches a text when it can be cut into pieces that, in order, each
match a *prefix* of one alternative of consecutive units. That one rule
covers full pinyin (``dibao``), initials (``db``), mixed forms (``dib``,
``dbpd``, ``低b``) and Chinese substrings (``宅基``). It is compiled into a
regular expression per query and run over all unit strings joined into one
haystack, so a query costs a few C-level regex scans, not a Python loop over
every record -- which is what keeps a key tap fast on 10,000 records.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin, pinyin

from kiosk import model, privacy
from kiosk.disclosure_view import KIND_NAMES, date_zh

# Scores, best first. A record is scored by the best way its title matches;
# a match only in its secondary text (a power's summary, a disclosure's kind)
# ranks below every title match.
EXACT = 100  # the query spells the whole title (低保评定, dibaopingding, dbpd)
NAME_PREFIX = 80  # the title starts with the query in characters or whole syllables (低保, dibao, dib)
INITIALS_PREFIX = 60  # the title starts with the query as initials or partial syllables (db, zjd)
NAME_SUBSTRING = 40  # the query matches inside the title (评定, pd)
SECONDARY = 20  # the query matches the secondary text in characters or whole syllables

# Readings of a polyphonic character considered besides its reading in context.
_EXTRA_READINGS = 2
_UNIT = "|"
_ALT = ","
_LINE = "\n"


class HitKind(enum.Enum):
    """What a hit points at; the order here is the order at equal score."""

    POWER = "power"
    PROJECT = "project"
    NOTICE = "notice"
    CASE = "case"
    DISCLOSURE = "disclosure"


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: HitKind
    id: str
    title: str
    subtitle: str
    score: int


_PROJECT_STATUS_NAMES = {
    model.ProjectStatus.PLANNED: "计划中",
    model.ProjectStatus.IN_PROGRESS: "实施中",
    model.ProjectStatus.SETTLED: "已结算",
}


@dataclass(frozen=True, slots=True)
class _Record:
    kind: HitKind
    id: str
    title: str
    subtitle: str
    secondary: str  # searched only in characters / whole syllables; "" for none


def _records_of(snapshot) -> list[_Record]:
    """Everything searchable, in the order hits of equal score are listed."""
    public = privacy.public_numbers(snapshot.complaint.hotlines)

    def record(kind: HitKind, ident: str, title: str, subtitle: str, secondary: str = "") -> _Record:
        # Shown on a public screen, and a search must not probe for an ID or
        # phone number the platform let through: titles are indexed masked.
        return _Record(kind, ident, privacy.mask_text(title, public), subtitle, privacy.mask_text(secondary, public))

    category_names = {category.id: category.name for category in snapshot.categories}
    records = [record(HitKind.POWER, item.id, item.name, category_names.get(item.category, ""), item.summary) for item in snapshot.power_items]
    records += [
        record(HitKind.PROJECT, project.id, project.name, f"村级项目 · {_PROJECT_STATUS_NAMES[project.status]}") for project in snapshot.projects
    ]
    records += [record(HitKind.NOTICE, notice.id, notice.title, f"通知公告 · {date_zh(notice.date)}") for notice in snapshot.notices]
    records += [record(HitKind.CASE, case.id, case.title, f"典型案例 · {date_zh(case.date)}") for case in snapshot.cases]
    records += [
        record(
            HitKind.DISCLOSURE,
            disclosure.id,
            disclosure.title,
            f"结果公开 · 公示期 {date_zh(disclosure.publicity_start)}至{date_zh(disclosure.publicity_end)}",
            KIND_NAMES[disclosure.kind],
        )
        for disclosure in snapshot.disclosures
    ]
    return records


# ------------------------------------------------------------------ text -> units


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _normalize(text: str) -> str:
    """Full-width to half-width, lower case; only Han characters, ASCII letters and digits stay."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(char for char in text if _is_han(char) or (char.isascii() and char.isalnum()))


@functools.lru_cache(maxsize=8192)
def _readings(char: str) -> tuple[str, ...]:
    """Every reading of one Han character, without tones, commonest first."""
    found: list[str] = []
    for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
        if reading.isascii() and reading.isalpha() and reading not in found:
            found.append(reading)
    return tuple(found)


def _context_readings(han_run: str) -> list[str]:
    """The reading of each character chosen from the phrase (银行 -> yin hang).

    Looking phrases up is most of the cost of building the index, and it only
    adds something for a character with more readings than are indexed
    anyway, so other runs skip it."""
    if all(len(_readings(char)) <= _EXTRA_READINGS for char in han_run):
        return [""] * len(han_run)
    readings = lazy_pinyin(han_run, style=Style.NORMAL)
    if len(readings) != len(han_run):  # characters pypinyin does not know come back grouped
        readings = [lazy_pinyin(char, style=Style.NORMAL)[0] for char in han_run]
    return readings


def _units(text: str) -> str:
    """The unit string of a text (see the module docstring)."""
    units: list[str] = []
    for is_han, run in _runs(_normalize(text)):
        if not is_han:
            units.extend(run)
            continue
        for char, in_context in zip(run, _context_readings(run)):
            alternatives = [char, *_readings(char)[:_EXTRA_READINGS]]
            if in_context not in alternatives and in_context.isascii() and in_context.isalpha():
                alternatives.append(in_context)
            units.append(_ALT.join(alternatives))
    return _UNIT + _UNIT.join(units) + _UNIT if units else ""


def _runs(text: str) -> Iterable[tuple[bool, str]]:
    """Split into maximal runs of Han / non-Han characters."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or _is_han(text[index]) != _is_han(text[start]):
            yield _is_han(text[start]), text[start:index]
            start = index


# ------------------------------------------------------------------ query -> regex

# Between two query characters the match may stay inside the current
# alternative, or jump to the start of an alternative of the next unit. The
# jumps are lazy: staying inside is one character compare, so trying it first
# is what keeps the scan fast.
_JUMP_ANY = r"(?:[^|\n]*\|(?:[^|\n]*,)?)??"  # ... after any prefix of the current alternative
_JUMP_WHOLE = r"(?:(?:,[^|\n]*)?\|(?:[^|\n]*,)?)??"  # ... only once the alternative is complete


def _pattern(query: str, jump: str) -> str:
    return jump.join(re.escape(char) for char in query)


def _at_alternative_start(query: str, jump: str) -> str:
    """The pattern, starting at the beginning of any alternative of any unit.

    It opens with the query's first character as a literal and only then
    looks behind for the separator: the regex engine scans for a leading
    literal several times faster than for a character class."""
    first = re.escape(query[0])
    return first + rf"(?<=[|,]{first})" + jump + _pattern(query[1:], jump) if len(query) > 1 else first + rf"(?<=[|,]{first})"


_FIRST_ALTERNATIVE = r"\n\|(?:[^|\n]*,)?"  # a line start, then any alternative of the first unit


@dataclass(frozen=True)
class _Compiled:
    """The regexes of one normalized query, one per score level.

    Each runs over a whole haystack (see ``_Haystack``) and matches at most
    once per line: the anchored ones start at the line's leading newline,
    the others swallow the rest of the line."""

    exact: re.Pattern  # covers every unit of the title
    name_prefix: re.Pattern  # from the first unit on, in characters or whole syllables (a partial last one)
    initials_prefix: re.Pattern  # from the first unit on, any prefixes
    substring: re.Pattern  # anywhere in the title
    secondary: re.Pattern  # anywhere in the secondary text, characters or complete syllables only

    @classmethod
    @functools.lru_cache(maxsize=256)
    def of(cls, query: str) -> _Compiled:
        general = _pattern(query, _JUMP_ANY)
        return cls(
            exact=re.compile(_FIRST_ALTERNATIVE + general + r"[^|\n]*\|(?=\n)"),
            name_prefix=re.compile(_FIRST_ALTERNATIVE + _pattern(query, _JUMP_WHOLE)),
            initials_prefix=re.compile(_FIRST_ALTERNATIVE + general),
            substring=re.compile(_at_alternative_start(query, _JUMP_ANY) + r"[^\n]*"),
            # A secondary text is long prose: its last syllable must be complete too,
            # or one letter would match nearly every summary.
            secondary=re.compile(_at_alternative_start(query, _JUMP_WHOLE) + r"(?=[|,])[^\n]*"),
        )


class _Haystack:
    """Unit strings of many records in one string, each line after a newline."""

    def __init__(self, texts: Sequence[str], owners: Sequence[int]):
        self.owners = list(owners)  # record index of each line, ascending
        self.starts: list[int] = []  # offset of each line's leading newline
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1
        self.text = "".join(_LINE + text for text in texts) + _LINE

    def records(self, pattern: re.Pattern) -> Iterator[int]:
        """Indexes of the records whose line matches, ascending; lazy, so a caller can stop early."""
        for match in pattern.finditer(self.text):
            yield self.owners[bisect.bisect_right(self.starts, match.start()) - 1]


class SearchIndex:
    """Search over one snapshot; build it once per snapshot, query on every key tap."""

    def __init__(self, records: list[_Record]):
        self._records = records  # in kind order, so record order is the order at equal score
        self._titles = _Haystack([_units(record.title) for record in records], range(len(records)))
        with_secondary = [index for index, record in enumerate(records) if record.secondary]
        self._secondaries = _Haystack([_units(records[index].secondary) for index in with_secondary], with_secondary)

    @classmethod
    def build(cls, snapshot) -> SearchIndex:
        """Index the power items, projects, notices, cases and disclosures of a ``kiosk.snapshot.Snapshot``."""
        return cls(_records_of(snapshot))

    def __len__(self) -> int:
        return len(self._records)

    def query(self, text: str, limit: int = 50) -> list[SearchHit]:
        """The best ``limit`` hits for what the keyboard has typed, best first.

        Levels are scanned best first and each scan stops as soon as
        ``limit`` hits are found, so a one-letter query that matches
        thousands of records costs no more than a rare one."""
        query = _normalize(text)
        if not query or limit <= 0:
            return []
        compiled = _Compiled.of(query)
        scores: dict[int, int] = {}  # record index -> its best score, in rank order
        for score, pattern, haystack in (
            (EXACT, compiled.exact, self._titles),
            (NAME_PREFIX, compiled.name_prefix, self._titles),
            (INITIALS_PREFIX, compiled.initials_prefix, self._titles),
            (NAME_SUBSTRING, compiled.substring, self._titles),
            (SECONDARY, compiled.secondary, self._secondaries),
        ):
            for index in haystack.records(pattern):
                if index not in scores:  # already found at a better level
                    scores[index] = score
                    if len(scores) == limit:
                        return self._hits(scores)
        return self._hits(scores)

    def suggest_keys(self, text: str, keys: Iterable[str] = "abcdefghijklmnopqrstuvwxyz0123456789") -> set[str]:
        """Which of ``keys`` typed next would still find something (to grey out the rest).

        One search per key: cheap on a village's few hundred records, about
        0.1 s on 10,000, so call it once per tap, not per frame."""
        query = _normalize(text)
        return {key for key in keys if self._finds_anything(query + _normalize(key))}

    def _finds_anything(self, query: str) -> bool:
        if not query:
            return False
        compiled = _Compiled.of(query)
        return bool(compiled.substring.search(self._titles.text) or compiled.secondary.search(self._secondaries.text))

    def _hits(self, scores: dict[int, int]) -> list[SearchHit]:
        hits = []
        for index, score in scores.items():
            record = self._records[index]
            hits.append(SearchHit(record.kind, record.id, record.title, record.subtitle, score))
        return hits


def bench_queries(index: SearchIndex, queries: Iterable[str], limit: int = 50) -> list[float]:
    """Milliseconds each query took (for benchmarks; tests never assert on time)."""
    times = []
    for text in queries:
        started = time.perf_counter()
        index.query(text, limit)
        times.append((time.perf_counter() - started) * 1000)
    return times
