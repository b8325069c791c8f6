"""Masking of personal numbers in any text shown on the public screen.

Disclosure lists may name people, as paper notices do, but resident ID
numbers, phone numbers and bank accounts must never appear in full,
whatever the feed sends. ``masked_document`` applies ``mask_text`` to every
free text of every document once, when a snapshot is made (``Snapshot``):
no screen, search result or reading can then show what a clerk typed into
a field nobody expected a number in (a power's name, a category's
description). Free text is every string field of the model without a
pattern: ids, hashes, dates and codes have patterns and are left alone.

What is masked (a "digit run" is a maximal stretch of 0-9; fullwidth digits
count as digits, zero-width characters inside a number are ignored):

- long numbers: a run of 15 or more digits (15-digit old and 18-digit
  resident IDs, 16-19-digit bank cards and accounts; longer runs are masked
  too, since nothing a villager must read is that long), 17 digits + X, and
  the same written in groups -- groups of four (``6222 0212 3456 7890 123``)
  or the ID layout 6-8-4 / 6-6-3 -- joined by spaces or hyphens:
  first 4 + one star per hidden digit + last 4 (``4313**********1234``);
- mobile numbers: 11 digits ``1[3-9]...`` as one run or grouped 3-4-4 with
  spaces or hyphens, optionally after ``+86`` / ``0086`` / ``86``:
  ``138****5678`` (the country prefix is kept as written);
- landlines with their area code (010, 02x or a 4-digit 0xxx code), written
  ``0738-1234567``, ``0738 1234567``, ``(0738)1234567`` or as one run
  ``07381234567``: area code kept, then the last 4 digits: ``0738-***4567``.

What is deliberately left alone:

- numbers joined by ``,`` or ``.`` are separate runs, so money
  (``12,345.50``) never looks like a personal number;
- dates (``2026-11-20``) and voucher numbers (``记-2026-03-015``) have
  groups too short for any grouped shape above;
- 11- to 14-digit runs that are not a mobile or landline shape, notably the
  12-digit statistical village code (``431322106201``, never starting with
  0, while every landline area code does) and dated serials;
- short service numbers (12388, 12345, 110) and local landline numbers
  written without an area code: both are too short to tell from a quantity;
- the village's own published hotlines, passed as ``public`` (see
  ``public_numbers``): the discipline commission's reporting phone is a
  landline that notices quote on purpose.

Safety wins over looks: four or more 4-digit groups in a row (even a list
of years, ``2013 2014 2015 2016``) are taken for a bank card and masked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from kiosk import model

_Doc = TypeVar("_Doc", bound=msgspec.Struct)

# One-to-one folds, so match positions in the folded text are positions in
# the original: fullwidth digits and marks, and the dashes and spaces people
# paste between digit groups. (Fullwidth brackets, common in Chinese text,
# are matched by the patterns instead: folding costs more than matching.)
_FOLD = str.maketrans(
    "０１２３４５６７８９＋Ｘｘ－\u2010\u2011\u2012\u2013\u00a0\u3000",
    "0123456789+Xx-----  ",
)
# Invisible characters that could split a number so no pattern sees it.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_FOLDABLE = re.compile("[０-９＋Ｘｘ－\u2010-\u2013\u00a0\u3000]")
# A stretch of text that could hold a personal number: every shape below
# has at least 10 digits, so shorter stretches (dates, vouchers, amounts)
# skip the full pattern, which keeps masking 5,000 finance rows cheap.
_CHAIN = re.compile(r"[0-9(（+][0-9 ()（）+Xx-]{9,}")

_SEP = "[ -]"
_LONG = rf"""
    (?P<long>
        [0-9]{{17}}[Xx]
      | [0-9]{{15,}}
      | [0-9]{{4}}(?:{_SEP}[0-9]{{4}}){{3,}}(?:{_SEP}[0-9]{{0,3}}[0-9Xx])?
      | [0-9]{{6}}{_SEP}[0-9]{{8}}{_SEP}[0-9]{{3}}[0-9Xx]
      | [0-9]{{6}}{_SEP}[0-9]{{6}}{_SEP}[0-9]{{3}}
    )"""
_MOBILE = rf"""
    (?P<country>(?:\+|00)?86{_SEP}?)?
    (?P<mobile>1[3-9][0-9](?:{_SEP}?[0-9]{{4}}){{2}})"""
_LANDLINE = rf"""
    (?P<open>[(（])?(?P<area>010|02[0-9]|0[3-9][0-9]{{2}})(?(open)[)）])
    {_SEP}?(?P<local>[0-9]{{7,8}})"""
_NOT_DIGIT = re.compile("[^0-9]")
_SENSITIVE = re.compile(rf"(?<![0-9])(?:{_LONG}|{_MOBILE}|{_LANDLINE})(?![0-9])", re.VERBOSE)


def public_numbers(hotlines: Iterable[model.Hotline]) -> frozenset[str]:
    """The digits of numbers published on purpose (the village's hotlines),
    which ``mask_text`` must show in full."""
    return frozenset(_digits(hotline.number) for hotline in hotlines)


def mask_text(text: str, public: frozenset[str] = frozenset()) -> str:
    """``text`` with every personal number masked (see the module doc).

    ``public`` holds digit strings (e.g. ``"07388312388"``) of phone numbers
    to keep; long numbers (IDs, bank accounts) are never kept.
    """
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    folded = text.translate(_FOLD) if _FOLDABLE.search(text) else text
    chain = _CHAIN.search(folded)
    pieces: list[str] = []
    done = 0
    while chain:
        for match in _SENSITIVE.finditer(folded, chain.start(), chain.end()):
            pieces.append(text[done : match.start()])
            pieces.append(_masked(match, text[match.start() : match.end()], public))
            done = match.end()
        chain = _CHAIN.search(folded, chain.end())
    return "".join(pieces) + text[done:] if pieces else text


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


def _masked(match: re.Match[str], original: str, public: frozenset[str]) -> str:
    if match["long"]:
        number = match["long"].replace(" ", "").replace("-", "")
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    if match["mobile"]:
        number = _digits(match["mobile"])
        if number in public:
            return original
        return (match["country"] or "") + number[:3] + "****" + number[-4:]
    area, local = match["area"], match["local"]
    if area + local in public:
        return original
    return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"


@dataclass(frozen=True)
class MaskedTable:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def masked_disclosure(disclosure: model.Disclosure, public: frozenset[str] = frozenset()) -> MaskedTable:
    """The disclosure's table with every cell (and heading) masked."""
    return MaskedTable(
        columns=tuple(mask_text(column, public) for column in disclosure.columns),
        rows=tuple(tuple(mask_text(cell, public) for cell in row) for row in disclosure.rows),
    )


def masked_media(refs: list[model.MediaRef], public: frozenset[str] = frozenset()) -> list[model.MediaRef]:
    """Photos and receipts with their captions masked."""
    return [model.MediaRef(sha256=ref.sha256, caption=mask_text(ref.caption, public)) for ref in refs]


def masked_document(document: _Doc, public: frozenset[str] = frozenset()) -> _Doc:
    """``document`` (a decoded model Struct) with every free text masked;
    the same object where nothing needed masking (most records)."""
    return _masker(type(document))(document, public)


_Masker = Callable[[Any, frozenset[str]], Any]


@functools.cache
def _masker(struct: type) -> _Masker:
    """How to mask a Struct type's free texts: worked out once per type."""
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType), struct
    fields: list[tuple[str, _Masker]] = []
    for field in info.fields:
        field_mask = _field_masker(field.type)
        if field_mask is not None:
            fields.append((field.name, field_mask))

    def mask(value, public):
        changes = {}
        for name, mask_field in fields:
            old = getattr(value, name)
            new = mask_field(old, public)
            if new is not old:
                changes[name] = new
        return msgspec.structs.replace(value, **changes) if changes else value

    return mask


def _field_masker(info: msgspec.inspect.Type) -> _Masker | None:
    if isinstance(info, msgspec.inspect.StrType):
        if info.pattern is not None:
            return None  # an id, a hash, a date, a code: not text
        return lambda text, public: _mask_unless_same(text, public)
    if isinstance(info, msgspec.inspect.ListType):
        item = _field_masker(info.item_type)
        if item is None:
            return None
        return lambda items, public: _mask_items(items, item, public)
    if isinstance(info, msgspec.inspect.UnionType):
        inner = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        masker = _field_masker(inner[0]) if len(inner) == 1 else None
        if masker is None:
            return None
        return lambda value, public: None if value is None else masker(value, public)
    if isinstance(info, msgspec.inspect.StructType):
        return lambda value, public: _masker(info.cls)(value, public)
    return None


def _mask_unless_same(text: str, public: frozenset[str]) -> str:
    masked = mask_text(text, public)
    return text if masked == text else masked


def _mask_items(items: list, mask_item: _Masker, public: frozenset[str]) -> list:
    masked = [mask_item(item, public) for item in items]
    return items if all(new is old for new, old in zip(masked, items, strict=True)) else masked
