"""The terminal's live data: the bundled demo, a folder, or the signed store
kept current by the sync worker.

One object the UI holds; it owns the one open ``Store`` (snapshots read
their media through it) and the background ``SyncWorker``. Results arrive
on the worker's thread: the UI passes a callback that hops back to its own
thread (Kivy's Clock), so nothing here knows about the UI.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import datasource, paths
from kiosk.config import Config, ConfigError, load_config
from kiosk.datasource import DataStatus
from kiosk.ops.logs import log_event
from kiosk.problems import SOLVED_BY_NEW_DATA, Problem, ProblemKind
from kiosk.snapshot import Snapshot

if TYPE_CHECKING:  # the feed package is imported once syncing starts
    from kiosk.feed import SyncWorker

log = logging.getLogger(__name__)

USB_ROOTS = (Path("/media"), Path("/run/media"), Path("/mnt"))


class LiveData:
    def __init__(self, config: Config, snapshot: Snapshot | None, store=None, problem: Problem | None = None):
        self.config = config
        self.snapshot = snapshot
        self.store = store  # kiosk.feed.Store when a platform is configured
        self.problem = problem  # what the screen must say is wrong, if anything
        self.folder: Path | None = None  # the source folder shown (demo or --data), when not the store
        self._worker: SyncWorker | None = None
        self._subsetting: subprocess.Popen | None = None  # the child process making the font subset
        self.last_outcome = ""

    @classmethod
    def open(cls, config: Config, folder: Path | None = None) -> LiveData:
        """The data the terminal is configured to show."""
        if folder is not None or not config.uses_platform:
            live = cls(config, datasource.open_folder(folder) if folder is not None else datasource.open_demo())
            live.folder = folder or paths.DEMO_VILLAGE
            return live
        return cls._from_store(config, config.feed.village)

    @classmethod
    def _from_store(cls, config: Config, village: str | None, problem: Problem | None = None) -> LiveData:
        """The store's last good data (of ``village``, when given), healed
        if need be; never raises: what is wrong becomes the ``problem``."""
        import sqlite3

        from kiosk.feed import Store
        from kiosk.feed.storedb import is_disk_full

        try:
            store = Store.from_config(config)
        except (sqlite3.Error, OSError) as exc:
            kind = ProblemKind.DISK_FULL if is_disk_full(exc) else ProblemKind.STORE_UNREADABLE
            log_event(log, "store.unusable", logging.ERROR, store=config.feed.store, error=exc)
            return cls(config, None, None, problem or Problem(kind, f"the store {config.feed.store} cannot be opened: {exc}"))
        if store.healing.healed:
            log_event(
                log, "store.set_aside", logging.ERROR, store=store.directory, kept=store.healing.set_aside, reason=store.healing.reason
            )
            problem = problem or Problem(
                ProblemKind.STORE_DAMAGED, f"the store's database was damaged and set aside ({store.healing.reason})"
            )
        elif store.read_only:
            problem = problem or Problem(ProblemKind.DISK_FULL, f"the disk of {store.directory} is full: the store is read-only")
        snapshot = store.snapshot()
        if snapshot is not None and village and snapshot.village.code != village:
            # Re-provisioned for another village: the old village's data must
            # not be shown as this one's until the first sync brings it.
            log_event(log, "store.other_village", logging.WARNING, stored=snapshot.village.code, configured=village)
            snapshot = None
        live = cls(config, snapshot, store, problem)
        record = store.last_outcome()
        live.last_outcome = record.message if record else ""
        return live

    @property
    def syncs(self) -> bool:
        return self.store is not None

    def now(self) -> dt.datetime:
        """Trusted "now": never before the newest verified generation time,
        so a terminal booting with a clock in the past still sees staleness."""
        return self.store.now() if self.store is not None else dt.datetime.now(dt.UTC)

    def status(self) -> DataStatus | None:
        if self.snapshot is None:
            return None
        return datasource.describe(self.snapshot, self.now())

    # ------------------------------------------------------------ sync

    def start_sync(self, on_result: Callable) -> None:
        """Start polling the platform; ``on_result(outcome)`` runs on the
        worker thread after every attempt. A terminal whose configuration or
        keys do not allow syncing goes on showing what it has."""
        if self.store is None or self._worker is not None or not self.config.uses_platform:
            return
        if self.problem is not None and self.problem.kind is ProblemKind.CONFIG:
            return
        from kiosk.feed import ConfigurationError, RetryPolicy, Syncer, SyncWorker

        try:
            syncer = Syncer.from_config(self.config, self.store)
        except ConfigurationError as exc:
            kind = ProblemKind.PLAIN_HTTP if self.config.feed.refuses() else ProblemKind.KEYS
            self.problem = Problem(kind, f"no sync: {exc}")
            self.last_outcome = f"not syncing: {exc}"
            log_event(log, "sync.not_started", logging.ERROR, reason=exc)
            return
        self._worker = SyncWorker(syncer.sync_once, on_result, RetryPolicy(interval=self.config.feed.sync_interval_s))
        self._worker.start()

    def sync_now(self) -> str:
        if self._worker is None:
            return "这台机器没有配置上级平台，不用同步。"
        self._worker.sync_now()
        return "已开始同步，请稍等。"

    def make_font_subset(self) -> None:
        """Have the font subset made for the data on show, in a child
        process at the lowest priority (kiosk.fontsubset), if it is not
        made already; the kiosk uses it from its next start."""
        running = self._subsetting
        if running is not None and running.poll() is None:
            return
        from kiosk import fontsubset

        self._subsetting = fontsubset.build_in_background(self.folder, self.store.directory if self.store is not None else None)

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop(timeout=5)
            self._worker = None

    def accept(self, outcome) -> Snapshot | None:
        """Take a sync or import outcome (on the UI thread); the new snapshot
        when the data changed."""
        self.last_outcome = outcome.message
        snapshot = getattr(outcome, "snapshot", None)
        if snapshot is not None:
            self.snapshot = snapshot
        if outcome.ok and self.problem is not None and self.problem.kind in SOLVED_BY_NEW_DATA:
            self.problem = None
        elif not outcome.ok and "disk full" in outcome.message:
            self.problem = Problem(ProblemKind.DISK_FULL, outcome.message)
        return snapshot

    # ------------------------------------------------------------ technician

    def status_lines(self) -> list[str]:
        """What the technician menu shows, one fact a line."""
        from kiosk import __version__

        status = self.status()
        data = status.text if status else "还没有数据"
        if status and status.stale:
            data += "（已过期）"
        where = Path(self.config.feed.store) if self.store is not None else Path("/")
        try:
            free = shutil.disk_usage(where).free / 2**30
            disk = f"{free:.1f} GB 可用（{where}）"
        except OSError as exc:
            disk = f"无法读取（{exc.strerror}）"
        platform = self.config.feed.platform or "未配置（演示数据）"
        lines = [
            f"终端编号：{self.config.terminal.id}",
            f"软件版本：{__version__}",
            f"数据：{data}",
            f"最近同步：{self.last_outcome or '还没有同步过'}",
            f"磁盘：{disk}",
            f"上级平台：{platform}",
        ]
        fork = self.store.fork() if self.store is not None else None
        if fork is not None:
            # One hash a line: read out over the phone to the county, group by group.
            lines += [
                f"数据被改写（分叉）：平台的第{fork.offered_version}版不接在本机的第{fork.held_version}版之后，已拒收，"
                f"仍显示第{fork.held_version}版。请把下面两个编号报给县里平台。",
                f"平台的第{fork.offered_version}版：{_grouped(fork.offered_sha256)}",
                f"本机的第{fork.held_version}版：{_grouped(fork.held_sha256)}",
            ]
        if self.problem is not None:
            lines.append(f"故障：{self.problem.technician}")
        return lines

    # ------------------------------------------------------------ USB

    def import_usb(self, roots: tuple[Path, ...] = USB_ROOTS):
        """Import the first signed feed found on a mounted USB stick; the
        outcome, or None with a reason when there is nothing to import."""
        if self.store is None:
            return None, "这台机器没有配置上级平台，不能导入。"
        tree = find_feed_on_usb(roots)
        if tree is None:
            return None, "没有找到U盘上的数据（需要有 manifest.json 的文件夹或压缩包）。"
        from kiosk.feed import import_tree
        from kiosk.feed.keys import Keyring

        outcome = import_tree(self.store, tree, Keyring.load(self.config.feed.pubkeys), self.config.feed.village)
        return outcome, outcome.message


def _grouped(sha256: str) -> str:
    """A hash in groups of 16, so that the line can break between them."""
    return " ".join(sha256[i : i + 16] for i in range(0, len(sha256), 16))


def find_feed_on_usb(roots: tuple[Path, ...]) -> Path | None:
    """A feed tree (folder with manifest.json, or an archive) at most three
    levels under the mount roots, newest first."""
    found: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for depth in ("*", "*/*", "*/*/*"):
            for path in root.glob(depth):
                if (path.is_dir() and (path / "manifest.json").is_file()) or (
                    path.is_file() and path.name.endswith((".tar", ".tar.gz", ".tgz", ".zip"))
                ):
                    found.append(path)
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return found[0] if found else None


def open_terminal(config_path: Path | None = None, folder: Path | None = None) -> tuple[Config, LiveData]:
    """The kiosk's data at start-up, whatever state the terminal is in; never
    raises. A machine with no configuration file (development, a
    showroom) shows the demo village. A configured terminal never does:
    with its configuration unreadable, invalid or missing its village it
    shows the data in the store where its configuration would keep it, or
    says what is wrong, while the doctor names the fix."""
    path = config_path or paths.DEFAULT_CONFIG
    try:
        config = load_config(path)
        problem = None if config.uses_platform else Problem(ProblemKind.CONFIG, f"{path}: no platform or village set")
    except ConfigError as exc:
        config, problem = Config(), Problem(ProblemKind.CONFIG, str(exc))
    if folder is not None or problem is None:
        return config, LiveData.open(config, folder)
    has_store = _has_store(config)
    if not path.exists():
        if not has_store:
            return config, LiveData.open(config)  # not a terminal: the demo
        problem = Problem(ProblemKind.CONFIG, f"{path} is missing")
    log_event(log, "config.problem", logging.ERROR, detail=problem.technician)
    if has_store:
        return config, LiveData._from_store(config, None, problem)
    return config, LiveData(config, None, None, problem)


def _has_store(config: Config) -> bool:
    from kiosk.feed.store_v1 import LEGACY_DB
    from kiosk.feed.storedb import DB_NAME

    store = Path(config.feed.store)
    return (store / DB_NAME).exists() or (store / LEGACY_DB).exists()
