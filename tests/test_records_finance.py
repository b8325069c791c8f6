"""Village finances on the real app, driven by touch: months, a month's
entries, one entry's receipts (thumbnails made off the UI thread and
cached), the full-screen viewer with its zoom buttons, pictures that cannot
be shown, and a month of 5,000 entries in the smooth list."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import msgspec
import pytest

from kiosk import model, money
from kiosk.finance_summary import month_summary
from kiosk.images import BROKEN, MISSING, TOO_BIG
from kiosk.snapshot import load_folder
from screens.shell.registry import ScreenName
from screens.uix.widgets import InlineBarRow, PictureTile, RowButton
from support.records_ui import copy_demo, drag, of_type, open_tile, pump_until, row_list, show_row


def entry_with_receipts(demo, count: int = 1) -> model.FinanceEntry:
    return next(e for e in sorted(demo.finance_entries(), key=lambda e: e.date, reverse=True) if len(e.receipts) >= count)


def month_zh(entry) -> str:
    return f"{entry.date.year}年{entry.date.month}月"


def test_a_months_spending_chart_lines_its_bars_up_clear_of_the_scroll_bar(ui, demo):
    """Every category's bar starts and ends where the others' do, whatever
    the width of its amount; the amounts end left of the list's scroll bar."""
    month = demo.months()[0]
    for large in (False, True):
        ui.set_large(large)
        ui.go(ScreenName.FINANCE_MONTH, month=month)
        ui.pump(4)
        rows = [row for row in ui.screen.walk() if isinstance(row, InlineBarRow)]
        assert len(rows) > 2 and len({row.text for row in rows}) > 2
        assert len({round(row.bar_pos[0]) for row in rows}) == 1
        assert len({round(row.bar_pos[0] + row.bar_size[0]) for row in rows}) == 1
        figures = [row.ids.figure for row in rows]
        assert all(len(figure.lines) == 1 for figure in figures)  # each amount on one line
        bar = row_list(ui)
        clear_of_bar = bar.to_window(bar.right - bar.bar_width, 0)[0]
        assert max(figure.to_window(figure.right, 0)[0] for figure in figures) <= clear_of_bar


def test_month_to_entry_to_receipt_viewer_and_back(ui, demo):
    entry = entry_with_receipts(demo)
    month = entry.date.strftime("%Y-%m")
    open_tile(ui, "村级财务")
    show_row(ui, month_zh(entry))
    ui.tap_text(month_zh(entry))
    assert ui.app.nav.current == (ScreenName.FINANCE_MONTH, {"month": month})

    summary = month_summary(demo, month)
    texts = ui.texts()
    assert money.yuan(summary.income_fen) in texts and money.yuan(summary.expense_fen) in texts
    chart = {bar.label: bar.text for bar in ui.screen.walk() if isinstance(bar, InlineBarRow)}
    largest, fen = summary.by_category[0]
    assert chart[largest] == money.yuan_short(fen)
    assert len(row_list(ui).data) == summary.entry_count + 1  # the month's summary, then its entries

    show_row(ui, entry.purpose)
    ui.tap_text(entry.purpose)
    assert ui.app.nav.current == (ScreenName.FINANCE_ENTRY, {"entry_id": entry.id})
    assert money.yuan(entry.amount_fen) in " ".join(ui.texts())
    tiles = {tile.sha256: tile for tile in of_type(ui, PictureTile)}
    assert set(tiles) == {r.sha256 for r in entry.receipts}
    first = tiles[entry.receipts[0].sha256]
    pump_until(ui, lambda: first.texture is not None, "the receipt thumbnail")
    assert ui.app.images.cache.path_for(first.sha256).is_file()

    ui.tap(first)
    viewer = ui.screen
    assert ui.app.nav.current == (ScreenName.PICTURE_VIEWER, {"entry_id": entry.id, "index": 0})
    pump_until(ui, lambda: viewer.texture is not None and viewer._full_shown, "the full receipt")
    scatter = viewer.ids.scatter
    assert scatter.scale == pytest.approx(1)
    ui.tap_text("＋ 放大")
    ui.tap_text("＋ 放大")
    assert scatter.scale == pytest.approx(1.5 * 1.5)
    ui.tap_text("－ 缩小")
    assert scatter.scale == pytest.approx(1.5)
    stage = viewer.ids.stage
    left, _bottom = scatter.bbox[0]
    width, _height = scatter.bbox[1]
    assert left <= stage.x + 1 and left + width >= stage.right - 1  # zoomed: covers the stage
    ui.tap_text("适合屏幕")
    assert scatter.scale == pytest.approx(1)
    assert scatter.center == pytest.approx(stage.center, abs=1)
    ui.pinch(stage, 2.0)  # two fingers apart: zoom in, as with the + button
    assert scatter.scale > 1.3
    ui.pinch(stage, 0.3)  # together: back, never smaller than fitting the screen
    assert scatter.scale == pytest.approx(1, abs=0.05)
    ui.tap(ui.app.root.ids.back)
    assert ui.app.nav.current == (ScreenName.FINANCE_ENTRY, {"entry_id": entry.id})


def test_pictures_that_cannot_be_shown_get_a_reason(ui, demo, tmp_path):
    """A receipt whose bytes are not a picture, one too large to decode and
    one that is missing: placeholders with the reason, in the strip and in
    the viewer. (New pictures, so no thumbnail is cached from before.)"""
    folder = copy_demo(tmp_path)
    entries = [e for e in sorted(demo.finance_entries(), key=lambda e: e.id) if e.receipts][:3]
    garbage = b"\xff\xd8\xff\xe0 not really a JPEG " + tmp_path.name.encode()
    bomb = _png_header_only(30_000, 30_000)
    replacements = {BROKEN: garbage, TOO_BIG: bomb, MISSING: None}
    new_shas = []
    for entry, content in zip(entries, replacements.values(), strict=False):
        new_sha = hashlib.sha256(content or tmp_path.name.encode() + b" never stored").hexdigest()
        new_shas.append(new_sha)
        if content is not None:
            (folder / "media" / new_sha).write_bytes(content)
        month_file = folder / "finance" / f"{entry.date:%Y-%m}.json"
        text = month_file.read_text(encoding="utf-8")
        month_file.write_text(text.replace(entry.receipts[0].sha256, new_sha), encoding="utf-8")
    ui.app.replace_snapshot(load_folder(folder))

    for entry, reason, sha in zip(entries, replacements, new_shas, strict=False):
        ui.go(ScreenName.FINANCE_ENTRY, entry_id=entry.id)
        tile = next(t for t in of_type(ui, PictureTile) if t.sha256 == sha)
        pump_until(ui, lambda tile=tile: tile.problem, f"the placeholder for {reason}")
        assert tile.problem == reason and tile.texture is None
        assert reason in ui.texts()
        ui.tap(tile)
        viewer = ui.screen
        pump_until(ui, lambda viewer=viewer: viewer.problem, f"the viewer's placeholder for {reason}")
        assert viewer.texture is None
        assert any(reason in text for text in ui.texts())
        assert "＋ 放大" not in ui.texts()  # nothing to zoom


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels and holds none."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


BIG_MONTH = "2026-12"
BIG_COUNT = 5000


def with_a_big_month(ui, tmp_path) -> list[model.FinanceEntry]:
    """The demo village with a month of 5,000 entries (BIG_MONTH) on the app."""
    folder = copy_demo(tmp_path)
    categories = ["办公费", "水电费", "工程款", "保洁工资", "误工补贴", "公益事业", "党建活动", "招待费"]
    entries = [
        model.FinanceEntry(
            id=f"big-{n:05d}",
            date=dt.date(2026, 12, 1 + n % 28),
            direction=model.Direction.INCOME if n % 7 == 0 else model.Direction.EXPENSE,
            amount_fen=1000 + n * 37,
            category=categories[n % len(categories)],
            counterparty=f"第{n % 9 + 1}组",
            purpose=f"测试支出第{n}笔",
            voucher_no=f"记-2026-12-{n:04d}",
        )
        for n in range(BIG_COUNT)
    ]
    doc = model.FinanceMonthDoc(month=BIG_MONTH, entries=entries)
    (folder / "finance" / f"{BIG_MONTH}.json").write_bytes(msgspec.json.encode(doc))
    ui.app.replace_snapshot(load_folder(folder))
    return entries


def test_month_of_5000_entries_opens_and_scrolls(ui, demo, tmp_path):
    entries = with_a_big_month(ui, tmp_path)
    open_tile(ui, "村级财务")
    ui.tap_text("2026年12月")
    assert ui.app.nav.current == (ScreenName.FINANCE_MONTH, {"month": BIG_MONTH})
    rows = row_list(ui)
    assert len(rows.data) == BIG_COUNT + 1  # the month's summary first
    assert 3 <= len(rows.children[0].children) < 60  # only the rows on screen are widgets
    first_titles = {row.title for row in of_type(ui, RowButton)}
    assert "测试支出第0笔" in first_titles

    before = rows.scroll_y
    x, y = rows.to_window(*rows.center)
    for _swipe in range(3):
        drag(ui, (x, y - rows.height * 0.3), (x, y + rows.height * 0.3))
    pump_until(ui, lambda: rows.scroll_y < before, "the list to scroll")
    ui.pump(10)
    later_titles = {row.title for row in of_type(ui, RowButton)}  # those on screen
    assert later_titles and later_titles != first_titles
    assert all(t.startswith("测试支出第") for t in later_titles)

    last = max(entries, key=lambda e: (e.date, e.id))

    def at_the_end():  # (the swipes' momentum may still be moving the list)
        rows.scroll_y = 0
        return any(row.title == last.purpose for row in of_type(ui, RowButton))

    pump_until(ui, at_the_end, "the last row")


def test_month_list_covers_every_month(ui, demo):
    open_tile(ui, "村级财务")
    titles = [row["title"] for row in row_list(ui).data]
    years = sorted({int(m[:4]) for m in demo.months()} | {b.year for b in demo.budgets}, reverse=True)
    # Each year against its budget first, then the months.
    assert titles == [f"{y}年收支和预算" for y in years] + [f"{m[:4]}年{int(m[5:])}月" for m in demo.months()]
    assert json.dumps(titles, ensure_ascii=False)  # plain Chinese month names


def test_a_big_months_head_is_laid_out_before_its_list_places_the_entries(ui, tmp_path):
    """The month's head (totals, chart) is laid out at once at the list's
    width: the list of 5,000 rows is laid out again once for the head's
    height (not once for every step of Kivy's own layout), and the first
    entry sits right under the head, shown again or given new rows."""
    with_a_big_month(ui, tmp_path)

    def the_first_entry_right_under(head, rows):
        first = next(row for row in of_type(ui, RowButton) if row.title == "测试支出第0笔")
        assert head.height == head.minimum_height > 0
        assert first.top == pytest.approx(head.y - rows.layout_manager.spacing, abs=1)  # no gap, no overlap
        return first

    ui.go(ScreenName.FINANCE)
    for again in (False, True):
        month = ui.app.nav.screen(ScreenName.FINANCE_MONTH)
        heights: list[float] = []
        month.ids.rows.layout_manager.bind(height=lambda _layout, height, heights=heights: heights.append(height))
        ui.go(ScreenName.FINANCE_MONTH, month=BIG_MONTH)
        ui.pump(6)
        assert ui.screen is month
        rows = row_list(ui)
        head = next(view for view in rows.layout_manager.children if type(view).__name__ == "MonthSummaryView")
        first = the_first_entry_right_under(head, rows)
        assert len(heights) <= 2, (again, heights)  # the height its data guessed, then its own
        if again:  # new rows under the same head: the list guesses its height anew
            rows.data = rows.data[:-1]
            ui.pump(4)
            the_first_entry_right_under(head, rows)
        else:
            ui.tap(first)
            assert ui.app.nav.current[0] is ScreenName.FINANCE_ENTRY
            ui.go(ScreenName.FINANCE)
