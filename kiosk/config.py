"""Terminal configuration: a TOML file written by ``village-kiosk provision``.

With no configuration file the kiosk runs on the bundled demo village.
Every field has a default so a partial file is valid; a wrong one is
rejected with the TOML path of the field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from kiosk import paths
from kiosk.idle import NightSchedule

TerminalId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class ConfigError(ValueError):
    pass


class _Section(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Sections repeat ``frozen=True``: msgspec inherits it, type checkers
    read each class's own options."""


class TerminalConfig(_Section, frozen=True, kw_only=True):
    id: TerminalId = "DEMO-0001"
    # Salted hash of the technician PIN (see provisioning); empty = no menu.
    pin_hash: str = ""
    # Bearer token for the heartbeat endpoint. A secret: the file is
    # readable only by root and the kiosk user (docs/OPERATIONS.md).
    token: str = ""


class FeedConfig(_Section, frozen=True, kw_only=True):
    # Base URL of the village's published feed; empty = bundled demo data.
    platform: str = ""
    village: Annotated[str, Meta(pattern=r"^(\d{12})?$")] = ""
    pubkeys: list[str] = []
    store: str = "/var/lib/village-kiosk/store"
    store_limit_mb: Annotated[int, Meta(ge=16)] = 2048
    sync_interval_s: Annotated[int, Meta(ge=60)] = 900
    # A plain http:// platform is refused unless allowed (test bench, intranet).
    allow_http: bool = False

    def refuses(self, platform: str | None = None) -> str | None:
        """Why the terminal must not talk to ``platform`` (default: its own),
        or None: plain http is refused unless ``allow_http`` is on."""
        platform = self.platform if platform is None else platform
        if platform.lower().startswith("http://") and not self.allow_http:
            return f"platform {platform} is plain http and [feed] allow_http is off: use https (or allow_http for a test bench)"
        return None


class DisplayConfig(_Section, frozen=True, kw_only=True):
    idle_reset_s: Annotated[int, Meta(ge=10)] = 60
    attract_after_s: Annotated[int, Meta(ge=30)] = 300
    large_font_scale: Annotated[float, Meta(ge=1.5, le=3.0)] = 1.5
    # Quiet hours when an idle terminal shows a dim clock, e.g. "22:00-06:00".
    night: Annotated[str, Meta(pattern=r"^(\d{2}:\d{2}-\d{2}:\d{2})?$")] = ""
    # Clockwise degrees the screen is turned; the X session rotates the
    # picture and the touch input to match (kiosk.ops.units).
    rotation: Literal[0, 90, 180, 270] = 0


class RecordsConfig(_Section, frozen=True, kw_only=True):
    # A settled project whose settlement exceeds its budget by more than
    # this many percent is flagged for villagers to see.
    over_budget_threshold_pct: Annotated[float, Meta(ge=0)] = 10.0


class HeartbeatConfig(_Section, frozen=True, kw_only=True):
    # Where status and usage counts are posted; empty = derived from the
    # platform (see kiosk.ops.heartbeat and docs/OPERATIONS.md).
    url: str = ""
    interval_s: Annotated[int, Meta(ge=60)] = 300


class UpdateConfig(_Section, frozen=True, kw_only=True):
    # Signed software releases (kiosk.release, docs/OPERATIONS.md §10).
    # Where they are published; empty = <platform>/releases/.
    url: str = ""
    # Hours when a release may be fetched and started, e.g. "01:00-05:00";
    # empty = the quiet hours ([display] night), else DEFAULT_UPDATE_WINDOW.
    window: Annotated[str, Meta(pattern=r"^(\d{2}:\d{2}-\d{2}:\d{2})?$")] = ""
    # A new release is kept once it has drawn its first frame and kept
    # running this long; it goes back to the previous one if that has not
    # happened within trial_s, or after max_crashes starts without it.
    health_s: Annotated[int, Meta(ge=10)] = 600
    trial_s: Annotated[int, Meta(ge=30)] = 1800
    max_crashes: Annotated[int, Meta(ge=1, le=20)] = 3


DEFAULT_UPDATE_WINDOW = "02:00-05:00"


class Config(_Section, frozen=True, kw_only=True):
    terminal: TerminalConfig = TerminalConfig()
    feed: FeedConfig = FeedConfig()
    display: DisplayConfig = DisplayConfig()
    records: RecordsConfig = RecordsConfig()
    heartbeat: HeartbeatConfig = HeartbeatConfig()
    update: UpdateConfig = UpdateConfig()

    @property
    def update_window(self) -> str:
        return self.update.window or self.display.night or DEFAULT_UPDATE_WINDOW

    def in_update_hours(self, now_local: dt.time) -> bool:
        """Whether releases may be taken and the kiosk start afresh now."""
        return NightSchedule.parse(self.update_window).is_night(now_local)

    @property
    def uses_platform(self) -> bool:
        return bool(self.feed.platform and self.feed.village)


def parse_config(text: str, origin: str = "config") -> Config:
    try:
        return msgspec.toml.decode(text.encode(), type=Config)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML ({exc})") from None


def load_config(path: Path | None = None) -> Config:
    """The configuration at ``path`` (default: the system one), or the demo
    defaults when that file does not exist."""
    path = path or paths.DEFAULT_CONFIG
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    return parse_config(text, str(path))
