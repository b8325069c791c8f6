"""Salted scrypt hashes of the secrets people choose: the technician PIN on
a terminal, the county staff's passwords on the hub.

scrypt is memory-hard: every guess at a stolen hash costs the guesser as
much memory as it cost us, which rules out cheap GPU farms; it is in the
standard library (``hashlib.scrypt``), so no native dependency. The
parameters travel with the hash, so they can be raised later without
breaking hashes already stored::

    scrypt$<n>$<r>$<p>$<salt base64>$<hash base64>
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

_MAXMEM = 512 * 1024 * 1024  # room for n = 2**17 with r = 8 (128 MiB) and more


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def hash_secret(secret: str, n: int, r: int = 8, p: int = 1) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_scrypt(secret, salt, n, r, p))}"


def verify_secret(secret: str, stored: str) -> bool:
    """True when ``secret`` matches ``stored`` (compared in constant time);
    False for a malformed hash."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(secret, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
        return hmac.compare_digest(actual, base64.b64decode(expected, validate=True))
    except (ValueError, binascii.Error, MemoryError):
        return False


def is_secret_hash(stored: str) -> bool:
    """Whether ``stored`` has the shape of a hash made here."""
    parts = stored.split("$")
    return len(parts) == 6 and parts[0] == "scrypt" and all(part.isdigit() for part in parts[1:4])
