"""The base every screen derives from."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A screen shows one view of the current snapshot.

    ``show(**params)`` fills it (params come from navigation, e.g. an item
    id); it is called again with the same params when a new snapshot
    arrives, so a villager keeps their place across a data update. Every
    screen takes ``**params`` and reads the ones it needs by name (so do
    ``ListScreen.rows`` and ``PageScreen.fill``): the navigator shows any
    screen through this one signature.
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
