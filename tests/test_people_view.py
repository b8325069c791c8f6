"""Who is responsible (kiosk.people_view): the roster, office phones in
full and personal ones masked, and the links from powers and stages."""

from __future__ import annotations

import pytest

from kiosk import decode
from kiosk.model import StageKind
from kiosk.model_oversight import Committee, CommitteeKind, PeopleDoc, Person, Post
from kiosk.people_view import people_for_power, person_view, posts_zh, roster, stage_holders_zh
from support.small_village import power, snapshot_of

PARTY, VILLAGERS, SUPERVISION = CommitteeKind.PARTY, CommitteeKind.VILLAGERS, CommitteeKind.SUPERVISION
PEOPLE = PeopleDoc(
    committees=[
        Committee(kind=PARTY, name="中共试验村支部委员会", office_phone="0738-0563101"),
        Committee(kind=VILLAGERS, name="试验村民委员会"),
        Committee(kind=SUPERVISION, name="试验村务监督委员会", duties="监督每一笔开支"),
    ],
    people=[
        Person(
            id="liu",
            name="刘志勇",
            posts=[Post(committee=PARTY, title="书记"), Post(committee=VILLAGERS, title="主任")],
            office_phone="0738-0563101",
            phone="13912345678",
            powers=["seal", "finance"],
        ),
        Person(id="xie", name="谢德明", posts=[Post(committee=SUPERVISION, title="主任")], phone="0738-0512388", powers=["finance"]),
        Person(id="zeng", name="曾国华", posts=[Post(committee=VILLAGERS, title="副主任")]),
    ],
)
POWERS = [power("finance", "村级财务开支"), power("seal", "印章管理"), power("homestead", "宅基地审批")]


@pytest.fixture
def village(tmp_path):
    # The supervisor's personal phone is also a published hotline: still masked on his page.
    return snapshot_of(tmp_path, powers=POWERS, people=PEOPLE, hotlines=("12388", "0738-0512388"))


def test_the_roster_by_committee(village):
    committees = roster(village)
    assert [c.name for c in committees] == ["中共试验村支部委员会", "试验村民委员会", "试验村务监督委员会"]
    assert [[(m.name, m.title) for m in c.members] for c in committees] == [
        [("刘志勇", "书记")],
        [("刘志勇", "主任"), ("曾国华", "副主任")],  # one person, two committees
        [("谢德明", "主任")],
    ]
    assert [c.office_phone for c in committees] == ["0738-0563101", "", ""]


def test_a_person_with_phones_and_powers(village):
    liu = person_view(village, "liu")
    assert liu.posts_zh == "村党支部书记、村委会主任"
    assert (liu.office_phone, liu.phone) == ("0738-0563101", "139****5678")  # office in full, personal masked
    assert liu.powers == [("finance", "村级财务开支"), ("seal", "印章管理")]  # in the power list's order
    xie = person_view(village, "xie", frozenset({"07380512388"}))
    assert xie.phone == "0738-***2388"
    assert person_view(village, "zeng").phone == ""


def test_who_exercises_a_power_and_who_holds_a_stage(village):
    assert [p.id for p in people_for_power(village, "finance")] == ["liu", "xie"]
    assert people_for_power(village, "homestead") == []
    assert posts_zh(village.person("zeng")) == "村委会副主任"
    assert stage_holders_zh(StageKind.CONSULTATION) == "村党支部、村委会"
    assert stage_holders_zh(StageKind.RESULT_PUBLICITY) == "村委会、村监委"


def test_a_power_not_on_the_list_is_refused(tmp_path):
    with pytest.raises(decode.FeedError, match=r"^people.json: \$.people\[0\].powers\[1\]: unknown power item 'finance'$"):
        snapshot_of(tmp_path, powers=POWERS[1:], people=PEOPLE)
