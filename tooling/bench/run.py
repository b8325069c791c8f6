"""The benchmark run: measure the kiosk on the demo village and on a large
synthetic one, beside a browser kiosk showing the same data.

Order: build the villages, serve their signed feeds from 127.0.0.1, the
sync figures, the core search figures, cold starts of the real kiosk
from a warm store, the UI measurements (``tooling.bench.ui`` in a child
process), then the browser peer. A part that cannot run here is skipped
with its reason and the rest still runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from kiosk import paths
from tooling import serve
from tooling.bench import hubload, peer, report, sheetsbench, syncbench
from tooling.bench.load import Load
from tooling.bench.memory import MemoryUnavailable, tree_pss_mib

READY_FILE_ENV = "VILLAGE_KIOSK_READY_FILE"  # screens.shell.app writes the first frame's time there
SIZE = (1080, 1920)  # portrait, the common terminal
SYNC_EVERY_S = 2.0  # the kiosk's polls under load (its feed changes every load.REPUBLISH_EVERY_S)
CONDITIONS = ("idle", "load")
# What each UI session measures, and under which key of the results.
DEMO_FIGURES = ("tap_p95_ms", "power_detail_p95_ms")
LARGE_FIGURES = ("finance_month_p95_ms", "scroll_frame_p95_ms", "search_p95_ms", "receipt_thumbnail_p95_ms", "receipt_full_p95_ms")
COLD_START_TIMEOUT_S = 120.0
SEARCH_RECORDS = 10_000
# Typed key by key, as villagers do: initials, full pinyin, Chinese.
# Titles in initials, syllables and characters; a payee (青石供电所); amounts typed as yuan.
SEARCH_QUERIES = (
    "db", "dbpd", "dibao", "zjd", "zhaijidi", "cwgk", "tzgg", "ljqy", "glxm", "xm", "1z", "低保", "宅基地", "村部",
    "qsgds", "1500", "250000", "36000",
)  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """How much of everything: ``--quick`` for a few minutes, full for the record."""

    sync_media: int
    sync_media_kb: int
    sync_runs: int
    cold_runs: int
    peer_runs: int
    nav_reps: int
    per_screen: int
    soak_taps: int
    gestures: int
    receipts: int
    search_rounds: int
    benefits_rounds: int


QUICK = Plan(
    sync_media=100,
    sync_media_kb=40,
    sync_runs=2,
    cold_runs=3,
    peer_runs=3,
    nav_reps=2,
    per_screen=3,
    soak_taps=1_000,
    gestures=4,
    receipts=5,
    search_rounds=3,
    benefits_rounds=3,
)
FULL = Plan(
    sync_media=500,
    sync_media_kb=110,
    sync_runs=5,
    cold_runs=7,
    peer_runs=7,
    nav_reps=5,
    per_screen=5,
    soak_taps=10_000,
    gestures=12,
    receipts=20,
    search_rounds=10,
    benefits_rounds=10,
)


# ------------------------------------------------------------ the villages


def demo_source(work: Path) -> Path:
    if (paths.DEMO_VILLAGE / "village.json").is_file():
        return paths.DEMO_VILLAGE
    from tooling.demo.build import build

    build(work / "demo")  # the bundled copy is missing (e.g. a bare checkout): make it
    return work / "demo"


def large_source(work: Path) -> Path:
    """10,000 finance entries in two 5,000-entry months (the longest list),
    200 projects, 500 receipt images, and notices enough that search
    covers 10,000 records."""
    from tooling.demo import notices, powers
    from tooling.synthetic import build_synthetic

    projects, disclosures = 200, 50
    others = len(powers.ITEMS) + projects + disclosures + len(notices.cases())
    out = work / "large"
    build_synthetic(
        out, entries=10_000, projects=projects, media=500, months=2, notices=SEARCH_RECORDS - others, disclosures=disclosures, seed=1
    )
    return out


def sync_source(work: Path, plan: Plan) -> Path:
    """A village of realistic shape for sync: 24 monthly shards, and media
    enough for the throughput figure (≥ 50 MB in the full run)."""
    from tooling.synthetic import build_synthetic

    out = work / "sync-village"
    build_synthetic(out, entries=10_000, projects=200, media=plan.sync_media, media_kb=plan.sync_media_kb, seed=2)
    return out


def write_config(path: Path, feed: syncbench.ServedFeed, store: Path) -> Path:
    path.write_text(
        f"""[terminal]
id = "BENCH-0001"

[feed]
platform = "{feed.base_url}"
village = "{feed.village}"
pubkeys = ["{feed.publisher.pub_path}"]
store = "{store}"
allow_http = true
""",
        encoding="utf-8",
    )
    return path


# ------------------------------------------------------------ measurements


def search_core(source: Path, rounds: int) -> dict:
    """Key by key through typical queries over the large village, in the
    core (no UI): what a key tap costs the search itself."""
    from kiosk.search import SearchIndex, bench_queries
    from kiosk.snapshot import load_folder

    snapshot = load_folder(source)
    started = time.perf_counter()
    index = SearchIndex.build(snapshot)
    build_s = time.perf_counter() - started
    typed = [query[:end] for query in SEARCH_QUERIES for end in range(1, len(query) + 1)]
    times = [ms for _ in range(rounds) for ms in bench_queries(index, typed)]
    suggest = []
    for text in typed:
        started = time.perf_counter()
        index.suggest_keys(text)
        suggest.append((time.perf_counter() - started) * 1000)
    return {
        "records": len(index),
        "index_build_s": round(build_s, 3),
        "keys": len(typed),
        "query_ms": report.summarize(times),
        "suggest_keys_ms": report.summarize(suggest),
    }


def benefits_core(rounds: int) -> dict:
    """A subsidy lookup (我的补贴) as the screen's worker thread runs it --
    the key derivation, finding and opening the record, the family names --
    on the demo village's document, for every demo person and a number
    without records. Issue 18's target: within a second."""
    from kiosk import datasource
    from kiosk.benefits.lookup import look_up
    from tooling.demo import benefits as demo

    doc = datasource.open_demo().benefits
    assert doc is not None, "the demo village publishes subsidies"
    numbers = [person.id_number for household in demo.HOUSEHOLDS.values() for person in household] + [demo.NOBODY]
    times = []
    for _ in range(rounds):
        for number in numbers:
            started = time.perf_counter()
            look_up(doc, number)
            times.append((time.perf_counter() - started) * 1000)
    return {"kdf": f"scrypt n={doc.kdf.n} r={doc.kdf.r} p={doc.kdf.p}", "lookup_ms": report.summarize(times)}


def kiosk_command() -> list[str]:
    script = Path(sys.executable).with_name("village-kiosk")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kiosk.cli"]


def _stop(process: subprocess.Popen) -> None:
    """Kill the kiosk and anything it started, at once: the measurement is
    over, nothing needs a clean stop (its store is built to survive being
    killed)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(10)


def cold_start_once(config: Path, env: dict, work: Path, log: Path) -> tuple[float, float | None]:
    """Spawn the real kiosk; (seconds from spawn to its first frame on
    screen, its PSS in MiB on the home screen a moment later)."""
    ready = work / "ready"
    ready.unlink(missing_ok=True)
    command = [*kiosk_command(), "--windowed", "--size", f"{SIZE[0]}x{SIZE[1]}", "--config", str(config)]
    with log.open("ab") as out:
        spawned = time.time()
        process = subprocess.Popen(
            command, env={**env, READY_FILE_ENV: str(ready)}, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True
        )
        try:
            deadline = time.monotonic() + COLD_START_TIMEOUT_S
            while not (ready.exists() and ready.read_text().endswith("\n")):
                if process.poll() is not None:
                    raise RuntimeError(f"the kiosk exited with status {process.returncode} before drawing (log: {log})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the kiosk drew nothing within {COLD_START_TIMEOUT_S:.0f} s (log: {log})")
                time.sleep(0.005)
            drawn = float(ready.read_text()) - spawned
            time.sleep(1.0)  # the home screen at rest
            try:
                pss = round(tree_pss_mib(process.pid)[0], 1)
            except MemoryUnavailable:
                pss = None
        finally:
            _stop(process)
    return drawn, pss


def compile_bytecode() -> None:
    """Write the kiosk's up-to-date bytecode, as ``pip install`` does on a
    terminal: a development checkout (or PYTHONDONTWRITEBYTECODE, set on
    some machines) would otherwise compile 50 modules at every start."""
    import compileall
    import importlib.util

    for package in ("kiosk", "screens"):  # found, not imported: the core never loads the UI
        spec = importlib.util.find_spec(package)
        if spec is None or spec.submodule_search_locations is None:
            raise RuntimeError(f"the {package} package is not installed")
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def cold_start(config: Path, runs: int, env: dict, work: Path, log: Path) -> dict:
    compile_bytecode()
    cold_start_once(config, env, work, log)  # warm-up: page cache, font cache, as on a terminal that has run before
    samples = [cold_start_once(config, env, work, log) for _ in range(runs)]
    pss = [p for _, p in samples if p is not None]
    return {
        "seconds": report.summarize([s for s, _ in samples]),
        "pss_home_mib": report.summarize(pss, 1),
        "command": " ".join(kiosk_command()),
    }


def ui_session(args: list[str], env: dict, work: Path, name: str, timeout: float) -> dict:
    """Run ``tooling.bench.ui`` in a child process; its JSON results."""
    out, log = work / f"ui-{name}.json", work / f"ui-{name}.log"
    with log.open("wb") as log_file:
        result = subprocess.run(
            [sys.executable, "-m", "tooling.bench.ui", "--json", str(out), *args],
            env=env,
            stdout=log_file,
            stderr=log_file,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    if result.returncode != 0 or not out.exists():
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"bench_ui ({name}) failed with status {result.returncode}: {' | '.join(tail)}")
    return json.loads(out.read_text(encoding="utf-8"))


def machine() -> dict:
    def first(path: str, prefix: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    try:
        debian = Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = ""

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return ""

    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_mib": int(first("/proc/meminfo", "MemTotal").split()[0]) // 1024 if first("/proc/meminfo", "MemTotal") else None,
        "kernel": platform.release(),
        "debian": debian,
        "python": platform.python_version(),
        "kivy": version("kivy"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# ------------------------------------------------------------ the run


class Bench:
    def __init__(self, plan: Plan, work: Path, skip: set[str]):
        self.plan = plan
        self.work = work
        self.skip = skip
        self.results: dict = {"skipped": {}}
        self.env = dict(os.environ)
        # A cache of our own: thumbnails made by an earlier run must not flatter this one.
        self.env["XDG_CACHE_HOME"] = str(work / "cache")
        self.env.pop(READY_FILE_ENV, None)
        self.feeds: dict[str, tuple[syncbench.ServedFeed, Path]] = {}

    def skipped(self, key: str, reason: str) -> None:
        self.results["skipped"][key] = reason
        print(f"  skipped {key}: {reason}", file=sys.stderr, flush=True)

    def step(self, text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    def run(self) -> dict:
        r = self.results
        r["machine"] = machine()
        r["quick"] = self.plan is QUICK
        r["plan"] = asdict(self.plan)
        r["started_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        display = self._display()

        self.step("building the villages")
        demo, large = demo_source(self.work), large_source(self.work)
        www = self.work / "www"
        www.mkdir()
        server = serve.start_server(www, self.work / "nginx")
        r["server"] = server.name
        try:
            publisher = syncbench.Publisher(self.work / "keys")
            if "sync" not in self.skip:
                self._sync(publisher, www, server.url)
            configs = self._warm_stores(publisher, www, server.url, {"demo": demo, "large": large})
            if "search" not in self.skip:
                self.step("search in the core")
                r["search_core"] = search_core(large, self.plan.search_rounds)
            if "benefits" not in self.skip:
                self.step("subsidy lookups in the core")
                r["benefits_core"] = benefits_core(self.plan.benefits_rounds)
                r["benefits_lookup_p95_ms"] = r["benefits_core"]["lookup_ms"]["p95"]
            if display is not None:
                self._ui(configs)
        finally:
            server.stop()
        if "sheets" not in self.skip:
            self.step(f"a {sheetsbench.ENTRIES:,}-entry workbook read, checked and signed")
            r["sheets"] = sheetsbench.measure(self.work / "sheets", self.plan.sync_runs)
        if "peer" not in self.skip:
            self._peer(demo, large, display)
        if "hub" not in self.skip:
            self._hub()
        self._derive()
        r["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        r["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        r["targets"] = report.verdicts(r)
        return r

    def _display(self) -> str | None:
        from tooling.display import DisplayError, ensure_display  # no Kivy in there

        try:
            display = ensure_display(*SIZE)
        except DisplayError as exc:
            for key in ("cold_start_s", "pss_mib", "peer"):
                self.skipped(key, str(exc))
            return None
        self.env["DISPLAY"] = display
        return display

    def _sync(self, publisher, www: Path, url: str) -> None:
        self.step("sync: unchanged poll, one-month change, first sync against curl")
        source = sync_source(self.work, self.plan)
        feed = syncbench.ServedFeed(publisher, www, url)
        sync, _store = syncbench.run(feed, source, self.work / "sync", self.plan.sync_runs)
        sync["village"] = syncbench.village_size(source)
        sync["server"] = self.results["server"]
        self.results["sync"] = sync
        self.results["sync_unchanged_bytes"] = sync["unchanged"]["bytes"]

    def _warm_stores(self, publisher, www: Path, url: str, sources: dict[str, Path]) -> dict[str, Path]:
        """Each village synced into a store of its own, and a terminal
        configuration pointing at it: the kiosk starts as in the field.
        The feeds are kept for the load (``self.load``)."""
        configs = {}
        for name, source in sources.items():
            feed = syncbench.ServedFeed(publisher, www, url)
            feed.publish(source)
            self.feeds[name] = (feed, source)
            store = self.work / "stores" / name
            syncbench.sync_into(feed, store)
            configs[name] = write_config(self.work / f"config-{name}.toml", feed, store)
            if not {"ui", "cold"} <= self.skip:  # a kiosk will run on it
                self._make_font_subset(name, store)
        return configs

    def village_env(self, village: str) -> dict:
        """The environment of one village's kiosk: a cache of its own, as
        each terminal has."""
        return {**self.env, "XDG_CACHE_HOME": str(self.work / "cache" / village)}

    def _make_font_subset(self, village: str, store: Path) -> None:
        """The village's font subset, made as the kiosk makes it: a terminal
        draws with it from its first night on (screens.shell.restart), and
        that is the terminal measured."""
        self.step(f"the font subset of the {village} village")
        made = subprocess.run(
            [sys.executable, "-m", "kiosk.fontsubset", "--store", str(store)],
            env=self.village_env(village),
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            self.skipped(f"font_subset.{village}", f"not made (the kiosk draws with the full font): {made.stderr.strip()[-200:]}")

    def load(self, village: str, spin: bool = True) -> Load:
        """The load of issue 23: one core kept busy, and the village's feed
        republished every few seconds for the kiosk to sync."""
        feed, source = self.feeds.get(village, (None, None))
        return Load(self.work / f"load-{village}", spin=spin, feed=feed, source=source)

    def _ui(self, configs: dict[str, Path]) -> None:
        r, plan = self.results, self.plan
        if "cold" not in self.skip:
            self.step("cold starts of the kiosk (demo, then large village)")
            for name, key in (("demo", "cold_start"), ("large", "cold_start_large")):
                try:
                    r[key] = cold_start(configs[name], plan.cold_runs, self.village_env(name), self.work, self.work / f"kiosk-{name}.log")
                except RuntimeError as exc:
                    self.skipped(f"{key}_s", str(exc))
            if "cold_start" in r:
                r["cold_start_s"] = r["cold_start"]["seconds"]["median"]
        if "ui" not in self.skip:
            for condition in CONDITIONS:
                if condition in self.skip:
                    self.step(f"UI {condition}: left out")
                    for key in DEMO_FIGURES + LARGE_FIGURES:
                        self.results["skipped"][f"load.{key}" if condition == "load" else key] = f"left out (--skip {condition})"
                else:
                    self._ui_condition(configs, condition)
            if "soak" not in self.skip:
                self._soak(configs["demo"])

    def _ui_condition(self, configs: dict[str, Path], condition: str) -> None:
        """The UI parts on both villages, idle or under load (figures
        under ``load.`` in the results). Memory after the tour is
        measured idle only."""
        plan, loaded = self.plan, condition == "load"
        into = self.results.setdefault("load", {}) if loaded else self.results
        prefix = "load." if loaded else ""
        common = ["--reps", str(plan.nav_reps), "--per-screen", str(plan.per_screen)]
        if loaded:
            common += ["--skip-tour", "--sync-every", str(SYNC_EVERY_S)]
        large_args = ["--large", "--gestures", str(plan.gestures), "--receipts", str(plan.receipts)]
        for village, extra, figures, pss_key in (
            ("demo", [], DEMO_FIGURES, "pss_mib"),
            ("large", large_args, LARGE_FIGURES, "pss_large_mib"),
        ):
            self.step(f"UI on the {village} village, {condition}: navigation" + (", scrolling, receipts, search" if extra else ""))
            try:
                with self.load(village) if loaded else contextlib.nullcontext() as load:
                    session = ui_session(
                        ["--config", str(configs[village]), *common, *extra],
                        self.village_env(village),
                        self.work,
                        f"{village}-{condition}",
                        timeout=3 * 3600,
                    )
                    if load is not None:
                        load.check()
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                for key in figures if loaded else (*figures, pss_key):
                    self.skipped(prefix + key, str(exc))
                continue
            if load is not None:
                session["load"] = load.figures()
            self._merge(session, figures, into, prefix)
            into[f"ui_{village}"] = session
            if not loaded:
                self.results[pss_key] = session.get("pss_mib")

    def _soak(self, config: Path) -> None:
        """Random taps on the demo village, both font modes, its feed
        republished and synced all along."""
        taps = self.plan.soak_taps
        self.step(f"soak on the demo village: {taps} random taps, records changing through syncs")
        try:
            with self.load("demo", spin=False) as load:
                session = ui_session(
                    ["--config", str(config), "--skip-tour", "--reps", "0", "--taps", str(taps), "--sync-every", str(SYNC_EVERY_S)],
                    self.village_env("demo"),
                    self.work,
                    "soak",
                    timeout=12 * 3600,
                )
                load.check()
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            for key in ("soak.growth_mib", "soak.growth_after_warm_mib", "soak.exceptions", "soak.transient_max_mib"):
                self.skipped(key, str(exc))
            return
        self.results["soak"] = {**session["soak"], "sync": session.get("sync"), "load": load.figures()}

    def _merge(self, session: dict, keys: tuple[str, ...], into: dict, prefix: str) -> None:
        for key in keys:
            if session.get(key) is not None:
                into[key] = session[key]
        for key, reason in session.get("skipped", {}).items():
            self.results["skipped"].setdefault(prefix + key, reason)

    def _peer(self, demo: Path, large: Path, display: str | None) -> None:
        from kiosk.snapshot import load_folder

        self.step("the browser peer (Chromium --kiosk) on the demo village: cold starts, clicks idle and under load")
        if display is None:
            self.results["peer"] = {"first_paint_s": None, "pss_mib": None, "reason": self.results["skipped"]["peer"]}
            return
        under_load = None if "load" in self.skip else lambda: self.load("demo")
        try:
            figures = peer.measure(
                load_folder(demo), self.work, self.plan.peer_runs, SIZE, self.plan.gestures, load_folder(large), under_load
            )
        except peer.PeerUnavailable as exc:
            self.results["peer"] = {"first_paint_s": None, "pss_mib": None, "reason": str(exc)}
            self.skipped("peer", str(exc))
            return
        self.results["peer"] = figures
        for prefix, part in (("peer.", figures), ("peer.load.", figures.get("load") or {})):
            if part.get("reason"):
                for key in ("click_p95_ms", "long_list_click_p95_ms", "scroll_frame_p95_ms", *(("pss_mib",) if part is figures else ())):
                    self.skipped(prefix + key, part["reason"])

    def _hub(self) -> None:
        plan = hubload.QUICK_HUB if self.plan is QUICK else hubload.FULL_HUB
        hub = hubload.measure(plan, self.work / "hub", step=self.step)
        self.results["skipped"].update(hub.pop("skipped"))
        self.results["hub"] = hub

    def _derive(self) -> None:
        """Ratios to the peer, and search from the core when no search screen ran."""
        r = self.results
        ours_first = r.get("cold_start_s")
        peer_figures = r.get("peer") or {}
        ratios = r.setdefault("ratios", {})
        if ours_first and peer_figures.get("first_paint_s"):
            ratios["cold_start_vs_peer"] = round(ours_first / peer_figures["first_paint_s"], 3)
        if r.get("pss_mib") and peer_figures.get("pss_mib"):
            ratios["pss_vs_peer"] = round(r["pss_mib"] / peer_figures["pss_mib"], 3)
        if r.get("search_p95_ms") is None and "search_core" in r:
            r["search_p95_ms"] = r["search_core"]["query_ms"]["p95"]
            r["search_measured_in"] = "core (SearchIndex.query; no search screen measured)"
        elif r.get("search_p95_ms") is not None:
            r["search_measured_in"] = "UI (key tap → results frame)"
        for key in ("ratios.cold_start_vs_peer", "ratios.pss_vs_peer"):
            if report.lookup(r, key) is None:
                r["skipped"].setdefault(key, peer_figures.get("reason") or "a figure is missing")


def run_bench(args: argparse.Namespace) -> int:
    """The ``bench`` command: run, print the table, write the JSON."""
    plan = QUICK if args.quick else FULL
    work = Path(tempfile.mkdtemp(prefix="village-kiosk-bench-")) if args.work is None else args.work
    work.mkdir(parents=True, exist_ok=True)
    # The dozens of syncs below would each log a line amid the table.
    feed_log = logging.getLogger("kiosk.feed")
    level = feed_log.level
    feed_log.setLevel(logging.WARNING)
    try:
        results = Bench(plan, work, set(args.skip or ())).run()
    finally:
        feed_log.setLevel(level)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(report.table(results["targets"]))
    print("\n".join(report.conditions(results)))
    if args.json:
        report.write_json(results, args.json)
        print(f"results written to {args.json}")
    return 0
