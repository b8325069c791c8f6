"""Synthetic fingers for the tour, the benchmark and the tests.

Touches reach the app through Kivy's public input-provider API: a
``MotionEventProvider`` added to the event loop hands queued events over at
the next frame, so they are post-processed (double taps recognised) and
dispatched exactly as a touchscreen's are. Positions are window pixels.
"""

from __future__ import annotations

import itertools

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent
from kivy.input.provider import MotionEventProvider


class Finger(MotionEvent):
    def depack(self, args):
        self.is_touch = True
        self.sx, self.sy = args
        super().depack(args)


class Fingers(MotionEventProvider):
    """Queue touches with ``down``/``move``/``up``; the next frame delivers them."""

    def __init__(self):
        super().__init__("synthetic", None)
        self._queue: list[tuple[str, Finger]] = []
        self._ids = itertools.count(1)

    def start(self) -> None:  # nothing to open: no device
        pass

    def stop(self) -> None:
        pass

    def update(self, dispatch_fn) -> None:
        queued, self._queue = self._queue, []
        for event, finger in queued:
            dispatch_fn(event, finger)

    def down(self, x: float, y: float) -> Finger:
        finger = Finger("synthetic", next(self._ids), _normal(x, y))
        self._queue.append(("begin", finger))
        return finger

    def move(self, finger: Finger, x: float, y: float) -> None:
        finger.move(_normal(x, y))
        self._queue.append(("update", finger))

    def up(self, finger: Finger) -> None:
        self._queue.append(("end", finger))


def _normal(x: float, y: float) -> tuple[float, float]:
    window = EventLoop.window
    return x / window.width, y / window.height


def attach() -> Fingers:
    """Fingers on the running app's event loop."""
    fingers = Fingers()
    EventLoop.add_input_provider(fingers)
    return fingers
