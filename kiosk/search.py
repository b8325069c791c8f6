"""Touch search over one snapshot: Chinese substring, full pinyin and pinyin initials.

Villagers search with an on-screen keyboard (letters, digits, a few common
characters), so a query is short and grows by one key per tap. ``DB`` must
find 低保评定 and ``ZJD`` 宅基地审批, as must ``dibao``, ``dib`` or ``宅基``.

Besides the records' titles, search finds who the village paid or was paid
by (``QSGDS`` 青石供电所), an amount (``1500`` finds every entry of
1,500.00元), the cadres on the roster, the contracts of collective assets,
and the names in a results list while its publicity period runs ("am I, or
my neighbour, on the 低保 list?"). A payee and an amount are one record
each, however many entries they have: the hit opens their entries.

How matching works. Every searchable text is turned, once per snapshot, into
a *unit string*: one unit per Han character or ASCII letter/digit (other
characters are dropped), units separated by ``|``; inside a unit its
*alternatives* separated by ``,``: the character itself and its pinyin
readings -- the two commonest readings of a polyphonic character (行
xing/hang), so a villager who reads it either way still finds it, plus its
reading in the phrase where that is another one::

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
import datetime as dt
import enum
import functools
import logging
import re
import time
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from kiosk import model, money, phrases, privacy
from kiosk.assets_view import CONTRACT_NAMES, PARTY_LABELS
from kiosk.assets_view import KIND_NAMES as ASSET_KIND_NAMES
from kiosk.disclosure_view import KIND_NAMES, date_zh, in_publicity
from kiosk.finance_summary import COUNTERPARTY_LABELS
from kiosk.model_oversight import Contract
from kiosk.ops.logs import log_event
from kiosk.people_view import posts_zh
from kiosk.snapshot import Snapshot

log = logging.getLogger(__name__)

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
    PERSON = "person"  # a cadre on the roster
    CONTRACT = "contract"
    LISTED = "listed"  # a name in a results list in its publicity period; the id is the list's
    PAYEE = "payee"  # who the village paid or was paid by; the id is the name as shown
    AMOUNT = "amount"  # the id is the amount in fen


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
    match: str = ""  # searched in place of the title when the title is not what is typed (an amount's digits)


# Column headings of the names in a results list: searched while it is in its publicity period.
NAME_COLUMNS = ("姓名", "户主", "申请人", "户名")


def _records_of(snapshot: Snapshot, today: dt.date) -> _Records:
    """Everything searchable, in the order hits of equal score are listed."""
    public = privacy.public_numbers(snapshot.complaint.hotlines)
    # Subtitles repeat (every notice of a day has the same one): one copy of each.
    subtitles: dict[str, str] = {}

    def record(kind: HitKind, ident: str, title: str, subtitle: str, secondary: str = "") -> _Record:
        # Shown on a public screen, and a search must not probe for an ID or
        # phone number the platform let through: titles are indexed masked.
        subtitle = subtitles.setdefault(subtitle, subtitle)
        return _Record(kind, ident, privacy.mask_text(title, public), subtitle, privacy.mask_text(secondary, public))

    category_names = {category.id: category.name for category in snapshot.categories}
    records = [
        record(HitKind.POWER, item.id, item.name, category_names.get(item.category, ""), item.summary) for item in snapshot.power_items
    ]
    records += [
        record(HitKind.PROJECT, project.id, project.name, f"村级项目 · {_PROJECT_STATUS_NAMES[project.status]}")
        for project in snapshot.projects
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
    records += [record(HitKind.PERSON, person.id, person.name, posts_zh(person, public)) for person in snapshot.people]
    records += [_contract_record(snapshot, contract, record, public) for contract in snapshot.contracts]
    records += _listed_names(snapshot, today, record)
    records += _payees(snapshot, public)
    return _Records(records, Counter(entry.amount_fen for entry in snapshot.finance_entries()))


def _contract_record(snapshot: Snapshot, contract: Contract, record, public: frozenset[str]) -> _Record:
    asset = snapshot.asset(contract.asset_id)
    title = f"{asset.name}{CONTRACT_NAMES[contract.kind]}合同"
    subtitle = f"集体三资 · {PARTY_LABELS[contract.kind]}：{privacy.mask_text(contract.party, public)}"
    return record(HitKind.CONTRACT, contract.id, title, subtitle, f"{contract.party} {ASSET_KIND_NAMES[asset.kind]}")


def _listed_names(snapshot: Snapshot, today: dt.date, record) -> list[_Record]:
    """The names in each results list in its publicity period, once a list."""
    found = []
    for disclosure in snapshot.disclosures:
        if not in_publicity(disclosure, today):
            continue
        columns = [i for i, heading in enumerate(disclosure.columns) if any(word in heading for word in NAME_COLUMNS)]
        names = dict.fromkeys(row[i].strip() for row in disclosure.rows for i in columns if i < len(row) and row[i].strip())
        end = disclosure.publicity_end
        subtitle = f"在“{disclosure.title}”名单上 · 公示到{end.month}月{end.day}日"
        found += [record(HitKind.LISTED, disclosure.id, name, privacy.mask_text(subtitle)) for name in names]
    return found


def _payees(snapshot: Snapshot, public: frozenset[str]) -> list[_Record]:
    """One record per payee or payer, as shown (masked), in order of first entry."""
    masked = {name: privacy.mask_text(name, public) for name in {entry.counterparty for entry in snapshot.finance_entries()}}
    directions: dict[str, set[model.Direction]] = {}
    counts: Counter[str] = Counter()
    for entry in snapshot.finance_entries():
        if entry.counterparty:
            name = masked[entry.counterparty]
            directions.setdefault(name, set()).add(entry.direction)
            counts[name] += 1
    records = []
    for name, ways in directions.items():
        label = COUNTERPARTY_LABELS[next(iter(ways))] if len(ways) == 1 else "收付款方"
        records.append(_Record(HitKind.PAYEE, name, name, f"村级财务 · {label} · {counts[name]}笔", ""))
    return records


class _Records:
    """The records, the amounts last, smallest first, each made when asked for.

    A village of 10,000 entries has nearly as many amounts, and a search
    shows a few of them: kept as numbers, not as records of four strings."""

    def __init__(self, records: list[_Record], amounts: Counter[int]):
        self._records = records
        self._fens = array("q", sorted(amounts))
        self._counts = array("q", (amounts[fen] for fen in self._fens))
        self._subtitles = {count: f"村级财务 · {count}笔是这个金额" for count in set(amounts.values())}  # one copy of each

    def __len__(self) -> int:
        return len(self._records) + len(self._fens)

    def __iter__(self) -> Iterator[_Record]:
        return (self[index] for index in range(len(self)))

    def __getitem__(self, index: int) -> _Record:
        if index < len(self._records):
            return self._records[index]
        amount = index - len(self._records)
        fen = self._fens[amount]
        return _Record(HitKind.AMOUNT, str(fen), money.yuan(fen), self._subtitles[self._counts[amount]], "", _typed_digits(fen))

    @property
    def kept(self) -> list[_Record]:
        """The records kept as such: all but the amounts."""
        return self._records

    def searched(self) -> Iterator[tuple[str, str]]:
        """Each record's title as it is searched (an amount's digits) and its
        secondary text, in order, without making the amounts' records."""
        for record in self._records:
            yield record.match or record.title, record.secondary
        for fen in self._fens:
            yield _typed_digits(fen), ""


def _typed_digits(fen: int) -> str:
    """An amount as it is typed: its yuan, 1500, or 1523.45 as 152345."""
    yuan, cents = divmod(fen, 100)
    return f"{yuan}{cents:02d}" if cents else str(yuan)


# ------------------------------------------------------------------ text -> units


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _normalize(text: str) -> str:
    """Full-width to half-width, lower case; only Han characters, ASCII letters and digits stay."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(char for char in text if _is_han(char) or (char.isascii() and char.isalnum()))


_learned: dict[str, tuple[str, ...]] = {}  # every reading of each Han character met so far


def _learn_readings(han_runs: Iterable[str]) -> None:
    """Every reading of each character of ``han_runs`` not known yet, from
    a child process in one batch (``phrases.every_reading``); should it
    fail, ``_readings`` asks pypinyin in this process instead."""
    chars = sorted({char for run in han_runs for char in run} - _learned.keys())
    try:
        answers = phrases.every_reading(chars)
    except phrases.PhraseError as exc:
        log_event(log, "search.readings_in_process", logging.WARNING, error=exc)
        return
    _learned.update(zip(chars, map(_plain_readings, answers), strict=True))


def _readings(char: str) -> tuple[str, ...]:
    """Every reading of one Han character, without tones, commonest first."""
    found = _learned.get(char)
    if found is None:
        from pypinyin import Style, pinyin  # only when no child process could answer: kept from then on

        found = _learned[char] = _plain_readings(pinyin(char, style=Style.NORMAL, heteronym=True)[0])
    return found


def _plain_readings(readings: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(reading for reading in readings if reading.isascii() and reading.isalpha()))


def _initials(text: str) -> str:
    """The first letter of each character's commonest reading, and of each
    run of letters and digits that starts with a letter (低保评定 -> DBPD)."""
    letters = []
    for is_han, run in _runs(_normalize(text)):
        if is_han:
            letters += [readings[0][0] for readings in map(_readings, run) if readings]
        elif run[0].isalpha():
            letters.append(run[0])
    return "".join(letters).upper()


def _needs_context(han_run: str) -> bool:
    """Looking phrases up only adds something for a character with more
    readings than are indexed anyway."""
    return any(len(_readings(char)) > _EXTRA_READINGS for char in han_run)


def _han_runs(text: str) -> Iterator[str]:
    return (run for is_han, run in _runs(_normalize(text)) if is_han)


def _context_readings(han_runs: Iterable[str]) -> dict[str, list[str]]:
    """The reading of each character of each of ``han_runs`` that needs it,
    chosen from the phrase (银行 -> yin hang), in one batch. Without the
    phrase child process, a character's commonest reading stands in."""
    runs = sorted({run for run in han_runs if _needs_context(run)})
    try:
        converted = phrases.readings(runs, "plain")
    except phrases.PhraseError as exc:
        log_event(log, "search.phrases_unavailable", logging.WARNING, error=exc)
        converted = [[""] * len(run) for run in runs]
    readings = {}
    for run, syllables in zip(runs, converted, strict=True):
        if len(syllables) != len(run):  # characters pypinyin does not know come back grouped
            syllables = ["" for _char in run]
        readings[run] = syllables
    return readings


def _units(text: str, context: dict[str, list[str]]) -> str:
    """The unit string of a text (see the module docstring); ``context``
    from ``_context_readings``."""
    units: list[str] = []
    for is_han, run in _runs(_normalize(text)):
        if not is_han:
            units.extend(run)
            continue
        for char, in_context in zip(run, context.get(run) or [""] * len(run), strict=False):
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
    return first + rf"(?<=[|,]{first})" + "".join(jump + re.escape(char) for char in query[1:])


_FIRST_ALTERNATIVE = r"\n\|(?:[^|\n]*,)?"  # a line start, then any alternative of the first unit


class _Compiled:
    """The regexes of one normalized query, one per score level, each
    compiled only when first needed: compiling a long query's pattern costs
    more than scanning all titles with it.

    The anchored ones start at a line's leading newline; the others swallow
    the rest of the line, so a scan of a haystack (see ``_Haystack``) finds
    each line at most once."""

    def __init__(self, query: str):
        self.query = query

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def of(query: str) -> _Compiled:
        return _Compiled(query)

    @functools.cached_property
    def initials_prefix(self) -> re.Pattern:
        """From the first unit on, any prefixes."""
        return re.compile(_FIRST_ALTERNATIVE + _pattern(self.query, _JUMP_ANY))

    @functools.cached_property
    def name_prefix(self) -> re.Pattern:
        """From the first unit on, in characters or whole syllables (the last may be partial)."""
        return re.compile(_FIRST_ALTERNATIVE + _pattern(self.query, _JUMP_WHOLE))

    @functools.cached_property
    def exact(self) -> re.Pattern:
        """From the first unit on, covering every unit of the title."""
        return re.compile(_FIRST_ALTERNATIVE + _pattern(self.query, _JUMP_ANY) + r"[^|\n]*\|(?=\n)")

    @functools.cached_property
    def substring(self) -> re.Pattern:
        """Anywhere in the title."""
        return re.compile(_at_alternative_start(self.query, _JUMP_ANY) + r"[^\n]*")

    @functools.cached_property
    def secondary(self) -> re.Pattern:
        """Anywhere in a secondary text, in characters or complete syllables: it is
        long prose, and a partial syllable would let one letter match nearly every summary."""
        return re.compile(_at_alternative_start(self.query, _JUMP_WHOLE) + r"(?=[|,])[^\n]*")


class _Haystack:
    """Unit strings of many records in one string, each line after a newline."""

    def __init__(self, texts: Sequence[str], owners: Sequence[int]):
        # Arrays, not lists: a list of 10,000 records' numbers is 10,000 int objects.
        self.owners = array("q", owners)  # record index of each line, ascending
        self.starts = array("q")  # offset of each line's leading newline
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1
        self.text = "".join(_LINE + text for text in texts) + _LINE

    def lines(self, pattern: re.Pattern) -> Iterator[int]:
        """The lines that match, ascending; lazy, so a caller can stop early."""
        for match in pattern.finditer(self.text):
            yield bisect.bisect_right(self.starts, match.start()) - 1

    def line_matches(self, pattern: re.Pattern, line: int) -> bool:
        """Does an anchored pattern match at the start of this line?"""
        return pattern.match(self.text, self.starts[line]) is not None

    def line_contains(self, pattern: re.Pattern, line: int) -> bool:
        """Does a pattern match anywhere in this line?"""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return pattern.search(self.text, self.starts[line], end) is not None


@dataclass(frozen=True)
class _Narrowing:
    """The title lines a query matched, found by scanning everything."""

    query: str
    anchored: list[int]  # from the first unit on
    substring: list[int]  # anywhere


def _recording(lines: Iterable[int], seen: list[int]) -> Iterator[int]:
    for line in lines:
        seen.append(line)
        yield line


def _lazily(make: Callable[[], Iterable[int]]) -> Iterator[int]:
    yield from make()


class SearchIndex:
    """Search over one snapshot; build it once per snapshot, query on every key tap.

    Not thread-safe: it remembers the last full scan (see ``query``), so use
    it from one thread (the UI's)."""

    def __init__(self, records: _Records, day: dt.date | None = None):
        self.day = day  # the day the names in lists were taken for: build anew on another
        self._records = records  # in kind order, so record order is the order at equal score
        # The amounts' digits have no Han characters: their records are not made to be read here.
        han_runs = {run for record in records.kept for text in (record.title, record.secondary) for run in _han_runs(text)}
        _learn_readings(han_runs)
        context = _context_readings(han_runs)
        searched = list(records.searched())
        titles = [_units(title, context) for title, _secondary in searched]
        self._titles = _Haystack(titles, range(len(records)))  # line i is record i
        self._unit_counts = array("q", (title.count(_UNIT) - 1 for title in titles))
        # Lines by unit count: only a title with no more units than the query
        # has characters can match it exactly.
        self._by_units = array("q", sorted(range(len(titles)), key=self._unit_counts.__getitem__))
        self._sorted_counts = array("q", (self._unit_counts[line] for line in self._by_units))
        self._narrowing: _Narrowing | None = None
        with_secondary = [index for index, (_title, secondary) in enumerate(searched) if secondary]
        self._secondaries = _Haystack([_units(searched[index][1], context) for index in with_secondary], with_secondary)

    @classmethod
    def build(cls, snapshot: Snapshot, today: dt.date | None = None) -> SearchIndex:
        """Index the records of a ``kiosk.snapshot.Snapshot``, with the names
        of the lists in their publicity period ``today`` (by default, today)."""
        today = today or dt.date.today()
        return cls(_records_of(snapshot, today), today)

    def __len__(self) -> int:
        return len(self._records)

    def query(self, text: str, limit: int = 50) -> list[SearchHit]:
        """The best ``limit`` hits for what the keyboard has typed, best first.

        Levels are scanned best first and the scan stops as soon as
        ``limit`` hits are found, so a one-letter query that matches
        thousands of records costs little. A query that finds fewer scans
        everything -- and remembers the titles it matched: the next key tap
        can only narrow them (one more character never matches a title the
        shorter query did not), so it looks at those titles alone."""
        query = _normalize(text)
        if not query or limit <= 0:
            return []
        compiled = _Compiled.of(query)
        narrowing = self._narrowing_for(query)
        # Generators throughout, so a pattern is compiled only if its level is reached.
        if narrowing is None:
            # A scan per level, each stopping once ``limit`` are found: a
            # first letter matches thousands of titles, and sorting them
            # all into levels cost more than the rest of the query.
            anchored: list[int] = []  # complete only if the prefix levels run to their end
            initials_only: list[int] = []
            prefix_levels: tuple[Iterable[int], Iterable[int], Iterable[int]] = (
                self._exact_lines(query, compiled),
                self._name_prefix_lines(query, compiled, anchored, initials_only),
                initials_only,  # filled by the scan before: levels run one after the other
            )
            substring = _lazily(lambda: self._titles.lines(compiled.substring))
        else:
            anchored = [line for line in narrowing.anchored if self._titles.line_matches(compiled.initials_prefix, line)]
            prefix_levels = self._prefix_levels(query, compiled, anchored)
            substring = (line for line in narrowing.substring if self._titles.line_contains(compiled.substring, line))
        substring_seen: list[int] = []
        levels = (
            *prefix_levels,
            _recording(substring, substring_seen),
            _lazily(lambda: (self._secondaries.owners[line] for line in self._secondaries.lines(compiled.secondary))),
        )
        scores: dict[int, int] = {}  # record index (= title line) -> its best score, in rank order
        for score, found in zip((EXACT, NAME_PREFIX, INITIALS_PREFIX, NAME_SUBSTRING, SECONDARY), levels, strict=False):
            for index in found:
                if index not in scores:  # already found at a better level
                    scores[index] = score
                    if len(scores) == limit:
                        return self._hits(scores)
        self._narrowing = _Narrowing(query, anchored, substring_seen)  # every level ran to its end
        return self._hits(scores)

    def examples(self, limit: int = 8) -> list[tuple[str, SearchHit]]:
        """Power items with the letters that find them, for the empty search
        screen ("点 D B 就能找到低保评定"); only letters that really find
        their item (a reading pypinyin gives may not be the one indexed)."""
        found = []
        for record in self._records:
            if record.kind is not HitKind.POWER:
                break  # the powers come first; the amounts at the end are made as they are read
            letters = _initials(record.title)
            if letters and any(hit.id == record.id for hit in self.query(letters, limit=5)):
                found.append((letters, SearchHit(record.kind, record.id, record.title, record.subtitle, EXACT)))
                if len(found) == limit:
                    break
        return found

    def _exact_lines(self, query: str, compiled: _Compiled) -> list[int]:
        """The titles the query covers unit for unit, in record order."""
        short = self._by_units[: bisect.bisect_right(self._sorted_counts, len(query))]
        return sorted(line for line in short if self._titles.line_matches(compiled.exact, line))

    def _name_prefix_lines(self, query: str, compiled: _Compiled, anchored: list[int], initials_only: list[int]) -> Iterator[int]:
        """One scan of the titles the query starts: those it starts in
        characters or whole syllables as they are found; the rest (initials
        only) into ``initials_only``; every one into ``anchored``."""
        for line in self._titles.lines(compiled.initials_prefix):
            anchored.append(line)
            if len(query) == 1 or self._titles.line_matches(compiled.name_prefix, line):
                yield line
            else:
                initials_only.append(line)

    def _prefix_levels(self, query: str, compiled: _Compiled, anchored: list[int]) -> tuple[list[int], list[int], list[int]]:
        """Sort the titles that start with the query into exact, name prefix and initials prefix.

        A per-line check of the few found (a title with more units than the
        query has characters cannot be exact; one character is always a
        whole prefix) is cheaper than two more scans of everything."""
        exact: list[int] = []
        name_prefix: list[int] = []
        initials_prefix: list[int] = []
        for index in anchored:
            if self._unit_counts[index] <= len(query) and self._titles.line_matches(compiled.exact, index):
                exact.append(index)
            elif len(query) == 1 or self._titles.line_matches(compiled.name_prefix, index):
                name_prefix.append(index)
            else:
                initials_prefix.append(index)
        return exact, name_prefix, initials_prefix

    def suggest_keys(self, text: str, keys: Iterable[str] = "abcdefghijklmnopqrstuvwxyz0123456789") -> set[str]:
        """Which of ``keys`` typed next would still find something (to grey out the rest).

        One search per key: cheap on a village's few hundred records, up to
        about 0.1 s on 10,000 (less after a ``query`` of the same text that
        found few), so call it once per tap, not per frame."""
        query = _normalize(text)
        return {key for key in keys if self._finds_anything(query + _normalize(key))}

    def _finds_anything(self, query: str) -> bool:
        if not query:
            return False
        compiled = _Compiled.of(query)
        narrowing = self._narrowing_for(query)
        if narrowing is None:
            in_titles = compiled.substring.search(self._titles.text) is not None
        else:
            in_titles = any(self._titles.line_contains(compiled.substring, line) for line in narrowing.substring)
        return in_titles or compiled.secondary.search(self._secondaries.text) is not None

    def _narrowing_for(self, query: str) -> _Narrowing | None:
        """The remembered full scan, if this query extends its query."""
        if self._narrowing is not None and query.startswith(self._narrowing.query):
            return self._narrowing
        return None

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
