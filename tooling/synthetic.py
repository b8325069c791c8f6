"""A large synthetic village, for load and search tests.

``build_synthetic(out, entries=10_000, projects=200, media=500)`` writes a
source folder in the feed format (the same layout as the demo village),
deterministic for a given seed and fast: images are small noise JPEGs,
sized to ``media_kb`` each so a test can ask for tens of megabytes. Text
reuses the demo village's vocabulary (its power list, categories, purposes)
so searching finds real words.

    python -m tooling.synthetic OUT --entries 10000 --projects 200 --media 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
from pathlib import Path

import msgspec
from PIL import Image

from kiosk import decode, model
from tooling.demo import content, people, powers
from tooling.demo.build import write_folder
from tooling.demo.notices import cases as demo_cases

AS_OF = content.AS_OF
CANVAS = (800, 600)
PATCH = 64  # side of one noise patch; the image's size grows with their number

_EXPENSES = (
    ("办公费", ("购A4打印纸", "购墨盒、硒鼓", "购文件盒、档案袋", "购会议记录本")),
    ("水电费", ("村部电费", "路灯电费", "加压泵站电费")),
    ("环境卫生", ("垃圾清运费", "保洁员工资", "清扫工具", "消杀药品")),
    ("误工补贴", ("村民小组长误工补贴", "村民代表会议误工补贴", "防汛抢险误工补贴")),
    ("党建活动", ("主题党日活动资料", "党报党刊订阅", "慰问老党员")),
    ("维修费", ("村部门窗维修", "路灯线路维修", "水管维修")),
    ("工程款", ("通组公路硬化工程进度款", "山塘清淤工程结算款", "村部修缮工程预付款")),
    ("招待费", ("工程验收组工作餐",)),
    ("护林防火", ("护林员防火巡山补贴", "防火宣传标牌")),
)
_INCOMES = (
    ("上级拨款", ("村级组织办公经费", "村级公共服务运行维护经费", "项目补助资金")),
    ("集体资产租金", ("门面租金", "鱼塘承包费", "机动地流转租金", "山林承包费")),
    ("集体经营收益", ("光伏电站发电收益", "油茶基地分红")),
    ("一事一议奖补", ("一事一议财政奖补",)),
)
_COUNTERPARTIES = (
    "青石镇文华文具店",
    "青石供电所",
    "青石镇环卫服务站",
    "青石镇建兴五金建材店",
    "青石镇惠民超市",
    "新化县通达路桥建设有限公司",
    "青石镇财政所",
    "新化县水利局",
)
_PROJECT_WORDS = (
    "通组公路硬化",
    "山塘清淤",
    "安全饮水管网延伸",
    "路灯安装",
    "渠道修复",
    "村部修缮",
    "文化广场建设",
    "便民桥加固",
    "垃圾收集池建设",
    "户厕改造",
    "油茶林垦复",
    "产业路修建",
)
_TENDERING = ("公开招标", "邀请招标", "竞争性谈判", "询价采购", "村民自建")
_NOTICE_TOPICS = (
    ("村级财务收支公开", "本月收支明细和票据照片已在查询机公开，请村民查看监督。"),
    ("停水通知", "因管道检修，明日8时至17时停水，请提前储水。"),
    ("医保缴费提醒", "城乡居民医保集中缴费期已开始，请及时缴费，困难群众由政府资助参保。"),
    ("森林防火通告", "森林防火期内严禁野外用火，发现火情请立即报告。"),
    ("村民代表会议通知", "定于本周三上午9时在村部召开村民代表会议，请准时参加。"),
    ("低保年度复核通知", "请低保家庭如实申报家庭收入和人口变化，配合入户调查。"),
)
_DISCLOSURE_KINDS = (
    (model.DisclosureKind.ALLOWANCE, "农村低保对象审核公示"),
    (model.DisclosureKind.HOUSING, "农村危房改造补助对象公示"),
    (model.DisclosureKind.RELIEF, "受灾群众救助资金发放公示"),
    (model.DisclosureKind.HOMESTEAD, "农村村民宅基地申请公示"),
    (model.DisclosureKind.OTHER, "高龄津贴发放对象公示"),
)


def build_synthetic(
    out: Path,
    *,
    entries: int = 10_000,
    projects: int = 200,
    media: int = 500,
    seed: int = 1,
    media_kb: int = 40,
    months: int = 24,
    notices: int = 200,
    disclosures: int = 50,
) -> None:
    """Write a synthetic village of the given size to ``out`` (a source folder)."""
    rng = random.Random(seed)
    blobs = _media(random.Random(seed + 1), media, media_kb)
    shas = list(blobs)
    project_list = _projects(rng, projects, shas)
    documents: dict[str, msgspec.Struct] = {
        decode.VILLAGE_DOC: model.VillageDoc(
            village=model.Village(
                code=f"4313229{seed % 100_000:05d}", name=f"样本村{seed}", township="测试镇", county="新化县", city="娄底市"
            ),
            as_of=AS_OF,
            complaint=content.COMPLAINT,
        ),
        decode.POWERS_DOC: model.PowersDoc(categories=powers.CATEGORIES, items=powers.ITEMS),
        decode.PROJECTS_DOC: model.ProjectsDoc(projects=project_list),
        decode.DISCLOSURES_DOC: model.DisclosuresDoc(disclosures=_disclosures(rng, disclosures)),
        decode.NOTICES_DOC: model.NoticesDoc(notices=_notices(rng, notices), cases=demo_cases()),
    }
    for month_doc in _finance(rng, entries, months, [p.id for p in project_list], shas):
        documents[f"{decode.FINANCE_DIR}/{month_doc.month}.json"] = month_doc
    write_folder(out, documents, blobs)


# ---------------------------------------------------------------- media


def _media(rng: random.Random, count: int, target_kb: int) -> dict[str, bytes]:
    """``count`` distinct JPEGs of about ``target_kb`` each."""
    if count == 0:
        return {}
    patches = max(1, target_kb * 1000 // 2300)  # first guess: ~2.3 kB per noise patch
    probe = _noise_jpeg(random.Random(0), patches)
    patches = max(1, round(patches * target_kb * 1000 / len(probe)))  # one correction from a measurement
    blobs: dict[str, bytes] = {}
    while len(blobs) < count:
        data = _noise_jpeg(rng, patches)
        blobs[hashlib.sha256(data).hexdigest()] = data
    return blobs


def _noise_jpeg(rng: random.Random, patches: int) -> bytes:
    per_row = CANVAS[0] // PATCH
    rows = max(CANVAS[1] // PATCH, -(-patches // per_row))  # grow taller when asked for more than fits
    image = Image.new("RGB", (CANVAS[0], rows * PATCH), tuple(rng.randrange(160, 250) for _ in range(3)))
    cells = rng.sample(range(per_row * rows), min(patches, per_row * rows))
    for cell in cells:
        patch = Image.frombytes("RGB", (PATCH, PATCH), rng.randbytes(PATCH * PATCH * 3))
        image.paste(patch, ((cell % per_row) * PATCH, (cell // per_row) * PATCH))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


# ---------------------------------------------------------------- documents


def _month_starts(count: int) -> list[dt.date]:
    year, month = AS_OF.year, AS_OF.month
    starts = []
    for _ in range(count):
        starts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def _projects(rng: random.Random, count: int, shas: list[str]) -> list[model.Project]:
    projects = []
    for index in range(count):
        status = rng.choice(list(model.ProjectStatus))
        budget = rng.randrange(20_000, 800_000) * 100
        start = AS_OF - dt.timedelta(days=rng.randrange(30, 700))
        stage_count = 6 if status is model.ProjectStatus.SETTLED else rng.randrange(0, 6)
        stages = [
            model.Stage(kind=kind, date=start - dt.timedelta(days=60 - 7 * n)) for n, kind in enumerate(list(model.StageKind)[:stage_count])
        ]
        photos = (
            [model.MediaRef(sha256=shas[(index * 3 + n) % len(shas)], caption="施工现场") for n in range(rng.randrange(0, 3))]
            if shas
            else []
        )
        projects.append(
            model.Project(
                id=f"p{index:05d}",
                name=f"{rng.randint(1, 12)}组{rng.choice(_PROJECT_WORDS)}",
                summary="合成测试数据：" + rng.choice(_PROJECT_WORDS),
                major=budget >= 10_000_000,
                status=status,
                budget_fen=budget,
                settlement_fen=budget * rng.randrange(85, 120) // 100 if status is model.ProjectStatus.SETTLED else None,
                tendering=rng.choice(_TENDERING),
                contractor=rng.choice(_COUNTERPARTIES[5:]) if status is not model.ProjectStatus.PLANNED else "",
                start_date=start if status is not model.ProjectStatus.PLANNED else None,
                end_date=start + dt.timedelta(days=rng.randrange(20, 200)) if status is model.ProjectStatus.SETTLED else None,
                stages=stages,
                photos=photos,
            )
        )
    return projects


def _finance(rng: random.Random, count: int, month_count: int, project_ids: list[str], shas: list[str]) -> list[model.FinanceMonthDoc]:
    starts = _month_starts(month_count)
    by_month: list[list[model.FinanceEntry]] = [[] for _ in starts]
    for index in range(count):
        month = index * len(starts) // max(count, 1)  # spread evenly, in order
        start = starts[month]
        last_day = AS_OF.day if start.year == AS_OF.year and start.month == AS_OF.month else 28
        income = rng.random() < 0.15
        category, purposes = rng.choice(_INCOMES if income else _EXPENSES)
        seq = len(by_month[month]) + 1
        receipt = [model.MediaRef(sha256=shas[index // 3 % len(shas)], caption="票据")] if shas and index % 3 == 0 else []
        by_month[month].append(
            model.FinanceEntry(
                id=f"s{start:%Y%m}-{seq:05d}",
                date=start.replace(day=rng.randint(1, last_day)),
                direction=model.Direction.INCOME if income else model.Direction.EXPENSE,
                amount_fen=rng.randrange(100, 5_000_000),
                category=category,
                counterparty=rng.choice(_COUNTERPARTIES),
                purpose=rng.choice(purposes),
                approver=content.SECRETARY,
                voucher_no=f"记-{start:%Y-%m}-{seq:03d}",
                receipts=receipt,
                project_id=rng.choice(project_ids) if category == "工程款" and project_ids else None,
            )
        )
    return [
        model.FinanceMonthDoc(
            month=f"{start:%Y-%m}", opening_balance_fen=50_000_000 if n == 0 else None, entries=sorted(entries, key=lambda e: e.date)
        )
        for n, (start, entries) in enumerate(zip(starts, by_month, strict=True))
    ]


def _disclosures(rng: random.Random, count: int) -> list[model.Disclosure]:
    result = []
    for index in range(count):
        kind, title = _DISCLOSURE_KINDS[index % len(_DISCLOSURE_KINDS)]
        start = AS_OF - dt.timedelta(days=rng.randrange(0, 600))
        rows = []
        for row in range(rng.randrange(20, 60)):
            male = rng.random() < 0.5
            birth = dt.date(rng.randint(1930, 2000), rng.randint(1, 12), rng.randint(1, 28))
            rows.append(
                [
                    str(row + 1),
                    people.name(rng, male, people.SURNAMES),
                    people.id_number(birth, rng.randrange(500), male),
                    f"{rng.randint(1, 12)}组",
                    f"{rng.randrange(500, 40_000):,}",
                    people.mobile(rng),
                ]
            )
        result.append(
            model.Disclosure(
                id=f"d{index:05d}",
                kind=kind,
                title=f"第{index + 1}批{title}",
                publicity_start=start,
                publicity_end=start + dt.timedelta(days=7),
                columns=["序号", "姓名", "身份证号码", "村民小组", "金额（元）", "联系电话"],
                rows=rows,
            )
        )
    return result


def _notices(rng: random.Random, count: int) -> list[model.Notice]:
    result = []
    for index in range(count):
        title, body = _NOTICE_TOPICS[index % len(_NOTICE_TOPICS)]
        result.append(
            model.Notice(
                id=f"n{index:05d}",
                title=f"{title}（第{index + 1}期）",
                date=AS_OF - dt.timedelta(days=rng.randrange(0, 700)),
                issuer="样本村民委员会",
                body=body,
            )
        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.synthetic", description="Write a large synthetic village (source folder).")
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--media", type=int, default=500)
    parser.add_argument("--media-kb", type=int, default=40, help="approximate size of each image")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--disclosures", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    build_synthetic(
        args.out,
        entries=args.entries,
        projects=args.projects,
        media=args.media,
        seed=args.seed,
        media_kb=args.media_kb,
        months=args.months,
        notices=args.notices,
        disclosures=args.disclosures,
    )
    print(f"synthetic village written to {args.out}")


if __name__ == "__main__":
    main()
