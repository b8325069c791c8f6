"""Corrections on the real app, driven by touch (issue 19): the way from
home to the corrections of the last 12 months, a withdrawn record's page,
each record's own page showing what it said before and why it changed, and
a withdrawn record kept in its list, marked, leading to what it said."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.feed.history import FOLDER_HISTORY_NAME
from kiosk.snapshot import load_folder
from screens.shell.registry import ScreenName
from screens.ui_screens.corrections import CHANGED_BADGE, WITHDRAWN_BADGE
from screens.uix.history_note import HistoryNote
from screens.uix.widgets import KButton
from support.records_ui import bring_into_view, copy_demo, of_type, row_list, show_row
from tooling.demo import corrections as made_up


def _shown(ui) -> str:
    return "".join(ui.texts())


def _corrections_link(ui) -> KButton:
    """Home's link, under the hotlines: below the fold where the tiles need the room, a scroll away."""
    ui.pump(3)
    link = ui.screen.ids.corrections
    bring_into_view(ui, link)
    assert link in of_type(ui, KButton) and link.text.startswith("更正记录")
    return link


def test_corrections_are_reached_from_home_and_each_opens_its_record(ui):
    link = _corrections_link(ui)
    assert link.text.startswith("更正记录：近12个月修改3条、撤下1条")
    ui.tap(link)
    assert ui.app.nav.current[0] is ScreenName.CORRECTIONS
    rows = row_list(ui).data
    assert [row["badge"] for row in rows] == [WITHDRAWN_BADGE, CHANGED_BADGE, CHANGED_BADGE, CHANGED_BADGE]  # newest first
    assert rows[1]["subtitle"].startswith("金额由17,820.00元改为17,280.00元 · 2026年9月14日")

    show_row(ui, "支出：购文件盒、档案袋")
    ui.tap_text("支出：购文件盒、档案袋")
    assert ui.app.nav.current == (ScreenName.CORRECTION_DETAIL, {"record": f"finance:{made_up.DUPLICATE.record_id}", "version": 52})
    shown = _shown(ui)
    assert "撤下原因" in shown and made_up.DUPLICATE.reason in shown and "金额：264.00元" in shown

    ui.app.nav.back()
    ui.pump(3)
    show_row(ui, "支出：水毁渠道修复工资")
    ui.tap_text("支出：水毁渠道修复工资")
    assert ui.app.nav.current == (ScreenName.FINANCE_ENTRY, {"entry_id": made_up.WAGES.record_id})
    assert len(of_type(ui, HistoryNote)) == 1
    assert "修改记录：2026年9月14日 金额由17,820.00元改为17,280.00元。更正说明：" in _shown(ui)
    name, params = ui.app.nav.current
    assert "这一条公开后改过。二〇二六年九月十四日修改" in ui.app.read_aloud.text_for(ui.app.data.snapshot, name, params)  # heard too


def test_a_name_taken_off_a_list_is_shown_on_the_list_masked(ui):
    ui.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id=made_up.RELIEF.record_id)
    [note] = of_type(ui, HistoryNote)
    bring_into_view(ui, note)
    shown = _shown(ui)
    assert "名单删去1条（11 邓春花 4313**********4527" in shown and made_up.RELIEF.reason in shown
    assert "431322196803124527" not in shown and "13907381246" not in shown  # masked as the list itself is


def test_a_record_never_corrected_shows_no_history_and_home_says_so(ui, tmp_path):
    folder = copy_demo(tmp_path)
    (folder / FOLDER_HISTORY_NAME).unlink()
    ui.app.replace_snapshot(load_folder(folder))
    ui.app.nav.home()
    assert _corrections_link(ui).text.startswith("更正记录：近12个月没有修改或撤下已公开的内容")
    ui.go(ScreenName.FINANCE_ENTRY, entry_id=made_up.WAGES.record_id)
    assert not of_type(ui, HistoryNote)
    ui.go(ScreenName.CORRECTIONS)
    assert not row_list(ui).data and "近12个月没有修改或撤下已经公开的内容。" in ui.texts()


WITHDRAWN_REASON = "与另一条重复发布，撤下这一条。"


def _withdraw(folder: Path, kind: str, document: str, field: str, record_id: str) -> None:
    """Take a record out of a copy of the demo, its withdrawal added to the copy's history."""
    doc = json.loads((folder / document).read_text(encoding="utf-8"))
    [record] = [item for item in doc[field] if item["id"] == record_id]
    doc[field].remove(record)
    (folder / document).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    history = json.loads((folder / FOLDER_HISTORY_NAME).read_text(encoding="utf-8"))
    last = history["versions"][-1]["log"]
    change = {"record": f"{kind}:{record_id}", "change": "withdrawn", "date": "2026-11-09", "reason": WITHDRAWN_REASON, "before": record}
    log = {**last, "version": last["version"] + 1, "previous": last["version"], "changes": [dict(change, after=None)]}
    history["versions"].append({"published_at": "2026-11-10T01:00:00Z", "log": log})
    (folder / FOLDER_HISTORY_NAME).write_text(json.dumps(history, ensure_ascii=False), encoding="utf-8")


def _open_withdrawn(ui, title: str, record: str) -> None:
    rows = [row.get("withdrawn", row) for row in row_list(ui).data]  # a list that makes its rows from records marks these apart
    [row] = [row for row in rows if row.get("badge") == WITHDRAWN_BADGE or row.get("status") == WITHDRAWN_BADGE]
    assert row["title"] == title
    show_row(ui, title)
    ui.tap_text(title)
    name, params = ui.app.nav.current
    assert name is ScreenName.CORRECTION_DETAIL and params["record"] == record
    assert WITHDRAWN_REASON in _shown(ui)


def test_a_withdrawn_entry_stays_in_its_months_list_marked(ui):
    ui.go(ScreenName.FINANCE_MONTH, month="2026-10")
    rows = row_list(ui).data
    [marked] = [index for index, row in enumerate(rows) if "withdrawn" in row]
    row = rows[marked]["withdrawn"]
    assert row["title"] == "支出：购文件盒、档案袋" and row["subtitle"].startswith(f"撤下原因：{made_up.DUPLICATE.reason[:20]}")
    assert (
        rows[marked - 1]["entry"].date
        <= ui.app.data.snapshot.history.of(f"finance:{made_up.DUPLICATE.record_id}")[0].correction.before.date
    )
    show_row(ui, "支出：购文件盒、档案袋")
    ui.tap_text("支出：购文件盒、档案袋")
    assert ui.app.nav.current == (ScreenName.CORRECTION_DETAIL, {"record": f"finance:{made_up.DUPLICATE.record_id}", "version": 52})


def test_withdrawn_notices_and_projects_keep_their_rows_marked(ui, tmp_path):
    folder = copy_demo(tmp_path)
    demo = load_folder(folder)
    notice = demo.notices[-1]
    project = next(project for project in demo.projects if not demo.entries_for_project(project.id))
    _withdraw(folder, "notice", "notices.json", "notices", notice.id)
    _withdraw(folder, "project", "projects.json", "projects", project.id)
    ui.app.replace_snapshot(load_folder(folder))
    ui.go(ScreenName.NOTICES)
    _open_withdrawn(ui, notice.title, f"notice:{notice.id}")
    ui.go(ScreenName.PROJECTS)
    _open_withdrawn(ui, project.name, f"project:{project.id}")
