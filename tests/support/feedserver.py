"""Real HTTP servers on 127.0.0.1 for the feed tests.

``FeedServer``: a small static file server with ETag / If-None-Match and
fault injection (error statuses, connection reset, truncated bodies,
trickling, stalling, endless bodies, tampering, delays).

``NginxServer``: Debian's nginx serving the same folder (``etag on``), used
by the ``feed_server`` fixture when ``VILLAGE_KIOSK_TEST_NGINX=1``, for the
cases that need no fault injection.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from support.feed_fixtures import Feed
from tooling import serve

NGINX = "/usr/sbin/nginx"
USE_NGINX = os.environ.get("VILLAGE_KIOSK_TEST_NGINX") == "1"


@dataclass
class Fault:
    """What to do instead of a plain answer, for paths ending in a suffix.

    kind: "status" (answer ``status``), "reset" (RST the connection),
    "truncate" (announce the full length, send half, close), "trickle"
    (one byte every ``delay`` s), "stall" (headers, then silence for
    ``delay`` s), "pause" (half the body, then silence for ``delay`` s),
    "endless" (a body that never ends), "tamper" (flip one byte), "delay"
    (wait ``delay`` s, then answer normally), "slow-headers" (the status line
    and headers one byte every ``delay`` s, then the body), "gzip" (the body compressed,
    as a server may for any file), "chunked" (the body in chunked transfer
    encoding, its length announced as well, as a careless proxy may).
    ``times``: how many requests it applies to (None: all).
    """

    kind: str
    status: int = 500
    delay: float = 0.0
    times: int | None = None


class _Handler(serve.QuietHandler):
    server: FeedServer

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        fault = self.server.take_fault(path)
        self.server.log.append(path)
        self.server.peers.append(self.client_address)
        if fault and fault.kind == "delay":
            time.sleep(fault.delay)
            fault = None
        if fault and fault.kind == "status":
            return self._send(fault.status, b"error\n")
        if fault and fault.kind == "reset":
            # SO_LINGER 0: close() sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return None
        if fault and fault.kind == "endless":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"x" * 65536
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                return None
        body = self.server.read(path)
        if body is None:
            return self._send(404, b"not found\n")
        etag = self.server.etag(path, body)
        if fault and fault.kind == "tamper":
            body = bytes([body[0] ^ 1]) + body[1:]
        if self.headers.get("If-None-Match") == etag and not fault:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if fault and fault.kind == "slow-headers":
            return self._send_headers_slowly(body, etag, fault.delay)
        start = self._range_start(len(body)) if self.server.honours_ranges else None
        if start is not None:
            self.server.ranges.append((path, start))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            body = body[start:]
        else:
            self.send_response(200)
        self.send_header("ETag", etag)
        if fault and fault.kind == "chunked":
            return self._send_chunked(body)
        if fault and fault.kind == "gzip":
            body = gzip.compress(body, compresslevel=1)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            if fault and fault.kind == "truncate":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
            elif fault and fault.kind == "trickle":
                for index in range(len(body)):
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                    time.sleep(fault.delay)
            elif fault and fault.kind in ("stall", "pause"):
                self.wfile.write(body[: len(body) // 2] if fault.kind == "pause" else b"")
                self.wfile.flush()
                time.sleep(fault.delay)
                self.close_connection = True
            else:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True
        return None

    def _range_start(self, size: int) -> int | None:
        """The N of a ``Range: bytes=N-`` within the file (the one form a terminal asks)."""
        spec = self.headers.get("Range", "")
        if not spec.startswith("bytes=") or not spec.endswith("-") or not spec[6:-1].isdigit():
            return None
        start = int(spec[6:-1])
        return start if start < size else None

    def _send_headers_slowly(self, body: bytes, etag: str, delay: float) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nETag: {etag}\r\nX-Padding: {'x' * 200}\r\n\r\n"
        self.close_connection = True
        try:
            for byte in head.encode():
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(delay)
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up

    def _send_chunked(self, body: bytes) -> None:
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Content-Length", str(len(body)))  # wrong beside chunked: ignored
        self.end_headers()
        step = 100_000
        for start in range(0, len(body), step):
            piece = body[start : start + step]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _send(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    supports_faults = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        # The ETag: of the content, or as nginx (and Apache) make it, from
        # the file's modification time in whole seconds and its length.
        self.etag_like_nginx = False
        self.honours_ranges = True  # answers ``Range: bytes=N-`` with 206, as nginx does
        self.ranges: list[tuple[str, int]] = []  # the ranges asked for: (path, first byte)
        self.faults: dict[str, Fault] = {}
        self.log: list[str] = []
        self.peers: list[tuple[str, int]] = []  # the connection of each request in the log
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        pass  # clients hanging up mid-answer is what many tests do on purpose

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def fault(self, suffix: str, fault: Fault) -> None:
        with self._lock:
            self.faults[suffix] = fault

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for suffix, fault in self.faults.items():
                if path.endswith(suffix):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            del self.faults[suffix]
                    return fault
        return None

    def etag(self, path: str, body: bytes) -> str:
        if self.etag_like_nginx:
            return f'"{int((self.root / path.lstrip("/")).stat().st_mtime):x}-{len(body):x}"'
        return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'

    def read(self, path: str) -> bytes | None:
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            return None
        return target.read_bytes()


class NginxServer(serve.NginxServer):
    """Debian's nginx serving a feed, as a platform would (tooling.serve's);
    faults are the Python server's alone."""

    supports_faults = False

    def __init__(self, root: Path, workdir: Path):
        super().__init__(root, workdir, NGINX)
        self.log: list[str] = []  # nginx keeps its own access log; not collected


@pytest.fixture
def feed_root(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    return root


@pytest.fixture
def feed_server(feed_root: Path, tmp_path: Path):
    """Serves ``feed_root``: the Python server, or nginx when
    VILLAGE_KIOSK_TEST_NGINX=1 (then fault injection is unavailable)."""
    if USE_NGINX:
        if not shutil.which(NGINX) and not Path(NGINX).exists():
            pytest.fail(f"VILLAGE_KIOSK_TEST_NGINX=1 but {NGINX} is missing")
        server = NginxServer(feed_root, tmp_path / "nginx").start()
    else:
        server = FeedServer(feed_root).start()
    yield server
    server.stop()


@pytest.fixture
def fault_server(feed_root: Path):
    """Always the Python server: for cases that inject faults."""
    server = FeedServer(feed_root).start()
    yield server
    server.stop()


@pytest.fixture
def feed(tmp_path: Path, feed_server):
    """A publisher, the server of its feed and a terminal's store (support.feed_fixtures.Feed)."""
    feed = Feed(tmp_path, feed_server)
    yield feed
    feed.store.close()


@pytest.fixture
def faulty(tmp_path: Path, fault_server):
    """The same on the Python server: faults injected, every request logged (nginx's are not collected)."""
    feed = Feed(tmp_path, fault_server)
    yield feed
    feed.store.close()
