"""The technician PIN: stored only as a salted scrypt hash
(``kiosk.secret_hash``, one string in ``[terminal] pin_hash``), checked in
constant time, and guarded against guessing (5 wrong tries lock it for 10
minutes).

The lock-out is kept in the operations state (``kiosk.ops.state``), so
pulling the plug does not give a guesser five fresh tries. It runs on the
wall clock, since a lock must survive a reboot; a clock that jumps back
cannot stretch a lock past its length. When that state cannot be read or
written (a full disk), the lock-out is kept in memory for the kiosk's life:
the PIN pad works and guessing stays slow.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

import diskcache

from kiosk.config import Config
from kiosk.ops.logs import log_event
from kiosk.ops.state import open_configured_state
from kiosk.secret_hash import hash_secret, is_secret_hash, verify_secret

log = logging.getLogger(__name__)

MIN_DIGITS, MAX_DIGITS = 4, 12
MAX_FAILURES = 5
LOCK_SECONDS = 600.0
# scrypt cost: ~16 MiB and a few tens of ms on a terminal's CPU.
_N, _R, _P = 2**14, 8, 1
_STATE_KEY = "pin_guard"
_STATE_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout)


class PinError(ValueError):
    pass


def validate_pin(pin: str) -> str:
    """The PIN as the on-screen keypad can type it: digits only."""
    if not (pin.isascii() and pin.isdigit()):
        raise PinError("the PIN must be digits only (the kiosk has a number keypad)")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(f"the PIN must have {MIN_DIGITS} to {MAX_DIGITS} digits")
    return pin


def hash_pin(pin: str) -> str:
    validate_pin(pin)
    return hash_secret(pin, _N, _R, _P)


# Any hash made by hash_pin, whatever its parameters.
verify_pin = verify_secret
is_pin_hash = is_secret_hash


class PinOutcome(enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    LOCKED = "locked"
    NOT_SET = "not_set"  # no PIN provisioned: the technician menu stays closed


@dataclass(frozen=True)
class PinResult:
    outcome: PinOutcome
    tries_left: int = 0
    locked_for_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome is PinOutcome.ACCEPTED


class PinGuard:
    """Checks PIN entries, locking after ``max_failures`` wrong ones in a row."""

    def __init__(
        self,
        pin_hash: str,
        state: diskcache.Cache | None,
        clock: Callable[[], float] = time.time,
        max_failures: int = MAX_FAILURES,
        lock_s: float = LOCK_SECONDS,
    ):
        self.pin_hash = pin_hash
        self._state = state  # None: it could not be opened (memory only)
        self._memory = (0, 0.0)
        self._clock = clock
        self.max_failures = max_failures
        self.lock_s = lock_s

    @classmethod
    def from_config(cls, config: Config, clock: Callable[[], float] = time.time) -> PinGuard:
        try:
            state = open_configured_state(config)
        except _STATE_ERRORS as exc:
            log_event(log, "pin.state_not_opened", logging.WARNING, error=exc, using="memory")
            state = None
        return cls(config.terminal.pin_hash, state, clock)

    def close(self) -> None:
        """Close the state it holds open (one guard can serve the app's life)."""
        if self._state is not None:
            self._state.close()

    def _load(self) -> tuple[int, float]:
        if self._state is not None:
            try:
                failures, locked_until = self._state.get(_STATE_KEY, self._memory, retry=True)
                return int(failures), float(locked_until)
            except _STATE_ERRORS as exc:
                log_event(log, "pin.state_not_read", logging.WARNING, error=exc, using="memory")
        return self._memory

    def _save(self, failures: int, locked_until: float) -> None:
        self._memory = (failures, locked_until)
        if self._state is not None:
            try:
                self._state.set(_STATE_KEY, self._memory, retry=True)
            except _STATE_ERRORS as exc:
                log_event(log, "pin.state_not_written", logging.WARNING, error=exc, using="memory")

    @contextlib.contextmanager
    def _transaction(self):
        """The state's transaction (one check at a time) when it can be had;
        on a full disk none: the memory then serves this process alone."""
        stack = contextlib.ExitStack()
        if self._state is not None:
            try:
                stack.enter_context(self._state.transact(retry=True))
            except _STATE_ERRORS as exc:
                log_event(log, "pin.no_transaction", logging.WARNING, error=exc)
        try:
            with stack:
                yield
        except _STATE_ERRORS as exc:  # COMMIT refused by a full disk: the memory has it
            log_event(log, "pin.transaction_not_ended", logging.WARNING, error=exc)

    def locked_for(self) -> float:
        """Seconds until the PIN can be tried again (0 when it can now)."""
        _, locked_until = self._load()
        now = self._clock()
        # A clock set back after the lock began must not lengthen it.
        return max(0.0, min(locked_until - now, self.lock_s))

    def check(self, pin: str) -> PinResult:
        if not self.pin_hash:
            return PinResult(PinOutcome.NOT_SET)
        with self._transaction():
            failures, locked_until = self._load()
            now = self._clock()
            remaining = min(locked_until - now, self.lock_s)
            if remaining > 0:
                # While locked even the right PIN is refused: otherwise the
                # lock would not slow down guessing at all.
                return PinResult(PinOutcome.LOCKED, locked_for_s=remaining)
            if verify_pin(pin, self.pin_hash):
                self._save(0, 0.0)
                return PinResult(PinOutcome.ACCEPTED, tries_left=self.max_failures)
            failures += 1
            if failures >= self.max_failures:
                self._save(0, now + self.lock_s)
                log_event(log, "pin.locked", logging.WARNING, wrong_in_a_row=failures, locked_s=self.lock_s)
                return PinResult(PinOutcome.LOCKED, locked_for_s=self.lock_s)
            self._save(failures, 0.0)
            return PinResult(PinOutcome.REJECTED, tries_left=self.max_failures - failures)
