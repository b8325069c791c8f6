"""The hub under test: a real PostgreSQL (a throwaway cluster of Debian's
server, started once per session on a unix socket of its own), real SQLite
files, the real web application served by uvicorn on 127.0.0.1, and
terminals that report with the terminal's own ``HeartbeatReporter``.

Registered as a plugin in conftest.py, so the cluster is started once.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import msgspec
import pytest

from kiosk.config import Config, FeedConfig, HeartbeatConfig, TerminalConfig
from kiosk.feed import keys
from kiosk.hub import accounts, tokens
from kiosk.hub.app import Hub, create_app
from kiosk.hub.config import HubConfig
from kiosk.hub.server import HubServer
from kiosk.hub.store import Store, open_store
from kiosk.ops.heartbeat import HeartbeatReporter, Software, TerminalStatus
from tooling.bench.postgres import ThrowawayCluster

BACKENDS = ("sqlite", "postgresql")
PASSWORD = "correct-horse-1"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_cluster():
    cluster = ThrowawayCluster(fsync=False).start()  # fsync off: a test's data need not survive a power cut
    yield cluster
    cluster.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """An empty database: an SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    return request.getfixturevalue("postgres_cluster").new_database(f"hub_test_{next(_databases)}")


class Clock:
    """The hub's time; tests move it to make a terminal's report old."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class RunningHub:
    store: Store
    config: HubConfig
    server: HubServer
    clock: Clock
    work: Path
    _reporters: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def issue(self, terminal_id: str, village: str) -> str:
        """Register a terminal as ``hub token new`` does; its token."""
        token = tokens.new_token()
        self.store.put_terminal(terminal_id, village, tokens.token_hash(token), int(self.clock()))
        return token

    def add_user(self, name: str, township: str = "", password: str = PASSWORD) -> None:
        assert self.store.add_user(name, accounts.hash_password(password), township, int(self.clock()))

    def reporter(self, terminal_id: str, village: str, token: str, status=TerminalStatus, path: str | None = None) -> HeartbeatReporter:
        made = make_reporter(self.url, terminal_id, village, token, self.work, status, path)
        self._reporters.append(made)
        return made

    def login(self, name: str, password: str = PASSWORD) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30)
        response = client.post("/login", data={"name": name, "password": password})
        assert response.status_code == 303, response.text
        return client

    def close(self) -> None:
        for reporter in self._reporters:
            reporter.close()
        self.server.stop()
        self.store.close()


def make_reporter(
    hub_url: str, terminal_id: str, village: str, token: str, work: Path, status=TerminalStatus, path: str | None = None, **options
) -> HeartbeatReporter:
    """A terminal's own reporter, pointed at a hub (its state under ``work``)."""
    config = Config(
        terminal=TerminalConfig(id=terminal_id, token=token),
        feed=FeedConfig(platform=hub_url, village=village, allow_http=True),
        heartbeat=HeartbeatConfig(url=f"{hub_url}{path or f'/terminals/{terminal_id}/heartbeat'}"),
    )
    return HeartbeatReporter(config, work / "terminals" / terminal_id, status, **options)


def start_hub(url: str, work: Path, **options) -> RunningHub:
    config = HubConfig(database=url, **options)
    store = open_store(url)
    clock = Clock()
    server = HubServer(create_app(Hub(store, config, clock)), config).start()
    return RunningHub(store, config, server, clock, work)


@pytest.fixture
def hub(database_url, tmp_path):
    """The hub on each backend, on a thread of the test process."""
    running = start_hub(database_url, tmp_path)
    yield running
    running.close()


def start_publishing_hub(work: Path, **options) -> RunningHub:
    """The hub on SQLite, publishing: a signing key made for it in
    keys/ (feed.key, and feed.pub for the terminals), the feeds in feeds/,
    uploads in uploads/; a county user."""
    private, _ = keys.generate(work / "keys")
    options = {"feed_dir": str(work / "feeds"), "signing_key": str(private), "uploads": str(work / "uploads"), **options}
    running = start_hub(f"sqlite:///{work / 'hub.db'}", work, **options)
    running.add_user("county")
    return running


@pytest.fixture
def publishing_hub(tmp_path):
    """A publishing hub (``start_publishing_hub``) with a user of 青石镇
    (431322199) and a terminal in 枫木冲村 (431322199206)."""
    running = start_publishing_hub(tmp_path, max_upload_mb=64)
    running.add_user("qingshi", township="431322199")
    running.issue("431322199206-A1C3E5", "431322199206")
    yield running
    running.close()


@pytest.fixture
def sqlite_hub(tmp_path):
    """The hub on SQLite only: for what does not depend on the database."""
    running = start_hub(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path)
    yield running
    running.close()


def post_heartbeat(hub: RunningHub, terminal_id: str, village: str, token: str, software: Software | None, *, sent: bool = True) -> None:
    """One report of the terminal's own reporter over HTTP, with this
    ``software`` block (``sent=False``: without the field, as terminals
    older than it send)."""
    reporter = make_reporter(hub.url, terminal_id, village, token, hub.work)
    try:
        body = json.loads(msgspec.json.encode(msgspec.structs.replace(reporter.build([], 0), software=software)))
    finally:
        reporter.close()
    if not sent:
        del body["software"]
    response = httpx.post(
        f"{hub.url}/terminals/{terminal_id}/heartbeat",
        content=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
