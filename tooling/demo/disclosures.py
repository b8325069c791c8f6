"""Results of handled matters (办事结果公开): the village's publicity lists.

Rows carry full ID-card numbers, mobile numbers, a landline and bank card
numbers on purpose: feeds send them whole and the terminal must mask them
on screen. Two lists are still in their publicity period on the data date.
"""

from __future__ import annotations

import datetime as dt
import random

from kiosk import model
from tooling.demo import content, finance, people

SEED = 20261121
D = dt.date.fromisoformat
K = model.DisclosureKind

_OBJECTIONS = f"公示期间如有异议，请向村务监督委员会或青石镇人民政府反映，电话：{content.TOWN_PHONE}，也可以扫描查询机上的二维码投诉。"


def _pick(rng: random.Random, pool: list[people.Villager], count: int) -> list[people.Villager]:
    chosen = rng.sample(pool, count)
    for person in chosen:
        pool.remove(person)  # one person, one list: keeps the demo believable
    return sorted(chosen, key=lambda p: (p.group, p.name))


def disclosures() -> list[model.Disclosure]:
    rng = random.Random(SEED)
    # Disjoint by name, so one name never shows two different ID numbers.
    taken = set(content.CADRES) | finance.Staff().names()
    adults = people.population(random.Random(SEED + 1), 260, content.GROUPS, born_from=1940, born_to=2000, exclude=taken)
    taken |= {p.name for p in adults}
    elders = people.population(random.Random(SEED + 2), 40, content.GROUPS, born_from=1924, born_to=1946, exclude=taken)
    taken |= {p.name for p in elders}
    young = people.population(random.Random(SEED + 3), 30, content.GROUPS, born_from=1990, born_to=2004, exclude=taken)
    return [
        _allowance_q4(rng, adults),
        _allowance_q3(rng, adults),
        _housing(rng, adults),
        _relief(rng, adults),
        _party(rng, young),
        _homestead_third(rng, adults),
        _homestead_second(rng, adults),
        _senior_allowance(rng, elders),
        _public_jobs(),
    ]


def _yuan(amount: int) -> str:
    return f"{amount:,}"


def _allowance_q4(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    rows = []
    for index, person in enumerate(_pick(rng, pool, 14), start=1):
        members = rng.choice((1, 1, 2, 2, 3, 4))
        kind = rng.choice(("A类", "B类", "B类", "C类"))
        per_head = {"A类": 420, "B类": 350, "C类": 260}[kind]
        change = "新申请" if index in (3, 9, 12) else "继续保障"
        rows.append(
            [
                str(index),
                person.name,
                person.id_number,
                f"{person.group}组",
                str(members),
                kind,
                _yuan(per_head * members),
                change,
                person.mobile,
            ]
        )
    return model.Disclosure(
        id="allowance-2026q4",
        kind=K.ALLOWANCE,
        title="2026年第四季度农村低保对象审核公示",
        publicity_start=D("2026-11-19"),
        publicity_end=D("2026-11-26"),
        columns=["序号", "户主姓名", "身份证号码", "村民小组", "保障人数", "保障类别", "月保障金（元）", "类型", "联系电话"],
        rows=rows,
        note="以上对象经入户调查、镇人民政府审核，拟报县民政局审批。" + _OBJECTIONS,
    )


def _allowance_q3(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    reasons = ("家庭成员外出务工，收入超过低保标准", "子女已参加工作，有赡养能力", "家庭新购置小型货车", "本人去世，自然终止")
    rows = []
    for index, (person, reason) in enumerate(zip(_pick(rng, pool, 4), reasons, strict=True), start=1):
        rows.append([str(index), person.name, person.id_number, f"{person.group}组", "停止保障", reason])
    return model.Disclosure(
        id="allowance-2026q3",
        kind=K.ALLOWANCE,
        title="2026年第三季度农村低保动态调整（停保）公示",
        publicity_start=D("2026-08-17"),
        publicity_end=D("2026-08-23"),
        columns=["序号", "户主姓名", "身份证号码", "村民小组", "调整情况", "原因"],
        rows=rows,
        note="低保实行动态管理，应保尽保、应退尽退。" + _OBJECTIONS,
    )


def _housing(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    kinds = ("农村低保户", "分散供养特困人员", "低保边缘家庭", "农村低保户", "因病因灾致贫家庭", "农村低保户")
    rows = []
    for index, (person, kind) in enumerate(zip(_pick(rng, pool, 6), kinds, strict=True), start=1):
        grade = rng.choice(("C级", "D级"))
        method, amount = (
            ("修缮加固", rng.choice((12_000, 14_000, 15_000))) if grade == "C级" else ("拆除重建", rng.choice((35_000, 38_000)))
        )
        rows.append([str(index), person.name, person.id_number, f"{person.group}组", kind, grade, method, _yuan(amount), person.bank_card])
    return model.Disclosure(
        id="housing-2026",
        kind=K.HOUSING,
        title="2026年农村危房改造补助对象公示",
        publicity_start=D("2026-05-11"),
        publicity_end=D("2026-05-17"),
        columns=["序号", "户主姓名", "身份证号码", "村民小组", "对象类别", "危房等级", "改造方式", "补助金额（元）", "补助资金发放账号"],
        rows=rows,
        note="危房等级由县住建局组织鉴定。补助资金在竣工验收合格后直接打入上述账号。" + _OBJECTIONS,
    )


def _relief(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    damages = (
        ("房屋倒塌1间", "倒房重建救助", 3_000),
        ("房屋严重损坏", "损房维修救助", 2_000),
        ("房屋进水、家具损毁", "过渡期生活救助", 1_000),
        ("稻田冲毁1.2亩", "生活救助", 800),
        ("房屋后山滑坡，临时转移", "过渡期生活救助", 1_200),
        ("厨房倒塌", "损房维修救助", 1_500),
        ("房屋进水、粮食受损", "生活救助", 800),
        ("菜地、鱼塘冲毁", "生活救助", 600),
        ("房屋墙体开裂", "损房维修救助", 1_500),
        ("猪栏倒塌、生猪死亡3头", "生活救助", 800),
    )
    rows = []
    for index, (person, (damage, kind, amount)) in enumerate(zip(_pick(rng, pool, len(damages)), damages, strict=True), start=1):
        rows.append([str(index), person.name, person.id_number, f"{person.group}组", damage, kind, _yuan(amount), person.mobile])
    return model.Disclosure(
        id="relief-2026-07-flood",
        kind=K.RELIEF,
        title="7月洪涝灾害受灾群众救助资金发放公示",
        publicity_start=D("2026-07-20"),
        publicity_end=D("2026-07-22"),
        columns=["序号", "姓名", "身份证号码", "村民小组", "受灾情况", "救助类别", "救助金额（元）", "联系电话"],
        rows=rows,
        note="受灾情况经村组干部和村民代表入户核实，村民代表会议评议。救助资金由县应急管理局拨付，直接打卡发放。" + _OBJECTIONS,
    )


def _party(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    jobs = ("务农", "个体经营（农资店）", "返乡创业（养殖）")
    education = ("高中", "大专", "本科")
    rows = []
    for index, (person, job, school) in enumerate(zip(_pick(rng, pool, 3), jobs, education, strict=True), start=1):
        applied = dt.date(2023 + index % 2, rng.randint(1, 12), rng.randint(1, 28))
        activist = applied.replace(year=applied.year + 1) if applied.month < 12 else dt.date(applied.year + 1, 3, 15)
        rows.append(
            [
                str(index),
                person.name,
                person.sex,
                f"{person.birth:%Y年%m月}",
                "汉族",
                school,
                job,
                f"{applied:%Y年%m月}",
                f"{activist:%Y年%m月}",
            ]
        )
    return model.Disclosure(
        id="party-2026-candidates",
        kind=K.PARTY,
        title="关于拟确定发展对象的公示",
        publicity_start=D("2026-10-26"),
        publicity_end=D("2026-11-01"),
        columns=["序号", "姓名", "性别", "出生年月", "民族", "学历", "职业", "申请入党时间", "确定为积极分子时间"],
        rows=rows,
        note=f"经党员推荐、群众推优和支部委员会研究，拟确定以上同志为发展对象。公示期间，党员和群众可以向村党支部或青石镇党委组织办反映，电话：{content.TOWN_PHONE}。",
    )


def _homestead(rng: random.Random, pool: list[people.Villager], count: int, landline_row: int | None) -> list[list[str]]:
    reasons = ("分户新建", "危旧房拆除重建", "分户新建", "地质灾害点搬迁", "危旧房拆除重建")
    places = ("本组原宅基地", "本组村道旁空闲地", "本组原旧房址", "集中安置点")
    rows = []
    for index, person in enumerate(_pick(rng, pool, count), start=1):
        members = rng.randint(3, 6)
        area = 120 if members <= 3 else (140 if members <= 5 else 160)  # 湖南省定标准之内
        phone = f"0738-0{rng.randint(500_000, 599_999)}" if index == landline_row else person.mobile
        rows.append(
            [
                str(index),
                person.name,
                person.id_number,
                f"{person.group}组",
                str(members),
                rng.choice(reasons),
                str(area - rng.choice((0, 10, 20))),
                rng.choice(places),
                phone,
            ]
        )
    return rows


_HOMESTEAD_COLUMNS = ["序号", "申请人", "身份证号码", "村民小组", "家庭人口", "申请理由", "申请面积（㎡）", "拟建位置", "联系电话"]


def _homestead_third(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    return model.Disclosure(
        id="homestead-2026-3",
        kind=K.HOMESTEAD,
        title="2026年第三批农村村民宅基地和建房申请公示",
        publicity_start=D("2026-11-16"),
        publicity_end=D("2026-11-22"),
        columns=_HOMESTEAD_COLUMNS,
        rows=_homestead(rng, pool, 5, landline_row=2),
        note="以上申请已经村民小组会议讨论、村民委员会审查，符合“一户一宅”规定。公示期满无异议的，报青石镇人民政府审批。" + _OBJECTIONS,
    )


def _homestead_second(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    return model.Disclosure(
        id="homestead-2026-2",
        kind=K.HOMESTEAD,
        title="2026年第二批农村村民宅基地和建房申请公示",
        publicity_start=D("2026-07-06"),
        publicity_end=D("2026-07-12"),
        columns=_HOMESTEAD_COLUMNS,
        rows=_homestead(rng, pool, 4, landline_row=None),
        note="已于2026年8月经青石镇人民政府批准。",
    )


def _senior_allowance(rng: random.Random, pool: list[people.Villager]) -> model.Disclosure:
    rows = []
    for index, person in enumerate(_pick(rng, pool, 16), start=1):
        age = person.age_on(content.AS_OF)
        standard = 500 if age >= 100 else (150 if age >= 90 else 60)
        rows.append([str(index), person.name, person.id_number, f"{person.group}组", str(age), _yuan(standard), person.bank_card])
    return model.Disclosure(
        id="senior-allowance-2027",
        kind=K.OTHER,
        title="2027年度高龄津贴发放对象公示",
        publicity_start=D("2026-11-18"),
        publicity_end=D("2026-11-27"),
        columns=["序号", "姓名", "身份证号码", "村民小组", "年龄（周岁）", "津贴标准（元/月）", "社保卡号"],
        rows=rows,
        note="按县民政局公布的标准发放：80至89周岁每人每月60元，90至99周岁150元，100周岁以上500元，按月打入本人社保卡。" + _OBJECTIONS,
    )


def _public_jobs() -> model.Disclosure:
    staff = finance.Staff()  # the same people the ledger pays
    jobs = [(p, "村道保洁员", "脱贫户", "续聘") for p in staff.cleaners]
    jobs += [(p, "护林员", "低保边缘家庭", "续聘") for p in staff.rangers]
    jobs.append((staff.water_keeper, "供水管理员", "一般农户", "新增"))
    pay = {"村道保洁员": "1,200", "护林员": "800（防火期）", "供水管理员": "600"}
    rows = []
    for index, (person, job, kind, hiring) in enumerate(jobs, start=1):
        rows.append([str(index), person.name, person.id_number, f"{person.group}组", job, kind, hiring, pay[job], person.mobile])
    return model.Disclosure(
        id="public-jobs-2026",
        kind=K.OTHER,
        title="村级公益性岗位续聘和新增人员公示",
        publicity_start=D("2026-05-25"),
        publicity_end=D("2026-05-29"),
        columns=["序号", "姓名", "身份证号码", "村民小组", "岗位", "人员类别", "聘用类型", "月补贴（元）", "联系电话"],
        rows=rows,
        note="安全饮水工程建成后新增供水管理员岗位1个。以上人员经村民代表会议评议产生。" + _OBJECTIONS,
    )
