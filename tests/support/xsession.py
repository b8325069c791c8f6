"""The terminal's real session for the tests: what ``provision`` wrote,
started the way its systemd unit starts it.

The provisioned files are bind-mounted at their real paths in a private
mount namespace (so the session script, the configuration and the store
are where the unit and the configuration name them), and ``xinit`` runs
the session script as the provisioned kiosk user, with Xvfb in place of
the terminal's X server and the unit's own server options. No window
manager, no harness: the test sees the root window and sends real X input
with xdotool. Needs root (mounts, another user).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageGrab

from kiosk.ops import units
from kiosk.release import layout

# The unit's server options an X server of any kind understands (the rest
# -- vt1, -keeptty, -novtswitch -- are about a real console).
_PORTABLE_SERVER_OPTIONS = ("-nolisten", "tcp", "-nocursor", "-s", "0", "-dpms")
# The terminal's own folders, and its software's (kiosk.release.layout).
_MOUNTED = (
    units.CONFIG_DIR,
    units.STATE_DIR,
    units.CACHE_DIR,
    str(Path(units.SESSION_SCRIPT).parent),
    layout.PREFIX,
    layout.STATE_DIR,
)


def in_tree(root: Path, command: list[str]) -> list[str]:
    """``command`` in a private mount namespace where the provisioned tree's
    folders are at the terminal's real paths (needs root)."""
    for path in _MOUNTED:
        (root / path.lstrip("/")).mkdir(parents=True, exist_ok=True)
    setup = " && ".join(f"mkdir -p {shlex.quote(path)}" for path in _MOUNTED)
    mounts = " && ".join(f"mount --bind {shlex.quote(str(root / path.lstrip('/')))} {shlex.quote(path)}" for path in _MOUNTED)
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{setup} && {mounts} && exec "$@"', "in-tree", *command]


def run_in_tree(root: Path, command: list[str], as_kiosk: bool = False, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a command of the terminal's (its units', its package's) with the
    tree at its real paths, as root or as the tree's kiosk user."""
    if as_kiosk:
        uid, gid = kiosk_ids(root)
        command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *command]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": "/root" if not as_kiosk else units.STATE_DIR}
    # From /, as systemd starts units: never the checkout's modules by the current folder.
    return subprocess.run(in_tree(root, command), capture_output=True, text=True, timeout=timeout, env=env, cwd="/", check=False)


_DISPLAYS_PER_WORKER = 60


def free_display() -> int:
    """A display number no X server has: from a range of this pytest-xdist
    worker's own, so two workers never start a server on the same number."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    first = 40 + worker * _DISPLAYS_PER_WORKER
    for number in range(first, first + _DISPLAYS_PER_WORKER):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


def unit_line(root: Path, key: str, unit: str = units.KIOSK_UNIT) -> list[str]:
    """A command line of a provisioned unit (``ExecStart``, ``ExecStop``, …), split."""
    text = (root / units.UNIT_DIR.lstrip("/") / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith(f"{key}="))
    return shlex.split(line.removeprefix(f"{key}="))


def kiosk_ids(root: Path) -> tuple[int, int]:
    """The kiosk user's uid and gid in the provisioned tree."""
    for line in (root / "etc/passwd").read_text().splitlines():
        name, _, uid, gid, *_ = line.split(":")
        if name == units.KIOSK_USER:
            return int(uid), int(gid)
    raise LookupError("no kiosk user in the tree")


@dataclass
class Session:
    root: Path
    display: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str]
    work: Path
    notify: socket.socket | None = None
    notified: list[str] = field(default_factory=list)
    senders: dict[str, set[str]] = field(default_factory=dict)  # each notification line: the programs that sent it

    def screenshot(self) -> Image.Image:
        return ImageGrab.grab(xdisplay=self.display)

    def xdotool(self, *args: str) -> str:
        result = subprocess.run(
            ["xdotool", *args], env={**os.environ, "DISPLAY": self.display}, capture_output=True, text=True, timeout=20, check=True
        )
        return result.stdout

    def click(self, x: int, y: int) -> None:
        """A finger's tap: there, down, a moment, up."""
        self.xdotool("mousemove", str(x), str(y), "sleep", "0.2", "mousedown", "1", "sleep", "0.1", "mouseup", "1")

    def window_geometry(self) -> tuple[int, int, int, int]:
        """Position and size of the kiosk's top-level window: x, y, width, height."""
        # The one visible top-level window (there is no window manager to frame it).
        (window,) = self.xdotool("search", "--maxdepth", "1", "--onlyvisible", "--name", "").split()
        out = self.xdotool("getwindowgeometry", window)
        x, y = map(int, re.search(r"Position: (\d+),(\d+)", out).groups())
        width, height = map(int, re.search(r"Geometry: (\d+)x(\d+)", out).groups())
        return x, y, width, height

    def wait_for(self, condition, timeout: float = 60.0, what: str = "the kiosk"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the session ended (status {self.process.returncode}) waiting for {what}:\n{self.output()}")
            try:
                found = condition()
            except (subprocess.CalledProcessError, OSError, IndexError, AttributeError):
                found = None
            if found:
                return found
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}:\n{self.output()}")

    def read_notifications(self) -> list[str]:
        """Every sd_notify line so far; ``senders`` says who sent each (the
        sender's credentials, as systemd reads them with SO_PASSCRED)."""
        if self.notify is not None:
            while True:
                try:
                    data, ancillary, _flags, _address = self.notify.recvmsg(4096, socket.CMSG_SPACE(12))
                except BlockingIOError:
                    break
                sender = _sender_program(ancillary)
                for line in data.decode().splitlines():
                    self.notified.append(line)
                    self.senders.setdefault(line, set()).add(sender)
        return self.notified

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""

    def stop_like_systemd(self, timeout: float = units.STOP_TIMEOUT_SEC) -> str:
        """Stop the service as systemd does: its ExecStop as the kiosk user,
        then SIGTERM to every process left (KillMode=control-group). What
        ExecStop printed."""
        uid, gid = kiosk_ids(self.root)
        stop = unit_line(self.root, "ExecStop")
        started = time.monotonic()
        result = subprocess.run(
            # With the tree at the real paths, as the session: the command may be the package's, under /opt.
            in_tree(self.root, ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *stop]),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.terminate(timeout - (time.monotonic() - started))
        return result.stdout + result.stderr

    def terminate(self, timeout: float = units.STOP_TIMEOUT_SEC) -> int:
        """SIGTERM to every process of the session (the X server, which xinit
        puts in a process group of its own, too: systemd signals the unit's
        whole cgroup); the status of xinit."""
        server = self._server_pid()
        for group in (self.process.pid, server):
            with contextlib.suppress(ProcessLookupError, TypeError):
                os.killpg(group, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise AssertionError(f"the session did not stop within {timeout} s of SIGTERM:\n{self.output()}") from None

    def _server_pid(self) -> int | None:
        """The X server's pid, from its lock file (gone once it has stopped)."""
        try:
            return int(Path(f"/tmp/.X{self.display[1:]}-lock").read_text().strip())
        except (OSError, ValueError):
            return None

    def _own_processes(self) -> list[int]:
        """Every process of this session, by the runtime directory in its
        environment: xinit puts its client in a process group of its own, and
        a kiosk that hangs (a broken release's) outlives its X server."""
        marker = f"RUNTIME_DIRECTORY={self.work / 'run'}".encode() + b"\0"
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if marker in (entry / "environ").read_bytes():
                        found.append(int(entry.name))
        return found

    def close(self) -> None:
        server = self._server_pid()
        for group in (self.process.pid, server):
            with contextlib.suppress(ProcessLookupError, TypeError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        for pid in self._own_processes():  # like systemd's KillMode=control-group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        if server is not None:  # killed: it left its socket and lock behind
            for leftover in (f"/tmp/.X11-unix/X{self.display[1:]}", f"/tmp/.X{self.display[1:]}-lock"):
                Path(leftover).unlink(missing_ok=True)
        if self.notify is not None:
            self.notify.close()
        shutil.rmtree(self.work, ignore_errors=True)


def _sender_program(ancillary: list) -> str:
    """The program name of a datagram's sender (from SCM_CREDENTIALS: pid, uid, gid)."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = int.from_bytes(data[:4], "little")
            try:
                return Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                return f"pid {pid} (gone)"
    return "unknown"


def start_session(root: Path, size: tuple[int, int], watchdog_s: int | None = None) -> Session:
    """Run the provisioned session under xinit on a new Xvfb of ``size``."""
    # The service's runtime directory and systemd's notify socket: where the
    # kiosk user can reach them (pytest's own temporary folders are root's alone).
    work = Path(tempfile.mkdtemp(prefix="kiosk-session-"))
    work.chmod(0o755)
    exec_start = unit_line(root, "ExecStart")
    xinit, script = exec_start[0], exec_start[1]
    assert xinit == units.XINIT and script == units.SESSION_SCRIPT, exec_start
    # The unit's X server script as provisioned, with Xvfb for the terminal's X server.
    assert exec_start[exec_start.index("--") + 1] == units.X_SERVER_SCRIPT, exec_start
    provisioned_server = (root / units.X_SERVER_SCRIPT.lstrip("/")).read_text()
    assert f"exec {units.X_SERVER} " in provisioned_server, provisioned_server
    server_options = [option for option in exec_start[exec_start.index("--") + 2 :] if option not in ("vt1", "-keeptty", "-novtswitch")]
    assert set(server_options) <= set(_PORTABLE_SERVER_OPTIONS) | {":0"}, server_options
    number = free_display()
    uid, gid = kiosk_ids(root)
    cache = root / units.CACHE_DIR.lstrip("/")
    cache.mkdir(parents=True, exist_ok=True)
    os.chown(cache, uid, gid)
    server = work / "kiosk-xserver"
    server.write_text(provisioned_server.replace(f"exec {units.X_SERVER} ", "exec /usr/bin/Xvfb "))
    server.chmod(0o755)
    command = [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={gid}",
        "--clear-groups",
        "--",
        xinit,
        script,
        "--",
        str(server),
        f":{number}",
        "-screen",
        "0",
        f"{size[0]}x{size[1]}x24",
        *(option for option in server_options if option != ":0"),
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # The unit's Environment= line.
        "HOME": units.STATE_DIR,
        "XDG_CACHE_HOME": units.CACHE_DIR,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "RUNTIME_DIRECTORY": str(work / "run"),  # RuntimeDirectory=
    }
    (work / "run").mkdir(exist_ok=True)
    os.chown(work / "run", uid, gid)
    notify = None
    if watchdog_s is not None:
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        notify_path = work / "notify.sock"
        notify.bind(str(notify_path))
        notify.setblocking(False)
        os.chmod(notify_path, 0o777)
        # As systemd sets them for the main process (xinit).
        env.update(NOTIFY_SOCKET=str(notify_path), WATCHDOG_USEC=str(watchdog_s * 1_000_000), WATCHDOG_PID="1")
    log = work / f"session-{number}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            in_tree(root, command),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    return Session(root, f":{number}", process, log, env, work, notify)


def colour_box(image: Image.Image, rgb: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom) of the pixels of exactly
    ``rgb``, or None; found on a quarter-size copy, in full-size pixels."""
    small = image.convert("RGB").reduce(4)
    mask = Image.eval(
        Image.merge("RGB", [band.point(lambda v, c=c: 255 if v == c else 0) for band, c in zip(small.split(), rgb, strict=False)]).convert(
            "L"
        ),
        lambda v: 255 if v == 255 else 0,
    )
    box = mask.getbbox()
    return tuple(side * 4 for side in box) if box else None
