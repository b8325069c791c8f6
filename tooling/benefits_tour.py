"""The tour's stops inside 我的补贴: the screen keeps what a villager typed
and found to itself (never in navigation parameters), so the tour drives it
as a villager would, key by key, and waits for the lookup's worker thread.

A lookup that finds payments needs a number that has some: only the demo
village's are known (``tooling.demo.benefits``), so on other data the
tour shows the pad, a wrong number, the family names and "no records".
"""

from __future__ import annotations

import time

from kiosk.benefits import id_number
from kiosk.snapshot import Snapshot
from tooling.demo import benefits as demo

LOOKUP_TIMEOUT_S = 30.0


def demo_person(snapshot: Snapshot) -> demo.Person | None:
    """A demo villager with payments, when the snapshot is the demo village's."""
    if snapshot.benefits is None or snapshot.village.code != demo.content.VILLAGE.code:
        return None
    return demo.LIU_DEMING


def wrong_number(number: str) -> str:
    """``number`` with another check character: what a slip of one digit gives."""
    right = id_number.check_character(number[:17])
    return number[:17] + ("0" if right != "0" else "1")


def type_number(harness, number: str) -> None:
    for key in number:
        harness.screen.press(key)
    harness.pump()


def typed_wrong(harness) -> None:
    type_number(harness, wrong_number(demo.NOBODY))
    harness.screen.submit()
    harness.pump()


def look_up(harness, number: str = demo.NOBODY) -> None:
    """Type ``number``, press 查询 and wait for the family names."""
    type_number(harness, number)
    harness.screen.submit()
    deadline = time.monotonic() + LOOKUP_TIMEOUT_S
    while harness.screen.step == "wait" and time.monotonic() < deadline:
        time.sleep(0.01)
        harness.pump(1)
    harness.pump()


def no_records(harness) -> None:
    look_up(harness, demo.NOBODY)
    harness.screen.choose(harness.screen.candidates[0])
    harness.pump()


def results(harness, person: demo.Person) -> None:
    look_up(harness, person.id_number)
    harness.screen.choose(person.family_name or person.name[0])
    harness.pump()


def report(harness, person: demo.Person) -> None:
    """The 反映 code of the newest payment."""
    results(harness, person)
    harness.screen.cards()[0].report()
    harness.pump()
