"""The demo village's budget, collective assets and contracts, committees,
and the platform's account of complaints (the documents of
``kiosk.model_oversight``).

They agree with the books (``tooling.demo.finance``): each rent the books
show is a fee paid under one of the contracts here, and the 2026 budget
was approved at the representatives' meeting of 26 November 2025 whose
allowances the books pay. What the terminal should flag is here on
purpose: spending over two budget lines and under one the budget lacks, a
tea garden's fee unpaid since June, and a forest contract worth 120,000
yuan let without the Party members' review or the representatives' vote.
All people and numbers are invented (see ``tooling.demo.content``).
"""

from __future__ import annotations

import datetime as dt
import random

from kiosk import model
from kiosk.model import Direction, StageKind
from kiosk.model_oversight import (
    Asset,
    AssetKind,
    AssetsDoc,
    BudgetDoc,
    BudgetLine,
    Committee,
    CommitteeKind,
    ComplaintsDoc,
    Contract,
    ContractKind,
    FeePayment,
    PeopleDoc,
    Person,
    Post,
    QuarterReport,
    TypicalResult,
    YearBudget,
)
from tooling.demo import content, people
from tooling.demo.finance import Month

D = dt.date.fromisoformat
EXPENSE, INCOME = Direction.EXPENSE, Direction.INCOME
FOUR_DELIBERATIONS_FROM_FEN = 5_000_000  # the county's rule: contracts worth 50,000 yuan or more


# ---------------------------------------------------------------- budget.json

_EXPENSE_BUDGET_YUAN = {
    "工程款": 1_450_000,
    "材料费": 40_000,
    "劳务费": 30_000,
    "补助发放": 54_000,
    "误工补贴": 56_000,
    "环境卫生": 50_000,
    "办公费": 28_000,
    "水电费": 12_000,
    "党建活动": 12_000,
    "慰问救助": 8_000,
    "护林防火": 9_600,
    "防汛抢险": 6_000,
    "公益事业": 10_000,
    "维修费": 5_000,
    "宣传费": 5_000,
    "差旅费": 3_000,
    "通讯费": 2_400,
    "招待费": 1_000,
    "银行手续费": 200,
}
_INCOME_BUDGET_YUAN = {
    "上级拨款": 1_300_000,
    "一事一议奖补": 80_000,
    "集体经营收益": 40_000,
    "集体资产租金": 27_800,  # fish pond 3,600, forest 8,000, shopfront 12,000, tea garden 4,200
    "供水收费": 20_000,
    "利息收入": 1_500,
}


def budget_doc() -> BudgetDoc:
    lines = [BudgetLine(direction=EXPENSE, category=c, amount_fen=y * 100) for c, y in _EXPENSE_BUDGET_YUAN.items()]
    lines += [BudgetLine(direction=INCOME, category=c, amount_fen=y * 100) for c, y in _INCOME_BUDGET_YUAN.items()]
    return BudgetDoc(
        budgets=[
            YearBudget(
                year=2026,
                approved_by="村民代表会议",
                approved_on=D("2025-11-26"),
                note="应到代表34人，实到31人，赞成29票",
                lines=lines,
            )
        ]
    )


# ---------------------------------------------------------------- assets.json


def _stages(*held: tuple[StageKind, str]) -> list[model.Stage]:
    return [model.Stage(kind=kind, date=D(day)) for kind, day in held]


def _all_stages(*days: str) -> list[model.Stage]:
    return _stages(*zip(StageKind, days, strict=True))


def _fee(period: str, due: str, yuan: int, paid_on: str | None = None, entry_id: str | None = None) -> FeePayment:
    return FeePayment(
        period=period,
        due=D(due),
        amount_fen=yuan * 100,
        paid_fen=yuan * 100 if paid_on else 0,
        paid_on=D(paid_on) if paid_on else None,
        entry_id=entry_id,
    )


def assets_doc(months: list[Month]) -> AssetsDoc:
    def booked(purpose: str, day: str) -> str:
        """The id of the rent the books show for this payment."""
        return next(e.id for m in months for e, _ in m.entries if e.purpose == purpose and e.date == D(day))

    assets = [
        Asset(
            id="reserve-land",
            kind=AssetKind.LAND,
            name="村集体机动地",
            location="4组、5组大塘坝下",
            size="42亩",
            note="二轮承包时留下的机动地，整片流转给种粮大户种双季稻。",
        ),
        Asset(id="changchong-pond", kind=AssetKind.POND, name="长冲鱼塘", location="3组长冲", size="15亩水面"),
        Asset(id="shiziling-forest", kind=AssetKind.FOREST, name="狮子岭集体山林", location="狮子岭", size="860亩"),
        Asset(id="office-shopfront", kind=AssetKind.BUILDING, name="村部一楼门面", location="村部一楼临街", size="2间，共60平方米"),
        Asset(id="tea-garden", kind=AssetKind.LAND, name="3组集体茶园", location="3组茶山坳", size="28亩"),
        Asset(
            id="old-school",
            kind=AssetKind.BUILDING,
            name="老村小学校舍",
            location="6组",
            size="2层，共420平方米",
            note="2019年学校撤并后空置，正在改造为老年人互助活动中心（见村级项目）。",
        ),
        Asset(
            id="solar-plant",
            kind=AssetKind.OTHER,
            name="村级光伏电站",
            location="村部和老村小学屋顶",
            size="60千瓦",
            note="村集体自己经营，发电收益记入村级财务。",
        ),
    ]
    contracts = [
        Contract(
            id="reserve-land-2024",
            asset_id="reserve-land",
            kind=ContractKind.CONTRACTING,
            party="罗建平",
            start_date=D("2024-01-01"),
            end_date=D("2028-12-31"),
            annual_fee_fen=1_260_000,
            letting="公开竞价：3户报价，每亩每年280元、300元、260元，罗建平出价最高。",
            stages=_all_stages("2023-10-09", "2023-10-12", "2023-10-20", "2023-10-28", "2023-10-29", "2023-12-05"),
            payments=[
                _fee("2024年度", "2023-12-31", 12_600, "2023-12-18"),
                _fee("2025年度", "2024-12-31", 12_600, "2024-12-16"),
                _fee("2026年度", "2025-12-31", 12_600, "2025-12-08", booked("2026年度集体机动地流转租金（42亩）", "2025-12-08")),
                _fee("2027年度", "2026-12-31", 12_600),
            ],
        ),
        Contract(
            id="changchong-pond-2026",
            asset_id="changchong-pond",
            kind=ContractKind.CONTRACTING,
            party="曾凡明",
            start_date=D("2026-01-01"),
            end_date=D("2030-12-31"),
            annual_fee_fen=360_000,
            letting="村民小组会议推荐，原承包人续包。",
            stages=_stages((StageKind.CONSULTATION, "2025-11-14"), (StageKind.RESULT_PUBLICITY, "2025-12-20")),
            payments=[_fee("2026年度", "2026-03-31", 3_600, "2026-03-09", booked("2026年度长冲鱼塘承包费", "2026-03-09"))],
        ),
        Contract(
            id="shiziling-forest-2022",
            asset_id="shiziling-forest",
            kind=ContractKind.CONTRACTING,
            party="新化县青山林业专业合作社",
            start_date=D("2022-01-01"),
            end_date=D("2036-12-31"),
            annual_fee_fen=800_000,
            letting="协议承包，没有公开竞价。",
            stages=_stages(
                (StageKind.PROPOSAL, "2021-10-12"), (StageKind.CONSULTATION, "2021-10-15"), (StageKind.RESULT_PUBLICITY, "2022-01-10")
            ),
            payments=[
                _fee("2025年度", "2025-04-30", 8_000, "2025-04-11"),
                _fee("2026年度", "2026-04-30", 8_000, "2026-04-07", booked("2026年度集体山林承包费", "2026-04-07")),
            ],
        ),
        Contract(
            id="office-shopfront-2025",
            asset_id="office-shopfront",
            kind=ContractKind.LEASE,
            party="谢美华",
            start_date=D("2025-01-01"),
            end_date=D("2027-12-31"),
            annual_fee_fen=1_200_000,
            letting="公开招租，2人报名，谢美华出价高。",
            stages=_stages((StageKind.CONSULTATION, "2024-11-08"), (StageKind.RESULT_PUBLICITY, "2024-12-12")),
            payments=[
                _fee(f"2026年第{number}季度", due, 3_000, paid, booked("村部一楼门面租金（季度）", paid))
                for number, due, paid in (
                    ("一", "2026-01-15", "2026-01-06"),
                    ("二", "2026-04-15", "2026-04-08"),
                    ("三", "2026-07-15", "2026-07-06"),
                    ("四", "2026-10-15", "2026-10-09"),
                )
            ],
        ),
        Contract(
            id="tea-garden-2024",
            asset_id="tea-garden",
            kind=ContractKind.CONTRACTING,
            party="彭国庆",
            start_date=D("2024-03-01"),
            end_date=D("2034-02-28"),
            annual_fee_fen=420_000,
            letting="3组村民小组会议同意，协议承包。",
            stages=_stages((StageKind.CONSULTATION, "2024-01-16"), (StageKind.RESULT_PUBLICITY, "2024-02-26")),
            payments=[
                _fee("2024年度", "2024-06-30", 4_200, "2024-06-25"),
                _fee("2025年度", "2025-06-30", 4_200, "2025-06-20"),
                _fee("2026年度", "2026-06-30", 4_200),
            ],
        ),
    ]
    return AssetsDoc(four_deliberations_from_fen=FOUR_DELIBERATIONS_FROM_FEN, assets=assets, contracts=contracts)


# ---------------------------------------------------------------- people.json

PARTY_OFFICE = "0738-0563101"
VILLAGE_OFFICE = "0738-0563102"
SUPERVISION_OFFICE = "0738-0563105"


def people_doc() -> PeopleDoc:
    rng = random.Random("cadres' phones")
    party, villagers, supervision = CommitteeKind.PARTY, CommitteeKind.VILLAGERS, CommitteeKind.SUPERVISION

    def person(ident: str, name: str, posts: list[tuple[CommitteeKind, str]], duties: str, office: str, powers: list[str]) -> Person:
        return Person(
            id=ident,
            name=name,
            posts=[Post(committee=committee, title=title) for committee, title in posts],
            duties=duties,
            office_phone=office,
            phone=people.mobile(rng),
            powers=powers,
        )

    committees = [
        Committee(
            kind=party,
            name="中共枫木冲村支部委员会",
            duties="领导村里的各项工作；村里的重大事项，由党支部按“四议两公开”提出议题，召开党员大会审议。",
            office_phone=PARTY_OFFICE,
        ),
        Committee(
            kind=villagers,
            name="枫木冲村民委员会",
            duties="办理村里的公共事务和公益事业，管理集体资产和村级财务，召开村民代表会议，公开村务。",
            office_phone=VILLAGE_OFFICE,
        ),
        Committee(
            kind=supervision,
            name="枫木冲村务监督委员会",
            duties="监督村务公开、每一笔开支、工程项目和集体资产处置，审核票据后签字。对公示有意见，可以先找村务监督委员会。",
            office_phone=SUPERVISION_OFFICE,
        ),
    ]
    roster = [
        person(
            "liu-zhiyong",
            content.SECRETARY,
            [(party, "书记"), (villagers, "主任")],
            "主持村党支部和村委会的全面工作，审批村级财务开支，管理村里的公章。",
            PARTY_OFFICE,
            ["major-decision", "collective-economy", "finance-expense", "seal-management", "affairs-publicity", "party-member"],
        ),
        person(
            "zeng-guohua",
            content.DEPUTY,
            [(party, "委员"), (villagers, "副主任")],
            "分管工程项目、集体资产和集体土地发包，经办物资采购。",
            VILLAGE_OFFICE,
            ["project-management", "asset-disposal", "land-contracting", "contract-management", "procurement", "land-compensation"],
        ),
        person(
            "luo-chunmei",
            content.BOOKKEEPER,
            [(villagers, "委员")],
            "村报账员，负责记账、报账，受理低保、救助、高龄津贴等申请。",
            VILLAGE_OFFICE,
            ["finance-expense", "minimum-living", "temporary-aid", "extreme-poverty", "senior-allowance", "disability-subsidy"],
        ),
        person(
            "deng-xiuying",
            content.WOMEN_DIRECTOR,
            [(party, "委员"), (villagers, "委员")],
            "妇女主任，负责妇女儿童工作、生育登记服务，调解矛盾纠纷，出具村级证明。",
            VILLAGE_OFFICE,
            ["birth-registration", "mediation", "certificates"],
        ),
        person(
            "peng-zhijun",
            content.MILITIA,
            [(villagers, "委员")],
            "民兵营长，负责护林防火、防汛抢险和退役军人服务。",
            VILLAGE_OFFICE,
            ["forest-fire", "flood-control", "disaster-relief", "veteran-services"],
        ),
        person(
            "xie-deming",
            content.SUPERVISOR,
            [(supervision, "主任")],
            "主持村务监督委员会：每一笔开支审核票据后签字，监督工程项目验收和集体资产处置。",
            SUPERVISION_OFFICE,
            ["finance-expense", "project-management", "affairs-publicity", "asset-disposal"],
        ),
        person(
            "wang-shufen",
            "王淑芬",
            [(supervision, "委员")],
            "参与村级物资采购的询价和验收，收集村民对公示的意见。",
            SUPERVISION_OFFICE,
            ["procurement", "affairs-publicity"],
        ),
        person(
            "long-jianxin",
            "龙建新",
            [(supervision, "委员")],
            "监督工程项目的施工、验收和结算，监督集体土地发包。",
            SUPERVISION_OFFICE,
            ["project-management", "land-contracting"],
        ),
    ]
    return PeopleDoc(committees=committees, people=roster)


# ---------------------------------------------------------------- complaints.json


def complaints_doc() -> ComplaintsDoc:
    return ComplaintsDoc(
        quarters=[
            QuarterReport(
                quarter="2026-Q1",
                published_on=D("2026-04-10"),
                received=3,
                handled=3,
                upheld=1,
                results=[
                    TypicalResult(
                        matter="反映2025年11月村民代表会议误工补贴，有人没到会也领了",
                        outcome="镇纪委调取签到表核对，确有1人没到会却领了50元补贴，已经追回，对经办人批评教育。",
                    ),
                    TypicalResult(
                        matter="反映村部水管冻裂维修费偏高",
                        outcome="镇纪委核对了维修发票和材料清单，价格符合市场行情，反映不属实，已当面向反映人说明。",
                    ),
                ],
            ),
            QuarterReport(
                quarter="2026-Q2",
                published_on=D("2026-07-10"),
                received=2,
                handled=2,
                upheld=0,
                results=[
                    TypicalResult(
                        matter="反映安全饮水工程结算超出预算",
                        outcome="镇农经站审核了村民代表会议同意增加加压泵站的决议和审计报告，超出的钱有依据，已在村务公开栏公示。",
                    )
                ],
            ),
            QuarterReport(
                quarter="2026-Q3",
                published_on=D("2026-10-12"),
                received=4,
                handled=3,
                upheld=1,
                results=[
                    TypicalResult(
                        matter="反映3组集体茶园的承包费一直没交",
                        outcome="属实。镇三资管理中心已督促承包人补交，承包人承诺年底前交清；村委会没有按时催收，已责令整改。",
                    ),
                    TypicalResult(
                        matter="反映7月防汛抢险误工补贴名单里有人没出工",
                        outcome="镇纪委逐一核对出工记录和现场照片，名单上的9人都参加了抢险，反映不属实。",
                    ),
                ],
                note="还在办的1件：反映狮子岭集体山林承包没有开村民代表会议，镇纪委正在核查，结果另行公布。",
            ),
        ]
    )
