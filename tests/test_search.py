"""Touch search (kiosk.search): Chinese substring, full pinyin, pinyin initials, ranking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from kiosk import decode, model
from kiosk.search import (
    EXACT,
    INITIALS_PREFIX,
    NAME_PREFIX,
    NAME_SUBSTRING,
    SECONDARY,
    HitKind,
    SearchIndex,
    bench_queries,
)
from kiosk.snapshot import DataInfo, DirectoryMedia, Snapshot

DAY = dt.date(2025, 3, 1)
TRIVIAL_CHART = model.Flowchart(
    nodes=[model.FlowNode(id="a", kind=model.NodeKind.START, label="申请"), model.FlowNode(id="b", kind=model.NodeKind.END, label="办结")],
    edges=[model.FlowEdge(source="a", target="b")],
)


def _power(ident: str, name: str, summary: str, category: str = "service") -> model.PowerItem:
    return model.PowerItem(id=ident, category=category, name=name, summary=summary, responsible="村民委员会", flowchart=TRIVIAL_CHART)


def _snapshot(tmp_path: Path) -> Snapshot:
    """A small fictional village with the words the tests search for."""
    village = model.VillageDoc(
        village=model.Village(code="431399101299", name="青石镇试验村", township="青石镇", county="某县", city="娄底市"),
        as_of=DAY,
        complaint=model.ComplaintChannel(
            url_template="https://example.invalid/c?v={village}", hotlines=[model.Hotline(name="纪委举报电话", number="12388")]
        ),
    )
    powers = model.PowersDoc(
        categories=[model.PowerCategory(id="major", name="重大决策"), model.PowerCategory(id="service", name="便民服务")],
        items=[
            _power("finance", "村级财务开支", "每一笔开支都要审批，随财务公开", "major"),
            _power("homestead", "宅基地审批", "农村村民一户只能有一处宅基地"),
            _power("allowance", "低保评定", "最低生活保障对象的申请、评议和审批"),
            _power("bank", "惠农补贴银行代发", "补贴通过银行卡发放到户"),
            _power("admin", "行政村印章管理", "印章使用登记"),
            _power("relief", "临时救助", "遇到急难的家庭可以申请，经审核后发放救助金，不要求先评定低保"),
        ],
    )
    projects = model.ProjectsDoc(
        projects=[
            model.Project(id="road", name="2024年村道硬化工程", status=model.ProjectStatus.SETTLED, budget_fen=100, settlement_fen=90),
            model.Project(id="grid", name="低压电网改造", status=model.ProjectStatus.PLANNED, budget_fen=100),
        ]
    )
    notices = model.NoticesDoc(
        notices=[
            model.Notice(id="n-review", title="关于开展低保年度复核的通知", date=DAY, body="内容"),
            model.Notice(id="n-phone", title="联系人电话13812345678的通知", date=DAY, body="内容"),
        ],
        cases=[model.Case(id="c-fraud", title="某村干部优亲厚友骗取低保金被查处", date=DAY, body="内容")],
    )
    disclosures = model.DisclosuresDoc(
        disclosures=[
            model.Disclosure(
                id="d-allowance",
                kind=model.DisclosureKind.ALLOWANCE,
                title="2025年第一季度低保对象名单公示",
                publicity_start=DAY,
                publicity_end=DAY + dt.timedelta(days=7),
                columns=["姓名"],
                rows=[["莫秋菊"]],
            ),
            model.Disclosure(
                id="d-party",
                kind=model.DisclosureKind.PARTY,
                title="发展对象公示",
                publicity_start=DAY,
                publicity_end=DAY + dt.timedelta(days=5),
                columns=["姓名"],
                rows=[["彭立新"]],
            ),
        ]
    )
    documents = {
        decode.VILLAGE_DOC: msgspec.json.encode(village),
        decode.POWERS_DOC: msgspec.json.encode(powers),
        decode.PROJECTS_DOC: msgspec.json.encode(projects),
        decode.DISCLOSURES_DOC: msgspec.json.encode(disclosures),
        decode.NOTICES_DOC: msgspec.json.encode(notices),
    }
    return Snapshot(documents, DirectoryMedia(tmp_path), DataInfo(source="folder", version=None, generated_at=None))


@pytest.fixture
def index(tmp_path) -> SearchIndex:
    return SearchIndex.build(_snapshot(tmp_path))


def titles(hits) -> list[str]:
    return [hit.title for hit in hits]


@pytest.mark.parametrize("typed", ["DB", "db", "dibao", "dib", "低保", "低b", "dbpd", "dibaopingding", "ＤＢ"])
def test_allowance_item_comes_first(index, typed):
    hits = index.query(typed)
    assert hits[0].title == "低保评定"
    assert hits[0].kind is HitKind.POWER and hits[0].id == "allowance"


@pytest.mark.parametrize("typed", ["ZJD", "zjd", "zhaijidi", "zhaij", "宅基", "宅jd", "zjdsp"])
def test_homestead_found(index, typed):
    assert index.query(typed)[0].title == "宅基地审批"


def test_initials_in_the_middle_of_a_title(index):
    assert "低保评定" in titles(index.query("pd"))
    assert "低保评定" in titles(index.query("评定"))


def test_ranking_exact_prefix_initials_substring_secondary(index):
    assert index.query("dbpd")[0].score == EXACT
    assert index.query("低保评定")[0].score == EXACT
    assert index.query("dibao")[0].score == NAME_PREFIX
    assert index.query("db")[0].score == INITIALS_PREFIX
    by_title = {hit.title: hit.score for hit in index.query("dibao")}
    assert by_title["关于开展低保年度复核的通知"] == NAME_SUBSTRING
    assert by_title["临时救助"] == SECONDARY  # only its summary mentions 低保
    assert by_title["2025年第一季度低保对象名单公示"] == NAME_SUBSTRING
    scores = [hit.score for hit in index.query("dibao")]
    assert scores == sorted(scores, reverse=True)


def test_power_items_first_at_equal_score_then_feed_order(index):
    substring = [hit for hit in index.query("db") if hit.score == NAME_SUBSTRING]
    assert [hit.kind for hit in substring] == [HitKind.NOTICE, HitKind.CASE, HitKind.DISCLOSURE]
    secondary = [hit for hit in index.query("shenpi") if hit.score == SECONDARY]
    assert [hit.id for hit in secondary] == ["finance", "allowance"]  # feed order among powers


def test_polyphonic_characters_match_either_reading(index):
    bank = index.query("yinhang")
    assert titles(bank) == ["惠农补贴银行代发"]
    admin = index.query("xingzheng")
    assert titles(admin) == ["行政村印章管理"]
    assert titles(index.query("xz")) == ["行政村印章管理"]
    assert "惠农补贴银行代发" not in titles(admin)
    # A villager who reads the character the other way still finds it.
    assert titles(index.query("hangzheng")) == ["行政村印章管理"]


def test_digits_and_mixed_titles(index):
    hits = index.query("2024")
    assert titles(hits) == ["2024年村道硬化工程"]
    assert hits[0].kind is HitKind.PROJECT and hits[0].score == NAME_PREFIX
    assert titles(index.query("2024ncd")) == ["2024年村道硬化工程"]


def test_disclosure_found_by_kind(index):
    hits = index.query("dangyuanfazhan")  # the title says only 发展对象公示; the kind is 党员发展
    assert [(hit.id, hit.score) for hit in hits] == [("d-party", SECONDARY)]


@pytest.mark.parametrize("typed", ["", "   ", "!!", "·"])
def test_empty_query_finds_nothing(index, typed):
    assert index.query(typed) == []


@pytest.mark.parametrize("typed", ["qqqq", "xyzzy", "zjdx", "宅基低", "9999"])
def test_garbage_finds_nothing(index, typed):
    assert index.query(typed) == []


def test_limit(index):
    everything = index.query("d", limit=100)
    assert len(everything) > 3
    assert index.query("d", limit=3) == everything[:3]
    assert index.query("d", limit=0) == []


def test_hit_carries_what_the_result_row_shows(index):
    hit = index.query("dibao")[0]
    assert (hit.kind, hit.id, hit.title, hit.subtitle) == (HitKind.POWER, "allowance", "低保评定", "便民服务")
    disclosure = next(hit for hit in index.query("dibao") if hit.kind is HitKind.DISCLOSURE)
    assert "2025年3月1日" in disclosure.subtitle


def test_titles_are_masked_and_numbers_not_searchable(index):
    hit = index.query("lianxiren")[0]
    assert "13812345678" not in hit.title and "138****5678" in hit.title
    assert index.query("13812345678") == []


def test_suggest_keys_are_exactly_the_keys_that_find_something(index):
    for typed in ["", "d", "zj", "2", "qq"]:
        suggested = index.suggest_keys(typed)
        for key in "abcdefghijklmnopqrstuvwxyz0123456789":
            assert (key in suggested) == bool(index.query(typed + key, limit=1)), (typed, key)
    assert "d" in index.suggest_keys("zj")


def test_typing_key_by_key_narrows_like_a_keyboard(index):
    previous = None
    for typed in ["z", "zh", "zha", "zhai", "zhaij", "zhaiji", "zhaijid", "zhaijidi"]:
        found = {hit.id for hit in index.query(typed, limit=100)}
        assert "homestead" in found
        if previous is not None:
            assert found <= previous  # one more key never finds more
        previous = found


def test_remembered_scan_gives_the_same_hits_as_a_fresh_one(tmp_path):
    snapshot = _snapshot(tmp_path)
    typing = SearchIndex.build(snapshot)  # remembers its last full scan from tap to tap
    sequences = ["zhaijidi", "dbpd", "shenpi", "xingzheng", "2024ncd", "qqqq"]
    taps = [word[:length] for word in sequences for length in range(1, len(word) + 1)]
    taps += ["zhaiji", "zhai", "zhaijd", "d", "di", "dib"]  # deleting keys, then typing again
    for typed in taps:
        fresh = SearchIndex.build(snapshot)
        assert typing.query(typed, limit=3) == fresh.query(typed, limit=3), typed
        assert typing.query(typed) == fresh.query(typed), typed
        assert typing.suggest_keys(typed) == fresh.suggest_keys(typed), typed


def test_bench_helper_times_each_query(index):
    times = bench_queries(index, ["d", "db", "dibao"])
    assert len(times) == 3 and all(ms >= 0 for ms in times)


def test_demo_village(demo):
    index = SearchIndex.build(demo)
    assert len(index) >= len(demo.power_items)
    first = index.query("DB")[0]
    assert (first.kind, first.title) == (HitKind.POWER, "低保评定")
    assert index.query("ZJD")[0].title == "宅基地审批"
    assert "宅基地审批" in titles(index.query("宅基"))
    assert index.query("dibao")[0].title == "低保评定"
