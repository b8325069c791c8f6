"""The technician menu: five quick taps on the top-left corner, then a PIN.

Villagers never see it. Five wrong PINs lock it for ten minutes (the rule
and its memory live in the core: kiosk.ops.pin.PinGuard).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kivy.properties import ListProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ops.logs import log_event
from kiosk.ops.pin import PinGuard, PinOutcome

log = logging.getLogger(__name__)

CORNER_TAPS = 5
CORNER_WINDOW_S = 3.0


class CornerTaps:
    """Counts taps in the top-left corner; fires after five within 3 s."""

    def __init__(self, clock: Callable[[], float], on_gesture: Callable[[], None]):
        self.clock = clock
        self.on_gesture = on_gesture
        self._taps: list[float] = []

    def touch(self, x: float, y: float, width: float, height: float, on_button: bool = False) -> None:
        """A touch at window position (x, y); ``on_button``: it lands on a
        button that will act on it, so it is no corner tap."""
        corner = min(width, height) * 0.1
        if on_button or not (x <= corner and y >= height - corner):
            self._taps.clear()
            return
        now = self.clock()
        self._taps = [t for t in self._taps if now - t <= CORNER_WINDOW_S] + [now]
        if len(self._taps) >= CORNER_TAPS:
            self._taps.clear()
            self.on_gesture()


class PinPad(ModalView):
    """Big number keys; shows dots, never the digits."""

    dots = StringProperty("")
    message = StringProperty("请输入维护密码")

    def __init__(self, guard: PinGuard, on_accepted: Callable[[], None], **kwargs):
        super().__init__(**kwargs)
        self.guard = guard
        self.on_accepted = on_accepted
        self._digits = ""
        locked = guard.locked_for()
        if locked > 0:
            self.message = _locked_message(locked)

    def press(self, key: str) -> None:
        if key == "删除":
            self._digits = self._digits[:-1]
        elif key == "确定":
            self._submit()
            return
        elif len(self._digits) < 12:
            self._digits += key
        self.dots = "●" * len(self._digits)

    def _submit(self) -> None:
        result = self.guard.check(self._digits)
        self._digits = ""
        self.dots = ""
        if result.ok:
            log_event(log, "technician.menu_opened")
            self.dismiss(animation=False)
            self.on_accepted()
        elif result.outcome is PinOutcome.LOCKED:
            self.message = _locked_message(result.locked_for_s)
        elif result.outcome is PinOutcome.NOT_SET:
            self.message = "这台机器没有设置维护密码"
        else:
            self.message = f"密码不对，还可以试{result.tries_left}次"


def _locked_message(seconds: float) -> str:
    minutes = max(1, int(seconds / 60 + 0.999))
    return f"错误次数太多，请{minutes}分钟后再试"


class TechnicianPanel(ModalView):
    """Terminal status and the technician's actions."""

    lines = ListProperty()
    result = StringProperty("")

    def __init__(self, status: Callable[[], list[str]], actions: dict[str, Callable[[], str]], **kwargs):
        super().__init__(**kwargs)
        self.status = status
        self.actions = actions
        self.refresh()

    def refresh(self) -> None:
        self.lines = self.status()

    def on_lines(self, _instance, lines) -> None:
        from screens.uix.widgets import KLabel

        box = self.ids.lines
        box.clear_widgets()
        for line in lines:
            box.add_widget(KLabel(text=line))

    def run(self, name: str) -> None:
        log_event(log, "technician.action", action=name)
        self.result = self.actions[name]()
        self.refresh()
