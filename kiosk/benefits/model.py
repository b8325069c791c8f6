"""The documents of 民生资金查询 (docs/FEED-FORMAT.md section 4.7).

Two shapes of the same payments:

- ``BenefitsSource`` (``benefits-source.json``) is the publisher's: plain
  resident ID numbers, households, payments. It stays on the publisher's
  side: ``feed build`` seals it into
- ``BenefitsDoc`` (``benefits.json``), the one a terminal receives: per
  person a lookup key and a sealed ``PersonRecord``, both derived from the
  person's ID number with scrypt (``kiosk.benefits.sealing``). It holds no
  ID number, name or amount in the clear.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
from typing import Annotated

import msgspec
from msgspec import Meta

from kiosk import limits
from kiosk.benefits import id_number
from kiosk.model import Identifier, LineString, LineText, NameString, NameText, PositiveFen, Struct

IdNumberText = Annotated[str, Meta(pattern=r"^[0-9]{17}[0-9X]$", description="18-character resident ID number, X upper-case")]
LookupKey = Annotated[str, Meta(pattern=r"^[0-9a-f]{32}$")]
Base64Text = Annotated[str, Meta(pattern=r"^[A-Za-z0-9+/]*={0,2}$")]
SALT_BYTES = 16  # the least; at most 64


# ---------------------------------------------------------------- what a sealed record holds


class Payment(Struct, frozen=True, kw_only=True):
    id: Identifier
    date: dt.date
    programme: NameText
    amount_fen: PositiveFen
    payer: LineText
    covers: list[NameText] = msgspec.field(default_factory=list)


class PersonRecord(Struct, frozen=True, kw_only=True):
    """Everything the terminal shows one person, once their ID number has
    opened it: the family name they must pick, then their household's
    payments."""

    family_name: NameText
    payments: list[Payment]


# ---------------------------------------------------------------- benefits.json (published)


class KdfAlgorithm(enum.Enum):
    SCRYPT = "scrypt"


class Kdf(Struct, frozen=True, kw_only=True):
    algorithm: KdfAlgorithm = KdfAlgorithm.SCRYPT
    salt: Base64Text
    n: int
    r: int
    p: int


class SealedRecord(Struct, frozen=True, kw_only=True):
    key: LookupKey
    sealed: Base64Text


class BenefitsDoc(Struct, frozen=True, kw_only=True):
    as_of: dt.date
    enquiries: LineString = ""
    kdf: Kdf
    family_names: list[NameText]
    records: list[SealedRecord]


# ---------------------------------------------------------------- benefits-source.json (the publisher's)


class Member(Struct, frozen=True, kw_only=True):
    name: NameText
    id_number: IdNumberText
    family_name: NameString = ""

    @property
    def surname(self) -> str:
        """The family name, given or else the name's first character."""
        return self.family_name or self.name[0]


class Household(Struct, frozen=True, kw_only=True):
    id: Identifier
    members: list[Member]
    payments: list[Payment]


class BenefitsSource(Struct, frozen=True, kw_only=True):
    as_of: dt.date
    enquiries: LineString = ""
    family_names: list[NameText] = msgspec.field(default_factory=list)
    households: list[Household]


# ---------------------------------------------------------------- rules a type alone cannot say

Problem = tuple[str, str]  # (JSON path, message)


def kdf_problem(kdf: Kdf) -> str | None:
    """Why a terminal may not run these parameters, or None."""
    if kdf.n < 2 or kdf.n & (kdf.n - 1):
        return f"n must be a power of two, not {kdf.n}"
    if kdf.r < 1 or kdf.p < 1:
        return "r and p must be at least 1"
    if 128 * kdf.n * kdf.r > limits.SCRYPT_MAX_MEMORY:
        return f"n·r·128 = {128 * kdf.n * kdf.r} bytes of memory, more than the {limits.SCRYPT_MAX_MEMORY} a terminal gives a lookup"
    if kdf.p > limits.SCRYPT_MAX_P:
        return f"p = {kdf.p}, more than the {limits.SCRYPT_MAX_P} allowed"
    try:
        salt = base64.b64decode(kdf.salt, validate=True)
    except binascii.Error:
        return "the salt is not base64"
    if not SALT_BYTES <= len(salt) <= 64:
        return f"the salt is {len(salt)} bytes, not {SALT_BYTES} to 64"
    return None


def document_problem(doc: BenefitsDoc) -> Problem | None:
    """The first rule ``benefits.json`` breaks, or None."""
    problem = kdf_problem(doc.kdf)
    if problem is not None:
        return "$.kdf", problem
    if len(doc.family_names) > limits.FAMILY_NAMES:
        return "$.family_names", f"{len(doc.family_names)} names, more than the {limits.FAMILY_NAMES} allowed"
    if len(doc.records) > limits.BENEFIT_RECORDS:
        return "$.records", f"{len(doc.records)} records, more than the {limits.BENEFIT_RECORDS} allowed"
    seen: set[str] = set()
    for index, record in enumerate(doc.records):
        if record.key in seen:
            return f"$.records[{index}].key", "the same key as an earlier record"
        seen.add(record.key)
        if len(record.sealed) > limits.SEALED_RECORD_CHARS:
            return f"$.records[{index}].sealed", f"{len(record.sealed)} characters, more than the {limits.SEALED_RECORD_CHARS} allowed"
    return None


def source_problem(source: BenefitsSource) -> Problem | None:
    """The first rule ``benefits-source.json`` breaks, or None. Messages
    never quote an ID number: they may end up in a log or a ticket."""
    numbers: dict[str, str] = {}
    payment_ids: set[str] = set()
    household_ids: set[str] = set()
    for h, household in enumerate(source.households):
        where = f"$.households[{h}]"
        if household.id in household_ids:
            return f"{where}.id", f"duplicate id {household.id!r}"
        household_ids.add(household.id)
        if not household.members:
            return f"{where}.members", "a household needs at least one member"
        names = [member.name for member in household.members]
        for m, member in enumerate(household.members):
            path = f"{where}.members[{m}]"
            if not id_number.is_valid(member.id_number):
                return f"{path}.id_number", "not a valid resident ID number (its check character or birth date is wrong)"
            if member.id_number in numbers:
                return f"{path}.id_number", f"the same ID number as {numbers[member.id_number]}"
            numbers[member.id_number] = f"{path}.id_number"
            if not member.name.startswith(member.surname):
                return f"{path}.family_name", f"{member.name!r} does not start with its family name {member.surname!r}"
        for p, payment in enumerate(household.payments):
            if payment.id in payment_ids:
                return f"{where}.payments[{p}].id", f"duplicate id {payment.id!r}"
            payment_ids.add(payment.id)
            for c, name in enumerate(payment.covers):
                if name not in names:
                    return f"{where}.payments[{p}].covers[{c}]", f"{name!r} is not a member of this household"
    return None
