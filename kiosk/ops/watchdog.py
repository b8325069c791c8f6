"""Talking to systemd: readiness, status text and the watchdog keep-alive.

The kiosk service is ``Type=notify`` with ``WatchdogSec=``: systemd
restarts it unless it hears ``WATCHDOG=1`` often enough. The point is to
catch a *frozen UI*, not only a dead process, so the keep-alive must come
from the UI loop itself: ``WatchdogPinger.beat()`` is called by the UI's
clock and never by a thread of its own. A UI loop stuck in a long call or
a deadlock stops beating, and systemd restarts the kiosk.

The protocol is sd_notify(3): one datagram of ``KEY=VALUE`` lines to the
unix socket named by ``$NOTIFY_SOCKET`` (``@name`` is an abstract socket).
No libsystemd needed. Outside systemd every call is a cheap no-op.

The kiosk runs as a grandchild of the service's main process (xinit →
session script → village-kiosk), so the unit says ``NotifyAccess=all`` and
the session script unsets ``WATCHDOG_PID`` (which names xinit).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)


def _address(raw: str) -> str:
    # Abstract namespace sockets are written with a leading "@".
    return "\0" + raw[1:] if raw.startswith("@") else raw


def watchdog_timeout(env: Mapping[str, str] = os.environ, pid: int | None = None) -> float | None:
    """The watchdog timeout in seconds systemd gave this process, or None
    when there is no watchdog (or it is meant for another process)."""
    usec = env.get("WATCHDOG_USEC", "")
    owner = env.get("WATCHDOG_PID", "")
    if owner and owner != str(pid if pid is not None else os.getpid()):
        return None
    if not usec.isdigit() or int(usec) == 0:
        return None
    return int(usec) / 1_000_000


class Notifier:
    """Sends sd_notify messages; a no-op without ``$NOTIFY_SOCKET``."""

    def __init__(self, env: Mapping[str, str] = os.environ):
        raw = env.get("NOTIFY_SOCKET", "")
        self.address = _address(raw) if raw else None
        self._socket: socket.socket | None = None
        self._warned = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *assignments: str) -> bool:
        """Send ``KEY=VALUE`` lines in one datagram. Never raises: a lost
        notification must not take the UI down with it."""
        if self.address is None:
            return False
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            # Never blocks: a busy systemd must not freeze the UI that pings it.
            self._socket.sendto("\n".join(assignments).encode("utf-8"), socket.MSG_DONTWAIT, self.address)
        except OSError as exc:
            if not self._warned:  # once: the UI calls this every few seconds
                log_event(log, "watchdog.notify_failed", logging.WARNING, address=self.address, error=exc)
                self._warned = True
            self.close()
            return False
        self._warned = False
        return True

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


class WatchdogPinger:
    """Readiness and keep-alive for the UI loop.

    The app calls ``ready()`` once its first screen is up, and ``beat()``
    from its UI clock every ``beat_interval`` seconds (calling it more often
    is cheap: pings closer than a tenth of the timeout are skipped).
    """

    def __init__(self, env: Mapping[str, str] = os.environ, clock: Callable[[], float] = time.monotonic):
        self.notifier = Notifier(env)
        self.timeout = watchdog_timeout(env)
        self._clock = clock
        self._last_ping: float | None = None

    @property
    def enabled(self) -> bool:
        return self.notifier.enabled and self.timeout is not None

    @property
    def beat_interval(self) -> float:
        """How often the UI loop should call ``beat()``: three beats per
        timeout, so one late frame never costs a restart (1 s without a watchdog)."""
        return self.timeout / 3 if self.timeout else 1.0

    def ready(self, status: str | None = None) -> bool:
        lines = ["READY=1"] + ([f"STATUS={status}"] if status else [])
        return self.notifier.send(*lines)

    def status(self, text: str) -> bool:
        return self.notifier.send(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.notifier.send("STOPPING=1")

    def beat(self) -> bool:
        """Tell systemd the UI loop is alive. True when a ping was sent."""
        timeout = self.timeout
        if timeout is None or not self.notifier.enabled:  # not self.enabled, spelled out for the type checker
            return False
        now = self._clock()
        if self._last_ping is not None and now - self._last_ping < timeout / 10:
            return False
        if self.notifier.send("WATCHDOG=1"):
            self._last_ping = now
            return True
        return False

    def close(self) -> None:
        self.notifier.close()
