"""The peer: what many counties run instead, a browser in kiosk mode. The
same village data is rendered into linked static pages
(``tooling.bench.peersite``) and shown by Chromium (``--kiosk``, on the
same X server, same software rendering).

Measured, idle and under the same load as the kiosk (``tooling.bench.load``):

- cold start: time to first contentful paint of the home page, from the
  moment the browser process is spawned (the page reports
  ``performance.timeOrigin + startTime`` of its paint entry to a small
  server on 127.0.0.1), and total PSS across the browser's processes once
  the page has loaded;
- click → next page painted, as a tap → next screen: through the DevTools
  protocol (``tooling.bench.devtools``) a real mouse click on a link of the
  page on show (home → list → detail → home …, every page visited), timed
  from just before the button is released to the new page's first
  contentful paint; then the PSS after that tour of every page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kiosk.snapshot import Snapshot
from tooling.bench import devtools, peersite
from tooling.bench.memory import MemoryUnavailable, tree_pss_mib
from tooling.bench.report import summarize

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
CHROMIUM_PACKAGE = "chromium"  # Debian's package
PAINT_TIMEOUT_S = 60.0
SETTLE_S = 2.0  # after the load event, before memory is read: late layout, image decoding
CLICK_TIMEOUT_S = 60.0  # a 5,000-row page on a busy machine with software rendering takes its time

# Software GL is the point of the comparison; if the default set-up paints
# nothing, try SwiftShader through ANGLE explicitly.
GL_VARIANTS = ((), ("--use-gl=angle", "--use-angle=swiftshader"))


class PeerUnavailable(RuntimeError):
    """The browser peer cannot run here; ``str()`` says why and what to install."""


def find_chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PeerUnavailable(f"Chromium is not installed (looked for {', '.join(CHROMIUM_NAMES)} on PATH): apt-get install {CHROMIUM_PACKAGE}")


# ------------------------------------------------------------ the page server


class _PageHandler(SimpleHTTPRequestHandler):
    server: _PageServer

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path.startswith("/report/"):
            stamp = parse_qs(parts.query).get("t", [""])[0]
            self.server.record(parts.path.removeprefix("/report/"), float(stamp) / 1000 if stamp else None)
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


class _PageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, folder: Path):
        super().__init__(("127.0.0.1", 0), lambda *a: _PageHandler(*a, directory=str(folder)))
        self.reports: dict[str, float | None] = {}
        self.changed = threading.Condition()

    def record(self, kind: str, epoch: float | None) -> None:
        with self.changed:
            self.reports.setdefault(kind, epoch)
            self.changed.notify_all()

    def wait_for(self, kinds: tuple[str, ...], timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: all(k in self.reports for k in kinds), timeout)


# ------------------------------------------------------------ the browser


def chromium_command(binary: str, profile: Path, url: str, size: tuple[int, int], extra: tuple[str, ...] = ()) -> list[str]:
    command = [
        binary,
        "--kiosk",
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
        "--window-position=0,0",
        "--no-first-run",
        "--no-default-browser-check",
        "--noerrdialogs",
        "--password-store=basic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-default-apps",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        # Nothing leaves this machine: any name but 127.0.0.1 fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        *extra,
        url,
    ]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return command


@dataclass
class BrowserRun:
    first_paint_s: float  # first contentful paint: text on screen, as the kiosk's "home drawn"
    load_s: float | None
    pss_mib: float
    processes: int


def _stop(process: subprocess.Popen) -> None:
    """Stop the browser and every process it started (its own session)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _settled_pss(process: subprocess.Popen, profile: Path) -> tuple[float, int]:
    """(PSS in MiB of all the browser's processes, how many) once its page has settled."""
    time.sleep(SETTLE_S)
    try:
        return tree_pss_mib(process.pid, marker=str(profile))
    except MemoryUnavailable as exc:
        raise PeerUnavailable(f"cannot read Chromium's memory: {exc}") from None


def run_once(
    binary: str, url: str, server: _PageServer, profile: Path, size: tuple[int, int], extra: tuple[str, ...], log: Path
) -> BrowserRun:
    server.reports.clear()
    with log.open("ab") as log_file:
        spawned = time.time()
        process = subprocess.Popen(
            chromium_command(binary, profile, url, size, extra),
            stdout=log_file,
            stderr=log_file,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            if not server.wait_for(("first-contentful-paint", "load"), PAINT_TIMEOUT_S):
                status = "exited" if process.poll() is not None else "still running"
                raise PeerUnavailable(f"Chromium drew no page within {PAINT_TIMEOUT_S:.0f} s ({status}; its log: {log})")
            pss, processes = _settled_pss(process, profile)
        finally:
            _stop(process)
    first_paint, load = server.reports["first-contentful-paint"], server.reports.get("load")
    if first_paint is None:
        raise PeerUnavailable(f"Chromium reported its first paint without a time (its log: {log})")
    return BrowserRun(
        first_paint_s=first_paint - spawned,
        load_s=load - spawned if load else None,
        pss_mib=pss,
        processes=processes,
    )


# ------------------------------------------------------------ clicks through DevTools

# The centre of the link to a page, scrolled into view, in the viewport's CSS pixels.
_LINK_CENTRE = """(() => {
  const link = document.querySelector('a[href="%s"]');
  if (!link) return null;
  link.scrollIntoView({block: "center"});
  const box = link.getBoundingClientRect();
  return [box.left + box.width / 2, box.top + box.height / 2];
})()"""
# Where the page on show is and, once it has one, its first contentful paint (epoch ms).
_FIRST_PAINT = """new Promise(resolve => new PerformanceObserver((list, observer) => {
  const paint = list.getEntries().find(entry => entry.name === "first-contentful-paint");
  if (paint) { observer.disconnect(); resolve([location.pathname, performance.timeOrigin + paint.startTime]); }
}).observe({type: "paint", buffered: true}))"""
_LOADED = "document.readyState === 'complete' ? location.pathname : null"
# Every animation frame's time from now on, as the page sees them.
_RECORD_FRAMES = """(() => {
  const frames = window.benchFrames = [];
  const tick = t => { if (window.benchFrames === frames) { frames.push(t); requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
  return [innerWidth / 2, innerHeight / 2, scrollY];
})()"""
_TAKE_FRAMES = "(() => { const frames = window.benchFrames; window.benchFrames = null; return [frames, scrollY]; })()"
SCROLL_PX_PER_S = 2400  # as the kiosk's drag: 40 px a frame at 60 frames a second
SCROLL_PX = 1300  # about the kiosk's drag over 70 % of its list


def click_path(site: peersite.Site, round_: int) -> list[str]:
    """The pages a round of clicks goes to: each home tile, one of its
    details (a different one each round), home again."""
    path = []
    for tile, _label in peersite.TILES:
        path.append(tile)
        details = site.links(tile)
        if details:
            path.append(details[round_ % len(details)])
        path.append(peersite.HOME)
    return path


LONG_LIST_PATH = ("finance.html", peersite.LONG_LIST, peersite.HOME)  # the other village's 5,000-entry month and back
LONG_LIST_KIND = "list→long list"  # timed apart: the kiosk's taps are on the demo village, its month on the large one


def _click_kind(before: str, after: str) -> str:
    if after == peersite.LONG_LIST:
        return LONG_LIST_KIND
    if after == peersite.HOME:
        return "→home"
    return "home→list" if before == peersite.HOME else "list→detail"


class _Page:
    """The browser's page on show, through its DevTools session."""

    def __init__(self, tools: devtools.DevTools, timeout: float):
        self.tools = tools
        deadline = time.monotonic() + timeout
        while True:
            pages = [t for t in tools.command("Target.getTargets")["targetInfos"] if t["type"] == "page"]
            if pages:
                break
            if time.monotonic() > deadline:
                raise PeerUnavailable("Chromium opened no page to click on")
            time.sleep(0.05)
        self.session = tools.command("Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True})["sessionId"]
        tools.command("Page.enable", session=self.session)
        while self.evaluate(_LOADED) != f"/{peersite.HOME}":
            if time.monotonic() > deadline:
                raise PeerUnavailable(f"Chromium did not load its home page within {timeout:.0f} s")
            time.sleep(0.05)
        self._painted()

    def _painted(self) -> None:
        """Wait for the page on show to be painted: Chromium drops input
        aimed at a page it has not painted yet, and on a busy machine the
        load event comes well before the first paint (a click lost so
        waited for a page that never came)."""
        try:
            self.evaluate(_FIRST_PAINT, await_promise=True)
        except devtools.DevToolsError as exc:
            raise PeerUnavailable(f"Chromium did not paint its page: {exc}") from None

    def evaluate(self, expression: str, await_promise: bool = False):
        answer = self.tools.command(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
            session=self.session,
            timeout=CLICK_TIMEOUT_S,
        )
        if "exceptionDetails" in answer:
            raise PeerUnavailable(f"a script in Chromium's page failed: {answer['exceptionDetails'].get('text')}")
        return answer["result"].get("value")

    def _mouse(self, kind: str, x: float, y: float) -> None:
        params = {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        self.tools.command("Input.dispatchMouseEvent", params, session=self.session)

    def click_to(self, target: str) -> float:
        """Click the link to ``target``; ms from the button's release to the
        new page's first contentful paint."""
        centre = self.evaluate(_LINK_CENTRE % target)
        if centre is None:
            raise PeerUnavailable(f"no link to {target} on the page on show")
        x, y = centre
        self._mouse("mouseMoved", x, y)
        self._mouse("mousePressed", x, y)
        self.tools.forget_events()
        released = time.time()
        self._mouse("mouseReleased", x, y)
        try:
            self.tools.event("Page.loadEventFired", self.session, CLICK_TIMEOUT_S)
            where, painted = self.evaluate(_FIRST_PAINT, await_promise=True)
        except devtools.DevToolsError as exc:
            raise PeerUnavailable(f"a click on the link to {target}: {exc}") from None
        if where != f"/{target}":
            raise PeerUnavailable(f"a click on the link to {target} led to {where}")
        return (painted / 1000 - released) * 1000

    def open(self, url: str) -> None:
        """Go to ``url`` (not timed) and wait for its load event."""
        self.tools.forget_events()
        self.tools.command("Page.navigate", {"url": url}, session=self.session)
        self.tools.event("Page.loadEventFired", self.session, PAINT_TIMEOUT_S)
        self._painted()

    def scroll_frames(self, gestures: int) -> list[float]:
        """Scrolls down the page (now and then back up) at the speed of the
        kiosk's drags through its longest list: ms between the frames drawn
        during each."""
        frames: list[float] = []
        travelled = 0.0
        for gesture in range(gestures):
            down = gesture % 4 < 3
            x, y, top = self.evaluate(_RECORD_FRAMES)
            self.tools.command(
                "Input.synthesizeScrollGesture",
                {
                    "x": x,
                    "y": y,
                    "yDistance": -SCROLL_PX if down else SCROLL_PX,  # negative: down the page
                    "speed": SCROLL_PX_PER_S,
                    # A wheel: Chromium without a touch device of its own ignores synthetic touch gestures.
                    "gestureSourceType": "mouse",
                },
                session=self.session,
                timeout=CLICK_TIMEOUT_S,
            )
            times, now_top = self.evaluate(_TAKE_FRAMES)
            frames += [later - earlier for earlier, later in itertools.pairwise(times)]
            travelled += abs(now_top - top)
        if not frames or travelled == 0:
            raise PeerUnavailable(f"Chromium's page did not scroll under a fling ({len(frames)} frames drawn)")
        return frames


def clicks(
    binary: str, url: str, site: peersite.Site, profile: Path, size, extra: tuple[str, ...], rounds: int, gestures: int, log: Path
) -> dict:
    """Rounds of clicks through every page in one browser: click → painted
    figures (all, and by kind), and the PSS after that tour, back home (as
    the kiosk's after its tour); then as many clicks onto the long list,
    when the site has one, and scroll frames on the longest list."""
    tools = devtools.launch(chromium_command(binary, profile, url, size, extra), log)
    samples: dict[str, list[float]] = {}
    scrolled: list[float] = []
    try:
        try:
            page = _Page(tools, PAINT_TIMEOUT_S)
            before = peersite.HOME
            for round_ in range(rounds):
                for target in click_path(site, round_):
                    samples.setdefault(_click_kind(before, target), []).append(page.click_to(target))
                    before = target
            pss, processes = _settled_pss(tools.process, profile)
            for _round in range(rounds if peersite.LONG_LIST in site.pages else 0):
                for target in LONG_LIST_PATH:
                    samples.setdefault(_click_kind(before, target), []).append(page.click_to(target))
                    before = target
            if gestures and site.longest_list:
                page.open(url.rsplit("/", 1)[0] + "/" + site.longest_list)
                scrolled = page.scroll_frames(gestures)
        except devtools.DevToolsError as exc:
            raise PeerUnavailable(f"Chromium's DevTools: {exc} (its log: {log})") from None
    finally:
        _stop(tools.process)
        tools.close()
    every = [ms for kind, values in samples.items() if kind != LONG_LIST_KIND for ms in values]
    long_list = summarize(samples.get(LONG_LIST_KIND, []))
    return {
        "click_ms": summarize(every),
        "click_p95_ms": summarize(every)["p95"],
        "long_list_click_ms": long_list,
        "long_list_click_p95_ms": long_list["p95"],
        "by_kind_ms": {kind: summarize(values) for kind, values in sorted(samples.items())},
        "scroll_frames_ms": summarize(scrolled),
        "scroll_frame_p95_ms": summarize(scrolled)["p95"],
        "pss_after_tour_mib": round(pss, 1),
        "processes": processes,
    }


class Peer:
    """The browser, its site and the server of the site, for one bench run."""

    def __init__(self, snapshot: Snapshot, work: Path, size: tuple[int, int] = (1080, 1920), long_list: Snapshot | None = None):
        self.binary = find_chromium()
        if not os.environ.get("DISPLAY"):
            raise PeerUnavailable("no X display for Chromium (DISPLAY is not set)")
        self.size = size
        self.log = work / "chromium.log"
        self.site = peersite.render_site(snapshot, long_list)
        self.site_folder = work / "peer-site"
        index = self.site.write(self.site_folder)
        self.server = _PageServer(index.parent)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{index.name}"
        self.profile = Path(tempfile.mkdtemp(prefix="peer-profile-", dir=work))
        self.extra: tuple[str, ...] = GL_VARIANTS[0]

    def __enter__(self) -> Peer:
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def cold(self, runs: int) -> dict:
        """First paint and PSS of the home page (median of ``runs`` after one
        warm-up), with the first GL set-up that paints."""
        failures = []
        for extra in GL_VARIANTS:
            try:
                run_once(self.binary, self.url, self.server, self.profile, self.size, extra, self.log)  # warm-up: profile, page cache
                results = [run_once(self.binary, self.url, self.server, self.profile, self.size, extra, self.log) for _ in range(runs)]
                self.extra = extra
                break
            except PeerUnavailable as exc:
                failures.append(f"{' '.join(extra) or 'default GL'}: {exc}")
        else:
            raise PeerUnavailable("; ".join(failures))
        first_paint = summarize([r.first_paint_s for r in results])
        pss = summarize([r.pss_mib for r in results], digits=1)
        return {
            "first_paint_s": first_paint["median"],
            "first_paint": first_paint,
            "load_event_s": summarize([r.load_s for r in results if r.load_s is not None]),  # not "load": that is the figures under load
            "pss_home_mib": pss["median"],
            "pss_home": pss,
            "processes": max(r.processes for r in results),
            "runs": runs,
        }

    def clicks(self, rounds: int, gestures: int = 0) -> dict:
        return clicks(self.binary, self.url, self.site, self.profile, self.size, self.extra, rounds, gestures, self.log)

    def describe(self) -> dict:
        return {
            "browser": _version(self.binary),
            "flags": " ".join(chromium_command(self.binary, Path("<profile>"), "<page>", self.size, self.extra)[1:-1]),
            "pages": len(self.site.pages),
            "site_bytes": self.site.bytes,
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }


def measure(
    snapshot: Snapshot,
    work: Path,
    runs: int,
    size: tuple[int, int] = (1080, 1920),
    gestures: int = 4,
    long_list: Snapshot | None = None,
    under_load=None,
) -> dict:
    """The peer's figures, or raise PeerUnavailable with the reason: cold
    start, then rounds of clicks and ``gestures`` scrolls (through the
    longest finance month of ``long_list``, else of ``snapshot``) idle
    and, when ``under_load`` is given (a function returning a
    ``tooling.bench.load.Load``), under that load.
    ``pss_mib`` is the PSS after the tour of every page, as the kiosk's is
    after the tour of every screen."""
    with Peer(snapshot, work, size, long_list) as browser:
        figures = browser.cold(runs)
        figures |= clicks_or_reason(browser, runs, gestures)  # the cold start stands when the clicks fail
        figures["pss_mib"] = figures.get("pss_after_tour_mib")
        if under_load is not None:
            with under_load() as load:
                loaded = clicks_or_reason(browser, runs, gestures)
                failure = load.failure()
            figures["load"] = {"reason": failure} if failure else {**loaded, **load.figures()}
        return {**browser.describe(), **figures}


def clicks_or_reason(browser: Peer, runs: int, gestures: int) -> dict:
    """The clicks' figures, from a second tour in a fresh browser when the
    first one failed (a browser that hung once on a busy machine is not the
    browser's speed; the first failure is kept as ``retried``); else the
    reason they are missing."""
    failures: list[str] = []
    for _attempt in range(2):
        try:
            return browser.clicks(runs, gestures) | ({"retried": failures[0]} if failures else {})
        except PeerUnavailable as exc:
            failures.append(str(exc))
    return {"reason": "; then: ".join(failures)}


def _version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return binary
    return out.strip().splitlines()[-1] if out.strip() else binary
