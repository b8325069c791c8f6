"""Where the project's bundled files are, found from this file, never from
the current directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(os.environ.get("VILLAGE_KIOSK_ASSETS", PROJECT_ROOT / "assets"))
DEMO_VILLAGE = ASSETS / "demo-village"
DEFAULT_CONFIG = Path(os.environ.get("VILLAGE_KIOSK_CONFIG", "/etc/village-kiosk/config.toml"))


def cache_dir() -> Path:
    """Per-user cache for derived files (extracted fonts, thumbnails)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "village-kiosk"
