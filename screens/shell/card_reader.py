"""ID-card readers that type (docs/OPERATIONS.md section 4, "ID-card readers that type").

Many USB resident-ID readers sold for front desks work without a driver
as a "HID keyboard": put a card on them and they type its number, then
Enter, as a keyboard would. The kiosk's lockdown swallows every key
(``kiosk_mode.lock_down``); this is the one way through it: while a screen
has taken the keys, the digits, X, Backspace and Enter of a key press are
handed to it. Every key, handed on or not, still ends here: Escape, Alt+F4
and every shortcut do nothing, on every screen.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

# Kivy's key codes (SDL's, folded by Kivy's window for the keypad).
_DIGITS = {ord(str(digit)): str(digit) for digit in range(10)} | {256 + digit: str(digit) for digit in range(10)}  # 0-9, keypad 0-9
_X = ord("x")  # typed "X" arrives as x with Shift (or Caps Lock)
_BACKSPACE = 8
_ENTERS = (13, 271)  # Enter, keypad Enter
# Modifiers a reader's typing may carry; with any other (Ctrl, Alt, Meta) a key is a shortcut, not typing.
_TYPING_MODIFIERS = {"shift", "capslock", "numlock"}

DELETE = "delete"
ENTER = "enter"


def typed_key(key: int, modifiers) -> str | None:
    """What a key press types into an ID number: a digit, "X", DELETE,
    ENTER, or None for any other key."""
    if set(modifiers or ()) - _TYPING_MODIFIERS:
        return None
    if key in _DIGITS:
        return _DIGITS[key]
    if key == _X:
        return "X"
    if key == _BACKSPACE:
        return DELETE
    if key in _ENTERS:
        return ENTER
    return None


class TypedKeys:
    """The window's key presses, handed to the screen that takes them."""

    def __init__(self) -> None:
        self._taker: weakref.WeakMethod | None = None

    def take(self, taker: Callable[[str], None]) -> None:
        """``taker(key)`` gets what ``typed_key`` makes of each key press
        (held weakly: a screen that is dropped stops taking keys)."""
        self._taker = weakref.WeakMethod(taker)

    def release(self, taker: Callable[[str], None]) -> None:
        if self._taker is not None and self._taker() == taker:
            self._taker = None

    def key_down(self, _window, key: int, _scancode=None, _codepoint=None, modifiers=()) -> bool:
        taker = self._taker() if self._taker is not None else None
        typed = typed_key(key, modifiers)
        if taker is not None and typed is not None:
            taker(typed)
        return True  # the lockdown: no key goes any further
