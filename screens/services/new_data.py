"""New data waits for a pause in the villager's taps.

A sync that brings a new version swaps it onto the screen the villager is
reading: the page is built again from the new data, a tenth of a second
and more with nothing else answered. Landing between a tap and its frame,
or in the middle of a drag, it made that tap or that scroll late (the
bench's figures under load: a feed republished every few seconds). So
outcomes that bring data wait until the villager has not touched the
screen for ``QUIET_S`` -- reading, or gone -- and nothing on it still
moves (``moving``: a flicked list coasts on for a second or two after the
finger has left, and a page built again under it jumped). Past
``WAIT_MAX_S`` it no longer waits for a pause, only for a still moment:
no finger moving on the screen (``STILL_S`` without a touch event) and
nothing moving on it, so that a villager tapping on and on sees the new
data between two taps, and one scrolling on and on through a long month
does not have it built again under the finger (a 5,000-entry month took
most of a second under load, a frozen frame in the middle of the drag).
Past ``GIVE_UP_S`` it waits for nothing: a screen that never stops moving
still gets its data.
Outcomes without data (a poll that found nothing new, a failure to show)
wait with them while they wait, so that they are taken in the order they
came.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kivy.clock import Clock

from kiosk.ops.yielding import seconds_since_touch

QUIET_S = 1.0  # a villager's taps come closer together than this; reading takes longer
WAIT_MAX_S = 10.0
STILL_S = 0.3  # touch events come closer together than this while a finger drags or taps on
GIVE_UP_S = 30.0
LOOK_AGAIN_S = 0.2


class OutcomesWhenQuiet:
    """Sync outcomes, handed on in their order once the villager pauses."""

    def __init__(
        self, take: Callable[[list], None], moving: Callable[[], bool] = lambda: False, clock: Callable[[], float] = time.monotonic
    ):
        self._take = take
        self._moving = moving
        self._clock = clock
        self._pending: list = []
        self._since = 0.0
        self._look_again = Clock.create_trigger(self._hand_on, LOOK_AGAIN_S)

    def offer(self, outcome) -> None:
        if not self._pending:
            self._since = self._clock()
        self._pending.append(outcome)
        self._hand_on()

    def waiting(self) -> int:
        return len(self._pending)

    def _hand_on(self, *_args) -> None:
        if not self._pending:
            return
        brings_data = any(getattr(outcome, "snapshot", None) is not None for outcome in self._pending)
        if brings_data and self._keep_waiting():
            self._look_again()
            return
        outcomes, self._pending = self._pending, []
        self._take(outcomes)

    def _keep_waiting(self) -> bool:
        waited = self._clock() - self._since
        if waited >= GIVE_UP_S:
            return False
        untouched, moving = seconds_since_touch(), self._moving()
        if waited < WAIT_MAX_S:
            return untouched < QUIET_S or moving  # for a pause
        return untouched < STILL_S or moving  # for a still moment between two touches

    def cancel(self) -> None:
        self._look_again.cancel()
        self._pending = []
