"""Search without a keyboard, driven by touches: letter keys, results on each
tap, keys that would find nothing greyed out, a hit opens its record."""

from __future__ import annotations

import time

from kiosk.search import SearchIndex
from screens.registry import ScreenName
from screens.search import KIND_BADGES


def wait_for_index(ui, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while ui.app.search.index is None:
        assert time.monotonic() < deadline, "search index never became ready"
        time.sleep(0.01)
        ui.pump(1)


def type_keys(ui, letters: str) -> None:
    keys = ui.screen.ids.keyboard.keys
    for letter in letters:
        ui.tap(keys[letter])


def results(ui) -> list[dict]:
    return list(ui.screen.ids.results.rows)


def assert_examples_shown(ui) -> None:
    """Before a letter is tapped, the list offers power items with the letters that find each."""
    rows = results(ui)
    assert rows and all(row["badge"] == "权力" and row["subtitle"].startswith("点 ") for row in rows)
    for row in rows:
        letters = row["subtitle"].removeprefix("点 ").removesuffix(" 就能找到").replace(" ", "")
        assert row["title"] in [hit.title for hit in ui.app.search.index.query(letters)]


def test_db_finds_the_allowance_first_and_opens_it(ui, demo):
    wait_for_index(ui)
    ui.tap_text("搜索：点字母就能找")  # the big button on the home screen
    assert ui.app.nav.current == (ScreenName.SEARCH, {})
    assert_examples_shown(ui)
    type_keys(ui, "D")
    after_one = len(results(ui))
    assert after_one > 0
    type_keys(ui, "B")
    rows = results(ui)
    allowance = next(item for item in demo.power_items if item.name == "低保评定")
    assert rows[0]["title"] == allowance.name and rows[0]["badge"] == KIND_BADGES[SearchIndex.build(demo).query("DB")[0].kind]
    assert len(rows) <= after_one  # each key narrows
    assert "D B" in ui.texts()  # the letters typed, shown big

    ui.tap_text(allowance.name)
    assert ui.app.nav.current == (ScreenName.POWER_DETAIL, {"item_id": allowance.id})
    ui.tap(ui.app.root.ids.back)
    assert ui.app.nav.current == (ScreenName.SEARCH, {"text": "DB"})  # back to the same letters
    assert results(ui)[0]["title"] == allowance.name


def wait_for_greying(ui, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while ui.screen.suggested_for != ui.screen.typed:
        assert time.monotonic() < deadline, "the keyboard's greying never arrived"
        time.sleep(0.01)
        ui.pump(1)


def test_zjd_finds_homestead_and_dead_keys_are_grey(ui, demo):
    wait_for_index(ui)
    ui.tap_text("权力清单")
    ui.tap_text("搜索：点字母就能找")  # also on the power categories screen
    assert ui.app.nav.current[0] is ScreenName.SEARCH
    type_keys(ui, "ZJD")
    wait_for_greying(ui)  # worked out off the UI thread, a moment after the results
    assert results(ui)[0]["title"] == "宅基地审批"
    keys = ui.screen.ids.keyboard.keys
    index = SearchIndex.build(demo)
    dead = [letter for letter in keys if not index.query("ZJD" + letter)]
    live = [letter for letter in keys if index.query("ZJD" + letter)]
    assert dead and all(keys[letter].disabled for letter in dead)
    assert all(not keys[letter].disabled for letter in live)
    ui.tap(keys[dead[0]])  # a grey key does nothing
    assert ui.screen.typed == "ZJD"

    ui.tap_text("删除")
    assert ui.screen.typed == "ZJ"
    ui.tap_text("清空")
    assert ui.screen.typed == ""
    assert_examples_shown(ui)
    wait_for_greying(ui)
    assert not any(key.disabled for key in keys.values() if index.query(key.text))


def initials(title: str, count: int = 4) -> str:
    from pypinyin import Style, lazy_pinyin

    han = "".join(ch for ch in title if "\u4e00" <= ch <= "\u9fff")[:count]
    return "".join(p[0] for p in lazy_pinyin(han, style=Style.NORMAL)).upper()


def test_each_kind_of_hit_opens_its_screen(ui, demo):
    """A project found by touch opens its page; the rows of the other kinds
    lead to theirs (one of each, found by the initials of its title)."""
    wait_for_index(ui)
    ui.go(ScreenName.SEARCH)
    project = demo.projects[0]
    type_keys(ui, initials(project.name))
    ui.tap_text(project.name)
    assert ui.app.nav.current == (ScreenName.PROJECT_DETAIL, {"project_id": project.id})

    expected = [
        (demo.notices[0].title, ScreenName.NOTICE_DETAIL, {"notice_id": demo.notices[0].id}),
        (demo.cases[0].title, ScreenName.NOTICE_DETAIL, {"case_id": demo.cases[0].id}),
        (demo.disclosures[0].title, ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": demo.disclosures[0].id}),
    ]
    for title, screen, params in expected:
        ui.app.nav.go(ScreenName.SEARCH, text=initials(title))
        row = next(r for r in results(ui) if r["title"] == title)
        row["action"]()
        assert ui.app.nav.current == (screen, params)
    ui.pump()


def test_new_snapshot_rebuilds_the_index_off_the_ui_thread(ui, demo):
    wait_for_index(ui)
    old = ui.app.search.index
    ui.app.search.rebuild(demo)
    assert ui.app.search.index is None  # never the old data's results meanwhile
    ui.app.nav.go(ScreenName.SEARCH, text="DB")  # no frame yet: the new index cannot have arrived
    assert "正在准备" in ui.screen.status and results(ui) == []
    wait_for_index(ui)
    ui.pump(2)
    assert ui.app.search.index is not old
    assert results(ui)[0]["title"] == "低保评定"  # the screen updates by itself when ready
