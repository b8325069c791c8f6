"""Give memory the kiosk has freed back to the system.

glibc keeps freed heap memory for reuse and returns it to the system only
from the top of the heap. Leaving a screen frees its widgets and text
textures (which a software renderer keeps in RAM) somewhere in the middle,
so without a trim the terminal's resident memory stays at the high-water
mark of every screen it has shown: measured 40-60 MiB after a tour.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging

log = logging.getLogger(__name__)


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        trim = None
    if trim is None:
        log.info("event=memory_trim_unavailable")
    return trim


def release_free_memory() -> bool:
    """Collect garbage cycles, then hand freed heap pages back to the
    system. False where the C library cannot (then only the collection ran)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
