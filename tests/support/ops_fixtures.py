"""Shared material for the operations tests: a platform (a signed feed
served on 127.0.0.1), provisioning into temporary roots, and a picture of a
tree to compare before and after."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.paths import DEMO_VILLAGE
from support.feed_fixtures import VILLAGE, Publisher, install_tree, write_village
from support.feedserver import FeedServer

PIN = "2468"
TOKEN = "tok-0123456789abcdef0123"
KIOSK_BIN = "/usr/local/bin/village-kiosk"


@dataclass
class Platform:
    base: Path
    server: FeedServer
    publisher: Publisher

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def tree(self) -> Path:
        return self.base / "tree"

    def publish(self, revision: int = 0, **options) -> None:
        write_village(self.base / "src", revision=revision)
        self.publisher.build(self.tree, self.base / "src", **options)
        install_tree(self.tree, self.server.root / VILLAGE)

    def publish_demo(self) -> None:
        """The bundled demo village instead (a year's budget, lists long
        enough to scroll), under this platform's village code."""
        source = self.base / "demo-src"
        shutil.copytree(DEMO_VILLAGE, source)
        village = json.loads((source / "village.json").read_text(encoding="utf-8"))
        village["village"]["code"] = VILLAGE
        (source / "village.json").write_text(json.dumps(village, ensure_ascii=False), encoding="utf-8")
        tree = self.base / "demo-tree"  # a feed of its own: not a new version of the small village's
        self.publisher.build(tree, source)
        install_tree(tree, self.server.root / VILLAGE)


@pytest.fixture
def platform(tmp_path):
    (tmp_path / "www").mkdir()
    server = FeedServer(tmp_path / "www").start()
    made = Platform(tmp_path / "platform", server, Publisher(tmp_path, "platform"))
    made.publish()
    yield made
    server.stop()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def provision_args(root: Path, platform: Platform, *extra: str, token: bool = True, kiosk_bin: str = KIOSK_BIN) -> list[str]:
    return [
        "provision",
        "--root",
        str(root),
        "--non-interactive",
        "--village",
        VILLAGE,
        "--platform",
        platform.url,
        "--allow-http",
        "--pubkey",
        str(platform.publisher.pub_path),
        "--pin",
        PIN,
        *(["--token", TOKEN] if token else []),
        "--kiosk-bin",
        kiosk_bin,
        *extra,
    ]


def store_of(root: Path) -> Path:
    return root / "var/lib/village-kiosk/store"


def tree_state(root: Path, skip: Path | None = None) -> dict[str, tuple]:
    """Every entry under ``root``: kind, mode, owner and content or link
    target (the store, whose database changes on every sync, can be skipped)."""
    state = {}
    for folder, dirs, names in os.walk(root):
        if skip is not None and Path(folder) == skip:
            dirs.clear()
            continue
        for name in [*dirs, *names]:
            path = Path(folder) / name
            info = path.lstat()
            relative = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                state[relative] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                state[relative] = ("dir", stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)
            else:
                state[relative] = ("file", stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, path.read_bytes())
    return state


def systemd_ready_root(root: Path) -> None:
    """Give a provisioned tree what `systemd-analyze verify --root` needs
    besides our units: systemd's own units and the binaries ExecStart names."""
    units = Path("/usr/lib/systemd/system")
    shutil.copytree(units, root / "usr/lib/systemd/system", symlinks=True, dirs_exist_ok=True)
    if not (root / "lib").exists():
        (root / "lib").symlink_to("usr/lib")
    for binary in ("usr/bin/xinit", KIOSK_BIN.lstrip("/")):
        path = root / binary
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)


class _Handler(BaseHTTPRequestHandler):
    server: HeartbeatServer

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.requests.append((self.path, dict(self.headers), body))
            status = self.server.status
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class HeartbeatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict, bytes]] = []
        self.status = 204
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def bodies(self) -> list[dict]:
        with self.lock:
            return [json.loads(body) for _, _, body in self.requests]


@pytest.fixture
def heartbeat_server():
    made = HeartbeatServer()
    yield made
    made.shutdown()
    made.server_close()
