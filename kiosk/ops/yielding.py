"""Work that can wait gives way to the villager's tap.

The kiosk's UI and its background work (a sync verifying and storing a new
version, the heartbeat) share one interpreter, in which one thread runs
Python at a time, and a terminal's two cores, which other processes share
too. A tap is answered by the UI thread in its next frame or two;
background work that holds the interpreter or a core meanwhile makes the
answer late.

So the UI says when the villager touches the screen (``villager_active``)
and background work calls ``give_way()`` between its steps: while the
villager is active (until ``ACTIVE_S`` after the last touch) it sleeps,
which releases the interpreter, but for at most ``MAX_WAIT_S`` a call, so
that a villager scrolling for minutes delays the terminal's data and
never stops it. Background threads also run at a lower OS priority
(``lower_this_thread``), so that the UI thread wins a core from them.

Not work that can wait: the search index of a new version (a villager
typing a search waits for it; given way to taps it came seconds late).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

ACTIVE_S = 0.4  # a tap's frames, and a quick villager's next tap
MAX_WAIT_S = 2.0  # one give_way() at most: background work is delayed, never starved
STEP_S = 0.05  # how often a waiting thread looks again
BACKGROUND_NICE = 10  # added to a background thread's niceness (19 would starve it on a busy machine)


class Quiet:
    """When the villager was last active, and waiting for a pause."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], object] = time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._active_until = float("-inf")
        self._last_touch = float("-inf")
        self._ui_thread: int | None = None  # the thread that reports touches never waits

    def touched(self) -> None:
        """The villager touched the screen (from the UI thread)."""
        self._ui_thread = threading.get_ident()
        self._last_touch = self._clock()
        self._active_until = self._last_touch + ACTIVE_S

    def active(self) -> bool:
        return self._clock() < self._active_until

    def since_touch(self) -> float:
        """Seconds since the last touch (infinite before the first)."""
        return self._clock() - self._last_touch

    def give_way(self) -> float:
        """Sleep while the villager is active, at most ``MAX_WAIT_S``;
        the seconds waited."""
        if threading.get_ident() == self._ui_thread:
            return 0.0
        start = now = self._clock()
        while now < self._active_until and now - start < MAX_WAIT_S:
            self._sleep(min(STEP_S, self._active_until - now, MAX_WAIT_S - (now - start)))
            now = self._clock()
        return now - start


_quiet = Quiet()


def villager_active() -> None:
    """Called by the UI on every touch."""
    _quiet.touched()


def villager_is_active() -> bool:
    return _quiet.active()


def seconds_since_touch() -> float:
    """How long the villager has not touched the screen (work that can wait for a pause)."""
    return _quiet.since_touch()


def give_way() -> float:
    """Called by background work between its steps (on the UI thread it
    returns at once: the UI never waits for itself)."""
    return _quiet.give_way()


def lower_this_thread() -> None:
    """Run the calling thread at a lower OS priority than the UI's (Linux
    schedules threads one by one: the other threads keep theirs)."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICE)
    except (OSError, AttributeError) as exc:  # not Linux, or not allowed: the work runs as before
        log_event(log, "yielding.priority_unchanged", reason=str(exc))
