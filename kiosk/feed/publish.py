"""Publisher tools for the platform's team: turn a source folder (the format
in docs/FEED-FORMAT.md) into a signed, static tree any web server can serve,
and check such a tree the way a terminal will.

A tree (the folder ``<platform>/<village code>/`` on the web server)::

    manifest.json      the signed list of every file, by SHA-256 and size
    manifest.sig       base64 Ed25519 signature of manifest.json's exact bytes
    blobs/<sha256>     every document and media file, named by its content
    packs/<sha256>     the version's blobs back to back (optional)

Blobs are immutable and never deleted by a build: a terminal still
fetching the previous version keeps finding what it needs. Packs are only
a faster way to the same bytes; a build keeps its own and the previous
version's, and a terminal whose pack is gone fetches the blobs instead.

Each build names the version before it (the chain, ``kiosk.feed.chain``)
and keeps that version's manifest as a blob, so that a terminal far
behind can follow the chain. A build that changes or withdraws a record
the previous version published needs a correction note for it in the
source (a folder's ``corrections.json``, a workbook's 更正说明 sheet); the notes go into the version's change log
(``kiosk.feed.changes``), signed with it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk import decode, images, model
from kiosk.benefits import publish as benefits
from kiosk.benefits.model import Kdf
from kiosk.feed import chain, changes, keys, verify
from kiosk.feed.history import BEIJING
from kiosk.feed.manifest import (
    BLOB_DIR,
    MANIFEST_NAME,
    PACK_DIR,
    SIGNATURE_NAME,
    BadManifest,
    BlobRef,
    ChangesRef,
    FileEntry,
    FileKind,
    Link,
    Manifest,
    PackEntry,
    decode_manifest,
    encode_manifest,
    encode_media_index,
    media_name,
    pack_path,
    sha256_hex,
    stamp,
    with_media_index,
)
from kiosk.feed.outcome import Failed, Rejected
from kiosk.feed.tree import open_tree
from kiosk.snapshot import DataInfo, DirectoryMedia, NoMedia, Snapshot, read_folder_documents

DEFAULT_EXPIRES_DAYS = 30.0


class PublishError(ValueError):
    """The source or the output tree cannot be published."""


@dataclass(frozen=True)
class Source:
    """What a build publishes: the documents by their feed names, and the
    pictures as files by their SHA-256. From a source folder
    (``folder_source``) or a workbook (``kiosk.sheets.read``)."""

    documents: dict[str, bytes]
    media: dict[str, Path]
    checked: Snapshot | None = None  # the documents, already through the boundary by whoever read them
    # The reasons for the published records it changes or withdraws: a
    # folder's corrections.json, a workbook's 更正说明 sheet.
    notes: changes.Notes = changes.NO_NOTES
    # A source folder: its plain benefits-source.json, which ``build`` seals (a workbook has none yet).
    folder: Path | None = None


@dataclass(frozen=True)
class Built:
    manifest: Manifest
    new_blobs: int  # blobs written by this build (the rest were already in OUT)
    corrections: int = 0  # published records it changes or withdraws, each with its note

    @property
    def summary(self) -> str:
        m = self.manifest
        corrected = f", {self.corrections} corrections" if self.corrections else ""
        return (
            f"built v{m.version} for village {m.village}: {len(m.files)} files ({self.new_blobs} new), "
            f"{m.total_size()} bytes{corrected}, expires {stamp(m.expires_at)}, key {m.key_id}"
        )


@dataclass(frozen=True)
class Published:
    """The version OUT holds, which the next one extends."""

    raw: bytes
    signature: bytes
    manifest: Manifest

    def link(self) -> Link:
        text = self.signature.strip().decode("ascii", "replace")
        try:
            if len(base64.b64decode(text, validate=True)) != 64:
                raise ValueError("not 64 bytes")
        except ValueError as exc:
            raise PublishError(f"{SIGNATURE_NAME} of v{self.manifest.version} is not a signature ({exc})") from None
        return Link(version=self.manifest.version, sha256=sha256_hex(self.raw), size=len(self.raw), signature=text)

    def snapshot(self, out: Path) -> Snapshot:
        """Its documents, decoded from OUT's blobs, to compare the new ones with."""
        try:
            documents = {entry.name: (out / BLOB_DIR / entry.sha256).read_bytes() for entry in self.manifest.documents()}
            return Snapshot(
                documents,
                DirectoryMedia(out / BLOB_DIR),
                DataInfo("platform", self.manifest.version, self.manifest.generated_at),
                masked=False,  # compared as published: a hidden digit changed is a correction too
            )
        except (OSError, decode.FeedError) as exc:
            raise PublishError(f"{out}: cannot read v{self.manifest.version} to compare with it ({exc})") from None


def _media_refs(value: object) -> Iterator[model.MediaRef]:
    """Every media reference anywhere in a decoded document."""
    if isinstance(value, model.MediaRef):
        yield value
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            yield from _media_refs(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _media_refs(item)


def _referenced_media(snapshot: Snapshot) -> set[str]:
    roots = [snapshot.projects, snapshot.finance_entries(), snapshot.power_items, snapshot.disclosures, snapshot.notices, snapshot.cases]
    return {ref.sha256 for ref in _media_refs(roots)}


def folder_source(src: Path) -> Source:
    """A source folder in the format of docs/FEED-FORMAT.md, its pictures
    checked; ``build`` checks the documents."""
    if not (src / decode.VILLAGE_DOC).is_file():
        raise PublishError(f"{src}: {decode.VILLAGE_DOC}: $: document is missing (no feed in {src})")
    return Source(documents=read_folder_documents(src), media=_source_media(src), notes=changes.FolderNotes(src), folder=src)


def read_source(src: Path, pictures: Path | None = None) -> Source:
    """A source folder, or a workbook (.xlsx) with its picture folder
    (``pictures``, default the 图片 folder beside it)."""
    if src.is_file():
        from kiosk.sheets.read import read_workbook  # the spreadsheet reader only for a workbook

        return read_workbook(src, pictures)
    if pictures is not None:
        raise PublishError("a picture folder goes with a workbook; a source folder has its pictures in media/")
    return folder_source(src)


def _source_media(src: Path) -> dict[str, Path]:
    folder = src / decode.MEDIA_DIR
    media: dict[str, Path] = {}
    if not folder.is_dir():
        return media
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # editor and OS litter (.DS_Store)
        if not path.is_file():
            raise PublishError(f"{decode.MEDIA_DIR}/{path.name}: not a file")
        data = path.read_bytes()
        digest = sha256_hex(data)
        if path.name != digest:
            raise PublishError(f"{decode.MEDIA_DIR}/{path.name}: media files are named by their SHA-256, this one's is {digest}")
        problem = images.picture_problem(data)
        if problem is not None:  # a terminal would show a placeholder instead
            raise PublishError(f"{decode.MEDIA_DIR}/{path.name}: {problem}")
        media[digest] = path
    return media


def _sealed_benefits(src: Path, village: str, private_key: Ed25519PrivateKey, kdf: Kdf | None, documents: dict) -> dict[str, bytes]:
    """``benefits.json`` sealed from the plain ``benefits-source.json``, if
    the folder has one: the plain file itself is never published."""
    secret = private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    try:
        sealed = benefits.sealed_document(src, village, secret, kdf)
    except benefits.SourceError as exc:
        raise PublishError(f"{src}: {exc}") from None
    if sealed is None:
        return {}
    if decode.BENEFITS_DOC in documents:
        raise PublishError(f"{src}: holds both {decode.BENEFITS_DOC} and {benefits.SOURCE_NAME}; publish one or the other")
    try:
        decode.decode_document(decode.BENEFITS_DOC, sealed)  # the limits, as a terminal will check them
    except decode.FeedError as exc:
        raise PublishError(f"{src}: {benefits.SOURCE_NAME} sealed: {exc}") from None
    return {decode.BENEFITS_DOC: sealed}


def read_previous(out: Path) -> Manifest | None:
    published = read_published(out)
    return published.manifest if published is not None else None


def read_published(out: Path) -> Published | None:
    """The version OUT holds, with its exact bytes and signature."""
    path = out / MANIFEST_NAME
    if not path.exists():
        return None
    raw = path.read_bytes()
    try:
        manifest = decode_manifest(raw)
    except BadManifest as exc:
        raise PublishError(f"{path}: existing manifest is unreadable ({exc})") from None
    try:
        signature = (out / SIGNATURE_NAME).read_bytes()
    except OSError as exc:
        raise PublishError(f"{out / SIGNATURE_NAME}: cannot read the signature of the version to extend ({exc})") from None
    return Published(raw, signature, manifest)


def write_atomically(path: Path, data: bytes, later_than: float | None = None) -> None:
    """``later_than``: a modification time (seconds) the file's must be
    at least a second past, set before the file appears under its name."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    if later_than is not None and int(temporary.stat().st_mtime) <= int(later_than):
        os.utime(temporary, (time.time(), int(later_than) + 1))
    os.replace(temporary, path)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def _write_blob(out: Path, digest: str, data: bytes) -> bool:
    path = out / BLOB_DIR / digest
    if path.is_file() and sha256_hex(path.read_bytes()) == digest:
        return False
    write_atomically(path, data)
    return True


def _write_pack(out: Path, members: list[FileEntry]) -> PackEntry:
    """The members' blobs back to back in ``packs/<sha256>``, written as a
    stream (a village's media need not fit in memory), then renamed."""
    folder = out / PACK_DIR
    folder.mkdir(exist_ok=True)
    temporary = folder / f".pack.{os.getpid()}.tmp"
    digest, size = hashlib.sha256(), 0
    with temporary.open("wb") as file:
        for entry in members:
            data = (out / BLOB_DIR / entry.sha256).read_bytes()
            digest.update(data)
            file.write(data)
            size += len(data)
        file.flush()
        os.fsync(file.fileno())
    pack = PackEntry(sha256=digest.hexdigest(), size=size)
    os.replace(temporary, out / pack_path(pack.sha256))
    return pack


def _prune_packs(out: Path, keep: set[str]) -> None:
    folder = out / PACK_DIR
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.name not in keep and not path.name.startswith("."):
            path.unlink()


def build(
    src: Path | Source,
    out: Path,
    private_key: Ed25519PrivateKey,
    version: int | None = None,
    expires_days: float = DEFAULT_EXPIRES_DAYS,
    now: dt.datetime | None = None,
    pack: bool = True,
    benefits_kdf: Kdf | None = None,
) -> Built:
    """Validate ``src`` (a source folder, a workbook or a Source already
    read) and publish it into ``out``, signed.

    The version is one more than the manifest already in ``out`` unless
    given. ``now`` is the generation time (tests pass old times to build
    expired feeds). ``pack``: also write every blob into one pack, for fast
    first syncs (a tree for a USB stick does not need one). ``benefits_kdf``:
    the key derivation for a source folder's ``benefits-source.json``
    (default: the village's own salt, the default cost)."""
    source = src if isinstance(src, Source) else read_source(src)
    documents, media = source.documents, source.media
    snapshot = _checked(source, src)
    if source.folder is not None:  # a workbook carries no subsidies
        documents = {**documents, **_sealed_benefits(source.folder, snapshot.village.code, private_key, benefits_kdf, documents)}
    absent = sorted(_referenced_media(snapshot) - set(media))
    if absent:
        raise PublishError(f"{decode.MEDIA_DIR}/{absent[0]} is referenced but missing ({len(absent)} missing in all)")
    village = snapshot.village.code
    published = read_published(out)
    previous = published.manifest if published is not None else None
    if previous is not None and previous.village != village:
        raise PublishError(f"{out} holds the feed of village {previous.village}, not {village}")
    if version is None:
        version = previous.version + 1 if previous else 1
    if previous is not None and version <= previous.version:
        raise PublishError(f"--version {version}: {out} holds v{previous.version}, and each version extends the one before")
    if expires_days <= 0:
        raise PublishError("the expiry must be in the future")
    generated_at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    change_log = _change_log(source.notes, out, published, version, snapshot, generated_at)

    (out / BLOB_DIR).mkdir(parents=True, exist_ok=True)
    new_blobs = 0
    changes_ref = None
    if change_log is not None:
        data = changes.encode_log(change_log)
        changes_ref = ChangesRef(sha256=sha256_hex(data), size=len(data))
        _write_blob(out, changes_ref.sha256, data)
    if published is not None:
        # A terminal far behind follows the chain through these.
        _write_blob(out, sha256_hex(published.raw), published.raw)
    files: list[FileEntry] = []
    for name, data in documents.items():
        digest = sha256_hex(data)
        new_blobs += _write_blob(out, digest, data)
        files.append(FileEntry(name=name, sha256=digest, size=len(data), kind=FileKind.DOCUMENT))
    listed: list[FileEntry] = []
    for digest, path in media.items():
        data = path.read_bytes()
        new_blobs += _write_blob(out, digest, data)
        listed.append(FileEntry(name=media_name(digest), sha256=digest, size=len(data), kind=FileKind.MEDIA))
    # The media in a blob of their own: the manifest every change costs
    # stays the size of the documents' list, however many pictures.
    index = encode_media_index(listed) if listed else None
    index_ref = None
    if index is not None:
        index_ref = BlobRef(sha256=sha256_hex(index), size=len(index))
        _write_blob(out, index_ref.sha256, index)

    signed = Manifest(
        # Format 2 only where it is needed: older terminals read format 1.
        format=2 if index is not None else 1,
        village=village,
        version=version,
        generated_at=generated_at,
        expires_at=generated_at + dt.timedelta(days=expires_days),
        key_id=keys.key_id(private_key.public_key()),
        files=files,
        media_index=index_ref,
        previous=published.link() if published is not None else None,
        changes=changes_ref,
    )
    manifest = with_media_index(signed, index) if index is not None else signed
    if pack:
        members = _write_pack(out, manifest.pack_members())
        signed, manifest = (msgspec.structs.replace(m, pack=members) for m in (signed, manifest))
    raw = encode_manifest(signed)
    # Blobs first, then the signature and the manifest it signs: a terminal
    # polling in between sees a mismatched pair, refuses it, and simply
    # gets the whole new version at its next poll.
    write_atomically(out / SIGNATURE_NAME, keys.sign(private_key, raw))
    # Terminals poll with If-None-Match, and nginx's and Apache's ETag is the
    # file's modification time in whole seconds and its length: a manifest
    # of the same length published within the same second as the one before
    # was answered 304, and terminals stayed on the old version until the
    # next change. Each new manifest is at least a second younger.
    write_atomically(out / MANIFEST_NAME, raw, later_than=_mtime(out / MANIFEST_NAME))
    _prune_packs(out, {m.pack.sha256 for m in (manifest, previous) if m is not None and m.pack is not None})
    return Built(manifest, new_blobs, len(change_log.changes) if change_log is not None else 0)


def _checked(source: Source, src: Path | Source) -> Snapshot:
    """The source's documents through the terminal's boundary."""
    try:
        # Unmasked: the publisher compares records as published (a hidden digit changed is a correction too).
        return source.checked or Snapshot(
            source.documents, NoMedia(), DataInfo(source="folder", version=None, generated_at=None), masked=False
        )
    except decode.FeedError as exc:
        raise PublishError(f"{src}: {exc}" if isinstance(src, Path) else str(exc)) from None


def corrections_of(source: Source, out: Path, now: dt.datetime | None = None) -> changes.ChangeLog | None:
    """What building ``source`` into ``out`` now would correct, checked as
    ``build`` checks it (a correction without its note raises), nothing
    written: a page shows it before the user publishes."""
    published = read_published(out)
    if published is None:
        return None
    version = published.manifest.version + 1
    return _change_log(source.notes, out, published, version, _checked(source, source), now or dt.datetime.now(dt.UTC))


def _change_log(
    notes: changes.Notes, out: Path, published: Published | None, version: int, snapshot: Snapshot, now: dt.datetime
) -> changes.ChangeLog | None:
    """What this version corrects of the one OUT holds, with the source's
    notes; PublishError for a correction without a note or a note without
    one. A first version corrects nothing (its notes are not read)."""
    if published is None:
        return None
    try:
        previous = published.manifest
        since = previous.generated_at.astimezone(BEIJING).date()
        extending = changes.Extending(previous.version, since, now.astimezone(BEIJING).date(), _notes_signed_since(out, previous, since))
        return changes.make_log(previous.village, version, extending, published.snapshot(out), snapshot, notes)
    except changes.BadChangeLog as exc:
        raise PublishError(str(exc)) from None


def _notes_signed_since(out: Path, newest: Manifest, since: dt.date) -> frozenset[changes.CorrectionNote]:
    """The notes of the change logs of the versions OUT holds published on
    ``since`` or later (Beijing days), following the chain back from
    ``newest``: a note dated since then may have been signed already."""
    found: set[changes.CorrectionNote] = set()
    manifest: Manifest | None = newest
    try:
        while manifest is not None and manifest.generated_at.astimezone(BEIJING).date() >= since:
            if manifest.changes is not None:
                log = changes.decode_log((out / BLOB_DIR / manifest.changes.sha256).read_bytes(), manifest.village, manifest.version)
                found |= {changes.CorrectionNote(record=e.record, date=e.date, reason=e.reason) for e in log.changes}
            link = manifest.previous
            manifest = decode_manifest((out / BLOB_DIR / link.sha256).read_bytes()) if isinstance(link, Link) else None
    except FileNotFoundError:
        pass  # a tree from before the chain kept its versions' manifests: the notes of those found
    except (OSError, BadManifest, changes.BadChangeLog) as exc:
        raise PublishError(f"{out}: cannot read the change logs of the versions published since {since} ({exc})") from None
    return frozenset(found)


def verify_tree(out: Path, keyring: keys.Keyring, now: dt.datetime | None = None) -> Manifest:
    """Check a published tree (folder or archive) as a terminal would:
    signature by a trusted key, every blob present with its hash and size,
    the documents valid, not expired. Raises Rejected or Failed."""
    with open_tree(out) as tree:
        raw, signature = tree.manifest_pair()
        manifest = verify.check_signed(raw, signature, keyring)
        chain.whole(chain.Step(raw, signature, manifest), tree.fetch, keyring)  # every link there, every change log sound
        manifest, _ = verify.list_media(manifest, tree.fetch)
        documents = {}
        for entry in manifest.files:
            data = tree.fetch(entry)
            verify.check_blob(entry, data)
            if entry.kind is FileKind.DOCUMENT:
                documents[entry.name] = data
    # Media are checked above; the snapshot only needs to decode the documents.
    verify.build_snapshot(manifest, documents, DirectoryMedia(out / BLOB_DIR))
    if manifest.pack_problem() is not None:
        raise Rejected(manifest.pack_problem())
    if manifest.pack is not None and out.is_dir():
        _check_pack(out, manifest.pack, manifest.pack_members())
    if manifest.expires_at <= (now or dt.datetime.now(dt.UTC)):
        raise Rejected(f"v{manifest.version} expired at {stamp(manifest.expires_at)}")
    return manifest


def _check_pack(out: Path, pack: PackEntry, members: list[FileEntry]) -> None:
    """The pack a terminal may fetch instead of the blobs: there, of its
    size and hash, every member as the blob it stands for."""
    path = out / pack_path(pack.sha256)
    if not path.is_file():
        raise Failed(f"{pack_path(pack.sha256)} is missing")
    if path.stat().st_size != pack.size:
        raise Rejected(f"{pack_path(pack.sha256)}: {path.stat().st_size} bytes, the manifest says {pack.size}")
    digest, check = hashlib.sha256(), verify.PackCheck(members)
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
            check.feed(chunk)
    check.finish()
    if digest.hexdigest() != pack.sha256:
        raise Rejected(f"{pack_path(pack.sha256)}: content does not match its SHA-256")
