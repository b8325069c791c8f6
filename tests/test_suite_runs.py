"""The suite's own runs, as a developer starts them: the quick run without
a window (``pytest -m "not ui"``: no X server, every core, no end-to-end
tests), the whole suite with ``--slow``, and a run with windows: on every
core, each worker on an X server of its own, or in one process on a
DISPLAY that is set."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # pytest started again, twice

ROOT = Path(__file__).resolve().parent.parent


def _pytest(*args: str, display: str | None = None, workers: int = 2) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    env["PYTEST_XDIST_AUTO_NUM_WORKERS"] = str(workers)  # what "-n auto" counts, whatever this machine has
    if display:
        env["DISPLAY"] = display
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_quick_run_needs_no_x_server_spreads_over_the_cores_and_leaves_out_the_end_to_end_tests():
    run = _pytest("-m", "not ui", "-v", "tests/test_decode.py", "tests/test_hub_e2e.py")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "[gw0]" in run.stdout, run.stdout[-2000:]  # run by pytest-xdist's workers
    assert "test_hub_e2e.py::test_a_kiosk_reports_and_the_county_sees_it" not in run.stdout
    assert "1 end-to-end tests (marked slow) not run: add --slow" in run.stdout


def test_slow_adds_the_end_to_end_tests():
    # Collected only: which tests a run takes.
    run = _pytest("--slow", "--collect-only", "-q", "tests/test_hub_e2e.py", "tests/test_shell_ui.py")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "test_hub_e2e.py::test_a_kiosk_reports_and_the_county_sees_it" in run.stdout
    assert "test_shell_ui.py::" in run.stdout


# Two UI tests of two files: one with the app's window, one typing real X keys
# (xdotool) into a kiosk process -- keys that would land in the other's window
# if the two shared an X server.
_WINDOW_TESTS = (
    "tests/test_shell_ui.py::test_home_shows_village_and_every_tile",
    "tests/test_benefits_ui.py::test_a_card_reader_typing_real_x_keys_into_the_kiosk_fills_the_pad",
)


def test_a_run_with_windows_and_no_display_spreads_over_workers_each_with_an_x_server_of_its_own():
    run = _pytest("-v", *_WINDOW_TESTS)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    workers = set(re.findall(r"\[(gw\d+)\] \[ *\d+%\] PASSED", run.stdout))
    assert workers == {"gw0", "gw1"}, run.stdout[-2000:]


def test_a_run_spread_over_workers_starts_the_longest_files_first():
    """The layout check's file takes minutes: handed out last, it would keep
    one worker busy long after the other had finished. pytest-xdist would
    hand out first the file with the most tests (here the decoder's)."""
    run = _pytest("-v", "-k", "test_decode or catches_what_a_person_sees", "tests/test_decode.py", "tests/test_layout.py", workers=1)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    ran = re.findall(r"PASSED (tests/\S+?)::", run.stdout)
    assert len(ran) > 2 and ran[0] == "tests/test_layout.py" and set(ran[1:]) == {"tests/test_decode.py"}, run.stdout[-2000:]


def test_a_run_with_windows_on_a_set_display_stays_in_one_process(x_display):
    run = _pytest("-v", _WINDOW_TESTS[0], display=x_display)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "PASSED" in run.stdout and "[gw" not in run.stdout, run.stdout[-2000:]


def test_a_run_spread_over_workers_names_a_path_that_is_not_there():
    run = _pytest("-m", "not ui", "tests/test_decode.py", "tests/test_no_such_thing.py")
    assert run.returncode == 4 and "file or directory not found: tests/test_no_such_thing.py" in run.stdout + run.stderr, (
        run.stdout + run.stderr
    )
