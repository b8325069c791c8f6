"""`village-kiosk provision` into temporary roots: every file it writes,
idempotence, refusal of bad input with nothing written, interactive use."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.feed import keys
from kiosk.feed.store import Store
from kiosk.ops import provision, units
from kiosk.ops.pin import verify_pin
from support.feed_fixtures import OTHER_VILLAGE, VILLAGE, Publisher, write_village
from support.ops_fixtures import (
    KIOSK_BIN,
    PIN,
    TOKEN,
    provision_args,
    run_cli,
    store_of,
    systemd_ready_root,
    tree_state,
)

REPO = Path(__file__).resolve().parent.parent


def _passwd_entry(root: Path, name: str = "kiosk") -> list[str]:
    [line] = [line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith(f"{name}:")]
    return line.split(":")


def test_provision_writes_every_file(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    status, out, err = run_cli(capsys, *provision_args(root, platform, "--rotation", "90"))
    assert status == provision.EXIT_OK, err

    # The configuration: every provisioned answer, the PIN only as a salted hash.
    config_path = root / "etc/village-kiosk/config.toml"
    text = config_path.read_text()
    config = load_config(config_path)
    key_id = keys.key_id(keys.load_public_key(platform.publisher.pub_path))
    assert config.feed.village == VILLAGE and config.feed.platform == platform.url and config.feed.allow_http
    assert config.feed.pubkeys == [f"/etc/village-kiosk/keys/{key_id}.pub"]
    assert config.terminal.token == TOKEN and config.display.rotation == 90
    assert re.fullmatch(rf"{VILLAGE}-[0-9A-F]{{6}}", config.terminal.id)
    assert PIN not in text and verify_pin(PIN, config.terminal.pin_hash) and not verify_pin("1357", config.terminal.pin_hash)
    # Readable only by root and the kiosk user's group.
    _, _, uid, gid, *_ = _passwd_entry(root)
    info = config_path.stat()
    assert oct(info.st_mode & 0o777) == "0o640"
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (0, int(gid))
        assert (store_of(root).stat().st_uid, store_of(root).stat().st_gid) == (int(uid), int(gid))

    # The key, copied as one line of base64.
    key_file = root / f"etc/village-kiosk/keys/{key_id}.pub"
    assert key_file.read_text().strip() == platform.publisher.pub_path.read_text().strip()

    # The kiosk user: a locked system account with no shell, in the tree's own files.
    _, _, uid, gid, _, home, shell = _passwd_entry(root)
    assert 100 <= int(uid) <= 999 and home == units.STATE_DIR and shell == "/usr/sbin/nologin"
    assert f"kiosk:x:{gid}:" in (root / "etc/group").read_text().splitlines()
    assert "kiosk:!:::::::" in (root / "etc/shadow").read_text().splitlines()
    assert oct((root / "etc/shadow").stat().st_mode & 0o777) == "0o640"

    # The kiosk service: notify + watchdog + always restart, as the kiosk user on a bare X.
    service = (root / "etc/systemd/system/village-kiosk.service").read_text()
    for line in (
        "Type=notify",
        "NotifyAccess=all",
        "WatchdogSec=30",
        "Restart=always",
        "RestartSec=2",
        "User=kiosk",
        f"ExecStart=/usr/bin/xinit {units.SESSION_SCRIPT} -- {units.X_SERVER_SCRIPT} :0 vt1",
        f"ExecStop={KIOSK_BIN} stop",
        "RuntimeDirectory=village-kiosk",
        "WantedBy=graphical.target",
    ):
        assert any(candidate.startswith(line) for candidate in service.splitlines()), line
    session = root / units.SESSION_SCRIPT.lstrip("/")
    script = session.read_text()
    assert os.access(session, os.X_OK)
    assert "xset s off" in script and "xset -dpms" in script
    assert "90" not in script  # the kiosk turns its own picture: nothing rotation-specific in X
    assert load_config(root / "etc/village-kiosk/config.toml").display.rotation == 90
    assert script.rstrip().endswith(f"exec {KIOSK_BIN}")
    server = root / units.X_SERVER_SCRIPT.lstrip("/")
    assert os.access(server, os.X_OK) and server.read_text().rstrip().endswith('exec /usr/bin/X "$@"')

    # The kiosk itself syncs (one writer to the store): no second syncing unit.
    assert not (root / "etc/systemd/system/village-kiosk-sync.timer").exists()
    assert "RestartPreventExitStatus=64" in (root / "etc/systemd/system/village-kiosk.service").read_text()
    # Log size bounded.
    assert "SystemMaxUse=100M" in (root / "etc/systemd/journald.conf.d/village-kiosk.conf").read_text()

    # Enabled and the default target, as systemctl would link them.
    links = {
        "etc/systemd/system/graphical.target.wants/village-kiosk.service": "/etc/systemd/system/village-kiosk.service",
        "etc/systemd/system/default.target": "/lib/systemd/system/graphical.target",
    }
    for link, target in links.items():
        assert os.readlink(root / link) == target

    # The first sync brought the data, and the summary says so.
    with Store(store_of(root)) as store:
        assert store.verify(platform.publisher.keyring).version == 1
    for fact in (VILLAGE, config.terminal.id, platform.url, key_id, "v1", "90 degrees clockwise", "watchdog 30 s"):
        assert fact in out, fact
    assert all(len(line) <= provision.BOX_WIDTH for line in out.splitlines() if line.startswith(("|", "+")))


def test_generated_units_pass_systemd_analyze_verify(tmp_path, platform, capsys):
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is missing: apt-get install systemd (provisioning/dev.sh installs it)")
    root = tmp_path / "root"
    root.mkdir()
    assert run_cli(capsys, *provision_args(root, platform, "--skip-sync"))[0] == provision.EXIT_OK
    systemd_ready_root(root)
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", units.KIOSK_UNIT],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 even for unknown keys or bad values: it must also say nothing.
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr

    # The check would notice a mistake.
    service = root / "etc/systemd/system" / units.KIOSK_UNIT
    service.write_text(service.read_text().replace("Restart=always", "Restart=alwys"))
    broken = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", units.KIOSK_UNIT], check=False, capture_output=True, text=True, timeout=60
    )
    assert "alwys" in broken.stdout + broken.stderr


def test_session_script_runs_on_a_real_x_server(tmp_path, platform, capsys, x_display):
    if shutil.which("xset") is None:
        pytest.skip("needs x11-xserver-utils (provisioning/dev.sh installs it)")
    root = tmp_path / "root"
    root.mkdir()
    report = tmp_path / "report"
    kiosk = tmp_path / "fake-kiosk"
    # Stands in for the kiosk: reports what the session set up, from inside the session.
    kiosk.write_text(f'#!/bin/sh\n{{ echo "WATCHDOG_PID=${{WATCHDOG_PID:-unset}}"; xset q; }} > {report} 2>&1\n')
    kiosk.chmod(0o755)
    args = provision_args(root, platform, "--skip-sync", "--rotation", "180")
    args[args.index("--kiosk-bin") + 1] = str(kiosk)
    assert run_cli(capsys, *args)[0] == provision.EXIT_OK
    session = root / units.SESSION_SCRIPT.lstrip("/")
    env = {**os.environ, "WATCHDOG_PID": "1"}
    result = subprocess.run([str(session)], env=env, check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    seen = report.read_text()
    assert "WATCHDOG_PID=unset" in seen
    assert re.search(r"Screen Saver:\s+prefer blanking:\s+no.*\n\s+timeout:\s+0\b", seen), seen


def test_provisioning_again_changes_nothing_and_keeps_the_id(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    assert run_cli(capsys, *provision_args(root, platform))[0] == provision.EXIT_OK
    first = tree_state(root, skip=store_of(root))
    first_id = load_config(root / "etc/village-kiosk/config.toml").terminal.id

    status, out, _ = run_cli(capsys, *provision_args(root, platform))
    assert status == provision.EXIT_OK
    assert tree_state(root, skip=store_of(root)) == first  # byte for byte, modes and owners too
    assert "nothing (already provisioned this way)" in out and "up to date v1" in out

    # With no answers at all, everything comes from the existing configuration.
    status, out, err = run_cli(capsys, "provision", "--root", str(root), "--non-interactive", "--kiosk-bin", KIOSK_BIN)
    assert status == provision.EXIT_OK, err
    assert tree_state(root, skip=store_of(root)) == first
    assert first_id in out

    # A new platform version arrives at the next provisioning; the data is kept in between.
    platform.publish(revision=1)
    assert run_cli(capsys, *provision_args(root, platform))[0] == provision.EXIT_OK
    with Store(store_of(root)) as store:
        assert store.current().version == 2
    assert load_config(root / "etc/village-kiosk/config.toml").terminal.id == first_id


def test_changed_answers_rewrite_only_what_they_touch(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    assert run_cli(capsys, *provision_args(root, platform, "--skip-sync"))[0] == provision.EXIT_OK
    before = tree_state(root, skip=store_of(root))
    other = Publisher(tmp_path, "second")
    args = provision_args(root, platform, "--skip-sync", "--rotation", "270", "--pin", "97531")
    args[args.index("--pubkey") + 1] = str(other.pub_path)
    assert run_cli(capsys, *args)[0] == provision.EXIT_OK
    after = tree_state(root, skip=store_of(root))
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    old_id, new_id = platform.publisher.keyring.ids()[0], other.keyring.ids()[0]
    assert changed == {
        "etc/village-kiosk/config.toml",  # the rotation too: the kiosk turns its own picture
        f"etc/village-kiosk/keys/{old_id}.pub",  # the replaced key is removed
        f"etc/village-kiosk/keys/{new_id}.pub",
    }
    config = load_config(root / "etc/village-kiosk/config.toml")
    assert verify_pin("97531", config.terminal.pin_hash) and config.display.rotation == 270
    assert load_config(root / "etc/village-kiosk/config.toml").display.rotation == 270


def test_hand_tuned_settings_survive_provisioning(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    assert run_cli(capsys, *provision_args(root, platform, "--skip-sync"))[0] == provision.EXIT_OK
    path = root / "etc/village-kiosk/config.toml"
    path.write_text(path.read_text() + "\n[records]\nover_budget_threshold_pct = 15.0\n")
    assert run_cli(capsys, *provision_args(root, platform, "--skip-sync"))[0] == provision.EXIT_OK
    assert load_config(path).records.over_budget_threshold_pct == 15.0


def _tampered_tree(platform, tmp_path) -> Path:
    copy = tmp_path / "tampered"
    shutil.copytree(platform.tree, copy, dirs_exist_ok=True)
    blob = next((copy / "blobs").iterdir())
    blob.write_bytes(blob.read_bytes()[:-1] + b"!")
    return copy


def _other_village_tree(platform, tmp_path) -> Path:
    write_village(tmp_path / "other-src", code=OTHER_VILLAGE)
    platform.publisher.build(tmp_path / "other-tree", tmp_path / "other-src")
    return tmp_path / "other-tree"


BAD_INPUTS = [
    (["--village", "4313"], "12-digit"),
    (["--platform", "ftp://feeds.example.cn"], "must be a URL like https://"),
    (["--platform", "https://user:secret@feeds.example.cn"], "must not contain a user name or password"),
    (["--no-allow-http"], "plain http: use https, or pass --allow-http"),
    (["--pubkey", "bm90IGEga2V5"], "public key 'bm90IGEga2V5'"),
    (["--pubkey", "/nonexistent/feed.pub"], "cannot read public key"),
    (["--pin", "12a4"], "digits only"),
    (["--pin", "12"], "4 to 12 digits"),
    (["--token", "short"], "token must be 16-512"),
    (["--rotation", "45"], "rotation must be 0, 90, 180 or 270"),
    (["--terminal-id", "bad id!"], "terminal id must be"),
    (["--kiosk-bin", "village-kiosk"], "--kiosk-bin must be an absolute path"),
    (["--usb", "TAMPERED"], "content does not match its SHA-256"),
    (["--usb", "OTHER_VILLAGE"], f"the data is for village {OTHER_VILLAGE}"),
    (["--usb", "/nonexistent/usb"], "--usb /nonexistent/usb"),
]


def _bad_args(root, platform, tmp_path, change: list[str]) -> list[str]:
    args = provision_args(root, platform, "--skip-sync")
    change = list(change)
    if change[-1] == "TAMPERED":
        change[-1] = str(_tampered_tree(platform, tmp_path))
    elif change[-1] == "OTHER_VILLAGE":
        change[-1] = str(_other_village_tree(platform, tmp_path))
    if change[0] in args and len(change) == 2:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args.extend(change)
    return args


@pytest.mark.parametrize("change, message", BAD_INPUTS, ids=[" ".join(change) for change, _ in BAD_INPUTS])
def test_bad_input_is_refused_and_nothing_is_written(tmp_path, platform, capsys, change, message):
    root = tmp_path / "root"
    root.mkdir()
    status, _, err = run_cli(capsys, *_bad_args(root, platform, tmp_path, change))
    assert status == provision.EXIT_INVALID
    assert message in err and "nothing was written" in err
    assert list(root.iterdir()) == []

    # A provisioned terminal is left exactly as it was, too.
    assert run_cli(capsys, *provision_args(root, platform))[0] == provision.EXIT_OK
    before = tree_state(root)
    status, _, err = run_cli(capsys, *_bad_args(root, platform, tmp_path, change))
    assert status == provision.EXIT_INVALID and message in err
    assert tree_state(root) == before


def test_missing_answers_without_a_terminal_name_their_flag(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    args = provision_args(root, platform, "--skip-sync")
    pin_at = args.index("--pin")
    del args[pin_at : pin_at + 2]
    status, _, err = run_cli(capsys, *args)
    assert status == provision.EXIT_INVALID and "missing --pin" in err
    assert list(root.iterdir()) == []
    status, _, err = run_cli(capsys, "provision", "--root", str(root), "--non-interactive")
    assert status == provision.EXIT_INVALID and "missing --village" in err


def test_an_unusable_root_or_config_is_refused(tmp_path, platform, capsys):
    status, _, err = run_cli(capsys, *provision_args(tmp_path / "absent", platform))
    assert status == provision.EXIT_INVALID and "not a directory" in err
    root = tmp_path / "root"
    (root / "etc/village-kiosk").mkdir(parents=True)
    (root / "etc/village-kiosk/config.toml").write_text("[terminal\n")
    before = tree_state(root)
    status, _, err = run_cli(capsys, *provision_args(root, platform))
    assert status == provision.EXIT_INVALID and "pass --terminal-id to keep this terminal's id" in err
    assert tree_state(root) == before
    # With the id given, the broken file is replaced.
    status, _, err = run_cli(capsys, *provision_args(root, platform, "--terminal-id", "LD-0042"))
    assert status == provision.EXIT_OK, err
    assert load_config(root / "etc/village-kiosk/config.toml").terminal.id == "LD-0042"


def test_moving_a_terminal_to_another_village_needs_an_empty_store(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    assert run_cli(capsys, *provision_args(root, platform))[0] == provision.EXIT_OK
    args = provision_args(root, platform, "--skip-sync")
    args[args.index("--village") + 1] = OTHER_VILLAGE
    status, _, err = run_cli(capsys, *args)
    assert status == provision.EXIT_INVALID and f"holds the data of village {VILLAGE}" in err


def test_usb_import_instead_of_the_network(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    args = provision_args(root, platform, "--usb", str(platform.tree))
    args[args.index("--platform") + 1] = "https://unreachable.example.invalid"
    status, out, err = run_cli(capsys, *args)
    assert status == provision.EXIT_OK, err
    assert "USB import: updated empty store → v1" in out
    assert platform.server.log == []  # nothing fetched over the network


def test_a_failed_first_sync_still_installs_and_says_so(tmp_path, platform, capsys):
    root = tmp_path / "root"
    root.mkdir()
    platform.server.stop()
    status, out, _ = run_cli(capsys, *provision_args(root, platform))
    assert status == provision.EXIT_NO_DATA
    assert "none yet" in out and "failed:" in out
    assert (root / "etc/systemd/system/village-kiosk.service").exists()


def test_an_empty_tree_gets_account_files_and_a_populated_one_is_appended_to(tmp_path, platform, capsys):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\nsystemd-network:x:999:999::/:/usr/sbin/nologin\n")
    (root / "etc/group").write_text("root:x:0:\nvideo:x:44:alice\naudio:x:29:\nsystemd-network:x:999:\n")
    (root / "etc/shadow").write_text("root:*:19000:0:99999:7:::\n")
    assert run_cli(capsys, *provision_args(root, platform, "--skip-sync"))[0] == provision.EXIT_OK
    _, _, uid, gid, *_ = _passwd_entry(root)
    assert (uid, gid) == ("998", "998")  # the highest system id free in *this* tree
    group = (root / "etc/group").read_text().splitlines()
    assert "video:x:44:alice,kiosk" in group and "audio:x:29:kiosk" in group and "kiosk:x:998:" in group
    assert (root / "etc/passwd").read_text().startswith("root:x:0:0:root:/root:/bin/bash\n")
    assert (root / "etc/shadow").read_text() == "root:*:19000:0:99999:7:::\nkiosk:!:::::::\n"
    summary_again = run_cli(capsys, *provision_args(root, platform, "--skip-sync"))[1]
    assert "groups video, audio" in summary_again
    assert (root / "etc/group").read_text().count("kiosk") == 3


# ------------------------------------------------------------ interactive


class Pty:
    """A child process on a pseudo-terminal, answered prompt by prompt."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execve(argv[0], argv, env)
        self.seen = ""  # not yet matched by expect()
        self.transcript = ""  # everything the child wrote

    def expect(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"never saw {text!r}; got:\n{self.seen}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096).decode(errors="replace")
                except OSError:
                    chunk = ""
                if not chunk:
                    raise AssertionError(f"child ended before {text!r}; got:\n{self.seen}")
                self.seen += chunk
                self.transcript += chunk
        before, _, self.seen = self.seen.partition(text)
        return before

    def answer(self, prompt: str, reply: str) -> str:
        before = self.expect(prompt)
        os.write(self.fd, reply.encode() + b"\n")
        return before

    def finish(self, timeout: float = 60.0) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096).decode(errors="replace")
                except OSError:
                    break
                if not chunk:
                    break
                self.transcript += chunk
        else:
            os.kill(self.pid, signal.SIGKILL)  # hung: fail below rather than hang the suite
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status), self.transcript


def test_interactive_provisioning_asks_again_until_answers_are_valid(tmp_path, platform):
    root = tmp_path / "root"
    root.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = Pty([sys.executable, "-m", "kiosk.cli", "provision", "--root", str(root), "--allow-http", "--kiosk-bin", KIOSK_BIN], env)
    child.answer("Village code (12 digits): ", "4313")
    child.answer("Village code (12 digits): ", VILLAGE)  # asked again after the explanation
    child.answer("Platform address (https://…): ", platform.url)
    child.answer("Platform public key: file or base64: ", "/nonexistent.pub")
    child.answer("Platform public key: file or base64: ", str(platform.publisher.pub_path))
    child.answer("(blank when done): ", "")
    child.answer(f"Terminal id [{VILLAGE}-", "")
    child.answer("Technician PIN (4-12 digits): ", "12")
    child.answer("Technician PIN (4-12 digits): ", PIN)
    child.answer("Type the PIN again: ", PIN)
    child.answer("Terminal token from the platform [blank: no heartbeat]: ", "")
    child.answer("Screen rotation, degrees clockwise (0/90/180/270) [0]: ", "45")
    child.answer("Screen rotation, degrees clockwise (0/90/180/270) [0]: ", "180")
    status, output = child.finish()
    assert status == provision.EXIT_OK, output
    assert "VILLAGE KIOSK PROVISIONED" in output and "updated empty store → v1" in output
    config = load_config(root / "etc/village-kiosk/config.toml")
    assert config.feed.village == VILLAGE and config.display.rotation == 180 and verify_pin(PIN, config.terminal.pin_hash)
    assert config.terminal.token == ""
    assert PIN not in output  # typed without echo
    assert "12-digit" in output and "4 to 12 digits" in output and "rotation must be" in output

    # Again, interactively: blank answers keep everything.
    before = tree_state(root, skip=store_of(root))
    child = Pty([sys.executable, "-m", "kiosk.cli", "provision", "--root", str(root), "--kiosk-bin", KIOSK_BIN], env)
    child.answer(f"Village code (12 digits) [{VILLAGE}]: ", "")
    child.answer(f"Platform address (https://…) [{platform.url}]: ", "")
    child.answer("(blank keeps ", "")
    child.answer(f"Terminal id [{config.terminal.id}]: ", "")
    child.answer("(blank keeps the current one): ", "")
    child.answer("Terminal token from the platform [blank: no heartbeat]: ", "")
    child.answer("[180]: ", "")
    status, output = child.finish()
    assert status == provision.EXIT_OK, output
    assert tree_state(root, skip=store_of(root)) == before


def test_questions_are_not_asked_through_a_pipe(tmp_path, platform):
    root = tmp_path / "root"
    root.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "provision", "--root", str(root)],
        input=f"{VILLAGE}\n",
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == provision.EXIT_INVALID
    assert "missing --village (no terminal to ask on" in result.stderr
    assert list(root.iterdir()) == []
