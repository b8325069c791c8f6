"""The signed release manifest: ``<platform>/releases/release.json`` and
its Ed25519 signature ``release.sig``, beside the package it names.

Signed with a *release key*, never with a data key: a terminal trusts the
keys in ``/etc/village-kiosk/release-keys/`` for software and those in
``[feed] pubkeys`` for data, so whoever can publish a village's data cannot
ship software to it. ``serial`` grows with every publication (a new release
or a new rollout stage): a terminal refuses one older than it has seen, so
an old, signed manifest replayed by a proxy cannot take the fleet back to a
release with a known flaw. Going back on purpose is a new publication of
the old package (a higher serial, a lower version).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from kiosk.feed import keys
from kiosk.release.layout import PACKAGE, VERSION_PATTERN

MANIFEST_NAME = "release.json"
SIGNATURE_NAME = "release.sig"
FORMAT = 1
MAX_MANIFEST_BYTES = 64 * 1024
MAX_SIGNATURE_BYTES = 1024
MAX_PACKAGE_BYTES = 1024**3

Version = Annotated[str, Meta(pattern=VERSION_PATTERN)]
Township = Annotated[str, Meta(pattern=r"^\d{9}$")]


class BadRelease(ValueError):
    """The manifest is not a release this terminal may take."""


class PackageFile(msgspec.Struct, frozen=True):
    name: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9.+-]*_[A-Za-z0-9.+~]+_[a-z0-9]+\.deb$")]
    sha256: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, Meta(ge=1, le=MAX_PACKAGE_BYTES)]


class Rollout(msgspec.Struct, frozen=True):
    """Which terminals take the release: ``percent`` of all of them (chosen
    by a hash of the terminal id and the version), plus every terminal of
    the ``townships`` (9-digit codes)."""

    percent: Annotated[int, Meta(ge=0, le=100)] = 0
    townships: list[Township] = []


class ReleaseManifest(msgspec.Struct, frozen=True):
    format: int
    product: Literal["village-kiosk"]
    version: Version
    architecture: Annotated[str, Meta(pattern=r"^[a-z0-9-]{1,32}$")]
    serial: Annotated[int, Meta(ge=1)]
    published_at: Annotated[dt.datetime, Meta(tz=True)]
    key_id: Annotated[str, Meta(pattern=r"^[0-9a-f]{16}$")]
    package: PackageFile
    rollout: Rollout


def encode(manifest: ReleaseManifest) -> bytes:
    return msgspec.json.encode(manifest)


def decode(raw: bytes) -> ReleaseManifest:
    if len(raw) > MAX_MANIFEST_BYTES:
        raise BadRelease(f"{MANIFEST_NAME} is {len(raw)} bytes, more than {MAX_MANIFEST_BYTES}")
    try:
        manifest = msgspec.json.decode(raw, type=ReleaseManifest)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise BadRelease(f"{MANIFEST_NAME}: {exc}") from None
    if manifest.format != FORMAT:
        raise BadRelease(f"{MANIFEST_NAME}: format {manifest.format} is newer than this terminal knows ({FORMAT})")
    if manifest.package.name != package_name(manifest.version, manifest.architecture):
        raise BadRelease(f"{MANIFEST_NAME}: the package {manifest.package.name} is not {PACKAGE} {manifest.version}")
    return manifest


def verify(raw: bytes, signature: bytes, keyring: keys.Keyring) -> ReleaseManifest:
    """The manifest, once its signature checks out with a trusted release key."""
    manifest = decode(raw)
    try:
        keyring.verify(manifest.key_id, raw, signature)
    except keys.UnknownKey:
        raise BadRelease(f"{MANIFEST_NAME} is signed by key {manifest.key_id}, not a trusted release key") from None
    except keys.BadSignature:
        raise BadRelease(f"{SIGNATURE_NAME}: the signature does not match {MANIFEST_NAME} (key {manifest.key_id})") from None
    return manifest


def package_name(version: str, architecture: str) -> str:
    return f"{PACKAGE}_{version}_{architecture}.deb"
