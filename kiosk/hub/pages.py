"""The status pages: server-rendered HTML (Jinja2, escaped by default),
one stylesheet, a few lines of script for the township filter. They work
without the script, on a county office's PC and on a phone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from kiosk.hub import fleet, status, wording
from kiosk.hub.store import Beat, SyncError, Terminal

_TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the page instead of showing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
_HEADERS = {
    # Nothing but this site's own files: no inline script can run even if
    # some text slipped through unescaped.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
GAP_S = 3600  # no report for an hour (terminals report every 5 minutes): shown as a gap


def render(request: Request, template: str, /, status_code: int = 200, **context) -> Response:
    context.setdefault("user", None)
    return _TEMPLATES.TemplateResponse(request, template, context, status_code=status_code, headers=_HEADERS)


@dataclass(frozen=True)
class HistoryRow:
    """A run of reports that said the same thing, or a gap between them."""

    start: str
    end: str
    reports: int = 0  # 0: a gap
    data: str = ""
    software: str = ""
    sync: str = ""
    disk: str = ""
    restarts: int = 0
    dropped_periods: int = 0
    gap: str = ""


def _run_key(beat: Beat) -> tuple:
    failing = beat.sync_outcome in ("failed", "rejected")
    return beat.data_version, beat.software_version, beat.release, beat.trial, beat.sync_outcome, beat.sync_message if failing else None


def history_rows(beats: Sequence[Beat], now: int, zone: zoneinfo.ZoneInfo) -> list[HistoryRow]:
    """``beats`` newest first, as runs of reports that said the same (a
    week of reports every 5 minutes is 2,016 lines otherwise), newest first;
    a silence of more than GAP_S between two reports is a row of its own."""
    rows: list[HistoryRow] = []
    run: list[Beat] = []
    restarts = 0

    def close_run() -> None:
        first, last = run[0], run[-1]
        rows.append(
            HistoryRow(
                start=wording.clock(first.received_at, zone, now),
                end=wording.clock(last.received_at, zone, now),
                reports=len(run),
                data=f"第 {last.data_version} 版" if last.data_version is not None else "没有数据",
                software=fleet.software_text(last),
                sync=status.sync_text(last.sync_outcome, last.sync_message) if last.sync_outcome else "",
                disk=wording.size(last.disk_free_bytes),
                restarts=restarts,
                dropped_periods=sum(beat.dropped_periods for beat in run),
            )
        )

    for beat in reversed(beats):  # oldest first
        if run:
            previous = run[-1]
            silence = beat.received_at - previous.received_at
            if silence > GAP_S or _run_key(beat) != _run_key(previous):
                close_run()
                run, restarts = [], 0
            if silence > GAP_S:
                rows.append(
                    HistoryRow(
                        start=wording.clock(previous.received_at, zone, now),
                        end=wording.clock(beat.received_at, zone, now),
                        gap=f"没有上报 {wording.duration(silence)}",
                    )
                )
            if beat.uptime_s < previous.uptime_s:
                restarts += 1  # the kiosk's uptime went back: it started again in between
        run.append(beat)
    if run:
        close_run()
    return rows[::-1]


def error_rows(errors: Sequence[SyncError], now: int, zone: zoneinfo.ZoneInfo) -> list[tuple[str, str]]:
    """(when, what): a repeated error once, with its first time and count."""
    rows = []
    for error in errors:
        when = wording.clock(error.at, zone, now)
        if error.times > 1 and error.first_at is not None:
            when = f"{wording.clock(error.first_at, zone, now)} 至 {when}，共 {error.times} 次"
        rows.append((when, status.sync_text(error.outcome, error.message)))
    return rows


@dataclass(frozen=True)
class UsageDays:
    days: list[str]  # "3月18日"
    sections: list[tuple[str, list[int], int]]  # (section, views per day, total)


def usage_days(by_day: Sequence[tuple[str, str, int]], first_day: str) -> UsageDays:
    """Each of the week's seven days from ``first_day``, a quiet one too (0:
    a day nobody used the terminal is news to the county, and a new day
    has no views yet in its first hours)."""
    first = dt.date.fromisoformat(first_day)
    days = [(first + dt.timedelta(days=offset)).isoformat() for offset in range(status.WEEK_DAYS)]
    table: dict[str, dict[str, int]] = {}
    for day, screen, views in by_day:
        per_day = table.setdefault(status.section_of(screen), {})
        per_day[day] = per_day.get(day, 0) + views
    sections = [(section, [per_day.get(day, 0) for day in days], sum(per_day.values())) for section, per_day in table.items()]
    sections.sort(key=lambda row: (-row[2], row[0]))
    labels = [f"{int(day[5:7])}月{int(day[8:10])}日" for day in days]
    return UsageDays(days=labels, sections=sections)


@dataclass(frozen=True)
class SoftwareFacts:
    """A terminal's software, on its page: each line plain Chinese, "" when unknown."""

    running: str  # "0.3.0（试运行中）"
    since: str  # "12月5日 02:15 由 0.2.0 换成"
    rollback: str  # the latest rollback, however old: when, from, to, why
    rollback_flagged: bool  # recent enough to be flagged
    update: str  # the last update run


def software_facts(terminal: Terminal, now: int, zone: zoneinfo.ZoneInfo) -> SoftwareFacts:
    software = terminal.software
    since = ""
    if software.since is not None and software.previous is not None and software.previous != software.running:
        since = f"{wording.clock(software.since, zone, now)} 由 {software.previous} 换成"
    rollback = software.rollback
    return SoftwareFacts(
        running=fleet.software_text(terminal.beat),
        since=since,
        rollback=fleet.rollback_text(rollback, zone, now) if rollback else "",
        rollback_flagged=fleet.recent_rollback(terminal, now) is not None,
        update=fleet.update_text(software.update, zone, now) if software.update else "",
    )
