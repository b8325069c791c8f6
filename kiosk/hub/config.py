"""The hub's configuration: a small TOML file, every field optional.

With no file the hub keeps its data in SQLite under ``/var/lib`` and
listens on 127.0.0.1 (put nginx with TLS in front: terminals send their
token over https only). A province sets ``database`` to a PostgreSQL URL.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta

from kiosk.config import ConfigError

DEFAULT_PATH = Path(os.environ.get("VILLAGE_KIOSK_HUB_CONFIG", "/etc/village-kiosk/hub.toml"))
DEFAULT_DATABASE = "sqlite:////var/lib/village-kiosk-hub/hub.db"
DEFAULT_LISTEN = "127.0.0.1:8480"


class HubConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    # sqlite:///relative.db, sqlite:////absolute/path.db or postgresql://user@host/db
    database: str = DEFAULT_DATABASE
    listen: Annotated[str, Meta(pattern=r"^[^\s:]*:\d{1,5}$")] = DEFAULT_LISTEN
    # The published feeds (each village's signed tree in <feed_dir>/<village
    # code>/, as nginx serves them): the newest version of every village, and
    # the names of villages and townships. Empty: versions are not compared.
    feed_dir: str = ""
    # When a terminal is flagged at the top of the status page.
    silent_after_h: Annotated[float, Meta(gt=0)] = 2.0
    behind_after_h: Annotated[float, Meta(gt=0)] = 6.0  # still on an older version than the feed's newest
    low_disk_mb: Annotated[int, Meta(ge=0)] = 500  # as the terminal's own doctor warns
    keep_days: Annotated[int, Meta(ge=8)] = 31  # heartbeat history kept (usage: the same)
    timezone: str = "Asia/Shanghai"  # for dates and times on the pages
    session_hours: Annotated[float, Meta(gt=0, le=720)] = 12.0
    # Publishing from the township's workbooks (both set: on). The feed's
    # private key (feed.key), readable by the hub's user only
    # (docs/OPERATIONS.md §9); uploads wait in ``uploads`` while checked.
    signing_key: str = ""
    uploads: str = "/var/lib/village-kiosk-hub/uploads"
    max_upload_mb: Annotated[int, Meta(ge=1, le=2048)] = 200  # a workbook and its pictures, in one upload
    # Serve https directly (else: nginx in front); PEM files.
    tls_cert: str = ""
    tls_key: str = ""

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0] or "0.0.0.0"

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class _File(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    hub: HubConfig = HubConfig()


def parse_hub_config(text: str, origin: str = "hub config") -> HubConfig:
    try:
        config = msgspec.toml.decode(text.encode(), type=_File).hub
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    except msgspec.DecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML ({exc})") from None
    try:
        _ = config.zone  # its look-up is the check
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{origin}: unknown timezone {config.timezone!r} - `hub.timezone`") from None
    if bool(config.tls_cert) != bool(config.tls_key):
        raise ConfigError(f"{origin}: tls_cert and tls_key go together - `hub`")
    return config


def load_hub_config(path: Path | None = None) -> HubConfig:
    """The file at ``path`` (default: the system one); the defaults when the
    default file does not exist. A file named but missing is an error."""
    chosen = path or DEFAULT_PATH
    try:
        text = chosen.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path is None:
            return HubConfig()
        raise ConfigError(f"{chosen}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{chosen}: cannot read ({exc.strerror})") from None
    return parse_hub_config(text, str(chosen))
