"""A small vocabulary for writing flowcharts as readable data.

A chart is a list of nodes plus *paths*: each path is a sequence of node
ids linked in order; an element ``("label", "node")`` labels the edge into
that node (used for the branches out of a decision). Extra edges, such as a
loop back to an earlier step, are listed as ``(from, to, label)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kiosk import model

PathStep = str | tuple[str, str]


def start(node_id: str, label: str, detail: str = "") -> model.FlowNode:
    return model.FlowNode(id=node_id, kind=model.NodeKind.START, label=label, detail=detail)


def step(node_id: str, label: str, detail: str = "") -> model.FlowNode:
    return model.FlowNode(id=node_id, kind=model.NodeKind.STEP, label=label, detail=detail)


def decide(node_id: str, label: str, detail: str = "") -> model.FlowNode:
    return model.FlowNode(id=node_id, kind=model.NodeKind.DECISION, label=label, detail=detail)


def publish(node_id: str, label: str, detail: str = "") -> model.FlowNode:
    return model.FlowNode(id=node_id, kind=model.NodeKind.PUBLICITY, label=label, detail=detail)


def end(node_id: str, label: str, detail: str = "") -> model.FlowNode:
    return model.FlowNode(id=node_id, kind=model.NodeKind.END, label=label, detail=detail)


def chart(nodes: Sequence[model.FlowNode], *paths: Sequence[PathStep], extra: Iterable[tuple[str, str, str]] = ()) -> model.Flowchart:
    edges: list[model.FlowEdge] = []
    for path in paths:
        previous: str | None = None
        for element in path:
            label, node_id = element if isinstance(element, tuple) else ("", element)
            if previous is not None:
                edges.append(model.FlowEdge(source=previous, target=node_id, label=label))
            previous = node_id
    edges.extend(model.FlowEdge(source=a, target=b, label=label) for a, b, label in extra)
    # The feed tolerates broken charts; the demo must not ship one.
    ids = [node.id for node in nodes]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate node ids in {ids}")
    for edge in edges:
        if edge.source not in ids or edge.target not in ids:
            raise ValueError(f"edge {edge.source} -> {edge.target} names a missing node")
    return model.Flowchart(nodes=list(nodes), edges=edges)


def four_deliberations(
    *,
    start_label: str = "收集党员、群众意见建议",
    meeting: str = "村民代表会议决议",
    meeting_detail: str = "须有三分之二以上的村民代表参加，所作决定经到会人员过半数同意方为通过。",
    before: Sequence[model.FlowNode] = (),
    implement: Sequence[model.FlowNode] = (),
    publicity_detail: str = "决议通过后3日内在村务公开栏和查询机公开，时间不少于7天。",
) -> model.Flowchart:
    """The 四议两公开 procedure for major village matters.

    ``before`` are steps between the start and the Party branch's proposal
    (e.g. a feasibility study); ``implement`` are the steps between the
    resolution's publicity and the publicity of the result.
    """
    implement = list(implement) or [step("implement", "组织实施", "由村民委员会组织实施，村务监督委员会全程监督。")]
    nodes = [
        start("start", start_label),
        *before,
        step("proposal", "党支部会议提议", "村党支部在调查研究、广泛听取意见的基础上，集体研究提出初步方案。"),
        step("consult", "村两委会议商议", "村党支部、村民委员会成员共同讨论，形成商议意见，修改完善方案。"),
        step("review", "党员大会审议", "到会党员须占党员总数三分之二以上，经应到会党员半数以上同意，方可提交表决。"),
        decide("resolve", meeting, meeting_detail),
        publish("resolution_public", "决议公开", publicity_detail),
        *implement,
        publish("result_public", "实施结果公开", "事项完成后公开实施情况、资金使用和验收结果，接受村民监督。"),
        end("end", "资料归档备查"),
    ]
    main: list[PathStep] = ["start", *(n.id for n in before), "proposal", "consult", "review", "resolve", ("同意", "resolution_public")]
    main += [n.id for n in implement] + ["result_public", "end"]
    return chart(nodes, main, extra=[("resolve", "proposal", "不同意：退回重新提议")])


def application(
    *,
    apply: str,
    review: str,
    approve: Sequence[model.FlowNode],
    accept: str = "村民委员会受理登记",
    accept_detail: str = "材料不全的，一次性告知需要补充的材料。",
    checks: Sequence[model.FlowNode] = (),
    refuse: str = "书面告知不符合的理由",
    publicity: str = "",
    publicity_detail: str = "",
    objection: bool = False,
    result: str = "公开办理结果",
    finish: str = "办结",
) -> model.Flowchart:
    """The common shape of a villager's application.

    apply → accept → checks → review (decision; 不符合 → reasons → stop) →
    [publicity → objections?] → approve steps → result publicity → end.
    With ``objection`` an objection during publicity sends the case back to
    a re-check and the review.
    """
    nodes = [start("start", apply), step("accept", accept, accept_detail), *checks, decide("review", review)]
    nodes += [step("refuse", refuse), end("stop", "终止办理")]
    main: list[PathStep] = ["start", "accept", *(n.id for n in checks), "review"]
    extra: list[tuple[str, str, str]] = []
    label = "符合"
    if publicity:
        nodes.append(publish("publicity", publicity, publicity_detail))
        main.append((label, "publicity"))
        label = ""
        if objection:
            nodes += [
                decide("objection", "公示期内有无异议"),
                step("recheck", "调查核实异议", "由镇里会同村务监督委员会核实，结果告知异议人。"),
            ]
            main.append("objection")
            label = "无异议"
            extra += [("objection", "recheck", "有异议"), ("recheck", "review", "重新审核")]
    nodes += [*approve, publish("result", result), end("end", finish)]
    first, *rest = (n.id for n in approve)
    main += [(label, first) if label else first, *rest, "result", "end"]
    return chart(nodes, main, ["review", ("不符合", "refuse"), "stop"], extra=extra)
