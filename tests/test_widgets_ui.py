"""Shared widgets on the real app: wrapped labels render once, at their real width."""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout

from screens.widgets import KLabel

PARAGRAPH = "村民代表会议决议后，在村务公开栏公示不少于五个工作日，公示期间无异议的，按程序组织实施。"


def _rendered_widths(label) -> list[float]:
    widths = []
    label.bind(texture=lambda instance, _texture: widths.append(round(instance.width)))
    return widths


def test_a_new_paragraph_is_wrapped_once_at_its_real_width(ui):
    holder = BoxLayout(orientation="vertical", size_hint=(None, None), size=(800, 600), padding=24)
    label = KLabel(text=PARAGRAPH)
    widths = _rendered_widths(label)
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert widths == [752]  # not first at Kivy's default 100 px, nor at 100 - 2 * 24
        assert label.texture_size[0] <= 752 and label.height == label.texture_size[1] > 0
    finally:
        Window.remove_widget(holder)


def test_a_label_that_really_is_narrow_still_shows_its_text(ui):
    holder = BoxLayout(size_hint=(None, None), size=(60, 600))
    label = KLabel(text="公示中")
    holder.add_widget(label)
    Window.add_widget(holder)
    try:
        ui.pump(3)
        assert label.width == 60 and label.texture_size[1] > 0  # one frame later, at 60 px
    finally:
        Window.remove_widget(holder)
