"""``feed build``'s step for 民生资金查询: the publisher's plain source
(``benefits-source.json``, resident ID numbers in the clear) becomes the
sealed ``benefits.json`` a terminal receives. The plain file is read here
and nowhere else; nothing of it but the sealed records leaves this step.

Every member of a household gets a record of their own, opened by their
own ID number and asking their own family name, holding every payment of
the household (a subsidy is often paid to the head of the household for
all of it). One key derivation per person: about 0.2 s each with the
default parameters, spread over the machine's cores (scrypt releases the
interpreter lock).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import msgspec

from kiosk.benefits.lookup import COMMON_FAMILY_NAMES
from kiosk.benefits.model import SALT_BYTES, BenefitsDoc, BenefitsSource, Kdf, PersonRecord, source_problem
from kiosk.benefits.sealing import DEFAULT_N, DEFAULT_P, DEFAULT_R, derive, seal
from kiosk.decode import _split_msgspec_error
from kiosk.limits import json_problem

SOURCE_NAME = "benefits-source.json"
# Never fewer family names to choose candidates from than this: a village
# whose records hold two family names would otherwise offer those two and
# the commonest of the country, which stand out.
_MIN_FAMILY_NAMES = 8


class SourceError(ValueError):
    """``benefits-source.json`` is not valid; the message names the field, never a number."""


def default_kdf(salt: bytes) -> Kdf:
    return Kdf(salt=base64.b64encode(salt).decode("ascii"), n=DEFAULT_N, r=DEFAULT_R, p=DEFAULT_P)


def village_salt(secret: bytes, village_code: str) -> bytes:
    """A salt of the village's own that stays the same from one build to the
    next (so an unchanged source gives the same document), unknown before
    the publisher publishes it: derived from a secret of the publisher's
    (its signing key) and the village code."""
    return hmac.new(secret, b"village-kiosk benefits salt " + village_code.encode("ascii"), hashlib.sha256).digest()[:SALT_BYTES]


def read_source(path: Path) -> BenefitsSource:
    data = path.read_bytes()
    problem = json_problem(data)
    if problem is not None:
        raise SourceError(f"{path.name}: $: {problem}")
    try:
        source = msgspec.json.decode(data, type=BenefitsSource)
    except msgspec.ValidationError as exc:
        where, message = _split_msgspec_error(str(exc))  # the field and the rule, never the value
        raise SourceError(f"{path.name}: {where}: {message}") from None
    except msgspec.DecodeError as exc:
        raise SourceError(f"{path.name}: $: not valid JSON ({exc})") from None
    broken = source_problem(source)
    if broken is not None:
        raise SourceError(f"{path.name}: {broken[0]}: {broken[1]}")
    return source


def seal_source(source: BenefitsSource, kdf: Kdf, workers: int | None = None) -> BenefitsDoc:
    """The sealed document: one record per member, in an order that says
    nothing about households (sorted by lookup key)."""
    people: list[tuple[str, PersonRecord]] = []
    for household in source.households:
        everyone = [member.name for member in household.members]
        payments = [payment if payment.covers else msgspec.structs.replace(payment, covers=everyone) for payment in household.payments]
        for member in household.members:
            people.append((member.id_number, PersonRecord(family_name=member.surname, payments=payments)))
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        keys = list(pool.map(lambda person: derive(person[0], kdf), people))
    records = sorted((seal(record, key) for (_number, record), key in zip(people, keys, strict=True)), key=lambda r: r.key)
    return BenefitsDoc(as_of=source.as_of, enquiries=source.enquiries, kdf=kdf, family_names=_family_names(source), records=records)


def _family_names(source: BenefitsSource) -> list[str]:
    names = dict.fromkeys([*source.family_names, *sorted({m.surname for h in source.households for m in h.members})])
    for common in COMMON_FAMILY_NAMES:
        if len(names) >= _MIN_FAMILY_NAMES:
            break
        names.setdefault(common)
    return list(names)


def sealed_document(src: Path, village_code: str, secret: bytes, kdf: Kdf | None = None) -> bytes | None:
    """``benefits.json``'s bytes from ``SRC/benefits-source.json``, or None
    when the folder has no such file. ``secret`` makes the village's salt."""
    path = src / SOURCE_NAME
    if not path.is_file():
        return None
    doc = seal_source(read_source(path), kdf or default_kdf(village_salt(secret, village_code)))
    return msgspec.json.encode(doc)
