"""The demo village's books: thirteen months of income and spending.

November 2025 to November 2026, the last month up to the data date.
Routine entries (electricity, cleaners' pay, office supplies, the village
solar plant's income...) are drawn from a seeded random generator; project
payments, grants and seasonal events (Spring Festival visits, the July
flood, meetings) are written out. Nearly every entry carries its receipt
(an invoice, a cash receipt or a payout sheet, several pages for a long
list of names), described here and drawn by ``tooling.demo.images``. A few
expenses honestly have none -- a lost bus ticket, a digger hired without
an invoice, a meeting's sign-in sheet not handed in -- so the terminal's
无票据 mark has something true to show.

Receipts are chosen without drawing from the seeded generator, so adding
or removing one never changes an amount.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from kiosk import model
from tooling.demo import content, people
from tooling.demo.images import PAYOUT_MAX_ROWS, Line, Receipt

SEED = 20261120
FIRST_MONTH = dt.date(2025, 11, 1)
MONTH_COUNT = 13
OPENING_BALANCE_FEN = 41_238_650

INCOME = model.Direction.INCOME
EXPENSE = model.Direction.EXPENSE
D = dt.date.fromisoformat

# Fictional suppliers; the tax ids are made up in the documented 18-character shape.
STATIONER = ("新化县青石镇文华文具店", "92431322MA4L8Q2F6W")
OFFICE_SUPPLY = ("新化县枫源办公用品商行", "92431322MA4P3N7C1K")
HARDWARE = ("青石镇建兴五金建材店", "92431322MA4M1D9R5T")
SUPERMARKET = ("青石镇惠民超市", "92431322MA4K6H2J8P")
RESTAURANT = ("青石镇山水农家饭店", "92431322MA4N5T3A2L")
SIGNS = ("新化县华艺广告制作部", "92431322MA4Q7W1E4D")
COMPUTERS = ("新化县联创电脑经营部", "92431322MA4R2B6G9M")
CONTRACTOR_TAX_IDS = {
    "新化县梅岭建筑工程有限公司": "91431322MA4T5X8K2C",
    "娄底市湘源水利水电工程有限公司": "91431300MA4H9P2W7N",
    "新化县通达路桥建设有限公司": "91431322MA4J3K6R1Q",
    "新化县禾丰农业水利工程有限公司": "91431322MA4D8M4F3X",
    "湖南星耀光电科技有限公司": "91430100MA4W2L9T6B",
    "新化县青山林业专业合作社": "93431322MA4E6C1Y5U",
    "新化县安居建筑装饰工程有限公司": "91431322MA4F1N8H2V",
}
POWER_OFFICE = "青石供电所"
POWER_TAX_ID = "91431322MA4G7V2K3P"  # the supply company's branch issues its power bills
TELECOM = "电信青石营业厅"
TELECOM_TAX_ID = "91431322MA4B5C8N1R"
POST_OFFICE = ("新化县邮政分公司青石支局", "91431322MA4C2D6E9S")
BANK = "农商银行青石支行"
SANITATION = "青石镇环卫服务站"
PRINT_SHOP = "青石镇兴旺打印复印店"
MACHINERY = "青石镇宏发机械租赁部"
# Expenses published with no receipt, each for a reason a village would give.
NO_RECEIPT_TRAVEL_MONTHS = (3, 7)  # the first fare of these months: the bus ticket was lost


@dataclass(frozen=True)
class ReceiptPlan:
    """What the receipt looks like; voucher numbers come later, after sorting."""

    kind: str  # "invoice" | "receipt" | "payout"
    lines: tuple[Line, ...] = ()
    tax_id: str = ""


@dataclass
class Draft:
    date: dt.date
    direction: model.Direction
    amount_fen: int
    category: str
    counterparty: str
    purpose: str
    project_id: str | None = None
    receipt: ReceiptPlan | None = None
    approver: str = content.SECRETARY


@dataclass
class Month:
    key: str
    opening_balance_fen: int | None
    entries: list[tuple[model.FinanceEntry, list[Receipt]]] = field(default_factory=list)  # receipts: one per page

    def total(self, direction: model.Direction) -> int:
        return sum(entry.amount_fen for entry, _ in self.entries if entry.direction is direction)


def ledger() -> list[Month]:
    """All months, oldest first, entries in date order with voucher numbers."""
    rng = random.Random(SEED)
    staff = Staff()
    drafts = _project_drafts(staff) + _event_drafts(rng, staff)
    for month_start in _months():
        drafts += _routine_drafts(rng, staff, month_start)
    return _number([d for d in drafts if d.date <= content.AS_OF])  # the books as of the data date


def _months() -> list[dt.date]:
    months = []
    year, month = FIRST_MONTH.year, FIRST_MONTH.month
    for _ in range(MONTH_COUNT):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _number(drafts: list[Draft]) -> list[Month]:
    by_month: dict[str, list[Draft]] = {}
    for draft in sorted(drafts, key=lambda d: d.date):  # stable: same-day order is insertion order
        by_month.setdefault(f"{draft.date:%Y-%m}", []).append(draft)
    months = []
    receipt_serial = 28_461  # the village's own receipt book
    for index, month_start in enumerate(_months()):
        key = f"{month_start:%Y-%m}"
        month = Month(key=key, opening_balance_fen=OPENING_BALANCE_FEN if index == 0 else None)
        for seq, draft in enumerate(by_month.get(key, []), start=1):
            voucher = f"记-{month_start:%Y-%m}-{seq:03d}"
            entry = model.FinanceEntry(
                id=f"e{key}-{seq:03d}",
                date=draft.date,
                direction=draft.direction,
                amount_fen=draft.amount_fen,
                category=draft.category,
                counterparty=draft.counterparty,
                purpose=draft.purpose,
                approver=draft.approver,
                voucher_no=voucher,
                project_id=draft.project_id,
            )
            receipts = []
            plan = draft.receipt
            if plan is not None:
                for page, lines in enumerate(_pages(plan)):
                    if plan.kind == "invoice":  # numbered by each supplier's tax office roll
                        serial = f"{random.Random(voucher).randrange(10**7, 10**8):08d}"
                    else:
                        receipt_serial += 1
                        serial = f"{receipt_serial:07d}"
                    income = draft.direction is INCOME
                    pages = -(-len(plan.lines) // PAYOUT_MAX_ROWS)
                    receipts.append(
                        Receipt(
                            kind=plan.kind,
                            date=draft.date,
                            voucher_no=voucher,
                            payer=draft.counterparty if income else content.COMMITTEE,
                            payee=content.COMMITTEE if income else draft.counterparty,
                            purpose=draft.purpose + (f"（第{page + 1}页，共{pages}页）" if pages > 1 else ""),
                            total_fen=_total(lines) if pages > 1 else draft.amount_fen,
                            lines=lines,
                            serial=serial,
                            tax_id=plan.tax_id,
                            seal=content.COMMITTEE if income or plan.kind == "payout" else draft.counterparty,
                            handler=content.DEPUTY if income else content.BOOKKEEPER,
                            approver=draft.approver,
                            supervisor=content.SUPERVISOR,
                            bookkeeper=content.BOOKKEEPER,
                            issuer_clerks=_clerks(draft.counterparty) if plan.kind == "invoice" else ("", ""),
                        )
                    )
            month.entries.append((entry, receipts))
        months.append(month)
    return months


# ---------------------------------------------------------------- people


def _clerks(supplier: str) -> tuple[str, str]:
    """A supplier's cashier and reviewer: invented, the same on all its invoices."""
    rng = random.Random(f"clerks:{supplier}")
    return people.name(rng, rng.random() < 0.4, people.SURNAMES), people.name(rng, rng.random() < 0.5, people.SURNAMES)


class Staff:
    """Villagers who are paid by the village: group leaders, cleaners, rangers."""

    def __init__(self) -> None:
        pool = people.population(random.Random(SEED + 1), 80, content.GROUPS, born_from=1955, born_to=1990, exclude=content.CADRES)
        self.group_leaders = pool[: content.GROUPS]
        others = pool[content.GROUPS :]
        self.cleaners = others[:3]
        self.rangers = others[3:5]
        self.water_keeper = others[5]
        self.representatives = others[6:40]
        self.households = others[40:]
        self._pool = pool

    def names(self) -> set[str]:
        return {p.name for p in self._pool}


# ---------------------------------------------------------------- helpers


def _workday(day: dt.date) -> dt.date:
    """Banks and the township's accounting centre work Monday to Friday:
    a weekend day moves to the Monday, or back to the Friday at a month's end."""
    if day.weekday() < 5:
        return day
    monday = day + dt.timedelta(days=7 - day.weekday())
    return monday if monday.month == day.month else day - dt.timedelta(days=day.weekday() - 4)


def _day_in(rng: random.Random, month_start: dt.date, first: int = 1, last: int = 26) -> dt.date:
    return _workday(month_start.replace(day=rng.randint(first, last)))


def _whole_yuan(rng: random.Random, low_fen: int, high_fen: int) -> int:
    """Shop prices and fares are whole yuan; only metered bills have fen."""
    return rng.randint(low_fen // 100, high_fen // 100) * 100


def _invoice(supplier: tuple[str, str], *lines: Line) -> ReceiptPlan:
    return ReceiptPlan(kind="invoice", lines=lines, tax_id=supplier[1])


def _payout(lines: list[Line]) -> ReceiptPlan:
    return ReceiptPlan(kind="payout", lines=tuple(lines))


def _per_person(names: list[str], quantity: int, unit: str, price_fen: int, note: str) -> list[Line]:
    return [Line(name=n, amount_fen=quantity * price_fen, quantity=str(quantity), unit=unit, price_fen=price_fen, note=note) for n in names]


def _total(lines: list[Line] | tuple[Line, ...]) -> int:
    return sum(line.amount_fen for line in lines)


def _pages(plan: ReceiptPlan) -> list[tuple[Line, ...]]:
    """A payout sheet holds PAYOUT_MAX_ROWS people: a longer list takes more pages."""
    if plan.kind != "payout" or len(plan.lines) <= PAYOUT_MAX_ROWS:
        return [plan.lines]
    return [plan.lines[start : start + PAYOUT_MAX_ROWS] for start in range(0, len(plan.lines), PAYOUT_MAX_ROWS)]


_RECEIPT = ReceiptPlan(kind="receipt")  # a cash receipt: the village's own for money in, the payee's for money out


def _single_payout(name: str, amount_fen: int, unit: str, note: str) -> ReceiptPlan:
    return _payout([Line(name=name, amount_fen=amount_fen, quantity="1", unit=unit, price_fen=amount_fen, note=note)])


def _bill(supplier: tuple[str, str], what: str, amount_fen: int, unit: str = "月") -> ReceiptPlan:
    return _invoice(supplier, Line(what, amount_fen, "1", unit, amount_fen))


# ---------------------------------------------------------------- projects and grants


def _contract_payment(project_id: str, contractor: str, day: str, amount_yuan: int, what: str, work: str) -> Draft:
    amount = amount_yuan * 100
    plan = _invoice(
        (contractor, CONTRACTOR_TAX_IDS[contractor]), Line(name=work, amount_fen=amount, quantity="1", unit="项", price_fen=amount)
    )
    return Draft(D(day), EXPENSE, amount, "工程款", contractor, what, project_id=project_id, receipt=plan)


def _grant(day: str, amount_yuan: int, payer: str, purpose: str, category: str = "上级拨款", project_id: str | None = None) -> Draft:
    return Draft(D(day), INCOME, amount_yuan * 100, category, payer, purpose, project_id=project_id, receipt=_RECEIPT)


def _project_drafts(staff: Staff) -> list[Draft]:
    office, water, road = "新化县梅岭建筑工程有限公司", "娄底市湘源水利水电工程有限公司", "新化县通达路桥建设有限公司"
    pond, lights, oil, elder = (
        "新化县禾丰农业水利工程有限公司",
        "湖南星耀光电科技有限公司",
        "新化县青山林业专业合作社",
        "新化县安居建筑装饰工程有限公司",
    )
    drafts = [
        # 村部办公楼修缮: 158,000 settled, 5% retention due in 2027
        _contract_payment("office-renovation", office, "2026-04-20", 48_000, "村部办公楼修缮工程预付款（合同价30%）", "村部办公楼修缮工程"),
        _contract_payment("office-renovation", office, "2026-06-30", 60_000, "村部办公楼修缮工程进度款", "村部办公楼修缮工程"),
        _contract_payment(
            "office-renovation", office, "2026-09-28", 42_100, "村部办公楼修缮工程结算款（留5%质保金）", "村部办公楼修缮工程"
        ),
        _grant("2026-05-12", 100_000, "新化县财政局", "村级组织活动场所建设补助", project_id="office-renovation"),
        # 安全饮水巩固提升工程: 474,600 settled
        _contract_payment("drinking-water", water, "2026-01-15", 120_000, "安全饮水工程预付款", "农村供水管网工程"),
        _contract_payment("drinking-water", water, "2026-03-30", 150_000, "安全饮水工程进度款", "农村供水管网工程"),
        _contract_payment(
            "drinking-water", water, "2026-06-26", 180_870, "安全饮水工程结算款（含6组加压泵站，留5%质保金）", "农村供水管网工程"
        ),
        _grant("2026-01-09", 350_000, "新化县水利局", "农村供水保障项目资金", project_id="drinking-water"),
        _grant("2026-04-16", 50_000, "新化县财政局", "安全饮水工程一事一议财政奖补", category="一事一议奖补", project_id="drinking-water"),
        # 通组公路硬化: under way
        _contract_payment("group-road", road, "2026-09-25", 174_000, "3组至7组公路硬化工程预付款（合同价30%）", "通组公路硬化工程"),
        _contract_payment("group-road", road, "2026-11-13", 200_000, "3组至7组公路硬化工程进度款", "通组公路硬化工程"),
        _grant("2026-09-10", 400_000, "新化县交通运输局", "通组公路硬化补助资金", project_id="group-road"),
        # 长冲山塘清淤: 94,500 settled
        _contract_payment("pond-dredging", pond, "2025-12-10", 28_800, "长冲山塘清淤工程预付款", "山塘清淤扩容工程"),
        _contract_payment("pond-dredging", pond, "2026-02-11", 60_975, "长冲山塘清淤工程结算款（留5%质保金）", "山塘清淤扩容工程"),
        _grant("2026-01-20", 80_000, "新化县水利局", "小型水利设施维修养护补助", project_id="pond-dredging"),
        # 太阳能路灯: 124,800 settled
        _contract_payment(
            "street-lights", lights, "2026-08-05", 118_560, "太阳能路灯采购安装款（留5%质保金）", "太阳能路灯120盏（含安装）"
        ),
        _grant("2026-07-08", 80_000, "新化县乡村振兴局", "村庄亮化补助资金", project_id="street-lights"),
        # 油茶基地: 176,500 settled
        _contract_payment("oil-tea-base", oil, "2026-01-22", 50_000, "油茶基地垦复工程首期款", "低产油茶林垦复"),
        _contract_payment("oil-tea-base", oil, "2026-03-16", 60_000, "油茶基地垦复工程进度款", "低产油茶林垦复"),
        _contract_payment("oil-tea-base", oil, "2026-05-14", 66_500, "油茶基地提质改造结算款", "低产油茶林垦复及作业便道"),
        _grant("2026-02-26", 100_000, "新化县林业局", "油茶产业发展补助", project_id="oil-tea-base"),
        # 老年人互助活动中心: under way
        _contract_payment("elder-center", elder, "2026-10-20", 66_000, "老年人互助活动中心改造预付款（合同价30%）", "旧校舍改造装修工程"),
        _grant("2026-10-13", 150_000, "新化县民政局", "农村互助养老服务设施补助", project_id="elder-center"),
        _grant("2026-10-29", 30_000, "曾宪明等在外乡贤（27人）", "通组公路硬化捐款", category="捐赠收入", project_id="group-road"),
    ]
    # 垃圾收集池: village-built, materials bought by the village, labour paid to villagers
    materials = (
        Line("水泥（32.5级）", 860_000, "20", "吨", 43_000),
        Line("红砖", 525_000, "15000", "块", 35),
        Line("河沙", 288_000, "36", "方", 8_000),
    )
    drafts.append(
        Draft(
            D("2026-03-06"),
            EXPENSE,
            _total(materials),
            "材料费",
            HARDWARE[0],
            "垃圾收集池建设材料",
            "garbage-pools",
            _invoice(HARDWARE, *materials),
        )
    )
    covers = (Line("镀锌铁皮盖板", 256_000, "8", "套", 32_000), Line("钢筋", 151_000, "0.4", "吨", 377_500))
    drafts.append(
        Draft(
            D("2026-03-20"),
            EXPENSE,
            _total(covers),
            "材料费",
            HARDWARE[0],
            "垃圾收集池盖板和钢筋",
            "garbage-pools",
            _invoice(HARDWARE, *covers),
        )
    )
    crew = _per_person([p.name for p in staff.households[:4]], 10, "天", 17_000, "垃圾池砌筑")
    drafts.append(
        Draft(
            D("2026-03-30"),
            EXPENSE,
            _total(crew),
            "劳务费",
            f"{crew[0].name}等{len(crew)}人",
            "垃圾收集池砌筑工资",
            "garbage-pools",
            _payout(crew),
        )
    )
    drafts.append(_grant("2026-04-22", 20_000, "青石镇人民政府", "人居环境整治奖补资金", project_id="garbage-pools"))
    # 水毁渠道修复
    canal_materials = (
        Line("水泥（32.5级）", 903_000, "21", "吨", 43_000),
        Line("片石", 720_000, "90", "方", 8_000),
        Line("河沙", 240_000, "30", "方", 8_000),
    )
    drafts.append(
        Draft(
            D("2026-08-12"),
            EXPENSE,
            _total(canal_materials),
            "材料费",
            HARDWARE[0],
            "水毁渠道修复材料",
            "canal-repair",
            _invoice(HARDWARE, *canal_materials),
        )
    )
    canal_crew = _per_person([p.name for p in staff.households[8:17]], 12, "天", 16_000, "渠道挡土墙砌筑")
    drafts.append(
        Draft(
            D("2026-09-08"),
            EXPENSE,
            _total(canal_crew),
            "劳务费",
            f"{canal_crew[0].name}等{len(canal_crew)}人",
            "水毁渠道修复工资",
            "canal-repair",
            _payout(canal_crew),
        )
    )
    remaining = 3_620_000 - _total(canal_materials) - _total(canal_crew)
    # The digger was hired by the day and paid in cash: no invoice was ever asked for.
    drafts.append(Draft(D("2026-09-10"), EXPENSE, remaining, "机械台班费", MACHINERY, "渠道清淤挖机台班费", "canal-repair"))
    drafts.append(
        _grant("2026-10-15", 30_000, "新化县财政局", "水毁渠道修复一事一议财政奖补", category="一事一议奖补", project_id="canal-repair")
    )
    # 农村户厕改造: 45 households x 1,160 yuan, paid in two batches
    households = [p.name for p in staff.households[17:]] + [p.name for p in staff.representatives]
    for day, batch in (("2026-05-08", households[:24]), ("2026-06-12", households[24:45])):
        lines = _per_person(batch, 1, "户", 116_000, "户厕改造补助")  # paid by bank transfer against the acceptance list
        drafts.append(
            Draft(
                D(day),
                EXPENSE,
                _total(lines),
                "补助发放",
                f"{batch[0]}等{len(batch)}户",
                f"农村户厕改造补助发放（{len(batch)}户）",
                "toilet-renovation",
                _payout(lines),
            )
        )
    drafts.append(_grant("2026-04-28", 54_000, "新化县农业农村局", "农村户厕改造奖补资金", project_id="toilet-renovation"))
    return drafts


# ---------------------------------------------------------------- dated events


def _event_drafts(rng: random.Random, staff: Staff) -> list[Draft]:
    drafts: list[Draft] = []
    # operating grants: quarterly office funds, twice-yearly service funds
    for day in ("2026-01-14", "2026-04-10", "2026-07-13", "2026-10-12"):
        drafts.append(_grant(day, 12_500, "青石镇财政所", "村级组织办公经费（季度）"))
    for day in ("2026-03-18", "2026-09-16"):
        drafts.append(_grant(day, 25_000, "青石镇财政所", "村级公共服务运行维护经费"))
    # interest, quarterly on the 21st
    for day, fen in (("2025-12-22", 41_236), ("2026-03-23", 52_870), ("2026-06-22", 38_614), ("2026-09-21", 46_025)):
        drafts.append(Draft(D(day), INCOME, fen, "利息收入", BANK, "活期存款结息", receipt=_RECEIPT))
    # collective assets: rents collected against a receipt from the village
    rents = (
        ("2025-12-08", 1_260_000, "罗建平", "2026年度集体机动地流转租金（42亩）"),
        ("2026-03-09", 360_000, "曾凡明", "2026年度长冲鱼塘承包费"),
        ("2026-04-07", 800_000, "新化县青山林业专业合作社", "2026年度集体山林承包费"),
    )
    for day, fen, payer, purpose in rents:
        drafts.append(Draft(D(day), INCOME, fen, "集体资产租金", payer, purpose, receipt=ReceiptPlan(kind="receipt")))
    for day in ("2026-01-06", "2026-04-08", "2026-07-06", "2026-10-09"):
        drafts.append(
            Draft(D(day), INCOME, 300_000, "集体资产租金", "谢美华", "村部一楼门面租金（季度）", receipt=ReceiptPlan(kind="receipt"))
        )
    # group leaders' allowance, quarterly, 300 yuan a month
    leaders = [p.name for p in staff.group_leaders]
    for day, quarter in (
        ("2026-01-12", "2025年第四季度"),
        ("2026-04-13", "2026年第一季度"),
        ("2026-07-10", "2026年第二季度"),
        ("2026-10-14", "2026年第三季度"),
    ):
        lines = _per_person(leaders, 3, "个月", 30_000, f"{quarter}误工补贴")
        drafts.append(
            Draft(
                D(day),
                EXPENSE,
                _total(lines),
                "误工补贴",
                f"{leaders[0]}等{len(leaders)}人",
                f"村民小组长{quarter}误工补贴",
                receipt=_payout(lines),
            )
        )
    # villagers' representatives paid for the days of the decisive meetings
    meetings = (
        ("2025-11-02", "2025-12-05", 29),
        ("2025-11-26", "2025-12-05", 31),
        ("2026-03-10", "2026-03-16", 33),
        ("2026-04-20", "2026-04-27", 30),
        ("2026-07-03", "2026-07-09", 34),
        ("2026-08-19", "2026-08-25", 32),
    )
    for meeting, day, present in meetings:
        names = [p.name for p in staff.representatives[:present]]
        purpose = f"村民代表会议误工补贴（{D(meeting).month}月{D(meeting).day}日，{present}人）"
        # The sign-in sheet of the August meeting was never handed to the bookkeeper.
        sheet = None if meeting == "2026-08-19" else _payout(_per_person(names, 1, "天", 5_000, "村民代表会议误工"))
        drafts.append(Draft(D(day), EXPENSE, present * 5_000, "误工补贴", f"{names[0]}等{present}人", purpose, receipt=sheet))
    # festivals: Spring Festival visits (17 Feb 2026), Double Ninth (18 Oct 2026)
    visits = [
        p.name for p in people.population(random.Random(SEED + 2), 9, content.GROUPS, born_from=1932, born_to=1950, exclude=content.CADRES)
    ]
    lines = _per_person(visits, 1, "户", 50_000, "春节慰问困难群众")
    drafts.append(
        Draft(
            D("2026-02-10"),
            EXPENSE,
            _total(lines),
            "慰问救助",
            f"{visits[0]}等{len(visits)}户",
            "春节慰问困难群众、老党员",
            receipt=_payout(lines),
        )
    )
    elders = _per_person(visits[:6], 1, "人", 20_000, "重阳节慰问80岁以上老人")
    drafts.append(
        Draft(D("2026-10-16"), EXPENSE, _total(elders), "慰问救助", f"{visits[0]}等6人", "重阳节慰问高龄老人", receipt=_payout(elders))
    )
    gifts = (Line("食用油（5升）", 88_000, "16", "桶", 5_500), Line("大米（25公斤）", 120_000, "16", "袋", 7_500))
    drafts.append(
        Draft(
            D("2026-02-06"),
            EXPENSE,
            _total(gifts),
            "慰问救助",
            SUPERMARKET[0],
            "春节慰问物资（食用油、大米）",
            receipt=_invoice(SUPERMARKET, *gifts),
        )
    )
    # Party: papers for the year, 1 July, member activity days
    papers = _bill(POST_OFFICE, "党报党刊（全年）", 186_000, "年")
    drafts.append(Draft(D("2025-12-16"), EXPENSE, 186_000, "报刊订阅", POST_OFFICE[0], "2026年度党报党刊订阅", receipt=papers))
    july = (
        Line("党员学习笔记本", 41_000, "41", "本", 1_000),
        Line("党旗党徽", 36_000, "1", "套", 36_000),
        Line("学习资料印制", 52_000, "200", "份", 260),
    )
    drafts.append(
        Draft(
            D("2026-06-26"), EXPENSE, _total(july), "党建活动", STATIONER[0], "“七一”主题党日活动用品", receipt=_invoice(STATIONER, *july)
        )
    )
    veterans = ["刘德昌"] + [
        p.name for p in people.population(random.Random(SEED + 3), 7, content.GROUPS, born_from=1936, born_to=1956, exclude=content.CADRES)
    ]
    visited = _payout(_per_person(veterans, 1, "人", 30_000, "“七一”慰问"))
    drafts.append(
        Draft(D("2026-07-01"), EXPENSE, _total(visited.lines), "党建活动", "刘德昌等8人", "“七一”慰问老党员、困难党员", receipt=visited)
    )
    # the July flood
    flood = (
        Line("编织袋", 90_000, "1500", "条", 60),
        Line("雨衣雨靴", 64_000, "20", "套", 3_200),
        Line("强光手电", 38_000, "10", "把", 3_800),
    )
    drafts.append(
        Draft(
            D("2026-07-06"),
            EXPENSE,
            _total(flood),
            "防汛抢险",
            HARDWARE[0],
            "防汛物资（编织袋、雨衣、手电）",
            receipt=_invoice(HARDWARE, *flood),
        )
    )
    rescue = _per_person([p.name for p in staff.representatives[:8]] + [content.MILITIA], 3, "天", 15_000, "7月防汛抢险")
    drafts.append(
        Draft(
            D("2026-07-15"),
            EXPENSE,
            _total(rescue),
            "防汛抢险",
            f"{rescue[0].name}等{len(rescue)}人",
            "7月洪涝灾害抢险误工补贴",
            receipt=_payout(rescue),
        )
    )
    drafts.append(_grant("2026-07-24", 20_000, "新化县应急管理局", "防汛抢险经费补助"))
    # hospitality: rare, small, each with a reason
    for day, fen, purpose in (
        ("2026-05-29", 28_600, "县水利局安全饮水工程验收组工作餐（6人）"),
        ("2026-09-24", 34_200, "镇农经站油茶基地收益核查工作餐（7人）"),
    ):
        meal = Line("餐费", fen, "1", "次", fen)
        drafts.append(Draft(D(day), EXPENSE, fen, "招待费", RESTAURANT[0], purpose, receipt=_invoice(RESTAURANT, meal)))
    # one-off purchases and repairs
    drafts.append(
        Draft(
            D("2026-05-18"),
            EXPENSE,
            429_900,
            "办公费",
            COMPUTERS[0],
            "便民服务大厅台式电脑1台",
            receipt=_invoice(COMPUTERS, Line("台式电脑", 429_900, "1", "台", 429_900)),
        )
    )
    drafts.append(
        Draft(
            D("2026-09-14"),
            EXPENSE,
            156_000,
            "办公费",
            OFFICE_SUPPLY[0],
            "档案柜2组",
            receipt=_invoice(OFFICE_SUPPLY, Line("钢制档案柜", 156_000, "2", "组", 78_000)),
        )
    )
    board = (Line("村务公开栏更换面板", 168_000, "1", "块", 168_000), Line("防火宣传标牌", 72_000, "6", "块", 12_000))
    drafts.append(
        Draft(
            D("2026-09-30"), EXPENSE, _total(board), "宣传费", SIGNS[0], "村务公开栏面板更换、防火标牌制作", receipt=_invoice(SIGNS, *board)
        )
    )
    for day, fen, what in (
        ("2026-02-24", 38_500, "村部水管冻裂维修"),
        ("2026-06-03", 65_000, "3组路灯线路维修"),
        ("2026-08-20", 24_000, "蓄水池浮球阀更换"),
    ):
        drafts.append(Draft(D(day), EXPENSE, fen, "维修费", HARDWARE[0], what, receipt=_invoice(HARDWARE, Line(what, fen, "1", "项", fen))))
    return drafts


# ---------------------------------------------------------------- routine, every month

_OFFICE_GOODS = (
    ("A4打印纸", "箱", 11_500, 13_800, 2, 6),
    ("墨盒", "个", 8_500, 12_600, 2, 4),
    ("签字笔", "盒", 2_400, 3_600, 2, 5),
    ("文件盒", "个", 650, 1_200, 10, 30),
    ("档案袋", "包", 1_800, 2_600, 2, 6),
    ("会议记录本", "本", 800, 1_500, 10, 20),
    ("插线板", "个", 4_500, 8_800, 1, 3),
    ("硒鼓", "个", 28_000, 36_000, 1, 2),
)


def _routine_drafts(rng: random.Random, staff: Staff, month_start: dt.date) -> list[Draft]:
    # Each draw from ``rng`` stays where it always was (day, then amount,
    # then payee or purpose): the books must not change when receipts do.
    m = month_start.month
    winter = m in (12, 1, 2)
    summer = m in (6, 7, 8, 9)
    power = (POWER_OFFICE, POWER_TAX_ID)
    day = _day_in(rng, month_start, 5, 12)
    office_power = rng.randint(38_000, 52_000) + (30_000 if winter else 0)
    last_month = (month_start - dt.timedelta(days=1)).month
    drafts = [
        Draft(day, EXPENSE, office_power, "水电费", POWER_OFFICE, f"村部{last_month}月电费", receipt=_bill(power, "电费", office_power)),
        Draft(
            _day_in(rng, month_start, 10, 15),
            EXPENSE,
            19_900,
            "通讯费",
            TELECOM,
            "村部宽带及固定电话费",
            receipt=_bill((TELECOM, TELECOM_TAX_ID), "宽带及固定电话费", 19_900),
        ),
        Draft(
            _day_in(rng, month_start, 20, 26),
            EXPENSE,
            rng.choice((1_200, 1_500, 1_800)),
            "银行手续费",
            BANK,
            "账户管理费、短信服务费",
            receipt=_RECEIPT,
        ),
        Draft(_day_in(rng, month_start, 15, 25), EXPENSE, 150_000, "环境卫生", SANITATION, f"{m}月垃圾清运费", receipt=_RECEIPT),
        # the village solar plant, paid by the grid a month in arrears
        Draft(
            _day_in(rng, month_start, 14, 22),
            INCOME,
            rng.randint(420_000, 620_000) if summer else rng.randint(210_000, 360_000),
            "集体经营收益",
            "县电力公司（光伏电费结算）",
            "村级光伏电站上月发电收益",
            receipt=_RECEIPT,
        ),
    ]
    cleaners = _per_person([p.name for p in staff.cleaners], 1, "个月", 120_000, f"{m}月保洁工资")
    drafts.append(
        Draft(
            _day_in(rng, month_start, 26, 28),
            EXPENSE,
            _total(cleaners),
            "环境卫生",
            f"{cleaners[0].name}等3人",
            f"{m}月村道保洁员工资",
            receipt=_payout(cleaners),
        )
    )
    if month_start < dt.date(2026, 8, 1):  # the old street lights ran on mains power until the solar ones came
        day = _day_in(rng, month_start, 5, 12)
        fen = rng.randint(26_000, 41_000)
        drafts.append(Draft(day, EXPENSE, fen, "水电费", POWER_OFFICE, "主干道路灯电费", receipt=_bill(power, "路灯电费", fen)))
    if month_start >= dt.date(2026, 6, 1):  # the new water system: keeper, pump power, households' water fees
        keeper = staff.water_keeper.name
        drafts.append(
            Draft(
                _day_in(rng, month_start, 26, 28),
                EXPENSE,
                60_000,
                "误工补贴",
                keeper,
                f"{m}月供水管理员补贴",
                receipt=_single_payout(keeper, 60_000, "月", f"{m}月供水管理员补贴"),
            )
        )
        day = _day_in(rng, month_start, 5, 12)
        fen = rng.randint(32_000, 61_000)
        drafts.append(Draft(day, EXPENSE, fen, "水电费", POWER_OFFICE, "6组加压泵站电费", receipt=_bill(power, "泵站电费", fen)))
        households = rng.randint(158, 168)
        drafts.append(
            Draft(
                _day_in(rng, month_start, 3, 8),
                INCOME,
                households * rng.choice((1_200, 1_350, 1_500)),
                "供水收费",
                f"3、5、6组用水户（{households}户）",
                "上月农户水费（按户收取）",
                receipt=_RECEIPT,
            )
        )
    if m in (10, 11, 12, 1, 2, 3, 4):  # forest fire season
        rangers = _per_person([p.name for p in staff.rangers], 1, "个月", 80_000, f"{m}月护林防火补贴")
        drafts.append(
            Draft(
                _day_in(rng, month_start, 26, 28),
                EXPENSE,
                _total(rangers),
                "护林防火",
                f"{rangers[0].name}等2人",
                f"{m}月护林员防火巡山补贴",
                receipt=_payout(rangers),
            )
        )
    for _ in range(rng.randint(3, 5)):
        drafts.append(_office_purchase(rng, month_start))
    day = _day_in(rng, month_start)
    fen = _whole_yuan(rng, 12_000, 58_000)
    shop = rng.choice((STATIONER[0], PRINT_SHOP))
    what = f"{m}月主题党日活动资料"
    plan = _bill(STATIONER, "学习资料", fen, "批") if shop == STATIONER[0] else _RECEIPT
    drafts.append(Draft(day, EXPENSE, fen, "党建活动", shop, what, receipt=plan))
    for _ in range(rng.randint(1, 3)):
        what = rng.choice(("清扫工具", "垃圾袋", "垃圾桶更换", "消杀药品", "公厕保洁用品"))
        day = _day_in(rng, month_start)
        fen = _whole_yuan(rng, 8_000, 46_000)
        supplier = SUPERMARKET if what != "垃圾桶更换" else HARDWARE
        drafts.append(Draft(day, EXPENSE, fen, "环境卫生", supplier[0], what, receipt=_bill(supplier, what, fen, "批")))
    for trip in range(rng.randint(1, 2)):
        day = _day_in(rng, month_start)
        fen = _whole_yuan(rng, 5_000, 18_000)
        who = rng.choice((content.DEPUTY, content.BOOKKEEPER))
        what = rng.choice(("到县里报送项目资料车费", "到镇三资管理中心报账车费", "到县民政局办理低保复核车费"))
        lost = trip == 0 and m in NO_RECEIPT_TRAVEL_MONTHS
        drafts.append(Draft(day, EXPENSE, fen, "差旅费", who, what, receipt=None if lost else _single_payout(who, fen, "次", "车费报销")))
    if rng.random() < 0.4:
        drafts.append(
            Draft(
                _day_in(rng, month_start),
                EXPENSE,
                _whole_yuan(rng, 1_200, 4_500),
                "办公费",
                "青石镇邮政所",
                "邮寄项目资料",
                receipt=_RECEIPT,
            )
        )
    if rng.random() < 0.4:
        day = _day_in(rng, month_start)
        fen = _whole_yuan(rng, 20_000, 90_000)
        what = rng.choice(("村道坑洼修补材料", "组道边沟清理", "村部前绿化补植", "文化室桌椅维修"))
        drafts.append(Draft(day, EXPENSE, fen, "公益事业", HARDWARE[0], what, receipt=_bill(HARDWARE, what, fen, "项")))
    if rng.random() < 0.5:
        day = _day_in(rng, month_start)
        fen = _whole_yuan(rng, 6_000, 32_000)
        shop = rng.choice((SIGNS[0], PRINT_SHOP))
        what = rng.choice(("政策宣传资料印制", "村务公开资料打印", "防诈骗宣传横幅", "医保缴费宣传单"))
        drafts.append(
            Draft(day, EXPENSE, fen, "宣传费", shop, what, receipt=_bill(SIGNS, what, fen, "批") if shop == SIGNS[0] else _RECEIPT)
        )
    if rng.random() < 0.5:
        day = _day_in(rng, month_start)
        fen = _whole_yuan(rng, 6_000, 28_000)
        what = rng.choice(("村部门锁更换", "会议室照明维修", "公厕水箱维修", "打印机维修"))
        drafts.append(Draft(day, EXPENSE, fen, "维修费", HARDWARE[0], what, receipt=_bill(HARDWARE, what, fen, "项")))
    return drafts


def _office_purchase(rng: random.Random, month_start: dt.date) -> Draft:
    lines = []
    for name, unit, low, high, qmin, qmax in rng.sample(_OFFICE_GOODS, rng.randint(1, 3)):
        price = rng.randint(low // 50, high // 50) * 50
        quantity = rng.randint(qmin, qmax)
        lines.append(Line(name, price * quantity, str(quantity), unit, price))
    supplier = rng.choice((STATIONER, OFFICE_SUPPLY))
    total = _total(lines)
    names = "、".join(line.name for line in lines)
    plan = _invoice(supplier, *lines) if total >= 100_000 else _RECEIPT  # small buys come with the shop's receipt slip
    return Draft(_day_in(rng, month_start), EXPENSE, total, "办公费", supplier[0], f"购{names}", receipt=plan)
