"""Terminal tokens: issued by the hub, kept by the terminal
(``[terminal] token``), sent as ``Authorization: Bearer <token>``.

A token is 32 random bytes (URL-safe base64, within the characters
provisioning accepts). The hub keeps only its SHA-256: a fast hash is
enough for a random secret of that length (there is nothing to guess), and
a memory-hard one would cost every heartbeat what a login costs.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None
