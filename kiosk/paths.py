"""Where the project's bundled files are, found from this file, never from
the current directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _assets() -> Path:
    """The checkout's ``assets``; in an installed environment (the Debian
    package's) they are in its ``share/village-kiosk/assets``."""
    if "VILLAGE_KIOSK_ASSETS" in os.environ:
        return Path(os.environ["VILLAGE_KIOSK_ASSETS"])
    checkout = PROJECT_ROOT / "assets"
    return checkout if checkout.is_dir() else Path(sys.prefix) / "share" / "village-kiosk" / "assets"


ASSETS = _assets()
DEMO_VILLAGE = ASSETS / "demo-village"
DEFAULT_CONFIG = Path(os.environ.get("VILLAGE_KIOSK_CONFIG", "/etc/village-kiosk/config.toml"))


def cache_dir() -> Path:
    """Per-user cache for derived files (extracted fonts, thumbnails)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "village-kiosk"
