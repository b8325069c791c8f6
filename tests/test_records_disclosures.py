"""Results disclosure (办事结果公开) and notices on the real app, driven by
touch: the 公示中 badge while a list's publicity period runs, the table in
pages, and the notice / case reader."""

from __future__ import annotations

import datetime as dt

import msgspec

from kiosk import limits, model
from kiosk.disclosure_view import IN_PUBLICITY_BADGE, case_view, in_publicity, notice_view
from kiosk.privacy import mask_text, masked_disclosure, public_numbers
from kiosk.reading import PIECE_CHARS
from kiosk.snapshot import load_folder
from screens.shell.registry import ScreenName
from screens.ui_screens.disclosures import ROWS_PER_PAGE, DisclosureTable, FieldLines, TableCard
from screens.ui_screens.notices import Lesson, ReadingPassage, ReadingText
from screens.uix import typeset_label
from screens.uix.widgets import LONG_TEXT_FRAME_CHARS, Pill, RowButton
from support.maximal_village import write_maximal_village
from support.records_ui import bring_into_view, copy_demo, of_type, open_tile, row_list, show_row


def test_badge_marks_exactly_the_lists_in_publicity(ui, demo):
    today = dt.date.today()
    running = [d for d in demo.disclosures if in_publicity(d, today)]
    open_tile(ui, "办事结果公开")
    badges = {row["title"]: row["badge"] for row in row_list(ui).data}
    assert badges == {d.title: IN_PUBLICITY_BADGE if d in running else "" for d in demo.disclosures}
    if not running:  # the demo's dates have passed: the badge logic is still checked above
        return
    disclosure = running[0]
    show_row(ui, disclosure.title)
    assert IN_PUBLICITY_BADGE in ui.texts()
    ui.tap_text(disclosure.title)
    assert ui.app.nav.current == (ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": disclosure.id})
    assert IN_PUBLICITY_BADGE in [pill.text for pill in of_type(ui, Pill)]


def test_table_shows_every_masked_row_and_column(ui, demo):
    disclosure = max(demo.disclosures, key=lambda d: len(d.columns))
    ui.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id=disclosure.id)
    shown_table(ui)
    table = masked_disclosure(disclosure, public_numbers(demo.complaint.hotlines))
    words = " ".join(w.text for w in ui.screen.walk() if getattr(w, "text", ""))
    for row in table.rows:
        for cell in row:
            assert cell in words
    for raw_row in disclosure.rows:  # what the feed sent is not what is shown
        for raw, shown in zip(raw_row, table.rows[disclosure.rows.index(raw_row)], strict=False):
            if raw != shown:
                assert raw not in words


def shown_table(ui) -> DisclosureTable:
    ui.pump(3)  # the table is drawn once its width is known
    return next(w for w in ui.screen.walk() if isinstance(w, DisclosureTable))


def test_grid_when_columns_fit_cards_when_not(ui, demo):
    narrow = min(demo.disclosures, key=lambda d: len(d.columns))
    wide = max(demo.disclosures, key=lambda d: len(d.columns))
    ui.resize(1920, 1080)
    ui.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id=narrow.id)
    table = shown_table(ui)
    assert not table.as_cards
    assert [w.text for w in table.ids.rows.children[-1].children[::-1]] == list(narrow.columns)  # the header row
    ui.resize(1080, 1920)
    ui.set_large(True)
    ui.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id=wide.id)
    assert shown_table(ui).as_cards


def test_a_card_shows_its_fields_a_line_each_in_a_label_a_column(ui, demo):
    """Twenty cards a page: a label a field made the page the heaviest to
    build and to hold. A card is its title and a label per column of
    fields, read down the first column, then the second."""
    wide = max(demo.disclosures, key=lambda d: len(d.columns))
    table = masked_disclosure(wide, public_numbers(demo.complaint.hotlines))
    for large, columns in ((False, 2), (True, 1)):
        ui.set_large(large)
        ui.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id=wide.id)
        cards = [w for w in shown_table(ui).walk() if isinstance(w, TableCard)]
        assert cards, large
        skip = 2 if all(row[0].isdigit() for row in table.rows) else 1  # a running number goes into the title
        for card, row in zip(cards, table.rows, strict=False):
            fields = card.ids.fields.children[::-1]
            assert len(fields) == columns and all(type(field) is FieldLines for field in fields), large
            lines = [line for field in fields for line in field.text.split("\n") if line]
            assert lines == [f"{column}：{cell}" for column, cell in zip(table.columns[skip:], row[skip:], strict=False)]
            assert len({field.height for field in fields}) == 1  # side by side, the same height: both start at the top
    names_alone = DisclosureTable._card(["序号", "姓名"], ["1", "罗秀珍"], 2, numbered=True, shaded=False)
    assert not names_alone.ids.fields.children  # its title says it all: no empty field lines


def test_long_list_comes_in_pages(ui, demo, tmp_path):
    folder = copy_demo(tmp_path)
    rows = [[str(n + 1), f"村民{n + 1}", f"{n % 9 + 1}组"] for n in range(ROWS_PER_PAGE * 2 + 5)]
    long_list = model.Disclosure(
        id="long-list",
        kind=model.DisclosureKind.OTHER,
        title="测试用长名单",
        publicity_start=dt.date(2026, 1, 1),
        publicity_end=dt.date(2026, 1, 7),
        columns=["序号", "姓名", "村民小组"],
        rows=rows,
    )
    doc = model.DisclosuresDoc(disclosures=[*demo.disclosures, long_list])
    (folder / "disclosures.json").write_bytes(msgspec.json.encode(doc))
    ui.app.replace_snapshot(load_folder(folder))
    ui.go(ScreenName.DISCLOSURE_DETAIL, disclosure_id="long-list")
    table = shown_table(ui)
    assert table.pages == 3

    def names():
        return [w.text for w in table.walk() if getattr(w, "text", "").startswith("村民")]

    assert "村民1" in names() and f"村民{ROWS_PER_PAGE + 1}" not in names()
    next_button = next(w for w in table.walk() if getattr(w, "text", "") == "下一页")
    bring_into_view(ui, next_button)
    ui.tap(next_button)
    ui.pump(3)
    assert table.page == 1
    assert f"村民{ROWS_PER_PAGE + 1}" in names() and "村民1" not in names()


def test_notice_and_case_reader(ui, demo):
    public = public_numbers(demo.complaint.hotlines)
    notice = notice_view(demo.notices[0], public)
    open_tile(ui, "通知公告")
    # The list holds the records; a row makes its words from its record when it scrolls into view.
    assert [row.get("notice", row.get("case")) for row in row_list(ui).data] == [*demo.notices, *demo.cases]
    assert _row_showing(show_row(ui, notice.title)).subtitle == f"{notice.date_zh} · {notice.issuer}"
    ui.tap_text(notice.title)
    assert ui.app.nav.current == (ScreenName.NOTICE_DETAIL, {"notice_id": notice.id})
    words = [w.text for w in ui.screen.walk() if getattr(w, "text", "")]
    for paragraph in filter(None, (line.strip() for line in notice.body.split("\n"))):
        assert paragraph in words
    assert notice.date_zh in " ".join(words)
    body = next(w for w in ui.screen.walk() if isinstance(w, ReadingText) and notice.body.split("\n")[0].strip().startswith(w.text))
    assert body.font_size > ui.app.theme.body  # a reader's text is a size up

    ui.tap(ui.app.root.ids.back)
    case = case_view(demo.cases[0], public)
    row = _row_showing(show_row(ui, case.title))
    assert (row.subtitle, row.badge) == (case.date_zh, "典型案例")
    ui.tap_text(case.title)
    lessons = [w for w in ui.screen.walk() if isinstance(w, Lesson)]
    assert len(lessons) == 1
    assert case.lesson in [w.text for w in lessons[0].walk() if getattr(w, "text", "")]


def _row_showing(label) -> RowButton:
    while not isinstance(label, RowButton):
        label = label.parent
    return label


def test_a_notice_as_long_as_the_limits_allow_opens_at_once_and_draws_in_pieces(ui, demo, tmp_path):
    """A 20,000-character body in one label took minutes and drew a black
    box (past the GPU's largest texture): it comes in pieces, the top in
    the first frames and the rest while the villager reads."""
    village = load_folder(write_maximal_village(tmp_path / "village"))
    notice = village.notices[0]
    assert len(notice.body) == limits.BODY_CHARS and "\n" not in notice.body
    # As with the village's font subset, which lacks the rare characters of its names (垚喆焱): drawn in the full font, as quickly.
    assert "垚" in notice.body
    typeset_label.use_font_coverage(frozenset(notice.body) - {"垚"})
    ui.app.replace_snapshot(village)
    try:
        ui.go(ScreenName.NOTICE_DETAIL, notice_id=notice.id)  # and three frames
        [passage] = [w for w in ui.screen.walk() if isinstance(w, ReadingPassage)]
        drawn = [w for w in passage.children if isinstance(w, ReadingText)]
        assert drawn and sum(len(w.text) for w in drawn) <= 4 * LONG_TEXT_FRAME_CHARS  # the top, not all of it
        assert ui.find_text(drawn[-1].text)  # on screen
        for _frame in range(200):
            if not passage.pieces_left:
                break
            ui.pump(1)
        pieces = list(reversed(passage.children))
        assert "".join(w.text for w in pieces) == mask_text(notice.body, public_numbers(village.complaint.hotlines))
        assert max(len(w.text) for w in pieces) <= PIECE_CHARS
        assert all(w.texture is not None and w.texture.height < 4096 for w in pieces)
        assert {w.drawn_font() for w in pieces if "垚" in w.text} == {typeset_label.FULL_FONT}
    finally:
        typeset_label.use_font_coverage(None)
        ui.app.replace_snapshot(demo)
