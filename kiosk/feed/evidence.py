"""``village-kiosk feed history --record ID``: a record's versions as this
terminal holds them, each with the signed manifest that carried it.

The terminal's own copy is the evidence: every value comes with the bytes
of a manifest and its signature, and with the signed bytes that hold the
value (the change log of the version that corrected it, or the document
that holds it now), so that anyone with the publisher's public keys can
check it without this software (the format: docs/FEED-PROTOCOL.md
section 17; tests/data/verify_history.py is such a check).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import msgspec

from kiosk.feed import records
from kiosk.feed.changes import ChangeLog, decode_log
from kiosk.feed.manifest import decode_manifest, sha256_hex
from kiosk.feed.records import RecordKind
from kiosk.feed.store import Store

EVIDENCE_FORMAT = 1


class NoSuchRecord(LookupError):
    """No record by that id in the data held or in its history."""


class Version(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    version: int  # of the manifest that carries the evidence
    published_at: dt.datetime
    key_id: str
    source: str  # "change_log" or "document"
    value: Any  # the record as that version published it; None: withdrawn
    manifest: str  # base64 of the manifest's exact bytes
    signature: str  # base64 of its signature (manifest.sig's content)
    data: str  # base64 of the change log, or of the document holding the value
    document: str | None = None  # the document's feed name (source "document")
    change: str | None = None  # "changed" or "withdrawn" (source "change_log")
    date: dt.date | None = None  # the correction's date
    reason: str | None = None
    before: Any = None  # the value the correction replaced


class Bundle(msgspec.Struct, frozen=True, kw_only=True):
    format: int = EVIDENCE_FORMAT
    village: str
    record: str
    versions: list[Version]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def resolve(store: Store, text: str) -> str:
    """``kind:id``, or an id alone when one kind has it; NoSuchRecord or
    ValueError (more than one kind has it) otherwise."""
    snapshot = store.snapshot()
    history = store.history()
    if ":" in text:
        try:
            records.split_key(text)
        except KeyError:
            raise NoSuchRecord(f"{text.partition(':')[0]!r} is not a kind of record ({', '.join(records.BY_KEY)})") from None
        keys = [text]
    else:
        keys = [records.record_key(kind, text) for kind in records.KINDS]
    found = [key for key in keys if history.of(key) or (snapshot is not None and _current(snapshot, *records.split_key(key)) is not None)]
    if not found:
        raise NoSuchRecord(f"no record {text} in the data this terminal holds or in its history")
    if len(found) > 1:
        raise ValueError(f"{text} names several records: {', '.join(found)}; give one of them")
    return found[0]


def _current(snapshot, kind: RecordKind, record_id: str) -> Any | None:
    return kind.of(snapshot).get(record_id)


def _raw_record(document: bytes, kind: RecordKind, record_id: str) -> Any:
    """The record's JSON object exactly as the document holds it."""
    for item in msgspec.json.decode(document).get(kind.list_field, []):
        if isinstance(item, dict) and item.get("id") == record_id:
            return item
    raise NoSuchRecord(f"{record_id} is not in its document")


def gather(store: Store, key: str) -> Bundle:
    """The record's versions, oldest first: one per change log that corrected
    it, then its value now (if it is published now)."""
    kind, record_id = records.split_key(key)
    village = store.village() or ""
    versions: list[Version] = []
    for version, _sha, generated_at, key_id, signature, manifest, data in store.evidence_rows():
        if data is None or manifest is None:
            continue
        change_log: ChangeLog = decode_log(bytes(data), village, version)
        for entry in change_log.changes:
            if entry.record != key:
                continue
            versions.append(
                Version(
                    version=version,
                    published_at=dt.datetime.fromisoformat(generated_at),
                    key_id=key_id,
                    source="change_log",
                    value=None if entry.withdraws else msgspec.json.decode(entry.after),
                    manifest=_b64(bytes(manifest)),
                    signature=_b64(bytes(signature)),
                    data=_b64(bytes(data)),
                    change=entry.change.value,
                    date=entry.date,
                    reason=entry.reason,
                    before=msgspec.json.decode(entry.before),
                )
            )
    current = _now(store, kind, record_id)
    if current is not None:
        versions.append(current)
    return Bundle(village=village, record=key, versions=versions)


def _now(store: Store, kind: RecordKind, record_id: str) -> Version | None:
    signed = store.signed_current()
    snapshot = store.snapshot()
    if signed is None or snapshot is None:
        return None
    record = _current(snapshot, kind, record_id)
    if record is None:
        return None
    raw, signature = signed
    manifest = decode_manifest(raw)
    name = kind.document(record)
    entry = next(entry for entry in manifest.documents() if entry.name == name)
    document = store.read_blob(entry.sha256)
    return Version(
        version=manifest.version,
        published_at=manifest.generated_at,
        key_id=manifest.key_id,
        source="document",
        value=_raw_record(document, kind, record_id),
        manifest=_b64(raw),
        signature=_b64(signature),
        data=_b64(document),
        document=name,
    )


def describe(bundle: Bundle) -> list[str]:
    """The bundle for a technician: one paragraph per version."""
    kind, _ = records.split_key(bundle.record)
    lines = [f"{bundle.record} of village {bundle.village}: {len(bundle.versions)} versions held on this terminal"]
    for item in bundle.versions:
        manifest = base64.b64decode(item.manifest)
        carried = f"manifest v{item.version} (sha256 {sha256_hex(manifest)}), signed by key {item.key_id}, published {item.published_at:%Y-%m-%d %H:%M}Z"
        if item.source == "document":
            lines.append(f"v{item.version}  now: {_brief(item.value)}")
            lines.append(f"    in {item.document}, listed by {carried}")
            continue
        if item.change == "withdrawn":
            lines.append(f"v{item.version}  withdrawn on {item.date}: {_brief(item.before)}")
        else:
            changed = records.corrections(kind, kind.decode(msgspec.json.encode(item.before)), kind.decode(msgspec.json.encode(item.value)))
            shown = "; ".join(f"{field.field} {_brief(field.before)} → {_brief(field.after)}" for field in changed)
            lines.append(f"v{item.version}  changed on {item.date}: {shown}")
        lines.append(f"    reason: {item.reason}")
        lines.append(f"    in the change log of {carried}")
    lines.append("The signed evidence, to check with the publisher's public keys alone: add --json (docs/FEED-PROTOCOL.md section 17).")
    return lines


def _brief(value: Any) -> str:
    text = msgspec.json.encode(value).decode()
    return text if len(text) <= 120 else text[:117] + "…"
