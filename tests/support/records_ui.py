"""Helpers for the records screens' UI tests (tests/test_records_*.py):
waiting for pictures from the worker threads, finding rows in long lists,
dragging, finding a widget's words on a screenshot, and building variant
villages in a temporary folder."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from kiosk import paths

DEADLINE_S = 15.0  # generous: the software renderer on a busy machine is slow


def pump_until(ui, condition, what: str, timeout_s: float = DEADLINE_S):
    """Pump frames until ``condition()`` is true; fail saying ``what``."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout_s} s")
        time.sleep(0.01)
        ui.pump(1)


def ink_box(shot, widget, dark: int = 110) -> tuple[int, int, int, int] | None:
    """Where the pixels darker than ``dark`` are inside ``widget`` on the
    window's screenshot ``shot``: (left, top, right, bottom) from the
    widget's top left, or None where there are none."""
    from kivy.core.window import Window

    top = Window.size[1] - int(widget.top)
    band = shot.crop((int(widget.x), top, int(widget.right), top + int(widget.height))).convert("L")
    return band.point(lambda value: 255 if value < dark else 0).getbbox()


def open_tile(ui, title: str) -> None:
    """Tap a home-screen tile (after letting the home screen settle)."""
    from screens.uix.widgets import Tile

    ui.pump(3)
    tiles = [tile for tile in of_type(ui, Tile) if tile.title == title]
    assert tiles, f"no home tile {title!r}"
    ui.tap(tiles[0])


def of_type(ui, cls) -> list:
    return ui.find(lambda w: isinstance(w, cls))


def row_list(ui):
    from screens.uix.widgets import RowList

    lists = of_type(ui, RowList)
    assert len(lists) == 1, f"expected one list on screen, found {len(lists)}"
    return lists[0]


def show_row(ui, text: str):
    """Scroll the list on screen (by steps, as a finger would) until a row
    showing ``text`` is on screen; return that label."""
    rows = row_list(ui)
    rows.scroll_y = 1
    ui.pump(2)
    bottom = rows.to_window(rows.x, rows.y)[1]
    step = rows.height / max(rows.children[0].height - rows.height, 1) * 0.5
    for _step in range(400):
        found = ui.find(lambda w: getattr(w, "text", None) == text and w.opacity > 0)
        # Well inside the list, not half hidden at its edge.
        margin = rows.children[0].default_size[1] / 4
        inside = [w for w in found if bottom + margin <= w.to_window(*w.center)[1] <= bottom + rows.height - margin]
        if inside:
            return inside[-1]
        if rows.scroll_y <= 0:
            break
        rows.scroll_y = max(0.0, rows.scroll_y - step)
        ui.pump(2)
    raise AssertionError(f"no row shows {text!r}")


def bring_into_view(ui, widget) -> None:
    """Scroll the page that holds ``widget`` so it is on screen."""
    from kivy.uix.scrollview import ScrollView

    node = widget.parent
    while node is not None and not isinstance(node, ScrollView):
        node = node.parent
    assert node is not None, "widget is not on a scrolling page"
    node.scroll_to(widget, padding=10, animate=False)
    ui.pump(3)


def drag(ui, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
    """A one-finger drag through the event loop, like a villager's swipe."""
    path = [(start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps) for i in range(steps + 1)]
    ui.gesture([path])


def copy_demo(tmp_path: Path) -> Path:
    """A private copy of the demo village to change."""
    folder = tmp_path / "village"
    shutil.copytree(paths.DEMO_VILLAGE, folder)
    return folder
