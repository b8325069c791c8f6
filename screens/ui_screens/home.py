"""Home: the village's name and one large tile per kind of record, the
tile to report a problem across the page under them (or down the page
beside them where the screen is wide enough), and under them the way to
the corrections of the last 12 months (更正记录)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.corrections import corrections_link_text, today
from screens.uix.typeset_label import measurer
from screens.uix.widgets import Tile

# (title, what a villager finds inside, where it leads, its colour in TILE_COLOURS)
TILES = [
    ("权力清单", "村干部能管哪些事，每件事按什么流程办", ScreenName.POWER_CATEGORIES, 0),
    ("村级项目", "每个项目的预算、结算和审批过程", ScreenName.PROJECTS, 1),
    ("村级财务", "每一笔收入和支出，还有票据照片", ScreenName.FINANCE, 2),
    ("办事结果公开", "低保、危房改造、宅基地等名单", ScreenName.DISCLOSURES, 3),
    ("通知公告", "村里的通知和典型案例", ScreenName.NOTICES, 4),
    ("我的补贴", "输入身份证号，查发给您家的补贴", ScreenName.BENEFITS, 6),
    # Apart from the others (home.kv): the one that acts, not shows.
    ("我要反映问题", "用手机扫一扫，把问题告诉上级", ScreenName.COMPLAINT, 5),
]


REPORT_BESIDE = 0.2  # of the width: 我要反映问题 beside the sections' rows


class HomeScreen(KioskScreen):
    welcome = StringProperty("")
    hotlines = StringProperty("")
    corrections = StringProperty("")
    show_hint = BooleanProperty(True)
    show_welcome = BooleanProperty(True)
    report_beside = BooleanProperty(False)

    def show(self, **_params) -> None:
        village = self.snapshot.village
        self.title = f"{village.name}村务公开"
        self.welcome = f"{village.township}{village.name}"
        # Plain spaces: the text wraps between numbers, never inside one.
        self.hotlines = "监督举报电话：" + "   ".join(h.number for h in self.snapshot.complaint.hotlines)
        self.corrections = corrections_link_text(self.snapshot, today(self))
        grid = self.ids.tiles
        if not grid.children:
            *sections, report = TILES
            for tile in sections:
                grid.add_widget(self._tile(*tile))
            self.ids.report.add_widget(self._tile(*report))
            for widget in (
                self.ids.scroll,
                self.ids.page,
                self.ids.welcome,
                self.ids.hint,
                self.ids.search,
                self.ids.hotlines,
                self.ids.corrections,
                grid,
                self.ids.report,
            ):
                widget.bind(height=self._share_room_soon, width=self._share_room_soon)
            for tile in self._tiles():
                tile.bind(full_height=self._share_room_soon)

    def _tile(self, title: str, subtitle: str, target: ScreenName, colour: int) -> Tile:
        return Tile(title=title, subtitle=subtitle, face=self.app.theme.tile_colour(colour), action=lambda: self.app.nav.go(target))

    def _tiles(self) -> list:
        return [*self.ids.tiles.children, *self.ids.report.children]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Once a frame, after the sizes it depends on have settled.
        self._share_room_soon = Clock.create_trigger(self._share_room)

    def above_the_fold(self) -> list:
        """What must be seen without scrolling (the layout check holds the
        screen to it): every tile, 我要反映问题 among them."""
        return self._tiles()

    def _share_room(self, *_args) -> None:
        """Tiles fill the screen when there is room, all of one height (so
        tiles side by side line up). Where the screen is short, the hint
        line goes first, then the corrections link below the fold (a scroll
        away), then the tiles' subtitles, then the welcome line (the header
        names the village too): all seven tiles, 我要反映问题 among them, are
        seen without scrolling at every size."""
        tiles = self._tiles()
        self.report_beside = self._titles_fit_beside()
        # The tiles that share a row's height (我要反映问题 beside the rows stands as tall as all of them).
        in_rows = list(self.ids.tiles.children) if self.report_beside else tiles
        needed = max(tile.full_height for tile in in_rows)
        self.show_hint = self._tile_room(hint=True, welcome=True, link=True) >= needed
        link = self._tile_room(hint=self.show_hint, welcome=True, link=True) >= needed
        room = self._tile_room(hint=self.show_hint, welcome=True, link=link)
        compact = needed > room
        for tile in tiles:
            tile.compact = compact
        if compact:
            titles_only = max(tile.min_height for tile in in_rows)
            self.show_welcome = self._tile_room(hint=False, welcome=True, link=False) >= titles_only
            room = self._tile_room(hint=False, welcome=self.show_welcome, link=False)
        else:
            self.show_welcome = True
        height = max(room, *(tile.min_height for tile in in_rows))
        rows = self._grid_rows()
        for tile in tiles:
            tile.room = height if tile in in_rows else height * rows + self.ids.tiles.spacing[1] * (rows - 1)

    def _titles_fit_beside(self) -> bool:
        """Whether 我要反映问题 can stand beside the sections (their rows
        stay as few as on a landscape screen without it) with every title,
        its own too, still on one line: a title broken mid-word
        (办事结/果公开, 我要反/映问题) is worse than one more row."""
        ids, theme = self.ids, self.app.theme
        if theme.portrait:
            return False
        page = ids.page
        width = page.width - page.padding[0] - page.padding[2] - ids.sections.spacing
        tile = (width * (1 - REPORT_BESIDE) - ids.tiles.spacing[0] * (ids.tiles.cols - 1)) / ids.tiles.cols
        *sections, (report, *_rest) = TILES
        measure = measurer(ids.welcome.font_name, theme.heading, True)
        return measure(report) <= width * REPORT_BESIDE - theme.pad * 2 and all(
            measure(title) <= tile - theme.pad * 2 for title, *_ in sections
        )

    def _grid_rows(self) -> int:
        return -(-len(self.ids.tiles.children) // self.ids.tiles.cols)

    def _tile_room(self, hint: bool, welcome: bool, link: bool) -> float:
        """The height of a tile when the tiles share what the screen leaves
        them (``link``: the corrections link above the fold too)."""
        ids = self.ids
        page = ids.page
        fixed = ids.search.height + ids.hotlines.height
        fixed += ids.hint.texture_size[1] if hint else 0
        fixed += ids.welcome.texture_size[1] if welcome else 0
        fixed += page.spacing if hint and welcome else 0  # inside the intro
        fixed += ids.corrections.height + page.spacing if link else 0
        spacings = len(page.children) - 2  # between the page's parts, the link's own counted with it
        spare = ids.scroll.height - page.padding[1] - page.padding[3] - page.spacing * spacings - fixed
        rows = self._grid_rows() + (0 if self.report_beside else 1)  # 我要反映问题's own row, unless it stands beside them
        return (spare - ids.tiles.spacing[1] * (rows - 1)) / rows
