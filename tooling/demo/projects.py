"""The demo village's projects: budgets, tendering, 四议两公开 records.

Chosen to exercise every case the terminal shows: settled under budget
(the office renovation from the reporting: 160,000 budget, 158,000
settled), settled more than 10% over budget (the drinking-water project),
under way, planned, and one major project with a missing stage.
Payments for these projects appear in the finance ledger with their
``project_id`` (see ``tooling.demo.finance``).
"""

from __future__ import annotations

import datetime as dt

from kiosk import model

D = dt.date.fromisoformat
_STAGE_ORDER = list(model.StageKind)


def _stages(*dates: str, missing: tuple[model.StageKind, ...] = (), notes: dict[model.StageKind, str] | None = None) -> list[model.Stage]:
    """Stages in 四议两公开 order, one date each; ``missing`` ones are skipped."""
    kinds = [kind for kind in _STAGE_ORDER if kind not in missing]
    notes = notes or {}
    return [model.Stage(kind=kind, date=D(day), note=notes.get(kind, "")) for kind, day in zip(kinds, dates, strict=False)]


def _yuan(amount: int) -> int:
    return amount * 100


PROJECTS: list[model.Project] = [
    model.Project(
        id="office-renovation",
        name="村部办公楼修缮",
        summary="对1998年建成的村部两层办公楼进行屋面防水、外墙翻新、门窗更换，并把一楼改造成便民服务大厅。",
        major=True,
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(160_000),
        settlement_fen=_yuan(158_000),
        funding_source="县财政村级组织活动场所补助10万元，村集体自筹6万元",
        tendering="邀请招标",
        contractor="新化县梅岭建筑工程有限公司",
        start_date=D("2026-04-15"),
        end_date=D("2026-08-28"),
        stages=_stages(
            "2026-02-26",
            "2026-03-02",
            "2026-03-06",
            "2026-03-10",
            "2026-03-11",
            "2026-09-25",
            notes={
                model.StageKind.REVIEW: "应到党员41人，实到35人，同意34人。",
                model.StageKind.RESOLUTION: "应到村民代表38人，实到33人，同意31人，不同意2人。",
                model.StageKind.RESULT_PUBLICITY: "预算16万元，审计结算15.8万元，节约2000元。",
            },
        ),
    ),
    model.Project(
        id="drinking-water",
        name="安全饮水巩固提升工程",
        summary="新建200立方米蓄水池1座，铺设主管网3.2公里，入户管网覆盖3、5、6组168户。施工中经村民代表会议同意，为6组高处农户增加加压泵站，结算超出预算。",
        major=True,
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(420_000),
        settlement_fen=_yuan(474_600),
        funding_source="县水利局农村供水项目资金35万元，一事一议财政奖补5万元，村集体自筹",
        tendering="公开招标（经群众举报后重新招标）",
        contractor="娄底市湘源水利水电工程有限公司",
        start_date=D("2026-01-08"),
        end_date=D("2026-05-30"),
        stages=_stages(
            "2025-10-20",
            "2025-10-23",
            "2025-10-28",
            "2025-11-02",
            "2025-11-03",
            "2026-06-20",
            notes={
                model.StageKind.PROPOSAL: "原方案未经决策程序被镇纪委叫停后，重新提议。",
                model.StageKind.RESULT_PUBLICITY: "增加6组加压泵站，经2026年3月18日村民代表会议同意，增加投资5.46万元。",
            },
        ),
    ),
    model.Project(
        id="group-road",
        name="3组至7组通组公路硬化",
        summary="将3组至7组2.6公里砂石路硬化为4.5米宽水泥路，配套修建错车道6处、涵管12处。",
        major=True,
        status=model.ProjectStatus.IN_PROGRESS,
        budget_fen=_yuan(580_000),
        funding_source="县交通运输局补助40万元，乡贤捐款3万元，村集体自筹",
        tendering="公开招标",
        contractor="新化县通达路桥建设有限公司",
        start_date=D("2026-09-15"),
        stages=_stages("2026-06-18", "2026-06-22", "2026-06-29", "2026-07-03", "2026-07-04"),
    ),
    model.Project(
        id="culture-square",
        name="村民文化广场建设",
        summary="在村部东侧闲置地建设1200平方米文化广场，配套健身器材、宣传栏和路灯，方便村民跳广场舞、开院坝会。",
        major=True,
        status=model.ProjectStatus.PLANNED,
        budget_fen=_yuan(280_000),
        funding_source="拟申请一事一议财政奖补，村集体自筹",
        tendering="拟邀请招标",
        stages=_stages("2026-11-05", "2026-11-10", "2026-11-17"),
    ),
    model.Project(
        id="pond-dredging",
        name="长冲山塘清淤扩容",
        summary="对长冲山塘清淤约4800立方米，加固塘坝，维修放水涵，改善2、4组约320亩农田灌溉。",
        major=True,
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(96_000),
        settlement_fen=_yuan(94_500),
        funding_source="县水利局小型水利设施补助8万元，村集体自筹",
        tendering="竞争性谈判",
        contractor="新化县禾丰农业水利工程有限公司",
        start_date=D("2025-12-01"),
        end_date=D("2026-01-25"),
        # The Party members' meeting was skipped: the terminal must flag it.
        stages=_stages("2025-10-08", "2025-10-12", "2025-10-20", "2025-10-21", "2026-02-20", missing=(model.StageKind.REVIEW,)),
    ),
    model.Project(
        id="street-lights",
        name="主干道太阳能路灯安装",
        summary="沿村主干道和通组路安装太阳能路灯120盏，每盏含灯杆、光伏板和蓄电池，质保3年。",
        major=True,
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(126_000),
        settlement_fen=_yuan(124_800),
        funding_source="县乡村振兴局亮化补助8万元，村集体自筹",
        tendering="询价采购",
        contractor="湖南星耀光电科技有限公司",
        start_date=D("2026-06-10"),
        end_date=D("2026-07-20"),
        stages=_stages("2026-04-08", "2026-04-12", "2026-04-16", "2026-04-20", "2026-04-21", "2026-08-10"),
    ),
    model.Project(
        id="garbage-pools",
        name="垃圾收集池建设",
        summary="在各村民小组修建垃圾收集池8个，方便垃圾分类和集中清运。",
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(28_000),
        settlement_fen=_yuan(27_600),
        funding_source="镇人居环境整治奖补2万元，村集体自筹",
        tendering="村民自建",
        contractor="本村施工队（负责人：曾庆华）",
        start_date=D("2026-03-05"),
        end_date=D("2026-03-28"),
    ),
    model.Project(
        id="canal-repair",
        name="水毁渠道修复",
        summary="修复7月洪水冲毁的灌溉渠道860米，其中重建挡土墙120米。",
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(35_000),
        settlement_fen=_yuan(36_200),
        funding_source="一事一议财政奖补3万元，村集体自筹",
        tendering="村民自建",
        contractor="本村投工投劳（负责人：彭志军）",
        start_date=D("2026-08-10"),
        end_date=D("2026-09-05"),
    ),
    model.Project(
        id="oil-tea-base",
        name="油茶基地提质改造",
        summary="对村集体200亩低产油茶林进行垦复、修剪和施肥，修建作业便道1.5公里，由合作社管护，收益按股分红。",
        major=True,
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(180_000),
        settlement_fen=_yuan(176_500),
        funding_source="县林业局油茶产业补助10万元，村集体自筹",
        tendering="竞争性谈判",
        contractor="新化县青山林业专业合作社",
        start_date=D("2026-01-05"),
        end_date=D("2026-04-10"),
        stages=_stages("2025-11-12", "2025-11-15", "2025-11-20", "2025-11-26", "2025-11-27", "2026-05-06"),
    ),
    model.Project(
        id="elder-center",
        name="老年人互助活动中心改造",
        summary="将原村小学旧校舍改造为老年人互助活动中心，设休息室、棋牌室、助餐点和卫生间。",
        major=True,
        status=model.ProjectStatus.IN_PROGRESS,
        budget_fen=_yuan(220_000),
        funding_source="县民政局农村互助养老设施补助15万元，村集体自筹",
        tendering="邀请招标",
        contractor="新化县安居建筑装饰工程有限公司",
        start_date=D("2026-10-08"),
        stages=_stages("2026-08-05", "2026-08-09", "2026-08-14", "2026-08-19", "2026-08-20"),
    ),
    model.Project(
        id="toilet-renovation",
        name="农村户厕改造",
        summary="为45户农户改造卫生厕所，农户自行施工，验收合格后每户补助1160元。",
        status=model.ProjectStatus.SETTLED,
        budget_fen=_yuan(54_000),
        settlement_fen=_yuan(52_200),
        funding_source="县农业农村局改厕奖补资金",
        tendering="村民自建",
        contractor="农户自建（45户）",
        start_date=D("2026-03-01"),
        end_date=D("2026-05-31"),
    ),
    model.Project(
        id="footbridge",
        name="杨家溪便民桥加固",
        summary="对杨家溪上1979年修建的石拱便民桥进行加固，加装护栏，解决8组村民和学生出行安全问题。",
        major=True,
        status=model.ProjectStatus.PLANNED,
        budget_fen=_yuan(65_000),
        funding_source="拟申请县交通运输局危桥改造补助",
        stages=_stages("2026-11-12"),
    ),
]

# Drawn photos per project: (scene in tooling.demo.images, caption).
PHOTOS: dict[str, list[tuple[str, str]]] = {
    "office-renovation": [("building", "村部办公楼修缮完工（2026年8月）"), ("building", "便民服务大厅启用")],
    "drinking-water": [("pipe", "主管网铺设（2026年3月）"), ("pond", "200立方米蓄水池建成")],
    "group-road": [("road", "3组至7组公路硬化施工中（2026年11月）")],
    "pond-dredging": [("pond", "长冲山塘清淤后蓄水")],
    "street-lights": [("lights", "主干道太阳能路灯安装完成")],
    "canal-repair": [("canal", "水毁渠道修复完工")],
    "oil-tea-base": [("hillside", "油茶林垦复后（2026年4月）")],
    "culture-square": [("square", "文化广场效果示意")],
}
