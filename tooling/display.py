"""An X server for headless runs (tour, tests): Xvfb when there is no DISPLAY.

Nothing here imports Kivy: the display must exist before Kivy opens its window.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess

XVFB_PACKAGE = "xvfb"


class DisplayError(RuntimeError):
    pass


def ensure_display(width: int = 1920, height: int = 1920) -> str:
    """Return the X display to use, starting a private Xvfb if none is set."""
    if os.environ.get("DISPLAY"):
        return os.environ["DISPLAY"]
    if shutil.which("Xvfb") is None:
        raise DisplayError(f"No DISPLAY and no Xvfb: install it with apt-get install {XVFB_PACKAGE}")
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes its display number when ready
    if not number:
        process.kill()
        raise DisplayError("Xvfb did not start")
    atexit.register(process.terminate)
    os.environ["DISPLAY"] = f":{number}"
    return os.environ["DISPLAY"]


def x_server_alive(display: str) -> bool:
    """True when something listens on the display's local socket."""
    import socket

    number = display.split(":", 1)[-1].split(".", 1)[0]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(f"/tmp/.X11-unix/X{number}")
        return True
    except OSError:
        return False
    finally:
        sock.close()
