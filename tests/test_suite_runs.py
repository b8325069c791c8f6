"""The suite's own two runs, as a developer starts them: the quick run
without a window (``pytest -m "not ui"``: no X server, every core, no
end-to-end tests) and the whole suite with ``--slow``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # pytest started again, twice

ROOT = Path(__file__).resolve().parent.parent


def _pytest(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_quick_run_needs_no_x_server_spreads_over_the_cores_and_leaves_out_the_end_to_end_tests():
    run = _pytest("-m", "not ui", "-v", "tests/test_decode.py", "tests/test_hub_e2e.py")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "[gw0]" in run.stdout, run.stdout[-2000:]  # run by pytest-xdist's workers (as many as it counts cores)
    assert "test_hub_e2e.py::test_a_kiosk_reports_and_the_county_sees_it" not in run.stdout
    assert "1 end-to-end tests (marked slow) not run: add --slow" in run.stdout


def test_a_run_with_windows_stays_in_one_process_and_slow_runs_the_end_to_end_tests():
    # Collected only: which tests a run takes, and in how many processes.
    run = _pytest("--slow", "--collect-only", "-q", "tests/test_hub_e2e.py", "tests/test_shell_ui.py")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "test_hub_e2e.py::test_a_kiosk_reports_and_the_county_sees_it" in run.stdout
    assert "test_shell_ui.py::" in run.stdout
    assert "bringing up nodes" not in run.stdout + run.stderr
