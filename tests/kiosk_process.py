"""The kiosk, or any village-kiosk command, as a process of its own: the
real CLI in a fresh interpreter, as a technician or systemd runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def village_kiosk(*argv: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``village-kiosk ARGV`` in a fresh process; its status, stdout, stderr."""
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *argv], env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, check=False)


def start_kiosk(tmp_path: Path, config: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The kiosk as its own process (a window under the tests' X server),
    once its first frame is drawn."""
    ready = tmp_path / "ready"
    ready.unlink(missing_ok=True)
    env = {**os.environ, "VILLAGE_KIOSK_READY_FILE": str(ready), "VILLAGE_KIOSK_CONFIG": str(config),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), **(env or {})}
    child = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--windowed", "--size", "800x600", *extra], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not (ready.exists() and ready.read_text()) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if child.poll() is not None:
        pytest.fail(f"the kiosk ended (status {child.returncode}) before its first frame:\n{child.stdout.read()}")
    return child


def terminate(child: subprocess.Popen, within: float) -> str:
    """SIGTERM, as the service stops it; all the kiosk printed."""
    try:
        child.send_signal(signal.SIGTERM)
        output, _ = child.communicate(timeout=within)
        return output
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def keeps_running(child: subprocess.Popen, seconds: float = 3.0) -> str:
    """The kiosk is still up ``seconds`` after its first frame (a crash 'just
    after the first frame' would have ended it); then stopped. Its output."""
    time.sleep(seconds)
    alive = child.poll() is None
    output = terminate(child, within=15)
    assert alive, f"the kiosk ended (status {child.returncode}) after its first frame:\n{output}"
    assert "Traceback" not in output, output
    return output
