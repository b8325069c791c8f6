"""Kivy start-up settings. Call ``prepare_kivy`` before anything imports
``kivy.core.window``: Kivy reads these when it creates the window."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from kiosk import paths
from kiosk.fonts import find_cjk_font

if TYPE_CHECKING:
    from kiosk import fontsubset
    from kiosk.fonts import FontFaces


def kivy_rotation(clockwise_degrees: int) -> int:
    """Kivy turns its picture counter-clockwise; the configuration (like
    xrandr's "right" for 90) says how far the screen is turned clockwise."""
    return (360 - clockwise_degrees) % 360


def prepare_kivy(
    *, size: tuple[int, int] | None, fullscreen: bool, max_fps: int = 60, rotation: int = 0
) -> tuple[FontFaces, fontsubset.Subset | None]:
    """``fullscreen``: a borderless window at 0,0 as large as the X screen
    ``size`` (the terminal has no window manager, and SDL's own fullscreen
    needs one). ``rotation``: clockwise degrees the screen is turned; Kivy
    turns the picture and the touches together, on any X server (xrandr
    rotation depends on the graphics driver, and Xvfb has none). Returns
    the full font found and the subset drawn with (None: the full font)."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    # Kivy's records go through the application's one structured handler
    # (kiosk.ops.logs), not a console format of Kivy's own beside it.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    logging.getLogger("kivy").setLevel(os.environ.get("VILLAGE_KIOSK_KIVY_LOG", "warning").upper())
    # X11 or nothing: without an X server SDL would fall back to an
    # offscreen driver and the kiosk would run with nothing on screen.
    os.environ.setdefault("SDL_VIDEODRIVER", "x11")
    # Keep Kivy's own config away from the user's home, so a stray
    # ~/.kivy/config.ini can never change how the terminal behaves.
    kivy_home = paths.cache_dir() / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(kivy_home))
    fonts = find_cjk_font()  # fail before a window opens, with the package to install

    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_level", os.environ.get("VILLAGE_KIOSK_KIVY_LOG", "warning"))
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "maxfps", str(max_fps))
    # Kivy asks for 2x multisampling by default. With software GL (cheap
    # terminals, Xvfb) that doubles every pixel's work and the window's
    # buffers: measured 104 -> 38 ms a full 1080x1920 frame and 66 MiB less
    # memory without it. Text is anti-aliased by FreeType either way.
    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "fullscreen", "0")
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    if fullscreen:
        Config.set("graphics", "position", "custom")
        Config.set("graphics", "left", "0")
        Config.set("graphics", "top", "0")
    Config.set("graphics", "rotation", str(kivy_rotation(rotation)))
    if size:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))

    from kivy.core.text import DEFAULT_FONT, LabelBase

    from kiosk import fontsubset
    from screens.kivy_fixes import guard_kv_bindings
    from screens.uix import typeset_label

    guard_kv_bindings()

    # The village's own font subset when one is made (kiosk.fontsubset: a
    # fifth of the memory a face of the full font takes), the full font for
    # a text the subset lacks a character of.
    subset = fontsubset.current(fonts)
    shown = subset.faces if subset is not None else fonts
    LabelBase.register(DEFAULT_FONT, str(shown.regular), None, str(shown.bold), None)
    LabelBase.register(typeset_label.FULL_FONT, str(fonts.regular), None, str(fonts.bold), None)
    typeset_label.use_font_coverage(subset.characters if subset is not None else None)
    return fonts, subset
