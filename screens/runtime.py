"""Kivy start-up settings. Call ``prepare_kivy`` before anything imports
``kivy.core.window``: Kivy reads these when it creates the window."""

from __future__ import annotations

import os

from kiosk import paths
from kiosk.fonts import find_cjk_font


def prepare_kivy(*, size: tuple[int, int] | None, fullscreen: bool, max_fps: int = 60) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
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
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    if size:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))

    from kivy.core.text import DEFAULT_FONT, LabelBase

    from screens import kv_guard

    kv_guard.install()

    LabelBase.register(DEFAULT_FONT, str(fonts.regular), None, str(fonts.bold), None)
