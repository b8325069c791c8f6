"""Give memory the kiosk has freed back to the system.

glibc keeps freed heap memory for reuse and returns it to the system only
from the top of the heap. Leaving a screen frees its widgets and text
textures (which a software renderer keeps in RAM) somewhere in the middle,
so without a trim the terminal's resident memory stays at the high-water
mark of every screen it has shown: measured 40-60 MiB after a tour.

Python's cycle collector is steered the same way: a full collection walks
every object the kiosk holds (about 200,000 with a large village) and took
50-140 ms whenever it struck, which was in the middle of a tap, since
building a screen is what allocates. Start-up's objects (Kivy, the kv
rules, the home screen, the village) are frozen out of those walks, and
full collections are left to the UI's quiet moments: once a new screen
has finished drawing (``screens.shell.navigation``; automatic collections
are paused while the screen is built, ``pause_collector``) and when the
villager pauses (``release_free_memory``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import sys
from collections.abc import Callable

from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

# Young collections between two automatic full ones (CPython's default: 10).
# The UI collects after every screen change; automatic ones are the backstop.
FULL_COLLECTION_EVERY = 100
COLLECTION_PASSES = 3

# Installed packages the terminal never uses that libraries it does use
# import anyway, when present, as they are imported themselves: httpcore
# imports trio for its async locks (eager since encode/httpcore#692), httpx
# its command line's click, pygments and rich (``from ._main import main`` in
# httpx/__init__.py). An install may well have them: the hub's uvicorn brings
# click, Kivy pygments, the tests' selenium trio.
UNUSED_BY_THE_TERMINAL = ("trio", "click", "pygments", "rich")


def leave_out_unused_packages() -> None:
    """Make importing ``UNUSED_BY_THE_TERMINAL`` fail in this process, as
    on a machine without them (Python's import raises ImportError for a name
    that ``sys.modules`` maps to None): httpx and httpcore then take their
    paths for that. The terminal's own process only, before it imports
    httpx; not a process that serves the hub (uvicorn needs click)."""
    for name in UNUSED_BY_THE_TERMINAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not installed", by the import system's rules


def settle_collector() -> None:
    """Freeze what start-up built out of the collector's walks and make
    automatic full collections rare. Once, after the first frame: whatever
    is frozen is never collected as a cycle, so it must be what lives for
    the whole run (and is bounded by what start-up built)."""
    if gc.get_freeze_count():  # settled already (another app in this process: tests)
        return
    gc.collect()
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
    log_event(log, "memory.collector_settled", frozen=gc.get_freeze_count())


def pause_collector() -> Callable[[], None]:
    """Stop automatic collections until the function returned is called.
    For building a screen: a large page allocates a hundred thousand
    objects and more, over which the collector's automatic passes would
    run again and again (tens of ms a page) and, every few pages, a full
    collection too, all inside the villager's tap. The collection after
    the new screen has been drawn does that work once. Paused already (a
    screen built while another waits for its frame, or a test that turned
    collection off): the function returned leaves it as it is."""
    if not gc.isenabled():
        return lambda: None
    gc.disable()
    return gc.enable


@functools.cache
def _libc_function(name: str):
    """glibc's ``name``, or None where the C library has none (musl, macOS)."""
    library = ctypes.util.find_library("c")
    try:
        function = getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        function = None
    if function is None:
        log_event(log, "memory.libc_function_unavailable", function=name)
    return function


_M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)
MMAP_THRESHOLD = 1024 * 1024


def fix_mmap_threshold() -> bool:
    """Serve every allocation of a megabyte or more by its own mapping,
    returned to the system the moment it is freed. glibc raises that
    threshold by itself each time a large block is freed (up to 32 MiB),
    after which a photo's decoding buffers (a thumbnail is made from a
    full picture) come from the heap and stay there as holes: the terminal
    kept tens of MiB after making thumbnails. Fixing the threshold turns
    the raising off. False where the C library cannot."""
    mallopt = _libc_function("mallopt")
    return bool(mallopt is not None and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_free_memory() -> bool:
    """Collect garbage cycles, then hand freed heap pages back to the
    system. False where the C library cannot (then only the collection ran)."""
    # Collecting a widget runs weakref callbacks (Kivy's unbinding of its kv
    # rules) that leave new cycles behind: a second pass frees as many
    # objects again as the first one's fifth.
    for _pass in range(COLLECTION_PASSES):
        if not gc.collect():
            break
    trim = _libc_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True
