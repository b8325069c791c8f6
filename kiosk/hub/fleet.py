"""Software across the fleet, in plain Chinese: how many terminals run each
release and how many are trying one, whether a staged rollout is spreading
or being rolled back, and what a terminal's rollback was (when, from which
release to which, why).

Pure functions of the stored terminals and the time, as ``kiosk.hub.status``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kiosk.hub import wording
from kiosk.hub.store import Beat, Rollback, Terminal, UpdateRun

# What changed "lately": a day, so the morning's page shows what the night's
# update hours did (terminals update in their quiet hours, docs/OPERATIONS.md §10).
RECENT_S = 24 * 3600
# A rollback is flagged for a week after the hub heard of it, as the
# terminal's own doctor warns of one for a week.
ROLLBACK_FLAG_S = 7 * 86400

# The reasons kiosk.release.trial.why_not_kept gives, said again in Chinese.
_STOPPED = re.compile(r"^\S+ did not come up: it stopped (?P<starts>\d+) times before it had run (?P<health>\d+) s$")
_NOT_PROVEN = re.compile(r"^\S+ did not show it works within (?P<trial>\d+) s \(first frame and (?P<health>\d+) s running\)$")

UPDATE_OUTCOMES = {
    "installed": "已安装新版本，试运行中",
    "committed": "新版本试运行通过，已保留",
    "rolled_back": "新版本没能正常运行，已自动退回",
    "up_to_date": "已是最新",
    "not_selected": "这一批推广还没轮到本机",
    "not_taken": "此版本在本机退回过，不再自动安装",
    "on_trial": "新版本试运行中",
    "off": "没有开启自动更新",
    "not_now": "不在更新时段",
    "not_installed": "开发安装，不自动更新",
    "rejected": "更新被拒绝（签名或校验没通过）",
    "failed": "更新失败",
}


def reason_text(reason: str) -> str:
    """Why a release was rolled back, in plain Chinese; a reason this hub
    does not know is shown as the terminal gave it."""
    if found := _STOPPED.match(reason):
        return f"新版本启动了 {found['starts']} 次，每次都没能坚持运行 {wording.duration(int(found['health']))}"
    if found := _NOT_PROVEN.match(reason):
        trial, health = int(found["trial"]), int(found["health"])
        return f"新版本在 {wording.duration(trial)}内没能显示画面并稳定运行 {wording.duration(health)}"
    return f"终端的说明（英文）：{reason}"


def rollback_text(rollback: Rollback, zone: zoneinfo.ZoneInfo, now: int) -> str:
    """ "3月17日 10:41 自动从 0.3.0 退回到 0.2.0。原因：…" """
    when = wording.clock(rollback.at, zone, now)
    return f"{when} 自动从 {rollback.from_version} 退回到 {rollback.to_version}。原因：{reason_text(rollback.reason)}"


def update_text(update: UpdateRun, zone: zoneinfo.ZoneInfo, now: int) -> str:
    outcome = UPDATE_OUTCOMES.get(update.outcome, update.outcome)
    version = f"（{update.version}）" if update.version else ""
    return f"{wording.clock(update.at, zone, now)} {outcome}{version}"


def software_text(beat: Beat | None) -> str:
    """ "0.3.0（试运行中）" """
    if beat is None:
        return ""
    if beat.trial is None:
        return beat.running
    if beat.trial == beat.running:
        return f"{beat.running}（试运行中）"
    return f"{beat.running}（试运行 {beat.trial}）"


def recent_rollback(terminal: Terminal, now: int) -> Rollback | None:
    """The terminal's rollback while it is flagged (the hub heard of it in the last week)."""
    rollback = terminal.software.rollback
    return rollback if rollback is not None and now - rollback.reported_at <= ROLLBACK_FLAG_S else None


def _arrived(terminal: Terminal, now: int) -> bool:
    """It took the release it runs lately, by an update (a rollback's target does not count)."""
    software = terminal.software
    if software.since is None or software.previous is None or now - software.since > RECENT_S:
        return False
    rollback = software.rollback
    return rollback is None or rollback.to_version != software.running or rollback.reported_at < software.since


@dataclass(frozen=True)
class ReleaseRow:
    release: str
    running: int  # terminals whose latest report runs it
    trial: int  # of them, on trial (not yet kept)
    arrived: int  # of them, took it in the last RECENT_S
    rolled_back: int  # terminals whose latest rollback was from it
    rolled_back_lately: int  # of them, heard of in the last RECENT_S

    @property
    def state(self) -> str:
        if self.rolled_back_lately:
            return "rolling_back"
        if self.arrived or self.trial:
            return "spreading"
        return ""

    @property
    def state_text(self) -> str:
        if self.state == "rolling_back":
            arrived = f"（新换上 {self.arrived} 台）" if self.arrived else ""
            return f"正在退回：近 24 小时 {self.rolled_back_lately} 台自动退回{arrived}"
        if self.state == "spreading":
            return f"正在推广：近 24 小时新换上 {self.arrived} 台"
        return ""


def _version_key(version: str) -> tuple:
    """Newest first: "0.10.0" after "0.9.1"; the numbers, then the text."""
    return tuple(int(part) for part in re.findall(r"\d+", version)), version


def releases(terminals: Sequence[Terminal], now: int) -> list[ReleaseRow]:
    """One row per release run by a terminal, or rolled back from; newest first."""
    counts: dict[str, list[int]] = {}
    for terminal in terminals:
        beat = terminal.beat
        if beat is not None:
            row = counts.setdefault(beat.running, [0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += beat.trial is not None and beat.trial == beat.running
            row[2] += _arrived(terminal, now)
        rollback = terminal.software.rollback
        if rollback is not None:
            row = counts.setdefault(rollback.from_version, [0, 0, 0, 0, 0])
            row[3] += 1
            row[4] += now - rollback.reported_at <= RECENT_S
    rows = [ReleaseRow(release, *numbers) for release, numbers in counts.items()]
    return sorted(rows, key=lambda row: _version_key(row.release), reverse=True)


@dataclass(frozen=True)
class Selection:
    """The terminals of one release: those running it, trying it, or rolled back from it."""

    kind: str  # one of KINDS
    release: str

    KINDS = ("release", "trial", "rolled_back")  # also the query parameters: ?release=0.3.0

    @classmethod
    def of(cls, params: Mapping[str, str]) -> Selection | None:
        for kind in cls.KINDS:
            if params.get(kind):
                return cls(kind, params[kind])
        return None

    def matches(self, terminal: Terminal) -> bool:
        beat = terminal.beat
        if self.kind == "release":
            return beat is not None and beat.running == self.release
        if self.kind == "trial":
            return beat is not None and beat.trial == self.release
        rollback = terminal.software.rollback
        return rollback is not None and rollback.from_version == self.release

    @property
    def label(self) -> str:
        return {
            "release": f"运行 {self.release} 的查询机",
            "trial": f"正在试运行 {self.release} 的查询机",
            "rolled_back": f"从 {self.release} 自动退回的查询机",
        }[self.kind]
