"""Checking the money on the real app, driven by touch: a project's every
payment with its receipts, the year against its budget, the 无票据 mark,
三资 contracts with their flags, who is responsible, what became of
reports, and search by amount and by a name on a list in publicity.
Figures are the demo village's, worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from kiosk.snapshot import load_folder
from screens.shell.registry import ScreenName
from screens.ui_screens.finance_year import BudgetLineCard
from screens.ui_screens.projects import EntryCard
from screens.ui_screens.search import LetterKey
from screens.uix.widgets import BarRow, KButton, MessageStrip, PictureTile, RowButton
from support.records_ui import bring_into_view, copy_demo, of_type, open_tile, pump_until, row_list, show_row


def strips(ui) -> list[str]:
    return [strip.text for strip in of_type(ui, MessageStrip) if strip.shown]


def tap_button(ui, text: str) -> None:
    button = next(w for w in ui.screen.walk() if isinstance(w, KButton) and w.text == text)
    bring_into_view(ui, button)
    ui.tap(button)


def test_a_project_shows_every_payment_with_its_receipts_and_what_is_unpaid(ui, demo):
    ui.go(ScreenName.PROJECT_DETAIL, project_id="office-renovation")
    cards = [card for card in ui.screen.walk() if isinstance(card, EntryCard)]
    paid = [card.title for card in cards if "付款" in card.title]
    assert paid == ["2026年4月20日　付款48,000.00元", "2026年6月30日　付款60,000.00元", "2026年9月28日　付款42,100.00元"]
    # 48,000.00 + 60,000.00 + 42,100.00 = 150,100.00, against a settlement of 158,000.00: 7,900.00 unpaid.
    assert "村里为这个项目付款3笔，合计150,100.00元。" in [w.text for w in ui.screen.walk() if hasattr(w, "text")]
    assert "请注意：付款合计比结算少7,900.00元，还没有付清" in strips(ui)
    receipts = [tile for card in cards[:3] for tile in card.walk(restrict=True) if isinstance(tile, PictureTile)]
    assert len(receipts) == 3 and all(tile.caption == "发票" for tile in receipts)
    first = cards[0]
    bring_into_view(ui, first)
    ui.tap(first)
    assert ui.app.nav.current[0] is ScreenName.FINANCE_ENTRY


def test_a_payment_without_a_receipt_is_marked_on_its_project(ui, demo):
    ui.go(ScreenName.PROJECT_DETAIL, project_id="canal-repair")
    marked = [card for card in ui.screen.walk() if isinstance(card, EntryCard) and card.missing]
    assert [card.title for card in marked] == ["2026年9月10日　付款290.00元"]
    assert marked[0].missing == "无票据"
    assert "其中1笔没有票据照片，标着“无票据”。" in [w.text for w in ui.screen.walk() if hasattr(w, "text")]


def test_the_year_against_its_budget_and_a_line_opened(ui, demo):
    open_tile(ui, "村级财务")
    ui.tap_text("2026年收支和预算")
    assert ui.app.nav.current == (ScreenName.FINANCE_YEAR, {"year": 2026})
    assert any("有3项支出超出了预算" in text for text in strips(ui))

    def card(title: str) -> BudgetLineCard:  # scrolled to, as a finger would
        label = show_row(ui, title)
        return next(widget for widget in label.walk_reverse(loopback=True) if isinstance(widget, BudgetLineCard))

    def figures(card: BudgetLineCard) -> list[tuple[str, str, str]]:
        return [(row.label, row.text, row.tone) for row in card.walk(restrict=True) if isinstance(row, BarRow)]

    # 办公费: 30,395.00 spent of 28,000.00 budgeted, 2,395.00 over; 机械台班费: never budgeted.
    machines = card("机械台班费")
    assert (machines.flag, machines.remark, figures(machines)) == ("预算外", "预算里没有这一项", [("实际支出", "290.00元", "danger")])
    works = card("工程款")
    assert (works.flag, works.remark) == ("", "还剩52,995.00元")
    office = card("办公费")
    assert figures(office) == [("预算", "28,000.00元", "muted"), ("实际支出", "30,395.00元", "danger")]
    assert (office.flag, office.remark) == ("超预算", "超出2,395.00元")
    ui.tap(show_row(ui, "办公费"))  # its title, on screen: the card takes the tap
    assert ui.app.nav.current == (ScreenName.FINANCE_ENTRIES, {"year": 2026, "direction": "expense", "category": "办公费"})
    assert len(row_list(ui).data) == 47
    assert ui.screen.intro == "2026年“办公费”的支出共47笔，支出合计30,395.00元。"


def test_a_years_lines_are_built_as_they_scroll_in_at_the_heights_measured_for_them(ui, demo):
    """The year is a list: a screenful of its 27 lines exist as widgets, not
    all of them. The list measured every line before showing it, so it is
    as tall as its rows from the start and keeps its height (nothing jumps)
    while scrolled to its end; in large font it measures them again."""
    ui.go(ScreenName.FINANCE_YEAR, year=2026)
    ui.pump(4)
    rows = row_list(ui)
    lines = [row for row in rows.data if row["viewclass"] == "BudgetLineCard"]
    heights: list[float] = []
    rows.layout_manager.bind(height=lambda _layout, height: heights.append(height))

    def placed_cards() -> list[BudgetLineCard]:
        """The lines built; every row on screen as tall as the list measured it."""
        for index, view in rows.view_adapter.views.items():  # the rows on show, by their place in the list
            assert view.height == pytest.approx(rows.data[index].get("row_size", (None, None))[1], abs=0.5), (type(view).__name__, index)
        return [view for view in rows.layout_manager.children if isinstance(view, BudgetLineCard)]

    assert len(lines) == 27 and 0 < len(placed_cards()) < len(lines) / 2
    seen = set()
    while rows.scroll_y > 0:  # a finger's steps down to the end
        rows.scroll_y = max(0.0, rows.scroll_y - 0.04)
        ui.pump(2)
        seen |= {card.title for card in placed_cards()}
    assert heights == []
    assert seen == {row["line"].category_zh for row in lines}
    assert show_row(ui, lines[-1]["line"].category_zh)

    tall = rows.layout_manager.height
    ui.app.theme.large = True
    ui.pump(4)
    assert placed_cards() and rows.layout_manager.height > tall * 1.2


def test_a_years_head_has_a_strip_only_for_what_there_is_to_look_out_for(ui, demo):
    """2026 has lines over its budget and expenses without receipts: two
    strips, in that order. 2025 has neither: no strip, and no gap where one
    would be (the figures end the head); then 2026 again, in the same head."""

    def head_parts(year: int) -> list:
        ui.go(ScreenName.FINANCE_YEAR, year=year)
        ui.pump(4)
        head = next(view for view in row_list(ui).layout_manager.children if type(view).__name__ == "YearHeadView")
        return head.children[::-1]  # top first

    for year in (2026, 2025, 2026):
        parts = head_parts(year)
        strips = [part.text for part in parts if isinstance(part, MessageStrip)]
        if year == 2026:
            assert len(strips) == 2 and "超出了预算" in strips[0] and "没有票据照片" in strips[1]
            assert parts[-1].shown and parts[-1].y == parts[-1].parent.y
        else:
            assert strips == []
            assert type(parts[-1]).__name__ == "YearFigures" and parts[-1].y == parts[-1].parent.y


def test_an_expense_without_a_receipt_is_marked_in_its_month_and_on_its_page(ui, demo):
    open_tile(ui, "村级财务")
    show_row(ui, "2026年9月")
    ui.tap_text("2026年9月")
    show_row(ui, "渠道清淤挖机台班费")
    row = next(r for r in of_type(ui, RowButton) if r.title == "渠道清淤挖机台班费")
    assert row.badge == "无票据" and "票据" not in row.subtitle
    others = [r for r in of_type(ui, RowButton) if r.title and r.title != "渠道清淤挖机台班费" and r.subtitle]
    assert others and all(r.badge == "" for r in others)
    ui.tap(row)
    assert any("没有上传票据照片" in text for text in strips(ui))


def test_a_contract_with_its_fee_overdue(ui, demo):
    open_tile(ui, "集体三资")
    rows = {row["title"]: row for row in row_list(ui).data}
    assert (rows["3组集体茶园"]["badge"], rows["狮子岭集体山林"]["badge"], rows["长冲鱼塘"]["badge"]) == ("欠费", "程序不全", "")
    show_row(ui, "3组集体茶园")
    ui.tap_text("3组集体茶园")
    assert ui.app.nav.current == (ScreenName.ASSET_DETAIL, {"asset_id": "tea-garden"})
    tap_button(ui, "看这份合同和交费情况")
    assert ui.app.nav.current == (ScreenName.CONTRACT_DETAIL, {"contract_id": "tea-garden-2024"})
    # 2026's 4,200.00 was due by 30 June; nothing paid by the data date.
    assert strips(ui) == ["请注意：承包费过了交费日子还没交，欠4,200.00元"]
    texts = [w.text for w in ui.screen.walk() if hasattr(w, "text")]
    assert "2026年度：应在2026年6月30日前交4,200.00元，还欠4,200.00元" in texts
    assert "合同总额42,000.00元（每年4,200.00元，10年）" in texts


def test_who_is_responsible_from_a_power_and_from_a_project(ui, demo):
    ui.go(ScreenName.POWER_DETAIL, item_id="finance-expense")
    people = [w.text for w in ui.screen.walk() if isinstance(w, KButton) and "（" in w.text]
    assert people == ["刘志勇（村党支部书记、村委会主任）", "罗春梅（村委会委员）", "谢德明（村监委主任）"]
    tap_button(ui, "谢德明（村监委主任）")
    assert ui.app.nav.current == (ScreenName.PERSON_DETAIL, {"person_id": "xie-deming"})
    texts = [w.text for w in ui.screen.walk() if hasattr(w, "text")]
    assert "办公电话：0738-0563105" in texts
    [personal] = [t for t in texts if t.startswith("个人电话：")]
    assert re.fullmatch(r"个人电话：1\d\d\*{4}\d{4}", personal)  # masked
    assert "村级财务开支" in texts

    ui.go(ScreenName.PROJECT_DETAIL, project_id="office-renovation")
    tap_button(ui, "看村两委和村监委的成员")
    assert ui.app.nav.current == (ScreenName.PEOPLE, {})
    assert "办公电话：0738-0563101" in ui.texts()


def test_what_became_of_the_reports(ui, demo):
    open_tile(ui, "我要反映问题")
    tap_button(ui, "以前反映的问题，办得怎么样了？")
    assert ui.app.nav.current == (ScreenName.COMPLAINT_OUTCOMES, {})
    texts = [w.text for w in ui.screen.walk() if hasattr(w, "text")]
    assert "收到反映4件，已经办完3件，还在办1件。" in texts and "办完的3件里，查实的有1件。" in texts
    assert "2026年第三季度（7月到9月）" in texts


def test_search_an_amount_on_the_digit_keys(ui, demo):
    ui.go(ScreenName.SEARCH)
    pump_until(ui, lambda: ui.screen.ready, "the search index")
    keys = {key.letter: key for key in of_type(ui, LetterKey)}
    for digit in "1500":
        ui.tap(keys[digit])
    assert ui.screen.typed == "1500"
    first = row_list(ui).data[0]
    assert (first["title"], first["badge"]) == ("1,500.00元", "金额")
    ui.tap_text("1,500.00元")
    assert ui.app.nav.current == (ScreenName.FINANCE_ENTRIES, {"amount_fen": 150_000})
    count = sum(1 for e in demo.finance_entries() if e.amount_fen == 150_000)
    assert len(row_list(ui).data) == count and count > 1


def test_search_a_name_on_a_list_in_its_publicity_period(ui, demo, tmp_path):
    folder = copy_demo(tmp_path)
    lists = json.loads((folder / "disclosures.json").read_text(encoding="utf-8"))
    today = dt.date.today()
    allowance = lists["disclosures"][0]
    allowance["publicity_start"], allowance["publicity_end"] = str(today - dt.timedelta(days=2)), str(today + dt.timedelta(days=5))
    (folder / "disclosures.json").write_text(json.dumps(lists, ensure_ascii=False), encoding="utf-8")
    name = allowance["rows"][-1][1]  # the last household on the list
    ui.app.replace_snapshot(load_folder(folder))
    try:
        ui.go(ScreenName.SEARCH, text="".join(_initials(name)))
        pump_until(ui, lambda: ui.screen.ready and row_list(ui).data, "results for the name")
        hit = next(row for row in row_list(ui).data if row["badge"] == "名单")
        assert hit["title"] == name and allowance["title"] in hit["subtitle"]
        ui.tap_text(name)
        assert ui.app.nav.current == (ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": allowance["id"], "highlight": name})
        # The page opens scrolled to the row: the sentence above the list is on the page, maybe not in view.
        found = [w.text for w in ui.screen.walk() if isinstance(w, MessageStrip) and w.shown]
        assert found == [f"“{name}”在这份名单上：第{len(allowance['rows'])}条。"]
        pump_until(ui, lambda: [w for w in ui.widgets() if getattr(w, "marked", False) is True], "the marked row on screen")
    finally:
        ui.app.replace_snapshot(demo)


def _initials(name: str) -> list[str]:
    from pypinyin import Style, pinyin

    return [syllable[0][0].upper() for syllable in pinyin(name, style=Style.FIRST_LETTER)]
