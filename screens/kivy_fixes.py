"""Every work-around for Kivy this project needs, in one place.

Each one names the upstream issue it works around and reaches past Kivy's
public API only as far as it must; ``CHECKED_WITH`` is the Kivy version they
were checked against, and tests/test_kivy_fixes.py fails on any other (and
if what a work-around relies on is gone), so that an upgrade of Kivy is a
decision, not an accident.
"""

from __future__ import annotations

import contextlib

from kivy.effects.dampedscroll import DampedScrollEffect
from kivy.lang import Builder, builder

CHECKED_WITH = "2.3.1"

# ---------------------------------------------------------------- kv bindings of discarded widgets

_call_fn = builder.call_fn


def _call_fn_alive(args, instance, value):
    with contextlib.suppress(ReferenceError):
        _call_fn(args, instance, value)


def guard_kv_bindings() -> None:
    """Kv bindings that outlive their widget must not break the rest
    (kivy/kivy#6865). A kv rule binds a widget's property to, say,
    ``app.theme.text``; when the widget is discarded (a page refilled, a
    popup closed) Kivy unbinds it only once the garbage collector has run
    its destructor, and until then a change of the theme reaches a dead weak
    proxy and raises ReferenceError. That aborts the whole property dispatch:
    every later widget keeps its old colour or size, and an idle reset (which
    leaves large mode) crashed the kiosk. A dead widget needs no update.
    Kivy looks ``builder.call_fn`` up each time it creates a binding, so
    every binding made after this uses the guarded version."""
    builder.call_fn = _call_fn_alive


# ---------------------------------------------------------------- clipping with the scissor test

_SCISSOR_RULE = """
#:import scissor_box screens.kivy_fixes.scissor_box
<StencilView>:
    canvas.before:
        ScissorPush:
            x: scissor_box(self, self.pos, self.size)[0]
            y: scissor_box(self, self.pos, self.size)[1]
            width: scissor_box(self, self.pos, self.size)[2]
            height: scissor_box(self, self.pos, self.size)[3]
    canvas.after:
        ScissorPop
"""


def scissor_box(widget, _pos=None, _size=None) -> tuple[int, int, int, int]:
    """A widget's box on the framebuffer (x, y, width, height), for the
    scissor test: its window box turned with the window. With
    ``Window.rotation`` Kivy turns the picture in its model-view matrix,
    while the scissor test works on the framebuffer's own, unturned pixels.
    (``_pos``, ``_size``: named in the kv rule so that it follows them.)"""
    from kivy.core.window import Window

    x, y = widget.to_window(*widget.pos)
    width, height = widget.size
    physical_width, physical_height = Window.system_size
    rotation = Window.rotation % 360
    if rotation == 90:
        x, y, width, height = physical_width - y - height, x, height, width
    elif rotation == 180:
        x, y = physical_width - x - width, physical_height - y - height
    elif rotation == 270:
        x, y, width, height = y, physical_height - x - width, height, width
    return round(x), round(y), round(width), round(height)


def clip_with_scissor() -> None:
    """Scrolling views clip with the scissor test, not the stencil buffer
    (kivy/kivy#8997; #8405 only spares the stencil's clearing). Kivy's
    StencilView (every ScrollView and RecycleView) draws its rectangle into
    the stencil buffer before its content and again after it, and
    stencil-tests every pixel in between: with a software renderer two more
    passes over the view's area, about 3 ms a frame for a full-screen list
    at 1080x1920. The kiosk only clips axis-aligned rectangles, which the
    scissor test does at no cost per pixel. The box follows the view's own
    window position; it would not follow an ancestor that moves or zooms
    without moving the view (the kiosk has none: its screens never slide).

    Kivy has no public way to replace one rule of its own style.kv (unloading
    that file drops every widget's rule), so the StencilView rule is taken
    out of ``Builder.rules`` and Builder's rule caches cleared, once, before
    any view is built."""
    if any(selector.key == "stencilview" and rule.ctx.filename == __file__ for selector, rule in Builder.rules):
        return
    Builder.rules = [(selector, rule) for selector, rule in Builder.rules if selector.key != "stencilview"]
    Builder._match_cache.clear()
    Builder._match_name_cache.clear()
    Builder.load_string(_SCISSOR_RULE, filename=__file__)


# ---------------------------------------------------------------- a scroll that comes back to its edge


class EdgeReturningScrollEffect(DampedScrollEffect):
    """Kivy's overscroll bounce, coming to rest exactly at the edge it
    springs back to. ScrollView gives its effects their bounds the other
    way round (``min`` 0 at the end, ``max`` the negative scrollable
    length: kivy/kivy#7196), and DampedScrollEffect.update_velocity checks
    whether the spring has crossed back against the unsorted bounds, so it
    never stops there: the spring overshoots into the page and friction
    stops it short, by tens of pixels at a slow terminal's frame rate. A
    list pushed past its end then rests with its last line cut off, a
    little differently after every push. (Kivy has since replaced the
    effect, kivy/kivy#9214, after 2.3.1.) Here the edge is taken from the
    sorted bounds: once the bounce crosses it, the page stops on it."""

    value: float  # Kivy's NumericProperty, as mypy cannot infer it through the effects' classes

    def update_velocity(self, dt):
        edge = self._edge_returning_to()
        past = 0.0 if edge is None else self.value - edge  # how far outside, and on which side
        super().update_velocity(dt)
        if edge is not None and past and not self.is_manual and (self.value - edge) * past <= 0:  # back over the edge
            self.value = edge
            self.velocity = 0

    def _edge_returning_to(self) -> float | None:
        """The edge the bounce is heading back to, if it is on its way back."""
        if self.overscroll > 0 and self.velocity < 0:
            return max(self.min, self.max)
        if self.overscroll < 0 and self.velocity > 0:
            return min(self.min, self.max)
        return None


_EDGE_RETURNING_RULE = """
#:import EdgeReturningScrollEffect screens.kivy_fixes.EdgeReturningScrollEffect
<ScrollView>:
    effect_cls: EdgeReturningScrollEffect
"""


def return_scrolls_to_their_edges() -> None:
    """Every ScrollView (RecycleView too) bounces back to its very edge
    (see EdgeReturningScrollEffect). A kv rule, as a page of the app would
    set ``effect_cls``; loaded once, before any view is built."""
    name = f"{__file__}:scroll edges"  # the scissor rule is loaded as this file itself
    if not any(rule.ctx.filename == name for _selector, rule in Builder.rules):
        Builder.load_string(_EDGE_RETURNING_RULE, filename=name)


# ---------------------------------------------------------------- an App without its blocking loop (tooling)


def start_without_loop(app) -> None:
    """``App.run()`` minus its blocking loop, for the tour, the benchmark and
    the tests, which pump frames themselves: Kivy has no public way to start
    an App and drive its frames from the caller (kivy/kivy#3018; the async
    ``App.async_run`` still owns the loop). ``App._run_prepare`` is exactly
    ``run()`` up to its loop."""
    app._run_prepare()
