"""Clip scrolling views with the scissor test, not the stencil buffer.

Kivy's StencilView (every ScrollView and RecycleView) clips by drawing its
rectangle into the stencil buffer before its content and again after it,
and stencil-tests every pixel in between: with a software renderer that is
two more passes over the view's area, about 3 ms a frame for a full-screen
list at 1080x1920. The kiosk only clips axis-aligned rectangles, which is
what the scissor test does at no cost per pixel.

The scissor box is in window coordinates, computed from the view's own
position: it follows the view when the view moves or resizes. It would not
follow an ancestor that moves or zooms without moving the view (a
RelativeLayout that moves, a view inside a Scatter or inside another
view's scrolling content) -- the kiosk has none: its screens sit at the
window's origin and never slide.
"""

from __future__ import annotations

from kivy.lang import Builder

_SCISSOR_RULE = """
<StencilView>:
    canvas.before:
        ScissorPush:
            x: round(self.to_window(*self.pos)[0])
            y: round(self.to_window(*self.pos)[1])
            width: round(self.width)
            height: round(self.height)
    canvas.after:
        ScissorPop
"""



def clip_with_scissor() -> None:
    """Replace Kivy's stencil rule for StencilView (once, before any view is built)."""
    if any(selector.key == "stencilview" and rule.ctx.filename == __file__ for selector, rule in Builder.rules):
        return
    Builder.rules = [(selector, rule) for selector, rule in Builder.rules if selector.key != "stencilview"]
    Builder._match_cache.clear()
    Builder._match_name_cache.clear()
    Builder.load_string(_SCISSOR_RULE, filename=__file__)
