"""The base every screen derives from."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A screen shows one view of the current snapshot.

    ``show(**params)`` fills it (params come from navigation, e.g. an item
    id); it is called again with the same params when a new snapshot
    arrives, so a villager keeps their place across a data update.
    """

    title = StringProperty("")

    @property
    def app(self):
        return App.get_running_app()

    @property
    def snapshot(self):
        return self.app.data.snapshot

    def show(self, **params) -> None:
        raise NotImplementedError
