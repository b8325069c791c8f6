"""Power list screens: the three categories as big tiles, the items of a
category as large rows, and one item: what it is, who handles it, time
limit, materials, policy basis, risks with their controls, and its
flowchart (a preview here; the full viewer is ``screens.ui_screens.flowchart``)."""

from __future__ import annotations

import math

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.complaint import ItemKind
from kiosk.people_view import people_for_power, posts_zh
from kiosk.privacy import mask_text, public_numbers
from screens.shell.navigation import go_to, load_kv
from screens.shell.registry import ScreenName
from screens.ui_screens.base import KioskScreen
from screens.ui_screens.flowchart import FlowchartPreview
from screens.ui_screens.lists import ListScreen, PageScreen
from screens.uix.widgets import HintLabel, KButton, Section, TapArea

load_kv("ui_screens.flowchart")  # the rules of the flowchart preview on the detail page


class CategoryTile(TapArea, BoxLayout):
    """A category: its name, how many powers it holds, what they are about."""

    title = StringProperty()
    count = NumericProperty(0)
    description = StringProperty()
    index = NumericProperty(0)  # picks the tile colour
    min_height = NumericProperty(0)


class PowerCategoriesScreen(KioskScreen):
    tile_room = NumericProperty(0)  # height left for the tiles under the intro and search button

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ids.tiles.bind(cols=self._size_tiles)

    def on_tile_room(self, *_args) -> None:
        self._size_tiles()

    def _size_tiles(self, *_args) -> None:
        """Share the room among the rows of tiles, so three tiles fill the
        screen; a tile whose words need more grows (the page scrolls)."""
        tiles = self.ids.get("tiles")
        if tiles is None or not tiles.cols:  # still being built
            return
        rows = max(1, math.ceil(len(tiles.children) / tiles.cols))
        share = (self.tile_room - tiles.spacing[1] * (rows - 1)) / rows
        # Tiles side by side are as tall as the one with the most words.
        share = max([share, *(tile.minimum_height for tile in tiles.children)])
        for tile in tiles.children:
            tile.min_height = share

    def show(self, **_params) -> None:
        self.title = "权力清单"
        tiles = self.ids.tiles
        tiles.clear_widgets()
        for index, category in enumerate(self.snapshot.categories):
            tile = CategoryTile(
                title=category.name,
                count=len(self.snapshot.items_in(category.id)),
                description=category.description,
                index=index,
                action=go_to(ScreenName.POWER_LIST, category_id=category.id),
            )
            tile.bind(minimum_height=self._size_tiles)
            tiles.add_widget(tile)
        self._size_tiles()


class PowerListScreen(ListScreen):
    def rows(self, **params) -> list[dict]:
        category_id: str = params["category_id"]
        category = next(c for c in self.snapshot.categories if c.id == category_id)
        self.title = category.name
        self.intro = f"{category.description}共{len(self.snapshot.items_in(category_id))}项，点一项看怎么办。"
        public = public_numbers(self.snapshot.complaint.hotlines)
        return [
            {"title": item.name, "subtitle": mask_text(item.summary, public), "action": go_to(ScreenName.POWER_DETAIL, item_id=item.id)}
            for item in self.snapshot.items_in(category_id)
        ]


class BasisCard(BoxLayout):
    """One policy basis: the document and clause, and what it says."""

    source = StringProperty()  # 《…》第十九条
    excerpt = StringProperty()


class RiskCard(BoxLayout):
    """A risk point and the control that answers it, side by side so the
    pair is read together."""

    risk = StringProperty()
    control = StringProperty()
    level = StringProperty()


class FlowchartButtons(BoxLayout):
    """看大图 / 按步骤看, above the preview."""

    item_id = StringProperty()


class PowerDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        item_id: str = params["item_id"]
        item = self.snapshot.power_item(item_id)
        public = public_numbers(self.snapshot.complaint.hotlines)

        def say(text: str) -> str:
            return mask_text(text, public)

        self.title = item.name
        self.add_heading(content, item.name)
        self.add_section(content, "这是什么事", [say(item.summary)])
        who = self.add_section(content, "谁来办", [say(item.responsible)])
        self._add_people(who, item.id, public)
        if item.time_limit:
            self.add_section(content, "多长时间办完", [say(item.time_limit)])
        if item.materials:
            self.add_section(content, "要带的材料", [f"{i}. {say(m)}" for i, m in enumerate(item.materials, 1)])

        flow = self.make(Section, title="办事流程")
        flow.add_widget(self.make(HintLabel, text="按下面的图一步一步办。点图或“看大图”可以放大；字小看不清，点“按步骤看”。"))
        flow.add_widget(self.make(FlowchartButtons, item_id=item.id))
        preview = self.make(FlowchartPreview, action=go_to(ScreenName.POWER_FLOWCHART, item_id=item.id))
        preview.set_chart(item.id, item.flowchart)
        flow.add_widget(preview)
        content.add_widget(flow)

        if item.basis:
            basis = self.make(Section, title="政策依据")
            for entry in item.basis:
                basis.add_widget(self.make(BasisCard, source=say(f"{entry.document}{entry.clause}"), excerpt=say(entry.excerpt)))
            content.add_widget(basis)
        if item.risks:
            risks = self.make(Section, title="容易出问题的地方，怎么防")
            for entry in item.risks:
                risks.add_widget(self.make(RiskCard, risk=say(entry.risk), control=say(entry.control), level=entry.level))
            content.add_widget(risks)
        self.add_report(content, "对这件事有意见？扫码反映", ItemKind.POWER, item.id)

    def _add_people(self, section: Section, item_id: str, public: frozenset[str]) -> None:
        """Who on the roster exercises this power, each a way to their duties and office phone."""
        people = people_for_power(self.snapshot, item_id)
        if people:
            section.add_widget(self.make(HintLabel, text="村里具体负责的人，点名字看他管什么、办公电话："))
        for person in people:
            text = f"{mask_text(person.name, public)}（{posts_zh(person, public)}）"
            section.add_widget(self.make(KButton, text=text, action=go_to(ScreenName.PERSON_DETAIL, person_id=person.id)))
        if not people and self.snapshot.people:
            section.add_widget(self.make(KButton, text="看村干部名单和办公电话", action=go_to(ScreenName.PEOPLE)))
