"""``village-kiosk hub demo``: the hub on a fictional county, so there is
something to look at.

Eight terminals in three townships of 新化县, a week of history behind
them, and one of each trouble the status page flags: a terminal silent for
hours, one on data past its expiry, one a version behind, one short of
disk, one whose last sync was rejected; and a staged rollout of the next
software release under way: taken and kept by one terminal, on trial on
another, rolled back by itself on a third. The live ones are real
``HeartbeatReporter``\\ s (the terminal's own code) posting to the hub every
few seconds while simulated villagers tap. Each village has a signed feed
published from the demo village's data under its own name, so versions and
names come from where they come from in a county. Nothing is kept unless
``--work`` says where.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

import kiosk
from kiosk import decode, paths
from kiosk.config import Config, FeedConfig, HeartbeatConfig, TerminalConfig
from kiosk.feed import keys, publish
from kiosk.feed.manifest import Manifest
from kiosk.feed.outcome import OutcomeRecord
from kiosk.hub import accounts, tokens
from kiosk.hub.app import Hub, create_app
from kiosk.hub.config import HubConfig
from kiosk.hub.server import HubServer
from kiosk.hub.store import NO_ITEM, Beat, PeriodRecord, Rollback, Store, SyncError, UpdateRun, open_store
from kiosk.ops.heartbeat import HeartbeatReporter, HeartbeatWorker, Software, SoftwareRollback, SoftwareUpdate, TerminalStatus
from tooling.demo.build import encode
from tooling.demo.content import village_doc

PASSWORD = "demo-1234"
USERS = (("demo", ""), ("qingshi", "431322199"))  # the county; 青石镇 only
LIVE_INTERVAL_S = 15.0
DAY = 86400
GB = 1024**3
BACKFILL_STEP_S = 40 * 60  # a report every 40 minutes of the past week: history enough, a quick start
RELEASE = kiosk.__version__  # what the county runs
NEXT_RELEASE = ".".join([*RELEASE.split(".")[:-1], str(int(RELEASE.split(".")[-1]) + 1)])  # being rolled out
ROLLOUT_AGO_S = 6 * 3600  # last night's update hours
TRIAL_S = 1800


@dataclass(frozen=True)
class DemoTerminal:
    id: str
    village: str
    name: str
    township: str
    silent_h: float = 0  # last heard this many hours ago; 0: live
    stale: bool = False  # holds data past its expiry (the sync keeps failing)
    behind: bool = False  # holds the version before the feed's newest
    disk_free: int = 38 * GB
    rejected: bool = False  # the last sync was rejected
    software: str = ""  # in the rollout of NEXT_RELEASE: "kept", "trial" (since a moment ago) or "rolled_back"


TERMINALS = (
    DemoTerminal("431322199206-A1C3E5", "431322199206", "枫木冲村", "青石镇"),
    DemoTerminal("431322199201-B2D4F6", "431322199201", "石门村", "青石镇", silent_h=5),
    DemoTerminal("431322199213-C3E5A7", "431322199213", "杉木村", "青石镇", rejected=True),
    DemoTerminal("431322101203-D4F6B8", "431322101203", "白溪村", "白溪镇", stale=True),
    DemoTerminal("431322101208-E5A7C9", "431322101208", "荷塘村", "白溪镇", disk_free=310 * 1024**2, software="trial"),
    DemoTerminal("431322101215-F6B8DA", "431322101215", "石桥村", "白溪镇", software="rolled_back"),
    DemoTerminal("431322205202-A7C9EB", "431322205202", "枫林村", "枫林乡", behind=True),
    DemoTerminal("431322205210-B8DAFC", "431322205210", "竹山村", "枫林乡", software="kept"),
)
# What villagers open, with a weight each.
SCREENS = (
    ("home", None, 30),
    ("finance", None, 14),
    ("finance_month", "2025-02", 9),
    ("finance_entry", "e-0007", 4),
    ("projects", None, 10),
    ("project_detail", "road-2024", 7),
    ("power_categories", None, 6),
    ("power_detail", "dibao", 6),
    ("disclosures", None, 5),
    ("notices", None, 4),
    ("complaint", None, 3),
    ("search", None, 3),
    ("picture_viewer", None, 2),
)


# ------------------------------------------------------------ the county's feeds


def _source(work: Path, terminal: DemoTerminal) -> Path:
    """The demo village's data under this village's name: links to the
    bundled files, a village.json of its own."""
    src = work / "src" / terminal.village
    src.mkdir(parents=True)
    for entry in paths.DEMO_VILLAGE.iterdir():
        if entry.name != decode.VILLAGE_DOC:
            (src / entry.name).symlink_to(entry)
    doc = village_doc()
    village = msgspec.structs.replace(doc.village, code=terminal.village, name=terminal.name, township=terminal.township)
    (src / decode.VILLAGE_DOC).write_bytes(encode(msgspec.structs.replace(doc, village=village)))
    return src


def publish_feeds(work: Path, now: dt.datetime) -> dict[str, tuple[Manifest, Manifest]]:
    """Each village's feed in ``work/feeds``: village -> (the manifest its
    terminal holds, the newest)."""
    private_path, _ = keys.generate(work / "keys")
    private = keys.load_private_key(private_path)
    held = {}
    for terminal in TERMINALS:
        src, out = _source(work, terminal), work / "feeds" / terminal.village
        if terminal.stale:  # synced 40 days ago, nothing since: expired
            first = publish.build(src, out, private, version=1, now=now - dt.timedelta(days=40), expires_days=30, pack=False).manifest
        else:
            first = publish.build(src, out, private, version=1, now=now - dt.timedelta(days=3), pack=False).manifest
        newest = first
        if terminal.stale or terminal.behind:
            newest = publish.build(src, out, private, version=2, now=now - dt.timedelta(days=1), pack=False).manifest
        held[terminal.village] = (first, newest)
    return held


# ------------------------------------------------------------ a week behind us


def _last_sync(terminal: DemoTerminal, version: int, at: dt.datetime) -> OutcomeRecord:
    if terminal.rejected:
        return OutcomeRecord("rejected", "rejected: manifest signature does not verify with any trusted key", at, version)
    if terminal.stale:
        return OutcomeRecord("failed", "failed: ConnectTimeout (the platform did not answer within 15 s)", at, version)
    return OutcomeRecord("up_to_date", f"up to date v{version}", at, version)


def software_at(terminal: DemoTerminal, at: int, now: int) -> Software:
    """The terminal's software block at ``at``, as its heartbeat says it."""
    switched = now - ROLLOUT_AGO_S
    update = SoftwareUpdate("up_to_date", f"up to date ({RELEASE})", _moment(at - 600), RELEASE)
    if terminal.software == "kept" and at >= switched:
        kept = at >= switched + TRIAL_S
        update = SoftwareUpdate("committed" if kept else "installed", f"{NEXT_RELEASE} installed", _moment(switched), NEXT_RELEASE)
        return Software(NEXT_RELEASE, None if kept else NEXT_RELEASE, None, update)
    if terminal.software == "trial" and at >= now - 900:
        update = SoftwareUpdate("installed", f"{NEXT_RELEASE} installed", _moment(now - 900), NEXT_RELEASE)
        return Software(NEXT_RELEASE, NEXT_RELEASE, None, update)
    if terminal.software == "rolled_back" and at >= switched:
        if at < switched + TRIAL_S:
            update = SoftwareUpdate("installed", f"{NEXT_RELEASE} installed", _moment(switched), NEXT_RELEASE)
            return Software(NEXT_RELEASE, NEXT_RELEASE, None, update)
        reason = f"{NEXT_RELEASE} did not come up: it stopped 3 times before it had run 600 s"
        back = SoftwareRollback(_moment(switched + TRIAL_S), NEXT_RELEASE, RELEASE, reason)
        return Software(RELEASE, None, back, SoftwareUpdate("rolled_back", f"back to {RELEASE}: {reason}", back.at, NEXT_RELEASE))
    return Software(RELEASE, None, None, update)


def _moment(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def _views(rng: random.Random, hour: int) -> tuple[tuple[str, str, int], ...]:
    busy = 6 if 8 <= hour < 18 else 1 if 6 <= hour < 21 else 0
    counts: dict[tuple[str, str], int] = {}
    for _ in range(rng.randint(0, busy * 3)):
        screen, item, _weight = rng.choices(SCREENS, weights=[w for *_, w in SCREENS])[0]
        counts[(screen, item or NO_ITEM)] = counts.get((screen, item or NO_ITEM), 0) + 1
    return tuple((screen, item, count) for (screen, item), count in sorted(counts.items()))


def backfill(store: Store, terminal: DemoTerminal, manifest: Manifest, now: int, zone, rng: random.Random) -> None:
    """Reports of the past week, up to when the terminal fell silent."""
    last = now - int(terminal.silent_h * 3600) if terminal.silent_h else now - 600
    started = now - 3 * DAY - 7200  # a power cut three days ago
    moments = sorted({*range(now - 7 * DAY, last + 1, BACKFILL_STEP_S), *_rollout_moments(terminal, now)})
    for at in moments:
        if started <= at < started + 3 * 3600:
            continue  # dark for three hours
        moment = dt.datetime.fromtimestamp(at, dt.UTC)
        sync = _last_sync(terminal, manifest.version, moment - dt.timedelta(minutes=7))
        views = _views(rng, moment.astimezone(zone).hour)
        periods = (
            [PeriodRecord(secrets.token_hex(8), at - BACKFILL_STEP_S, at, moment.astimezone(zone).date().isoformat(), views)]
            if views
            else []
        )
        sync_at = int(sync.at.timestamp())
        software = software_at(terminal, at, now)
        beat = Beat(
            received_at=at,
            sent_at=at,
            software_version="0.1.0",
            uptime_s=at - (started + 3 * 3600 if at >= started else now - 30 * DAY),
            system_uptime_s=None,
            disk_free_bytes=terminal.disk_free + (now - at) * 100,
            data_version=manifest.version,
            data_generated_at=int(manifest.generated_at.timestamp()),
            data_expires_at=int(manifest.expires_at.timestamp()),
            data_stale=at >= manifest.expires_at.timestamp(),
            sync_outcome=sync.kind,
            sync_message=sync.message,
            sync_at=sync_at,
            sync_version=sync.version,
            dropped_periods=0,
            dropped_views=0,
            release=software.release,
            trial=software.trial,
        )
        error = SyncError(sync_at, sync.kind, sync.message) if sync.kind in ("failed", "rejected") else None
        store.record_heartbeat(terminal.id, beat, periods, error, *_software_records(software))


def _rollout_moments(terminal: DemoTerminal, now: int) -> list[int]:
    """Reports during the rollout, so its steps are in the history."""
    switched = now - ROLLOUT_AGO_S
    return [switched + 300, switched + TRIAL_S + 300] if terminal.software in ("kept", "rolled_back") and not terminal.silent_h else []


def _software_records(software: Software) -> tuple[Rollback | None, UpdateRun | None]:
    """As the hub stores them from a heartbeat (kiosk.hub.ingest)."""
    back, last = software.rolled_back, software.last_update
    rollback = Rollback(int(back.at.timestamp()), back.from_version, back.to_version, back.reason) if back else None
    update = UpdateRun(last.outcome, last.message, int(last.at.timestamp()), last.version) if last else None
    return rollback, update


# ------------------------------------------------------------ live terminals


class SimulatedReporter(HeartbeatReporter):
    """The terminal's reporter on a simulated disk and simulated releases:
    the demo's terminals share this machine's disk, which is not short of
    space, and its software, which is not installed from the package."""

    def __init__(self, *args, disk_free: int, software: Callable[[], Software], **kwargs):
        super().__init__(*args, **kwargs)
        self.disk_free = disk_free
        self.simulated_software = software

    def _disk_free(self) -> int:
        return self.disk_free

    def _software(self) -> Software:
        return self.simulated_software()


class LiveTerminal:
    """A simulated terminal running the terminal's own heartbeat code."""

    def __init__(self, terminal: DemoTerminal, manifest: Manifest, token: str, hub_url: str, state: Path):
        config = Config(
            terminal=TerminalConfig(id=terminal.id, token=token),
            feed=FeedConfig(platform=hub_url, village=terminal.village, allow_http=True),
            heartbeat=HeartbeatConfig(url=f"{hub_url}/terminals/{terminal.id}/heartbeat"),
        )
        synced = _last_sync(terminal, manifest.version, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=4))
        status = TerminalStatus(
            data_version=manifest.version, data_generated_at=manifest.generated_at, data_expires_at=manifest.expires_at, last_sync=synced
        )
        self.terminal = terminal
        started = int(dt.datetime.now(dt.UTC).timestamp())
        self.reporter = SimulatedReporter(
            config,
            state,
            lambda: status,
            disk_free=terminal.disk_free,
            software=lambda: software_at(terminal, int(dt.datetime.now(dt.UTC).timestamp()), started),
        )
        self.worker = HeartbeatWorker(self.reporter, LIVE_INTERVAL_S, first_delay_s=0)

    def tap(self, rng: random.Random) -> None:
        screen, item, _weight = rng.choices(SCREENS, weights=[w for *_, w in SCREENS])[0]
        self.reporter.usage.record_view(screen, item)

    def stop(self) -> None:
        self.worker.stop(timeout=10)
        self.reporter.close()


def _villagers(terminals: list[LiveTerminal], stop: threading.Event) -> None:
    rng = random.Random()
    while not stop.wait(1.0):
        rng.choice(terminals).tap(rng)


# ------------------------------------------------------------ the command


def start_demo(work: Path, listen: str) -> tuple[HubServer, list[LiveTerminal], Store]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    held = publish_feeds(work, now)
    host, port = listen.rsplit(":", 1)
    config = HubConfig(
        database=f"sqlite:///{work / 'hub.db'}",
        listen=listen,
        feed_dir=str(work / "feeds"),
        signing_key=str(work / "keys" / keys.PRIVATE_KEY_NAME),  # the key the feeds above were signed with
        uploads=str(work / "uploads"),
    )
    store = open_store(config.database)
    for name, township in USERS:
        store.add_user(name, accounts.hash_password(PASSWORD), township, int(now.timestamp()))
    issued = {terminal.id: tokens.new_token() for terminal in TERMINALS}
    store.add_terminals([(t.id, t.village, tokens.token_hash(issued[t.id])) for t in TERMINALS], int(now.timestamp()) - 30 * DAY)
    rng = random.Random(20)
    for terminal in TERMINALS:
        backfill(store, terminal, held[terminal.village][0], int(now.timestamp()), config.zone, rng)
    server = HubServer(create_app(Hub(store, config)), config, host=host, port=int(port)).start()
    live = [LiveTerminal(t, held[t.village][0], issued[t.id], server.url, work / "terminals" / t.id) for t in TERMINALS if not t.silent_h]
    for running in live:
        running.worker.start()
    return server, live, store


def run_demo(args: argparse.Namespace) -> int:
    work = args.work or Path(tempfile.mkdtemp(prefix="village-kiosk-hub-demo-"))
    if args.work is not None and any(work.iterdir() if work.exists() else ()):
        print(f"village-kiosk hub demo: {work} is not empty; give an empty or new folder")
        return 2
    work.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server, live, store = start_demo(work, args.listen)
    villagers = threading.Thread(target=_villagers, args=(live, stop), daemon=True)
    villagers.start()
    print(
        f"hub demo: open {server.url}/ and log in as “demo” (the whole county) or “qingshi” (青石镇 only), password {PASSWORD}", flush=True
    )
    print(f"hub demo: {len(TERMINALS)} terminals, {len(live)} reporting every {LIVE_INTERVAL_S:.0f} s; Ctrl-C stops it", flush=True)
    try:
        stop.wait(args.seconds)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        for terminal in live:
            terminal.stop()
        server.stop()
        store.close()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0
