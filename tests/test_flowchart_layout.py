"""Flowchart layout (kiosk.flowchart): no overlapping boxes, no arrow through a
box, loops back up the side, malformed charts drawn anyway, steps, cache."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import pytest

from kiosk import model
from kiosk.flowchart import (
    Box,
    ChartLayout,
    ChartLayoutCache,
    EdgeRoute,
    boxes_overlap,
    edges_crossing_boxes,
    labels_over_boxes,
    layout_chart,
    steps_of,
)

Kind = model.NodeKind


def node(ident: str, label: str, kind: Kind = Kind.STEP, detail: str = "") -> model.FlowNode:
    return model.FlowNode(id=ident, kind=kind, label=label, detail=detail)


def edge(source: str, target: str, label: str = "") -> model.FlowEdge:
    return model.FlowEdge(source=source, target=target, label=label)


def measurer(scale: float = 1.0):
    """A deterministic stand-in for the UI's text measurer: every character one em wide, wrapped."""
    em, line = 20.0 * scale, 28.0 * scale

    def measure(text: str, width: float) -> tuple[float, float]:
        per_line = max(1, int(width // em))
        return min(len(text), per_line) * em, math.ceil(len(text) / per_line) * line

    return measure


def lay_out(chart: model.Flowchart, scale: float = 1.0) -> ChartLayout:
    return layout_chart(chart, measurer(scale), max_box_width=280 * scale, gap_x=40 * scale, gap_y=40 * scale)


def assert_clean(layout: ChartLayout) -> None:
    assert boxes_overlap(layout) == []
    assert edges_crossing_boxes(layout) == []
    assert labels_over_boxes(layout) == []
    for box in layout.boxes:  # everything inside the chart's extent, y down from 0
        assert box.x >= 0 and box.x + box.w <= layout.width + 1e-6
        assert box.y >= 0 and box.y + box.h <= layout.height + 1e-6
    for route in layout.edges:
        assert len(route.points) >= 2
        for x, y in route.points:
            assert 0 <= x <= layout.width + 1e-6 and 0 <= y <= layout.height + 1e-6
        if route.label_box is not None:
            x, y, w, h = route.label_box
            assert x >= 0 and x + w <= layout.width + 1e-6 and y >= 0 and y + h <= layout.height + 1e-6


FOUR_DELIBERATIONS = model.Flowchart(
    nodes=[
        node("start", "收集党员、群众意见建议", Kind.START),
        node("proposal", "党支部会议提议"),
        node("consult", "村两委会议商议"),
        node("review", "党员大会审议"),
        node("resolve", "村民会议或村民代表会议决议", Kind.DECISION),
        node("resolution_public", "决议公开", Kind.PUBLICITY),
        node("implement", "组织实施"),
        node("result_public", "实施结果公开", Kind.PUBLICITY),
        node("end", "资料归档备查", Kind.END),
    ],
    edges=[
        edge("start", "proposal"),
        edge("proposal", "consult"),
        edge("consult", "review"),
        edge("review", "resolve"),
        edge("resolve", "resolution_public", "同意"),
        edge("resolution_public", "implement"),
        edge("implement", "result_public"),
        edge("result_public", "end"),
        edge("resolve", "proposal", "不同意：退回重新提议"),
    ],
)

# An application with two branches, a loop back from an objection, and a
# long edge that skips two layers (急 → 办结).
APPLICATION = model.Flowchart(
    nodes=[
        node("apply", "申请人提出书面申请", Kind.START),
        node("urgent", "情况是否紧急", Kind.DECISION),
        node("check", "入户调查、邻里访问"),
        node("town", "镇人民政府审核", Kind.DECISION),
        node("public", "在村务公开栏公示", Kind.PUBLICITY),
        node("objection", "公示期内有无异议", Kind.DECISION),
        node("recheck", "调查核实异议"),
        node("approve", "县民政局审批确认"),
        node("refuse", "书面告知不符合的理由"),
        node("first_aid", "先行救助", detail="急难情况先救助，再补办手续。"),
        node("done", "办结", Kind.END),
    ],
    edges=[
        edge("apply", "urgent"),
        edge("urgent", "check", "否"),
        edge("check", "town"),
        edge("town", "public", "符合"),
        edge("public", "objection"),
        edge("objection", "approve", "无异议"),
        edge("approve", "done"),
        edge("town", "refuse", "不符合"),
        edge("refuse", "done"),
        edge("objection", "recheck", "有异议"),
        edge("recheck", "town", "重新审核"),
        edge("urgent", "first_aid", "是"),
        edge("first_aid", "done"),
    ],
)


def random_chart(count: int, seed: int, loops: int) -> model.Flowchart:
    """A DAG where each node follows a recent one, with long forward edges and some loops back."""
    rnd = random.Random(seed)
    nodes = [node(f"n{i}", f"第{i}步" + "办理" * rnd.randint(0, 8), Kind.DECISION if i % 5 == 3 else Kind.STEP) for i in range(count)]
    edges = [edge(f"n{rnd.randrange(max(0, i - 6), i)}", f"n{i}") for i in range(1, count)]
    edges += [edge(f"n{i}", f"n{rnd.randrange(i + 1, count)}", "是") for i in rnd.sample(range(count - 1), count // 3)]
    for _ in range(loops):
        later = rnd.randrange(1, count)
        edges.append(edge(f"n{later}", f"n{rnd.randrange(0, later)}", "退回"))
    return model.Flowchart(nodes=nodes, edges=edges)


# ------------------------------------------------------------------ well-formed charts


@pytest.mark.parametrize("scale", [1.0, 1.6, 2.2])
@pytest.mark.parametrize("chart", [FOUR_DELIBERATIONS, APPLICATION], ids=["four_deliberations", "application"])
def test_hand_made_charts_lay_out_cleanly(chart, scale):
    layout = lay_out(chart, scale)
    assert layout.problems == ()
    assert {box.node_id for box in layout.boxes} == {n.id for n in chart.nodes}
    assert len(layout.edges) == len(chart.edges)
    assert_clean(layout)


def test_every_demo_flowchart_lays_out_cleanly(demo):
    assert demo.power_items
    for item in demo.power_items:
        for scale in (1.0, 2.0):
            layout = lay_out(item.flowchart, scale)
            assert layout.problems == (), (item.name, layout.problems)
            assert boxes_overlap(layout) == [], item.name
            assert edges_crossing_boxes(layout) == [], item.name
            assert labels_over_boxes(layout) == [], item.name
            assert len(layout.boxes) == len(item.flowchart.nodes), item.name


def test_loop_back_goes_up_outside_the_boxes():
    layout = lay_out(FOUR_DELIBERATIONS)
    loops = [route for route in layout.edges if route.back]
    assert [(route.source, route.target, route.label) for route in loops] == [("resolve", "proposal", "不同意：退回重新提议")]
    (loop,) = loops
    right_of_every_box = max(box.x + box.w for box in layout.boxes)
    vertical = [(a, b) for a, b in pairwise(loop.points) if a[0] == b[0]]
    assert vertical and all(a[0] > right_of_every_box for a, _ in vertical)
    assert loop.points[0][1] > loop.points[-1][1]  # it runs upwards: y grows down
    assert loop.label_box is not None and loop.label_box[0] > right_of_every_box
    source, target = layout.box("resolve"), layout.box("proposal")
    assert loop.points[0][0] == pytest.approx(source.x + source.w)  # leaves by the right side ...
    assert loop.points[-1][0] == pytest.approx(target.x + target.w)  # ... and comes back in by it


def test_top_to_bottom_with_y_growing_down():
    layout = lay_out(FOUR_DELIBERATIONS)
    order = ["start", "proposal", "consult", "review", "resolve", "resolution_public", "implement", "result_public", "end"]
    tops = [layout.box(ident).y for ident in order]
    assert tops == sorted(tops) and tops[0] < tops[-1]
    assert [layout.box(ident).layer for ident in order] == list(range(len(order)))
    forward = next(route for route in layout.edges if route.source == "start")
    start, proposal = layout.box("start"), layout.box("proposal")
    assert forward.points[0] == pytest.approx((start.center_x, start.y + start.h))  # bottom centre
    assert forward.points[-1] == pytest.approx((proposal.center_x, proposal.y))  # top centre


def test_decision_box_is_taller_than_a_step_with_the_same_text():
    chart = model.Flowchart(nodes=[node("a", "同样的文字", Kind.STEP), node("b", "同样的文字", Kind.DECISION)], edges=[edge("a", "b")])
    layout = lay_out(chart)
    assert layout.box("b").h > layout.box("a").h
    assert layout.box("b").text_width < layout.box("a").text_width


def test_branches_sit_side_by_side_and_labels_exist():
    layout = lay_out(APPLICATION)
    public, refuse = layout.box("public"), layout.box("refuse")
    assert public.layer == refuse.layer and public.order != refuse.order
    labelled = [route for route in layout.edges if route.label]
    assert all(route.label_box is not None for route in labelled)
    assert all(route.label_box is None for route in layout.edges if not route.label)


def test_long_text_wraps_into_a_taller_box():
    short = lay_out(model.Flowchart(nodes=[node("a", "申请")], edges=[]))
    long = lay_out(model.Flowchart(nodes=[node("a", "申请" * 40)], edges=[]))
    assert long.box("a").h > short.box("a").h
    assert long.box("a").w <= 280


# ------------------------------------------------------------------ malformed charts


def test_edge_to_missing_node_is_dropped_with_a_message():
    chart = model.Flowchart(
        nodes=[node("a", "开始", Kind.START), node("b", "结束", Kind.END)],
        edges=[edge("a", "b"), edge("a", "ghost"), edge("nobody", "b")],
    )
    layout = lay_out(chart)
    assert [(route.source, route.target) for route in layout.edges] == [("a", "b")]
    assert layout.problems == ("有2条连线指向不存在的步骤，已略去",)
    assert_clean(layout)


def test_cycle_with_no_entry_still_renders():
    chart = model.Flowchart(
        nodes=[node("a", "甲"), node("b", "乙"), node("c", "丙", Kind.DECISION)],
        edges=[edge("a", "b"), edge("b", "c"), edge("c", "a", "否")],
    )
    layout = lay_out(chart)
    assert len(layout.boxes) == 3
    assert [route.back for route in layout.edges] == [False, False, True]
    assert layout.box("a").layer == 0  # drawn from the first node
    assert layout.problems == ("找不到开始的步骤，从第一个步骤画起",)
    assert_clean(layout)


def test_duplicate_ids_keep_the_first():
    chart = model.Flowchart(
        nodes=[node("a", "开始", Kind.START), node("a", "冒名的步骤"), node("b", "结束", Kind.END)],
        edges=[edge("a", "b")],
    )
    layout = lay_out(chart)
    assert [(box.node_id, box.label) for box in layout.boxes] == [("a", "开始"), ("b", "结束")]
    assert layout.problems == ("有1个步骤编号重复，只显示第一个",)


def test_self_loop_goes_round_the_side():
    chart = model.Flowchart(
        nodes=[
            node("a", "开始", Kind.START),
            node("b", "检查", Kind.DECISION),
            node("side", "另一条路上的步骤"),
            node("c", "结束", Kind.END),
        ],
        edges=[edge("a", "b"), edge("a", "side"), edge("b", "b", "不合格，再查"), edge("b", "c", "合格"), edge("side", "c")],
    )
    layout = lay_out(chart)
    (loop,) = [route for route in layout.edges if route.source == route.target]
    assert loop.back and loop.source == "b"
    assert max(x for x, _ in loop.points) > max(box.x + box.w for box in layout.boxes)
    assert layout.problems == ()
    assert_clean(layout)


def test_unreachable_steps_are_drawn_and_reported():
    chart = model.Flowchart(
        nodes=[node("a", "开始", Kind.START), node("b", "结束", Kind.END), node("x", "孤立的步骤"), node("y", "另一个")],
        edges=[edge("a", "b"), edge("x", "y"), edge("y", "x")],
    )
    layout = lay_out(chart)
    assert len(layout.boxes) == 4
    assert layout.problems == ("有2个步骤从开始走不到",)
    assert_clean(layout)


def test_empty_chart():
    layout = lay_out(model.Flowchart(nodes=[], edges=[edge("a", "b")]))
    assert (layout.boxes, layout.edges, layout.width, layout.height) == ((), (), 0.0, 0.0)
    assert layout.problems == ("有1条连线指向不存在的步骤，已略去", "这张流程图没有步骤")
    assert steps_of(model.Flowchart(nodes=[], edges=[])) == []


def test_single_node():
    layout = lay_out(model.Flowchart(nodes=[node("only", "到村委会办理")], edges=[]))
    (box,) = layout.boxes
    assert (box.node_id, box.layer, box.order) == ("only", 0, 0)
    assert layout.width >= box.x + box.w and layout.height >= box.y + box.h
    assert layout.problems == ()


def test_parallel_edges_become_one_arrow_with_both_labels():
    chart = model.Flowchart(
        nodes=[node("a", "审核", Kind.DECISION), node("b", "办理")], edges=[edge("a", "b", "符合"), edge("a", "b", "基本符合")]
    )
    (route,) = lay_out(chart).edges
    assert route.label == "符合／基本符合"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_hundred_nodes_with_loops(seed):
    chart = random_chart(200, seed, loops=6)
    layout = lay_out(chart)
    assert len(layout.boxes) == 200
    assert len(layout.edges) == len({(e.source, e.target) for e in chart.edges})
    assert sum(route.back for route in layout.edges) >= 1
    assert layout.problems == ()
    assert boxes_overlap(layout) == []
    assert edges_crossing_boxes(layout) == []
    assert len(steps_of(chart)) == 200


# ------------------------------------------------------------------ the checks themselves


def _box(ident: str, x: float, y: float, w: float = 100, h: float = 40) -> Box:
    return Box(ident, Kind.STEP, ident, "", x, y, w, h, 0, 0, w)


def test_checks_catch_overlaps_and_crossings():
    # a and b overlap; a and d only touch; c is clear of all.
    boxes = (_box("a", 0, 0), _box("b", 50, 20), _box("c", 0, 100), _box("d", -100, 0))
    assert boxes_overlap(ChartLayout(boxes, (), 300, 200, ())) == [("a", "b")]
    boxes = (_box("a", 0, 0), _box("b", 50, 20), _box("c", 0, 100), _box("d", 200, 0))
    through = EdgeRoute("a", "c", "", ((20, 50), (250, 50), (250, 10)), False, None)  # across b, then up through d
    assert edges_crossing_boxes(ChartLayout(boxes, (through,), 300, 200, ())) == [("a", "c", "b"), ("a", "c", "d")]
    along = EdgeRoute("a", "c", "是", ((50, 20), (150, 20)), False, (120, 45, 20, 10))  # on b's top border; label inside b
    layout = ChartLayout(boxes, (along,), 300, 200, ())
    assert edges_crossing_boxes(layout) == []
    assert labels_over_boxes(layout) == [("a", "c", "b")]


# ------------------------------------------------------------------ steps


def test_steps_read_each_branch_to_its_end():
    steps = steps_of(APPLICATION)
    assert [step.node_id for step in steps] == [
        "apply",
        "urgent",
        "check",
        "town",
        "public",
        "objection",
        "approve",
        "recheck",
        "refuse",
        "first_aid",
        "done",
    ]
    assert [step.number for step in steps] == list(range(1, 12))
    by_id = {step.node_id: step for step in steps}
    assert [b.text for b in by_id["urgent"].branches] == ["否 → 转到第3步", "是 → 转到第10步"]
    assert [b.text for b in by_id["objection"].branches] == ["无异议 → 转到第7步", "有异议 → 转到第8步"]
    assert [b.text for b in by_id["recheck"].branches] == ["重新审核 → 回到第4步"]
    assert [(b.label, b.target_number) for b in by_id["refuse"].branches] == [("", 11)]
    assert by_id["check"].branches == ()  # simply the next step
    assert by_id["first_aid"].detail == "急难情况先救助，再补办手续。"
    assert by_id["done"].kind is Kind.END and by_id["done"].branches == ()


def test_steps_of_four_deliberations():
    steps = steps_of(FOUR_DELIBERATIONS)
    assert [(step.number, step.label) for step in steps][:5] == [
        (1, "收集党员、群众意见建议"),
        (2, "党支部会议提议"),
        (3, "村两委会议商议"),
        (4, "党员大会审议"),
        (5, "村民会议或村民代表会议决议"),
    ]
    assert [b.text for b in steps[4].branches] == ["同意 → 转到第6步", "不同意：退回重新提议 → 回到第2步"]
    assert steps[-1].label == "资料归档备查" and steps[-1].number == 9


def test_every_forward_arrow_goes_to_a_later_step():
    chart = random_chart(60, seed=7, loops=4)
    number = {step.node_id: step.number for step in steps_of(chart)}
    loops = {(route.source, route.target) for route in lay_out(chart).edges if route.back}
    for e in chart.edges:
        if (e.source, e.target) not in loops:
            assert number[e.source] < number[e.target]


# ------------------------------------------------------------------ cache


def test_cache_lays_out_once_per_chart_scale_and_width():
    cache = ChartLayoutCache(max_entries=2)
    calls = []

    def measure(text, width):
        calls.append(text)
        return measurer()(text, width)

    def get(chart, scale=1.0, width=280.0):
        return cache.layout("four", chart, measure, font_scale=scale, max_box_width=width, gap_x=40, gap_y=40)

    first = get(FOUR_DELIBERATIONS)
    measured = len(calls)
    assert get(FOUR_DELIBERATIONS) is first and len(calls) == measured  # no new measuring
    bigger = get(FOUR_DELIBERATIONS, scale=1.5)
    assert bigger is not first
    assert get(FOUR_DELIBERATIONS, scale=1.5) is bigger
    # A new snapshot brings a new chart object under the same id: laid out afresh.
    renewed = model.Flowchart(nodes=list(FOUR_DELIBERATIONS.nodes), edges=list(FOUR_DELIBERATIONS.edges))
    assert get(renewed) is not first
    # Bounded: the oldest entry is dropped.
    get(FOUR_DELIBERATIONS, width=300.0)
    assert get(FOUR_DELIBERATIONS, scale=1.5) is not bigger
