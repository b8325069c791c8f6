"""Provisioning answers: the checks every answer passes, and the questions
asked on a terminal (again and again until the answer is valid)."""

from __future__ import annotations

import getpass
import re
import secrets
import sys
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.feed import keys
from kiosk.ops import units
from kiosk.ops.pin import PinError, validate_pin

_TERMINAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# RFC 6750 token characters; long enough to be unguessable.
_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{16,512}$")

T = TypeVar("T")


class ProvisionError(ValueError):
    """A bad answer or an unusable target; nothing has been written."""


def parse_village(text: str) -> str:
    text = text.strip()
    if not re.fullmatch(r"\d{12}", text):
        raise ProvisionError(f"village code must be the 12-digit statistical division code, not {text!r}")
    return text


def parse_platform(text: str, allow_http: bool) -> str:
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme == "http" and not allow_http:
        raise ProvisionError(f"platform {text!r} is plain http: use https, or pass --allow-http (test bench, intranet)")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ProvisionError(f"platform must be a URL like https://feeds.example.cn/, not {text!r}")
    if parts.username or parts.password:
        raise ProvisionError("platform URL must not contain a user name or password")
    if parts.query or parts.fragment:
        raise ProvisionError(f"platform URL must not have a ?query or #fragment: {text!r}")
    return text.rstrip("/")


def parse_pubkey(spec: str) -> Ed25519PublicKey:
    try:
        return keys.load_public_key(spec.strip())
    except keys.KeyFileError as exc:
        raise ProvisionError(f"public key {spec!r}: {exc}") from None


def parse_terminal_id(text: str) -> str:
    text = text.strip()
    if not _TERMINAL_ID.fullmatch(text):
        raise ProvisionError(f"terminal id must be 1-32 letters, digits, '-' or '_', not {text!r}")
    return text


def parse_token(text: str) -> str:
    text = text.strip()
    if not _TOKEN.fullmatch(text):
        raise ProvisionError("token must be 16-512 characters of letters, digits and ._~+/=- (as issued by the platform)")
    return text


def parse_rotation(text: str | int) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        value = -1
    if value not in units.ROTATIONS:
        raise ProvisionError(f"rotation must be 0, 90, 180 or 270 (degrees clockwise), not {text!r}")
    return value


def parse_pin(text: str) -> str:
    try:
        return validate_pin(text.strip())
    except PinError as exc:
        raise ProvisionError(str(exc)) from None


def new_terminal_id(village: str) -> str:
    return f"{village}-{secrets.token_hex(3).upper()}"


class Asker:
    """Answers from flags, questions or defaults.

    Questions are asked only when ``interactive``; a wrong answer is
    explained and asked again. Without a terminal a missing required
    answer is an error naming its flag."""

    def __init__(
        self,
        interactive: bool,
        ask: Callable[[str], str] = input,
        ask_secret: Callable[[str], str] = getpass.getpass,
        say: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
    ):
        self.interactive = interactive
        self._ask = ask
        self._ask_secret = ask_secret
        self._say = say

    def _read(self, prompt: str, secret: bool) -> str:
        try:
            return (self._ask_secret if secret else self._ask)(prompt)
        except EOFError:
            raise ProvisionError("input ended before provisioning was complete; nothing was written") from None

    def value(
        self,
        label: str,
        flag: str,
        given: str | None,
        parse: Callable[[str], T],
        default: T | None = None,
        shown_default: str | None = None,
        secret: bool = False,
    ) -> T:
        """``given`` parsed, else the answer to the question, else ``default``;
        with no default an answer is required."""
        if given is not None:
            return parse(given)
        if not self.interactive:
            if default is None:
                raise ProvisionError(f"missing {flag} (no terminal to ask on; pass it, or run interactively)")
            return default
        hint = shown_default if shown_default is not None else (str(default) if default is not None else "")
        prompt = f"{label}{f' [{hint}]' if hint else ''}: "
        while True:
            text = self._read(prompt, secret).strip()
            if not text:
                if default is not None:
                    return default
                self._say("  an answer is needed")
                continue
            try:
                return parse(text)
            except ProvisionError as exc:
                self._say(f"  {exc}")

    def new_pin(self, label: str, keep_hint: str) -> str | None:
        """A PIN typed twice; None (blank) keeps the current one when there is one."""
        while True:
            first = self._read(f"{label}{keep_hint}: ", secret=True).strip()
            if not first and keep_hint:
                return None
            try:
                parse_pin(first)
            except ProvisionError as exc:
                self._say(f"  {exc}")
                continue
            if self._read("Type the PIN again: ", secret=True).strip() == first:
                return first
            self._say("  the two PINs differ; again please")

    def keys(self, existing: list[Ed25519PublicKey]) -> list[Ed25519PublicKey]:
        found: list[Ed25519PublicKey] = []
        keep = f" (blank keeps {', '.join(keys.key_id(key) for key in existing)})" if existing else ""
        while True:
            more = " (blank when done)" if found else keep
            text = self._read(f"Platform public key: file or base64{more}: ", secret=False).strip()
            if not text:
                if found or existing:
                    return found or existing
                self._say("  at least one platform key is needed")
                continue
            try:
                found.append(parse_pubkey(text))
            except ProvisionError as exc:
                self._say(f"  {exc}")
