"""`village-kiosk doctor` on a healthy terminal (provisioned into a temporary
root, data synced from a real feed on 127.0.0.1) and on broken ones."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil

import msgspec
import pytest

from kiosk.config import Config, load_config
from kiosk.feed.import_ import import_tree
from kiosk.feed.store import Store
from kiosk.ops import doctor
from kiosk.ops.doctor import Level
from kiosk.ops.heartbeat import HeartbeatReporter, TerminalStatus
from support.feed_fixtures import VILLAGE, Publisher, damage_blob, write_village
from support.ops_fixtures import provision_args, run_cli, store_of
from support.xsession import free_display

LINE = re.compile(r"^(OK  |WARN|FAIL)  (?P<name>[a-z-]+): \S.*$")


@pytest.fixture
def terminal(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    status, _, err = run_cli(capsys, *provision_args(root, platform))
    assert status == 0, err
    return root


def _levels(root, **options) -> dict[str, tuple[Level, str]]:
    return {
        check.name: (check.level, check.line())
        for check in doctor.checks(root, display=os.environ.get("DISPLAY") or f":{free_display()}", **options)
    }


def _report(root, heartbeat_server) -> None:
    """One delivered heartbeat, as the running kiosk would have sent."""
    config = load_config(root / "etc/village-kiosk/config.toml")
    config = msgspec.structs.replace(config, heartbeat=msgspec.structs.replace(config.heartbeat, url=heartbeat_server.url + "/hb"))
    reporter = HeartbeatReporter(config, store_of(root), TerminalStatus)
    assert reporter.tick().delivered
    reporter.close()


def test_a_healthy_terminal(terminal, heartbeat_server, capsys, x_display):
    _report(terminal, heartbeat_server)
    status, out, _ = run_cli(capsys, "doctor", "--root", str(terminal))
    lines = out.splitlines()
    checks = lines[:-1]
    assert all(LINE.match(line) for line in checks), out
    by_name = {LINE.match(line)["name"]: line for line in checks}
    assert list(by_name) == [
        "display",
        "gl",
        "font",
        "config",
        "keys",
        "data",
        "signature",
        "history",
        "disk",
        "clock",
        "network",
        "read-aloud",
        "heartbeat",
        "boot",
        "software",
    ]
    for name in (
        "display",
        "font",
        "config",
        "keys",
        "data",
        "signature",
        "history",
        "disk",
        "clock",
        "network",
        "heartbeat",
        "boot",
        "software",
    ):
        assert by_name[name].startswith("OK  "), by_name[name]
    assert f"v1 for village {VILLAGE}" in by_name["data"] and "all 11 files intact" in by_name["signature"]
    assert re.search(r"chain at v1 \(sha256 [0-9a-f]{64}\); 0 corrections kept", by_name["history"]), by_name["history"]
    assert "HTTP 200" in by_name["network"]
    assert "a development install: software updates do not apply" in by_name["software"]  # not from the package (§10)
    assert not any(line.startswith("FAIL") for line in checks)
    assert status == 0 and re.fullmatch(r"\d+ OK, \d+ WARN, 0 FAIL", lines[-1])


def test_missing_keys(terminal, capsys):
    for key in (terminal / "etc/village-kiosk/keys").iterdir():
        key.unlink()
    status, out, _ = run_cli(capsys, "doctor", "--root", str(terminal))
    assert status == 1
    assert re.search(r"^FAIL  keys: .*cannot read public key.* — copy the platform's key again", out, re.MULTILINE), out
    assert re.search(r"^WARN  signature: not checked \(no usable keys\)$", out, re.MULTILINE)


def test_corrupt_config(terminal, capsys):
    (terminal / "etc/village-kiosk/config.toml").write_text("[feed\nvillage = 1\n")
    status, out, _ = run_cli(capsys, "doctor", "--root", str(terminal))
    assert status == 1
    assert re.search(r"^FAIL  config: .*not valid TOML.* — fix the file, or provision again", out, re.MULTILINE), out
    for name in ("keys", "data"):
        assert re.search(rf"^WARN  {name}: not checked \(configuration invalid\)$", out, re.MULTILINE), out


def test_an_unprovisioned_machine(tmp_path):
    found = _levels(tmp_path)
    assert found["config"][0] is Level.FAIL and "village-kiosk provision" in found["config"][1]
    assert found["boot"][0] is Level.FAIL


def test_tampered_store(terminal, platform):
    with Store(store_of(terminal)) as store:
        entry = store.current().files[0]
        damage_blob(store, entry.sha256)  # the bytes on disk no longer match their hash
    level, line = _levels(terminal)["signature"]
    assert level is Level.FAIL and "fails verification" in line and "sync again to repair it" in line


def test_data_signed_by_a_key_the_terminal_does_not_trust(terminal, tmp_path):
    intruder = Publisher(tmp_path, "intruder")
    write_village(tmp_path / "forged-src", revision=5)
    intruder.build(tmp_path / "forged", tmp_path / "forged-src", version=9)
    shutil.rmtree(store_of(terminal))  # a store emptied first: no chain held for the forgery to extend
    with Store(store_of(terminal)) as store:
        assert import_tree(store, tmp_path / "forged", intruder.keyring).ok  # slipped in around the terminal's checks
    found = _levels(terminal)
    assert found["signature"][0] is Level.FAIL and "unknown key" in found["signature"][1]
    assert found["data"][0] is Level.OK  # present and recent: only the signature check catches it


def test_platform_down_is_a_warning_a_wrong_village_a_failure(terminal, platform, capsys):
    platform.server.stop()
    status, out, _ = run_cli(capsys, "doctor", "--root", str(terminal))
    assert re.search(r"^WARN  network: cannot reach .*ConnectError.* — check the cable", out, re.MULTILINE), out
    assert status == 0  # the kiosk keeps showing its verified data

    config_path = terminal / "etc/village-kiosk/config.toml"
    config = load_config(config_path)
    restarted = platform.server.__class__(platform.server.root).start()
    try:
        text = config_path.read_text().replace(config.feed.platform, restarted.url)
        config_path.write_text(text.replace(VILLAGE, "431399101299"))
        level, line = _levels(terminal)["network"]
        assert level is Level.FAIL and "no feed for village 431399101299" in line
    finally:
        restarted.stop()


def test_clock_sanity(terminal):
    level, line = _levels(terminal, now=dt.datetime(2019, 3, 1, tzinfo=dt.UTC))["clock"]
    assert level is Level.FAIL and "2019-03-01" in line and "timedatectl set-ntp true" in line
    with Store(store_of(terminal)) as store:
        published = store.current().generated_at
    level, line = _levels(terminal, now=published - dt.timedelta(days=3))["clock"]
    assert level is Level.WARN and "behind data published at" in line


def test_stale_and_missing_data(terminal):
    with Store(store_of(terminal)) as store:
        expires = store.current().expires_at
    level, line = _levels(terminal, now=expires + dt.timedelta(days=1))["data"]
    assert level is Level.WARN and "out of date since" in line

    for path in sorted(store_of(terminal).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    found = _levels(terminal)
    assert found["data"][0] is Level.FAIL and "sync --once" in found["data"][1]
    assert found["signature"][0] is Level.WARN
    assert not (store_of(terminal) / "store.db").exists()  # the doctor created nothing


def test_no_display(terminal, x_display):
    found = {check.name: check for check in doctor.checks(terminal, display=f":{free_display()}")}
    assert found["display"].level is Level.FAIL and "systemctl status village-kiosk.service" in found["display"].line()
    assert found["gl"].level is Level.WARN and "not checked" in found["gl"].detail


def test_x_handshake_tells_x_from_other_listeners(tmp_path, x_display):
    assert doctor.x_answers(os.environ["DISPLAY"]) is None
    assert "not a local display" in doctor.x_answers("example.invalid:0")
    assert "nothing listens" in doctor.x_answers(f":{free_display()}")


def test_missing_pin_and_token_are_warnings(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    assert run_cli(capsys, *provision_args(root, platform, token=False))[0] == 0
    found = _levels(root)
    assert found["config"][0] is Level.WARN and "no token set" in found["config"][1]
    assert found["heartbeat"][0] is Level.WARN and "--token" in found["heartbeat"][1]
    assert Config().terminal.token == ""


def test_read_aloud_without_a_sound_device_is_named(tmp_path, monkeypatch):
    """espeak-ng installed but nothing to play on: not 'OK' (the kiosk's
    button tells villagers it cannot speak)."""
    from kiosk.speech.engine import SpeechEngine

    if SpeechEngine.detect() is None:
        pytest.skip("espeak-ng with its cmn voice is not installed (provisioning/dev.sh installs it)")
    (tmp_path / ".asoundrc").write_text("pcm.!default { type hw card 7 }\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    check = doctor.check_speech()
    assert check.level is Level.WARN and "cannot play" in check.detail and "speakers" in check.fix
    (tmp_path / ".asoundrc").write_text("pcm.!default { type null }\n")
    assert doctor.check_speech().level is Level.OK
