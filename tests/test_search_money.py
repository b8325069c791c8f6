"""Search over the money and the people (kiosk.search): payees, amounts
("1500" finds 1,500.00元), the cadres, the contracts, and the names in a
results list while -- and only while -- its publicity period runs."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from kiosk import model
from kiosk.model_oversight import Asset, AssetKind, AssetsDoc, Committee, CommitteeKind, Contract, ContractKind, PeopleDoc, Person, Post
from kiosk.search import EXACT, NAME_PREFIX, HitKind, SearchIndex
from support.small_village import D, entry, snapshot_of

ENTRIES = [
    entry("e1", "2026-03-02", "expense", "1,500.00", "办公费", counterparty="青石供电所"),
    entry("e2", "2026-04-02", "expense", "1,500.00", "水电费", counterparty="青石供电所"),
    entry("e3", "2026-04-03", "expense", "1,500.50", "办公费", counterparty="青石镇文华文具店"),
    entry("e4", "2026-04-04", "income", "15,000.00", "集体资产租金", counterparty="罗建平"),
    entry("e5", "2026-04-05", "expense", "230.00", "维修费", counterparty="罗建平"),
    entry("e6", "2026-04-06", "expense", "80.00", "维修费", counterparty="王师傅13812345678"),
]
LIST = model.Disclosure(
    id="dibao-q4",
    kind=model.DisclosureKind.ALLOWANCE,
    title="2026年第四季度低保对象公示",
    publicity_start=D("2026-11-19"),
    publicity_end=D("2026-11-26"),
    columns=["序号", "户主姓名", "村民小组", "身份证号码"],
    rows=[["1", "莫秋菊", "三组", "431322195403150426"], ["2", "彭立新", "五组", "431322196201080013"], ["3", "莫秋菊", "三组", "x"]],
)
PEOPLE = PeopleDoc(
    committees=[Committee(kind=CommitteeKind.PARTY, name="支委"), Committee(kind=CommitteeKind.VILLAGERS, name="村委")],
    people=[
        Person(
            id="liu",
            name="刘志勇",
            posts=[Post(committee=CommitteeKind.PARTY, title="书记"), Post(committee=CommitteeKind.VILLAGERS, title="主任")],
        )
    ],
)
ASSETS = AssetsDoc(
    four_deliberations_from_fen=0,
    assets=[Asset(id="pond", kind=AssetKind.POND, name="长冲鱼塘")],
    contracts=[
        Contract(
            id="pond-2026",
            asset_id="pond",
            kind=ContractKind.CONTRACTING,
            party="曾凡明",
            start_date=D("2026-01-01"),
            end_date=D("2030-12-31"),
            annual_fee_fen=360_000,
        )
    ],
)


def index_on(tmp_path, day: str) -> SearchIndex:
    village = snapshot_of(tmp_path, entries=ENTRIES, disclosures=[LIST], people=PEOPLE, assets=ASSETS)
    return SearchIndex.build(village, D(day))


@pytest.fixture
def index(tmp_path):
    return index_on(tmp_path, "2026-11-20")  # the 低保 list is in its publicity period


def test_an_amount_typed_as_its_yuan(index):
    hits = index.query("1500")
    first = hits[0]
    assert (first.kind, first.id, first.title, first.score) == (HitKind.AMOUNT, "150000", "1,500.00元", EXACT)
    assert first.subtitle == "村级财务 · 2笔是这个金额"  # e1 and e2
    rest = {hit.title: hit.score for hit in hits[1:]}
    assert rest == {"1,500.50元": NAME_PREFIX, "15,000.00元": NAME_PREFIX}  # typed on: 150050, 15000
    assert [hit.title for hit in index.query("150050")] == ["1,500.50元"]
    assert index.query("15000")[0].title == "15,000.00元"
    assert index.query("1499") == []


def test_a_payee_or_payer_by_initials(index):
    [power_office] = [hit for hit in index.query("QSGDS") if hit.kind is HitKind.PAYEE]
    assert (power_office.id, power_office.subtitle) == ("青石供电所", "村级财务 · 收款方 · 2笔")
    [luo] = index.query("ljp")
    assert (luo.kind, luo.subtitle) == (HitKind.PAYEE, "村级财务 · 收付款方 · 2笔")  # paid the village and was paid by it


def test_a_payee_is_indexed_masked(index):
    [worker] = index.query("wsf")
    assert worker.title == "王师傅138****5678"
    assert not [hit for hit in index.query("13812345678") if hit.kind is HitKind.PAYEE]


def test_names_in_a_list_while_it_is_in_publicity(index, tmp_path):
    [hit] = index.query("mqj")  # once, though listed twice
    assert (hit.kind, hit.id, hit.title) == (HitKind.LISTED, "dibao-q4", "莫秋菊")
    assert hit.subtitle == "在“2026年第四季度低保对象公示”名单上 · 公示到11月26日"
    assert [h.title for h in index.query("plx")] == ["彭立新"]
    assert not [h for h in index.query("sanzu") if h.kind is HitKind.LISTED]  # not a column of names
    assert index_on(tmp_path, "2026-11-26").query("mqj")  # the last day of the period
    assert index_on(tmp_path, "2026-11-27").query("mqj") == []  # after it
    assert index_on(tmp_path, "2026-11-18").query("mqj") == []  # before it
    assert index_on(tmp_path, "2026-11-27").day == D("2026-11-27")


def test_cadres_and_contracts(index):
    [cadre] = index.query("LZY")
    assert (cadre.kind, cadre.id, cadre.subtitle) == (HitKind.PERSON, "liu", "村党支部书记、村委会主任")
    [contract] = index.query("ccyt")
    assert (contract.kind, contract.id, contract.title, contract.subtitle) == (
        HitKind.CONTRACT,
        "pond-2026",
        "长冲鱼塘承包合同",
        "集体三资 · 承包方：曾凡明",
    )
    assert [hit.id for hit in index.query("曾凡明") if hit.kind is HitKind.CONTRACT] == ["pond-2026"]


def test_digit_keys_are_suggested_like_letters(index):
    assert {"1", "5"} <= index.suggest_keys("")
    assert index.suggest_keys("150") == {"0"}  # 1500..., 15000
    assert "9" not in index.suggest_keys("150")


def _bytes_held_by_an_index_of(village) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        index = SearchIndex.build(village, D("2026-11-20"))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(index) > 0
    return held


def test_the_index_keeps_a_villages_many_amounts_as_numbers(tmp_path):
    """A village of 10,000 entries has nearly as many amounts, each a search
    record: the index holds them as numbers and makes a hit's texts when it
    is found, not four strings and a record per amount for the terminal's life."""
    count = 3_000
    same = [entry(f"e{i}", "2026-04-02", "expense", "100.25", "办公费") for i in range(count)]
    different = [entry(f"e{i}", "2026-04-02", "expense", f"{100 + i}.25", "办公费") for i in range(count)]
    one_amount = _bytes_held_by_an_index_of(snapshot_of(tmp_path / "same", entries=same))
    many_amounts = _bytes_held_by_an_index_of(snapshot_of(tmp_path / "different", entries=different))
    per_amount = (many_amounts - one_amount) / (count - 1)
    # Its digits in the haystack (two bytes a character: the haystack holds Chinese too) and a few numbers in arrays.
    assert per_amount < 150, per_amount
    index = SearchIndex.build(snapshot_of(tmp_path / "again", entries=different), D("2026-11-20"))
    hit = index.query("209925")[0]
    assert (hit.kind, hit.id, hit.title, hit.subtitle) == (HitKind.AMOUNT, "209925", "2,099.25元", "村级财务 · 1笔是这个金额")
