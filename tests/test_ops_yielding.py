"""Work that can wait gives way to the villager's tap (kiosk/ops/yielding.py)."""

from __future__ import annotations

import os
import threading

from kiosk.ops import yielding
from kiosk.ops.yielding import ACTIVE_S, BACKGROUND_NICE, MAX_WAIT_S, Quiet


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def in_a_thread(work):
    """What ``work()`` returns, run on another thread than the one that reported touches."""
    result = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join(10)
    return result[0]


def test_background_work_waits_while_the_villager_is_active_and_not_after():
    time = FakeTime()
    quiet = Quiet(time.clock, time.sleep)
    assert in_a_thread(quiet.give_way) == 0 and time.slept == []  # nobody at the screen: no pause
    quiet.touched()
    time.now += 0.1
    assert quiet.active()
    waited = in_a_thread(quiet.give_way)
    assert abs(waited - (ACTIVE_S - 0.1)) < 1e-9 and not quiet.active()
    assert in_a_thread(quiet.give_way) == 0


def test_the_pause_is_counted_from_the_last_touch():
    time = FakeTime()
    quiet = Quiet(time.clock, time.sleep)
    assert quiet.since_touch() == float("inf")  # nobody has touched it yet
    quiet.touched()
    time.now += 0.9
    assert abs(quiet.since_touch() - 0.9) < 1e-9
    quiet.touched()  # a second tap starts the pause afresh
    time.now += 0.9
    assert abs(quiet.since_touch() - 0.9) < 1e-9
    time.now += 0.1
    assert abs(quiet.since_touch() - 1.0) < 1e-9


def test_a_villager_who_never_stops_delays_the_work_but_never_stops_it():
    time = FakeTime()
    quiet = Quiet(time.clock, lambda seconds: (time.sleep(seconds), quiet.touched()))  # touching all along
    quiet.touched()
    waited = in_a_thread(quiet.give_way)
    assert abs(waited - MAX_WAIT_S) < 1e-9 and quiet.active()


def test_the_ui_thread_never_waits_for_itself():
    time = FakeTime()
    quiet = Quiet(time.clock, time.sleep)
    quiet.touched()  # on this thread: the UI's
    assert quiet.give_way() == 0 and time.slept == []
    assert in_a_thread(quiet.give_way) > 0


def _nice_of(thread_id: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, thread_id)


def test_a_background_thread_runs_at_a_lower_priority_and_the_others_keep_theirs():
    ours = _nice_of(threading.get_native_id())

    def lowered() -> tuple[int, int]:
        yielding.lower_this_thread()
        child = []
        started = threading.Thread(target=lambda: child.append(_nice_of(threading.get_native_id())))
        started.start()
        started.join(10)
        return _nice_of(threading.get_native_id()), child[0]

    background, its_child = in_a_thread(lowered)
    assert background == min(19, ours + BACKGROUND_NICE)
    assert its_child == background  # the threads a sync starts inherit it
    assert _nice_of(threading.get_native_id()) == ours
