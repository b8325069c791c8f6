"""A Debian package file as the release code sees it: its control fields
and its SHA-256 (the platform publishing it, the terminal checking it)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from kiosk.feed.outcome import Rejected

_CHUNK = 1024 * 1024


def control_fields(package: Path, names: tuple[str, ...] = ("Package", "Version", "Architecture", "Depends")) -> dict[str, str]:
    """Rejected when the file is not a Debian package."""
    answer = subprocess.run(
        ["dpkg-deb", "--showformat=" + "\\n".join(f"${{{name}}}" for name in names) + "\\n", "--show", str(package)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if answer.returncode != 0:
        raise Rejected(f"{package.name}: not a Debian package ({answer.stderr.strip()})")
    return dict(zip(names, answer.stdout.split("\n"), strict=False))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
