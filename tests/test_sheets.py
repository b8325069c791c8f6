"""Publishing from the township's spreadsheets: the template, the workbook
built into a signed tree by the real CLI in a fresh process, every problem
named by sheet, row and column, the report beside the workbook, and the
demo village's round trip through a workbook."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import msgspec
import openpyxl
import pytest

from kiosk import decode, paths
from kiosk.feed import keys, publish
from kiosk.feed.manifest import blob_path
from kiosk.feed.store import Store
from kiosk.sheets import book
from kiosk.sheets.pictures import PICTURE_FOLDER
from kiosk.sheets.problems import WorkbookRejected
from kiosk.sheets.read import read_workbook
from kiosk.sheets.report import REPORT_SHEET, report_path
from kiosk.sheets.spec import INSTRUCTIONS
from kiosk.sheets.write import TEMPLATE_NAME, not_in_workbook
from kiosk.snapshot import read_folder_documents
from support.feed_fixtures import tree_manifest
from support.kiosk_process import village_kiosk
from support.sheet_fixtures import append_rows, cell_value, edit_cells

pytestmark = pytest.mark.slow  # workbooks built into signed feeds, a terminal syncing one

VILLAGE = "431322199206"


def built_documents(tree: Path) -> dict[str, object]:
    """The documents of a published tree, decoded."""
    manifest = tree_manifest(tree)
    return {
        entry.name: decode.decode_document(entry.name, (tree / blob_path(entry.sha256)).read_bytes())
        for entry in manifest.files
        if decode.is_document_name(entry.name)
    }


def build(workbook: Path, out: Path, feed_key: Path):
    return village_kiosk("feed", "build", str(workbook), str(out), "--key", str(feed_key / "feed.key"))


# ------------------------------------------------------------ round trip


def demo_documents() -> dict:
    """The demo village's documents a workbook carries: all but the
    complaint outcomes (the platform's account, no sheet) and the sealed
    subsidies (benefits.json: per person, from benefits-source.json only,
    docs/FEED-FORMAT.md 4.11)."""
    documents = read_folder_documents(paths.DEMO_VILLAGE)
    left_out = {*not_in_workbook(paths.DEMO_VILLAGE), decode.BENEFITS_DOC}
    return {name: decode.decode_document(name, data) for name, data in documents.items() if name not in left_out}


def test_the_demo_village_exported_to_a_workbook_builds_back_to_the_same_documents(tmp_path, feed_key):
    exported = village_kiosk("feed", "template", "--demo", "--out", str(tmp_path / "township"))
    assert exported.returncode == 0, exported.stderr
    # The budget, 三资 and the roster travel in the workbook; what it has no sheet for, the export names.
    left_out = ["benefits.json", "complaints.json"]
    assert exported.stdout.splitlines()[-1].endswith(": " + ", ".join(left_out))
    workbook = tmp_path / "township" / "431322199206-枫木冲村.xlsx"
    assert workbook.is_file() and len(list((tmp_path / "township" / PICTURE_FOLDER).iterdir())) == 343

    built = build(workbook, tmp_path / "tree", feed_key)
    assert built.returncode == 0, built.stderr
    verified = village_kiosk("feed", "verify", str(tmp_path / "tree"), "--pubkey", str(feed_key / "feed.pub"))
    assert verified.returncode == 0 and verified.stdout.startswith("ok v1 for village 431322199206")

    demo = demo_documents()
    documents = built_documents(tmp_path / "tree")
    assert set(documents) == set(demo)
    for name in demo:
        assert msgspec.json.encode(documents[name]) == msgspec.json.encode(demo[name]), name
    media = {entry.sha256 for entry in tree_manifest(tmp_path / "tree").files if entry.name.startswith("media/")}
    assert media == {path.name for path in (paths.DEMO_VILLAGE / "media").iterdir()}
    assert not report_path(workbook).exists()


# ------------------------------------------------------------ the template


def test_the_template_has_a_sheet_per_kind_with_notes_checks_and_an_example(tmp_path):
    written = village_kiosk("feed", "template", "--out", str(tmp_path))
    assert written.returncode == 0, written.stderr
    path = tmp_path / TEMPLATE_NAME
    assert (tmp_path / PICTURE_FOLDER).is_dir()
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [INSTRUCTIONS, *(sheet.title for sheet in book.SHEETS)]
    finance = workbook["财务收支"]
    headers = [cell.value for cell in finance[1]]
    assert headers == ["编号", "日期", "收支", "金额（元）", "科目", "对方", "用途", "审批人", "凭证号", "票据照片", "项目编号"]
    assert all(cell.comment is not None and cell.comment.text for cell in finance[1])
    assert finance["A1"].font.color.rgb.endswith("B71C1C") and not (
        finance["K1"].font.color and finance["K1"].font.color.rgb.endswith("B71C1C")
    )
    assert str(finance["A2"].value).startswith("示例") and finance["A2"].font.italic
    checks = {str(check.sqref): check for check in finance.data_validations.dataValidation}
    assert checks["C3:C1048576"].type == "list" and checks["C3:C1048576"].formula1 == '"收入,支出"'
    assert checks["B3:B1048576"].type == "date"
    assert checks["D3:D1048576"].type == "decimal"
    assert checks["E3:E1048576"].type == "list" and not checks["E3:E1048576"].showErrorMessage  # categories: a suggestion
    assert checks["G3:G1048576"].type == "textLength" and checks["G3:G1048576"].formula1 == "200"
    assert finance.column_dimensions["A"].number_format == "@"  # an ID typed there stays text
    stages = workbook["四议两公开"]
    assert '"党支部提议,两委商议,党员大会审议,村民代表会议决议,决议公开,结果公开"' in {
        c.formula1 for c in stages.data_validations.dataValidation
    }

    with pytest.raises(WorkbookRejected) as refused:
        read_workbook(path)
    assert [str(p) for p in refused.value.problems] == ["村庄信息：还没有填：第2行是示例，请从第3行起填写"]


def test_a_template_filled_in_by_a_clerk_is_published_and_a_terminal_syncs_it(tmp_path, feed_key, feed_server):
    village_kiosk("feed", "template", "--out", str(tmp_path))
    path = tmp_path / TEMPLATE_NAME
    shutil.copy(
        paths.DEMO_VILLAGE / "media" / next(iter(sorted(p.name for p in (paths.DEMO_VILLAGE / "media").iterdir()))),
        tmp_path / PICTURE_FOLDER / "IMG_0034.JPG",
    )
    workbook = openpyxl.load_workbook(path)
    workbook["村庄信息"].append([VILLAGE, "枫木冲村", "青石镇", "新化县", "娄底市", "", "2026年3月31日", "https://jiandu.example.cn/ts"])
    workbook["举报电话"].append(["全国纪检监察举报电话", 12388])  # typed as a number
    finance = workbook["财务收支"]
    finance.append(["e1", dt.datetime(2026, 3, 5), "支出", 1234567.89, "办公费", "文具店", "打印纸", "", "记-1", "img_0034.jpg：发票", ""])
    finance.append(["e2", "2026/3/6", "收入", "1,500.00", "上级拨款", "", "办公经费", "", "", "", ""])
    finance.append(["e3", "2026.4.1", "expense", "1.5万元", "工程款", "", "进度款", "", "", "", ""])
    workbook["月初余额"].append(["2026-03", "-120.5"])
    workbook.save(path)

    # Built straight into the folder the platform's web server serves.
    tree = feed_server.root / VILLAGE
    built = build(path, tree, feed_key)
    assert built.returncode == 0, built.stderr
    documents = built_documents(tree)
    village = documents["village.json"]
    assert village.village.province == "湖南省" and village.as_of == dt.date(2026, 3, 31)
    assert [h.number for h in village.complaint.hotlines] == ["12388"]
    march, april = documents["finance/2026-03.json"], documents["finance/2026-04.json"]
    assert march.opening_balance_fen == -12050
    # 1234567.89 as a double times 100 is 123456788.99999999: through float, a fen is lost.
    assert int(1234567.89 * 100) == 123456788
    assert [(e.id, e.amount_fen, e.date) for e in march.entries] == [
        ("e1", 123456789, dt.date(2026, 3, 5)),
        ("e2", 150000, dt.date(2026, 3, 6)),
    ]
    assert march.entries[0].receipts[0].caption == "发票"
    assert [(e.id, e.amount_fen, e.direction.value) for e in april.entries] == [("e3", 1500000, "expense")]
    assert documents["projects.json"].projects == [] and documents["powers.json"].items == []
    assert not {"budget.json", "assets.json", "people.json"} & set(documents)  # optional: written only when filled

    # A terminal, its own process, syncs it over HTTP and checks the signature with the public key alone.
    store = tmp_path / "terminal-store"
    config = tmp_path / "terminal.toml"
    config.write_text(
        f'[feed]\nplatform = "{feed_server.url}"\nvillage = "{VILLAGE}"\npubkeys = ["{feed_key / "feed.pub"}"]\n'
        f'store = "{store}"\nallow_http = true\n'
    )
    synced = village_kiosk("--config", str(config), "sync", "--once")
    assert synced.returncode == 10 and synced.stdout.startswith("updated empty store → v1"), synced.stdout + synced.stderr
    held = Store.open_to_read(store)
    try:
        snapshot = held.snapshot()
        assert snapshot is not None and snapshot.village.name == "枫木冲村"
        assert [(e.id, e.amount_fen) for e in snapshot.finance_month("2026-03").entries] == [("e1", 123456789), ("e2", 150000)]
    finally:
        held.close()


# ------------------------------------------------------------ every problem, named


BAD_CELLS = {
    ("财务收支", "D37"): "1,5OO",
    ("财务收支", "B40"): "2026-02-30",
    ("财务收支", "K41"): "no-such-project",
    ("财务收支", "D44"): "=1+2",
    ("财务收支", "J45"): "不存在.jpg",
    ("财务收支", "G46"): "用途" * 150,
    ("财务收支", "D47"): 1500.125,
    ("村级项目", "G3"): None,  # a settled project without its settlement
    ("办事公示", "E4"): dt.datetime(2026, 8, 1),  # publicity ends before it starts
}


def test_every_problem_is_named_by_sheet_row_and_column_and_nothing_is_published(workbook, demo_workbook, feed_key, tmp_path):
    duplicate = cell_value(workbook, "财务收支", "A43")
    edit_cells(workbook, {**BAD_CELLS, ("财务收支", "A42"): duplicate})
    built = build(workbook, tmp_path / "tree", feed_key)
    assert built.returncode == 4
    lines = built.stderr.strip().splitlines()
    expected = [
        "财务收支 第37行 金额（元）：'1,5OO' 不是数字（例：1500.00）",
        "财务收支 第40行 日期：'2026-02-30' 这一天不存在（例：2026-03-05）",
        "财务收支 第41行 项目编号：“no-such-project”在“村级项目”表里没有：请填那张表里已有的编号",
        f"财务收支 第43行 编号：“{duplicate}”重复了：第42行已经用过，每一条要不一样",
        "财务收支 第44行 金额（元）：是公式（=1+2）：请复制这些格子，再“选择性粘贴”→“数值”，只留下算好的数",
        "财务收支 第45行 票据照片：图片“不存在.jpg”在“图片”文件夹里找不到：图片要放在工作簿旁边的这个文件夹里，文件名和表里写的一样",
        "财务收支 第46行 用途：太长了（300个字），最多200个字（例：防诈骗宣传横幅）",
        "财务收支 第47行 金额（元）：'1500.125' 有3位小数，金额只能到分（两位小数）（例：1500.00）",
        "村级项目 第3行 结算（元）：状态是“已结算”的项目要填结算金额（例：158000.00）",
        "办事公示 第4行 公示结束：公示结束的日期比开始早（例：2026-03-05）",
    ]
    for line in expected:
        assert line in lines, f"{line}\nnot in:\n{built.stderr}"
    assert len(lines) == len(expected) + 1  # and the line naming the report
    assert lines[-1] == f"共 {len(expected)} 处问题，没有发布。有问题的格子在 {report_path(workbook)} 里标成了红色。"
    assert not (tmp_path / "tree" / "manifest.json").exists()

    report = openpyxl.load_workbook(report_path(workbook))
    assert report.sheetnames[0] == REPORT_SHEET
    listing = list(report[REPORT_SHEET].iter_rows(min_row=3, values_only=True))
    assert ("财务收支", "第37行", "金额（元）", "'1,5OO' 不是数字（例：1500.00）") in listing and len(listing) == len(expected)
    marked = report["财务收支"]["D37"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and "不是数字" in marked.comment.text
    assert report["财务收支"]["D38"].comment is None
    assert report[REPORT_SHEET]["A3"].hyperlink is not None

    # Fixed, it builds, and the report of problems since fixed goes.
    edit_cells(workbook, {cell: cell_value(demo_workbook, *cell) for cell in [*BAD_CELLS, ("财务收支", "A42")]})
    again = build(workbook, tmp_path / "tree", feed_key)
    assert again.returncode == 0, again.stderr
    assert not report_path(workbook).exists()


def test_the_report_itself_fixed_cell_by_cell_is_published(workbook, feed_key, tmp_path):
    right = {cell: cell_value(workbook, *cell) for cell in [("财务收支", "D37"), ("财务收支", "B40")]}
    edit_cells(workbook, {("财务收支", "D37"): "1,5OO", ("财务收支", "B40"): "2026-02-30"})
    assert build(workbook, tmp_path / "tree", feed_key).returncode == 4
    report = report_path(workbook)

    # The clerk fixes one red cell in the report and publishes the report.
    edit_cells(report, {("财务收支", "D37"): right["财务收支", "D37"]})
    again = build(report, tmp_path / "tree", feed_key)
    assert again.returncode == 4
    assert again.stderr.splitlines()[:-1] == ["财务收支 第40行 日期：'2026-02-30' 这一天不存在（例：2026-03-05）"]
    second = openpyxl.load_workbook(report_path(report))
    assert second.sheetnames.count(REPORT_SHEET) == 1 and len(list(second[REPORT_SHEET].iter_rows(min_row=3))) == 1
    assert second["财务收支"]["D37"].comment is None and second["财务收支"]["D37"].fill.fill_type is None  # fixed: no longer red
    assert "这一天不存在" in second["财务收支"]["B40"].comment.text

    edit_cells(report, {("财务收支", "B40"): right["财务收支", "B40"]})
    fixed = build(report, tmp_path / "tree", feed_key)
    assert fixed.returncode == 0, fixed.stderr
    demo = demo_documents()
    assert {name: msgspec.json.encode(doc) for name, doc in built_documents(tmp_path / "tree").items()} == {
        name: msgspec.json.encode(doc) for name, doc in demo.items()
    }
    assert not report_path(report).exists()


def test_amounts_and_dates_typed_as_text_are_read_exactly(workbook, feed_key, tmp_path):
    row = 60
    date = cell_value(workbook, "财务收支", f"B{row}")
    edit_cells(
        workbook,
        {
            ("财务收支", f"D{row}"): "￥1,500.00元",
            ("财务收支", f"D{row + 1}"): "１２３４５６７．８９",  # full-width, as a Chinese input method types it
            ("财务收支", f"D{row + 2}"): 0.29,  # 0.29 * 100 is 28.999999999999996
            ("财务收支", f"B{row}"): f"{date.year}年{date.month}月{date.day}日",
        },
    )
    source = read_workbook(workbook)
    entries = {
        e.id: e
        for name, data in source.documents.items()
        if decode.finance_month_of(name)
        for e in decode.decode_document(name, data).entries
    }
    ids = [cell_value(workbook, "财务收支", f"A{n}") for n in (row, row + 1, row + 2)]
    assert [entries[i].amount_fen for i in ids] == [150000, 123456789, 29]
    assert entries[ids[0]].date == date.date()


def test_the_budget_the_three_assets_and_the_roster_are_checked_like_the_books(workbook):
    """The sheets of the optional documents: a contract's fee naming an
    entry that is not in the books, a way of letting that is not one, a
    budget line of a year without its budget, a year out of range, a
    committee twice, a person without a post, and 三资 filled without the
    county's rule it is judged by: each named for the clerk in Chinese;
    then, the rule back, what only the whole document shows."""
    edit_cells(
        workbook,
        {
            ("三资规定", "A3"): None,
            ("合同收费", "G4"): "no-such-entry",
            ("承包租赁合同", "C4"): "出租",
            ("承包租赁合同", "F5"): dt.datetime(2020, 1, 1),  # ends before it starts
            ("合同收费", "F3"): None,  # paid, with no date
        },
    )
    append_rows(workbook, "预算明细", [2031, "支出", "工程款", 1000])
    append_rows(workbook, "年度预算", [2100, "村民代表会议", dt.datetime(2099, 11, 1)])
    append_rows(workbook, "村组织", ["村民委员会", "另一个村委会"])
    append_rows(workbook, "村干部", ["wang-xiaoming", "王小明"])
    budget = [
        "年度预算 第4行 年度：'2100' 不在2000到2099之间（例：2026）",
        "预算明细 第28行 年度：“2031”在“年度预算”表里没有：请填那张表里已有的编号",
    ]
    roster = [
        "村组织 第6行 组织：“村民委员会”重复了：第4行已经用过，每一条要不一样",
        "村干部 第11行：这个人在“职务”表里还没有职务：每人至少填一行",
    ]

    def problems() -> list[str]:
        with pytest.raises(WorkbookRejected) as refused:
            read_workbook(workbook)
        return [str(p) for p in refused.value.problems]

    assert problems() == [
        *budget,
        "三资规定：“集体资产”“承包租赁合同”表里填了，这张表也要填一行：请从第3行起填写",
        "承包租赁合同 第4行 方式：'出租' 不是可选的值（可选：承包、租赁）",
        "合同收费 第4行 财务编号：“no-such-entry”在“财务收支”表里没有：请填那张表里已有的编号",
        *roster,
    ]
    edit_cells(workbook, {("三资规定", "A3"): 50000, ("合同收费", "G4"): None, ("承包租赁合同", "C4"): "承包"})
    assert problems() == [
        *budget,
        "承包租赁合同 第5行 结束日期：结束日期比开始日期早（例：2026-03-05）",
        "合同收费 第3行 交款日期：填了已交的钱，就要填交款日期（例：2026-03-05）",
        *roster,
    ]


def test_the_rule_of_three_assets_alone_publishes_no_empty_three_assets(workbook, feed_key, tmp_path):
    """The county's 四议两公开 threshold may be filled in every village's
    book: a village without assets or contracts publishes no 三资 screen."""
    book_ = openpyxl.load_workbook(workbook)
    for title in ("集体资产", "承包租赁合同", "合同四议两公开", "合同收费"):
        book_[title].delete_rows(3, book_[title].max_row)
    book_.save(workbook)
    built = build(workbook, tmp_path / "tree", feed_key)
    assert built.returncode == 0, built.stderr
    documents = built_documents(tmp_path / "tree")
    assert "assets.json" not in documents and "budget.json" in documents


def test_a_sheet_or_column_not_known_is_named(workbook):
    edit_cells(workbook, {("财务收支", "L1"): "备注", ("财务收支", "L3"): "clerk's own note"})
    book_ = openpyxl.load_workbook(workbook)
    book_.create_sheet("草稿")["A1"] = "scratch"
    book_["村级项目"].title = "村级项目 "  # a stray space does not matter
    book_.save(workbook)
    with pytest.raises(WorkbookRejected) as refused:
        read_workbook(workbook)
    assert [str(p) for p in refused.value.problems] == [
        "草稿：不认识这张表：请删掉它，或者把数据放到模板里同样内容的表中",
        "财务收支 第1行 备注：不认识这一列：可用的列是 编号、日期、收支、金额（元）、科目、对方、用途、审批人、凭证号、票据照片、项目编号",
    ]


def test_a_built_workbook_goes_through_publish_as_a_source(workbook, tmp_path, feed_key):
    source = publish.read_source(workbook)
    assert source.checked is not None and len(source.media) == 343
    built = publish.build(source, tmp_path / "tree", keys.load_private_key(feed_key / "feed.key"), pack=False)
    assert built.manifest.village == "431322199206"


def test_the_format_document_lists_every_sheet_and_column():
    section = (Path(__file__).parents[1] / "docs" / "FEED-FORMAT.md").read_text(encoding="utf-8").split("## 11.")[1]
    for sheet in book.SHEETS:
        row = next((line for line in section.splitlines() if line.startswith(f"| {sheet.title} |")), "")
        assert row, f"{sheet.title} is not in FEED-FORMAT.md section 11"
        for column in sheet.columns:
            if column.field is not None and not column.field.isdigit():
                assert f"{column.header} → `{column.field}`" in row, (sheet.title, column.header)


def test_the_clerks_guide_names_every_sheet_and_file_as_the_template_does():
    guide = (Path(__file__).parents[1] / "docs" / "CLERK-GUIDE.md").read_text(encoding="utf-8")
    assert [sheet.title for sheet in book.SHEETS] == re.findall(r"^\| (\S+) \| (?!---|填什么)", guide, re.MULTILINE)
    for name in (INSTRUCTIONS, REPORT_SHEET, PICTURE_FOLDER, TEMPLATE_NAME, report_path(Path("村名.xlsx")).name):
        assert name in guide, name
