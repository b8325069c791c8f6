"""Freed memory handed back to the system (glibc's malloc_trim)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk.ops.memory import UNUSED_BY_THE_TERMINAL
from support.feed_fixtures import VILLAGE
from support.kiosk_process import keeps_running, start_kiosk

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


SETTLE = """
import gc
from kiosk.ops.memory import FULL_COLLECTION_EVERY, settle_collector

kept = [[index] for index in range(50_000)]  # what start-up built and keeps
settle_collector()
frozen = gc.get_freeze_count()
settle_collector()  # a second app in the same process freezes nothing more
print(frozen >= 50_000, gc.get_freeze_count() == frozen, gc.get_threshold()[2] == FULL_COLLECTION_EVERY)
"""


def test_start_up_objects_leave_the_collectors_walks_once():
    done = subprocess.run([sys.executable, "-c", SETTLE], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["True", "True", "True"]


def test_the_kiosk_holds_one_copy_of_the_character_readings_and_no_phrase_dictionary():
    """pypinyin as the kiosk's search and read-aloud load it when no child
    process can answer (kiosk.phrases), in a fresh process: its character
    dictionary once (not copied), its phrase dictionary not at all."""
    program = (
        "import sys, kiosk.search, pypinyin.constants as c, pypinyin.pinyin_dict as d;"
        "print(c.PINYIN_DICT is d.pinyin_dict, len(c.PHRASES_DICT), 'pypinyin.phrases_dict' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["True", "0", "False"]


DECODE_AGAIN = """
import sys
from kiosk.ops.memory import fix_mmap_threshold

def heap_kib():
    with open("/proc/self/smaps") as smaps:
        lines = smaps.read().splitlines()
    for index, line in enumerate(lines):
        if line.endswith("[heap]"):
            return next(int(l.split()[1]) for l in lines[index + 1 :] if l.startswith("Rss:"))
    return 0

fixed = fix_mmap_threshold() if sys.argv[1] == "fixed" else None
start = heap_kib()
# A photo decoded, its buffers freed; another one, and all of it freed (as
# thumbnails are made); a small object kept after each, as the UI does.
kept = []
for _ in range(3):
    buffer = bytearray(12 * 1024 * 1024)
    buffer[::4096] = b"x" * len(buffer[::4096])
    kept.append(bytes(64))
    del buffer
print(fixed, (heap_kib() - start) // 1024, len(kept))
"""


def test_a_fixed_mmap_threshold_gives_decoding_buffers_back_at_once():
    def heap_growth(mode: str) -> tuple[str, int]:
        done = subprocess.run([sys.executable, "-c", DECODE_AGAIN, mode], capture_output=True, text=True, check=True, timeout=60)
        fixed, grown, _kept = done.stdout.split()
        return fixed, int(grown)

    # glibc's own way: after the first large block is freed, the next ones come from the heap and stay there.
    assert heap_growth("default")[1] >= 8
    assert heap_growth("fixed") == ("True", 0)


def test_a_paused_collector_runs_no_automatic_collection_until_resumed():
    import gc

    from kiosk.ops.memory import pause_collector

    # Collection on, whatever this process's app left it as (it pauses collection while a screen waits for its frame).
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        resume = pause_collector()
        try:
            assert not gc.isenabled()
            assert pause_collector()() is None and not gc.isenabled()  # paused already: a second pause's resume leaves it paused
        finally:
            resume()
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()


@pytest.mark.slow
def test_the_terminal_loads_no_package_it_does_not_use(tmp_path, feed, x_display):
    """The kiosk as the service starts it, syncing its feed and indexing it
    for search: httpx is loaded, but neither the packages libraries import
    only because they are installed (trio, click, pygments, rich) nor
    pypinyin (the readings come from a child process, kiosk.phrases)."""
    feed.publish()
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[feed]\nplatform = "{feed.server.url}"\nvillage = "{VILLAGE}"\nallow_http = true\n'
        f'pubkeys = ["{feed.publisher.pub_path}"]\nstore = "{tmp_path / "kiosk-store"}"\n'
    )
    child = start_kiosk(tmp_path, config, env={"PYTHONPROFILEIMPORTTIME": "1"})  # every import, on stderr
    output = keeps_running(child, seconds=8)  # synced and indexed meanwhile
    imported = {line.rsplit("|", 1)[1].strip() for line in output.splitlines() if line.startswith("import time:")}
    assert {"httpx", "kiosk.search"} <= imported, output[-2000:]
    # Loaded, a package has its modules loaded too; refused, it is one line (its name, tried).
    packages_loaded = {name.split(".")[0] for name in imported if "." in name}
    assert {"httpx", "kiosk"} <= packages_loaded
    assert packages_loaded & {"pypinyin", *UNUSED_BY_THE_TERMINAL} == set()
