"""How the hub's pages say durations, times and sizes, in plain Chinese."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))} 分钟"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} 小时"
    return f"{int(seconds // 86400)} 天"


def ago(seconds: float) -> str:
    # Under a minute, or a report dated a moment ahead of our clock.
    return "刚刚" if seconds < 60 else f"{duration(seconds)}前"


def clock(epoch: int, zone: zoneinfo.ZoneInfo, now: int | None = None) -> str:
    moment = dt.datetime.fromtimestamp(epoch, zone)
    same_year = now is None or dt.datetime.fromtimestamp(now, zone).year == moment.year
    return (
        f"{moment.month}月{moment.day}日 {moment:%H:%M}" if same_year else f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    )


def size(nbytes: int | None) -> str:
    if nbytes is None:
        return "未知"
    if nbytes >= 1024**3:
        return f"{nbytes / 1024**3:.1f} GB"
    return f"{nbytes // 1024**2} MB"
