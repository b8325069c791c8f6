"""Real small filesystems for the tests of a full disk."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def tiny_disk(tmp_path):
    """A real, small filesystem (tmpfs of 1 MiB); ``remount(size)`` grows it."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def resize(mount_point: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount_point)], check=True)


def fill(mount_point: Path, leave: int = 0) -> Path:
    """Fill the filesystem until ``leave`` bytes (rounded to its blocks) are free."""
    filler = mount_point / "filler"
    block = b"\0" * os.statvfs(mount_point).f_bsize
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while True:
            os.write(fd, block)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler
