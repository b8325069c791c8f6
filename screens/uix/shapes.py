"""Rounded boxes a software renderer draws cheaply.

Kivy's ``RoundedRectangle`` is a triangle fan from the centre, and its
``Line(rounded_rectangle=...)`` a mesh of thin triangles. A terminal
without a GPU rasterises them with llvmpipe, where long thin triangles
cost far more than their area: a home-screen tile took 1.4 ms against
0.9 ms for a plain rectangle, and the 28 key outlines of the search
keyboard 7 ms of a 28 ms frame. ``RoundBox`` draws the same shape as nine
axis-aligned quads from one small anti-aliased texture (a ``BorderImage``),
with smoother corners into the bargain. ``FramedBox`` is a face with an
outline in one such box: its texture holds both colours, so a keyboard key
is drawn once, not as an outline box under a face box (26 keys: 5.7 ms of
fill → half that).

Use them in kv as ``RoundBox:`` with ``pos``, ``size`` and ``radius``
(under a ``Color``), and ``FramedBox:`` with ``face``, ``edge`` and
``edge_width`` besides (under ``Color: rgba: 1, 1, 1, 1``).
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


Rgba = tuple[float, float, float, float]
_WHITE: Rgba = (1.0, 1.0, 1.0, 1.0)


def _coverage(inset: float, dx: float, dy: float) -> float:
    """How much of a pixel lies inside the rounded shape shrunk by ``inset``
    texture pixels; (dx, dy): the pixel centre's distance inward from the
    corner circle's centre along each axis (0 past the corner region)."""
    radius = _TEXTURE_RADIUS - inset
    return min(1.0, max(0.0, radius + 0.5 - math.hypot(dx, dy)))


@functools.lru_cache(maxsize=64)
def _box_texture(face: Rgba = _WHITE, edge: Rgba = _WHITE, ring: float = 0.0) -> Texture:
    """A quarter circle of radius _TEXTURE_RADIUS in each corner, one line
    and column between them to stretch; the face colour inside, a ring of
    ``ring`` texture pixels in the edge colour round it, alpha by pixel
    coverage. Worked out for one quarter and mirrored: a few per theme."""
    radius = _TEXTURE_RADIUS
    quarter = []
    for row in range(radius + 1):
        line = []
        for column in range(radius + 1):
            dx, dy = max(0.0, radius - column - 0.5), max(0.0, radius - row - 0.5)
            outer = _coverage(0.0, dx, dy)
            inner = _coverage(ring, dx, dy) if ring else outer
            line.append(_mix(face, inner, edge, outer - inner))
        quarter.append(line)
    rows = [line + line[-2::-1] for line in quarter]  # left half, middle column, mirrored right half
    pixels = b"".join(b"".join(line) for line in rows + rows[-2::-1])
    side = 2 * radius + 1
    texture = Texture.create(size=(side, side), colorfmt="rgba")
    texture.blit_buffer(pixels, colorfmt="rgba", bufferfmt="ubyte")
    return texture


def _mix(face: Rgba, face_share: float, edge: Rgba, edge_share: float) -> bytes:
    """One RGBA pixel covered ``face_share`` by the face and ``edge_share``
    by the edge (straight, not premultiplied, alpha: as Kivy blends)."""
    weights = (face_share * face[3], edge_share * edge[3])
    alpha = sum(weights)
    if alpha <= 0:
        return bytes(4)
    rgb = (round(255 * (weights[0] * face[i] + weights[1] * edge[i]) / alpha) for i in range(3))
    return bytes((*rgb, round(255 * alpha)))


class RoundBox(BorderImage):
    """A filled box with rounded corners (``radius`` in pixels, or a list
    whose first value is used, as RoundedRectangle takes it)."""

    texture: Texture  # BorderImage's, declared for the type checker (Kivy has no type information)

    def __init__(self, **kwargs):
        self._radius = 0.0
        radius = kwargs.pop("radius", 0)
        super().__init__(texture=_box_texture(), border=(_TEXTURE_RADIUS,) * 4, **kwargs)
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
        self._corner_fitted(corner)

    def _corner_fitted(self, corner: float) -> None:
        """Hook for boxes whose texture depends on the corner's size."""


class FramedBox(RoundBox):
    """A rounded face with an outline ``edge_width`` pixels wide, in one
    box: colours come from the texture (draw it under white)."""

    def __init__(self, **kwargs):
        self._face, self._edge, self._edge_width = _WHITE, _WHITE, 0.0
        self._ready = False
        face, edge, edge_width = (kwargs.pop(name, default) for name, default in (("face", _WHITE), ("edge", _WHITE), ("edge_width", 0.0)))
        super().__init__(**kwargs)
        self._ready = True
        self.face, self.edge, self.edge_width = face, edge, edge_width

    face = property(lambda self: self._face, lambda self, value: self._set("_face", _rgba(value)))
    edge = property(lambda self: self._edge, lambda self, value: self._set("_edge", _rgba(value)))
    edge_width = property(lambda self: self._edge_width, lambda self, value: self._set("_edge_width", float(value)))

    def _set(self, name: str, value) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)
            self._fit_corners()

    def _corner_fitted(self, corner: float) -> None:
        if not self._ready:
            return
        # The ring is drawn scaled with the corner: as wide in the texture as
        # the edge is on screen relative to the corner, in quarter pixels so
        # that boxes of nearly one size share their texture.
        ring = min(float(_TEXTURE_RADIUS), self._edge_width * _TEXTURE_RADIUS / corner) if corner > 0 and self._edge_width > 0 else 0.0
        texture = _box_texture(self._face, self._edge, round(ring * 4) / 4)
        if self.texture is not texture:
            self.texture = texture


def _rgba(value) -> Rgba:
    red, green, blue, *alpha = (float(v) for v in value)
    return (red, green, blue, alpha[0] if alpha else 1.0)


Factory.register("RoundBox", cls=RoundBox)
Factory.register("FramedBox", cls=FramedBox)
