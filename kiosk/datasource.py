"""Which copy of the village data the terminal shows, and how to describe
its age to a villager."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kiosk import paths
from kiosk.snapshot import Snapshot, load_folder


@dataclass(frozen=True)
class DataStatus:
    text: str  # e.g. "数据版本 v42 · 更新于 2026-11-20 08:30"
    stale: bool
    warning: str  # shown when stale, else ""


def open_demo() -> Snapshot:
    return load_folder(paths.DEMO_VILLAGE, source="demo")


def open_folder(folder: Path) -> Snapshot:
    return load_folder(folder)


def describe(snapshot: Snapshot, now: dt.datetime) -> DataStatus:
    info = snapshot.info
    if info.source == "demo":
        return DataStatus(f"演示数据 · 截至 {snapshot.as_of:%Y年%-m月%-d日}", False, "")
    stamp = info.generated_at or dt.datetime.combine(snapshot.as_of, dt.time())
    version = f"数据版本 v{info.version} · " if info.version is not None else ""
    text = f"{version}更新于 {stamp:%Y年%-m月%-d日 %H:%M}"
    stale = info.expires_at is not None and now >= info.expires_at
    warning = "数据可能不是最新：很久没有和上级平台同步了。" if stale else ""
    return DataStatus(text, stale, warning)
