"""Lay a widget tree out in this turn of the event loop.

Kivy lays out in steps: a layout sizes its children on its own trigger, a
label draws its text on the next one, and the label's new height reaches
the layout above it one trigger later again. A row of a RecycleView that
grows through such steps is laid out by the list once for each: for a
month of 5,000 entries, each is a relayout of every row. Laying the row
out here, at the width the list gives it, lets the list learn its height
in one step. The triggers still pending find nothing left to change.
"""

from __future__ import annotations

from kivy.uix.layout import Layout
from kivy.uix.widget import Widget

from screens.uix.typeset_label import is_text


def lay_out_now(root: Widget) -> float:
    """Lay ``root``'s tree out at its width now, in one pass (widths down,
    texts, heights up); returns its minimum height (``root`` is a layout
    sized by its content). A width that waits on a height, and a long text
    a KLabel leaves for a frame to come, are left to Kivy's own triggers."""
    tree = list(root.walk(restrict=True))
    for widget in tree:  # from the top: every child's width, then its text at that width
        if isinstance(widget, Layout):
            widget.do_layout()
        elif is_text(widget):
            widget.texture_update()
    for widget in reversed(tree):  # from the bottom: every box as tall as what it holds
        if isinstance(widget, Layout):
            widget.do_layout()
    return root.minimum_height
