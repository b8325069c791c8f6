"""Home: the village's name, one large tile per kind of record, and under
them the way to the corrections of the last 12 months (更正记录)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.corrections import corrections_link_text, today
from screens.uix.widgets import Tile

# (title, what a villager finds inside, where it leads)
TILES = [
    ("权力清单", "村干部能管哪些事，每件事按什么流程办", ScreenName.POWER_CATEGORIES),
    ("村级项目", "每个项目的预算、结算和审批过程", ScreenName.PROJECTS),
    ("村级财务", "每一笔收入和支出，还有票据照片", ScreenName.FINANCE),
    ("办事结果公开", "低保、危房改造、宅基地等名单", ScreenName.DISCLOSURES),
    ("通知公告", "村里的通知和典型案例", ScreenName.NOTICES),
    ("我要反映问题", "用手机扫一扫，把问题告诉上级", ScreenName.COMPLAINT),
]


class HomeScreen(KioskScreen):
    welcome = StringProperty("")
    hotlines = StringProperty("")
    corrections = StringProperty("")
    show_hint = BooleanProperty(True)

    def show(self, **_params) -> None:
        village = self.snapshot.village
        self.title = f"{village.name}村务公开"
        self.welcome = f"{village.township}{village.name}"
        # Plain spaces: the text wraps between numbers, never inside one.
        self.hotlines = "监督举报电话：" + "   ".join(h.number for h in self.snapshot.complaint.hotlines)
        self.corrections = corrections_link_text(self.snapshot, today(self))
        grid = self.ids.tiles
        if not grid.children:
            for index, (title, subtitle, target) in enumerate(TILES):
                grid.add_widget(
                    Tile(
                        title=title,
                        subtitle=subtitle,
                        face=self.app.theme.tile_colour(index),
                        action=lambda target=target: self.app.nav.go(target),
                    )
                )
            ids = self.ids
            for widget in (ids.scroll, ids.page, ids.welcome, ids.hint, ids.search, ids.hotlines, ids.corrections, grid):
                widget.bind(height=self._share_room_soon, width=self._share_room_soon)
            for tile in grid.children:
                tile.bind(full_height=self._share_room_soon)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Once a frame, after the sizes it depends on have settled.
        self._share_room_soon = Clock.create_trigger(self._share_room)

    def above_the_fold(self) -> list:
        """What must be seen without scrolling (the layout check holds the
        screen to it): every tile, 我要反映问题 among them."""
        return list(self.ids.tiles.children)

    def _share_room(self, *_args) -> None:
        """Tiles fill the screen when there is room, all of one height (so
        tiles side by side line up). Where the screen is short, the hint
        line goes first, then the corrections link below the fold (a
        scroll away), then the tiles' subtitles: all six tiles,
        我要反映问题 among them, are seen without scrolling at every size."""
        ids = self.ids
        tiles = ids.tiles.children
        needed = max(tile.full_height for tile in tiles)
        self.show_hint = self._tile_room(with_hint=True, with_link=True) >= needed
        with_link = self._tile_room(with_hint=self.show_hint, with_link=True) >= needed
        room = self._tile_room(with_hint=self.show_hint, with_link=with_link)
        compact = needed > room
        for tile in tiles:
            tile.compact = compact
        height = max(room, *(tile.min_height for tile in tiles))
        for tile in tiles:
            tile.room = height

    def _tile_room(self, with_hint: bool, with_link: bool) -> float:
        """The height of a tile when the tiles share what the screen leaves
        them (``with_link``: the corrections link above the fold too)."""
        ids = self.ids
        page = ids.page
        fixed = sum(ids[name].height for name in ("welcome", "search", "hotlines"))
        if with_hint:
            fixed += ids.hint.texture_size[1]
        if with_link:
            fixed += ids.corrections.height + page.spacing
        spare = ids.scroll.height - page.padding[1] - page.padding[3] - page.spacing * 4 - fixed
        rows = -(-len(ids.tiles.children) // ids.tiles.cols)
        return (spare - ids.tiles.spacing[1] * (rows - 1)) / rows
