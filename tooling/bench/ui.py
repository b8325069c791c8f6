"""The Kivy-side measurements of ``village-kiosk bench``, run as a child
process (``python -m tooling.bench.ui``) so the benchmark itself never
loads Kivy and the memory read here is the kiosk's alone.

The real app runs under the harness on the real X server. A tap is a real
touch dispatched through the event loop; its latency is the wall time from
the touch's release to the end of the frame that shows the result (the
frame's buffer swap included), and "settled" is the end of the last frame
drawn before the app stops redrawing. Results go to a JSON file.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import logging
import os
import random
import sys
import threading
import time
import traceback
from collections import defaultdict
from pathlib import Path

from kiosk.config import load_config
from tooling.bench.memory import own_pss_mib, own_written_mib, pss_map_mib, sharing_processes
from tooling.bench.report import summarize, write_json

SETTLE_FRAMES = 30  # a screen still redrawing after this many frames is animating: stop there
PICTURE_TIMEOUT_S = 10.0
SOAK_SAMPLES = 20  # PSS samples over a soak, besides the first and the last
TRANSIENT_MIB = 10.0  # a sample this far above both its neighbours is a transient, not growth


class Recorder(logging.Handler):
    """Counts error records (an exception logged anywhere is one)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(f"{record.name}: {record.getMessage()}"[:300])


class Driver:
    """Timed touches and frames on a running harness."""

    def __init__(self, harness):
        from kivy.base import EventLoop
        from kivy.core.window import Window

        self.harness = harness
        self.fingers = harness.fingers
        self.loop = EventLoop
        self.window = Window
        self.flips = 0
        Window.bind(on_flip=self._count_flip)

    def _count_flip(self, *_args):
        self.flips += 1

    @property
    def nav(self):
        return self.harness.app.nav

    def frame(self) -> bool:
        """One turn of the event loop; True when it drew a frame."""
        before = self.flips
        self.loop.idle()
        return self.flips != before

    def settle(self, started: float) -> float | None:
        """Frames until the app stops redrawing; seconds from ``started`` to
        the end of the last frame drawn (None: still animating)."""
        last = time.perf_counter()
        for _ in range(SETTLE_FRAMES):
            if not self.frame():
                return last - started
            last = time.perf_counter()
        return None

    def press_and_release(self, widget) -> float:
        """A finger on the widget, a frame, lifted, the next frame drawn:
        the moment it was lifted (perf_counter)."""
        x, y = widget.to_window(*widget.center)
        finger = self.fingers.down(x, y)
        self.frame()
        started = time.perf_counter()
        self.fingers.up(finger)
        self.frame()
        return started

    def tap(self, widget) -> tuple[float, float | None]:
        """Tap a widget; (ms to the first frame after the release, ms until settled)."""
        started = self.press_and_release(widget)
        first = time.perf_counter() - started
        settled = self.settle(started)
        return first * 1000, settled * 1000 if settled is not None else None

    def drag(self, x: float, y: float, dy: float, steps: int, coast: int) -> list[float]:
        """A finger drag of ``steps`` frames moving ``dy`` px per frame, then
        ``coast`` frames of the scroll coasting; each frame's ms."""
        frames = []
        finger = self.fingers.down(x, y)
        frames.append(self._timed_frame())
        for step in range(1, steps + 1):
            self.fingers.move(finger, x, y + dy * step)
            frames.append(self._timed_frame())
        self.fingers.up(finger)
        for _ in range(coast):
            frames.append(self._timed_frame())
        return frames

    def _timed_frame(self) -> float:
        started = time.perf_counter()
        self.frame()
        return (time.perf_counter() - started) * 1000

    def targets(self) -> list:
        """Touch targets on screen, top to bottom, left to right."""
        from kivy.uix.behaviors import ButtonBehavior

        found = [
            w
            for w in self.harness.widgets()
            if (getattr(w, "action", None) is not None or isinstance(w, ButtonBehavior)) and not w.disabled
        ]
        return sorted(found, key=lambda w: (-round(w.to_window(*w.center)[1]), w.to_window(*w.center)[0]))

    def header_targets(self) -> list:
        """The header's back and home buttons (when they lead anywhere)."""
        ids = self.harness.app.root.ids
        return [ids[name] for name in ("back", "home") if name in ids and not ids[name].disabled and len(self.nav.history) > 1]

    def content_targets(self) -> list:
        """Touch targets of the screen itself, not of the header."""
        header = self.harness.app.root.ids.get("header")
        return [w for w in self.targets() if not _inside(w, header)]

    def show(self, screen, params: dict) -> None:
        """Go to ``screen`` and let it finish drawing, and the kiosk its
        work once a screen is drawn (a collection): a villager taps a page
        they have seen whole, not one still coming."""
        self.nav.home()
        if screen is not self.nav.current[0]:
            self.nav.go(screen, **params)
        self.harness.pump(2)
        self.wait_pictures()
        self.settle(time.perf_counter())
        self.harness.pump(2)

    def wait_pictures(self) -> None:
        pending = _pictures_pending()
        deadline = time.monotonic() + PICTURE_TIMEOUT_S
        while pending() and time.monotonic() < deadline:
            self.frame()
            time.sleep(0.002)

    def pss(self) -> float:
        """PSS at rest: read after the pause in which the kiosk hands freed
        memory back to the system (``screens.services.operations.TRIM_AFTER_S``)."""
        from screens.services.operations import TRIM_AFTER_S

        rested = time.monotonic() + TRIM_AFTER_S + 0.3
        while time.monotonic() < rested:
            self.frame()
            time.sleep(0.01)
        gc.collect()
        self.harness.pump(2)
        return round(own_pss_mib(), 1)


class SyncTicker(threading.Thread):
    """Asks the kiosk's own sync worker to poll every ``every`` seconds
    (a terminal's interval is minutes; the bench wants syncs during its
    measurement), and counts the new versions the app has swapped in."""

    def __init__(self, live, every: float):
        super().__init__(name="bench-sync-ticker", daemon=True)
        self.live = live
        self.every = every
        self.polls = 0
        self.swaps = 0
        self.first_version = self.version
        self._seen = live.snapshot
        self._counting = threading.Lock()
        self._stopping = threading.Event()
        self._holding = threading.Event()
        self._wake = threading.Event()  # a poll due now: the one that fell due while held

    @contextlib.contextmanager
    def held(self, driver: Driver):
        """No polls asked for while inside; entered once the sync last asked
        for has had time to end and its version to be swapped in and
        indexed (a demo village's sync takes well under a second). A hold
        lasts longer than a tick, so a poll has fallen due inside: it is asked
        for on leaving (a soak that samples after every tap is held nearly
        all the time, and would poll only when a tick happened to fall
        between two samples)."""
        self._holding.set()
        try:
            quiet = time.monotonic() + 2 * self.every + 1
            while time.monotonic() < quiet:
                driver.frame()
                time.sleep(0.02)
            yield
        finally:
            self._holding.clear()
            self._wake.set()

    @property
    def version(self) -> int | None:
        """The feed version on show (the signed manifest's)."""
        return self.live.snapshot.info.version

    def run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.every)
            self._wake.clear()
            if self._stopping.is_set():
                break
            if self._holding.is_set():
                continue
            self.live.sync_now()
            self.polls += 1
            self.count()

    def count(self) -> int:
        """Versions swapped in since the start, as far as looking now and
        then tells (two between looks count once); from any thread."""
        with self._counting:
            current = self.live.snapshot
            if current is not self._seen:
                self._seen = current
                self.swaps += 1
            return self.swaps

    def stop(self) -> dict:
        self._stopping.set()
        self._wake.set()
        self.join(self.every + 1)
        return {
            "every_s": self.every,
            "polls": self.polls,
            "swaps_seen": self.count(),
            "first_version": self.first_version,
            "last_version": self.version,
        }


def _inside(widget, ancestor) -> bool:
    from kivy.core.window import Window

    if ancestor is None:
        return False
    # ``ids`` hold weak proxies: compare widgets by their uid, not identity.
    while widget is not None and widget is not Window:  # the Window is its own parent
        if widget.uid == ancestor.uid:
            return True
        widget = widget.parent
    return False


def _pictures_pending():
    try:
        from screens.services.pictures import pictures_pending
    except ImportError:
        return lambda: 0
    return pictures_pending


def _kind(before, after) -> str | None:
    """'power_list→power_detail' when a tap moved to another screen."""
    if before[0] is after[0]:
        return None
    return f"{before[0].value}→{after[0].value}"


# ------------------------------------------------------------ measurements


def tour_pss(driver: Driver, snapshot, skipped: dict) -> tuple[float, dict[str, float]]:
    """Visit every screen of the tour once, back home, then read PSS.
    Also what each stop added (the profile of where memory goes)."""
    from tooling.tour import tour_stops

    added, last = {}, driver.pss()
    for stop in tour_stops(snapshot):
        try:
            driver.show(stop.screen, stop.params)
        except Exception as exc:  # a screen another helper has not finished: note it, go on
            skipped[f"tour:{stop.label}"] = describe(exc)
            continue
        now = driver.pss()
        added[stop.label], last = round(now - last, 1), now
    driver.nav.home()
    return driver.pss(), added


def crawl(driver: Driver, snapshot, reps: int, per_screen: int, errors: list[str]) -> dict[str, dict[str, list[float]]]:
    """Tap the first touch targets of every tour screen, ``reps`` times:
    latency samples per kind of navigation (first frame and settled).
    Exceptions raised by a tap are added to ``errors``."""
    from tooling.tour import tour_stops

    samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"first": [], "settled": []})
    theme = driver.harness.app.theme
    for _ in range(reps):
        for stop in tour_stops(snapshot):
            for index in itertools.count():
                try:
                    driver.show(stop.screen, stop.params)
                except Exception:
                    break
                targets = driver.content_targets()[:per_screen] + driver.header_targets()
                if index >= len(targets):
                    break
                before = driver.nav.current
                try:
                    first, settled = driver.tap(targets[index])
                    theme.large = False  # the large-font button is a target too
                except Exception as exc:  # noted with where it came from; the crawl goes on
                    errors.append(f"{stop.label}, target {index}: {describe(exc)}")
                    _recover(driver)
                    continue
                kind = _kind(before, driver.nav.current)
                if kind:
                    samples[kind]["first"].append(first)
                    if settled is not None:
                        samples[kind]["settled"].append(settled)
    return samples


def describe(exc: BaseException) -> str:
    """The exception in one line, with the project's innermost frame."""
    root = str(Path(__file__).resolve().parent.parent)
    where, rule = "", ""
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.startswith(root):
            where = f" at {Path(filename).relative_to(root)}:{lineno} {frame.f_code.co_name}"
        kv_rule = frame.f_locals.get("rule") if frame.f_code.co_name == "call_fn" else None
        if kv_rule is not None:  # a kv binding firing: name the rule, its file and line
            source = getattr(getattr(kv_rule, "ctx", None), "filename", "?")
            rule = f"; kv rule {Path(str(source)).name}:{kv_rule.line + 1} {kv_rule.name}: {kv_rule.value.strip()}"
    return f"{type(exc).__name__}: {exc}{where}{rule}"[:500]


def scroll_frames(driver: Driver, snapshot, gestures: int) -> dict:
    """Frame times while dragging and coasting through the longest list
    (the month with the most finance entries)."""
    from kivy.uix.recycleview import RecycleView

    from screens.shell.registry import ScreenName

    month = max(snapshot.months(), key=lambda m: len(snapshot.finance_month(m).entries))
    driver.show(ScreenName.FINANCE_MONTH, {"month": month})
    lists = [w for w in driver.harness.widgets() if isinstance(w, RecycleView)]
    if not lists:
        raise LookupError("no scrolling list on the finance month screen")
    view = max(lists, key=lambda w: w.height)
    x, bottom = view.to_window(view.center_x, view.y)
    scrollable = max(1.0, view.children[0].height - view.height) if view.children else 1.0
    frames, travelled = [], 0.0
    steps = max(8, int(view.height * 0.7 / 40))
    for gesture in range(gestures):
        down = gesture % 4 < 3  # mostly down the list, now and then back up
        y = bottom + view.height * (0.15 if down else 0.85)
        before = view.scroll_y
        frames += driver.drag(x, y, 40 if down else -40, steps, coast=30)
        travelled += abs(view.scroll_y - before) * scrollable
    if travelled == 0:
        raise RuntimeError("the list did not scroll under a drag")
    return {
        "month": month,
        "entries": len(snapshot.finance_month(month).entries),
        "frames_ms": summarize(frames),
        "scrolled_px": round(travelled),
    }


def receipts(driver: Driver, snapshot, count: int) -> dict:
    """Open entries with receipts (each a different picture, so no cache
    helps): ms to the first picture on screen, then tap it and ms to the
    full picture."""
    from kivy.uix.image import Image

    from screens.shell.registry import ScreenName

    pending = _pictures_pending()
    seen, entries = set(), []
    for entry in snapshot.finance_entries():
        if entry.receipts and entry.receipts[0].sha256 not in seen:
            seen.add(entry.receipts[0].sha256)
            entries.append(entry)
        if len(entries) == count:
            break
    thumbs, fulls = [], []
    for entry in entries:
        driver.show(ScreenName.FINANCE, {})
        started = time.perf_counter()
        driver.nav.go(ScreenName.FINANCE_ENTRY, entry_id=entry.id)
        driver.frame()
        waiting = pending()
        if not _wait_for(driver, lambda waiting=waiting: pending() < waiting):
            continue
        thumbs.append((time.perf_counter() - started) * 1000)
        driver.wait_pictures()
        pictures = [t for t in driver.targets() if any(isinstance(w, Image) for w in t.walk())]
        if not pictures:
            continue
        before = driver.nav.current
        started = driver.press_and_release(pictures[0])
        if driver.nav.current == before:
            continue
        if _wait_for(driver, lambda: pending() == 0):
            fulls.append((time.perf_counter() - started) * 1000)
    if not thumbs:
        raise LookupError("no receipt picture appeared on the finance entry screen")
    return {"entries": len(entries), "thumbnail_ms": summarize(thumbs), "full_ms": summarize(fulls)}


def _recover(driver: Driver) -> None:
    """Back to a usable state after an exception (a broken frame may raise again)."""
    try:
        driver.harness.app.theme.large = False
        driver.nav.home()
        driver.frame()
    except Exception:
        pass


def _wait_for(driver: Driver, condition, timeout: float = PICTURE_TIMEOUT_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        driver.frame()
    return True


def search_keys(driver: Driver, queries: list[str]) -> dict:
    """Key tap → results on the search screen, typing each query key by key."""
    from screens.shell.registry import ScreenName

    screen = getattr(ScreenName, "SEARCH", None)
    if screen is None:
        raise LookupError("there is no search screen (ScreenName.SEARCH)")
    service = getattr(driver.harness.app, "search", None)
    if service is not None and not _wait_for(driver, lambda: service.index is not None, timeout=120):
        raise TimeoutError("the search index was not ready within 120 s")
    first_ms, settled_ms, typed = [], [], []
    for query in queries:
        driver.show(screen, {})
        for char in query:
            # As a villager does: the next key once the keyboard shows which
            # keys still find something (worked out a few letters a frame).
            search = driver.nav.current_screen
            _wait_for(driver, lambda search=search: getattr(search, "suggested_for", search.typed) == search.typed, timeout=10)
            keys = [w for w in driver.targets() if getattr(w, "text", "").strip().lower() == char]
            if not keys:
                break  # greyed out: nothing more would be found
            first, settled = driver.tap(keys[0])
            first_ms.append(first)
            if settled is not None:
                settled_ms.append(settled)
        typed.append(query)
    if not first_ms:
        raise LookupError("no letter key could be tapped on the search screen")
    return {"queries": typed, "keys": len(first_ms), "ms": summarize(first_ms), "settled_ms": summarize(settled_ms)}


def soak(driver: Driver, taps: int, seed: int, recorder: Recorder, ticker: SyncTicker | None = None) -> dict:
    """Random taps on whatever touch targets are on screen, in the normal
    and the large font by turns (one stretch between samples each, so by
    the end of the first tenth both have been used). PSS is sampled
    where a terminal ends up once the villager walks away (the attract
    screen: home, normal font, other screens dropped), once its frames
    have settled and its pictures loaded, after a full collection and the
    pause in which freed memory goes back to the system, so samples
    compare like with like and what grows between them is what the kiosk
    keeps. A sample far above both neighbours is reported as a transient."""
    rng = random.Random(seed)
    harness = driver.harness
    every = max(1, taps // SOAK_SAMPLES)

    def large_font(count: int) -> bool:  # the font of tap ``count`` (counted from 1)
        return (count - 1) // every % 2 == 1

    def resting_pss(count: int) -> dict:
        harness.advance(harness.app.idle.tracker.policy.attract_after_s + 1)
        with ticker.held(driver) if ticker is not None else contextlib.nullcontext():
            driver.settle(time.perf_counter())
            driver.wait_pictures()
            pss = driver.pss()
            parts = resting_parts(driver.nav.manager)
        harness.touch_idle()  # the next villager
        driver.nav.home()
        harness.set_large(large_font(count + 1))
        return {"tap": count, "pss_mib": pss, **parts, "version": ticker.version if ticker is not None else None}

    samples = [resting_pss(0)]
    exceptions: list[str] = []
    latencies: list[float] = []
    large_taps = 0
    logged_before = len(recorder.records)
    for count in range(1, taps + 1):
        before = driver.nav.current
        large = harness.app.theme.large  # as set after the last sample, or by a tap on its button
        try:
            tapped = _tap_at_random(driver, rng)
        except Exception as exc:  # the soak counts them and goes on, as the kiosk's watchdog would
            exceptions.append(describe(exc))
            _recover(driver)
            continue
        if tapped is None:
            driver.nav.home()
            continue
        large_taps += large
        first, _settled = tapped
        if _kind(before, driver.nav.current):
            latencies.append(first)
        if count % every == 0 and count < taps:
            samples.append(resting_pss(count))
            print(f"bench_ui: soak {count}/{taps} taps, PSS {samples[-1]['pss_mib']} MiB", file=sys.stderr, flush=True)
    samples.append(resting_pss(taps))
    logged = recorder.records[logged_before:]
    start, end = samples[0]["pss_mib"], samples[-1]["pss_mib"]
    warm = next(s for s in samples if s["tap"] >= min(1000, taps // 10))
    transients = _transients([s["pss_mib"] for s in samples])
    grown = {part: round(samples[-1][part] - warm[part], 1) for part in SOAK_PARTS}
    return {
        "taps": taps,
        "large_font_taps": large_taps,
        "pss_start_mib": start,
        "pss_end_mib": end,
        "growth_mib": round(end - start, 1),
        "warm_tap": warm["tap"],
        "growth_after_warm_mib": round(end - warm["pss_mib"], 1),
        "growth_after_warm_by_part": grown,  # where it went: see resting_parts
        "pss_samples": samples,
        "samples_with_screens_kept": sum(bool(s["screens_kept"]) for s in samples),
        "transient_max_mib": max(transients.values(), default=0.0),
        "transients": [{**samples[i], "above_neighbours_mib": excess} for i, excess in transients.items() if excess > TRANSIENT_MIB],
        "exceptions": len(exceptions) + len(logged),
        "exception_samples": (exceptions + logged)[:10],
        "navigation_ms": summarize(latencies),
    }


def _tap_at_random(driver: Driver, rng: random.Random) -> tuple[float, float | None] | None:
    """Tap one of the touch targets on screen (None: there are none). The
    widgets are held in here only: kept in the soak's loop, they would keep
    the page they belong to alive through the next sample, which then
    weighed a page the kiosk itself had dropped."""
    targets = driver.targets()
    return driver.tap(rng.choice(targets)) if targets else None


SOAK_PARTS = ("written_mib", "heap_mib", "anon_mib", "python_blocks", "python_objects")


def resting_parts(manager) -> dict:
    """Where a soak sample's memory is, to tell what grows: the pages the
    process wrote (PSS without the shares of libraries, which move as other
    processes mapping them start or stop), the malloc heap (C libraries:
    SDL, the GL driver's textures), anonymous memory (Python's object
    arenas and large allocations), and Python's live objects: the blocks
    its allocator holds and the objects its collector tracks. Arenas that
    grow while the objects do not are fragmentation; objects that grow are
    something kept. Also the screens still alive that the screen manager
    no longer holds (``screens_kept``): a page dropped but kept by something."""
    where = pss_map_mib(os.getpid(), largest=50)
    return {
        "written_mib": round(own_written_mib(), 1),
        "heap_mib": where.get("[heap]", 0.0),
        "anon_mib": where.get("[anon]", 0.0),
        "python_blocks": sys.getallocatedblocks(),
        "python_objects": len(gc.get_objects()),
        "screens_kept": screens_kept(manager),
    }


def screens_kept(manager) -> list[str]:
    """Names of the screens alive, after a full collection, besides those
    ``manager`` holds (those frozen at start-up are not looked at: the
    collector no longer tracks them)."""
    from kivy.uix.screenmanager import Screen

    gc.collect()
    held = {id(screen) for screen in manager.screens}
    # type(), not isinstance(): gc.get_objects() holds weak proxies too, some of them dead.
    return sorted(o.name for o in gc.get_objects() if issubclass(type(o), Screen) and id(o) not in held)


def _transients(values: list[float]) -> dict[int, float]:
    """How far each inner sample stands above both its neighbours (a step
    up that stays is growth, not a transient)."""
    return {i: round(values[i] - max(values[i - 1], values[i + 1]), 1) for i in range(1, len(values) - 1)}


# ------------------------------------------------------------ main


def _kinds_summary(samples: dict) -> dict:
    return {kind: {"first_ms": summarize(s["first"]), "settled_ms": summarize(s["settled"])} for kind, s in sorted(samples.items())}


def _p95(samples: dict, kind: str, which: str) -> float | None:
    values = samples.get(kind, {}).get(which, [])
    return summarize(values)["p95"] if values else None


def run(args) -> dict:
    from kiosk.live import LiveData
    from tooling.harness import Harness

    config = load_config(args.config)
    live = LiveData.open(config, args.data)
    snapshot = live.snapshot
    if snapshot is None:
        raise SystemExit("bench_ui: the configured store holds no village data")
    results: dict = {"skipped": {}}
    harness = Harness.start(config, snapshot, size=tuple(args.size), live=live)
    # Counted from here: Kivy's start-up notes about absent input devices are not the app's.
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    logging.getLogger("kivy").addHandler(recorder)
    driver = Driver(harness)
    ticker = SyncTicker(live, args.sync_every) if args.sync_every else None
    if ticker is not None:
        ticker.start()
    try:
        _measure(args, driver, snapshot, recorder, ticker, results)
    finally:
        if ticker is not None:
            results["sync"] = ticker.stop()
    results["errors_logged"] = recorder.records[:20]
    harness.app.stop()
    return results


def _measure(args, driver: Driver, snapshot, recorder: Recorder, ticker: SyncTicker | None, results: dict) -> None:
    skipped = results["skipped"]
    if not args.skip_tour:
        results["pss_start_mib"] = driver.pss()
        results["pss_mib"], results["pss_added_by_stop_mib"] = tour_pss(driver, snapshot, skipped)
        results["pss_map_mib"] = pss_map_mib(os.getpid())  # where that PSS is, read at the same rest
        results["pss_sharers"] = sharing_processes()

    crawl_errors: list[str] = []
    samples = crawl(driver, snapshot, args.reps, args.per_screen, crawl_errors)
    results["crawl_exceptions"] = crawl_errors
    every = [value for s in samples.values() for value in s["first"]]
    results["navigation"] = _kinds_summary(samples)
    results["tap_ms"] = summarize(every)
    results["tap_p95_ms"] = results["tap_ms"]["p95"]
    results["power_detail_p95_ms"] = _p95(samples, "power_list→power_detail", "settled")
    results["finance_month_p95_ms"] = _p95(samples, "finance→finance_month", "settled")
    if results["finance_month_p95_ms"] is not None:
        month = snapshot.months()[0]
        results["finance_month_entries"] = len(snapshot.finance_month(month).entries)

    if args.large:
        for key, measure in (
            ("scroll", lambda: scroll_frames(driver, snapshot, args.gestures)),
            ("receipts", lambda: receipts(driver, snapshot, args.receipts)),
            ("search_ui", lambda: search_keys(driver, args.queries)),
        ):
            try:
                results[key] = measure()
            except Exception as exc:
                skipped[key] = f"{type(exc).__name__}: {exc}"
        if "scroll" in results:
            results["scroll_frame_p95_ms"] = results["scroll"]["frames_ms"]["p95"]
        if "receipts" in results:
            results["receipt_thumbnail_p95_ms"] = results["receipts"]["thumbnail_ms"]["p95"]
            results["receipt_full_p95_ms"] = results["receipts"]["full_ms"]["p95"]
        if "search_ui" in results:
            results["search_p95_ms"] = results["search_ui"]["ms"]["p95"]

    if args.taps:
        driver.nav.home()
        results["soak"] = soak(driver, args.taps, args.seed, recorder, ticker)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tooling.bench.ui", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="terminal configuration whose store holds the village")
    parser.add_argument("--data", type=Path, help="a source folder instead of the configured store")
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    parser.add_argument("--size", type=int, nargs=2, default=(1080, 1920), metavar=("W", "H"))
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each navigation")
    parser.add_argument("--per-screen", type=int, default=4, help="touch targets tried on each screen, besides back and home")
    parser.add_argument("--taps", type=int, default=0, help="random taps of the soak (0: no soak)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--large", action="store_true", help="also scrolling, receipts and search")
    parser.add_argument("--skip-tour", action="store_true", help="no tour of every screen, no PSS after it")
    parser.add_argument(
        "--sync-every", type=float, default=0, metavar="S", help="have the kiosk poll its feed every S seconds while measuring (0: never)"
    )
    parser.add_argument("--gestures", type=int, default=6, help="drags through the longest list")
    parser.add_argument("--receipts", type=int, default=10, help="entries whose receipts are opened")
    parser.add_argument("--queries", nargs="*", default=["db", "zjd", "dibao", "cwgk"], help="typed on the search keyboard")
    return parser


def main(argv: list[str] | None = None) -> int:
    from kiosk.ops.memory import leave_out_unused_packages

    leave_out_unused_packages()  # as the terminal's own process does (kiosk.cli.run_kiosk)
    args = build_parser().parse_args(argv)
    write_json(run(args), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
