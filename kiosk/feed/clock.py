"""A clock that cheap terminals cannot fool by booting in the past.

Many terminals have no battery-backed clock and start with a date years
ago. Trusting that date would hide staleness forever; refusing data
"from the future" would reject every fresh feed. So the terminal keeps a
lower bound for "now": the newest ``generated_at`` it ever verified, plus
the time it has been running since (monotonic, immune to clock jumps).
"Now" is the later of that bound and the system clock.

Only the lower bound is ever persisted, never the system clock: a clock
wrongly set in the future must not poison the bound for good.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable


def system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TrustedClock:
    def __init__(
        self,
        floor: dt.datetime | None = None,
        wall: Callable[[], dt.datetime] = system_now,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._wall = wall
        self._monotonic = monotonic
        self._floor = floor
        self._anchor = monotonic()

    def lower_bound(self) -> dt.datetime | None:
        """The earliest "now" can be: last verified time + running time since."""
        if self._floor is None:
            return None
        return self._floor + dt.timedelta(seconds=max(0.0, self._monotonic() - self._anchor))

    def now(self) -> dt.datetime:
        wall = self._wall()
        bound = self.lower_bound()
        return wall if bound is None or wall >= bound else bound

    def observe(self, verified_time: dt.datetime) -> bool:
        """Raise the bound to a time a valid signature vouches for.
        True when the bound moved (and so should be saved)."""
        bound = self.lower_bound()
        if bound is not None and verified_time <= bound:
            return False
        self._floor = verified_time
        self._anchor = self._monotonic()
        return True

    def behind_by(self) -> dt.timedelta | None:
        """How far the system clock lags the lower bound, or None when it
        does not: for ``doctor`` to report a clock that is off."""
        bound = self.lower_bound()
        if bound is None:
            return None
        lag = bound - self._wall()
        return lag if lag > dt.timedelta(0) else None
