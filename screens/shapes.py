"""Rounded boxes a software renderer draws cheaply.

Kivy's ``RoundedRectangle`` is a triangle fan from the centre, and its
``Line(rounded_rectangle=...)`` a mesh of thin triangles. A terminal
without a GPU rasterises them with llvmpipe, where long thin triangles
cost far more than their area: a home-screen tile took 1.4 ms against
0.9 ms for a plain rectangle, and the 28 key outlines of the search
keyboard 7 ms of a 28 ms frame. ``RoundBox`` draws the same shape as nine
axis-aligned quads from one small anti-aliased texture (a ``BorderImage``),
with smoother corners into the bargain; an outline is a box of the line
colour under a box of the face colour.

Use them in kv as ``RoundBox:`` with ``pos``, ``size`` and ``radius``.
"""

from __future__ import annotations

import functools
import math

from kivy.factory import Factory
from kivy.graphics import BorderImage
from kivy.graphics.texture import Texture

# Corner radius in the texture: drawn scaled to the box's radius, so large
# enough to stay smooth at the largest radius a theme uses.
_TEXTURE_RADIUS = 32


@functools.cache
def _rounded_texture() -> Texture:
    """White, with a quarter circle of radius _TEXTURE_RADIUS in each corner
    (alpha by pixel coverage), one opaque line and column between them.
    Worked out for one quarter and mirrored: it is made before the first
    frame."""
    radius = _TEXTURE_RADIUS
    # Coverage of the pixels from the corner to the middle line, by distance
    # from the corner circle's centre (radius, radius) to the pixel's centre.
    quarter = [
        [round(255 * min(1.0, max(0.0, radius + 0.5 - math.hypot(radius - column - 0.5, radius - row - 0.5))))
         if column < radius and row < radius else 255
         for column in range(radius + 1)]
        for row in range(radius + 1)
    ]
    rows = [line + line[-2::-1] for line in quarter]  # left half, middle column, mirrored right half
    alpha = bytearray()
    for line in rows + rows[-2::-1]:
        for value in line:
            alpha += bytes((255, 255, 255, value))
    side = 2 * radius + 1
    texture = Texture.create(size=(side, side), colorfmt="rgba")
    texture.blit_buffer(bytes(alpha), colorfmt="rgba", bufferfmt="ubyte")
    return texture


class RoundBox(BorderImage):
    """A filled box with rounded corners (``radius`` in pixels, or a list
    whose first value is used, as RoundedRectangle takes it)."""

    def __init__(self, **kwargs):
        self._radius = 0.0
        radius = kwargs.pop("radius", 0)
        super().__init__(texture=_rounded_texture(), border=(_TEXTURE_RADIUS,) * 4, **kwargs)
        self.radius = radius

    @property
    def radius(self) -> float:
        return self._radius

    @radius.setter
    def radius(self, value) -> None:
        while isinstance(value, (list, tuple)):
            value = value[0] if value else 0
        self._radius = float(value)
        self._fit_corners()

    @property
    def size(self):
        return BorderImage.size.__get__(self)

    @size.setter
    def size(self, value) -> None:
        BorderImage.size.__set__(self, value)
        self._fit_corners()

    def _fit_corners(self) -> None:
        width, height = self.size
        corner = max(0.0, min(self._radius, width / 2, height / 2))
        self.display_border = (corner,) * 4


Factory.register("RoundBox", cls=RoundBox)
