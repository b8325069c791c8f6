"""Driving the real app without a person: for the tour and the tests.

The app runs in this process on a real X server (Xvfb + Mesa); frames are
pumped by hand, touches are real Kivy motion events dispatched through the
event loop at a widget's on-screen position, and screenshots are read back
from the GL framebuffer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from kiosk.config import Config
from kiosk.live import LiveData
from kiosk.snapshot import Snapshot
from screens.shell.runtime import prepare_kivy
from tooling.display import ensure_display


class HarnessError(RuntimeError):
    pass


class ManualClock:
    """Monotonic time that only moves when a test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Harness:
    def __init__(self, app, clock: ManualClock, fingers):
        self.app = app
        self.clock = clock
        self.fingers = fingers

    @classmethod
    def start(
        cls, config: Config, snapshot: Snapshot | None, size: tuple[int, int] = (1080, 1920), live: LiveData | None = None
    ) -> Harness:
        """The app on ``snapshot`` (or on ``live`` data with its store and sync)."""
        ensure_display()
        prepare_kivy(size=size, fullscreen=False, max_fps=0)
        from kivy.graphics.cgl import cgl_get_backend_name

        backend = cgl_get_backend_name()
        if backend == "mock":
            # The mock backend draws nothing and Kivy's own tests then
            # silently collect nothing: refuse loudly instead.
            raise HarnessError("Kivy is using the 'mock' GL backend: UI tests need a real GL context (Xvfb + Mesa)")
        # Kivy only now: prepare_kivy has set it up.
        from screens.kivy_fixes import start_without_loop
        from screens.shell.app import KioskApp
        from tooling import touch

        clock = ManualClock()
        app = KioskApp(config, live or LiveData(config, snapshot), clock=clock)
        start_without_loop(app)
        from kivy.base import EventLoop
        from kivy.input import kivy_postproc_modules

        # Touch post-processing as App.run() sets it up (double taps are
        # recognised as on the terminal); the only input is synthetic.
        for module in kivy_postproc_modules.values():
            EventLoop.add_postproc_module(module)
        harness = cls(app, clock, touch.attach())
        harness.resize(*size)
        return harness

    # ------------------------------------------------------------ frames

    def pump(self, frames: int = 3) -> None:
        from kivy.base import EventLoop

        for _ in range(frames):
            EventLoop.idle()

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of idle time pass, as far as the app can tell."""
        self.clock.now += seconds
        self.app.idle.tick()
        self.pump()

    def touch_idle(self) -> None:
        """Count as a touch for the idle timer (a fresh start for a test)."""
        self.app.idle.tracker.touched(self.clock())

    def resize(self, width: int, height: int) -> None:
        from kivy.core.window import Window

        Window.size = (width, height)
        self.pump(4)
        if tuple(Window.size) != (width, height):
            raise HarnessError(f"window is {Window.size}, wanted {(width, height)}")

    def set_large(self, large: bool) -> None:
        self.app.theme.large = large
        self.pump(4)

    @property
    def screen(self):
        return self.app.nav.current_screen

    def go(self, name, **params) -> None:
        self.app.nav.go(name, **params)
        self.pump()

    # ------------------------------------------------------------ touch

    def tap_at(self, x: float, y: float) -> None:
        finger = self.fingers.down(x, y)
        self.pump(1)
        self.fingers.up(finger)
        self.pump(3)

    def double_tap_at(self, x: float, y: float) -> None:
        """Two quick taps, delivered within one frame: Kivy's double-tap
        window (250 ms) is shorter than a software-rendered frame on a
        loaded machine, so taps separated by frames might not pair up.
        First the window of the last touch runs out: Kivy pairs a tap with
        an earlier touch that *started* near it, so a drag begun here a
        moment ago would make the first tap the "second" one."""
        from kivy.config import Config as KivyConfig

        time.sleep(KivyConfig.getint("postproc", "double_tap_time") / 1000 + 0.05)
        self.pump(1)  # Kivy forgets expired touches only after pairing a frame's new ones
        for _ in range(2):
            self.fingers.up(self.fingers.down(x, y))
        self.pump(3)

    def gesture(self, paths: list[list[tuple[float, float]]]) -> None:
        """Fingers moving together along window-position paths of equal
        length (one path: a drag; two: a pinch), put down at the first
        point and lifted at the last."""
        fingers = [self.fingers.down(*path[0]) for path in paths]
        self.pump(1)
        for step in range(1, len(paths[0])):
            for finger, path in zip(fingers, paths, strict=False):
                self.fingers.move(finger, *path[step])
            self.pump(1)
        for finger in fingers:
            self.fingers.up(finger)
        self.pump(3)

    def pinch(self, widget, factor: float, steps: int = 5) -> None:
        """Two fingers on ``widget`` moving apart (``factor`` > 1, zoom in) or together."""
        x, y = widget.to_window(*widget.center)
        start = min(widget.width, widget.height) / 8
        spreads = [start * factor ** (i / steps) for i in range(steps + 1)]
        self.gesture([[(x - d, y) for d in spreads], [(x + d, y) for d in spreads]])

    def tap(self, widget) -> None:
        x, y = widget.to_window(*widget.center)
        if not self._is_on_screen(widget):
            raise HarnessError(f"{type(widget).__name__} {getattr(widget, 'text', '')!r} is not on screen at {(x, y)}")
        self.tap_at(x, y)

    def tap_text(self, text: str) -> None:
        """Tap the on-screen widget that shows exactly ``text``."""
        self.tap(self.find_text(text))

    # ------------------------------------------------------------ looking

    def widgets(self) -> Iterator:
        """Every widget in the window that is on screen now."""
        from kivy.core.window import Window

        def walk(widget):
            yield widget
            for child in widget.children:
                yield from walk(child)

        for child in Window.children:
            for widget in walk(child):
                if self._is_on_screen(widget):
                    yield widget

    def texts(self) -> list[str]:
        from screens.uix.typeset_label import is_text

        return [w.text for w in self.widgets() if is_text(w) and w.text and w.opacity > 0]

    def find(self, predicate: Callable) -> list:
        return [w for w in self.widgets() if predicate(w)]

    def find_text(self, text: str):
        matches = self.find(lambda w: getattr(w, "text", None) == text and w.opacity > 0)
        if not matches:
            matches = self.find(lambda w: getattr(w, "title", None) == text and hasattr(w, "action"))
        if not matches:
            raise HarnessError(f"no widget shows {text!r}; on screen: {self.texts()[:40]}")
        # The innermost widget is the one drawn on top.
        return matches[-1]

    def _is_on_screen(self, widget) -> bool:
        from kivy.core.window import Window
        from kivy.uix.screenmanager import Screen
        from kivy.uix.stencilview import StencilView

        if widget.width <= 0 or widget.height <= 0 or widget.opacity == 0:
            return False
        x, y = widget.to_window(*widget.center)
        if not (0 <= x < Window.width and 0 <= y < Window.height):
            return False
        node = widget
        while node.parent is not None and node.parent is not Window:
            parent = node.parent
            if isinstance(node, Screen) and node.manager is not None and node.manager.current_screen is not node:
                return False
            if isinstance(parent, StencilView):  # scroll views clip what is outside them
                left, bottom = parent.to_window(parent.x, parent.y)
                if not (left <= x < left + parent.width and bottom <= y < bottom + parent.height):
                    return False
            if parent.opacity == 0:
                return False
            node = parent
        return True

    def screenshot(self):
        """The window as a Pillow image (top row first): the next frame,
        read from the back buffer just before it is swapped to the screen
        (after the swap the back buffer is undefined: after a resize Mesa
        hands back black or stale pixels there)."""
        from kivy.core.window import Window
        from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
        from PIL import Image

        self.pump(1)  # layouts triggered by the last change settle first
        frames = []

        def read(window):
            frames.append((window.size, glReadPixels(0, 0, window.width, window.height, GL_RGB, GL_UNSIGNED_BYTE)))

        Window.bind(on_flip=read)
        try:
            Window.canvas.ask_update()  # a frame is drawn even if nothing changed
            self.pump(1)
        finally:
            Window.unbind(on_flip=read)
        if not frames:
            raise HarnessError("no frame was drawn for the screenshot")
        (width, height), data = frames[-1]
        return Image.frombytes("RGB", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
