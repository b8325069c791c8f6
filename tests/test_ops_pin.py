"""The technician PIN: salted hash, constant-time check, lock-out after five
wrong tries, kept across restarts."""

from __future__ import annotations

import pytest

from kiosk.config import Config, FeedConfig, TerminalConfig
from kiosk.ops.pin import (
    LOCK_SECONDS,
    PinError,
    PinGuard,
    PinOutcome,
    hash_pin,
    is_pin_hash,
    validate_pin,
    verify_pin,
)
from kiosk.ops.state import open_state


class Clock:
    def __init__(self, now: float = 1_750_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_hash_is_salted_and_verifies_only_the_right_pin():
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second  # a fresh salt every time
    assert "2468" not in first and is_pin_hash(first)
    assert verify_pin("2468", first) and verify_pin("2468", second)
    assert not verify_pin("2469", first) and not verify_pin("", first)


@pytest.mark.parametrize("stored", ["", "2468", "scrypt$1$2$3", "md5$x$y$z$salt$hash", "scrypt$16384$8$1$!!$??"])
def test_a_malformed_hash_never_matches(stored):
    assert not verify_pin("2468", stored)


@pytest.mark.parametrize("pin", ["12", "1234567890123", "12a4", "１２３４", " 1234"])
def test_only_4_to_12_digits_are_a_pin(pin):
    with pytest.raises(PinError):
        validate_pin(pin)


def _guard(tmp_path, clock, pin="2468") -> PinGuard:
    return PinGuard(hash_pin(pin) if pin else "", open_state(tmp_path / "store"), clock)


def test_five_wrong_pins_lock_for_ten_minutes(tmp_path):
    clock = Clock()
    guard = _guard(tmp_path, clock)
    for tries_left in (4, 3, 2, 1):
        result = guard.check("0000")
        assert result.outcome is PinOutcome.REJECTED and result.tries_left == tries_left
    locked = guard.check("0000")
    assert locked.outcome is PinOutcome.LOCKED and locked.locked_for_s == LOCK_SECONDS == 600

    clock.now += 599
    result = guard.check("2468")
    assert result.outcome is PinOutcome.LOCKED and result.locked_for_s == pytest.approx(1)  # even the right PIN
    clock.now += 1
    assert guard.locked_for() == 0
    assert guard.check("2468").ok


def test_a_right_pin_resets_the_count(tmp_path):
    guard = _guard(tmp_path, Clock())
    for _ in range(4):
        guard.check("0000")
    assert guard.check("2468").ok
    assert guard.check("0000").tries_left == 4


def test_a_restart_does_not_lift_the_lock(tmp_path):
    clock = Clock()
    stored = hash_pin("2468")
    guard = PinGuard(stored, open_state(tmp_path / "store"), clock)
    for _ in range(3):
        guard.check("0000")
    guard.close()
    restarted = PinGuard(stored, open_state(tmp_path / "store"), clock)
    assert restarted.check("0000").tries_left == 1  # the count survived too
    assert restarted.check("0000").outcome is PinOutcome.LOCKED
    restarted.close()
    clock.now += 300
    again = PinGuard(stored, open_state(tmp_path / "store"), clock)
    assert again.check("2468").outcome is PinOutcome.LOCKED and again.locked_for() == pytest.approx(300)


def test_a_clock_set_back_cannot_stretch_the_lock(tmp_path):
    clock = Clock()
    guard = _guard(tmp_path, clock)
    for _ in range(5):
        guard.check("0000")
    clock.now -= 10 * 365 * 86400  # the terminal rebooted with no clock battery
    assert guard.locked_for() == LOCK_SECONDS


def test_no_pin_provisioned_opens_nothing(tmp_path):
    guard = _guard(tmp_path, Clock(), pin="")
    assert guard.check("").outcome is PinOutcome.NOT_SET and not guard.check("2468").ok


def test_guard_from_the_configuration(tmp_path):
    config = Config(terminal=TerminalConfig(pin_hash=hash_pin("97531")), feed=FeedConfig(store=str(tmp_path / "store")))
    guard = PinGuard.from_config(config, Clock())
    assert guard.check("97531").ok
    assert (tmp_path / "store" / "ops").is_dir()
