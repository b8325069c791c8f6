"""Bad feed documents are rejected with the document and field path."""

import datetime as dt
import shutil
import subprocess
import sys

import msgspec
import pytest

from kiosk import decode
from kiosk.snapshot import load_folder

ENTRY = {"id": "e1", "date": "2025-03-02", "direction": "expense", "amount_fen": 1200, "category": "办公费", "purpose": "买墨盒"}


def _month(*entries):
    return msgspec.json.encode({"month": "2025-03", "entries": list(entries)})


def _error(name, data) -> str:
    with pytest.raises(decode.FeedError) as info:
        decode.decode_document(name, data)
    return str(info.value)


def test_good_month_decodes():
    doc = decode.decode_document("finance/2025-03.json", _month(ENTRY))
    assert doc.entries[0].amount_fen == 1200


def test_a_months_entries_share_one_copy_of_each_repeated_text_and_date():
    """A terminal holds every month for its whole life: a category, payee,
    purpose, approver or date repeated by thousands of entries is one object."""
    entries = [dict(ENTRY, id=f"e{i}", counterparty="青石供电所", approver="罗会计") for i in range(3)]
    entries.append(dict(ENTRY, id="e3", date="2025-03-09", category="水电费", purpose="三月电费"))
    first, second, _, other = decode.decode_document("finance/2025-03.json", _month(*entries)).entries
    for name in ("category", "counterparty", "purpose", "approver", "date"):
        assert getattr(first, name) is getattr(second, name), name
    again = decode.decode_document("finance/2025-03.json", _month(*entries)).entries[0]
    assert again.category is first.category and again.purpose is first.purpose  # the next sync's copy too
    assert (other.date, other.category, other.purpose, other.counterparty) == (dt.date(2025, 3, 9), "水电费", "三月电费", "")
    notices = [{"id": f"n{i}", "title": f"通知{i}", "date": "2025-03-02", "issuer": "青石村村委会", "body": "正文"} for i in range(2)]
    one, two = decode.decode_document(decode.NOTICES_DOC, msgspec.json.encode({"notices": notices})).notices
    assert one.issuer is two.issuer and one.date is two.date


def test_wrong_type_names_document_and_path():
    entries = [dict(ENTRY, id=f"e{i}") for i in range(13)]
    entries[12]["amount_fen"] = "1200"
    assert _error("finance/2025-03.json", _month(*entries)) == "finance/2025-03.json: $.entries[12].amount_fen: expected int, got str"


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"amount_fen": 12.5}, "$.entries[0].amount_fen: expected int, got float"),
        ({"amount_fen": 0}, "$.entries[0].amount_fen: expected int >= 1"),
        ({"date": "2025-04-01"}, "$.entries[0].date: 2025-04-01 is not in 2025-03"),
        ({"direction": "sideways"}, "$.entries[0].direction: invalid enum value 'sideways'"),
        ({"receipts": [{"sha256": "abc"}]}, "$.entries[0].receipts[0].sha256"),
    ],
)
def test_field_rules(change, fragment):
    assert fragment in _error("finance/2025-03.json", _month(dict(ENTRY, **change)))


def test_missing_field_and_bad_json():
    entry = dict(ENTRY)
    del entry["purpose"]
    assert "$.entries[0]: object missing required field purpose" in _error("finance/2025-03.json", _month(entry))
    assert "finance/2025-03.json: $: not valid JSON" in _error("finance/2025-03.json", b'{"month": ')


def test_duplicate_ids_and_unknown_category():
    powers = {
        "categories": [{"id": "major", "name": "重大决策"}],
        "items": [
            {"id": "a", "category": "minor", "name": "x", "summary": "x", "responsible": "x", "flowchart": {"nodes": [], "edges": []}}
        ],
    }
    assert _error("powers.json", msgspec.json.encode(powers)) == "powers.json: $.items[0].category: unknown category 'minor'"
    assert "duplicate id 'e1'" in _error("finance/2025-03.json", _month(ENTRY, ENTRY))


def test_disclosure_row_width_is_checked():
    doc = {
        "disclosures": [
            {
                "id": "d",
                "kind": "allowance",
                "title": "低保",
                "publicity_start": "2026-11-01",
                "publicity_end": "2026-11-08",
                "columns": ["姓名", "人数"],
                "rows": [["张某", "3", "x"]],
            }
        ]
    }
    assert "$.disclosures[0].rows[0]: has 3 cells, expected 2" in _error("disclosures.json", msgspec.json.encode(doc))


def _broken_copy(demo_folder, tmp_path):
    folder = tmp_path / "village"
    shutil.copytree(demo_folder, folder, ignore=shutil.ignore_patterns("media"))
    month = sorted((folder / "finance").glob("*.json"))[0]
    doc = msgspec.json.decode(month.read_bytes())
    doc["entries"][0]["amount_fen"] = "lots"
    month.write_bytes(msgspec.json.encode(doc))
    return folder, f"finance/{month.name}: $.entries[0].amount_fen: expected int, got str"


def test_cross_document_project_link(tmp_path):
    from kiosk.paths import DEMO_VILLAGE

    folder = tmp_path / "village"
    shutil.copytree(DEMO_VILLAGE, folder, ignore=shutil.ignore_patterns("media"))
    month = sorted((folder / "finance").glob("*.json"))[-1]
    doc = msgspec.json.decode(month.read_bytes())
    doc["entries"][0]["project_id"] = "no-such-project"
    month.write_bytes(msgspec.json.encode(doc))
    with pytest.raises(decode.FeedError) as info:
        load_folder(folder)
    assert str(info.value) == f"finance/{month.name}: $.entries[0].project_id: unknown project 'no-such-project'"


def test_cli_rejects_bad_data_with_nonzero_exit(tmp_path):
    from kiosk.paths import DEMO_VILLAGE

    folder, message = _broken_copy(DEMO_VILLAGE, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "tour", "--data", str(folder), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 4
    assert message in result.stderr
    assert not (tmp_path / "o").exists()


def test_app_keeps_what_it_had_on_bad_data(ui, demo, tmp_path):
    from kiosk.paths import DEMO_VILLAGE
    from screens.shell.registry import ScreenName

    ui.go(ScreenName.PROJECTS)
    folder, message = _broken_copy(DEMO_VILLAGE, tmp_path)
    error = ui.app.try_replace(lambda: load_folder(folder))
    ui.pump()
    assert error == message
    assert ui.app.data.snapshot is demo
    assert ui.app.nav.current[0] is ScreenName.PROJECTS
    assert demo.projects[0].name in ui.texts()
