"""Power list screens: categories, the items of a category, one item."""

from __future__ import annotations

from kiosk.privacy import mask_text
from screens.lists import ListScreen, PageScreen
from screens.navigation import go_to
from screens.registry import ScreenName


class PowerCategoriesScreen(ListScreen):
    def rows(self, **_params):
        self.title = "权力清单"
        self.intro = "村干部的每一项权力都列在这里，点进去看怎么办、要带什么、找谁办。"
        return [
            dict(title=category.name, subtitle=category.description,
                 value=f"{len(self.snapshot.items_in(category.id))}项",
                 action=go_to(ScreenName.POWER_LIST, category_id=category.id))
            for category in self.snapshot.categories
        ]


class PowerListScreen(ListScreen):
    def rows(self, category_id: str):
        category = next(c for c in self.snapshot.categories if c.id == category_id)
        self.title = category.name
        self.intro = category.description
        return [
            dict(title=item.name, subtitle=item.summary, value=item.time_limit,
                 action=go_to(ScreenName.POWER_DETAIL, item_id=item.id))
            for item in self.snapshot.items_in(category_id)
        ]


class PowerDetailScreen(PageScreen):
    def fill(self, content, item_id: str):
        item = self.snapshot.power_item(item_id)
        self.title = item.name
        self.add_heading(content, item.name)
        self.add_section(content, "这是什么事", [mask_text(item.summary)])
        self.add_section(content, "谁来办", [item.responsible])
        if item.time_limit:
            self.add_section(content, "多长时间办完", [item.time_limit])
        if item.materials:
            self.add_section(content, "要带的材料", [f"{i}. {m}" for i, m in enumerate(item.materials, 1)])
        if item.basis:
            self.add_section(content, "政策依据", [
                f"{b.document}{b.clause}" + (f"：{b.excerpt}" if b.excerpt else "") for b in item.basis
            ])
        if item.risks:
            self.add_section(content, "容易出问题的地方和防范办法", [
                f"风险：{r.risk}\n防范：{r.control}" for r in item.risks
            ])
        nodes = {node.id: node for node in item.flowchart.nodes}
        self.add_section(content, "办事流程", [
            f"{i}. {node.label}" for i, node in enumerate(nodes.values(), 1)
        ])
        self.add_button(content, "对这件事有意见？扫码反映",
                        go_to(ScreenName.COMPLAINT, item_id=item.id))
