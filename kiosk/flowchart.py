"""Layout of a power's flowchart: layered, top to bottom (Sugiyama style).

The feed carries each flowchart as a graph (``model.Flowchart``); the
terminal draws it natively, so it needs a layout: where each box goes and
which path each arrow takes. This module computes it once per chart (see
``ChartLayoutCache``) with no Kivy: the UI passes a ``measure`` function for
its font and draws what comes back.

Coordinates: x grows to the right and **y grows DOWN** from 0 at the top of
the chart, as on paper; the UI flips y for Kivy. Units are whatever
``measure`` returns (pixels in the UI).

The steps:
1. clean the graph: duplicate node ids and edges to missing nodes become
   ``problems`` (plain Chinese messages) instead of errors; parallel edges
   become one arrow;
2. find the start (a ``start`` node, else nodes nothing points to, else the
   first node -- a cycle with no entry still renders) and walk the graph
   depth first; an edge back to a node still on the walk is a *loop back*
   (e.g. 不同意 -> 退回重新提议);
3. layers by longest path over the forward edges; an edge spanning several
   layers gets a *dummy* slot in each layer between, so it runs in a gap
   between boxes rather than through them;
4. order within layers by barycenter sweeps, keeping the order with the
   fewest crossings;
5. x: each item as close as possible to the mean of its neighbours in the
   layer above / below, without breaking the order or the minimum gap
   (isotonic regression, pool-adjacent-violators); then long edges and
   simple successions are straightened where the gaps allow;
6. route: forward edges leave a box at its bottom centre and enter at the
   top centre; any sideways run happens on a *track* in the gap between two
   layers (shared by the runs of one fork or one join). Loops back run up a
   *lane* of their own to the right of every box in the chart. So no edge
   crosses a box by construction, and ``edges_crossing_boxes`` checks it.

``steps_of`` reads the same chart as numbered steps, for those who find
diagrams hard and for reading aloud.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from kiosk import model

Measure = Callable[[str, float], tuple[float, float]]
"""measure(text, max_width) -> (width, height) the text needs wrapped at that width."""

Point = tuple[float, float]

_SWEEPS = 4  # at most this many rounds of barycenter sweeps (down, then up)
_PLACEMENT_ROUNDS = 2  # down+up rounds of neighbour-pulling x placement
_DECISION_TEXT_SHARE = 0.7  # a decision's text gets this share of the width; the rest is its pointed sides
_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class Box:
    node_id: str
    kind: model.NodeKind
    label: str
    detail: str
    x: float  # left
    y: float  # top (y grows down)
    w: float
    h: float
    layer: int
    order: int  # position within the layer, left to right, counting boxes only
    text_width: float  # the width the label was measured at: wrap it at this width to get the same height

    @property
    def center_x(self) -> float:
        return self.x + self.w / 2

    @property
    def center_y(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True, slots=True)
class EdgeRoute:
    source: str
    target: str
    label: str
    points: tuple[Point, ...]  # polyline from the source box's border to the target box's border
    back: bool  # a loop back (drawn up the right-hand side), including a node pointing at itself
    label_box: tuple[float, float, float, float] | None  # (x, y, w, h) for the label text; None without a label


@dataclass(frozen=True, slots=True)
class ChartLayout:
    boxes: tuple[Box, ...]
    edges: tuple[EdgeRoute, ...]
    width: float
    height: float
    problems: tuple[str, ...]  # what was wrong with the chart and how it was shown anyway

    def box(self, node_id: str) -> Box:
        for box in self.boxes:
            if box.node_id == node_id:
                return box
        raise KeyError(node_id)


@dataclass(frozen=True, slots=True)
class Branch:
    label: str
    target_number: int
    text: str  # e.g. "不同意 → 回到第1步"


@dataclass(frozen=True, slots=True)
class Step:
    number: int  # 1-based, in reading order (see steps_of)
    node_id: str
    kind: model.NodeKind
    label: str
    detail: str
    branches: tuple[Branch, ...]  # only where the way on is not simply "the next step"


# ------------------------------------------------------------------ topology


@dataclass(frozen=True, slots=True)
class _Edge:
    source: int
    target: int
    label: str
    back: bool = False


@dataclass
class _Arrangement:
    """The chart's topology, laid out in layers; no sizes yet.

    Slots are the items of the layers: 0..len(nodes)-1 are the nodes, higher
    numbers are dummies that carry a long edge through a layer."""

    nodes: list[model.FlowNode]
    edges: list[_Edge]
    problems: list[str]
    layer_of: list[int]  # per slot
    rows: list[list[int]]  # slots per layer, left to right
    chains: list[list[int]]  # per edge: the slots it passes, source first (forward edges only; [] for back)
    above: list[list[int]]  # per slot: the slots it is linked to in the layer above
    below: list[list[int]]  # ... and in the layer below
    roots: list[int]  # the nodes the depth-first walk started from, start first


def _clean(chart: model.Flowchart) -> tuple[list[model.FlowNode], list[_Edge], list[str]]:
    problems: list[str] = []
    nodes: list[model.FlowNode] = []
    index: dict[str, int] = {}
    duplicates = 0
    for node in chart.nodes:
        if node.id in index:
            duplicates += 1
            continue
        index[node.id] = len(nodes)
        nodes.append(node)
    if duplicates:
        problems.append(f"有{duplicates}个步骤编号重复，只显示第一个")

    labels: dict[tuple[int, int], list[str]] = {}
    dangling = 0
    for edge in chart.edges:
        if edge.source not in index or edge.target not in index:
            dangling += 1
            continue
        found = labels.setdefault((index[edge.source], index[edge.target]), [])
        if edge.label and edge.label not in found:
            found.append(edge.label)
    if dangling:
        problems.append(f"有{dangling}条连线指向不存在的步骤，已略去")
    # Parallel edges would be drawn on top of each other: one arrow with both labels.
    edges = [_Edge(source, target, "／".join(found)) for (source, target), found in labels.items()]
    if not nodes:
        problems.append("这张流程图没有步骤")
    return nodes, edges, problems


def _mark_loops_back(nodes: list[model.FlowNode], edges: list[_Edge], problems: list[str]) -> tuple[list[_Edge], list[int], list[int]]:
    """Flag the edges that go back to a node still on the depth-first walk;
    also the walk's order and the nodes it started from."""
    count = len(nodes)
    outgoing: list[list[int]] = [[] for _ in range(count)]
    has_incoming = [False] * count
    for number, edge in enumerate(edges):
        outgoing[edge.source].append(number)
        if edge.source != edge.target:
            has_incoming[edge.target] = True
    starts = [i for i, node in enumerate(nodes) if node.kind is model.NodeKind.START]
    starts = starts or [i for i in range(count) if not has_incoming[i]]
    if not starts and count:
        problems.append("找不到开始的步骤，从第一个步骤画起")
        starts = [0]

    state = [0] * count  # 0 unseen, 1 on the walk, 2 done
    walk: list[int] = []
    roots: list[int] = []
    back = [False] * len(edges)
    reached_from_start = 0
    for root in [*starts, *range(count)]:  # then whatever the starts do not reach
        if state[root]:
            continue
        state[root] = 1
        walk.append(root)
        roots.append(root)
        stack = [(root, iter(outgoing[root]))]
        while stack:
            node, pending = stack[-1]
            for number in pending:
                target = edges[number].target
                if state[target] == 1:
                    back[number] = True
                elif state[target] == 0:
                    state[target] = 1
                    walk.append(target)
                    stack.append((target, iter(outgoing[target])))
                    break
            else:
                state[node] = 2
                stack.pop()
        if root in starts:
            reached_from_start = len(walk)
    unreachable = count - reached_from_start
    if unreachable:
        problems.append(f"有{unreachable}个步骤从开始走不到")
    return [_Edge(e.source, e.target, e.label, back[n]) for n, e in enumerate(edges)], walk, roots


def _layers(count: int, edges: list[_Edge]) -> list[int]:
    """Longest-path layering over the forward edges (which form a DAG once loops back are set aside)."""
    successors: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    for edge in edges:
        if not edge.back:
            successors[edge.source].append(edge.target)
            indegree[edge.target] += 1
    layer = [0] * count
    ready = deque(i for i in range(count) if indegree[i] == 0)
    while ready:
        node = ready.popleft()
        for target in successors[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return layer


def _arrange(chart: model.Flowchart) -> _Arrangement:
    nodes, edges, problems = _clean(chart)
    edges, walk, roots = _mark_loops_back(nodes, edges, problems)
    layer_of = _layers(len(nodes), edges)
    rank = {node: position for position, node in enumerate(walk)}  # first order: the walk's

    # Dummies: an edge over several layers passes one slot per layer between.
    chains: list[list[int]] = []
    sort_key: list[float] = [float(rank[i]) for i in range(len(nodes))]
    for edge in edges:
        if edge.back:
            chains.append([])
            continue
        chain = [edge.source]
        for layer in range(layer_of[edge.source] + 1, layer_of[edge.target]):
            chain.append(len(layer_of))
            layer_of.append(layer)
            sort_key.append(rank[edge.source] + 0.5)
        chain.append(edge.target)
        chains.append(chain)

    rows: list[list[int]] = [[] for _ in range(max(layer_of, default=-1) + 1)]
    for slot in sorted(range(len(layer_of)), key=sort_key.__getitem__):
        rows[layer_of[slot]].append(slot)
    above: list[list[int]] = [[] for _ in layer_of]
    below: list[list[int]] = [[] for _ in layer_of]
    for chain in chains:
        for upper, lower in pairwise(chain):
            below[upper].append(lower)
            above[lower].append(upper)
    rows = _reduce_crossings(rows, above, below)
    return _Arrangement(nodes, edges, problems, layer_of, rows, chains, above, below, roots)


def _reduce_crossings(rows: list[list[int]], above: list[list[int]], below: list[list[int]]) -> list[list[int]]:
    """Rounds of barycenter sweeps down and up while they remove crossings."""
    best, best_crossings = [row[:] for row in rows], _crossings(rows, below)
    for _ in range(_SWEEPS):
        if best_crossings == 0:
            break
        for layer in range(1, len(rows)):
            _sort_by_barycenter(rows[layer], rows[layer - 1], above)
        for layer in range(len(rows) - 2, -1, -1):
            _sort_by_barycenter(rows[layer], rows[layer + 1], below)
        crossings = _crossings(rows, below)
        if crossings >= best_crossings:
            break  # a round that does not help is rarely followed by one that does
        best, best_crossings = [row[:] for row in rows], crossings
    return best


def _sort_by_barycenter(row: list[int], reference: list[int], neighbours: list[list[int]]) -> None:
    """Order a layer by the mean position of each slot's neighbours in the reference layer;
    a slot without neighbours there keeps its place."""
    position = {slot: i for i, slot in enumerate(reference)}
    current = {slot: i for i, slot in enumerate(row)}

    def barycenter(slot: int) -> tuple[float, int]:
        linked = neighbours[slot]
        return (sum(position[n] for n in linked) / len(linked) if linked else current[slot]), current[slot]

    row.sort(key=barycenter)


def _crossings(rows: list[list[int]], below: list[list[int]]) -> int:
    total = 0
    for upper, lower in pairwise(rows):
        position = {slot: i for i, slot in enumerate(lower)}
        ends = sorted((i, position[target]) for i, slot in enumerate(upper) for target in below[slot])
        seen: list[int] = []
        for _, end in ends:  # count pairs that end in the opposite order to their start
            total += len(seen) - bisect.bisect_right(seen, end)
            bisect.insort(seen, end)
    return total


# ------------------------------------------------------------------ geometry


def _place(rows: list[list[int]], widths: list[float], gap_x: float, above: list[list[int]], below: list[list[int]]) -> list[float]:
    """Centre x of every slot: near its neighbours' mean, order and minimum gaps kept."""
    centre = [0.0] * len(widths)
    for row in rows:  # start: each layer packed and centred on 0
        total = sum(widths[slot] for slot in row) + gap_x * (len(row) - 1)
        left = -total / 2
        for slot in row:
            centre[slot] = left + widths[slot] / 2
            left += widths[slot] + gap_x
    for _ in range(_PLACEMENT_ROUNDS):
        for layer_rows, neighbours in ((rows[1:], above), (rows[-2::-1], below)):
            for row in layer_rows:
                wanted = [
                    sum(centre[n] for n in neighbours[slot]) / len(neighbours[slot]) if neighbours[slot] else centre[slot] for slot in row
                ]
                for slot, x in zip(row, _closest_in_order(wanted, [widths[slot] for slot in row], gap_x), strict=False):
                    centre[slot] = x
    return centre


def _straighten(arranged: _Arrangement, centre: list[float], widths: list[float], gap_x: float) -> None:
    """Straighten what the neighbour-pulling left slightly bent, where the gaps allow:
    a long edge's dummies onto one vertical line, and a box with a single way
    on and in right under its one predecessor."""
    rows, layer_of = arranged.rows, arranged.layer_of
    index_in_row = {slot: i for row in rows for i, slot in enumerate(row)}

    def fits(slot: int, x: float) -> bool:
        row, i = rows[layer_of[slot]], index_in_row[slot]
        half = widths[slot] / 2
        left_ok = i == 0 or centre[row[i - 1]] + widths[row[i - 1]] / 2 + gap_x <= x - half + _EPSILON
        right_ok = i == len(row) - 1 or x + half + gap_x <= centre[row[i + 1]] - widths[row[i + 1]] / 2 + _EPSILON
        return left_ok and right_ok

    for chain in arranged.chains:
        dummies = chain[1:-1]
        if not dummies:
            continue
        for x in (centre[chain[0]], centre[chain[-1]], centre[dummies[0]], centre[dummies[-1]]):
            if all(fits(slot, x) for slot in dummies):
                for slot in dummies:
                    centre[slot] = x
                break
    for row in rows[1:]:
        for lower in row:
            if len(arranged.above[lower]) != 1:
                continue
            upper = arranged.above[lower][0]
            if arranged.below[upper] == [lower] and abs(centre[upper] - centre[lower]) > _EPSILON:
                if fits(lower, centre[upper]):
                    centre[lower] = centre[upper]
                elif fits(upper, centre[lower]):
                    centre[upper] = centre[lower]


def _closest_in_order(wanted: list[float], widths: list[float], gap: float) -> list[float]:
    """Positions as close as possible (least squares) to ``wanted`` keeping each
    item at least its half widths plus ``gap`` right of the one before.

    Shifting item i left by the room the items before it need makes the
    constraint "non-decreasing", which pool-adjacent-violators solves exactly."""
    offsets, offset = [], 0.0
    for i, width in enumerate(widths):
        if i:
            offset += widths[i - 1] / 2 + gap + width / 2
        offsets.append(offset)
    blocks: list[list[float]] = []  # [mean, count]
    for want, offset in zip(wanted, offsets, strict=False):
        blocks.append([want - offset, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            previous = blocks[-1]
            previous[0] = (previous[0] * previous[1] + mean * count) / (previous[1] + count)
            previous[1] += count
    values = [mean for mean, count in blocks for _ in range(int(count))]
    return [value + offset for value, offset in zip(values, offsets, strict=False)]


def _box_size(
    node: model.FlowNode, measure: Measure, max_box_width: float, min_box_width: float, padding: float
) -> tuple[float, float, float]:
    """(w, h, text_width) of a node's box. A decision is taller and leaves room
    left and right for a pointed outline (diamond-ish or hexagon: the UI's choice)."""
    if node.kind is model.NodeKind.DECISION:
        text_width = max(1.0, (max_box_width - 2 * padding) * _DECISION_TEXT_SHARE)
        text_w, text_h = measure(node.label, text_width)
        width = text_w / _DECISION_TEXT_SHARE + 2 * padding
        return max(width, min_box_width), text_h + 4 * padding, text_width
    text_width = max(1.0, max_box_width - 2 * padding)
    text_w, text_h = measure(node.label, text_width)
    return max(text_w + 2 * padding, min_box_width), text_h + 2 * padding, text_width


class _Gap:
    """The band between two layers: sideways runs on tracks of their own, then edge labels."""

    def __init__(self) -> None:
        self.tracks: dict[tuple, int] = {}
        self.label_height = 0.0
        self.top = 0.0
        self.step = 0.0

    def track(self, key: tuple) -> None:
        self.tracks.setdefault(key, len(self.tracks))

    def height(self, minimum: float, step: float) -> float:
        self.step = step
        used = step * (len(self.tracks) + 1) + (self.label_height + step / 2 if self.label_height else 0.0)
        return max(minimum, used)

    def track_y(self, key: tuple) -> float:
        return self.top + self.step * (self.tracks[key] + 1)

    @property
    def label_y(self) -> float:
        return self.top + self.step * (len(self.tracks) + 1) - self.step / 2


@dataclass
class _Frame:
    """Where every slot, layer and gap ended up: what routing needs."""

    arranged: _Arrangement
    centre: list[float]  # x of each slot's centre
    boxes: dict[int, Box]  # by node slot
    band_top: list[float]  # per layer
    band_height: list[float]
    gaps: list[_Gap]  # gap g is above layer g; the last one is below the last layer
    rightmost: set[int]  # the last slot of each layer
    step: float  # spacing of tracks, and of a label from its line


def layout_chart(
    chart: model.Flowchart,
    measure: Measure,
    *,
    max_box_width: float,
    gap_x: float,
    gap_y: float,
    padding: float | None = None,
    min_box_width: float | None = None,
) -> ChartLayout:
    """Lay the chart out top to bottom. Never raises on a malformed chart:
    what is wrong goes into ``problems`` and the rest is drawn.

    ``padding`` (around the text inside a box) defaults to a quarter of
    ``gap_x``; ``min_box_width`` (so a column of short steps lines up) to
    half of ``max_box_width``. Edge labels are measured at half of
    ``max_box_width``."""
    padding = gap_x / 4 if padding is None else padding
    min_box_width = max_box_width / 2 if min_box_width is None else min_box_width
    arranged = _arrange(chart)
    nodes, rows = arranged.nodes, arranged.rows
    if not nodes:
        return ChartLayout((), (), 0.0, 0.0, tuple(arranged.problems))

    sizes = [_box_size(node, measure, max_box_width, min_box_width, padding) for node in nodes]
    widths = [size[0] for size in sizes] + [0.0] * (len(arranged.layer_of) - len(nodes))
    centre = _place(rows, widths, gap_x, arranged.above, arranged.below)
    _straighten(arranged, centre, widths, gap_x)
    margin = gap_x / 2
    shift = margin - min(centre[slot] - widths[slot] / 2 for row in rows for slot in row)
    centre = [x + shift for x in centre]
    rightmost = {row[-1] for row in rows}
    label_sizes = [measure(edge.label, max_box_width / 2) if edge.label else (0.0, 0.0) for edge in arranged.edges]
    gaps = _plan_gaps(arranged, centre, rightmost, label_sizes)

    # y: gaps and layers from the top down; boxes centred in their layer's band.
    step = max(gap_y / 4, 2.0)
    band_top: list[float] = []
    band_height = [max((sizes[slot][1] for slot in row if slot < len(nodes)), default=0.0) for row in rows]
    y = 0.0
    for layer, gap in enumerate(gaps):
        gap.top = y
        y += gap.height(margin if layer in (0, len(rows)) else gap_y, step)
        if layer < len(rows):
            band_top.append(y)
            y += band_height[layer]
    boxes: dict[int, Box] = {}
    for layer, row in enumerate(rows):
        for order, slot in enumerate(slot for slot in row if slot < len(nodes)):
            node, (w, h, text_width) = nodes[slot], sizes[slot]
            top = band_top[layer] + (band_height[layer] - h) / 2
            boxes[slot] = Box(node.id, node.kind, node.label, node.detail, centre[slot] - w / 2, top, w, h, layer, order, text_width)
    frame = _Frame(arranged, centre, boxes, band_top, band_height, gaps, rightmost, step)

    # Loops back: one lane each right of every box, the shortest innermost so
    # that loops do not cross each other's lanes; each lane's label to its right.
    lane_x = max(centre[slot] + widths[slot] / 2 for row in rows for slot in row) + margin
    lanes: dict[int, float] = {}
    for number in sorted((n for n, e in enumerate(arranged.edges) if e.back), key=lambda n: _span(arranged.edges[n], arranged.layer_of)):
        lanes[number] = lane_x
        label_w = label_sizes[number][0]
        lane_x += margin + (label_w + step if label_w else 0.0)
    width = lane_x

    routes: list[EdgeRoute] = []
    for number, edge in enumerate(arranged.edges):
        if edge.back:
            points, routed_box = _route_back(frame, number, lanes[number], label_sizes[number])
        else:
            points, routed_box = _route_forward(frame, number, label_sizes[number])
        label_box = None
        if edge.label:
            label_box = routed_box
            width = max(width, label_box[0] + label_box[2] + step)
        routes.append(EdgeRoute(nodes[edge.source].id, nodes[edge.target].id, edge.label, _simplify(points), edge.back, label_box))
    return ChartLayout(
        tuple(boxes[slot] for row in rows for slot in row if slot in boxes), tuple(routes), width, y, tuple(arranged.problems)
    )


def _plan_gaps(arranged: _Arrangement, centre: list[float], rightmost: set[int], label_sizes: list[tuple[float, float]]) -> list[_Gap]:
    """Which sideways runs and labels each gap between layers carries."""
    layer_of = arranged.layer_of
    gaps = [_Gap() for _ in range(len(arranged.rows) + 1)]
    for number, (edge, chain) in enumerate(zip(arranged.edges, arranged.chains, strict=False)):
        if edge.back:
            if edge.source not in rightmost:
                gaps[layer_of[edge.source] + 1].track(("out", number))
            if edge.target not in rightmost:
                gaps[layer_of[edge.target]].track(("in", number))
            continue
        for upper, lower in pairwise(chain):
            if abs(centre[upper] - centre[lower]) > _EPSILON:
                gaps[layer_of[lower]].track(_track_key(arranged, number, upper, lower))
        if edge.label:
            gap = gaps[layer_of[edge.source] + 1]
            gap.label_height = max(gap.label_height, label_sizes[number][1])
    return gaps


def _span(edge: _Edge, layer_of: list[int]) -> int:
    return layer_of[edge.source] - layer_of[edge.target]


def _track_key(arranged: _Arrangement, number: int, upper: int, lower: int) -> tuple[str, int]:
    """Which track the run of edge ``number`` from ``upper`` to ``lower`` takes.

    Runs out of one slot share a track (a fork); runs into one slot from
    slots with a single way on share one too (a join), except the first run
    of a labelled edge, whose label sits beside its own run."""
    joins = len(arranged.below[upper]) == 1 and len(arranged.above[lower]) > 1
    if joins and not (arranged.edges[number].label and upper == arranged.chains[number][0]):
        return ("join", lower)
    return ("fork", upper)


def _route_forward(frame: _Frame, number: int, label_size: tuple[float, float]) -> tuple[list[Point], tuple[float, float, float, float]]:
    """Down from the source's bottom centre, sideways only on a gap's track, into the target's top centre."""
    chain, layer_of, centre = frame.arranged.chains[number], frame.arranged.layer_of, frame.centre
    label_w, label_h = label_size
    first = frame.boxes[chain[0]]
    points: list[Point] = [(first.center_x, first.y + first.h)]
    label_box = None
    for upper, lower in pairwise(chain):
        gap = frame.gaps[layer_of[lower]]
        x_from, x_to = centre[upper], centre[lower]
        if abs(x_from - x_to) > _EPSILON:
            y = gap.track_y(_track_key(frame.arranged, number, upper, lower))
            points += [(x_from, y), (x_to, y)]
        if label_box is None:  # beside the first downward run after any fork, on the side it turns to
            label_x = x_to - frame.step - label_w if x_to < x_from - _EPSILON else x_to + frame.step
            label_box = (label_x if label_x >= 0 else x_to + frame.step, gap.label_y, label_w, label_h)
        lower_box = frame.boxes.get(lower)
        if lower_box is not None:
            points.append((x_to, lower_box.y))
        else:  # a dummy: straight through its layer
            layer = layer_of[lower]
            points += [(x_to, frame.band_top[layer]), (x_to, frame.band_top[layer] + frame.band_height[layer])]
    assert label_box is not None  # a chain has at least one run
    return points, label_box


def _route_back(
    frame: _Frame, number: int, lane: float, label_size: tuple[float, float]
) -> tuple[list[Point], tuple[float, float, float, float]]:
    """Out of the source, up its lane right of every box, into the target.

    A box with nothing to its right is left / entered through its right
    side; otherwise through its bottom / top (at three quarters of its width,
    clear of the forward arrows at the centre) and along a gap's track."""
    edge, layer_of = frame.arranged.edges[number], frame.arranged.layer_of
    source, target = frame.boxes[edge.source], frame.boxes[edge.target]
    self_loop = edge.source == edge.target
    points: list[Point] = []
    if edge.source in frame.rightmost:
        exit_y = source.center_y + (source.h / 4 if self_loop else 0.0)
        points += [(source.x + source.w, exit_y), (lane, exit_y)]
    else:
        x = source.x + source.w * 0.75
        y = frame.gaps[layer_of[edge.source] + 1].track_y(("out", number))
        points += [(x, source.y + source.h), (x, y), (lane, y)]
    if edge.target in frame.rightmost:
        entry_y = target.center_y - (target.h / 4 if self_loop else 0.0)
        points += [(lane, entry_y), (target.x + target.w, entry_y)]
    else:
        x = target.x + target.w * 0.75
        y = frame.gaps[layer_of[edge.target]].track_y(("in", number))
        points += [(lane, y), (x, y), (x, target.y)]
    label_w, label_h = label_size
    middle = (points[1][1] + points[-2][1]) / 2  # half way up the lane
    return points, (lane + frame.step, middle - label_h / 2, label_w, label_h)


def _simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear ones."""
    kept: list[Point] = []
    for point in points:
        if kept and abs(point[0] - kept[-1][0]) < _EPSILON and abs(point[1] - kept[-1][1]) < _EPSILON:
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            if abs((bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)) < _EPSILON:
                kept[-1] = point
                continue
        kept.append(point)
    return tuple(kept)


# ------------------------------------------------------------------ steps


def steps_of(chart: model.Flowchart) -> list[Step]:
    """The chart read as numbered steps: for the step list view and for reading aloud.

    The order follows the arrows of the layout (every forward arrow goes to a
    later number, so "回到" means exactly a loop back) and reads one branch to
    its end before the next, in the order the feed lists the arrows -- rather
    than layer by layer, which would interleave two branches step by step."""
    arranged = _arrange(chart)
    ordered = _reading_order(arranged)
    number_of = {slot: i + 1 for i, slot in enumerate(ordered)}
    outgoing: dict[int, list[_Edge]] = {}
    for edge in arranged.edges:
        outgoing.setdefault(edge.source, []).append(edge)
    steps = []
    for slot in ordered:
        number = number_of[slot]
        edges = outgoing.get(slot, [])  # in the feed's order: the author's "同意" before "不同意"
        plain = len(edges) == 1 and not edges[0].label and number_of[edges[0].target] == number + 1
        branches = () if plain else tuple(_branch(edge.label, number, number_of[edge.target]) for edge in edges)
        node = arranged.nodes[slot]
        steps.append(Step(number, node.id, node.kind, node.label, node.detail, branches))
    return steps


def _reading_order(arranged: _Arrangement) -> list[int]:
    """Reverse post-order of a depth-first walk over the forward edges, taking
    each node's edges in reverse: the first-listed branch ends up read first."""
    forward: list[list[int]] = [[] for _ in arranged.nodes]
    for edge in arranged.edges:
        if not edge.back:
            forward[edge.source].append(edge.target)
    done = [False] * len(arranged.nodes)
    finished: list[int] = []
    for root in reversed(arranged.roots):  # reversed again below: the start comes first
        if done[root]:
            continue
        done[root] = True
        stack = [(root, reversed(forward[root]))]
        while stack:
            node, pending = stack[-1]
            for target in pending:
                if not done[target]:
                    done[target] = True
                    stack.append((target, reversed(forward[target])))
                    break
            else:
                finished.append(node)
                stack.pop()
    return finished[::-1]


def _branch(label: str, number: int, target_number: int) -> Branch:
    where = f"回到第{target_number}步" if target_number <= number else f"转到第{target_number}步"
    return Branch(label, target_number, f"{label} → {where}" if label else where)


# ------------------------------------------------------------------ cache


class ChartLayoutCache:
    """Layouts computed once per (chart id, font scale, max box width), not per frame.

    The gaps and padding are taken to follow the font scale, so they are not
    part of the key. A cached layout is reused only for the very same chart
    object, so after a new snapshot is swapped in, a chart with a reused id
    is laid out afresh."""

    def __init__(self, max_entries: int = 64):
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple[model.Flowchart, ChartLayout]] = OrderedDict()

    def layout(
        self,
        chart_id: str,
        chart: model.Flowchart,
        measure: Measure,
        *,
        font_scale: float,
        max_box_width: float,
        gap_x: float,
        gap_y: float,
        padding: float | None = None,
    ) -> ChartLayout:
        key = (chart_id, font_scale, max_box_width)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is chart:
            self._entries.move_to_end(key)
            return entry[1]
        layout = layout_chart(chart, measure, max_box_width=max_box_width, gap_x=gap_x, gap_y=gap_y, padding=padding)
        self._entries[key] = (chart, layout)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return layout

    def clear(self) -> None:
        self._entries.clear()


# ------------------------------------------------------------------ checks


def boxes_overlap(layout: ChartLayout) -> list[tuple[str, str]]:
    """Pairs of boxes whose rectangles overlap (touching edges do not count)."""
    found = []
    boxes = sorted(layout.boxes, key=lambda box: box.x)
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            if second.x >= first.x + first.w - _EPSILON:
                break  # sorted by x: no later box can reach back to this one
            if _rects_overlap((first.x, first.y, first.w, first.h), (second.x, second.y, second.w, second.h)):
                found.append((first.node_id, second.node_id))
    return found


def edges_crossing_boxes(layout: ChartLayout) -> list[tuple[str, str, str]]:
    """(source, target, node id) for every edge that passes through a box it neither starts nor ends at."""
    found = []
    for edge in layout.edges:
        for box in layout.boxes:
            if box.node_id in (edge.source, edge.target):
                continue
            rect = (box.x, box.y, box.w, box.h)
            if any(_segment_enters(a, b, rect) for a, b in pairwise(edge.points)):
                found.append((edge.source, edge.target, box.node_id))
    return found


def labels_over_boxes(layout: ChartLayout) -> list[tuple[str, str, str]]:
    """(source, target, node id) for every edge label that covers a box."""
    return [
        (edge.source, edge.target, box.node_id)
        for edge in layout.edges
        if edge.label_box is not None
        for box in layout.boxes
        if _rects_overlap(edge.label_box, (box.x, box.y, box.w, box.h))
    ]


def _rects_overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw - _EPSILON and bx < ax + aw - _EPSILON and ay < by + bh - _EPSILON and by < ay + ah - _EPSILON


def _segment_enters(a: Point, b: Point, rect: Sequence[float]) -> bool:
    """Does segment a-b pass through the inside of the rectangle? (Liang-Barsky clipping.)"""
    x, y, w, h = rect
    low, high = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x), (dx, x + w - a[0]), (-dy, a[1] - y), (dy, y + h - a[1])):
        q -= _EPSILON  # strictly inside: running along a border is not crossing
        if abs(p) < _EPSILON:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return high - low > _EPSILON
