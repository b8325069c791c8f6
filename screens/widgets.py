"""Shared widgets: every screen builds from these, so sizes, colours and
touch behaviour stay consistent and follow the theme."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import (
    BooleanProperty, ColorProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView


def theme():
    return App.get_running_app().theme


class KLabel(Label):
    """Wrapped text that is always as tall as its content (never clipped)."""

    role = StringProperty("body")  # small / body / title / heading / display


class TapArea(ButtonBehavior):
    """A touch target: calls ``action`` on release. Kept as behaviour so any
    layout can become tappable."""

    action = ObjectProperty(None, allownone=True)

    def on_release(self):
        if self.action is not None:
            self.action()


class KButton(TapArea, Label):
    """A large button with a coloured face."""

    face = ColorProperty(None, allownone=True)
    ink = ColorProperty(None, allownone=True)
    role = StringProperty("body")


class Tile(TapArea, BoxLayout):
    """A home-screen tile: big title, one plain line of what is inside."""

    title = StringProperty()
    subtitle = StringProperty()
    face = ColorProperty([0.5, 0.1, 0.1, 1])


class RowButton(TapArea, BoxLayout):
    """One row of a list: title, a smaller line under it, a value at right."""

    title = StringProperty()
    subtitle = StringProperty()
    value = StringProperty()
    badge = StringProperty()  # short flag shown in warning colour, e.g. 公示中
    index = NumericProperty(0)


class RowList(RecycleView):
    """A long list that stays smooth: only visible rows exist as widgets.

    ``rows`` takes dicts with keys title, subtitle, value, badge, action.
    """

    rows = ListProperty()
    row_height = NumericProperty(100)

    def on_rows(self, _instance, rows):
        self.data = [dict(row, index=i) for i, row in enumerate(rows)]
        self.scroll_y = 1


class ScrollPage(ScrollView):
    """A vertically scrolling page; add children to ``page.content``."""

    content = ObjectProperty(None)


class Section(BoxLayout):
    """A titled block on a detail page (e.g. 所需材料, 政策依据)."""

    title = StringProperty()


class MessageStrip(BoxLayout):
    """A calm coloured message strip (stale data, missing picture, …)."""

    text = StringProperty()
    shown = BooleanProperty(False)
