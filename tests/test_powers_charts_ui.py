"""The flowchart viewer on every demo chart and on malformed ones: boxes
drawn with the real font never overlap, no arrow or label crosses a box,
every label fits its box, and a broken graph shows a calm message and
still draws -- at normal and large font."""

from __future__ import annotations

import time

import pytest

from kiosk import model
from kiosk.flowchart import boxes_overlap, edges_crossing_boxes, labels_over_boxes
from screens.shell.registry import ScreenName
from screens.ui_screens.flowchart import ChartMetrics, chart_layout, text_texture

Kind = model.NodeKind


def node(ident: str, label: str, kind: Kind = Kind.STEP) -> model.FlowNode:
    return model.FlowNode(id=ident, kind=kind, label=label)


def edge(source: str, target: str, label: str = "") -> model.FlowEdge:
    return model.FlowEdge(source=source, target=target, label=label)


def labels_fit(layout, metrics) -> list[str]:
    """Boxes whose wrapped label (as drawn) is larger than the box."""
    too_small = []
    for box in layout.boxes:
        texture = text_texture(box.label, metrics.font, box.text_width)
        if texture.height > box.h + 0.5 or texture.width > box.w + 0.5:
            too_small.append(box.node_id)
    return too_small


@pytest.mark.parametrize("large", [False, True])
def test_every_demo_chart_lays_out_clean(ui, demo, large):
    ui.set_large(large)
    metrics = ChartMetrics(ui.app.theme)
    assert metrics.scale == (ui.app.theme.large_scale if large else 1.0)
    for item in demo.power_items:
        layout = chart_layout(item.id, item.flowchart, metrics)
        assert not layout.problems, item.id
        assert len(layout.boxes) == len(item.flowchart.nodes), item.id
        assert boxes_overlap(layout) == [], item.id
        assert edges_crossing_boxes(layout) == [], item.id
        assert labels_over_boxes(layout) == [], item.id
        assert labels_fit(layout, metrics) == [], item.id


def test_every_demo_chart_opens_in_the_viewer(ui, demo):
    for item in demo.power_items:
        ui.app.nav.go(ScreenName.POWER_FLOWCHART, item_id=item.id)
        stage = ui.screen.ids.stage
        assert stage.chart.chart_layout.boxes and ui.screen.problems == ""
        assert 0 < stage.scale <= stage.plane.scale_max
    ui.pump()


def test_a_chart_left_behind_leaves_nothing_bound_to_the_theme(ui, demo):
    """A chart (its canvas, its legend chips and step numbers, its screen)
    follows the theme's colours, font and orientation while it is shown,
    and leaves no binding on the theme once it is gone: colours never change
    in normal mode, so Kivy would otherwise keep an entry for every chart
    ever shown."""
    import gc

    theme = ui.app.theme
    item = next(item for item in demo.power_items if len(item.flowchart.nodes) >= 4)

    def bindings() -> dict[str, int]:
        return {name: len(theme.get_property_observers(name)) for name in ("text", "title", "portrait")}

    def settled_bindings() -> dict[str, int]:
        """Once what a page left behind is collected: a callback due a few
        frames later (a deferred text, a scroll's last step) holds its page
        until it has run."""
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            ui.pump(1)
            time.sleep(0.02)
        gc.collect()
        return bindings()

    def visit(steps: bool) -> dict[str, int]:
        ui.app.nav.go(ScreenName.POWER_FLOWCHART, item_id=item.id, steps=steps)
        ui.pump(3)
        shown = bindings()
        ui.app.nav.home()  # the chart's screen dropped
        return shown

    before = settled_bindings()  # what earlier tests left behind, gone
    shown = visit(steps=True)
    assert shown["text"] > before["text"] and shown["portrait"] > before["portrait"]  # while shown, it follows
    after = [settled_bindings()]
    for steps in (False, True, False):
        visit(steps)
        after.append(settled_bindings())
    assert after == [before] * 4


MALFORMED = {
    "edge to a missing node": (
        model.Flowchart(
            nodes=[node("a", "提出申请", Kind.START), node("b", "村委会审核"), node("c", "办结", Kind.END)],
            edges=[edge("a", "b"), edge("b", "ghost", "同意"), edge("b", "c")],
        ),
        "不存在",
    ),
    "cycle with no entry": (
        model.Flowchart(
            nodes=[node("a", "审核"), node("b", "公示", Kind.PUBLICITY), node("c", "复核", Kind.DECISION)],
            edges=[edge("a", "b"), edge("b", "c"), edge("c", "a", "有异议")],
        ),
        "找不到开始",
    ),
    "no nodes": (model.Flowchart(nodes=[], edges=[edge("x", "y")]), "没有步骤"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_chart_shows_message_and_still_draws(ui, case):
    chart, words = MALFORMED[case]
    ui.go(ScreenName.POWER_FLOWCHART, item_id=ui.app.data.snapshot.power_items[0].id)
    screen = ui.screen
    screen.show_chart(f"bad-{case}", chart)
    ui.pump()
    assert words in screen.problems
    assert any(words in text for text in ui.texts())  # in the strip, on screen
    layout = screen.ids.stage.chart.chart_layout
    assert len(layout.boxes) == len({n.id for n in chart.nodes})
    assert boxes_overlap(layout) == [] and edges_crossing_boxes(layout) == []
    ui.tap(screen.ids.zoom_in)
    ui.tap(screen.ids.fit)
    ui.tap_text("按步骤看")
    assert len(screen.ids.steps_panel.content.children) == len({n.id for n in chart.nodes})


def test_two_hundred_nodes_render(ui):
    nodes = [node("start", "开始", Kind.START)]
    edges = []
    for i in range(1, 200):
        kind = Kind.DECISION if i % 10 == 0 else Kind.PUBLICITY if i % 7 == 0 else Kind.STEP
        nodes.append(node(f"n{i}", f"第{i}项工作内容", kind))
        edges.append(edge(nodes[i - 1].id, f"n{i}"))
        if kind is Kind.DECISION:
            edges.append(edge(f"n{i}", f"n{i - 5}", "不同意"))  # loops back
    chart = model.Flowchart(nodes=nodes, edges=edges)
    ui.go(ScreenName.POWER_FLOWCHART, item_id=ui.app.data.snapshot.power_items[0].id)
    screen = ui.screen
    screen.show_chart("two-hundred", chart, fit=True)
    ui.pump()
    stage = screen.ids.stage
    layout = stage.chart.chart_layout
    assert len(layout.boxes) == 200 and screen.problems == ""
    assert boxes_overlap(layout) == [] and edges_crossing_boxes(layout) == []
    assert stage.scale == pytest.approx(stage.fit_scale())
    ui.tap(screen.ids.zoom_in)
    assert stage.scale > stage.fit_scale()


def test_text_texture_cache_is_bounded_by_its_pixels(ui):
    from screens.ui_screens.flowchart import _texture_bytes, _Textures

    cache = _Textures(max_bytes=2 * 1024 * 1024)
    kept = [cache.get(f"第{n}步 村民代表会议表决通过", ui.app.theme.title, 400) for n in range(200)]
    held = sum(_texture_bytes(texture) for texture in cache._entries.values())
    assert held <= 2 * 1024 * 1024 < sum(_texture_bytes(texture) for texture in kept)
    assert cache.get("第199步 村民代表会议表决通过", ui.app.theme.title, 400) is kept[-1]  # the newest stay
