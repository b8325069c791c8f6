"""集体三资: the village's collective assets and resources (land, ponds,
forest, buildings), the contracts that let them, the fees due and paid,
and the 四议两公开 record a contract's worth requires. A fee overdue and a
contract let without the stages it needed are flagged."""

from __future__ import annotations

from kiosk import money
from kiosk.assets_view import ContractView, asset_view, contract_view
from kiosk.complaint import ItemKind
from kiosk.privacy import public_numbers
from screens.shell.navigation import go_to, load_kv
from screens.shell.registry import ScreenName
from screens.ui_screens.lists import ListScreen, PageScreen
from screens.ui_screens.projects import FLAG_WORDS, timeline_step
from screens.uix.widgets import FitRow, HintLabel, HintText, KButton, KLabel, MessageStrip, Pill, Section

load_kv("ui_screens.projects")  # the 四议两公开 timeline's steps


def _public(screen) -> frozenset[str]:
    return public_numbers(screen.snapshot.complaint.hotlines)


def _asset_view(screen, asset):
    snapshot = screen.snapshot
    return asset_view(asset, snapshot.contracts_of(asset.id), snapshot.as_of, snapshot.four_deliberations_from_fen, _public(screen))


def _flag_words(flags) -> str:
    return "、".join(dict.fromkeys(FLAG_WORDS[flag.kind] for flag in flags))


class AssetsScreen(ListScreen):
    def rows(self, **_params):
        self.title = "集体三资"
        self.intro = "村集体的土地、山塘、山林和房屋：包给了谁，每年多少钱，交了没有。标黄的字要注意，点一行看合同。"
        self.empty_text = "上级平台还没有公布村里的集体资产和合同。"
        rows = []
        for asset in self.snapshot.assets:
            view = _asset_view(self, asset)
            parties = "、".join(contract.party for contract in view.contracts) or "没有包出去"
            yearly = sum(contract.annual_fee_fen for contract in self.snapshot.contracts_of(asset.id))
            rows.append(
                {
                    "title": view.name,
                    "subtitle": "  ".join(filter(None, [view.kind_zh, view.size, parties])),
                    "badge": _flag_words(view.flags),
                    "value": f"{money.yuan_short(yearly)}/年" if yearly else "",
                    "action": go_to(ScreenName.ASSET_DETAIL, asset_id=asset.id),
                }
            )
        return rows


class AssetDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        asset_id: str = params["asset_id"]
        view = _asset_view(self, self.snapshot.asset(asset_id))
        self.title = view.name
        self.add_heading(content, view.name)
        line = FitRow()
        line.add_widget(Pill(text=view.kind_zh, tone="primary"))
        line.add_widget(Pill(text="集体资源" if view.resource else "集体资产", tone="plain"))
        content.add_widget(line)
        facts = [text for text in (view.location and f"在哪里：{view.location}", view.size and f"有多大：{view.size}") if text]
        if facts:
            self.add_section(content, "基本情况", facts)
        if view.note:
            content.add_widget(self.make(HintText, text=view.note))
        contracts = self.make(Section, title=f"合同（{len(view.contracts)}份）" if view.contracts else "合同")
        if not view.contracts:
            contracts.add_widget(self.make(KLabel, text="这项资产现在没有包出去，也没有出租。"))
        for contract in view.contracts:
            _add_contract_summary(self, contracts, contract)
        content.add_widget(contracts)
        self.add_report(content, "对这项集体资产有疑问？扫码反映", ItemKind.ASSET, asset_id)


def _add_contract_summary(screen: PageScreen, section: Section, view: ContractView) -> None:
    section.add_widget(screen.make(KLabel, text=f"{view.kind_zh}给{view.party}", role="title"))
    section.add_widget(screen.make(KLabel, text=f"{view.term_zh}；{view.fee_zh}"))
    for flag in view.flags:
        section.add_widget(screen.make(MessageStrip, shown=True, text="请注意：" + flag.message_zh))
    section.add_widget(screen.make(KButton, text="看这份合同和交费情况", action=go_to(ScreenName.CONTRACT_DETAIL, contract_id=view.id)))


class ContractDetailScreen(PageScreen):
    def fill(self, content, **params) -> None:
        contract_id: str = params["contract_id"]
        snapshot = self.snapshot
        contract = snapshot.contract(contract_id)
        view = contract_view(
            contract, snapshot.asset(contract.asset_id), snapshot.as_of, snapshot.four_deliberations_from_fen, _public(self)
        )
        self.title = view.title
        self.add_heading(content, view.title)
        for flag in view.flags:
            content.add_widget(MessageStrip(shown=True, text="请注意：" + flag.message_zh))
        facts = [f"{view.party_label}：{view.party}", f"期限：{view.term_zh}", view.fee_zh, view.value_zh]
        self.add_section(content, "合同", facts)
        if view.letting:
            self.add_section(content, "怎么包出去的", [view.letting])

        fees = Section(title="每年交费情况")
        fees.add_widget(HintLabel(text=f"按数据截至的{snapshot.as_of.year}年{snapshot.as_of.month}月{snapshot.as_of.day}日算。"))
        for fee in view.fees:
            line = FitRow()
            word, tone = ("欠费", "warn") if fee.overdue else (("已交清", "ok") if not fee.owed_fen else ("未到期", "plain"))
            line.add_widget(Pill(text=word, tone=tone))
            line.add_widget(KLabel(text=f"{fee.period}：{fee.text_zh}"))
            fees.add_widget(line)
        if not view.fees:
            fees.add_widget(KLabel(text="没有公布交费记录。"))
        content.add_widget(fees)

        stages = Section(title="四议两公开：六个步骤")
        stages.add_widget(HintLabel(text=view.rule_zh))
        for number, stage in enumerate(view.timeline, 1):
            stages.add_widget(timeline_step(number, stage))
        content.add_widget(stages)
        if view.note:
            content.add_widget(HintText(text=view.note))
        self.add_button(content, "看这项集体资产", go_to(ScreenName.ASSET_DETAIL, asset_id=view.asset_id))
        self.add_report(content, "对这份合同有疑问？扫码反映", ItemKind.CONTRACT, contract_id)
