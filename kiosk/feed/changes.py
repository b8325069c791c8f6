"""Change logs: what a version corrects, and why (docs/FEED-FORMAT.md
section 11, docs/FEED-PROTOCOL.md section 16).

The publisher writes the reasons into the source folder
(``corrections.json``, one note per record it changes or withdraws) or a
workbook's 更正说明 sheet (``kiosk.sheets.corrections``);
``feed build`` compares the source with the version it published last and
refuses to publish a correction without its note. The version's change
log (a blob its manifest names, so signed with it) lists each corrected
record with its value before and after and the reason. A terminal checks
that the change logs account for every correction between the data it
holds and the data it is offered, and keeps them: they are its history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import msgspec
from msgspec import Meta

from kiosk import limits, model, privacy
from kiosk.feed import records
from kiosk.feed.records import RecordKind

if TYPE_CHECKING:
    from kiosk.snapshot import Snapshot

CORRECTIONS_NAME = "corrections.json"  # in a source folder, read by feed build only
CHANGE_LOG_FORMAT = 1

RecordKey = Annotated[str, Meta(pattern=records.RECORD_KEY_PATTERN)]


class BadChangeLog(ValueError):
    """A change log (or a source's corrections) that cannot be used."""


class CorrectionNote(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    record: RecordKey
    date: dt.date  # when the correction was decided, shown with it
    reason: model.ParagraphText


class CorrectionsDoc(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    corrections: list[CorrectionNote]


class ChangeKind(enum.Enum):
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"


_NULL = msgspec.Raw(b"null")


class ChangeEntry(msgspec.Struct, frozen=True, kw_only=True):
    record: RecordKey
    change: ChangeKind
    date: dt.date
    reason: model.ParagraphText
    before: msgspec.Raw  # the record as the previous version published it
    after: msgspec.Raw = _NULL  # as this version publishes it; null: withdrawn

    @property
    def withdraws(self) -> bool:
        return bytes(self.after).strip() == b"null"


class ChangeLog(msgspec.Struct, frozen=True, kw_only=True):
    format: Annotated[int, Meta(ge=1)] = CHANGE_LOG_FORMAT
    village: model.VillageCode
    version: Annotated[int, Meta(ge=2)]
    previous: Annotated[int, Meta(ge=1)]
    changes: list[ChangeEntry]


@dataclass(frozen=True)
class Correction:
    """A change log's entry with its records decoded."""

    kind: RecordKind
    id: str
    change: ChangeKind
    date: dt.date
    reason: str
    before: Any
    after: Any | None

    @property
    def key(self) -> str:
        return records.record_key(self.kind, self.id)


def masked(correction: Correction, public: frozenset[str]) -> Correction:
    """The correction with every personal number in its reason and records
    masked (kiosk.privacy); the same object where nothing needed it."""
    reason = privacy.mask_text(correction.reason, public)
    before = privacy.masked_document(correction.before, public)
    after = None if correction.after is None else privacy.masked_document(correction.after, public)
    if reason == correction.reason and before is correction.before and after is correction.after:
        return correction
    return dataclasses.replace(correction, reason=reason, before=before, after=after)


# ------------------------------------------------------------ the publisher's side


def read_notes(src: Path) -> dict[str, CorrectionNote]:
    """The source folder's correction notes by record key (none without
    the file); BadChangeLog naming the file and field otherwise."""
    path = src / CORRECTIONS_NAME
    if not path.is_file():
        return {}
    data = path.read_bytes()
    problem = limits.json_problem(data)
    try:
        if problem is not None:
            raise BadChangeLog(problem)
        notes = msgspec.json.decode(data, type=CorrectionsDoc).corrections
    except (msgspec.ValidationError, msgspec.DecodeError, BadChangeLog) as exc:
        raise BadChangeLog(f"{CORRECTIONS_NAME}: {exc}") from None
    found: dict[str, CorrectionNote] = {}
    for index, note in enumerate(notes):
        where = f"{CORRECTIONS_NAME}: $.corrections[{index}]"
        if note.record in found:
            raise BadChangeLog(f"{where}.record: {note.record} has two notes")
        try:
            records.split_key(note.record)
        except KeyError:
            raise BadChangeLog(f"{where}.record: {note.record.partition(':')[0]!r} is not a kind of record the history follows") from None
        found[note.record] = note
    return found


def _describe(change: records.RecordChange) -> str:
    if change.withdrawn:
        return f"{change.key} is withdrawn"
    shown = ", ".join(f"{field.field} {_short(field.before)} → {_short(field.after)}" for field in change.fields[:3])
    return f"{change.key} changes ({shown}{', …' if len(change.fields) > 3 else ''})"


def _short(value: Any) -> str:
    text = msgspec.json.encode(value).decode()
    return text if len(text) <= 40 else text[:37] + "…"


@dataclass(frozen=True)
class Extending:
    """The version a build extends, as its notes are checked against it."""

    version: int
    since: dt.date  # the day (Beijing time) it was published: this build's notes are dated from it
    today: dt.date  # this build's day
    used: frozenset[CorrectionNote] = frozenset()  # the notes signed by the versions published on ``since`` or later


class Notes(Protocol):
    """Where a source's correction notes come from: a source folder's
    ``corrections.json`` (``FolderNotes``) or a workbook's 更正说明 sheet
    (``kiosk.sheets.corrections``)."""

    def for_version(self, found: Sequence[records.RecordChange], known: Set[str], extending: Extending) -> Mapping[str, CorrectionNote]:
        """The note of each record in ``found`` (what the build corrects of
        the version it extends); ``known``: the keys of every record of
        either version. Raises BadChangeLog (or a PublishError of its own)
        for a correction without a note or a note that does not belong to
        this build: dated before the version it extends was published or
        after today, or signed already (a note is for one correction)."""
        ...


@dataclass(frozen=True)
class FolderNotes:
    """The notes of a source folder's ``corrections.json`` (none without
    the folder or the file): all for this version, every one used."""

    folder: Path | None = None

    def for_version(self, found: Sequence[records.RecordChange], known: Set[str], extending: Extending) -> Mapping[str, CorrectionNote]:
        try:
            notes = read_notes(self.folder) if self.folder is not None else {}
            _check_notes(found, notes, extending)
        except BadChangeLog as exc:
            raise BadChangeLog(f"{self.folder}: {exc}" if self.folder is not None else str(exc)) from None
        return notes


NO_NOTES = FolderNotes()  # a source without notes: every correction is refused


def _check_notes(found: Sequence[records.RecordChange], notes: Mapping[str, CorrectionNote], extending: Extending) -> None:
    previous, since, today = extending.version, extending.since, extending.today
    missing = [change for change in found if change.key not in notes]
    if missing:
        listed = "; ".join(_describe(change) for change in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise BadChangeLog(
            f"{len(missing)} published records change without a correction note since v{previous}: {listed}{more}. "
            f"Add a note for each to {CORRECTIONS_NAME} (docs/FEED-FORMAT.md section 11)"
        )
    used = {change.key for change in found}
    for key, note in notes.items():
        if key not in used:
            raise BadChangeLog(f"{CORRECTIONS_NAME}: {key} has a correction note but is not changed or withdrawn since v{previous}")
        if not since <= note.date <= today:
            raise BadChangeLog(
                f"{CORRECTIONS_NAME}: {key}: the note is dated {note.date}, not between v{previous}'s publication ({since}) "
                f"and today ({today}); a note left over from an earlier correction? write one for this one"
            )


def make_log(village: str, version: int, extending: Extending, before: Snapshot, after: Snapshot, notes: Notes) -> ChangeLog | None:
    """The change log of ``version`` (None when it corrects nothing): what
    ``after`` corrects of ``before``, the version it extends, with the note
    ``notes`` gives for each correction."""
    found = list(records.changed_records(before, after))
    known = {
        records.record_key(kind, record_id) for kind in records.KINDS for snapshot in (before, after) for record_id in kind.of(snapshot)
    }
    chosen = notes.for_version(found, known, extending)
    if not found:
        return None
    entries = [entry_of(change, chosen[change.key]) for change in found]
    return ChangeLog(village=village, version=version, previous=extending.version, changes=entries)


def entry_of(change: records.RecordChange, note: CorrectionNote) -> ChangeEntry:
    """A correction as its change log lists it."""
    return ChangeEntry(
        record=change.key,
        change=ChangeKind.WITHDRAWN if change.withdrawn else ChangeKind.CHANGED,
        date=note.date,
        reason=note.reason,
        before=msgspec.Raw(msgspec.json.encode(change.before)),
        after=_NULL if change.after is None else msgspec.Raw(msgspec.json.encode(change.after)),
    )


def encode_log(log: ChangeLog) -> bytes:
    return msgspec.json.encode(log)


# ------------------------------------------------------------ the terminal's side


def decode_log(raw: bytes, village: str, version: int) -> ChangeLog:
    """A change log, checked to be ``village``'s at ``version`` and its
    records valid; BadChangeLog otherwise."""
    problem = limits.json_problem(raw, len(raw))
    try:
        if problem is not None:
            raise BadChangeLog(problem)
        log = msgspec.json.decode(raw, type=ChangeLog)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise BadChangeLog(f"change log of v{version}: {exc}") from None
    if log.format > CHANGE_LOG_FORMAT:
        raise BadChangeLog(f"change log of v{version}: format {log.format} is newer than this terminal understands ({CHANGE_LOG_FORMAT})")
    if log.village != village or log.version != version:
        raise BadChangeLog(f"change log of v{version}: it is v{log.version} of village {log.village}")
    corrections(log)  # every record decodes
    return log


def corrections(log: ChangeLog) -> list[Correction]:
    """The log's entries with their records decoded; BadChangeLog naming
    the entry when one is not a valid record of its kind."""
    found = []
    for index, entry in enumerate(log.changes):
        where = f"change log of v{log.version}: $.changes[{index}]"
        try:
            kind, record_id = records.split_key(entry.record)
        except KeyError:
            raise BadChangeLog(f"{where}.record: not a kind of record this terminal follows: {entry.record}") from None
        if entry.withdraws != (entry.change is ChangeKind.WITHDRAWN):
            raise BadChangeLog(f"{where}: a {entry.change.value} record {'needs' if entry.withdraws else 'has no'} 'after'")
        try:
            before = kind.decode(entry.before)
            after = None if entry.withdraws else kind.decode(entry.after)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise BadChangeLog(f"{where}: {exc}") from None
        if before.id != record_id or (after is not None and after.id != record_id):
            raise BadChangeLog(f"{where}: the record's id is not {record_id}")
        found.append(Correction(kind, record_id, entry.change, entry.date, entry.reason, before, after))
    return found


def unexplained(held: Snapshot | None, offered: Snapshot, logs: Sequence[ChangeLog]) -> str | None:
    """Why the change logs of the versions between ``held`` and ``offered``
    (oldest first) do not account for every correction between the two,
    or None when they do: each corrected record goes from the value held
    to the value offered through the logs' entries, each step progress
    only, apart from the corrections the logs list."""
    steps: dict[str, list[Correction]] = {}
    for log in logs:
        for correction in corrections(log):
            if offered.masked:
                # The logs carry the records as published; the snapshots hold them
                # as this terminal shows them: compared through this terminal's
                # masking, whatever the publisher's software masks.
                correction = masked(correction, offered.public)
            steps.setdefault(correction.key, []).append(correction)
    for kind in records.KINDS:
        had = kind.of(held) if held is not None else {}
        has = kind.of(offered)
        for record_id in had.keys() | {key.partition(":")[2] for key in steps if key.startswith(kind.key + ":")}:
            key = records.record_key(kind, record_id)
            problem = _trail(kind, had.get(record_id), has.get(record_id), steps.get(key, []))
            if problem is not None:
                return f"{key} {problem}"
    return None


def _trail(kind: RecordKind, held: Any | None, offered: Any | None, steps: Iterable[Correction]) -> str | None:
    value, listed = held, False
    for step in steps:
        # A record withdrawn (or not held) comes back as the log says it was.
        if value is not None and records.corrections(kind, value, step.before):
            return "changes between two change logs" if listed else "is changed in a way no change log lists"
        value, listed = step.after, True
    if value is None:
        return "is withdrawn by a change log but still published" if listed and offered is not None else None
    if offered is None:
        return "is withdrawn without a change log listing it"
    if records.corrections(kind, value, offered):
        return "differs from what its change log says" if listed else "is changed in a way no change log lists"
    return None
