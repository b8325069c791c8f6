"""The app shell, driven by touches on the real app."""

import pytest

from screens.shell.registry import ScreenName
from screens.ui_screens.home import TILES
from tooling.tour import run_tour, tour_stops


def header_title(ui) -> str:
    return ui.app.root.ids.title.text


def test_home_shows_village_and_every_tile(ui, demo):
    texts = ui.texts()
    assert any(demo.village.name in t for t in texts)
    for title, subtitle, *_where in TILES:
        assert title in texts and subtitle in texts
    assert "演示数据" in ui.app.root.ids.status.text
    assert any("12388" in t for t in texts)


@pytest.mark.parametrize(
    "tile, title",
    [
        ("权力清单", "权力清单"),
        ("村级项目", "村级项目"),
        ("村级财务", "村级财务"),
        ("办事结果公开", "办事结果公开"),
        ("通知公告", "通知公告和典型案例"),
        ("我要反映问题", "我要反映问题"),
    ],
)
def test_each_tile_leads_somewhere_and_back(ui, tile, title):
    ui.tap_text(tile)
    assert header_title(ui) == title
    assert ui.app.nav.current[0] is not ScreenName.HOME
    ui.tap(ui.app.root.ids.back)
    assert ui.app.nav.current[0] is ScreenName.HOME


def test_browse_down_to_a_power_and_home(ui, demo):
    category = demo.categories[0]
    item = demo.items_in(category.id)[0]
    ui.tap_text("权力清单")
    ui.tap_text(category.name)
    assert header_title(ui) == category.name
    ui.tap_text(item.name)
    assert ui.app.nav.current == (ScreenName.POWER_DETAIL, {"item_id": item.id})
    assert item.responsible in " ".join(ui.texts())
    ui.tap(ui.app.root.ids.home)
    assert ui.app.nav.history == [(ScreenName.HOME, {})]


def test_large_font_toggle_scales_text_and_targets(ui):
    body_before, target_before = ui.app.theme.body, ui.app.theme.target
    ui.tap_text("大字")
    assert ui.app.theme.large
    assert ui.app.theme.body >= 1.5 * body_before - 1
    assert ui.app.theme.target > target_before
    assert ui.find_text("标准字")
    ui.tap_text("标准字")
    assert not ui.app.theme.large and ui.app.theme.body == body_before


def _clipped_labels(ui):
    from screens.uix.typeset_label import is_text

    clipped = []
    for widget in ui.widgets():
        if is_text(widget) and widget.text and not widget.shorten and widget.opacity > 0:
            tw, th = widget.texture_size
            if th > widget.height + 2 or (widget.text_size[0] is None and tw > widget.width + 2):
                clipped.append((widget.text[:30], widget.size, widget.texture_size))
    return clipped


@pytest.mark.parametrize("size, large", [((1920, 1080), False), ((1080, 1920), True)])
def test_tour_renders_every_screen(ui, tmp_path, size, large):
    ui.resize(*size)
    ui.set_large(large)
    files = run_tour(ui, tmp_path)
    stops = tour_stops(ui.app.data.snapshot)
    assert [f.stem for f in files] == [s.label for s in stops]
    from PIL import Image

    for path in files:
        image = Image.open(path)
        assert image.size == size
        colours = image.convert("RGB").resize((64, 64)).getcolors(64 * 64)
        assert colours is not None and len(colours) > 8, f"{path.name} looks blank"
    # The tour leaves the app on the last stop's screen: nothing there is cut off.
    ui.go(stops[-1].screen, **stops[-1].params)
    assert not _clipped_labels(ui)


def test_screens_left_long_ago_are_released_and_built_again(ui, demo):
    """Every screen kept would hold its widgets and text textures for good;
    only home and the last few stay built, and "back" still works."""
    import gc
    import time
    import weakref

    from screens.services.pictures import pictures_pending
    from screens.shell.navigation import KEEP_RECENT_SCREENS

    # (The attract screen is shown by the idle timer, not navigated to: it has no 返回.)
    # Stops that act on a screen (我的补贴's steps) are that screen again: one visit each.
    stops = [stop for stop in tour_stops(demo) if stop.screen not in (ScreenName.HOME, ScreenName.ATTRACT) and stop.act is None]
    visited = {}
    for stop in stops:
        ui.go(stop.screen, **stop.params)
        visited[stop.screen.value] = weakref.ref(ui.screen)
        built = ui.app.nav.manager.screen_names
        assert ScreenName.HOME.value in built and len(built) <= KEEP_RECENT_SCREENS + 1
    # Back through the whole history: each screen built again shows its record.
    for stop in reversed(stops[:-1]):
        ui.tap(ui.app.root.ids.back)
        assert ui.app.nav.current == (stop.screen, stop.params)
        assert ui.screen.name == stop.screen.value and ui.app.nav.manager.current == stop.screen.value
    ui.tap(ui.app.root.ids.back)
    assert ui.app.nav.current[0] is ScreenName.HOME

    # Pictures still being decoded, and Kivy's own deferred releases, hold a
    # dropped screen for a few frames: a villager's next few taps.
    deadline = time.monotonic() + 10
    while pictures_pending() and time.monotonic() < deadline:
        time.sleep(0.02)
        ui.pump(1)
    for _ in range(4):
        ui.go(ScreenName.NOTICES)
        ui.go(ScreenName.COMPLAINT)
    gc.collect()
    # Nothing else (a binding to the theme, the search service ...) keeps a dropped screen alive.
    alive = {name for name, screen in visited.items() if screen() is not None}
    assert alive <= set(ui.app.nav.manager.screen_names)


def test_the_texts_laid_out_are_let_go_when_nobody_is_at_the_terminal(ui):
    """Line breaks and text widths are kept while villagers browse (going
    home keeps them for the next tap) and let go on the attract screen:
    kept for good, a terminal whose records change would hold every text it
    ever laid out, a few more with each new version, for weeks."""
    from kiosk import typeset
    from screens.uix.typeset_label import measured_count
    from support.records_ui import open_tile

    def kept() -> tuple[int, int]:
        return measured_count(), typeset.segments.cache_info().currsize

    ui.advance(301)
    assert ui.app.nav.current[0] is ScreenName.ATTRACT
    at_rest = kept()
    ui.touch_idle()
    ui.app.nav.home()
    open_tile(ui, "村级财务")
    ui.tap_text("2026年收支和预算")
    ui.pump(6)
    ui.tap(ui.app.root.ids.home)
    browsed = kept()
    assert all(then > rest for then, rest in zip(browsed, at_rest, strict=True)), (browsed, at_rest)
    ui.advance(301)
    assert ui.app.nav.current[0] is ScreenName.ATTRACT
    # No more than at the last rest: what the attract screen itself lays out.
    assert all(now <= rest for now, rest in zip(kept(), at_rest, strict=True)), (kept(), at_rest)


def test_a_screen_change_is_drawn_in_one_frame(ui):
    """The old screen leaves within the frame that shows the new one: no
    second frame after a tap, and nothing drawn under the new screen."""
    from kivy.base import EventLoop

    entered = []
    ui.tap_text("权力清单")
    leaving = ui.screen
    leaving.bind(on_leave=lambda *_args: entered.append("left"))
    ui.app.nav.go(ScreenName.COMPLAINT)
    assert entered == ["left"]  # on_leave / on_enter ran at once
    assert ui.app.nav.manager.children == [ui.screen] and ui.screen.name == ScreenName.COMPLAINT.value
    EventLoop.idle()  # the frame that shows it
    flips = []
    ui.app.root.get_root_window().bind(on_flip=lambda *_args: flips.append(1))
    for _ in range(3):
        EventLoop.idle()
    assert flips == [], "the screen change needed more frames"


def test_going_back_returns_to_the_place_on_the_page(ui, demo):
    """返回 from a record shows the list, or the page, where the villager left it, not its top."""
    from screens.uix.widgets import RowList, ScrollPage

    ui.resize(1280, 800)
    ui.set_large(True)
    ui.go(ScreenName.NOTICES)
    rows = next(w for w in ui.screen.walk() if isinstance(w, RowList))
    rows.scroll_y = 0
    ui.pump(3)
    ui.go(ScreenName.NOTICE_DETAIL, notice_id=demo.notices[0].id)
    page = next(w for w in ui.screen.walk() if isinstance(w, ScrollPage))
    page.scroll_y = 0.5
    ui.pump(3)
    ui.go(ScreenName.COMPLAINT)
    ui.tap(ui.app.root.ids.back)
    assert ui.screen.name == ScreenName.NOTICE_DETAIL.value and page.scroll_y == pytest.approx(0.5, abs=0.01)
    ui.tap(ui.app.root.ids.back)
    ui.pump(3)
    assert ui.screen.name == ScreenName.NOTICES.value and rows.scroll_y == pytest.approx(0, abs=0.01)
