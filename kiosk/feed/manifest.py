"""The signed manifest: the one file that says what a village's feed is.

Everything else in a published tree is a content-addressed blob
(``blobs/<sha256>``) named by this manifest, by the media index it names
(the media's own list: it changes only when media do, so a day's new
finance entries do not cost the whole list again), or a pack of them
(``packs/<sha256>``). Trusting the manifest's signature is enough to trust
every byte the terminal shows.
The protocol is written down in ``docs/FEED-PROTOCOL.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from typing import Annotated

import msgspec
from msgspec import Meta

from kiosk import decode, limits
from kiosk.model import Sha256, VillageCode

MANIFEST_FORMAT = 2  # 2: the media may be listed in a blob of their own (media_index)
MEDIA_INDEX_NAME = "media index"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
BLOB_DIR = "blobs"
PACK_DIR = "packs"

# Caps on what a terminal will read before it has verified anything: a
# hostile or broken server must not be able to fill memory or disk.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_SIGNATURE_BYTES = 1024
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_PACK_BYTES = 64 * MAX_FILE_BYTES
MAX_CHANGES_BYTES = 16 * 1024 * 1024  # a change log: as much as a document
PACK_WORTH = 0.5  # share of a pack's bytes a terminal must lack to fetch it

KeyId = Annotated[str, Meta(pattern=r"^[0-9a-f]{16}$")]


class BadManifest(ValueError):
    """The manifest is not one this terminal can accept (shape or rules)."""


class FileKind(enum.Enum):
    DOCUMENT = "document"
    MEDIA = "media"


class FileEntry(msgspec.Struct, frozen=True, kw_only=True):
    # Documents keep their feed name (``village.json``, ``finance/2025-03.json``);
    # media are named ``media/<sha256>`` as in the source folder.
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    sha256: Sha256
    size: Annotated[int, Meta(ge=0, le=MAX_FILE_BYTES)]
    kind: FileKind


class BlobRef(msgspec.Struct, frozen=True, kw_only=True):
    """The media index: a blob listing the media, ``[[sha256, size], …]``."""

    sha256: Sha256
    size: Annotated[int, Meta(ge=0, le=MAX_MANIFEST_BYTES)]

    def entry(self) -> FileEntry:
        """As a file to fetch and check like any blob."""
        return FileEntry(name=MEDIA_INDEX_NAME, sha256=self.sha256, size=self.size, kind=FileKind.DOCUMENT)


class ChangesRef(msgspec.Struct, frozen=True, kw_only=True):
    """The version's change log (``kiosk.feed.changes``): a blob listing the
    published records it changes or withdraws, with the publisher's reasons."""

    sha256: Sha256
    size: Annotated[int, Meta(ge=1, le=MAX_CHANGES_BYTES)]

    def entry(self, version: int) -> FileEntry:
        return FileEntry(name=f"change log of v{version}", sha256=self.sha256, size=self.size, kind=FileKind.DOCUMENT)


class Link(msgspec.Struct, frozen=True, kw_only=True):
    """The version before this one, as this one names it: every manifest
    names its predecessor's exact bytes (and carries its signature), so the
    versions of a village form one chain that cannot be rewritten behind a
    terminal's back. The predecessor's bytes are served as a blob."""

    version: Annotated[int, Meta(ge=1)]
    sha256: Sha256
    size: Annotated[int, Meta(ge=1, le=MAX_MANIFEST_BYTES)]
    signature: Annotated[str, Meta(pattern=r"^[A-Za-z0-9+/]{86}==$")]  # base64 of the 64-byte signature

    def entry(self) -> FileEntry:
        """As a blob to fetch and check."""
        return FileEntry(name=f"manifest of v{self.version}", sha256=self.sha256, size=self.size, kind=FileKind.DOCUMENT)


class _IndexedMedia(msgspec.Struct, array_like=True, frozen=True):
    sha256: Sha256
    size: Annotated[int, Meta(ge=0, le=MAX_FILE_BYTES)]


class PackEntry(msgspec.Struct, frozen=True, kw_only=True):
    """Every blob of the version back to back, documents first (see
    ``Manifest.pack_members``): one request instead of one per file for a
    terminal that lacks most of them. Each member is checked against its
    own hash as it arrives; the pack's hash only names it."""

    sha256: Sha256
    size: Annotated[int, Meta(ge=0, le=MAX_PACK_BYTES)]


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    format: Annotated[int, Meta(ge=1)] = MANIFEST_FORMAT
    village: VillageCode
    version: Annotated[int, Meta(ge=1)]
    generated_at: Annotated[dt.datetime, Meta(tz=True)]
    expires_at: Annotated[dt.datetime, Meta(tz=True)]
    key_id: KeyId
    files: list[FileEntry]
    media_index: BlobRef | None = None
    pack: PackEntry | None = None
    # The chain (docs/FEED-PROTOCOL.md section 16): absent in a manifest of
    # a publisher without chains; null in the first version of a chain.
    previous: Link | msgspec.UnsetType | None = msgspec.UNSET
    changes: ChangesRef | None = None

    @property
    def chained(self) -> bool:
        """Published as part of a chain (its predecessor named, or none)."""
        return self.previous is not msgspec.UNSET

    def documents(self) -> list[FileEntry]:
        return [entry for entry in self.files if entry.kind is FileKind.DOCUMENT]

    def pack_members(self) -> list[FileEntry]:
        """What a pack holds, in order: each distinct blob once, the
        documents first (they decide whether the version is valid at all),
        each kind in the order ``files`` lists them (media: the media
        index's order). Not the media index: it is read before the pack."""
        members: dict[str, FileEntry] = {}
        for kind in (FileKind.DOCUMENT, FileKind.MEDIA):
            for entry in self.files:
                if entry.kind is kind:
                    members.setdefault(entry.sha256, entry)
        return list(members.values())

    def blobs(self) -> dict[str, int]:
        """Every distinct blob, sha256 -> size."""
        return {entry.sha256: entry.size for entry in self.files}

    def pack_problem(self) -> str | None:
        """Why the pack cannot hold what it should (its size is not its
        members'), or None. The media must be listed."""
        if self.pack is None:
            return None
        members = sum(entry.size for entry in self.pack_members())
        return None if self.pack.size == members else f"pack: {self.pack.size} bytes, its members make {members}"

    def takes_pack(self, missing_bytes: int) -> bool:
        """Whether a terminal lacking this many bytes of blobs fetches the
        pack: when they are at least half of it (the rest it already has
        comes again, at most as much as it needs). A pack that does not
        add up is never taken: it is only a faster way to the blobs, so
        the version stands without it."""
        return self.pack is not None and missing_bytes >= PACK_WORTH * self.pack.size and self.pack_problem() is None

    def total_size(self) -> int:
        return sum(self.blobs().values())


class _KeyIdOnly(msgspec.Struct):
    key_id: KeyId


def stamp(moment: dt.datetime) -> str:
    """A time as the one-line messages show it: ``2025-05-01 00:00Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%MZ")


def media_name(sha256: str) -> str:
    return f"{decode.MEDIA_DIR}/{sha256}"


def blob_path(sha256: str) -> str:
    """Where a blob lives relative to the village's feed root."""
    return f"{BLOB_DIR}/{sha256}"


def pack_path(sha256: str) -> str:
    """Where a pack lives relative to the village's feed root."""
    return f"{PACK_DIR}/{sha256}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def encode_manifest(manifest: Manifest) -> bytes:
    # Compact: every terminal downloads the whole manifest at every change.
    check_rules(manifest)
    return msgspec.json.encode(manifest)


def encode_media_index(media: list[FileEntry]) -> bytes:
    return msgspec.json.encode([_IndexedMedia(entry.sha256, entry.size) for entry in media])


def _decode_json(raw: bytes, shape: type, what: str = ""):
    """Decode, once the size and depth are known to be sane: the decoder
    recurses into nested arrays even where it skips an unknown field."""
    problem = limits.json_problem(raw, MAX_MANIFEST_BYTES)
    try:
        if problem is not None:
            raise BadManifest(problem)
        return msgspec.json.decode(raw, type=shape)
    except (msgspec.ValidationError, msgspec.DecodeError, BadManifest) as exc:
        raise BadManifest(f"{what}{exc}") from None


def with_media_index(manifest: Manifest, data: bytes) -> Manifest:
    """The manifest with its media listed, from its media index's bytes
    (already checked against ``manifest.media_index``)."""
    listed = _decode_json(data, list[_IndexedMedia], f"{MEDIA_INDEX_NAME}: ")
    media = [FileEntry(name=media_name(item.sha256), sha256=item.sha256, size=item.size, kind=FileKind.MEDIA) for item in listed]
    full = msgspec.structs.replace(manifest, files=[*manifest.files, *media])
    check_rules(full, listed=True)
    return full


def read_key_id(raw: bytes) -> str:
    """The key id a raw (not yet verified) manifest claims, to pick the key
    its signature must be checked with. Nothing else is trusted yet."""
    try:
        return _decode_json(raw, _KeyIdOnly).key_id
    except BadManifest as exc:
        raise BadManifest(f"no usable key_id ({exc})") from None


def decode_manifest(raw: bytes) -> Manifest:
    manifest = _decode_json(raw, Manifest)
    check_rules(manifest)
    return manifest


def check_rules(manifest: Manifest, listed: bool = False) -> None:
    """Rules the types alone cannot say. ``listed``: the media of a media
    index are in ``files`` (else a manifest with one must list none). The
    pack is not judged here (``Manifest.pack_problem``)."""
    if manifest.format > MANIFEST_FORMAT:
        raise BadManifest(f"format {manifest.format} is newer than this terminal understands ({MANIFEST_FORMAT})")
    if manifest.media_index is not None and manifest.format < 2:
        raise BadManifest("a media index needs format 2")
    if manifest.media_index is not None and not listed and any(entry.kind is FileKind.MEDIA for entry in manifest.files):
        raise BadManifest("media are listed in the media index, not in files")
    if manifest.expires_at <= manifest.generated_at:
        raise BadManifest("expires_at is not after generated_at")
    if isinstance(manifest.previous, Link) and manifest.previous.version >= manifest.version:
        raise BadManifest(f"previous: v{manifest.previous.version} is not before v{manifest.version}")
    if manifest.changes is not None and not isinstance(manifest.previous, Link):
        raise BadManifest("a change log needs the previous version named")
    names: set[str] = set()
    for index, entry in enumerate(manifest.files):
        where = f"files[{index}] {entry.name!r}"
        if entry.name in names:
            raise BadManifest(f"{where}: listed twice")
        names.add(entry.name)
        if entry.kind is FileKind.DOCUMENT and not decode.is_document_name(entry.name):
            raise BadManifest(f"{where}: not a feed document name")
        if entry.kind is FileKind.DOCUMENT and entry.size > limits.MAX_DOCUMENT_BYTES:
            # Refused before it is fetched: the terminal would refuse to decode it.
            raise BadManifest(f"{where}: {entry.size} bytes, more than the {limits.MAX_DOCUMENT_BYTES} a document may have")
        if entry.kind is FileKind.MEDIA and entry.name != media_name(entry.sha256):
            raise BadManifest(f"{where}: a media file must be named {media_name(entry.sha256)}")
    missing = [name for name in decode.REQUIRED_DOCS if name not in names]
    if missing:
        raise BadManifest(f"required document {missing[0]} is not listed")
