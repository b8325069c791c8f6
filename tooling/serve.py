"""A static file server on 127.0.0.1 for the sync benchmark: Debian's
nginx when installed (what a platform would run, and a server fast enough
that the comparison with ``curl`` measures the clients), else a small
Python server with the same ETag / If-None-Match behaviour."""

from __future__ import annotations

import email.utils
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_nginx() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


class NginxServer:
    name = "nginx"

    def __init__(self, root: Path, workdir: Path, binary: str):
        self.root = root
        self.workdir = workdir
        self.binary = binary
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> NginxServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "nginx.conf"
        temp = {name: self.workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        conf.write_text(
            f"""daemon off;
master_process off;
worker_processes 1;
pid {self.workdir}/nginx.pid;
error_log {self.workdir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 100000;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.root};
        etag on;
    }}
}}
"""
        )
        self.process = subprocess.Popen(
            [self.binary, "-c", str(conf), "-p", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _wait_listening(self.port, self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            assert self.process.stderr is not None  # piped
            self.process.stderr.close()
            self.process = None


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler as a real server behaves: keep-alive, no Nagle
    delay, no log line per request."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body are separate writes: without this, Nagle and
        # delayed ACKs add 40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        pass


class _StaticHandler(QuietHandler):
    server: _PythonHttpd

    def do_GET(self):
        target = (self.server.root / self.path.split("?", 1)[0].lstrip("/")).resolve()
        if not target.is_relative_to(self.server.root) or not target.is_file():
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        stat = target.stat()
        etag = f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'  # nginx's form: mtime-size
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        start = _range_start(self.headers.get("Range", ""), stat.st_size)
        if start is None:
            self.send_response(200)
            start = 0
        else:  # the rest of a download a cut link left (nginx answers so too)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{stat.st_size - 1}/{stat.st_size}")
        self.send_header("Content-Length", str(stat.st_size - start))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        with target.open("rb") as content:
            self.connection.sendfile(content, offset=start)


def _range_start(spec: str, size: int) -> int | None:
    """N of ``bytes=N-`` within the file: the one form the terminal and curl -C - ask."""
    if not spec.startswith("bytes=") or not spec.endswith("-") or not spec[6:-1].isdigit():
        return None
    start = int(spec[6:-1])
    return start if start < size else None


class _PythonHttpd(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _StaticHandler)
        self.root = root.resolve()


class PythonServer:
    name = "python http.server"

    def __init__(self, root: Path):
        self._httpd = _PythonHttpd(root)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> PythonServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _wait_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            assert process.stderr is not None  # piped
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode(errors='replace').strip()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("nginx did not start listening")


def start_server(root: Path, workdir: Path, prefer_nginx: bool = True):
    """Serve ``root`` on 127.0.0.1: nginx when available, else Python.
    Returns the started server (``.url``, ``.name``, ``.stop()``)."""
    binary = find_nginx() if prefer_nginx else None
    if binary:
        try:
            return NginxServer(root, workdir, binary).start()
        except (OSError, RuntimeError):
            pass  # e.g. no permission for nginx's files: the Python server will do
    return PythonServer(root).start()
