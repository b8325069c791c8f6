"""The X server the kiosk draws on: is there one, and how big is its screen.

Asked through libX11 itself (ctypes), before Kivy opens its window: SDL
would otherwise fall back to its offscreen driver when there is no X
server (a kiosk running invisibly), and SDL's "fullscreen" needs a window
manager to honour it (on the terminal's bare X server it drew an 800×600
window in the middle of the screen). Nothing here imports Kivy.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import NamedTuple


class NoXServer(RuntimeError):
    """No X server to draw on; the message says why, for one log line."""


class ScreenSize(NamedTuple):
    width: int
    height: int


def _libx11() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11")
    if name is None:
        raise NoXServer("no X server: libX11 is not installed (apt-get install libx11-6)")
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XOpenDisplay.restype = ctypes.c_void_p
    for function in (lib.XDefaultScreen, lib.XCloseDisplay):
        function.argtypes = [ctypes.c_void_p]
        function.restype = ctypes.c_int
    for function in (lib.XDisplayWidth, lib.XDisplayHeight):
        function.argtypes = [ctypes.c_void_p, ctypes.c_int]
        function.restype = ctypes.c_int
    return lib


def screen_size(display: str | None = None) -> ScreenSize:
    """The size in pixels of the X screen on ``display`` (default: $DISPLAY),
    as the server drives it (before any rotation the kiosk applies)."""
    display = display if display is not None else os.environ.get("DISPLAY", "")
    if not display:
        raise NoXServer("no X server: DISPLAY is not set")
    lib = _libx11()
    connection = lib.XOpenDisplay(display.encode())
    if not connection:
        raise NoXServer(f"no X server answers on DISPLAY={display}")
    try:
        screen = lib.XDefaultScreen(connection)
        return ScreenSize(lib.XDisplayWidth(connection, screen), lib.XDisplayHeight(connection, screen))
    finally:
        lib.XCloseDisplay(connection)
