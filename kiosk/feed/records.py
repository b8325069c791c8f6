"""Which published records a village's history follows, and what counts as
a change to one (docs/FEED-FORMAT.md section 11).

A record is one entry of a document's list with an ``id`` of its own: a
finance entry, a project, a results disclosure, a notice, a typical case.
It is known by its kind and id (``finance:2026-03-007``) across versions
and across documents (a finance entry whose date moves to another month is
the same record). Changing a value a version published, or withdrawing the
record, is a *correction*: the publisher must give a reason, and terminals
keep the old value. Filling in what was left empty (a project's settlement
once it is settled) and adding to a list at its end (a new stage, a new
photo) is progress, not a correction; so is a project's status moving on.
The names of a results disclosure are the exception: a row added to a
published list changes it, as a row taken out does.

A new kind of record is one more ``RecordKind`` in ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from kiosk import decode, model

if TYPE_CHECKING:  # the snapshot keeps its history (kiosk.feed.history): no import at run time
    from kiosk.snapshot import Snapshot

# kind:id, e.g. "finance:2026-03-007"
RECORD_KEY_PATTERN = r"^[a-z]{1,32}:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


@dataclass(frozen=True)
class RecordKind:
    key: str  # "finance"
    type: type[Any]  # the record's struct in kiosk.model
    list_field: str  # the list of its document that holds it ("entries")
    records: Callable[[Snapshot], Iterable[Any]]
    document: Callable[[Any], str]  # the feed document a record is in
    whole_lists: frozenset[str] = frozenset()  # lists where any difference is a change
    # Fields whose values follow an order (wire values): moving on is progress.
    progress: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def of(self, snapshot: Snapshot) -> dict[str, Any]:
        return {record.id: record for record in self.records(snapshot)}

    def decode(self, raw: bytes) -> Any:
        """A record as a change log carries it (JSON), validated like the
        documents' own; raises msgspec.ValidationError or DecodeError."""
        return msgspec.json.decode(raw, type=self.type)


def _finance_document(entry: model.FinanceEntry) -> str:
    return f"{decode.FINANCE_DIR}/{entry.date:%Y-%m}.json"


KINDS: tuple[RecordKind, ...] = (
    RecordKind("finance", model.FinanceEntry, "entries", lambda snapshot: snapshot.finance_entries(), _finance_document),
    RecordKind(
        "project",
        model.Project,
        "projects",
        lambda snapshot: snapshot.projects,
        lambda _record: decode.PROJECTS_DOC,
        progress={"status": tuple(status.value for status in model.ProjectStatus)},
    ),
    RecordKind(
        "disclosure",
        model.Disclosure,
        "disclosures",
        lambda snapshot: snapshot.disclosures,
        lambda _record: decode.DISCLOSURES_DOC,
        whole_lists=frozenset({"rows", "columns"}),
    ),
    RecordKind("notice", model.Notice, "notices", lambda snapshot: snapshot.notices, lambda _record: decode.NOTICES_DOC),
    RecordKind("case", model.Case, "cases", lambda snapshot: snapshot.cases, lambda _record: decode.NOTICES_DOC),
)
BY_KEY = {kind.key: kind for kind in KINDS}


def record_key(kind: RecordKind, record_id: str) -> str:
    return f"{kind.key}:{record_id}"


def key_of(record: Any) -> str | None:
    """A record's key (``finance:2026-09-006``); None for what the history does not follow."""
    kind = next((kind for kind in KINDS if isinstance(record, kind.type)), None)
    return record_key(kind, record.id) if kind is not None else None


def split_key(key: str) -> tuple[RecordKind, str]:
    """``finance:2026-03-007`` -> (the finance kind, ``2026-03-007``);
    KeyError for a kind the history does not follow."""
    kind, _, record_id = key.partition(":")
    return BY_KEY[kind], record_id


@dataclass(frozen=True)
class FieldChange:
    field: str  # the wire name
    before: Any  # as JSON values (msgspec.to_builtins)
    after: Any


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def corrections(kind: RecordKind, before: Any, after: Any) -> list[FieldChange]:
    """The published values ``after`` changes, in field order: every field
    but those filled in where they were empty, lists grown at their end
    (``whole_lists`` excepted) and ordered fields that moved on."""
    if before == after:
        return []
    old, new = msgspec.to_builtins(before), msgspec.to_builtins(after)
    found = []
    for name in old.keys() | new.keys():
        was, now = old.get(name), new.get(name)
        if was == now or _is_progress(kind, name, was, now):
            continue
        found.append(FieldChange(name, was, now))
    order = list(old) + [name for name in new if name not in old]
    return sorted(found, key=lambda change: order.index(change.field))


def _is_progress(kind: RecordKind, name: str, was: Any, now: Any) -> bool:
    if name in kind.whole_lists:
        return False
    if _empty(was):
        return True  # filled in
    if isinstance(was, list) and isinstance(now, list):
        return now[: len(was)] == was  # grown at its end
    order = kind.progress.get(name)
    return order is not None and was in order and now in order and order.index(now) > order.index(was)


@dataclass(frozen=True)
class RecordChange:
    """A published record a version changes (``after`` set) or withdraws."""

    kind: RecordKind
    id: str
    before: Any
    after: Any | None
    fields: list[FieldChange]

    @property
    def key(self) -> str:
        return record_key(self.kind, self.id)

    @property
    def withdrawn(self) -> bool:
        return self.after is None


def changed_records(before: Snapshot, after: Snapshot) -> Iterator[RecordChange]:
    """Every record of ``before`` that ``after`` corrects or withdraws, kind
    by kind in ``KINDS`` order, each in ``before``'s order."""
    for kind in KINDS:
        now = kind.of(after)
        for record_id, record in kind.of(before).items():
            successor = now.get(record_id)
            if successor is None:
                yield RecordChange(kind, record_id, record, None, [])
                continue
            fields = corrections(kind, record, successor)
            if fields:
                yield RecordChange(kind, record_id, record, successor, fields)
