"""The peer: what many counties run instead, a browser in kiosk mode. The
same village data is rendered into one static HTML page and shown by
Chromium (``--kiosk``, on the same X server, same software rendering).

Measured: time to first contentful paint, from the moment the browser
process is spawned (the page reports ``performance.timeOrigin +
startTime`` of its paint entry to a small server on 127.0.0.1), and total
PSS across all the browser's processes once the page has loaded.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kiosk import model, money, privacy
from kiosk.disclosure_view import KIND_NAMES, date_zh
from kiosk.snapshot import MediaMissing, Snapshot
from tooling.bench.memory import MemoryUnavailable, tree_pss_mib
from tooling.bench.report import summarize

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
CHROMIUM_PACKAGE = "chromium"  # Debian's package
PAINT_TIMEOUT_S = 60.0
SETTLE_S = 2.0  # after the load event, before memory is read: late layout, image decoding

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


# ------------------------------------------------------------ the page

_STYLE = """
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 30px;
       background: #fbf7f0; color: #1d1d1d; line-height: 1.5; }
header { background: #9e1b1b; color: #fff; padding: 24px; text-align: center; }
header h1 { margin: 0; font-size: 44px; }
nav { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; padding: 20px; }
nav a { display: block; padding: 40px 20px; background: #b3261e; color: #fff; font-size: 40px;
        text-decoration: none; border-radius: 12px; text-align: center; }
section { padding: 8px 24px; }
h2 { font-size: 38px; border-bottom: 4px solid #9e1b1b; }
h3 { font-size: 34px; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 26px; }
td, th { border: 1px solid #ccc; padding: 6px; text-align: left; }
img { max-width: 100%; }
.small { font-size: 24px; color: #555; }
"""

_REPORTER = """
<script>
function report(kind, t) { fetch("/report/" + kind + "?t=" + t, {keepalive: true}); }
new PerformanceObserver(function (list) {
  for (const entry of list.getEntries()) {
    report(entry.name, performance.timeOrigin + entry.startTime);
  }
}).observe({type: "paint", buffered: true});
addEventListener("load", function () {
  setTimeout(function () { report("load", performance.timeOrigin + performance.now()); }, 0);
});
</script>
"""


def _esc(text: str, public: frozenset[str]) -> str:
    return html.escape(privacy.mask_text(text, public))


def _table(columns: list[str], rows: list[list[str]], public: frozenset[str]) -> str:
    head = "".join(f"<th>{_esc(c, public)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c, public)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


@dataclass
class Page:
    """One HTML file with every screen's content, and the images it shows."""

    parts: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.parts.append(text)

    def image(self, snapshot: Snapshot, ref: model.MediaRef, public: frozenset[str]) -> None:
        try:
            self.images[f"{ref.sha256}.jpg"] = snapshot.media.read(ref.sha256)
        except MediaMissing:
            return
        self.add(f'<figure><img src="{ref.sha256}.jpg" alt=""><figcaption>{_esc(ref.caption, public)}</figcaption></figure>')


def render_page(snapshot: Snapshot) -> Page:
    """The village's data as a disclosure website would show it: the home
    tiles, then the power list with procedures, projects, finances with
    the receipts the kiosk's tour shows, results disclosures and notices."""
    public = privacy.public_numbers(snapshot.complaint.hotlines)
    page = Page()
    page.add(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>村务公开查询</title>{_REPORTER}<style>{_STYLE}</style></head><body>'
    )
    village = snapshot.village
    page.add(f"<header><h1>{_esc(village.name, public)} 村务公开</h1><div class='small'>数据截至 {date_zh(snapshot.as_of)}</div></header>")
    page.add(
        '<nav><a href="#powers">权力清单</a><a href="#projects">村级项目</a><a href="#finance">村级财务</a>'
        '<a href="#disclosures">结果公开</a><a href="#notices">通知公告</a><a href="#complaint">我要反映问题</a></nav>'
    )

    page.add('<section id="powers"><h2>权力清单</h2>')
    for category in snapshot.categories:
        page.add(f"<h3>{_esc(category.name, public)}</h3>")
        for item in snapshot.items_in(category.id):
            page.add(
                f"<h3>{_esc(item.name, public)}</h3><p>{_esc(item.summary, public)}</p><p class='small'>责任主体：{_esc(item.responsible, public)} · 时限：{_esc(item.time_limit, public)}</p>"
            )
            if item.materials:
                page.add("<p>所需材料：" + "、".join(_esc(m, public) for m in item.materials) + "</p>")
            for basis in item.basis:
                page.add(f"<p class='small'>依据：{_esc(basis.document, public)} {_esc(basis.clause, public)}</p>")
            if item.risks:
                page.add(_table(["风险点", "防控措施"], [[r.risk, r.control] for r in item.risks], public))
            page.add("<ol>" + "".join(f"<li>{_esc(node.label, public)}</li>" for node in item.flowchart.nodes) + "</ol>")
    page.add("</section>")

    page.add('<section id="projects"><h2>村级项目</h2>')
    page.add(
        _table(
            ["项目", "预算", "结算", "承建单位"],
            [
                [p.name, money.yuan(p.budget_fen), money.yuan(p.settlement_fen) if p.settlement_fen is not None else "未结算", p.contractor]
                for p in snapshot.projects
            ],
            public,
        )
    )
    if snapshot.projects:
        for ref in snapshot.projects[0].photos:
            page.image(snapshot, ref, public)
    page.add("</section>")

    page.add('<section id="finance"><h2>村级财务</h2>')
    for month in snapshot.months():
        entries = snapshot.finance_month(month).entries
        page.add(f"<h3>{month}</h3>")
        page.add(
            _table(
                ["日期", "收支", "金额", "类别", "事由"],
                [
                    [
                        date_zh(e.date),
                        "收入" if e.direction is model.Direction.INCOME else "支出",
                        money.yuan(e.amount_fen),
                        e.category,
                        e.purpose,
                    ]
                    for e in entries
                ],
                public,
            )
        )
    with_receipts = next((e for e in snapshot.finance_entries() if e.receipts), None)
    if with_receipts is not None:
        for ref in with_receipts.receipts:
            page.image(snapshot, ref, public)
    page.add("</section>")

    page.add('<section id="disclosures"><h2>结果公开</h2>')
    for disclosure in snapshot.disclosures:
        page.add(
            f"<h3>{_esc(disclosure.title, public)}</h3><p class='small'>{KIND_NAMES[disclosure.kind]} · 公示期 {date_zh(disclosure.publicity_start)}至{date_zh(disclosure.publicity_end)}</p>"
        )
        page.add(_table(disclosure.columns, disclosure.rows, public))
    page.add("</section>")

    page.add('<section id="notices"><h2>通知公告</h2>')
    readings: list[model.Notice | model.Case] = [*snapshot.notices, *snapshot.cases]
    for notice in readings:
        page.add(f"<h3>{_esc(notice.title, public)}</h3><p class='small'>{date_zh(notice.date)}</p><p>{_esc(notice.body, public)}</p>")
    page.add("</section>")
    page.add('<section id="complaint"><h2>我要反映问题</h2>')
    page.add("".join(f"<p>{_esc(h.name, public)}：{html.escape(h.number)}</p>" for h in snapshot.complaint.hotlines))
    page.add("</section></body></html>")
    return page


def write_page(page: Page, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in page.images.items():
        (folder / name).write_bytes(data)
    index = folder / "index.html"
    index.write_text("".join(page.parts), encoding="utf-8")
    return index


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
            time.sleep(SETTLE_S)
            try:
                pss, processes = tree_pss_mib(process.pid, marker=str(profile))
            except MemoryUnavailable as exc:
                raise PeerUnavailable(f"cannot read Chromium's memory: {exc}") from None
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


def measure(snapshot: Snapshot, work: Path, runs: int, size: tuple[int, int] = (1080, 1920)) -> dict:
    """The peer's figures (median of ``runs`` after one warm-up run), or
    raise PeerUnavailable with the reason."""
    binary = find_chromium()
    if not os.environ.get("DISPLAY"):
        raise PeerUnavailable("no X display for Chromium (DISPLAY is not set)")
    folder = work / "peer-page"
    page = render_page(snapshot)
    index = write_page(page, folder)
    server = _PageServer(folder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{index.name}"
    log = work / "chromium.log"
    profile = Path(tempfile.mkdtemp(prefix="peer-profile-", dir=work))
    try:
        failures = []
        for extra in GL_VARIANTS:
            try:
                run_once(binary, url, server, profile, size, extra, log)  # warm-up: profile creation, page cache
                results = [run_once(binary, url, server, profile, size, extra, log) for _ in range(runs)]
                break
            except PeerUnavailable as exc:
                failures.append(f"{' '.join(extra) or 'default GL'}: {exc}")
        else:
            raise PeerUnavailable("; ".join(failures))
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    first_paint = summarize([r.first_paint_s for r in results])
    pss = summarize([r.pss_mib for r in results], digits=1)
    return {
        "browser": _version(binary),
        "flags": " ".join(chromium_command(binary, Path("<profile>"), "<page>", size, extra)[1:-1]),
        "page_bytes": index.stat().st_size + sum(len(b) for b in page.images.values()),
        "first_paint_s": first_paint["median"],
        "first_paint": first_paint,
        "load": summarize([r.load_s for r in results if r.load_s is not None]),
        "pss_mib": pss["median"],
        "pss": pss,
        "processes": max(r.processes for r in results),
        "runs": runs,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return binary
    return out.strip().splitlines()[-1] if out.strip() else binary
