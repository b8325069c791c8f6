"""``village-kiosk hub …`` in fresh processes, as a county technician runs
it: tokens issued and revoked while the hub serves, users added, bad
answers refused with nothing changed."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from kiosk.hub.store import opened
from support.hub_fixtures import make_reporter
from tooling.bench.hubload import HubProcess

pytestmark = pytest.mark.slow  # the hub's commands in fresh processes

VILLAGE = "431322199206"


def hub_cli(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "hub", *argv], input=stdin, capture_output=True, text=True, timeout=120)


def test_tokens_issued_and_revoked_while_the_hub_serves(tmp_path):
    database = f"sqlite:///{tmp_path / 'hub.db'}"
    issued = hub_cli("token", "new", "--village", VILLAGE, "--database", database)
    assert issued.returncode == 0, issued.stderr
    terminal_id = re.search(r"^terminal\s+(\S+)\s+\(new\)", issued.stdout, re.M).group(1)
    token = re.search(r"^token\s+(\S+)$", issued.stdout, re.M).group(1)
    assert terminal_id.startswith(f"{VILLAGE}-") and f"--terminal-id {terminal_id} --token {token}" in issued.stdout
    with opened(database) as store:
        assert token not in repr(store.terminal(terminal_id))  # only its hash is kept

    hub = HubProcess(database, tmp_path).start()
    try:
        reporter = make_reporter(hub.url, terminal_id, VILLAGE, token, tmp_path)
        assert reporter.tick().delivered
        revoked = hub_cli("token", "revoke", terminal_id, "--database", database)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        refused = reporter.tick()
        assert refused.status_code == 401 and "token rejected" in refused.message
        again = hub_cli("token", "new", terminal_id, "--village", VILLAGE, "--database", database)
        assert "new token; the old one no longer works" in again.stdout
        reporter.close()
        fresh = re.search(r"^token\s+(\S+)$", again.stdout, re.M).group(1)
        assert make_reporter(hub.url, terminal_id, VILLAGE, fresh, tmp_path / "again").tick().delivered
        listing = hub_cli("token", "list", "--database", database)
        assert re.search(rf"^{terminal_id}\s+{VILLAGE}\s+active\s", listing.stdout, re.M), listing.stdout
    finally:
        assert hub.stop() == 0  # SIGTERM: a clean stop


def test_users_added_changed_and_removed(tmp_path):
    database = f"sqlite:///{tmp_path / 'hub.db'}"
    added = hub_cli("user", "add", "li", "--township", "431322199", "--password-stdin", "--database", database, stdin="first-password\n")
    assert added.returncode == 0 and "township 431322199" in added.stdout, added.stderr
    twice = hub_cli("user", "add", "li", "--password-stdin", "--database", database, stdin="other-password\n")
    assert twice.returncode == 2 and "exists" in twice.stderr
    hub = HubProcess(database, tmp_path).start()
    try:
        login = {"name": "li", "password": "first-password"}
        assert httpx.post(f"{hub.url}/login", data=login, timeout=30).status_code == 303
        changed = hub_cli("user", "passwd", "li", "--password-stdin", "--database", database, stdin="second-password\n")
        assert changed.returncode == 0
        assert httpx.post(f"{hub.url}/login", data=login, timeout=30).status_code == 401
        assert httpx.post(f"{hub.url}/login", data={**login, "password": "second-password"}, timeout=30).status_code == 303
    finally:
        hub.stop()
    assert re.search(r"^li\s+township 431322199$", hub_cli("user", "list", "--database", database).stdout, re.M)
    assert hub_cli("user", "remove", "li", "--database", database).returncode == 0
    assert hub_cli("user", "list", "--database", database).stdout == ""


def test_bad_answers_change_nothing(tmp_path):
    database = f"sqlite:///{tmp_path / 'hub.db'}"
    cases = [
        (("token", "new", "--village", "4313", "--database", database), None, 2, "12-digit"),
        (("token", "new", "bad id!", "--village", VILLAGE, "--database", database), None, 2, "terminal id"),
        (("token", "revoke", "nobody", "--database", database), None, 2, "no terminal"),
        (("user", "add", "wang", "--password-stdin", "--database", database), "short\n", 2, "at least 8"),
        (("user", "add", "wang", "--township", "4313", "--password-stdin", "--database", database), "long-enough\n", 2, "9-digit"),
        (("user", "add", "wang", "--database", database), "", 2, "--password-stdin"),  # no terminal to ask on
        (("user", "passwd", "nobody", "--password-stdin", "--database", database), "long-enough\n", 2, "no user"),
        (("token", "list", "--database", "mysql://db/hub"), None, 3, "sqlite:///PATH or postgresql"),
    ]
    for argv, stdin, status, said in cases:
        result = hub_cli(*argv, stdin=stdin)
        assert (result.returncode, said in result.stderr) == (status, True), (argv, result.stderr)
    with opened(database) as store:
        assert store.terminals() == [] and store.users() == []


def test_serve_refuses_a_bad_configuration_clearly(tmp_path):
    config = tmp_path / "hub.toml"
    config.write_text('[hub]\nsilent_after_h = "two"\n')
    result = hub_cli("serve", "--hub-config", str(config))
    assert result.returncode == 3 and "silent_after_h" in result.stderr and "Traceback" not in result.stderr
    missing = hub_cli("serve", "--hub-config", str(tmp_path / "none.toml"))
    assert missing.returncode == 3 and "no such file" in missing.stderr
