"""When an unattended terminal should reset itself.

A pure state machine over "seconds since the last touch", so it is tested
without a screen; the UI asks it twice a second what to show.

    active ──idle_reset_s──▶ asking (a 10 s countdown: 还在看吗？)
    asking ──countdown over──▶ reset (home, normal font, reading stopped) ──▶ resting
    resting ──attract_after_s──▶ attract (cycling notices, inviting a tap)

A touch during *asking* or *attract* only wakes the terminal: it must not
also press whatever lies under the finger.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class IdlePhase(enum.Enum):
    ACTIVE = "active"
    ASKING = "asking"
    RESTING = "resting"
    ATTRACT = "attract"


@dataclass(frozen=True)
class IdlePolicy:
    reset_after_s: float = 60
    countdown_s: float = 10
    attract_after_s: float = 300


@dataclass(frozen=True)
class IdleView:
    phase: IdlePhase
    seconds_left: int = 0  # of the countdown, while asking
    reset_now: bool = False  # true exactly once, when the countdown runs out


class IdleTracker:
    def __init__(self, policy: IdlePolicy, now: float):
        self.policy = policy
        self._last_touch = now
        self._reset_done = False

    def touched(self, now: float, *, needs_reset: bool = True) -> bool:
        """Record a touch; True when the touch only wakes the terminal and
        must not reach the widget under the finger."""
        swallow = self.view(now, needs_reset=needs_reset).phase in (IdlePhase.ASKING, IdlePhase.ATTRACT)
        self._last_touch = now
        self._reset_done = False
        return swallow

    def view(self, now: float, *, needs_reset: bool) -> IdleView:
        """What to show now. ``needs_reset`` says whether anything is away
        from the start state (another screen, large font, reading aloud);
        with nothing to undo there is no countdown to ask about."""
        idle = now - self._last_touch
        policy = self.policy
        if idle >= policy.attract_after_s:
            return IdleView(IdlePhase.ATTRACT, reset_now=self._take_reset(needs_reset))
        if idle < policy.reset_after_s:
            return IdleView(IdlePhase.ACTIVE)
        countdown_end = policy.reset_after_s + policy.countdown_s
        if needs_reset and not self._reset_done and idle < countdown_end:
            return IdleView(IdlePhase.ASKING, seconds_left=max(1, int(countdown_end - idle + 0.999)))
        return IdleView(IdlePhase.RESTING, reset_now=self._take_reset(needs_reset))

    def _take_reset(self, needs_reset: bool) -> bool:
        if needs_reset and not self._reset_done:
            self._reset_done = True
            return True
        return False


class NightSchedule:
    """Quiet hours (e.g. ``22:00-06:00``) when an idle terminal shows a dim
    clock instead of cycling notices. Empty text = no quiet hours."""

    def __init__(self, start: dt.time | None = None, end: dt.time | None = None):
        self.start = start
        self.end = end

    @classmethod
    def parse(cls, text: str) -> NightSchedule:
        if not text.strip():
            return cls()
        try:
            start_text, end_text = text.split("-")
            return cls(dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip()))
        except ValueError:
            raise ValueError(f"night hours must look like 22:00-06:00, not {text!r}") from None

    def is_night(self, now: dt.time) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # crosses midnight
