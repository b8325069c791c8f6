"""The checks every path into the terminal shares: HTTP sync, USB import,
the publisher's own ``feed verify`` and the store's self-check."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from kiosk import decode
from kiosk.feed import keys
from kiosk.feed.manifest import (
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    BadManifest,
    FileEntry,
    Manifest,
    decode_manifest,
    read_key_id,
    sha256_hex,
    with_media_index,
)
from kiosk.feed.outcome import Failed, Rejected
from kiosk.snapshot import DataInfo, DocumentReuse, MediaSource, Snapshot


def check_signed(raw: bytes, signature: bytes, keyring: keys.Keyring) -> Manifest:
    """The manifest, once its signature by a trusted key is checked."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise Rejected(f"manifest is larger than {MAX_MANIFEST_BYTES} bytes")
    if len(signature) > MAX_SIGNATURE_BYTES:
        raise Rejected(f"signature is larger than {MAX_SIGNATURE_BYTES} bytes")
    try:
        kid = read_key_id(raw)
        keyring.verify(kid, raw, signature)
        return decode_manifest(raw)
    except BadManifest as exc:
        raise Rejected(f"bad manifest: {exc}") from None
    except keys.UnknownKey as exc:
        raise Rejected(f"unknown key {exc.args[0]} (trusted: {', '.join(keyring.ids()) or 'none'})") from None
    except keys.BadSignature as exc:
        raise Rejected(f"bad signature (key {exc.args[0]})") from None


def list_media(manifest: Manifest, fetch: Callable[[FileEntry], bytes]) -> tuple[Manifest, bytes | None]:
    """The manifest with its media listed, and its media index's bytes:
    the index fetched (or found) with ``fetch`` and checked like any blob."""
    if manifest.media_index is None:
        return manifest, None
    entry = manifest.media_index.entry()
    data = fetch(entry)
    check_blob(entry, data)
    try:
        return with_media_index(manifest, data), data
    except BadManifest as exc:
        raise Rejected(f"bad manifest: {exc}") from None


def check_blob(entry: FileEntry, data: bytes) -> None:
    if len(data) != entry.size:
        raise Rejected(f"{entry.name}: {len(data)} bytes, the manifest says {entry.size}")
    if sha256_hex(data) != entry.sha256:
        raise Rejected(_mismatch(entry))


class PackCheck:
    """Checks a pack's members against the manifest as its bytes pass, in
    chunks of any size and without copying them: each byte goes to its
    member's hash. ``complete`` lists the members checked whole, with
    their offsets, in order; ``kept`` the bytes of those of them named in
    ``keep`` (by sha256), for whoever needs them at once."""

    def __init__(self, members: list[FileEntry], keep: frozenset[str] = frozenset()):
        self._members = members
        self._keep = keep
        self._index = 0
        self._offset = 0  # where the current member starts
        self._filled = 0  # bytes of it seen so far
        self._hash = hashlib.sha256()
        self._bytes = bytearray()  # of the current member, if kept
        self.complete: list[tuple[FileEntry, int]] = []
        self.kept: dict[str, bytes] = {}
        self._settle()

    def feed(self, chunk: bytes) -> None:
        """Raises Rejected for a member whose bytes do not match, or for
        bytes beyond the last member."""
        view = memoryview(chunk)
        while view:
            if self._index == len(self._members):
                raise Rejected("pack: more bytes than its members")
            entry = self._members[self._index]
            take = min(len(view), entry.size - self._filled)
            self._hash.update(view[:take])
            if entry.sha256 in self._keep:
                self._bytes += view[:take]
            self._filled += take
            view = view[take:]
            self._settle()

    def finish(self) -> None:
        """Raises Failed if the pack ended before its last member (cut
        short: the members before the cut are good)."""
        if self._index < len(self._members):
            raise Failed(f"pack cut short before {self._members[self._index].name}")

    def _settle(self) -> None:
        while self._index < len(self._members) and self._filled == self._members[self._index].size:
            entry = self._members[self._index]
            if self._hash.hexdigest() != entry.sha256:
                raise Rejected(_mismatch(entry))
            self.complete.append((entry, self._offset))
            if entry.sha256 in self._keep:
                self.kept[entry.sha256] = bytes(self._bytes)
                self._bytes.clear()
            self._offset += entry.size
            self._index += 1
            self._filled = 0
            self._hash = hashlib.sha256()


def _mismatch(entry: FileEntry) -> str:
    return f"{entry.name}: content does not match its SHA-256 (tampered or mixed up)"


def build_snapshot(manifest: Manifest, documents: Mapping[str, bytes], media: MediaSource, reuse: DocumentReuse | None = None) -> Snapshot:
    """Decode and cross-check the documents a verified manifest lists
    (those unchanged since the snapshot ``reuse`` saw last are shared)."""
    info = DataInfo(source="platform", version=manifest.version, generated_at=manifest.generated_at, expires_at=manifest.expires_at)
    try:
        snapshot = Snapshot(documents, media, info, reuse=reuse)
    except decode.FeedError as exc:
        raise Rejected(f"invalid data in v{manifest.version}: {exc}") from None
    if snapshot.village.code != manifest.village:
        raise Rejected(f"{decode.VILLAGE_DOC} is for village {snapshot.village.code}, the manifest for {manifest.village}")
    return snapshot
