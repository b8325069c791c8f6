"""Who is responsible (``people.json``): the village's two committees and
its supervision committee, who sits on them, their duties and office
phones, and the powers each person exercises.

Office phones are published for villagers to call: shown in full. A
personal phone is masked like any phone number on the public screen
(``kiosk.privacy``), whatever the feed sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.model import StageKind
from kiosk.model_oversight import CommitteeKind, Person
from kiosk.privacy import mask_text
from kiosk.snapshot import Snapshot

COMMITTEE_NAMES = {
    CommitteeKind.PARTY: "村党支部委员会",
    CommitteeKind.VILLAGERS: "村民委员会",
    CommitteeKind.SUPERVISION: "村务监督委员会",
}
COMMITTEE_SHORT = {CommitteeKind.PARTY: "村党支部", CommitteeKind.VILLAGERS: "村委会", CommitteeKind.SUPERVISION: "村监委"}
# Who holds each stage of 四议两公开: the branch proposes and convenes the
# Party members; the two committees consult; the villagers' committee
# convenes the representatives and publishes; the supervision committee
# checks what is published.
STAGE_COMMITTEES = {
    StageKind.PROPOSAL: (CommitteeKind.PARTY,),
    StageKind.CONSULTATION: (CommitteeKind.PARTY, CommitteeKind.VILLAGERS),
    StageKind.REVIEW: (CommitteeKind.PARTY,),
    StageKind.RESOLUTION: (CommitteeKind.VILLAGERS,),
    StageKind.RESOLUTION_PUBLICITY: (CommitteeKind.VILLAGERS, CommitteeKind.SUPERVISION),
    StageKind.RESULT_PUBLICITY: (CommitteeKind.VILLAGERS, CommitteeKind.SUPERVISION),
}


@dataclass(frozen=True)
class MemberRow:
    person_id: str
    name: str
    title: str  # the post on this committee: 书记, 委员


@dataclass(frozen=True)
class CommitteeView:
    kind: CommitteeKind
    name: str
    duties: str
    office_phone: str  # "" when none is published
    members: list[MemberRow]


@dataclass(frozen=True)
class PersonView:
    id: str
    name: str
    posts_zh: str  # "村党支部书记、村委会主任"
    duties: str
    office_phone: str  # in full; "" when none
    phone: str  # masked; "" when none
    powers: list[tuple[str, str]]  # (power item id, its name), in the order the power list has them


def roster(snapshot: Snapshot, public: frozenset[str] = frozenset()) -> list[CommitteeView]:
    """The committees in the feed's order, each with its members in the feed's order."""
    return [
        CommitteeView(
            kind=committee.kind,
            name=mask_text(committee.name, public),
            duties=mask_text(committee.duties, public),
            office_phone=committee.office_phone or "",
            members=[
                MemberRow(person.id, mask_text(person.name, public), mask_text(post.title, public))
                for person in snapshot.people
                for post in person.posts
                if post.committee is committee.kind
            ],
        )
        for committee in snapshot.committees
    ]


def posts_zh(person: Person, public: frozenset[str] = frozenset()) -> str:
    return "、".join(COMMITTEE_SHORT[post.committee] + mask_text(post.title, public) for post in person.posts)


def person_view(snapshot: Snapshot, person_id: str, public: frozenset[str] = frozenset()) -> PersonView:
    person = snapshot.person(person_id)
    mine = set(person.powers)
    return PersonView(
        id=person.id,
        name=mask_text(person.name, public),
        posts_zh=posts_zh(person, public),
        duties=mask_text(person.duties, public),
        office_phone=person.office_phone or "",
        phone=mask_text(person.phone) if person.phone else "",  # never kept whole, even if a hotline's number
        powers=[(item.id, mask_text(item.name, public)) for item in snapshot.power_items if item.id in mine],
    )


def people_for_power(snapshot: Snapshot, item_id: str) -> list[Person]:
    """Who exercises a power item, in the roster's order."""
    return [person for person in snapshot.people if item_id in person.powers]


def stage_holders_zh(kind: StageKind) -> str:
    """Who holds a stage, in a few words: 村党支部、村委会."""
    return "、".join(COMMITTEE_SHORT[committee] for committee in STAGE_COMMITTEES[kind])


def office_numbers(snapshot: Snapshot) -> frozenset[str]:
    """The digits of the roster's office phones: published on purpose, like
    the hotlines, and shown in full (a scan for personal numbers exempts them)."""
    phones = [c.office_phone for c in snapshot.committees] + [p.office_phone for p in snapshot.people]
    return frozenset(re.sub(r"\D", "", phone) for phone in phones if phone)
