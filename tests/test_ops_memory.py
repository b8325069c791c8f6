"""Freed memory handed back to the system (glibc's malloc_trim)."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import os
from kiosk.ops.memory import release_free_memory

def rss_mib():
    with open(f"/proc/{os.getpid()}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024

# 150 MiB in 1 KiB blocks (malloc, not Python's small-object arenas), then
# all freed but every 200th: what a screen's textures and widgets leave behind.
blocks = [bytes(1024) for _ in range(150_000)]
kept = blocks[::200]
del blocks
before = rss_mib()
trimmed = release_free_memory()
print(trimmed, round(before), round(rss_mib()), len(kept))
"""


def test_freed_heap_goes_back_to_the_system():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True, timeout=60)
    trimmed, before, after, _kept = done.stdout.split()
    assert trimmed == "True"
    assert int(before) - int(after) >= 100, f"RSS {before} -> {after} MiB"
