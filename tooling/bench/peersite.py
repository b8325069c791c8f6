"""The browser peer's website: the village's data as a disclosure website
would show it, in linked static pages as the kiosk shows it in screens —
home tiles, lists (powers, projects, finance months, disclosures,
notices), and one page per power and per finance month — so a click, like
a tap, goes to a new page.

Only ``index.html`` carries the reporter of its paint times (the cold
start's first paint); the click measurement reads the others' paint
timing through the DevTools protocol (``tooling.bench.devtools``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import model, money, privacy
from kiosk.disclosure_view import KIND_NAMES, date_zh
from kiosk.snapshot import MediaMissing, Snapshot

HOME = "index.html"
LONG_LIST = "long-list.html"

_STYLE = """
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 30px;
       background: #fbf7f0; color: #1d1d1d; line-height: 1.5; }
header { background: #9e1b1b; color: #fff; padding: 24px; text-align: center; }
header h1 { margin: 0; font-size: 44px; }
header a { color: #fff; font-size: 36px; float: left; text-decoration: none; }
nav { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; padding: 20px; }
nav a { display: block; padding: 40px 20px; background: #b3261e; color: #fff; font-size: 40px;
        text-decoration: none; border-radius: 12px; text-align: center; }
a.row { display: block; padding: 20px; margin: 12px 0; background: #fff; border: 2px solid #ddd;
        border-radius: 12px; color: #1d1d1d; text-decoration: none; font-size: 34px; }
section { padding: 8px 24px; }
h2 { font-size: 38px; border-bottom: 4px solid #9e1b1b; }
h3 { font-size: 34px; margin-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 26px; }
td, th { border: 1px solid #ccc; padding: 6px; text-align: left; }
img { max-width: 100%; }
.small { font-size: 24px; color: #555; }
"""

# The cold start's first paint and load, reported to the page server.
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

# The home tiles: (page, label), in the kiosk's order.
TILES = (
    ("powers.html", "权力清单"),
    ("projects.html", "村级项目"),
    ("finance.html", "村级财务"),
    ("disclosures.html", "结果公开"),
    ("notices.html", "通知公告"),
    ("complaint.html", "我要反映问题"),
)


@dataclass
class Site:
    """The pages (name → HTML) and the images they show."""

    pages: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    longest_list: str = ""  # the page of the finance month with the most entries: where scrolling is measured

    def links(self, page: str) -> list[str]:
        """The pages ``page`` links to, besides home and the long list (a
        page of the other village, visited on its own), in order."""
        text = self.pages[page]
        found = []
        for part in text.split('href="')[1:]:
            target = part.split('"', 1)[0]
            if target in self.pages and target not in (HOME, LONG_LIST) and target not in found:
                found.append(target)
        return found

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.images.items():
            (folder / name).write_bytes(data)
        for name, text in self.pages.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder / HOME

    @property
    def bytes(self) -> int:
        return sum(len(t.encode()) for t in self.pages.values()) + sum(len(b) for b in self.images.values())


class _Writer:
    def __init__(self, snapshot: Snapshot, site: Site):
        self.snapshot = snapshot
        self.site = site
        self.public = privacy.public_numbers(snapshot.complaint.hotlines)

    def esc(self, text: str) -> str:
        return html.escape(privacy.mask_text(text, self.public))

    def table(self, columns: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{self.esc(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{self.esc(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><tr>{head}</tr>{body}</table>"

    def image(self, ref: model.MediaRef) -> str:
        try:
            self.site.images[f"{ref.sha256}.jpg"] = self.snapshot.media.read(ref.sha256)
        except MediaMissing:
            return ""
        return f'<figure><img src="{ref.sha256}.jpg" alt=""><figcaption>{self.esc(ref.caption)}</figcaption></figure>'

    def page(self, name: str, title: str, body: str) -> None:
        home = name == HOME
        back = "" if home else f'<a href="{HOME}">首页</a>'
        heading = f"{self.esc(self.snapshot.village.name)} 村务公开" if home else self.esc(title)
        self.site.pages[name] = (
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{self.esc(title)}</title>'
            f"{_REPORTER if home else ''}<style>{_STYLE}</style></head><body>"
            f"<header>{back}<h1>{heading}</h1><div class='small'>数据截至 {date_zh(self.snapshot.as_of)}</div></header>"
            f"{body}</body></html>"
        )


def render_site(snapshot: Snapshot, long_list: Snapshot | None = None) -> Site:
    """The site of ``snapshot``; with ``long_list``, also the longest
    finance month of that village (the large one, where the kiosk's month
    opening and scrolling are measured) on a page of its own,
    ``LONG_LIST``, linked from the finance page."""
    site = Site()
    if long_list is not None and long_list.months():
        month = _longest_month(long_list)
        writer = _Writer(long_list, site)
        writer.page(LONG_LIST, f"村级财务 {month}", f"<section>{_month_table(writer, month)}</section>")
    w = _Writer(snapshot, site)
    w.page(HOME, "村务公开查询", "<nav>" + "".join(f'<a href="{page}">{label}</a>' for page, label in TILES) + "</nav>")
    _powers(w)
    _projects(w)
    _finance(w)
    _disclosures(w)
    _notices(w)
    hotlines = "".join(f"<p>{w.esc(h.name)}：{html.escape(h.number)}</p>" for h in snapshot.complaint.hotlines)
    w.page("complaint.html", "我要反映问题", f"<section>{hotlines}</section>")
    if LONG_LIST in site.pages:
        site.longest_list = LONG_LIST
    return site


def _longest_month(snapshot: Snapshot) -> str:
    return max(snapshot.months(), key=lambda m: len(snapshot.finance_month(m).entries))


def _month_table(w: _Writer, month: str) -> str:
    return w.table(
        ["日期", "收支", "金额", "类别", "事由"],
        [
            [
                date_zh(e.date),
                "收入" if e.direction is model.Direction.INCOME else "支出",
                money.yuan(e.amount_fen),
                e.category,
                e.purpose,
            ]
            for e in w.snapshot.finance_month(month).entries
        ],
    )


def _powers(w: _Writer) -> None:
    snapshot, rows = w.snapshot, []
    number = 0
    for category in snapshot.categories:
        rows.append(f"<h2>{w.esc(category.name)}</h2>")
        for item in snapshot.items_in(category.id):
            number += 1
            name = f"power-{number}.html"
            rows.append(f'<a class="row" href="{name}">{w.esc(item.name)}<div class="small">{w.esc(item.summary)}</div></a>')
            parts = [
                f"<p>{w.esc(item.summary)}</p><p class='small'>责任主体：{w.esc(item.responsible)} · 时限：{w.esc(item.time_limit)}</p>"
            ]
            if item.materials:
                parts.append("<p>所需材料：" + "、".join(w.esc(m) for m in item.materials) + "</p>")
            parts += [f"<p class='small'>依据：{w.esc(b.document)} {w.esc(b.clause)}</p>" for b in item.basis]
            if item.risks:
                parts.append(w.table(["风险点", "防控措施"], [[r.risk, r.control] for r in item.risks]))
            parts.append("<ol>" + "".join(f"<li>{w.esc(node.label)}</li>" for node in item.flowchart.nodes) + "</ol>")
            w.page(name, item.name, "<section>" + "".join(parts) + "</section>")
    w.page("powers.html", "权力清单", "<section>" + "".join(rows) + "</section>")


def _projects(w: _Writer) -> None:
    snapshot = w.snapshot
    rows = [
        [p.name, money.yuan(p.budget_fen), money.yuan(p.settlement_fen) if p.settlement_fen is not None else "未结算", p.contractor]
        for p in snapshot.projects
    ]
    photos = "".join(w.image(ref) for ref in snapshot.projects[0].photos) if snapshot.projects else ""
    w.page("projects.html", "村级项目", "<section>" + w.table(["项目", "预算", "结算", "承建单位"], rows) + photos + "</section>")


def _finance(w: _Writer) -> None:
    snapshot, links = w.snapshot, []
    if snapshot.months():
        w.site.longest_list = f"finance-{_longest_month(snapshot)}.html"
    with_receipts = next((e for e in snapshot.finance_entries() if e.receipts), None)
    for month in snapshot.months():
        entries = snapshot.finance_month(month).entries
        name = f"finance-{month}.html"
        links.append(f'<a class="row" href="{name}">{month}<div class="small">{len(entries)} 笔</div></a>')
        table = _month_table(w, month)
        receipts = ""
        if with_receipts is not None and any(e.id == with_receipts.id for e in entries):
            receipts = "".join(w.image(ref) for ref in with_receipts.receipts)
        w.page(name, f"村级财务 {month}", f"<section>{table}{receipts}</section>")
    if LONG_LIST in w.site.pages:
        links.append(f'<a class="row" href="{LONG_LIST}">另一个村的最长月份</a>')
    w.page("finance.html", "村级财务", "<section>" + "".join(links) + "</section>")


def _disclosures(w: _Writer) -> None:
    parts = []
    for d in w.snapshot.disclosures:
        parts.append(
            f"<h3>{w.esc(d.title)}</h3><p class='small'>{KIND_NAMES[d.kind]} · 公示期 {date_zh(d.publicity_start)}至{date_zh(d.publicity_end)}</p>"
        )
        parts.append(w.table(d.columns, d.rows))
    w.page("disclosures.html", "结果公开", "<section>" + "".join(parts) + "</section>")


def _notices(w: _Writer) -> None:
    readings: list[model.Notice | model.Case] = [*w.snapshot.notices, *w.snapshot.cases]
    body = "".join(f"<h3>{w.esc(n.title)}</h3><p class='small'>{date_zh(n.date)}</p><p>{w.esc(n.body)}</p>" for n in readings)
    w.page("notices.html", "通知公告", f"<section>{body}</section>")
