"""The layout check (run alone with ``pytest -k layout``): every screen and
one detail view of each kind, at each size and font scale."""

import pytest
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from tooling.layout_check import check_screen, contrast
from tooling.tour import tour_stops, visit

SIZES = [(1920, 1080), (1080, 1920), (1280, 800)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_layout_of_every_screen(ui, demo, size, large):
    ui.resize(*size)
    ui.set_large(large)
    report = []
    for stop in tour_stops(demo):
        visit(ui, stop)
        report += [f"{stop.label} {size[0]}x{size[1]} {'large' if large else 'normal'}: {p}" for p in check_screen(ui)]
    assert not report, "\n".join(report)


def test_layout_check_contrast_numbers():
    assert contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)
    assert contrast((0x76 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.02)


def test_layout_check_catches_a_broken_layout(ui):
    """Break a layout on purpose: each kind of fault is reported."""
    from kivy.core.window import Window

    theme = ui.app.theme
    broken = BoxLayout(orientation="vertical", size_hint=(None, None), size=(600, 400), pos=(100, 300))
    broken.add_widget(
        Label(
            text="这一行字太长了，放不下" * 4, size_hint_y=None, height=40, text_size=(600, None), color=(0, 0, 0, 1), font_size=theme.body
        )
    )
    row = BoxLayout(size_hint_y=None, height=40)
    row.add_widget(Button(text="小", color=(0.6, 0.6, 0.6, 1), background_color=(0.6, 0.6, 0.6, 1)))
    row.add_widget(Button(text="挤"))
    broken.add_widget(row)
    Window.add_widget(broken)
    try:
        ui.pump(4)
        problems = check_screen(ui)
        kinds = {p.kind for p in problems}
    finally:
        Window.remove_widget(broken)
        ui.pump()
    assert {"clipped", "too_small", "too_close", "contrast"} <= kinds, [str(p) for p in problems]


def test_layout_check_catches_what_a_person_sees(ui):
    """Typesetting, wrapping buttons, misaligned tiles, invisible text and
    content a scroll view never shows: each is reported."""
    from kivy.core.window import Window
    from kivy.graphics import Color, Rectangle

    from screens.uix.widgets import KButton

    theme = ui.app.theme
    page = BoxLayout(orientation="vertical", size_hint=(None, None), size=(700, 1300), pos=(40, 300), spacing=20)
    with page.canvas.before:  # a plain page under the broken parts, not the home screen's tiles
        Color(*theme.bg)
        Rectangle(pos=page.pos, size=page.size)
    width = theme.body * 9.5  # nine characters a line
    for text in ("村里的通知在这里看。请大家", "停水通知：明天17:00停止供水"):
        page.add_widget(
            Label(
                text=text,
                font_size=theme.body,
                color=(0, 0, 0, 1),
                text_size=(width, None),
                size_hint=(None, None),
                size=(width, theme.body * 3),
            )
        )
    page.add_widget(KButton(text="看整张流程图", size_hint_x=None, width=theme.body * 4))
    grid = GridLayout(cols=2, size_hint_y=None, height=300, spacing=20)
    grid.add_widget(Button(text="高", size_hint_y=None, height=300))
    grid.add_widget(Button(text="矮", size_hint_y=None, height=200))
    page.add_widget(grid)
    page.add_widget(Label(text="看不见的字", font_size=theme.body, color=theme.bg, size_hint_y=None, height=80))
    scroll = ScrollView(size_hint_y=None, height=200)
    content = BoxLayout(orientation="vertical", size_hint_y=None, height=100)
    content.add_widget(Button(text="藏住的按钮", size_hint_y=None, height=300))
    scroll.add_widget(content)
    page.add_widget(scroll)
    Window.add_widget(page)
    try:
        ui.pump(6)
        problems = check_screen(ui)
        kinds = {p.kind for p in problems}
    finally:
        Window.remove_widget(page)
        ui.pump()
    assert {"starts_with_closing", "split_token", "kivy_wrap", "button_wraps", "misaligned", "invisible", "cut_off"} <= kinds, sorted(kinds)
