"""The checks every path into the terminal shares: HTTP sync, USB import,
the publisher's own ``feed verify`` and the store's self-check."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

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
)
from kiosk.feed.outcome import Failed, Rejected
from kiosk.snapshot import DataInfo, MediaSource, Snapshot


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


def check_blob(entry: FileEntry, data: bytes) -> None:
    if len(data) != entry.size:
        raise Rejected(f"{entry.name}: {len(data)} bytes, the manifest says {entry.size}")
    if sha256_hex(data) != entry.sha256:
        raise Rejected(f"{entry.name}: content does not match its SHA-256 (tampered or mixed up)")


def split_pack(chunks: Iterable[bytes], members: list[FileEntry]) -> Iterator[tuple[FileEntry, bytes]]:
    """Cut a pack's bytes, as they arrive, into its members' (in order).
    Each is still to be checked with ``check_blob``. A pack longer than its
    members is Rejected; one that ends early is Failed (cut short: the
    members before stay good)."""
    buffer = bytearray()
    pending = iter(members)
    entry = next(pending, None)
    for chunk in chunks:
        buffer += chunk
        while entry is not None and len(buffer) >= entry.size:
            with memoryview(buffer) as view:
                data = bytes(view[: entry.size])
            del buffer[: entry.size]
            yield entry, data
            entry = next(pending, None)
        if entry is None and buffer:
            raise Rejected("pack: more bytes than its members")
    if entry is not None:
        raise Failed(f"pack cut short before {entry.name}")


def build_snapshot(manifest: Manifest, documents: Mapping[str, bytes], media: MediaSource) -> Snapshot:
    """Decode and cross-check the documents a verified manifest lists."""
    info = DataInfo(source="platform", version=manifest.version, generated_at=manifest.generated_at, expires_at=manifest.expires_at)
    try:
        snapshot = Snapshot(documents, media, info)
    except decode.FeedError as exc:
        raise Rejected(f"invalid data in v{manifest.version}: {exc}") from None
    if snapshot.village.code != manifest.village:
        raise Rejected(f"{decode.VILLAGE_DOC} is for village {snapshot.village.code}, the manifest for {manifest.village}")
    return snapshot
