"""A start-up that heals itself. Each fault a terminal meets after a power
cut or a bad day, tried the way it happens: the real CLI in a fresh process
(``sync --once``, ``doctor``, the kiosk itself), and the screen the kiosk
then shows. The kiosk must keep showing its last good data (or a plain
screen saying what is wrong) and never crash: under ``Restart=always`` a
crash at start-up is a dark screen for good."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk import paths
from kiosk.live import open_terminal
from kiosk.ops.pin import hash_pin
from kiosk.problems import ProblemKind
from screens.shell.registry import ScreenName
from support.disk_fixtures import fill, resize
from support.feed_fixtures import VILLAGE, Publisher, install_tree, note_corrections, write_village
from support.feedserver import FeedServer
from support.kiosk_process import keeps_running, start_kiosk, village_kiosk

PIN = "2468"
pytestmark = pytest.mark.ui  # the kiosk's own start-up, in a process and on screen


@dataclass
class Terminal:
    """A configured terminal in a folder: its configuration, key, store."""

    config: Path
    key: Path
    store: Path
    server: FeedServer
    publisher: Publisher
    src: Path
    tree: Path

    def write_config(self, allow_http: bool = True, extra: str = "") -> None:
        self.config.write_text(
            f'[terminal]\nid = "T-HEAL-01"\npin_hash = "{hash_pin(PIN)}"\n'
            f'[feed]\nplatform = "{self.server.url}"\nvillage = "{VILLAGE}"\npubkeys = ["{self.key}"]\n'
            f'store = "{self.store}"\nallow_http = {"true" if allow_http else "false"}\n{extra}'
        )

    def publish(self, revision: int = 0, media_seed: str = "m") -> None:
        write_village(self.src, revision=revision, media=3, media_size=40_000, media_seed=media_seed)
        note_corrections(self.src, self.tree)  # new pictures are corrections of the records that show them
        self.publisher.build(self.tree, self.src)
        install_tree(self.tree, self.server.root / VILLAGE)

    def sync(self) -> subprocess.CompletedProcess:
        return village_kiosk("--config", str(self.config), "sync", "--once")

    def doctor(self) -> dict[str, str]:
        result = village_kiosk("doctor", "--config", str(self.config))
        lines = {line.split(":", 1)[0].split()[-1]: line for line in result.stdout.splitlines()[:-1]}
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        return lines


def _terminal(tmp_path: Path, store: Path) -> Terminal:
    (tmp_path / "www").mkdir()
    server = FeedServer(tmp_path / "www").start()
    publisher = Publisher(tmp_path, "platform")
    key = tmp_path / "keys" / "platform.pub"
    key.parent.mkdir()
    key.write_bytes(publisher.pub_path.read_bytes())
    terminal = Terminal(tmp_path / "config.toml", key, store, server, publisher, tmp_path / "src", tmp_path / "tree")
    terminal.write_config()
    terminal.publish()
    synced = terminal.sync()
    assert synced.returncode == 10, synced.stdout + synced.stderr
    return terminal


@pytest.fixture
def terminal(tmp_path):
    made = _terminal(tmp_path, tmp_path / "store")
    yield made
    made.server.stop()


@pytest.fixture
def terminal_on_tiny_disk(tmp_path, tiny_disk):
    resize(tiny_disk, "4m")
    made = _terminal(tmp_path, tiny_disk / "store")
    yield made, tiny_disk
    made.server.stop()


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def _show(ui, config: Path):
    """What the kiosk shows for this configuration, as it starts: the data
    opened by the kiosk's own start-up, its sync started."""
    _config, live = open_terminal(config)
    ui.app.switch_live(live)
    ui.pump()
    return live


def _pump_until(ui, condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out; on screen: {ui.texts()[:12]}"
        ui.pump(1)
        time.sleep(0.05)


# ---------------------------------------------------------------- the disk


@pytest.mark.parametrize("leave", [0, 64 * 1024], ids=["0B-free", "64KiB-free"])
def test_a_full_disk_at_start_keeps_the_last_good_data_and_says_why(ui, tmp_path, terminal_on_tiny_disk, leave):
    terminal, disk = terminal_on_tiny_disk
    terminal.publish(revision=1, media_seed="new")  # 120 KB of new pictures: the next sync needs room
    fill(disk, leave)

    synced = terminal.sync()
    assert synced.returncode == 30 and _one_line(synced.stdout).startswith("failed: disk full"), synced.stdout + synced.stderr
    assert "Traceback" not in synced.stderr
    checks = terminal.doctor()
    assert checks["disk"].startswith("FAIL") and "free space" in checks["disk"]
    assert "v1" in checks["data"] and not checks["data"].startswith("FAIL")
    assert "run the doctor as root" not in "".join(checks.values())

    keeps_running(start_kiosk(tmp_path, terminal.config))

    live = _show(ui, terminal.config)
    assert live.snapshot is not None and live.snapshot.info.version == 1  # the last good data
    _pump_until(ui, lambda: live.problem is not None and ui.app.root.ids.stale.shown)
    assert live.problem.kind is ProblemKind.DISK_FULL
    assert "存储空间满了" in " ".join(ui.texts())
    assert ui.app.nav.current[0] is ScreenName.HOME

    resize(disk, "16m")  # the technician makes room: the next sync heals (the kiosk's or this one)
    synced = terminal.sync()
    assert synced.returncode in (0, 10) and "v2" in synced.stdout, synced.stdout


def test_the_pin_pad_works_on_a_full_disk(ui, terminal_on_tiny_disk):
    terminal, disk = terminal_on_tiny_disk
    fill(disk)
    config, live = open_terminal(terminal.config)
    ui.app.switch_live(live)
    previous = ui.app.kiosk_config
    ui.app.kiosk_config = config
    try:
        ui.app.open_technician_menu()
        ui.pump()
        pad = next(child for child in ui.app.root_window.children if type(child).__name__ == "PinPad")
        for key in "0000":
            pad.press(key)
        pad.press("确定")
        assert pad.message == "密码不对，还可以试4次"  # counted, in memory
        for key in PIN:
            pad.press(key)
        pad.press("确定")
        ui.pump()
        assert any(type(child).__name__ == "TechnicianPanel" for child in ui.app.root_window.children)
    finally:
        ui.app.kiosk_config = previous
        ui.app.idle.reset()


# ---------------------------------------------------------------- the store


def test_a_store_overwritten_with_garbage_is_set_aside_and_fetched_again(ui, tmp_path, terminal):
    garbage = b"\x89PNG not a database " * 4096
    _overwrite(terminal.store, garbage)

    checks = terminal.doctor()
    assert checks["data"].startswith("FAIL") and "damaged" in checks["data"] and "restart the kiosk" in checks["data"]

    _config, live = open_terminal(terminal.config)  # the kiosk's own start: sets it aside, says so
    assert (terminal.store / "damaged" / "store.db").read_bytes() == garbage  # kept for inspection
    assert live.problem is not None and live.problem.kind is ProblemKind.STORE_DAMAGED and live.snapshot is None
    ui.app.data.live = live  # the first frame, before its sync has had a chance
    ui.app.data.set_snapshot(None)
    ui.app.nav.reset(ScreenName.NO_DATA)
    ui.pump()
    assert "数据文件坏了" in " ".join(ui.texts())
    ui.app.switch_live(live)  # ... which then fetches the data again
    _pump_until(ui, lambda: ui.app.data.snapshot is not None)
    assert ui.app.data.snapshot.info.version == 1 and live.problem is None
    assert ui.app.nav.current[0] is ScreenName.HOME and not ui.app.root.ids.stale.shown

    ui.app.live.stop()
    ui.app.live.store.close()
    _overwrite(terminal.store, garbage)  # and the CLI heals the same way, saying so
    synced = terminal.sync()
    assert synced.returncode == 10 and _one_line(synced.stdout).startswith("updated empty store → v1")
    assert "event=store.damaged_set_aside" in synced.stderr


def _overwrite(store: Path, garbage: bytes) -> None:
    (store / "store.db").write_bytes(garbage)
    for suffix in ("-wal", "-shm"):
        (store / f"store.db{suffix}").unlink(missing_ok=True)


def test_a_pack_cut_short_is_found_whole_by_one_doctor_run_and_repaired_by_one_sync(terminal):
    (pack,) = terminal.store.glob("packs/*.val")
    with open(pack, "r+b") as file:
        file.truncate(pack.stat().st_size // 3)  # a disk error took two thirds of it
    checks = terminal.doctor()
    assert checks["signature"].startswith("FAIL") and "3 files missing or damaged" in checks["signature"], checks["signature"]
    synced = terminal.sync()
    assert synced.returncode == 0 and _one_line(synced.stdout).startswith("up to date v1 (repaired 3 files"), synced.stdout
    assert terminal.doctor()["signature"].startswith("OK")


# ---------------------------------------------------------------- configuration and keys


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_a_bad_key_file_keeps_the_data_on_screen_and_says_why(ui, tmp_path, terminal, damage):
    if damage == "corrupt":
        terminal.key.write_bytes(b"\x00\x01 not a key\n")
    else:
        terminal.key.unlink()
    synced = terminal.sync()
    assert synced.returncode == 3 and str(terminal.key) in _one_line(synced.stderr)
    checks = terminal.doctor()
    assert checks["keys"].startswith("FAIL") and str(terminal.key) in checks["keys"]

    output = keeps_running(start_kiosk(tmp_path, terminal.config))
    assert "event=sync.not_started" in output

    live = _show(ui, terminal.config)
    assert ui.app.data.snapshot is not None and ui.app.data.snapshot.info.version == 1
    assert live.problem is not None and live.problem.kind is ProblemKind.KEYS
    assert "安全密钥有问题" in " ".join(ui.texts())


def test_a_configuration_that_is_not_utf8_is_named_and_no_demo_is_shown(ui, tmp_path, terminal):
    text = terminal.config.read_bytes()
    terminal.config.write_bytes(text.replace(b'id = "T-HEAL-01"', b'id = "T-HEAL-\xff1"'))
    offset = text.index(b"T-HEAL-01") + len(b"T-HEAL-")
    synced = terminal.sync()
    assert synced.returncode == 3 and f"not UTF-8 text (byte 0xff at offset {offset})" in _one_line(synced.stderr)
    assert "not UTF-8 text" in terminal.doctor()["config"]
    _shows_a_configuration_problem(ui, tmp_path, terminal.config)


@pytest.mark.parametrize("content", ["", '[feed]\nplatform = "https://feeds.example.cn"\nvil'], ids=["empty", "truncated"])
def test_a_configuration_that_lost_its_village_never_shows_the_demo(ui, tmp_path, terminal, content):
    terminal.config.write_text(content)
    _shows_a_configuration_problem(ui, tmp_path, terminal.config)


def _shows_a_configuration_problem(ui, tmp_path, config: Path) -> None:
    output = keeps_running(start_kiosk(tmp_path, config))
    assert "event=config.problem" in output
    live = _show(ui, config)
    assert live.problem is not None and live.problem.kind is ProblemKind.CONFIG
    assert live.snapshot is None or live.snapshot.info.source != "demo"
    shown = " ".join(ui.texts())
    assert "设置文件有问题" in shown and "演示数据" not in shown
    assert ui.app.nav.current[0] is ScreenName.NO_DATA  # no store where an unreadable configuration would keep it


def test_no_configuration_file_at_all_is_a_showroom_machine_with_the_demo(tmp_path):
    _config, live = open_terminal(tmp_path / "no-such.toml")
    assert live.problem is None and live.snapshot is not None and live.snapshot.info.source == "demo"
    assert not Path(_config.feed.store, "store.db").exists()  # nothing at the default store either


def test_sync_refuses_a_plain_http_platform_unless_allowed(ui, tmp_path, terminal):
    terminal.write_config(allow_http=False)
    before = len(terminal.server.log)
    synced = terminal.sync()
    assert synced.returncode == 3 and "allow_http" in _one_line(synced.stderr)
    assert len(terminal.server.log) == before  # not one request over plain http
    assert village_kiosk("--config", str(terminal.config), "sync", "--once", "--allow-http").returncode == 0
    live = _show(ui, terminal.config)
    assert live.problem is not None and live.problem.kind is ProblemKind.PLAIN_HTTP
    assert ui.app.data.snapshot is not None and "没有加密" in " ".join(ui.texts())


# ---------------------------------------------------------------- no X server


@pytest.mark.parametrize("display", ["", ":987"], ids=["no-DISPLAY", "nothing-there"])
def test_no_x_server_is_exit_3_with_one_line(display):
    result = village_kiosk(env={"DISPLAY": display, "VILLAGE_KIOSK_CONFIG": str(paths.DEMO_VILLAGE / "none.toml")}, timeout=60)
    assert result.returncode == 3 and _one_line(result.stderr).startswith("village-kiosk: no X server"), result.stderr
