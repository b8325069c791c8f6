"""``village-kiosk stop``: the unit's ExecStop. Asks the running kiosk to
stop and waits for it, while its X server is still up (see kiosk.ops.units).

The kiosk keeps its pid in the service's runtime directory
(``$RUNTIME_DIRECTORY``, /run/village-kiosk: gone at every boot, so a stale
pid can never name another process after a power cut).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

PID_FILE = "kiosk.pid"
WAIT_S = 8.0  # within the unit's TimeoutStopSec, with room for the rest to stop


def pid_file() -> Path | None:
    runtime = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
    return Path(runtime) / PID_FILE if runtime else None


def record_pid() -> None:
    """Called by the kiosk at start (a no-op outside the service)."""
    path = pid_file()
    if path is not None:
        with contextlib.suppress(OSError):
            path.write_text(f"{os.getpid()}\n")


def _running_kiosk(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"village-kiosk" in command else None


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for xinit to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def run(args, out=None) -> int:
    out = out or sys.stdout
    path = pid_file()
    pid = _running_kiosk(path) if path is not None else None
    if pid is None:
        print("stop: no running kiosk", file=out)
        return 0
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + getattr(args, "wait", WAIT_S)
    while time.monotonic() < deadline:
        if not _alive(pid):
            print(f"stop: kiosk {pid} stopped", file=out)
            return 0
        time.sleep(0.1)
    print(f"stop: kiosk {pid} still running after {getattr(args, 'wait', WAIT_S):g} s", file=out)
    return 1
