"""The bundled demo village: loads, has the content the terminal must show,
and is exactly what ``python -m tooling.demo.build`` produces."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from kiosk import decode, model, money, paths
from kiosk.feed import records
from kiosk.snapshot import Snapshot, load_folder
from tooling.demo.images import capital_amount

DEMO = paths.DEMO_VILLAGE
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    return load_folder(DEMO, source="demo")


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _image(snap: Snapshot, sha256: str) -> Image.Image:
    data = snap.media.read(sha256)
    assert hashlib.sha256(data).hexdigest() == sha256
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ---------------------------------------------------------------- village


def test_village_is_a_fictional_village_in_xinhua_county(snap):
    assert re.fullmatch(r"431322\d{6}", snap.village.code)
    assert (snap.village.city, snap.village.county, snap.village.province) == ("娄底市", "新化县", "湖南省")
    assert snap.as_of == AS_OF
    template = snap.complaint.url_template
    assert all(field in template for field in ("{village}", "{terminal}", "{item}", "{kind}"))
    numbers = {h.number for h in snap.complaint.hotlines}
    assert "12388" in numbers
    assert any(n.startswith("0738-") for n in numbers)


# ---------------------------------------------------------------- powers


def _reachable(chart: model.Flowchart, sources: list[str]) -> set[str]:
    out: dict[str, list[str]] = {}
    for edge in chart.edges:
        out.setdefault(edge.source, []).append(edge.target)
    seen, stack = set(sources), list(sources)
    while stack:
        for target in out.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_power_list_has_three_categories_and_about_thirty_items(snap):
    assert [c.name for c in snap.categories] == ["重大决策", "日常管理", "便民服务"]
    assert 25 <= len(snap.power_items) <= 35
    for category in snap.categories:
        assert len(snap.items_in(category.id)) >= 5
    names = {item.name for item in snap.power_items}
    for expected in ("村级财务开支", "工程项目管理", "集体资产资源处置", "农村党员发展", "低保评定", "宅基地审批", "村级重大事项决策"):
        assert expected in names


def test_every_item_is_complete_with_its_own_sound_flowchart(snap):
    charts = set()
    for item in snap.power_items:
        assert item.summary and item.responsible and item.time_limit, item.id
        assert item.materials and item.basis, item.id
        assert all(b.document.startswith("《") for b in item.basis), item.id
        assert 2 <= len(item.risks) <= 3, item.id
        assert all(r.level in ("高", "中", "低") and r.control for r in item.risks), item.id
        chart = item.flowchart
        kinds = Counter(node.kind for node in chart.nodes)
        assert 5 <= len(chart.nodes) <= 14, item.id
        assert kinds[model.NodeKind.START] >= 1 and kinds[model.NodeKind.END] >= 1, item.id
        ids = [node.id for node in chart.nodes]
        assert len(ids) == len(set(ids)), item.id
        assert all(e.source in ids and e.target in ids for e in chart.edges), item.id
        starts = [n.id for n in chart.nodes if n.kind is model.NodeKind.START]
        assert _reachable(chart, starts) == set(ids), f"{item.id}: unreachable nodes"
        for node in chart.nodes:
            outgoing = [e for e in chart.edges if e.source == node.id]
            if node.kind is model.NodeKind.DECISION:
                assert len(outgoing) >= 2 and all(e.label for e in outgoing), f"{item.id}: decision {node.id}"
            elif node.kind is not model.NodeKind.END:
                assert outgoing, f"{item.id}: dead end at {node.id}"
        charts.add(tuple((n.kind, n.label) for n in chart.nodes))
    assert len(charts) == len(snap.power_items), "each item draws its own chart"


def test_four_deliberations_chart_loops_back_and_discloses_twice(snap):
    chart = snap.power_item("major-decision").flowchart
    by_label = {node.label: node for node in chart.nodes}
    order = ["党支部会议提议", "村两委会议商议", "党员大会审议", "村民代表会议决议", "决议公开", "组织实施", "实施结果公开"]
    for first, second in itertools.pairwise(order):
        assert any(e.source == by_label[first].id and e.target == by_label[second].id for e in chart.edges), (first, second)
    assert by_label["决议公开"].kind is model.NodeKind.PUBLICITY
    assert by_label["实施结果公开"].kind is model.NodeKind.PUBLICITY
    decision = by_label["村民代表会议决议"]
    assert decision.kind is model.NodeKind.DECISION
    back = [e for e in chart.edges if e.source == decision.id and decision.id in _reachable(chart, [e.target])]
    assert [e.target for e in back] == [by_label["党支部会议提议"].id], "不同意 goes back to the proposal"
    assert "不同意" in back[0].label


# ---------------------------------------------------------------- projects


def test_projects_cover_every_case_the_terminal_flags(snap):
    projects = snap.projects
    assert len(projects) >= 10
    settled = [p for p in projects if p.status is model.ProjectStatus.SETTLED]
    office = snap.project("office-renovation")
    assert (office.budget_fen, office.settlement_fen) == (16_000_000, 15_800_000)
    assert any(p.settlement_fen < p.budget_fen for p in settled)
    assert any(p.settlement_fen * 10 > p.budget_fen * 11 for p in settled), "one project over budget by more than 10%"
    assert any(p.status is model.ProjectStatus.IN_PROGRESS for p in projects)
    assert any(p.status is model.ProjectStatus.PLANNED for p in projects)
    full = [p for p in settled if p.major and [s.kind for s in p.stages] == list(model.StageKind)]
    assert len(full) >= 3
    assert any(
        p.major
        and p.status is not model.ProjectStatus.PLANNED
        and len(p.stages) < 6
        and p.stages[-1].kind is model.StageKind.RESULT_PUBLICITY
        for p in projects
    ), "a major project with a missing stage"
    assert {p.tendering.split("（")[0] for p in projects if p.tendering} >= {"公开招标", "邀请招标", "竞争性谈判", "询价采购", "村民自建"}
    for project in projects:
        kinds = [s.kind for s in project.stages]
        assert kinds == sorted(kinds, key=list(model.StageKind).index), project.id
        dates = [s.date for s in project.stages]
        assert dates == sorted(dates), project.id


def test_project_payments_stay_within_the_settlement(snap):
    for project in snap.projects:
        paid = sum(e.amount_fen for e in snap.entries_for_project(project.id) if e.direction is model.Direction.EXPENSE)
        assert paid <= (project.settlement_fen or project.budget_fen), project.id
    assert len({e.project_id for e in snap.finance_entries() if e.project_id}) >= 8


def test_project_photos_exist_and_decode(snap):
    with_photos = [p for p in snap.projects if p.photos]
    assert len(with_photos) >= 5
    for project in with_photos:
        for photo in project.photos:
            assert photo.caption
            assert _image(snap, photo.sha256).format == "JPEG"


# ---------------------------------------------------------------- finance


def test_finance_has_a_year_of_books_that_add_up(snap):
    months = snap.months()
    assert len(months) >= 12
    entries = snap.finance_entries()
    assert len(entries) >= 300
    first = snap.finance_month(min(months))
    assert first.opening_balance_fen is not None
    balance = first.opening_balance_fen
    for key in sorted(months):
        for entry in snap.finance_month(key).entries:
            balance += entry.amount_fen if entry.direction is model.Direction.INCOME else -entry.amount_fen
            assert re.fullmatch(rf"记-{key}-\d{{3}}", entry.voucher_no), entry.voucher_no
            assert entry.date <= AS_OF and entry.approver and entry.counterparty
        assert balance >= 0, f"the village overdrew its account in {key}"
    categories = Counter(e.category for e in entries)
    for expected in ("办公费", "水电费", "工程款", "误工补贴", "党建活动", "环境卫生", "上级拨款", "集体资产租金", "一事一议奖补"):
        assert expected in categories
    assert 1 <= categories["招待费"] <= 5
    assert len({e.voucher_no for e in entries}) == len(entries)


def test_finance_notice_agrees_with_the_books(snap):
    notice = snap.notice("finance-2026-10")
    month = snap.finance_month("2026-10")
    income = sum(e.amount_fen for e in month.entries if e.direction is model.Direction.INCOME)
    expense = sum(e.amount_fen for e in month.entries if e.direction is model.Direction.EXPENSE)
    assert f"本月收入：{money.yuan(income)}" in notice.body
    assert f"本月支出：{money.yuan(expense)}" in notice.body


@pytest.mark.slow
def test_nearly_every_entry_has_receipts_that_decode_and_a_few_honestly_none(snap):
    entries = snap.finance_entries()
    with_receipts = [e for e in entries if e.receipts]
    assert len(with_receipts) * 100 >= len(entries) * 95
    for entry in with_receipts:
        for receipt in entry.receipts:
            image = _image(snap, receipt.sha256)
            assert image.format == "JPEG" and image.size == (1200, 800)
    # Each for a reason a village would give: a digger paid in cash, a sign-in sheet never handed in, two lost bus tickets.
    assert sorted(e.purpose for e in entries if not e.receipts) == [
        "到县民政局办理低保复核车费",
        "到镇三资管理中心报账车费",
        "村民代表会议误工补贴（8月19日，32人）",
        "渠道清淤挖机台班费",
    ]
    long_lists = [e for e in with_receipts if len(e.receipts) > 1]  # a payout sheet holds 12 names: more take more pages
    assert long_lists and all(r.caption.startswith("领款单（第") for e in long_lists for r in e.receipts)
    media = list((DEMO / "media").iterdir())
    # A year of a real village's receipts, about 80 kB each, as the terminal stores and shows them.
    assert sum(p.stat().st_size for p in media) < 30_000_000
    referenced = {r.sha256 for e in snap.finance_entries() for r in e.receipts} | {p.sha256 for pr in snap.projects for p in pr.photos}
    assert referenced == {p.name for p in media}, "no orphan and no missing media"


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (1_230_050, "壹万贰仟叁佰元伍角整"),
        (10_000_000, "壹拾万元整"),
        (100_500, "壹仟零伍元整"),
        (1_005_005, "壹万零伍拾元零伍分"),
        (15_800_000, "壹拾伍万捌仟元整"),
        (18_087_000, "壹拾捌万零捌佰柒拾元整"),
        (50, "伍角整"),
        (7, "柒分"),
        (10_000_000_005, "壹亿元零伍分"),
        (0, "零元整"),
    ],
)
def test_amount_in_chinese_capitals(fen, words):
    assert capital_amount(fen) == words


# ---------------------------------------------------------------- budget, 三资, roster, complaints


def test_the_2026_budget_flags_two_lines_over_it_and_one_outside_it(snap):
    from kiosk.finance_year import OUTSIDE_BUDGET, OVER_BUDGET, year_view

    view = year_view(snap, 2026)
    assert view.approval_zh.startswith("2026年预算由村民代表会议在2025年11月26日通过")
    flagged = {line.category: line.flag for line in view.expense_lines if line.flag}
    assert flagged == {"办公费": OVER_BUDGET, "环境卫生": OVER_BUDGET, "机械台班费": OUTSIDE_BUDGET}
    rents = next(line for line in view.income_lines if line.category == "集体资产租金")
    assert rents.budget_fen - rents.actual_fen == 420_000, "short by the tea garden's unpaid fee"


def test_contracts_agree_with_the_books_and_two_are_flagged(snap):
    from kiosk.assets_view import contract_flags
    from kiosk.flags import FlagKind

    for contract in snap.contracts:
        for payment in contract.payments:
            if payment.entry_id:
                rent = snap.finance_entry(payment.entry_id)
                assert (rent.amount_fen, rent.counterparty, rent.category, rent.date) == (
                    payment.paid_fen,
                    contract.party,
                    "集体资产租金",
                    payment.paid_on,
                )
    flags = {c.id: [f.kind for f in contract_flags(c, snap.as_of, snap.four_deliberations_from_fen)] for c in snap.contracts}
    assert {cid: kinds for cid, kinds in flags.items() if kinds} == {
        "tea-garden-2024": [FlagKind.FEE_OVERDUE],
        "shiziling-forest-2022": [FlagKind.MISSING_STAGES],
    }
    assert any(not snap.contracts_of(asset.id) for asset in snap.assets), "an asset let to nobody"


def test_the_roster_covers_the_cadres_and_the_complaints_their_quarters(snap):
    names = {person.name for person in snap.people}
    assert {"刘志勇", "曾国华", "罗春梅", "谢德明", "邓秀英", "彭志军"} <= names
    assert [c.kind.value for c in snap.committees] == ["party", "villagers", "supervision"]
    assert all(person.office_phone and person.phone for person in snap.people)
    exercised = {power for person in snap.people for power in person.powers}
    assert {"finance-expense", "asset-disposal", "minimum-living"} <= exercised
    assert [q.quarter for q in snap.complaint_reports] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert all(q.results for q in snap.complaint_reports)


# ---------------------------------------------------------------- disclosures, notices, cases

_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _valid_id(text: str) -> bool:
    if not _ID.match(text):
        return False
    birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    check = "10X98765432"[sum(int(d) * w for d, w in zip(text[:17], _WEIGHTS, strict=True)) % 11]
    return text[-1] == check and text.startswith("431322") and birth < AS_OF


def test_disclosures_cover_all_kinds_with_running_and_ended_publicity(snap):
    disclosures = snap.disclosures
    assert len(disclosures) >= 6
    assert {d.kind for d in disclosures} == set(model.DisclosureKind)
    assert any(d.publicity_start <= AS_OF and d.publicity_end >= dt.date(2026, 11, 26) for d in disclosures)
    assert any(d.publicity_end < AS_OF for d in disclosures)
    for disclosure in disclosures:
        assert disclosure.rows and disclosure.note
        assert all(len(row) == len(disclosure.columns) for row in disclosure.rows)


def test_disclosures_send_full_private_numbers_for_the_terminal_to_mask(snap):
    raw = decode.decode_document(decode.DISCLOSURES_DOC, (DEMO / decode.DISCLOSURES_DOC).read_bytes())
    shown = [cell for d in snap.disclosures for row in d.rows for cell in row]
    assert shown and not any(_ID.match(c) or re.fullmatch(r"1[3-9]\d{9}", c) for c in shown), "the terminal masks them"
    cells = [cell for d in raw.disclosures for row in d.rows for cell in row]
    ids = [c for c in cells if _ID.match(c)]
    assert len(ids) >= 40 and all(_valid_id(c) for c in ids)
    assert sum(1 for c in cells if re.fullmatch(r"1[3-9]\d{9}", c)) >= 20
    assert any(re.fullmatch(r"0738-\d{7}", c) for c in cells), "a landline"
    assert any(re.fullmatch(r"\d{16,19}", c) for c in cells), "a bank account"
    with_ids = [d for d in raw.disclosures if any(_ID.match(c) for row in d.rows for c in row)]
    assert len(with_ids) >= 6
    # one villager, one ID: names never show two different numbers
    seen: dict[str, str] = {}
    for disclosure in with_ids:
        name_col = 1
        id_col = next(i for i, c in enumerate(disclosure.rows[0]) if _ID.match(c))
        for row in disclosure.rows:
            assert seen.setdefault(row[name_col], row[id_col]) == row[id_col], row[name_col]


def test_notices_and_typical_cases(snap):
    assert len(snap.notices) >= 6
    titles = " ".join(n.title for n in snap.notices)
    for word in ("财务收支公开", "会议", "停水", "医保"):
        assert word in titles
    assert all(n.date <= AS_OF for n in snap.notices)
    assert len(snap.cases) >= 3
    assert all(case.lesson and len(case.body) > 80 for case in snap.cases)


# ---------------------------------------------------------------- reproducible build


def test_corrections_are_honest_about_the_records_published_now(snap):
    """The demo's history (history.json): each correction leads to the record
    as published now, or withdraws one that is gone; each really changes it."""
    entries = snap.history.entries
    assert {entry.correction.kind.key for entry in entries} == {"finance", "project", "disclosure"}
    assert any(entry.withdrawn for entry in entries)
    for entry in entries:
        correction = entry.correction
        published = correction.kind.of(snap).get(correction.id)
        assert published == correction.after  # None: withdrawn, gone
        if correction.after is not None:
            assert records.corrections(correction.kind, correction.before, correction.after)
        assert entry.published_on > correction.date


@pytest.mark.slow
def test_build_reproduces_the_committed_tree_byte_for_byte(tmp_path):
    out = tmp_path / "demo"
    subprocess.run([sys.executable, "-m", "tooling.demo.build", "--out", str(out)], check=True, cwd=paths.PROJECT_ROOT, capture_output=True)
    assert _tree(out) == _tree(DEMO)


def test_build_replaces_stale_files_and_keeps_others(tmp_path):
    from tooling.demo.build import write_folder

    (tmp_path / "media").mkdir()
    (tmp_path / "media" / ("cd" * 32)).write_bytes(b"stale")
    (tmp_path / "finance").mkdir()
    (tmp_path / "finance" / "1999-01.json").write_text("{}")
    (tmp_path / "README.txt").write_text("keep me")
    doc = model.NoticesDoc(notices=[])
    write_folder(tmp_path, {"notices.json": doc}, {"ab" * 32: b"blob"})
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        "README.txt",
        f"media/{'ab' * 32}",
        "notices.json",
    ]
