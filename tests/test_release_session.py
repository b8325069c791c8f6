"""What a villager sees through a software update: the terminal's session
(xinit on Xvfb as the kiosk user, as in tests/test_deployed_session.py)
started the way systemd starts the unit: its ExecStartPre guard as root,
then the session. A start counts as up once the kiosk's UI loop sends its
keep-alives (WATCHDOG=1). A start that ends (Restart=always) or sends none (WatchdogSec,
shortened here) is stopped and the unit started again. systemd itself cannot run as PID 1
here (docs/OPERATIONS.md §10): this loop is the one stand-in.

The decisions and files behind it are tests/test_release_update.py; the
real Debian package is tests/test_debian_package.py."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from kiosk.config import load_config
from kiosk.ops import units
from kiosk.ops.heartbeat import HeartbeatReporter, TerminalStatus
from kiosk.release import state
from screens.shell.palette import TILE_COLOURS
from support.kiosk_process import village_kiosk
from support.xsession import colour_box, start_session

pytestmark = [
    pytest.mark.ui,
    pytest.mark.skipif(
        os.geteuid() != 0 or not shutil.which("xinit") or not shutil.which("unshare"),
        reason="the deployed session needs root (mounts, the kiosk user), xinit and unshare",
    ),
]

SIZE = (1080, 1920)
POWERS_TILE = tuple(int(TILE_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5))  # 权力清单, the first tile on the home screen
WATCHDOG_S = 4  # the unit's WatchdogSec, shortened: keep-alives every 2 s
START_TIMEOUT_S = 20  # no keep-alive by then: the start failed


def _start_like_systemd(terminal):
    """One start of the unit: the guard, then the session. The session once
    its kiosk sends keep-alives; None when it ended or sent none (then stopped)."""
    guarded = terminal.guard()
    assert guarded.returncode == 0, guarded.stdout + guarded.stderr
    session = start_session(terminal.root, SIZE, watchdog_s=WATCHDOG_S)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and session.process.poll() is None:
        if "WATCHDOG=1" in session.read_notifications():
            return session
        time.sleep(0.3)
    session.close()
    return None


@pytest.mark.parametrize("behaviour", ["crashes", "hangs"])
def test_a_release_that_does_not_come_up_is_rolled_back_and_the_previous_one_draws_the_home_screen(release_terminal, behaviour):
    terminal = release_terminal
    terminal.configure(max_crashes=1)  # counting several starts is tests/test_release_update.py's; one keeps this short
    terminal.channel.publish(terminal.release("0.2.0", behaviour))
    taken = terminal.update("--now")
    assert taken.returncode == 10 and terminal.current() == "0.2.0", taken.stdout + taken.stderr

    failed_starts = 0
    session = _start_like_systemd(terminal)
    while session is None:
        failed_starts += 1
        assert failed_starts <= 1, "still no working kiosk after the guard's limit"
        session = _start_like_systemd(terminal)
    try:
        assert failed_starts == 1  # the start of 0.2.0 failed; the next start is 0.1.0's
        session.wait_for(lambda: colour_box(session.screenshot(), POWERS_TILE), what="the home screen of 0.1.0")
        assert (terminal.current(), terminal.good()) == ("0.1.0", "0.1.0")
        assert "Traceback" not in session.output()
    finally:
        session.close()

    # The rollback is reported: doctor on the terminal, and the heartbeat to the platform.
    doctor = village_kiosk("doctor", "--root", str(terminal.root))
    line = next(line for line in doctor.stdout.splitlines() if "  software: " in line)
    assert "went back from 0.2.0 to 0.1.0" in line and "WARN" in line, doctor.stdout
    config = load_config(terminal.root / units.CONFIG_PATH.lstrip("/"))
    reporter = HeartbeatReporter(config, terminal.root / "var/lib/village-kiosk/store", TerminalStatus, layout=terminal.layout)
    software = reporter.build([], 0).software
    assert software is not None and software.release == "0.1.0" and software.trial is None
    assert software.rolled_back is not None and (software.rolled_back.from_version, software.rolled_back.to_version) == ("0.2.0", "0.1.0")


def test_a_release_that_draws_and_keeps_running_proves_itself_and_is_kept(release_terminal):
    terminal = release_terminal
    terminal.configure(health_s=10)
    terminal.channel.publish(terminal.release("0.2.0"))
    assert terminal.update("--now").returncode == 10
    session = _start_like_systemd(terminal)
    assert session is not None, "0.2.0 sent no keep-alive"
    try:
        session.wait_for(lambda: colour_box(session.screenshot(), POWERS_TILE), what="the home screen of 0.2.0")
        # The kiosk's own proof: its first frame, then health_s of its UI loop turning.
        health = session.wait_for(lambda: state.read(terminal.layout.health, state.Health), timeout=40, what="release-health.json")
        assert health.version == "0.2.0"
    finally:
        session.close()
    kept = terminal.update()
    assert kept.returncode == 10 and "0.2.0 proved itself and is kept" in kept.stdout, kept.stdout + kept.stderr
    assert (terminal.current(), terminal.good()) == ("0.2.0", "0.2.0")
