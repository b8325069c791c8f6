"""The optional documents (budget.json, assets.json, people.json,
complaints.json): each rule refuses a bad value with one line naming the
document and the field, and a feed without them still loads."""

from __future__ import annotations

import json
import shutil

import pytest

from kiosk import decode, paths
from kiosk.snapshot import load_folder

ASSET = {"id": "a", "kind": "pond", "name": "鱼塘"}
CONTRACT = {
    "id": "c",
    "asset_id": "a",
    "kind": "lease",
    "party": "李长根",
    "start_date": "2025-01-01",
    "end_date": "2025-12-31",
    "annual_fee_fen": 100,
}
PAYMENT = {"period": "2025年度", "due": "2025-03-31", "amount_fen": 100}
BUDGET = {"year": 2025, "approved_by": "村民代表会议", "approved_on": "2024-12-20", "lines": []}
QUARTER = {"quarter": "2025-Q2", "published_on": "2025-07-08", "received": 3, "handled": 2}
PERSON = {"id": "p", "name": "王秋生", "posts": [{"committee": "party", "title": "书记"}]}


@pytest.mark.parametrize(
    ("name", "document", "error"),
    [
        ("budget.json", {"budgets": [BUDGET, BUDGET]}, "$.budgets[1].year: a second budget for 2025"),
        ("budget.json", {"budgets": [dict(BUDGET, year=1999)]}, "$.budgets[0].year: expected int >= 2000"),
        ("assets.json", {"four_deliberations_from_fen": 0, "assets": [ASSET, ASSET]}, "$.assets[1].id: duplicate id 'a'"),
        (
            "assets.json",
            {"four_deliberations_from_fen": 0, "assets": [ASSET], "contracts": [CONTRACT, CONTRACT]},
            "$.contracts[1].id: duplicate id 'c'",
        ),
        (
            "assets.json",
            {"four_deliberations_from_fen": 0, "assets": [ASSET], "contracts": [dict(CONTRACT, payments=[dict(PAYMENT, paid_fen=100)])]},
            "$.contracts[0].payments[0].paid_on: a payment needs the date it was paid",
        ),
        (
            "assets.json",
            {"four_deliberations_from_fen": 0, "assets": [ASSET], "contracts": [dict(CONTRACT, payments=[dict(PAYMENT, amount_fen=0)])]},
            "$.contracts[0].payments[0].amount_fen: expected int >= 1",
        ),
        ("assets.json", {"four_deliberations_from_fen": -1, "assets": []}, "$.four_deliberations_from_fen: expected int >= 0"),
        (
            "assets.json",
            {"four_deliberations_from_fen": 0, "assets": [dict(ASSET, kind="mine")]},
            "$.assets[0].kind: invalid enum value 'mine'",
        ),
        (
            "people.json",
            {"committees": [{"kind": "party", "name": "支委"}, {"kind": "party", "name": "支委"}], "people": []},
            "$.committees[1].kind: a second party committee",
        ),
        (
            "people.json",
            {"committees": [{"kind": "party", "name": "支委"}], "people": [dict(PERSON, posts=[])]},
            "$.people[0].posts: a person on the roster holds at least one post",
        ),
        (
            "people.json",
            {"committees": [{"kind": "party", "name": "支委"}], "people": [PERSON, PERSON]},
            "$.people[1].id: duplicate id 'p'",
        ),
        ("complaints.json", {"quarters": [QUARTER, QUARTER]}, "$.quarters[1].quarter: a second report for 2025-Q2"),
        ("complaints.json", {"quarters": [dict(QUARTER, upheld=3)]}, "$.quarters[0].upheld: 3 upheld of 2 handled"),
        (
            "complaints.json",
            {"quarters": [dict(QUARTER, published_on="2025-03-31")]},
            "$.quarters[0].published_on: 2025-03-31 is before 2025-Q2 began",
        ),
        ("complaints.json", {"quarters": [dict(QUARTER, received=-1)]}, "$.quarters[0].received: expected int >= 0"),
    ],
)
def test_a_bad_value_is_refused_in_one_line(name, document, error):
    with pytest.raises(decode.FeedError) as caught:
        decode.decode_document(name, json.dumps(document, ensure_ascii=False).encode())
    assert str(caught.value) == f"{name}: {error}"


def test_a_feed_without_the_optional_documents_loads_with_nothing_of_them(tmp_path):
    folder = tmp_path / "village"
    shutil.copytree(paths.DEMO_VILLAGE, folder, ignore=shutil.ignore_patterns("media"))
    for name in decode.OPTIONAL_DOCS:
        (folder / name).unlink()
    village = load_folder(folder)
    assert (village.budgets, village.assets, village.contracts, village.committees, village.people, village.complaint_reports) == ((),) * 6
    assert village.four_deliberations_from_fen is None and village.budget(2026) is None
    assert load_folder(paths.DEMO_VILLAGE).budget(2026) is not None
