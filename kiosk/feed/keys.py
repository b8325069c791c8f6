"""Ed25519 platform keys: make them, store them, sign and check with them.

File formats (see docs/FEED-PROTOCOL.md):
- ``feed.key``: the private key as unencrypted PKCS#8 PEM, mode 0600;
- ``feed.pub``: the public key as one line of base64 (the 32 raw bytes),
  short enough to paste into the terminal's configuration. A PEM public
  key is accepted too.
A key id is the first 16 hex digits of the SHA-256 of the 32 raw public
key bytes; the manifest names the key that signed it, so keys can rotate
while terminals trust a list of them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PRIVATE_KEY_NAME = "feed.key"  # as ``generate`` names the data keys
PUBLIC_KEY_NAME = "feed.pub"


class KeyFileError(ValueError):
    """A key file or key text is unusable."""


class UnknownKey(LookupError):
    pass


class BadSignature(ValueError):
    pass


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def public_key_text(public: Ed25519PublicKey) -> str:
    return base64.b64encode(_raw_public(public)).decode("ascii")


def generate(out_dir: Path, stem: str = "feed") -> tuple[Path, Path]:
    """Write a new key pair into ``out_dir`` (``<stem>.key``, ``<stem>.pub``;
    software releases have keys of their own, ``release``); never
    overwrites a key."""
    out_dir.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out_dir / f"{stem}.key", out_dir / f"{stem}.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise KeyFileError(f"{path} already exists; refusing to overwrite a key")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Created 0600 from the start: the key is never readable by others, not even briefly.
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public_path.write_text(public_key_text(private.public_key()) + "\n", encoding="ascii")
    return private_path, public_path


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read ({exc.strerror})") from None
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key")
    return key


def parse_public_key(text: str, origin: str = "public key") -> Ed25519PublicKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise KeyFileError(f"{origin}: not an Ed25519 key")
            return key
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error, UnicodeEncodeError) as exc:
        raise KeyFileError(f"{origin}: not an Ed25519 public key ({exc})") from None


def load_public_key(spec: str | Path) -> Ed25519PublicKey:
    """A public key from a file path or from the base64 key text itself
    (configuration entries may be either)."""
    if isinstance(spec, str) and not spec.strip().startswith("-----BEGIN"):
        try:
            if len(base64.b64decode(spec.strip(), validate=True)) == 32:
                return parse_public_key(spec, "configured key")
        except binascii.Error:
            pass  # not key text, so a path
    path = Path(spec)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"{path}: cannot read public key ({exc})") from None
    return parse_public_key(text, str(path))


def sign(private: Ed25519PrivateKey, data: bytes) -> bytes:
    """The detached signature file's content: base64 of the 64-byte
    signature, one line."""
    return base64.b64encode(private.sign(data)) + b"\n"


class Keyring:
    """The platform keys a terminal trusts, by key id."""

    def __init__(self, keys: Iterable[Ed25519PublicKey]):
        self._keys = {key_id(key): key for key in keys}

    @classmethod
    def load(cls, specs: Iterable[str | Path]) -> Keyring:
        return cls(load_public_key(spec) for spec in specs)

    def __len__(self) -> int:
        return len(self._keys)

    def ids(self) -> list[str]:
        return sorted(self._keys)

    def verify(self, kid: str, data: bytes, signature_file: bytes) -> None:
        """Raises UnknownKey or BadSignature."""
        key = self._keys.get(kid)
        if key is None:
            raise UnknownKey(kid)
        try:
            signature = base64.b64decode(signature_file.strip(), validate=True)
            key.verify(signature, data)
        except (binascii.Error, ValueError, InvalidSignature):
            raise BadSignature(kid) from None
