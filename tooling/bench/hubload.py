"""The hub under load: heartbeats of 10,000 simulated terminals against
``village-kiosk hub serve`` on this machine, on SQLite and on PostgreSQL.

Each terminal reports once per 300 s / speedup (the field's 5 minutes,
compressed in time), the terminals spread evenly over the interval; each
report is a real format-1 body (the terminal's own wire structs) with a
new usage period of a few views, plus every period not yet acknowledged,
on a new connection, as a terminal sends it. Measured: heartbeats per
second sustained, the latency seen by the terminals (p50/p95/max), and the
CPU of the hub's process (and of the PostgreSQL server), from which the
cores that 10,000 terminals at the real pace need follow.

Half-way through, the hub is killed (SIGKILL) and started again: the
terminals whose reports failed keep their periods and send them with the
next report, as the real ones do; at the end every view sent is compared
with what the hub stored: nothing may be lost or counted twice.

The hub runs in its own process (one core); the load comes from this one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import msgspec

import kiosk
from kiosk.hub import tokens
from kiosk.hub.store import opened
from kiosk.ops.heartbeat import BODY_FORMAT, MAX_BATCH, Heartbeat, Period, Usage, View
from tooling.bench import report
from tooling.bench.memory import process_tree
from tooling.bench.postgres import PostgresUnavailable, ThrowawayCluster
from tooling.serve import free_port

FIELD_INTERVAL_S = 300.0  # a terminal's heartbeat interval in the field
REFERENCE_TERMINALS = 10_000  # the target: this many terminals on one core
TARGET_P95_MS = 50.0
IN_FLIGHT = 256  # requests under way at once, at most (the hub's backlog is 2048)
REQUEST_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
DRAIN_TRIES = 5
BACKENDS = ("sqlite", "postgresql")
SCREENS = ("home", "finance", "finance_month", "projects", "project_detail", "power_detail", "notices", "complaint")


@dataclass(frozen=True)
class HubPlan:
    terminals: int = REFERENCE_TERMINALS
    field_s: float = 60.0  # first the field's pace for this long: the targets
    speedup: float = 10.0  # then every terminal ``rounds`` times at 300/speedup s, the restart half-way
    rounds: int = 2
    restart: bool = True

    @property
    def interval_s(self) -> float:
        return FIELD_INTERVAL_S / self.speedup


QUICK_HUB = HubPlan(field_s=30.0, speedup=20.0, rounds=1)
FULL_HUB = HubPlan()


# ------------------------------------------------------------ simulated terminals


@dataclass
class Terminal:
    id: str
    village: str
    token: str
    started: float
    pending: list[Period] = field(default_factory=list)
    sequence: int = 0

    def new_period(self, rng: random.Random, now: float, interval: float, sent: Counter) -> None:
        views: Counter = Counter()
        for _ in range(rng.randint(1, 6)):
            views[rng.choice(SCREENS)] += 1
        for screen, count in views.items():
            sent[screen] += count
        self.sequence += 1
        end = _moment(now)
        self.pending.append(
            Period(
                id=f"{self.sequence:08x}{rng.getrandbits(32):08x}",
                start=_moment(now - interval),
                end=end,
                views=[View(screen, None, count) for screen, count in sorted(views.items())],
            )
        )

    def body(self, now: float) -> tuple[bytes, int]:
        """The report, and how many periods it carries (the oldest first)."""
        periods = self.pending[:MAX_BATCH]
        heartbeat = Heartbeat(
            format=BODY_FORMAT,
            terminal_id=self.id,
            village=self.village,
            software_version=kiosk.__version__,
            sent_at=_moment(now),
            uptime_s=int(now - self.started),
            system_uptime_s=int(now - self.started) + 60,
            disk_free_bytes=12 * 1024**3,
            data=None,
            last_sync=None,
            usage=Usage(periods=periods, dropped_periods=0),
        )
        return msgspec.json.encode(heartbeat), len(periods)


def _moment(epoch: float):
    import datetime as dt

    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


def _terminals(count: int) -> list[Terminal]:
    now = time.time()
    # Spread over 50 townships of 20 villages, ten terminals a village at most.
    return [
        Terminal(
            id=f"BENCH-{index:05d}",
            village=f"4313{index // 200 % 100:02d}{index // 20 % 10 + 100:03d}{index % 20 + 200:03d}",
            token=tokens.new_token(),
            started=now - 3600,
        )
        for index in range(count)
    ]


# ------------------------------------------------------------ the hub's process


def _cpu_s(pids: list[int]) -> float:
    """CPU time (user + system) of these processes and of their reaped children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


class HubProcess:
    """``village-kiosk hub serve`` in a process of its own, as a county runs it."""

    def __init__(self, database: str, work: Path, port: int | None = None):
        self.database = database
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / f"hub-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> HubProcess:
        """Start it and wait until it answers (again on the same port after a kill)."""
        command = [
            sys.executable,
            "-m",
            "kiosk.cli",
            "hub",
            "serve",
            "--database",
            self.database,
            "--listen",
            f"127.0.0.1:{self.port}",
            "--hub-config",
            os.devnull,
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}: {self.log.read_text(errors='replace')[-600:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the hub did not answer within {START_TIMEOUT_S:.0f} s (log: {self.log})")

    def cpu_s(self) -> float:
        return _cpu_s([self.process.pid]) if self.process else 0.0

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut of the process: no chance to finish anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; its exit status."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        return self.process.returncode


# ------------------------------------------------------------ the load


@dataclass
class Phase:
    """What one stretch of load gave."""

    latencies_ms: list[float] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    late_s: float = 0.0  # how far behind its schedule the load ran at worst
    restart_window: tuple[float, float] | None = None  # latencies then are the restart's, not the hub's


class Load:
    def __init__(self, terminals: list[Terminal], hub: HubProcess, rng: random.Random):
        self.terminals = terminals
        self.hub = hub
        self.rng = rng
        self.sent: Counter = Counter()  # views, by screen, put into periods
        self.next = 0  # the terminal whose turn it is
        self._gate = asyncio.Semaphore(IN_FLIGHT)
        self._client: httpx.AsyncClient  # the run's, set by run() for its length

    async def _send(self, terminal: Terminal, phase: Phase | None) -> None:
        async with self._gate:
            body, carried = terminal.body(time.time())
            started = time.perf_counter()
            try:
                response = await self._client.post(
                    f"{self.hub.url}/terminals/{terminal.id}/heartbeat",
                    content=body,
                    headers={"Authorization": f"Bearer {terminal.token}", "Content-Type": "application/json"},
                )
                delivered = 200 <= response.status_code < 300
            except httpx.HTTPError:
                delivered = False
            elapsed_ms = (time.perf_counter() - started) * 1000
            if delivered:
                del terminal.pending[:carried]
            if phase is None:
                return
            if not delivered:
                phase.failed += 1
                return
            phase.delivered += 1
            window = phase.restart_window
            if not (window and window[0] <= time.monotonic() <= window[1]):
                phase.latencies_ms.append(elapsed_ms)

    async def phase(self, reports: int, per_s: float, on_half_way=None) -> Phase:
        """``reports`` reports at ``per_s`` a second, the terminals in turn,
        each with a new period; ``on_half_way(phase)`` (the restart) runs
        beside the load from the middle on."""
        phase = Phase()
        tasks = set()
        begin = time.monotonic()
        restart = None
        for index in range(reports):
            delay = begin + index / per_s - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                phase.late_s = max(phase.late_s, -delay)
            if on_half_way is not None and index == reports // 2:
                restart = asyncio.ensure_future(asyncio.to_thread(on_half_way, phase))
            terminal = self.terminals[self.next]
            self.next = (self.next + 1) % len(self.terminals)
            terminal.new_period(self.rng, time.time(), FIELD_INTERVAL_S, self.sent)
            task = asyncio.ensure_future(self._send(terminal, phase))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        if restart is not None:
            await restart
        return phase

    async def drain(self) -> None:
        """What failed is sent again, as each terminal would at its next report."""
        for _ in range(DRAIN_TRIES):
            waiting = [t for t in self.terminals if t.pending]
            if not waiting:
                return
            await asyncio.gather(*(self._send(t, None) for t in waiting))

    async def run(self, plan: HubPlan, meter, restart) -> dict:
        """The field's pace, then the compressed load with the restart;
        each phase's figures (``meter()``: CPU seconds of hub, database and this process)."""
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=0)  # a new connection per report, as terminals do
        async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT_S, trust_env=False) as self._client:
            figures = {}
            field_rate = plan.terminals / FIELD_INTERVAL_S
            stretches = (
                ("field", int(plan.field_s * field_rate), field_rate, None),
                ("compressed", plan.rounds * plan.terminals, plan.terminals / plan.interval_s, restart if plan.restart else None),
            )
            for name, reports, per_s, on_half_way in stretches:
                before, wall = meter(), time.monotonic()
                phase = await self.phase(reports, per_s, on_half_way)
                wall, spent = time.monotonic() - wall, [after - was for after, was in zip(meter(), before, strict=False)]
                figures[name] = _figures(phase, per_s, wall, *spent)
            await self.drain()
        return figures


def _own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def _figures(phase: Phase, per_s: float, wall: float, hub_cpu: float, database_cpu: float, own_cpu: float) -> dict:
    reports = phase.delivered
    return {
        "offered_per_s": round(per_s, 1),
        "sustained_per_s": round(reports / wall, 1),
        "reports_delivered": reports,
        "reports_failed": phase.failed,
        "latency_ms": report.summarize(phase.latencies_ms, 2),
        "late_s": round(phase.late_s, 3),
        "wall_s": round(wall, 1),
        "hub_cores": round(hub_cpu / wall, 3),
        "database_cores": round(database_cpu / wall, 3),
        "load_generator_cores": round(own_cpu / wall, 3),  # the simulated terminals' share of the machine
        "cpu_ms_per_report": round((hub_cpu + database_cpu) / reports * 1000, 3) if reports else None,
    }


def measure_backend(backend: str, plan: HubPlan, work: Path) -> dict:
    """One backend: the field's pace, the compressed load with a restart
    half-way, and what was stored."""
    work.mkdir(parents=True, exist_ok=True)
    cluster = None
    if backend == "postgresql":
        cluster = ThrowawayCluster().start()  # fsync on, as a real server (its folder in /tmp: the postgres user must reach it)
        database = cluster.new_database("hub")
    else:
        database = f"sqlite:///{work / 'hub.db'}"
    try:
        terminals = _terminals(plan.terminals)
        with opened(database) as store:
            store.add_terminals([(t.id, t.village, tokens.token_hash(t.token)) for t in terminals], int(time.time()))
        hub = HubProcess(database, work).start()
        killed_cpu = 0.0  # used by the hub's process before the kill

        def meter() -> tuple[float, float, float]:
            database_cpu = _cpu_s(process_tree(cluster.server_pid)) if cluster else 0.0
            return killed_cpu + hub.cpu_s(), database_cpu, _own_cpu_s()

        def restart(phase: Phase) -> None:
            nonlocal killed_cpu
            killed_at = time.monotonic()
            killed_cpu += hub.cpu_s()
            hub.kill()
            hub.start()
            phase.restart_window = (killed_at, time.monotonic() + 1.0)

        load = Load(terminals, hub, random.Random(1))
        figures = asyncio.run(load.run(plan, meter, restart))
        hub.stop()
        with opened(database) as store:
            stored: Counter[str] = Counter()
            for screens in store.usage_by_screen("2000-01-01").values():
                stored.update(screens)
        field_figures, compressed = figures["field"], figures["compressed"]
        return {
            "terminals": plan.terminals,
            "speedup": plan.speedup,
            **figures,
            # The targets: 10,000 terminals at the field's pace (33.3 reports a second).
            "p95_ms": field_figures["latency_ms"]["p95"],
            "cores_for_10k": round(REFERENCE_TERMINALS / FIELD_INTERVAL_S * field_figures["cpu_ms_per_report"] / 1000, 3)
            if field_figures["cpu_ms_per_report"]
            else None,
            "sustained_per_s": compressed["sustained_per_s"],
            "sent_views": sum(load.sent.values()),
            "stored_views": sum(stored.values()),
            "lost_views": sum((load.sent - stored).values()),
            "counted_twice_views": sum((stored - load.sent).values()),
            "undelivered_terminals": sum(bool(t.pending) for t in terminals),
        }
    finally:
        if cluster is not None:
            cluster.stop()


def measure(plan: HubPlan, work: Path, backends: tuple[str, ...] = BACKENDS, step=print) -> dict:
    """Every backend's figures, and the worst of them for the targets."""
    results: dict = {"skipped": {}}  # by the report's keys (hub.<backend>.<figure>)
    # The machine may be shared: what else ran says how far to trust the figures.
    results["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    for backend in backends:
        step(
            f"hub on {backend}: {plan.terminals:,} terminals at the field's pace for {plan.field_s:.0f} s, "
            f"then {plan.rounds} reports each {plan.speedup:g}× faster, the hub restarted half-way"
        )
        try:
            results[backend] = measure_backend(backend, plan, work / backend)
        except (PostgresUnavailable, RuntimeError) as exc:
            results["skipped"].update({f"hub.{backend}.{figure}": str(exc) for figure in ("sustained_per_s", "p95_ms", "cores_for_10k")})
            step(f"  skipped {backend}: {exc}")
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    measured = [results[b] for b in backends if b in results]
    if measured:
        results["lost_views"] = sum(r["lost_views"] + r["counted_twice_views"] + r["undelivered_terminals"] for r in measured)
    return results


def run_hub_bench(args: argparse.Namespace) -> int:
    """``village-kiosk hub bench``: the hub part alone."""
    plan = HubPlan(
        terminals=args.terminals, field_s=args.field_seconds, speedup=args.speedup, rounds=args.rounds, restart=not args.no_restart
    )
    work = args.work or Path(tempfile.mkdtemp(prefix="village-kiosk-hub-bench-"))
    try:
        results = {
            "hub": measure(
                plan, work, tuple(args.backend or BACKENDS), step=lambda text: print(f"bench: {text}", file=sys.stderr, flush=True)
            )
        }
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    results["skipped"] = results["hub"].pop("skipped")
    rows = [row for row in report.verdicts(results) if row["key"].startswith("hub.")]
    print(report.table(rows))
    if args.json:
        report.write_json(results, args.json)
        print(f"results written to {args.json}")
    return 0
