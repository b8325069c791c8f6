"""A village's mobile link, between the terminal and the platform, on
127.0.0.1: a TCP proxy that limits the bandwidth (shared by every
connection, as one link is), adds latency each way, and cuts the
connection it is carrying once, after a given number of bytes.

What a first sync costs on such a link is round trips, bytes and what a
cut costs -- not loopback throughput. The benchmark runs the sync and
``curl`` through the same proxy for the same files.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from dataclasses import dataclass

_READ = 16 * 1024


@dataclass(frozen=True)
class LinkShape:
    rate: float = 2 * 1024 * 1024  # bytes per second, downstream, for all connections together
    latency: float = 0.1  # seconds added to a round trip (half each way)
    cut_after: int | None = None  # downstream bytes after which the connection then carrying them is cut, once


class _Bucket:
    """A token bucket: at most ``rate`` bytes a second, bursts of ``burst``."""

    def __init__(self, rate: float, burst: int = 64 * 1024):
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def take(self, count: int) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
                self._at = now
                if self._tokens >= count:
                    self._tokens -= count
                    return
                wait = (count - self._tokens) / self.rate
            time.sleep(wait)


class Link:
    """The proxy: ``url`` is the address to use instead of the upstream's."""

    def __init__(self, upstream_port: int, shape: LinkShape):
        self.upstream = ("127.0.0.1", upstream_port)
        self.shape = shape
        self.downstream_bytes = 0
        self.cuts = 0
        self._bucket = _Bucket(shape.rate)
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="link-accept", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()

    def __enter__(self) -> Link:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def reset_counts(self) -> None:
        with self._lock:
            self.downstream_bytes = 0

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._carry, args=(client,), name="link-connection", daemon=True).start()

    def _carry(self, client: socket.socket) -> None:
        time.sleep(self.shape.latency)  # the connection's handshake: one round trip
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        done = threading.Event()
        threading.Thread(target=self._up, args=(client, server, done), daemon=True).start()
        self._down(server, client, done)

    def _up(self, client: socket.socket, server: socket.socket, done: threading.Event) -> None:
        """Requests: delayed half a round trip, not rate-limited (small)."""
        with contextlib.suppress(OSError):
            while not done.is_set():
                data = client.recv(_READ)
                if not data:
                    break
                time.sleep(self.shape.latency / 2)
                server.sendall(data)
        done.set()
        _close(client, server)

    def _down(self, server: socket.socket, client: socket.socket, done: threading.Event) -> None:
        """Responses: read as they come, each piece sent half a round trip
        after it was read (pieces in flight meanwhile, as on a real link)
        and at the link's rate; cut once where asked."""
        pieces: queue.SimpleQueue[tuple[float, bytes] | None] = queue.SimpleQueue()

        def read() -> None:
            with contextlib.suppress(OSError):
                while not done.is_set():
                    data = server.recv(_READ)
                    if not data:
                        break
                    pieces.put((time.monotonic(), data))
            pieces.put(None)

        threading.Thread(target=read, name="link-read", daemon=True).start()
        with contextlib.suppress(OSError):
            while (piece := pieces.get()) is not None:
                read_at, data = piece
                delay = read_at + self.shape.latency / 2 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self._bucket.take(len(data))
                if self._cut(len(data)):
                    break
                client.sendall(data)
        done.set()
        _close(client, server)

    def _cut(self, count: int) -> bool:
        with self._lock:
            self.downstream_bytes += count
            if self.shape.cut_after is not None and self.cuts == 0 and self.downstream_bytes >= self.shape.cut_after:
                self.cuts += 1
                return True
            return False


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()
