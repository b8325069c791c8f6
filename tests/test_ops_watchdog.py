"""The systemd watchdog keep-alive, on a real unix datagram socket standing
in for systemd's notify socket: pings come from the loop that calls
``beat()`` and stop when that loop is blocked."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from kiosk.ops.watchdog import Notifier, WatchdogPinger, watchdog_timeout

REPO = Path(__file__).resolve().parent.parent

# A stand-in for the kiosk's UI loop: it beats on every turn, then one turn
# blocks for a second (a frozen UI), then it runs again.
UI_LOOP = textwrap.dedent(
    """
    import threading, time
    from kiosk.ops.watchdog import WatchdogPinger

    pinger = WatchdogPinger()
    pinger.ready("showing v1")
    print("threads", threading.active_count(), flush=True)  # the pinger starts none
    for turn in range(40):
        if turn == 20:
            pinger.status("frozen")
            time.sleep(1.0)  # the UI loop is stuck in a long call
            pinger.status("thawed")
        pinger.beat()
        time.sleep(pinger.beat_interval / 2)
    pinger.stopping()
    """
)


class Listener(threading.Thread):
    """Plays systemd: reads notifications as they come."""

    def __init__(self, sock: socket.socket):
        super().__init__(daemon=True)
        self.sock = sock
        self.messages: list[str] = []
        self.done = threading.Event()

    def run(self):
        self.sock.settimeout(0.1)
        while not self.done.is_set():
            with contextlib.suppress(TimeoutError):
                self.messages.append(self.sock.recv(4096).decode())

    def stop(self) -> list[str]:
        self.done.set()
        self.join(10)
        return self.messages + _drain(self.sock)


@pytest.fixture
def notify_socket(tmp_path):
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    yield path, sock
    sock.close()


def _drain(sock: socket.socket) -> list[str]:
    sock.settimeout(0.2)
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096).decode())
        except TimeoutError:
            return messages


@pytest.mark.slow
def test_keepalives_come_from_the_loop_and_stop_while_it_is_blocked(notify_socket):
    path, sock = notify_socket
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "300000", "PYTHONPATH": str(REPO)}
    env.pop("WATCHDOG_PID", None)
    listener = Listener(sock)
    listener.start()
    child = subprocess.run([sys.executable, "-c", UI_LOOP], env=env, check=False, capture_output=True, text=True, timeout=60)
    messages = listener.stop()
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["threads", "1"]

    assert messages[0] == "READY=1\nSTATUS=showing v1"
    frozen, thawed = messages.index("STATUS=frozen"), messages.index("STATUS=thawed")
    before, during, after = messages[1:frozen], messages[frozen + 1 : thawed], messages[thawed + 1 :]
    assert before.count("WATCHDOG=1") >= 5  # a healthy loop pings steadily
    assert during == []  # a blocked loop does not ping: systemd would restart it
    assert after.count("WATCHDOG=1") >= 5 and after[-1] == "STOPPING=1"


def test_abstract_socket_addresses(tmp_path):
    name = f"village-kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    try:
        pinger = WatchdogPinger({"NOTIFY_SOCKET": "@" + name, "WATCHDOG_USEC": "30000000"})
        assert pinger.enabled and pinger.timeout == 30 and pinger.beat_interval == 10
        assert pinger.ready() and pinger.beat()
        assert _drain(sock) == ["READY=1", "WATCHDOG=1"]
    finally:
        sock.close()


def test_pings_closer_than_a_tenth_of_the_timeout_are_skipped(notify_socket):
    path, sock = notify_socket
    now = [100.0]
    pinger = WatchdogPinger({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"}, clock=lambda: now[0])
    assert pinger.beat()
    now[0] += 2.9
    assert not pinger.beat()  # called every frame: cheap, no datagram
    now[0] += 0.2
    assert pinger.beat()
    assert _drain(sock) == ["WATCHDOG=1", "WATCHDOG=1"]


def test_watchdog_settings_from_the_environment():
    assert watchdog_timeout({"WATCHDOG_USEC": "30000000"}) == 30
    assert watchdog_timeout({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) == 30
    assert watchdog_timeout({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None  # meant for another process
    assert watchdog_timeout({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_timeout({}) is None


def test_outside_systemd_everything_is_a_quiet_no_op():
    pinger = WatchdogPinger({})
    assert not pinger.enabled and pinger.beat_interval == 1.0
    assert not pinger.ready() and not pinger.beat() and not pinger.status("x")
    # A watchdog without a socket to ping is no watchdog either.
    assert not WatchdogPinger({"WATCHDOG_USEC": "30000000"}).beat()


def test_a_vanished_socket_never_raises_into_the_ui(notify_socket, caplog):
    path, sock = notify_socket
    notifier = Notifier({"NOTIFY_SOCKET": path})
    assert notifier.send("STATUS=ok")
    sock.close()
    os.unlink(path)
    assert not notifier.send("WATCHDOG=1")
    assert not notifier.send("WATCHDOG=1")
    assert sum("notify" in record.getMessage() for record in caplog.records) == 1  # warned once, not every beat
