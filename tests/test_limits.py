"""The limits a terminal puts on what it is sent (``kiosk.limits``): each
one holds at its value and refuses one more, names the document and the
field, and is written down where a publisher reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kiosk import decode, limits
from kiosk.snapshot import load_folder, read_folder_documents
from support.maximal_village import longest_text_fields, write_maximal_village

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_longest_texts_the_limits_allow_are_valid(tmp_path):
    snapshot = load_folder(write_maximal_village(tmp_path / "village"))
    assert len(snapshot.notices[0].body) == limits.BODY_CHARS
    assert len(snapshot.village.name) == limits.NAME_CHARS
    assert set(longest_text_fields().values()) == {limits.NAME_CHARS, limits.LINE_CHARS, limits.PARAGRAPH_CHARS, limits.BODY_CHARS}


# One field of each size, in the document it is found in.
_ONE_MORE = [
    ("village.json", ("village", "name"), limits.NAME_CHARS),
    ("notices.json", ("notices", 0, "title"), limits.LINE_CHARS),
    ("powers.json", ("items", 0, "summary"), limits.PARAGRAPH_CHARS),
    ("notices.json", ("notices", 0, "body"), limits.BODY_CHARS),
    ("disclosures.json", ("disclosures", 0, "rows", 0, 0), limits.NAME_CHARS),
    ("projects.json", ("projects", 0, "stages", 0, "note"), limits.LINE_CHARS),
]


@pytest.mark.parametrize(("name", "where", "limit"), _ONE_MORE, ids=[f"{name}-{where[-1]}" for name, where, _ in _ONE_MORE])
def test_one_character_more_is_refused_naming_document_and_field(tmp_path, name, where, limit):
    documents = read_folder_documents(write_maximal_village(tmp_path / "village"))
    data = json.loads(documents[name])
    holder = data
    for key in where[:-1]:
        holder = holder[key]
    assert len(holder[where[-1]]) == limit  # at the limit: valid (the test above)
    holder[where[-1]] += "喆"
    path = "$" + "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in where)
    with pytest.raises(decode.FeedError) as caught:
        decode.decode_document(name, json.dumps(data, ensure_ascii=False).encode())
    assert str(caught.value) == f"{name}: {path}: expected str of length <= {limit}"


def test_nesting_is_measured_without_decoding_and_brackets_in_strings_do_not_count():
    assert limits.json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert limits.json_depth(b'{"a": "[[[{{{", "b": "\\"[[[", "c": "\\\\"}') == 1
    assert limits.json_depth(b'{"a": "]]]]", "b": [[[]]]}') == 4  # closing brackets in text hide nothing
    assert limits.json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000
    assert limits.json_problem(b"[" * 33 + b"]" * 33) == "nested 33 levels deep, more than the 32 allowed"
    assert limits.json_problem(b"[" * 32 + b"]" * 32) is None


def test_a_document_too_large_is_refused_before_decoding():
    data = b'{"notices": [], "padding": "' + b" " * limits.MAX_DOCUMENT_BYTES + b'"}'
    with pytest.raises(
        decode.FeedError, match=rf"^notices.json: \$: {len(data)} bytes, more than the {limits.MAX_DOCUMENT_BYTES} allowed$"
    ):
        decode.decode_document("notices.json", data)


def test_every_limit_is_written_where_a_publisher_reads_it():
    text = (DOCS / "FEED-FORMAT.md").read_text(encoding="utf-8")
    section = text[text.index("## 10. Limits") :]
    figures = {
        "text sizes": [limits.NAME_CHARS, limits.LINE_CHARS, limits.PARAGRAPH_CHARS, limits.BODY_CHARS],
        "document": [limits.MAX_DOCUMENT_BYTES // (1024 * 1024), limits.MAX_JSON_DEPTH],
        "pictures": [limits.MAX_PICTURE_PIXELS // 1_000_000],
        "subsidy": [
            limits.SCRYPT_MAX_MEMORY // (1024 * 1024),
            limits.SCRYPT_MAX_P,
            limits.BENEFIT_RECORDS,
            limits.FAMILY_NAMES,
            limits.SEALED_RECORD_CHARS,
            limits.OPENED_RECORD_BYTES // (1024 * 1024),
        ],
    }
    numbers = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", section)}
    for what, values in figures.items():
        assert set(values) <= numbers, f"FEED-FORMAT section 10 does not state the {what} limits {values}"
    protocol = (DOCS / "FEED-PROTOCOL.md").read_text(encoding="utf-8")
    assert "allow_http" in protocol and "allow_http" in text
