"""What the status pages say about each terminal, in plain Chinese: when it
was last heard from, what it shows against the newest published version,
its disk, its software, its last error, how much each part of it was used
this week, and what needs someone's attention.

Pure functions of the stored rows, the published feeds and the time, so the
rules are tested without a server or a browser.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kiosk.hub import fleet
from kiosk.hub.config import HubConfig
from kiosk.hub.feeds import FeedIndex, FeedInfo
from kiosk.hub.store import Beat, Terminal, township_of
from kiosk.hub.wording import ago, clock, duration, size

WEEK_DAYS = 7

# The terminal's screens (screens.shell.registry.ScreenName values) by the part
# of the kiosk they belong to, as county staff speak of them.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("首页", ("home",)),
    ("权力清单", ("power_categories", "power_list", "power_detail", "power_flowchart")),
    ("村级项目", ("projects", "project_detail")),
    ("财务公开", ("finance", "finance_month", "finance_entry")),
    ("办事结果", ("disclosures", "disclosure_detail")),
    ("通知公告", ("notices", "notice_detail")),
    ("搜索", ("search",)),
    ("投诉举报", ("complaint",)),
    ("更正记录", ("corrections", "correction_detail")),
    ("看图片", ("picture_viewer",)),
    ("待机画面", ("attract",)),
    ("无数据提示", ("no_data",)),
)
_SECTION_OF = {screen: label for label, screens in SECTIONS for screen in screens}
SYNC_OUTCOMES = {"up_to_date": "已是最新", "updated": "已更新", "rejected": "被拒收（校验未通过）", "failed": "失败"}


def section_of(screen: str) -> str:
    return _SECTION_OF.get(screen, screen)


@dataclass(frozen=True)
class Flag:
    kind: str  # never, silent, stale, behind, no_data, rejected, low_disk, rolled_back, revoked
    text: str


# The kinds counted at the top of the page, in the order shown.
ATTENTION = (
    ("silent", "失联"),
    ("stale", "数据过期或落后"),
    ("low_disk", "磁盘不足"),
    ("rejected", "数据被拒收"),
    ("rolled_back", "软件自动退回"),
)
_SUMMARY_KIND = {
    "never": "silent",
    "silent": "silent",
    "stale": "stale",
    "behind": "stale",
    "no_data": "stale",
    "low_disk": "low_disk",
    "rejected": "rejected",
    "rolled_back": "rolled_back",
}


@dataclass(frozen=True)
class TerminalView:
    id: str
    village: str
    village_name: str
    township: str
    township_name: str
    flags: list[Flag]
    heard: str  # "3 分钟前"
    heard_at: str  # "3月18日 16:30"
    data: str  # "第 42 版"
    data_age: str  # "2 天前生成"
    newest: str  # "最新第 43 版", when the terminal lags
    disk: str
    disk_low: bool
    software: str  # "0.3.0（试运行中）"
    error: str
    error_at: str
    usage: list[tuple[str, int]] = field(default_factory=list)
    revoked: bool = False
    rollback: str = ""  # the latest rollback, while it is flagged: when, from, to, why

    @property
    def usage_total(self) -> int:
        return sum(views for _, views in self.usage)

    @property
    def summary_kinds(self) -> set[str]:
        return {_SUMMARY_KIND[flag.kind] for flag in self.flags if flag.kind in _SUMMARY_KIND}


@dataclass(frozen=True)
class Overview:
    rows: list[TerminalView]
    townships: list[tuple[str, str]]  # (code, name) the user may choose from
    township: str  # the one chosen, "" for all
    counts: list[tuple[str, str, int]]  # (kind, label, terminals)
    flagged: list[TerminalView]  # of the township chosen, whatever release is chosen
    releases: list[fleet.ReleaseRow] = field(default_factory=list)  # of the township chosen
    selection: fleet.Selection | None = None  # the rows are those of one release


def day_of(epoch: int, zone: zoneinfo.ZoneInfo) -> str:
    """The day, as usage is stored."""
    return dt.datetime.fromtimestamp(epoch, zone).date().isoformat()


def week_start(now: int, zone: zoneinfo.ZoneInfo) -> str:
    """The first of the last seven days (today included), as stored."""
    today = dt.date.fromisoformat(day_of(now, zone))
    return (today - dt.timedelta(days=WEEK_DAYS - 1)).isoformat()


def by_section(usage: dict[str, int]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for screen, views in usage.items():
        totals[section_of(screen)] = totals.get(section_of(screen), 0) + views
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


# ------------------------------------------------------------ rules


def flags(terminal: Terminal, feed: FeedInfo | None, now: int, config: HubConfig) -> list[Flag]:
    found = []
    if terminal.token_hash is None:
        found.append(Flag("revoked", "令牌已吊销"))
    beat = terminal.beat
    if beat is None:
        if terminal.token_hash is not None:
            found.append(Flag("never", "从未上报"))
        return found
    silent = now - beat.received_at
    if silent > config.silent_after_h * 3600:
        found.append(Flag("silent", f"失联 {duration(silent)}"))
    if beat.data_version is None:
        found.append(Flag("no_data", "没有数据"))
    elif beat.data_stale:
        found.append(Flag("stale", "数据已过期"))
    elif feed is not None and feed.version > beat.data_version and now - feed.generated_at > config.behind_after_h * 3600:
        found.append(Flag("behind", f"数据落后：第 {beat.data_version} 版，最新第 {feed.version} 版"))
    if beat.sync_outcome == "rejected":
        found.append(Flag("rejected", "最近一次同步被拒收"))
    if beat.disk_free_bytes is not None and beat.disk_free_bytes < config.low_disk_mb * 1024**2:
        found.append(Flag("low_disk", f"磁盘仅剩 {size(beat.disk_free_bytes)}"))
    rollback = fleet.recent_rollback(terminal, now)
    if rollback is not None:
        found.append(Flag("rolled_back", f"软件自动退回 {rollback.from_version} → {rollback.to_version}"))
    return found


def _data(beat: Beat | None, feed: FeedInfo | None, now: int) -> tuple[str, str, str]:
    if beat is None:
        return "", "", ""
    if beat.data_version is None:
        return "没有数据", "", f"最新第 {feed.version} 版" if feed else ""
    age = f"{ago(now - beat.data_generated_at)}生成" if beat.data_generated_at is not None else ""
    newest = f"最新第 {feed.version} 版" if feed is not None and feed.version > beat.data_version else ""
    return f"第 {beat.data_version} 版", age, newest


class Namer:
    """Names of villages and townships from the published feeds; the code
    where nothing is published."""

    def __init__(self, feeds: FeedIndex, villages: Iterable[str]):
        self.feeds = feeds
        self._townships: dict[str, str] = {}
        for village in villages:
            info = feeds.newest(village)
            if info is not None and info.township:
                self._townships.setdefault(township_of(village), info.township)

    def village(self, code: str) -> str:
        info = self.feeds.newest(code)
        return info.name if info is not None and info.name else code

    def township(self, code: str) -> str:
        return self._townships.get(code, code)


def terminal_view(terminal: Terminal, namer: Namer, usage: dict[str, int], now: int, config: HubConfig) -> TerminalView:
    feed = namer.feeds.newest(terminal.village)
    beat = terminal.beat
    zone = config.zone
    data, data_age, newest = _data(beat, feed, now)
    rollback = fleet.recent_rollback(terminal, now)
    return TerminalView(
        id=terminal.id,
        village=terminal.village,
        village_name=namer.village(terminal.village),
        township=terminal.township,
        township_name=namer.township(terminal.township),
        flags=flags(terminal, feed, now, config),
        heard=ago(now - beat.received_at) if beat else "从未",
        heard_at=clock(beat.received_at, zone, now) if beat else "",
        data=data,
        data_age=data_age,
        newest=newest,
        disk=size(beat.disk_free_bytes) if beat else "",
        disk_low=bool(beat and beat.disk_free_bytes is not None and beat.disk_free_bytes < config.low_disk_mb * 1024**2),
        software=fleet.software_text(beat),
        error=_error_text(terminal.last_error),
        error_at=clock(terminal.last_error_at, zone, now) if terminal.last_error_at else "",
        usage=by_section(usage),
        revoked=terminal.token_hash is None,
        rollback=fleet.rollback_text(rollback, zone, now) if rollback else "",
    )


def sync_text(outcome: str, message: str | None) -> str:
    """ "同步失败：<reason>" (the terminal's message begins with its outcome
    in English: that is said once, in Chinese)."""
    reason = (message or "").removeprefix(f"{outcome}: ")
    label = SYNC_OUTCOMES.get(outcome, outcome)
    return f"同步{label}：{reason}" if reason and outcome in ("failed", "rejected") else f"同步{label}"


def _error_text(error: str | None) -> str:
    if not error:
        return ""
    outcome, _, message = error.partition(": ")
    return sync_text(outcome, message)


def overview(
    terminals: Sequence[Terminal],
    feeds: FeedIndex,
    usage: dict[str, dict[str, int]],
    now: int,
    config: HubConfig,
    township: str = "",
    selection: fleet.Selection | None = None,
) -> Overview:
    """The status page: ``terminals`` are all the user may see; the rows
    are those of ``township`` (all when ""), and of one release when
    ``selection`` says which. What needs attention and the releases are the
    township's, whatever release is chosen."""
    namer = Namer(feeds, [t.village for t in terminals])
    chosen = [t for t in terminals if not township or t.township == township]
    views = {t.id: terminal_view(t, namer, usage.get(t.id, {}), now, config) for t in chosen}
    # The terminals needing attention first, each group by village.
    ordered = sorted(views.values(), key=lambda row: (not row.summary_kinds, row.township, row.village, row.id))
    counts = [(kind, label, sum(kind in row.summary_kinds for row in ordered)) for kind, label in ATTENTION]
    choices = [(code, namer.township(code)) for code in sorted({t.township for t in terminals})]
    shown = {t.id for t in chosen if selection is None or selection.matches(t)}
    return Overview(
        rows=[row for row in ordered if row.id in shown],
        townships=choices,
        township=township,
        counts=counts,
        flagged=[row for row in ordered if row.summary_kinds],
        releases=fleet.releases(chosen, now),
        selection=selection,
    )
