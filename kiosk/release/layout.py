"""Where the terminal's software lives: one private Python environment per
release, side by side, and two links that say which one runs.

::

    /opt/village-kiosk/releases/0.1.0/   a complete environment (bin/village-kiosk, bin/python, lib/…)
    /opt/village-kiosk/releases/0.2.0/
    /opt/village-kiosk/current -> releases/0.2.0   what the kiosk runs (/usr/bin/village-kiosk points through it)
    /opt/village-kiosk/good    -> releases/0.1.0   the last release that proved itself: runs the guard and the updater
    /var/lib/village-kiosk-update/                 root's: the trial, the update state, partial downloads
    /var/lib/village-kiosk/release-health.json     the kiosk's: "this release drew its first frame and kept running"

Only the standard library here: the package builder (tooling.debian) runs
this module with Debian's own Python, outside any environment.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

PACKAGE: Final = "village-kiosk"  # Final: mypy sees the literal the manifest requires
PREFIX = "/opt/village-kiosk"
STATE_DIR = "/var/lib/village-kiosk-update"
HEALTH_FILE = "/var/lib/village-kiosk/release-health.json"  # in the kiosk user's state directory
# What a release's version may look like: it names a folder and a Debian version.
VERSION_PATTERN = r"^[0-9][A-Za-z0-9.+~]{0,39}$"
_VERSION = re.compile(VERSION_PATTERN)


def valid_version(text: str) -> bool:
    return bool(_VERSION.match(text))


@dataclass(frozen=True)
class Layout:
    prefix: Path = Path(PREFIX)
    state: Path = Path(STATE_DIR)
    health: Path = Path(HEALTH_FILE)

    @classmethod
    def under(cls, root: Path | str) -> Layout:
        """The layout of a terminal whose files are under ``root`` (an image)."""
        root = Path(root)
        return cls(*(root / path.lstrip("/") for path in (PREFIX, STATE_DIR, HEALTH_FILE)))

    @property
    def releases(self) -> Path:
        return self.prefix / "releases"

    @property
    def current(self) -> Path:
        return self.prefix / "current"

    @property
    def good(self) -> Path:
        return self.prefix / "good"

    def release(self, version: str) -> Path:
        return self.releases / version

    def command(self, link: Path) -> Path:
        return link / "bin" / PACKAGE

    @property
    def is_installed(self) -> bool:
        """Installed from the package (a development checkout has no releases)."""
        return self.current.is_symlink()

    def version_of(self, link: Path) -> str | None:
        """The release a link points at, or None (no link, or not to a release)."""
        try:
            target = os.readlink(link)
        except OSError:
            return None
        parent, _, version = target.rstrip("/").rpartition("/")
        return version if parent in ("releases", str(self.releases)) and valid_version(version) else None

    def installed(self) -> list[str]:
        """The releases present, complete ones only (a release gets its name when complete)."""
        if not self.releases.is_dir():
            return []
        return sorted(entry.name for entry in self.releases.iterdir() if valid_version(entry.name) and entry.is_dir())


TERMINAL = Layout()  # this machine's own
