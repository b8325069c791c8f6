"""Power list, detail and flowchart viewer, driven by touches on the real app:
category tiles -> item -> flowchart -> zoom (buttons, pinch, double tap) ->
tap a box -> step list -> back -> home."""

from __future__ import annotations

import time

import pytest

from kiosk.flowchart import steps_of
from screens.shell.registry import ScreenName
from screens.ui_screens.flowchart import ZOOM_STEP, StepDetail, StepRow


def wait_until(ui, condition, timeout_s: float = 3.0) -> None:
    """Pump frames (real time passes: Kivy's clock) until ``condition()``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)
        ui.pump(1)


def popups():
    from kivy.core.window import Window

    return [child for child in Window.children if isinstance(child, StepDetail)]


def box_on_window(stage, box):
    """Window position of a box's centre, as the villager sees it now."""
    layout = stage.chart.chart_layout
    x, y = stage.plane.to_parent(box.center_x, layout.height - box.center_y)
    return stage.to_window(x, y)


def assert_in_view(stage) -> None:
    """Where the chart is larger than the stage it covers it; where smaller, it is centred."""
    left, bottom = stage.plane.to_parent(0, 0)
    width, height = (size * stage.scale for size in stage.chart.natural_size)
    for start, size, low, room in ((left, width, stage.x, stage.width), (bottom, height, stage.y, stage.height)):
        if size <= room:
            assert start == pytest.approx(low + (room - size) / 2)
        else:
            assert start <= low + 1e-6 and start + size >= low + room - 1e-6


def item_with_loop_back(demo):
    """The first demo power whose chart has a branch and a loop back."""
    for category in demo.categories:
        for item in demo.items_in(category.id):
            steps = steps_of(item.flowchart)
            if any(b.target_number <= s.number for s in steps for b in s.branches):
                return category, item
    pytest.fail("the demo village has no chart with a loop back")


def test_categories_are_tiles_with_counts(ui, demo):
    ui.tap_text("权力清单")
    assert ui.app.nav.current[0] is ScreenName.POWER_CATEGORIES
    texts = ui.texts()
    for category in demo.categories:
        assert category.name in texts
        assert f"共{len(demo.items_in(category.id))}项" in texts
    tiles = ui.screen.ids.tiles.children
    assert len(tiles) == len(demo.categories)
    assert all(tile.height >= 2 * ui.app.theme.target for tile in tiles)  # big tiles, not rows


def test_browse_to_flowchart_zoom_steps_and_home(ui, demo):
    category, item = item_with_loop_back(demo)
    ui.tap_text("权力清单")
    ui.tap_text(category.name)
    assert ui.app.nav.current == (ScreenName.POWER_LIST, {"category_id": category.id})
    ui.tap_text(item.name)
    assert ui.app.nav.current == (ScreenName.POWER_DETAIL, {"item_id": item.id})
    assert item.responsible in ui.texts()

    ui.screen.ids.page.scroll_y = 0.6  # the flowchart section, further down the page
    ui.pump()
    ui.tap_text("看大图")
    assert ui.app.nav.current == (ScreenName.POWER_FLOWCHART, {"item_id": item.id})
    stage = ui.screen.ids.stage
    layout = stage.chart.chart_layout
    assert len(layout.boxes) == len(item.flowchart.nodes) and not layout.problems
    assert ui.screen.problems == ""

    start = stage.scale
    ui.tap(ui.screen.ids.zoom_in)
    assert stage.scale == pytest.approx(start * ZOOM_STEP)
    ui.pinch(stage, 1.5)
    assert stage.scale > start * ZOOM_STEP * 1.2
    zoomed = stage.scale
    assert_in_view(stage)
    ui.pinch(stage, 0.5)
    assert stage.scale < zoomed * 0.8
    ui.tap(ui.screen.ids.fit)
    assert stage.scale == pytest.approx(stage.fit_scale())
    width, height = stage.chart.natural_size
    assert width * stage.scale <= stage.width + 1 and height * stage.scale <= stage.height + 1

    # Drag: the chart moves with the finger, and never leaves the stage.
    ui.tap(ui.screen.ids.zoom_in)
    ui.tap(ui.screen.ids.zoom_in)
    before = stage.plane.to_parent(0, 0)
    x, y = stage.to_window(*stage.center)
    ui.gesture([[(x, y), (x, y - 40), (x, y - 80)]])
    assert stage.plane.to_parent(0, 0)[1] != before[1]
    assert_in_view(stage)

    # Double tap: the whole chart.
    ui.double_tap_at(x, y)
    assert stage.scale == pytest.approx(stage.fit_scale())

    # Tap a box: its step, large, with a 关闭 button.
    decision = next(box for box in layout.boxes if box.detail)
    time.sleep(0.3)  # not a double tap with the taps above
    ui.tap_at(*box_on_window(stage, decision))
    wait_until(ui, lambda: popups())
    popup = popups()[0]
    assert popup.label == decision.label and popup.detail == decision.detail
    ui.tap_text("关闭")
    assert not popups()

    # The same chart as numbered steps, branches spelled out.
    ui.tap_text("按步骤看")
    assert ui.app.nav.current == (ScreenName.POWER_FLOWCHART, {"item_id": item.id, "steps": True})
    rows = [w for w in ui.screen.ids.steps_panel.content.children if isinstance(w, StepRow)]
    steps = steps_of(item.flowchart)
    assert sorted(row.number for row in rows) == [step.number for step in steps]
    assert steps[0].label in ui.texts()
    loop_back = next(b for s in steps for b in s.branches if b.target_number <= s.number)
    assert any(loop_back.text in row.branches for row in rows)
    ui.tap(next(row for row in rows if row.number == 1))
    wait_until(ui, lambda: popups())
    assert popups()[0].number == 1
    ui.tap_text("关闭")

    ui.tap(ui.app.root.ids.back)
    assert ui.app.nav.current == (ScreenName.POWER_DETAIL, {"item_id": item.id})
    ui.tap(ui.app.root.ids.home)
    assert ui.app.nav.history == [(ScreenName.HOME, {})]


def test_detail_shows_every_part_and_complaint_button(ui, demo):
    item = next(i for i in demo.power_items if i.basis and i.risks and i.materials and i.time_limit)
    ui.go(ScreenName.POWER_DETAIL, item_id=item.id)
    page = ui.screen.ids.page
    seen = set()
    for position in (1, 0.75, 0.5, 0.25, 0):  # scroll down the page as a villager would
        page.scroll_y = position
        ui.pump()
        seen.update(ui.texts())
    every = " ".join(seen)
    for text in [
        item.summary,
        item.responsible,
        item.time_limit,
        *item.materials,
        *(b.document + b.clause for b in item.basis),
        *(r.control for r in item.risks),
    ]:
        assert text in every, text
    assert "风险" in seen and "防范" in seen  # each risk paired with its control
    ui.tap_text("对这件事有意见？扫码反映")
    assert ui.app.nav.current == (ScreenName.COMPLAINT, {"kind": "power", "item_id": item.id})


def test_the_next_record_reuses_the_page_and_shows_only_its_own_text(ui, demo):
    """The detail page hands the last record's widgets to the next one: no
    part of the first item may stay on the second's page, and the second
    page has everything its item holds."""
    first = max(demo.power_items, key=lambda i: len(i.basis) + len(i.risks) + len(i.materials))
    second = min(demo.power_items, key=lambda i: len(i.basis) + len(i.risks) + len(i.materials))
    ui.go(ScreenName.POWER_DETAIL, item_id=first.id)
    built = {id(w) for w in ui.screen.ids.page.content.walk()}
    ui.go(ScreenName.POWER_LIST, category_id=demo.categories[0].id)
    ui.go(ScreenName.POWER_DETAIL, item_id=second.id)
    content = ui.screen.ids.page.content
    reused = [w for w in content.walk(restrict=True) if id(w) in built and w is not content]
    assert reused, "nothing of the first page was reused"
    texts = " ".join(getattr(w, "text", "") for w in content.walk())
    for text in [second.summary, second.responsible, *second.materials, *(r.control for r in second.risks)]:
        assert text in texts, text
    own = {second.summary, second.responsible, *second.materials, *(r.control for r in second.risks), *(r.risk for r in second.risks)}
    for text in [first.summary, *first.materials, *(r.control for r in first.risks)]:
        if text not in own:
            assert text not in texts, f"left over from the first item: {text}"


def test_preview_tap_opens_viewer_and_large_mode_relays_out(ui, demo):
    item = demo.power_items[0]
    ui.go(ScreenName.POWER_DETAIL, item_id=item.id)
    from screens.ui_screens.flowchart import FlowchartPreview

    preview = next(w for w in ui.screen.ids.page.content.walk() if isinstance(w, FlowchartPreview))
    assert preview.chart_layout is not None and preview.height > 0
    ui.screen.ids.page.scroll_to(preview, animate=False)
    ui.pump()
    ui.tap(preview)
    assert ui.app.nav.current[0] is ScreenName.POWER_FLOWCHART
    stage = ui.screen.ids.stage
    normal = list(stage.chart.natural_size)
    first_layout = stage.chart.chart_layout
    ui.tap_text("大字")
    large = stage.chart.natural_size
    assert large[0] > normal[0] and large[1] > normal[1]
    ui.tap_text("标准字")
    assert stage.chart.chart_layout is first_layout  # laid out once per chart and size, then cached


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_landscape_viewer_keeps_buttons_reachable(ui, demo, size):
    ui.resize(*size)
    ui.set_large(True)
    ui.go(ScreenName.POWER_FLOWCHART, item_id=demo.power_items[0].id)
    for name in ("zoom_in", "zoom_out", "fit", "show_steps"):
        assert ui._is_on_screen(ui.screen.ids[name]), name
    # Whole, above the side column's fold and clear of its scroll bar.
    column = ui.screen.ids.side_scroll
    left, bottom = column.to_window(column.x, column.y)
    for name in ("zoom_in", "zoom_out", "fit", "show_steps", "show_chart"):
        button = ui.screen.ids[name]
        _x0, y0 = button.to_window(button.x, button.y)
        x1, y1 = button.to_window(button.right, button.top)
        assert bottom <= y0 and y1 <= bottom + column.height, name
        assert x1 <= left + column.width - column.bar_width, name
    stage = ui.screen.ids.stage
    assert stage.height > size[1] * 0.6  # the chart keeps the screen's height; buttons at the side
    scale = stage.scale
    ui.tap(ui.screen.ids.zoom_in)
    assert stage.scale > scale
