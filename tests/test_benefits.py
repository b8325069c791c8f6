"""民生资金查询 in the core: the ID number's check character, the sealed
records, the lookup with its family-name second factor, and ``feed build``
sealing a source folder's ``benefits-source.json`` -- the real CLI in a
fresh process, whose published tree must hold no ID number, name or
amount in the clear."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path

import msgspec
import pytest

from kiosk import decode
from kiosk.benefits import id_number
from kiosk.benefits.lookup import CANDIDATES, look_up
from kiosk.benefits.model import BenefitsDoc, Kdf
from kiosk.benefits.publish import SOURCE_NAME, default_kdf, seal_source
from kiosk.benefits.sealing import Unreadable, derive, open_record
from kiosk.feed.manifest import BLOB_DIR
from support.feed_fixtures import tree_manifest, write_village
from support.kiosk_process import village_kiosk
from tooling.demo import benefits as demo

# Cheap parameters for the tests' own documents (the default costs 0.1-0.4 s a person).
FAST_KDF = Kdf(salt="MDEyMzQ1Njc4OWFiY2RlZg==", n=2**10, r=8, p=1)
CARD = "11010519491231002X"  # the standard's own example number


def test_check_character_follows_gb_11643():
    assert id_number.check_character(CARD[:17]) == "X"
    assert id_number.is_valid(CARD) and id_number.is_valid(CARD.lower())
    for person in (demo.LIU_DEMING, demo.OUYANG_CHUNHUA, demo.XIE_XIAOJUN):
        assert id_number.is_valid(person.id_number)


def test_every_single_wrong_digit_and_every_swap_is_caught():
    number = demo.LIU_DEMING.id_number
    for place in range(id_number.LENGTH):
        for other in "0123456789X":
            slip = number[:place] + other + number[place + 1 :]
            if slip != number and (place == 17 or other != "X"):
                assert not id_number.is_valid(slip), slip
    for place in range(id_number.LENGTH - 1):
        swapped = number[:place] + number[place + 1] + number[place] + number[place + 2 :]
        if swapped != number:
            assert not id_number.is_valid(swapped), swapped


def test_a_right_check_character_on_an_impossible_birth_date_is_refused():
    first17 = "43132219580231007"  # 31 February
    assert not id_number.is_valid(first17 + id_number.check_character(first17))


def _doc() -> BenefitsDoc:
    return seal_source(demo.source(), FAST_KDF)


def test_a_record_opens_only_with_its_own_number():
    doc = _doc()
    keys = derive(demo.LIU_DEMING.id_number, FAST_KDF)
    (sealed,) = [record for record in doc.records if record.key == keys.lookup]
    record = open_record(sealed, keys)
    assert record.family_name == "刘"
    assert sum(p.amount_fen for p in record.payments if p.programme == "农村低保金") == 22 * 70_000
    with pytest.raises(Unreadable):
        open_record(sealed, derive(demo.ZENG_GUIYING.id_number, FAST_KDF))


def test_the_family_name_is_a_second_factor_that_tells_nothing():
    doc = _doc()
    found = look_up(doc, demo.OUYANG_CHUNHUA.id_number)
    assert len(found.candidates) == CANDIDATES and "欧阳" in found.candidates
    assert look_up(doc, demo.OUYANG_CHUNHUA.id_number).candidates == found.candidates  # trying again shows nothing new
    assert found.choose("欧阳") is not None
    assert all(found.choose(name) is None for name in found.candidates if name != "欧阳")
    nobody = look_up(doc, demo.NOBODY)
    assert len(nobody.candidates) == CANDIDATES and len(set(nobody.candidates)) == CANDIDATES
    assert set(nobody.candidates) <= set(doc.family_names)  # the village's own names, none standing out
    assert all(nobody.choose(name) is None for name in nobody.candidates)
    assert repr(found) == "Lookup(4 candidates)"  # nothing of the person in a traceback or log


def test_a_household_member_sees_the_household_payments_with_names_of_those_covered():
    found = look_up(_doc(), demo.ZENG_GUIYING.id_number)
    record = found.choose("曾")
    assert record is not None
    allowance = next(p for p in record.payments if p.programme == "农村低保金")
    assert allowance.covers == [demo.LIU_DEMING.name, demo.ZENG_GUIYING.name]


def test_the_sealed_document_holds_no_number_name_or_amount():
    text = msgspec.json.encode(_doc()).decode()
    people = [person for household in demo.HOUSEHOLDS.values() for person in household]
    for person in people:
        assert person.id_number not in text and person.name not in text
    assert "70000" not in text and "农村低保金" not in text
    decode.decode_document(decode.BENEFITS_DOC, text.encode())  # within a terminal's limits


def test_a_terminal_refuses_parameters_that_would_take_its_memory():
    heavy = msgspec.structs.replace(_doc(), kdf=msgspec.structs.replace(FAST_KDF, n=2**20))
    with pytest.raises(decode.FeedError, match=r"\$\.kdf"):
        decode.decode_document(decode.BENEFITS_DOC, msgspec.json.encode(heavy))


# ---------------------------------------------------------------- feed build, the real CLI


def _source_folder(base: Path, source: dict) -> Path:
    src = write_village(base / "src")
    (src / SOURCE_NAME).write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    return src


def _plain_source() -> dict:
    return json.loads(msgspec.json.encode(demo.source()))


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    keys = tmp_path_factory.mktemp("keys")
    result = village_kiosk("feed", "keygen", "--out", str(keys))
    assert result.returncode == 0, result.stderr
    return keys / "feed.key"


@pytest.mark.slow
def test_feed_build_seals_the_source_and_publishes_nothing_of_it_in_clear(tmp_path, key):
    src = _source_folder(tmp_path, _plain_source())
    out = tmp_path / "out"
    result = village_kiosk("feed", "build", str(src), str(out), "--key", str(key))
    assert result.returncode == 0, result.stderr
    manifest = tree_manifest(out)
    assert SOURCE_NAME not in {entry.name for entry in manifest.files}
    (entry,) = [entry for entry in manifest.files if entry.name == decode.BENEFITS_DOC]
    doc = decode.decode_document(decode.BENEFITS_DOC, (out / BLOB_DIR / entry.sha256).read_bytes())
    assert doc.kdf == default_kdf(base64.b64decode(doc.kdf.salt))  # the village's salt, the default cost
    assert look_up(doc, demo.LUO_JINGUI.id_number).choose("罗") is not None
    published = b"".join(path.read_bytes() for path in out.rglob("*") if path.is_file())
    for household in demo.HOUSEHOLDS.values():
        for person in household:
            assert person.id_number.encode() not in published
            assert person.name.encode() not in published
    assert "重度残疾人护理补贴".encode() not in published
    # The salt is the village's own: another village's build of the same people gives other keys.
    other = write_village(tmp_path / "other", code="431322100299")
    (other / SOURCE_NAME).write_bytes((src / SOURCE_NAME).read_bytes())
    assert village_kiosk("feed", "build", str(other), str(tmp_path / "out2"), "--key", str(key)).returncode == 0
    other_manifest = tree_manifest(tmp_path / "out2")
    (other_entry,) = [e for e in other_manifest.files if e.name == decode.BENEFITS_DOC]
    other_doc = decode.decode_document(decode.BENEFITS_DOC, (tmp_path / "out2" / BLOB_DIR / other_entry.sha256).read_bytes())
    assert other_doc.kdf.salt != doc.kdf.salt
    assert not {r.key for r in other_doc.records} & {r.key for r in doc.records}


def test_feed_build_names_the_bad_field_and_never_quotes_the_number(tmp_path, key):
    source = _plain_source()
    number = source["households"][1]["members"][0]["id_number"]
    slip = number[:-1] + ("0" if number[-1] != "0" else "1")
    source["households"][1]["members"][0]["id_number"] = slip
    src = _source_folder(tmp_path, source)
    out = tmp_path / "out"
    result = village_kiosk("feed", "build", str(src), str(out), "--key", str(key))
    assert result.returncode != 0
    assert "benefits-source.json: $.households[1].members[0].id_number: not a valid resident ID number" in result.stderr
    assert slip not in result.stderr + result.stdout and number[:14] not in result.stderr
    assert not (out / "manifest.json").exists()


def test_feed_build_refuses_a_payment_covering_someone_outside_the_household(tmp_path, key):
    source = _plain_source()
    source["households"][0]["payments"][0]["covers"] = ["王小二"]
    src = _source_folder(tmp_path, source)
    result = village_kiosk("feed", "build", str(src), str(tmp_path / "out"), "--key", str(key))
    assert result.returncode != 0
    assert re.search(r"\$\.households\[0\]\.payments\[0\]\.covers\[0\]: '王小二' is not a member of this household", result.stderr)


def test_demo_village_has_households_with_valid_numbers_and_fen_amounts():
    source = demo.source()
    assert len(source.households) >= 3
    for household in source.households:
        assert all(id_number.is_valid(member.id_number) for member in household.members)
        assert all(isinstance(p.amount_fen, int) and p.amount_fen > 0 for p in household.payments)
        assert all(p.date <= source.as_of <= dt.date(2026, 12, 31) for p in household.payments)
