"""Corrections from the township's spreadsheets: a clerk changes a
published amount in the workbook, the real CLI in a fresh process refuses
it in plain Chinese naming the record by its sheet and 编号 and telling
them to fill in 更正说明, accepts it with the reason there, signs the
reason into the change log, and a terminal syncing over HTTP shows it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest

from kiosk import paths
from kiosk.corrections_view import history_line
from kiosk.disclosure_view import date_zh
from kiosk.feed import changes
from kiosk.feed.history import BEIJING
from kiosk.feed.store import Store
from kiosk.sheets.report import REPORT_SHEET, report_path
from support.feed_fixtures import tree_manifest
from support.kiosk_process import village_kiosk
from support.sheet_fixtures import append_rows, cell_value, edit_cells

pytestmark = pytest.mark.slow  # workbooks published twice and synced

VILLAGE = "431322199206"
REASON = "报账时金额录错，按发票更正。"
NOTES = "更正说明"


def build(workbook: Path, out: Path, feed_key: Path) -> subprocess.CompletedProcess:
    return village_kiosk("feed", "build", str(workbook), str(out), "--key", str(feed_key / "feed.key"))


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(BEIJING).date()


def sync(tmp_path: Path, feed_server, feed_key: Path) -> subprocess.CompletedProcess:
    """``village-kiosk sync --once`` of a terminal of its own, over HTTP."""
    config = tmp_path / "terminal.toml"
    config.write_text(
        f'[feed]\nplatform = "{feed_server.url}"\nvillage = "{VILLAGE}"\npubkeys = ["{feed_key / "feed.pub"}"]\n'
        f'store = "{tmp_path / "terminal-store"}"\nallow_http = true\n'
    )
    return village_kiosk("--config", str(config), "sync", "--once")


def test_a_clerk_corrects_a_published_amount_in_the_workbook_and_the_terminal_shows_why(tmp_path, feed_key, feed_server):
    exported = village_kiosk("feed", "template", "--from", str(paths.DEMO_VILLAGE), "--out", str(tmp_path / "township"))
    assert exported.returncode == 0, exported.stderr
    workbook = tmp_path / "township" / f"{VILLAGE}-枫木冲村.xlsx"
    notes = openpyxl.load_workbook(workbook)[NOTES]
    assert [cell.value for cell in notes[1]] == ["表", "编号", "日期", "更正原因"]
    assert notes.max_row == 2 and str(notes["A2"].value).startswith("示例")  # empty: the example row only

    tree = feed_server.root / VILLAGE
    assert build(workbook, tree, feed_key).returncode == 0
    first = sync(tmp_path, feed_server, feed_key)
    assert first.returncode == 10, first.stdout + first.stderr
    entry, published = cell_value(workbook, "财务收支", "A37"), cell_value(workbook, "财务收支", "D37")
    assert published == 289  # 289.00 元 as the demo village published it

    edit_cells(workbook, {("财务收支", "D37"): 1500.5})
    refused = build(workbook, tree, feed_key)
    assert refused.returncode == 4
    lines = refused.stderr.strip().splitlines()
    assert lines[0] == (
        f"财务收支 第37行 金额（元）：编号“{entry}”这一条已经发布过，这次金额由289.00元改为1,500.50元。"
        f"改已经发布的内容要写明原因：请在“更正说明”表里填一行：表选“财务收支”，编号填“{entry}”，再写日期和更正原因"
    )
    assert lines[-1] == (
        f"没有发布：已经发布过的财务收支编号“{entry}”（金额由289.00元改为1,500.50元）改了，还没有写更正原因。"
        f"请在“更正说明”表里每条填一行（表、编号、日期、更正原因），再发布。"
        f"有问题的格子在 {report_path(workbook)} 里标成了红色。"
    )
    assert "corrections.json" not in refused.stderr
    assert tree_manifest(tree).version == 1  # nothing published
    report = openpyxl.load_workbook(report_path(workbook))
    assert str(report[REPORT_SHEET]["A1"].value).startswith(f"没有发布：已经发布过的财务收支编号“{entry}”")
    assert tuple(report[REPORT_SHEET].cell(3, n).value for n in (1, 2, 3)) == ("财务收支", "第37行", "金额（元）")
    assert "更正说明" in report["财务收支"]["D37"].comment.text

    append_rows(workbook, NOTES, ["财务收支", entry, today(), REASON])
    accepted = build(workbook, tree, feed_key)
    assert accepted.returncode == 0 and "1 corrections" in accepted.stdout, accepted.stderr
    assert not report_path(workbook).exists()
    manifest = tree_manifest(tree)
    [logged] = changes.decode_log((tree / "blobs" / manifest.changes.sha256).read_bytes(), VILLAGE, 2).changes
    assert (logged.record, logged.date, logged.reason) == (f"finance:{entry}", today(), REASON)

    second = sync(tmp_path, feed_server, feed_key)
    assert second.returncode == 10 and "v2" in second.stdout, second.stdout + second.stderr
    held = Store.open_to_read(tmp_path / "terminal-store")
    try:
        [kept] = held.snapshot().history.of(f"finance:{entry}")
        assert history_line(kept) == f"修改记录：{date_zh(today())} 金额由289.00元改为1,500.50元。更正说明：{REASON}"
    finally:
        held.close()

    # 更正说明 is the village's record of its corrections: kept, it does not stop the next publication.
    again = build(workbook, tree, feed_key)
    assert again.returncode == 0 and "corrections" not in again.stdout, again.stderr
    # The same amount changed once more that day: the row signed already is not this correction's reason.
    edit_cells(workbook, {("财务收支", "D37"): 1600})
    twice = build(workbook, tree, feed_key)
    assert twice.returncode == 4
    assert twice.stderr.splitlines()[0].endswith("（“更正说明”第3行已经在以前的发布里用过，是以前那次更正的，这次要另填一行）"), (
        twice.stderr
    )
    assert tree_manifest(tree).version == 3


def test_a_deleted_row_a_wrong_number_and_an_old_note_are_named_for_the_clerk(workbook, feed_key, tmp_path):
    tree = tmp_path / "tree"
    assert build(workbook, tree, feed_key).returncode == 0
    changed, deleted = cell_value(workbook, "财务收支", "A38"), cell_value(workbook, "财务收支", "A40")
    book = openpyxl.load_workbook(workbook)
    book["财务收支"]["D38"] = 77
    book["财务收支"].delete_rows(40)  # the clerk deletes a published entry
    book.save(workbook)
    append_rows(
        workbook,
        NOTES,
        ["财务收支", changed, dt.date(2020, 1, 2), "以前的一次更正。"],  # row 3: dated before v1 was published
        ["财务收支", "e2099-01-001", today(), "编号写错了。"],  # row 4
        ["村级项目", "road-2026", today() + dt.timedelta(days=3), "还没到的日子。"],  # row 5
    )

    refused = build(workbook, tree, feed_key)
    assert refused.returncode == 4
    lines = refused.stderr.strip().splitlines()
    assert lines[0].startswith(f"财务收支 第38行 金额（元）：编号“{changed}”这一条已经发布过，这次金额由157.00元改为77.00元。")
    assert lines[0].endswith(
        "（“更正说明”第3行的日期2020年1月2日早于上一次发布的" + date_zh(today()) + "，是以前那次更正的，这次要另填一行）"
    )
    assert lines[1].startswith(f"财务收支 编号：编号“{deleted}”这一条（支出12.00元，账户管理费、短信服务费）已经发布过，这次删掉了。")
    assert lines[2:4] == [
        "更正说明 第4行 编号：“财务收支”表里没有编号是“e2099-01-001”的一条，上一次发布的也没有：请看看表和编号填对了没有",
        f"更正说明 第5行 日期：{date_zh(today() + dt.timedelta(days=3))}还没到：写决定更正的那一天",
    ]
    assert lines[-1].startswith(f"没有发布：已经发布过的财务收支编号“{changed}”（金额由157.00元改为77.00元）、财务收支编号“{deleted}”")
    assert "改了或删了" in lines[-1] and len(lines) == 5
    assert tree_manifest(tree).version == 1
