"""Pictures for the screens: receipts and project photos decoded by the
app's image worker, off the UI thread, and handed back through the Clock."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics.texture import Texture

from kiosk.images import DecodedImage


def picture_texture(image: DecodedImage) -> Texture:
    """A Kivy texture of a decoded picture (rows arrive top first)."""
    texture = Texture.create(size=(image.width, image.height), colorfmt=image.colorfmt)
    texture.blit_buffer(image.pixels, colorfmt=image.colorfmt, bufferfmt="ubyte")
    texture.flip_vertical()
    return texture


_pictures_pending = 0


def request_picture(sha256: str, receiver: Callable[[str, object], None], full: bool = False) -> None:
    """Ask the app's image worker for a thumbnail (or the full picture);
    ``receiver(sha256, result)``, a widget's method, then runs on the UI
    thread with a DecodedImage or an ImageProblem -- unless the widget is
    gone by then: it is held weakly, so a picture still being decoded never
    keeps a screen the villager has left (and its textures) in memory."""
    global _pictures_pending
    app = App.get_running_app()
    _pictures_pending += 1
    held = weakref.WeakMethod(receiver)

    def deliver(_dt, result):
        global _pictures_pending
        _pictures_pending -= 1
        target = held()
        if target is not None:
            target(sha256, result)

    def done(_sha, result):  # on a worker thread: touch no widget here
        Clock.schedule_once(lambda dt: deliver(dt, result))

    media = app.data.snapshot.media
    if full:
        app.images.full_image(sha256, media, done)
    else:
        app.images.thumbnail(sha256, media, done)


def pictures_pending() -> int:
    """Pictures asked for and not yet shown (tour and tests wait on it)."""
    return _pictures_pending
