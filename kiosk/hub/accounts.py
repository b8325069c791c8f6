"""County and township staff: passwords, lock-out, sessions.

Passwords are kept as scrypt hashes (``kiosk.secret_hash``) at the cost
OWASP recommends for scrypt (n = 2**17, r = 8: 128 MiB and about 0.4 s a
try here): a stolen database costs a guesser that much per guess. Five
wrong passwords in a row lock the account for 15 minutes, kept in the
database (a restart does not lift it); while locked even the right
password is refused. A wrong user name costs the same time as a wrong
password, so names cannot be told apart by timing.

A session is a random cookie; the database keeps its SHA-256 and expiry.
"""

from __future__ import annotations

import enum
import functools
import re
import threading
from dataclasses import dataclass

from kiosk.hub.store import Store, User
from kiosk.hub.tokens import new_token, token_hash
from kiosk.secret_hash import hash_secret, verify_secret

SCRYPT_N = 2**17
MAX_FAILURES = 5
LOCK_S = 15 * 60
MIN_PASSWORD = 8
# Each check takes 128 MiB for a moment: a burst of logins (or of guesses)
# waits its turn rather than taking the server's memory.
_CHECKS_AT_ONCE = threading.BoundedSemaphore(2)
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
TOWNSHIP = re.compile(r"^\d{9}$")


class AccountError(ValueError):
    pass


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise AccountError(f"user name must be 1-32 letters, digits, '.', '-' or '_', not {name!r}")
    return name


def check_township(code: str) -> str:
    if code and not TOWNSHIP.fullmatch(code):
        raise AccountError(f"township must be its 9-digit code (the first 9 digits of its villages' codes), not {code!r}")
    return code


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user does not exist: the same work as a real check."""
    return hash_secret("not a password", SCRYPT_N)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
    return hash_secret(password, SCRYPT_N)


class Login(enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: Login
    user: User | None = None  # exactly when ACCEPTED
    locked_for_s: int = 0


def log_in(store: Store, name: str, password: str, now: int) -> LoginResult:
    user = store.user(name)
    if user is not None and user.locked_until > now:
        return LoginResult(Login.LOCKED, locked_for_s=min(user.locked_until - now, LOCK_S))
    with _CHECKS_AT_ONCE:
        matches = verify_secret(password, user.password_hash if user else _dummy_hash())
    if not matches or user is None:
        locked = store.login_failed(name, now, MAX_FAILURES, LOCK_S) if user else 0
        return LoginResult(Login.LOCKED, locked_for_s=locked) if locked else LoginResult(Login.REJECTED)
    store.login_succeeded(name)
    return LoginResult(Login.ACCEPTED, user)


def start_session(store: Store, user: User, now: int, hours: float) -> str:
    """A new session for ``user``: the cookie's value."""
    token = new_token()
    store.add_session(token_hash(token), user.name, now + int(hours * 3600))
    return token


def session_user(store: Store, cookie: str | None, now: int) -> User | None:
    return store.session_user(token_hash(cookie), now) if cookie else None


def end_session(store: Store, cookie: str | None) -> None:
    if cookie:
        store.end_session(token_hash(cookie))
