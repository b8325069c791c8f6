"""From a typed ID number to what the screen offers: family names to choose
from, and behind the right one the person's payments.

The family name is a second factor: someone who has only the number (it
is printed on many forms the village office keeps) must also pick the
right family name among ``CANDIDATES`` on screen. The candidates for a
number are always the same (they are chosen with a key derived from the
number, so trying again shows nothing new) and are offered whether or not
the number has a record; a wrong name and no record give the same answer.
See docs/FEED-FORMAT.md section 4.7 for what this does and does not stop.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

from kiosk.benefits.model import BenefitsDoc, PersonRecord
from kiosk.benefits.sealing import Unreadable, derive, open_record
from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

CANDIDATES = 4
# The commonest family names in China, in order: candidates when a
# village's own list is too short to choose from (``feed build`` tops the
# list up from these to eight names).
COMMON_FAMILY_NAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")


@dataclass(frozen=True)
class Lookup:
    """One number's answer, held by the screen until the villager leaves it."""

    candidates: tuple[str, ...]
    record: PersonRecord | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"Lookup({len(self.candidates)} candidates)"

    def choose(self, family_name: str) -> PersonRecord | None:
        """The payments when ``family_name`` is the person's; None otherwise
        (a wrong name looks exactly like a number without records)."""
        if self.record is not None and family_name == self.record.family_name:
            return self.record
        return None


def look_up(doc: BenefitsDoc, number: str) -> Lookup:
    """The slow part (one key derivation, a fraction of a second): call it
    off the UI thread. ``number`` must pass ``id_number.is_valid``."""
    keys = derive(number, doc.kdf)
    sealed = next((record for record in doc.records if record.key == keys.lookup), None)
    record = None
    if sealed is not None:
        try:
            record = open_record(sealed, keys)
        except Unreadable as exc:
            # A fault of the publisher's (the document is signed): told to the
            # technician without a word of whose record it is; the villager
            # gets the answer for a number without records.
            log_event(log, "benefits.record_unreadable", logging.WARNING, reason=str(exc).split(":")[0])
    rng = random.Random(keys.pick(b"family-name candidates"))
    # The village's own family names: decoys from the whole country would
    # make a clan village's own name stand out among them.
    pool = [name for name in doc.family_names if record is None or name != record.family_name]
    pool += [
        name
        for name in COMMON_FAMILY_NAMES
        if len(pool) < CANDIDATES and name not in pool and (record is None or name != record.family_name)
    ]
    chosen = rng.sample(pool, CANDIDATES if record is None else CANDIDATES - 1)
    if record is not None:
        chosen.insert(rng.randrange(CANDIDATES), record.family_name)
    return Lookup(tuple(chosen), record)
