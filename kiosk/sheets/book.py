"""The sheets of a village's workbook: one declaration per sheet.

A new kind of document is one more ``Sheet`` here: its title, the model's
struct for a row, its columns (header, field, kind, note, example) and
where its rows go. Parents come before the sheets that hang records on
them (a project before its stages). What each field may hold is the
model's business (``kiosk.model``); the reader checks every cell against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from kiosk import decode, limits, model, model_oversight
from kiosk.assets_view import CONTRACT_NAMES
from kiosk.assets_view import KIND_NAMES as ASSET_KIND_NAMES
from kiosk.disclosure_view import KIND_NAMES
from kiosk.flags import STAGE_NAMES, STATUS_NAMES
from kiosk.people_view import COMMITTEE_NAMES
from kiosk.sheets.cells import Amount, Choice, Date, Joined, Lines, Month, Number, Pictures, Suggested, Text, YesNo
from kiosk.sheets.spec import ByMonth, Column, InList, InParent, MonthFields, Notes, Sheet, Whole

DIRECTION_NAMES = {model.Direction.INCOME: "收入", model.Direction.EXPENSE: "支出"}
NODE_NAMES = {
    model.NodeKind.START: "开始",
    model.NodeKind.STEP: "办理环节",
    model.NodeKind.DECISION: "判断/表决",
    model.NodeKind.PUBLICITY: "公示/公开",
    model.NodeKind.END: "结束",
}
# The usual finance categories, offered in a drop-down list; others may be typed.
FINANCE_CATEGORIES = (
    "办公费",
    "水电费",
    "环境卫生",
    "差旅费",
    "误工补贴",
    "党建活动",
    "工程款",
    "材料费",
    "维修费",
    "通讯费",
    "宣传费",
    "公益事业",
    "慰问救助",
    "银行手续费",
    "上级拨款",
    "集体资产租金",
    "集体经营收益",
    "一事一议奖补",
    "利息收入",
)
DISCLOSURE_CELLS = 16  # 公示名单: columns 第1栏 … 第16栏

ID_NOTE = "英文字母、数字和 _ . -，不能有汉字和空格，最多64个字符；每条一个，不能重复，发布以后不要再改"


def _id(example: str, what: str) -> Column:
    return Column("编号", "id", Text(example), f"{what}的编号：{ID_NOTE}", example)


def _link(header: str, example: str, parent: str) -> Column:
    return Column(header, None, Text(example), f"属于哪一条：填“{parent}”表里的编号", example)


def _text(header: str, field: str, note: str, example: str = "", width: float = 14, lines: bool = False) -> Column:
    return Column(header, field, Text(example, lines=lines), note, example, width=width)


def _date(header: str, field: str, note: str, example: dt.date | str) -> Column:
    return Column(header, field, Date(), (note + "；" if note else "") + "写成 2026-03-05 或 2026年3月5日", example, width=12)


VILLAGE = Sheet(
    "村庄信息",
    model.VillageDoc,
    (
        _text("村代码", "village.code", "本村12位统计用区划代码，例如 431322199206", "431322199206"),
        _text("村名", "village.name", "例如：桃溪村", "桃溪村"),
        _text("乡镇", "village.township", "例如：白沙镇", "白沙镇"),
        _text("县（市、区）", "village.county", "例如：青山县", "青山县"),
        _text("市", "village.city", "例如：娄底市", "娄底市"),
        _text("省", "village.province", "不填就是湖南省", "湖南省"),
        _date("数据截至日期", "as_of", "这份数据完整到哪一天，查询机上显示", dt.date(2026, 3, 31)),
        _text(
            "投诉网址",
            "complaint.url_template",
            "平台投诉页面的网址，查询机显示成二维码；可以带 {village} {terminal} {item}",
            "https://jiandu.example.cn/ts?v={village}&t={terminal}&i={item}",
            width=40,
        ),
    ),
    Whole(decode.VILLAGE_DOC),
    "本村的名称、代码、数据截至日期和投诉网址：只填一行",
    key=None,
    required=True,
)

HOTLINES = Sheet(
    "举报电话",
    model.Hotline,
    (
        _text("名称", "name", "谁接电话，例如：全国纪检监察举报电话", "全国纪检监察举报电话", width=24),
        _text("号码", "number", "只写数字和“-”，例如 12388、0738-1234567", "12388"),
    ),
    InParent(VILLAGE.title, "complaint.hotlines"),
    "查询机上二维码旁边显示的举报电话，一行一个，按显示的顺序",
    key=None,
)

FINANCE = Sheet(
    "财务收支",
    model.FinanceEntry,
    (
        _id("e2026-03-001", "这笔收支"),
        _date("日期", "date", "记账日期", dt.date(2026, 3, 5)),
        Column("收支", "direction", Choice(DIRECTION_NAMES), "从下拉列表选：收入 或 支出", "支出", width=8),
        Column("金额（元）", "amount_fen", Amount(), "单位是元，只填数字，最多两位小数，例如 1500.00", 1500.0),
        Column("科目", "category", Suggested(FINANCE_CATEGORIES), "可以从下拉列表选，也可以自己填", "办公费", width=12),
        _text("对方", "counterparty", "支出写收款的单位或个人，收入写付款的", "青石镇兴旺打印复印店", width=20),
        _text("用途", "purpose", "这笔钱做什么用", "防诈骗宣传横幅", width=24),
        _text("审批人", "approver", "签字审批的人", "刘志勇", width=10),
        _text("凭证号", "voucher_no", "会计凭证号", "记-2026-03-001"),
        Column(
            "票据照片",
            "receipts",
            Pictures(),
            "“图片”文件夹里的文件名，可以在冒号后面写说明；几张照片就分几行写（Alt+回车）",
            "发票001.jpg：增值税普通发票",
            width=28,
        ),
        Column("项目编号", "project_id", Text("road-2026"), "属于哪个村级项目就填它的编号，不属于就空着", "", refers="村级项目"),
    ),
    ByMonth(),
    "每一笔收入和支出，一行一笔；按日期分到各月",
)

OPENING_BALANCES = Sheet(
    "月初余额",
    model.FinanceMonthDoc,
    (
        Column("月份", "month", Month(), "写成 2026-03", "2026-03", width=10),
        Column("月初余额（元）", "opening_balance_fen", Amount(41_238_650, signed=True), "这个月开始时账上的钱，单位是元", 412386.5),
    ),
    MonthFields(),
    "各月月初账上的余额（可以只填第一个月）",
    key="month",
)

PROJECTS = Sheet(
    "村级项目",
    model.Project,
    (
        _id("road-2026", "项目"),
        _text("项目名称", "name", "例如：村内主干道安装路灯", "村内主干道安装路灯", width=24),
        _text("项目简介", "summary", "做什么、在哪里、为什么", "在村内主干道安装太阳能路灯40盏。", width=30, lines=True),
        Column("重大事项", "major", YesNo(), "重大事项要走“四议两公开”：选 是 或 否", "是", width=8),
        Column("状态", "status", Choice(STATUS_NAMES), "从下拉列表选", STATUS_NAMES[model.ProjectStatus.IN_PROGRESS], width=10),
        Column("预算（元）", "budget_fen", Amount(16_000_000), "单位是元", 160000.0),
        Column("结算（元）", "settlement_fen", Amount(15_800_000), "已结算的项目必须填；没结算就空着", ""),
        _text("资金来源", "funding_source", "例如：县财政补助10万元，村集体自筹6万元", "县财政补助10万元，村集体自筹6万元", width=24),
        _text("招标方式", "tendering", "例如：公开招标、邀请招标、村民代表会议议标", "邀请招标"),
        _text("施工单位", "contractor", "中标或承包的单位", "新化县梅岭建筑工程有限公司", width=24),
        _date("开工日期", "start_date", "", dt.date(2026, 4, 15)),
        _date("完工日期", "end_date", "没完工就空着", ""),
        Column(
            "照片", "photos", Pictures("路灯施工.jpg：路灯安装中"), "“图片”文件夹里的文件名，冒号后面写说明；几张就分几行", "", width=28
        ),
    ),
    InList(decode.PROJECTS_DOC, "projects"),
    "村级项目，一行一个",
)


def _stages(title: str, link: Column, parent: str, example: dt.date, note: str, about: str) -> Sheet:
    """The steps of 四议两公开 a project or a contract went through, named by ``link``."""
    return Sheet(
        title,
        model.Stage,
        (
            link,
            Column("环节", "kind", Choice(STAGE_NAMES), "从下拉列表选", STAGE_NAMES[model.StageKind.PROPOSAL], width=16),
            _date("日期", "date", "这一步的日期", example),
            _text("说明", "note", note, "", width=36),
        ),
        InParent(parent, "stages"),
        about,
        key=None,
    )


STAGES = _stages(
    "四议两公开",
    _link("项目编号", "road-2026", PROJECTS.title),
    PROJECTS.title,
    dt.date(2026, 2, 26),
    "例如：应到党员41人，实到35人，同意34人。",
    "每个项目走过的“四议两公开”各步，一行一步",
)

DISCLOSURES = Sheet(
    "办事公示",
    model.Disclosure,
    (
        _id("dibao-2026q1", "公示"),
        Column("类型", "kind", Choice(KIND_NAMES), "从下拉列表选", KIND_NAMES[model.DisclosureKind.ALLOWANCE], width=12),
        _text("标题", "title", "例如：2026年第一季度低保对象公示", "2026年第一季度低保对象公示", width=30),
        _date("公示开始", "publicity_start", "公示期第一天", dt.date(2026, 3, 10)),
        _date("公示结束", "publicity_end", "公示期最后一天", dt.date(2026, 3, 16)),
        Column(
            "表头",
            "columns",
            Joined("户主、组别、家庭人口"),
            f"名单的各栏名称，用顿号“、”隔开，最多{DISCLOSURE_CELLS}栏；名单写在“公示名单”表里",
            "户主、组别、家庭人口、保障类别、月保障金额（元）",
            width=36,
        ),
        _text("说明", "note", "例如：有异议的，请在公示期内向村务监督委员会反映。", "", width=30, lines=True),
    ),
    InList(decode.DISCLOSURES_DOC, "disclosures"),
    "低保、危房改造、救灾救助、党员发展、宅基地审批等办事结果公示，一行一个公示",
)

DISCLOSURE_ROWS = Sheet(
    "公示名单",
    list[model.NameString],
    (
        _link("公示编号", "dibao-2026q1", DISCLOSURES.title),
        *(
            Column(f"第{n}栏", str(n - 1), Text(), "按“办事公示”表头的顺序填", example)
            for n, example in zip(
                range(1, DISCLOSURE_CELLS + 1), ("刘桂英", "三组", "2", "A类", "860", *[""] * DISCLOSURE_CELLS), strict=False
            )
        ),
    ),
    InParent(DISCLOSURES.title, "rows", width="columns"),
    "公示的名单，一行一户（一人），各栏按“办事公示”表头的顺序",
    key=None,
)

NOTICES = Sheet(
    "通知公告",
    model.Notice,
    (
        _id("notice-2026-03-12", "通知"),
        _text("标题", "title", "", "关于召开村民代表会议的通知", width=30),
        _date("发布日期", "date", "", dt.date(2026, 3, 12)),
        _text("发布单位", "issuer", "例如：桃溪村村民委员会", "桃溪村村民委员会", width=18),
        _text("正文", "body", "分段用 Alt+回车 换行", "定于2026年3月18日上午9时在村部会议室召开村民代表会议。", width=50, lines=True),
    ),
    InList(decode.NOTICES_DOC, "notices"),
    "通知公告，一行一条",
)

CASES = Sheet(
    "典型案例",
    model.Case,
    (
        _id("case-water-project", "案例"),
        _text("标题", "title", "", "饮水工程未走“四议两公开”程序，被责令重新招标", width=30),
        _date("日期", "date", "", dt.date(2024, 6, 18)),
        _text(
            "正文",
            "body",
            "经过和处理结果；分段用 Alt+回车 换行",
            "某村实施饮水工程时，没有经过党员大会审议和村民代表会议决议。",
            width=50,
            lines=True,
        ),
        _text("警示", "lesson", "从这件事里要记住什么", "重大事项必须走完“四议两公开”程序。", width=30, lines=True),
    ),
    InList(decode.NOTICES_DOC, "cases"),
    "典型案例，一行一个",
)

POWER_CATEGORIES = Sheet(
    "权力类别",
    model.PowerCategory,
    (
        _id("major", "类别"),
        _text("类别名称", "name", "例如：重大决策、日常管理、便民服务", "重大决策"),
        _text("说明", "description", "一两句话", "涉及全村村民利益的大事", width=30),
    ),
    InList(decode.POWERS_DOC, "categories"),
    "权力清单的类别，按显示的顺序",
)

POWER_ITEMS = Sheet(
    "权力事项",
    model.PowerItem,
    (
        _id("major-decision", "事项"),
        Column("类别编号", "category", Text("major"), "填“权力类别”表里的编号", "major", refers=POWER_CATEGORIES.title),
        _text("事项名称", "name", "例如：村级重大事项决策", "村级重大事项决策", width=20),
        _text("事项说明", "summary", "用大白话说这项权力是什么", "涉及全村村民利益的大事都要按“四议两公开”办理。", width=30, lines=True),
        _text("责任主体", "responsible", "谁来行使", "村党支部、村民委员会", width=20),
        _text("办理时限", "time_limit", "例如：5个工作日", "一般不超过30天"),
        Column("申请材料", "materials", Lines("事项方案"), "一行一样（Alt+回车换行）", "事项方案\n会议记录", width=24),
    ),
    InList(decode.POWERS_DOC, "items"),
    "权力清单的各项权力，一行一项；依据、风险和流程图写在后面几张表里",
)

POWER_BASIS = Sheet(
    "政策依据",
    model.PolicyBasis,
    (
        _link("事项编号", "major-decision", POWER_ITEMS.title),
        _text("文件名称", "document", "例如：《中华人民共和国村民委员会组织法》", "《中华人民共和国村民委员会组织法》", width=30),
        _text("条款", "clause", "例如：第二十四条", "第二十四条"),
        _text("摘录", "excerpt", "引用的原文", "", width=40, lines=True),
    ),
    InParent(POWER_ITEMS.title, "basis"),
    "每项权力的法律和文件依据，一行一条",
    key=None,
)

POWER_RISKS = Sheet(
    "风险防控",
    model.RiskPoint,
    (
        _link("事项编号", "major-decision", POWER_ITEMS.title),
        _text("风险点", "risk", "可能出什么问题", "未走完“四议”程序，少数人拍板决定", width=30, lines=True),
        _text("防控措施", "control", "怎么防", "会议记录、签到表和表决结果报镇里备案。", width=30, lines=True),
        Column("风险等级", "level", Suggested(("高", "中", "低")), "高、中、低", "高", width=8),
    ),
    InParent(POWER_ITEMS.title, "risks"),
    "每项权力的风险点和防控措施，一行一条",
    key=None,
)

FLOW_NODES = Sheet(
    "流程节点",
    model.FlowNode,
    (
        _link("事项编号", "major-decision", POWER_ITEMS.title),
        Column("节点编号", "id", Text("proposal"), "这个流程图里的框的编号（英文字母、数字），同一张图里不能重复", "proposal"),
        Column("类型", "kind", Choice(NODE_NAMES), "从下拉列表选：决定框的形状", NODE_NAMES[model.NodeKind.STEP], width=10),
        _text("框内文字", "label", "短一点，例如：党支部会议提议", "党支部会议提议", width=20),
        _text("说明", "detail", "村民点这个框时看到的说明", "", width=30, lines=True),
    ),
    InParent(POWER_ITEMS.title, "flowchart.nodes"),
    "每项权力的流程图里的框，按阅读的顺序（从“开始”起）",
)

FLOW_EDGES = Sheet(
    "流程连线",
    model.FlowEdge,
    (
        _link("事项编号", "major-decision", POWER_ITEMS.title),
        Column("从", "from", Text("proposal"), "箭头从哪个节点出来（节点编号）", "proposal"),
        Column("到", "to", Text("consult"), "箭头指向哪个节点（节点编号）", "consult"),
        _text("线上文字", "label", "判断框出来的线要写，例如：通过、不通过", ""),
    ),
    InParent(POWER_ITEMS.title, "flowchart.edges"),
    "流程图里的箭头，一行一条",
    key=None,
)

# ------------------------------------------------------------ the optional documents (kiosk.model_oversight)

BUDGETS = Sheet(
    "年度预算",
    model_oversight.YearBudget,
    (
        Column("年度", "year", Number(2026, limits.EARLIEST_YEAR, limits.LATEST_YEAR), "哪一年的预算，例如 2026", 2026, width=8),
        _text("批准会议", "approved_by", "哪个会议通过的，例如：村民代表会议", "村民代表会议", width=16),
        _date("批准日期", "approved_on", "会议通过的日子", dt.date(2025, 11, 26)),
        _text("说明", "note", "例如：应到代表34人，实到31人，赞成29票", "应到代表34人，实到31人，赞成29票", width=30),
    ),
    InList(decode.BUDGET_DOC, "budgets", optional=True),
    "村民代表会议通过的年度预算，一年一行；每一项写在“预算明细”表里",
    key="year",
)

BUDGET_LINES = Sheet(
    "预算明细",
    model_oversight.BudgetLine,
    (
        Column("年度", None, Text("2026"), "属于哪一年的预算：填“年度预算”表里的年度", "2026", width=8),
        Column("收支", "direction", Choice(DIRECTION_NAMES), "从下拉列表选：收入 或 支出", "支出", width=8),
        Column("科目", "category", Suggested(FINANCE_CATEGORIES), "和“财务收支”表的科目写法一样：查询机按科目对账", "工程款", width=12),
        Column("金额（元）", "amount_fen", Amount(145_000_000), "这一项预算多少钱，单位是元", 1450000.0),
        _text("说明", "note", "", "", width=24),
    ),
    InParent(BUDGETS.title, "lines"),
    "年度预算的每一项，一行一项",
    key=None,
)

ASSET_RULES = Sheet(
    "三资规定",
    model_oversight.AssetsDoc,
    (
        Column(
            "四议两公开起点（元）",
            "four_deliberations_from_fen",
            Amount(5_000_000),
            "县里的规定：合同总金额（年租金乘以年数）达到这个数，就必须走完“四议两公开”",
            50000.0,
            width=18,
        ),
    ),
    Whole(decode.ASSETS_DOC, optional=True),
    "填了集体资产或合同，就要在这里填一行：合同多少钱起要走“四议两公开”",
    key=None,
)

ASSETS = Sheet(
    "集体资产",
    model_oversight.Asset,
    (
        _id("reserve-land", "资产"),
        Column("类别", "kind", Choice(ASSET_KIND_NAMES), "从下拉列表选", ASSET_KIND_NAMES[model_oversight.AssetKind.LAND], width=10),
        _text("名称", "name", "例如：村集体机动地", "村集体机动地", width=20),
        _text("位置", "location", "例如：4组大塘坝下", "4组、5组大塘坝下", width=20),
        _text("面积或数量", "size", "带上单位，例如：42亩、120平方米", "42亩"),
        _text("说明", "note", "", "", width=30, lines=True),
    ),
    InList(decode.ASSETS_DOC, "assets", optional=True),
    "村集体的资产和资源（土地、山塘、山林、房屋等），一行一处",
)

CONTRACTS = Sheet(
    "承包租赁合同",
    model_oversight.Contract,
    (
        _id("reserve-land-2024", "合同"),
        Column(
            "资产编号",
            "asset_id",
            Text("reserve-land"),
            "包出去或租出去的是哪一处：填“集体资产”表里的编号",
            "reserve-land",
            refers=ASSETS.title,
        ),
        Column("方式", "kind", Choice(CONTRACT_NAMES), "从下拉列表选：承包 或 租赁", "承包", width=8),
        _text("承包方或承租方", "party", "单位名称或个人姓名", "罗建平", width=16),
        _date("开始日期", "start_date", "", dt.date(2024, 1, 1)),
        _date("结束日期", "end_date", "", dt.date(2028, 12, 31)),
        Column("每年金额（元）", "annual_fee_fen", Amount(1_260_000), "每年的承包费或租金，单位是元", 12600.0),
        _text("怎么包出去的", "letting", "例如：公开竞价，几户报价，各出多少", "公开竞价：3户报价，罗建平出价最高。", width=30, lines=True),
        _text("说明", "note", "", "", width=24, lines=True),
    ),
    InList(decode.ASSETS_DOC, "contracts", optional=True),
    "集体资产资源的承包、租赁合同，一行一份；每年该收的钱写在“合同收费”表里",
)

CONTRACT_STAGES = _stages(
    "合同四议两公开",
    _link("合同编号", "reserve-land-2024", CONTRACTS.title),
    CONTRACTS.title,
    dt.date(2023, 10, 9),
    "",
    "每份合同走过的“四议两公开”各步，一行一步",
)

CONTRACT_FEES = Sheet(
    "合同收费",
    model_oversight.FeePayment,
    (
        _link("合同编号", "reserve-land-2024", CONTRACTS.title),
        _text("期间", "period", "例如：2026年度、2026年第一季度", "2026年度", width=14),
        _date("应交日期", "due", "最迟哪天交", dt.date(2025, 12, 31)),
        Column("应交（元）", "amount_fen", Amount(1_260_000), "这一期该交多少，单位是元", 12600.0),
        Column("已交（元）", "paid_fen", Amount(1_260_000), "已经交了多少；没交就空着", 12600.0),
        _date("交款日期", "paid_on", "没交就空着", dt.date(2025, 12, 8)),
        Column("财务编号", "entry_id", Text("e2025-12-004"), "这笔钱记在哪一笔收入里：填“财务收支”表里的编号", "", refers=FINANCE.title),
    ),
    InParent(CONTRACTS.title, "payments"),
    "每份合同每一期该交的钱和已经交的钱，一行一期",
    key=None,
)

COMMITTEES = Sheet(
    "村组织",
    model_oversight.Committee,
    (
        Column("组织", "kind", Choice(COMMITTEE_NAMES), "从下拉列表选", COMMITTEE_NAMES[model_oversight.CommitteeKind.VILLAGERS], width=16),
        _text("全称", "name", "例如：桃溪村村民委员会", "桃溪村村民委员会", width=24),
        _text("职责", "duties", "用大白话写这个组织管什么", "办理村里的公共事务和公益事业，管理集体资产和村级财务。", width=36, lines=True),
        _text("办公电话", "office_phone", "只写数字和“-”，查询机上完整显示", "0738-0563102"),
    ),
    InList(decode.PEOPLE_DOC, "committees", optional=True),
    "村党支部委员会、村民委员会、村务监督委员会，一行一个",
    key="kind",
)

PEOPLE = Sheet(
    "村干部",
    model_oversight.Person,
    (
        _id("liu-zhiyong", "人员"),
        _text("姓名", "name", "", "刘志勇", width=10),
        _text("分工", "duties", "管哪些事", "主持村委会的全面工作，审批村级财务开支。", width=36, lines=True),
        _text("办公电话", "office_phone", "公开的办公电话，查询机上完整显示", "0738-0563101"),
        _text("手机", "phone", "个人手机，查询机上只显示前三位和后四位", "13800000000"),
        Column(
            "行使的权力",
            "powers",
            Lines("major-decision"),
            "这个人行使的权力：填“权力事项”表里的编号，一行一个（Alt+回车换行）",
            "major-decision",
            width=24,
        ),
    ),
    InList(decode.PEOPLE_DOC, "people", optional=True),
    "村干部和村务监督委员会成员，一行一人；担任的职务写在“职务”表里",
)

POSTS = Sheet(
    "职务",
    model_oversight.Post,
    (
        _link("人员编号", "liu-zhiyong", PEOPLE.title),
        Column(
            "组织", "committee", Choice(COMMITTEE_NAMES), "从下拉列表选", COMMITTEE_NAMES[model_oversight.CommitteeKind.PARTY], width=16
        ),
        _text("职务", "title", "例如：书记、主任、委员", "书记", width=10),
    ),
    InParent(PEOPLE.title, "posts"),
    "每个人担任的职务，一行一个（一人兼两个职务就写两行）",
    key=None,
)


# The sheets of the records whose history the feed follows (kiosk.feed.records), by record kind.
RECORD_SHEETS: dict[str, Sheet] = {"finance": FINANCE, "project": PROJECTS, "disclosure": DISCLOSURES, "notice": NOTICES, "case": CASES}


class CorrectionRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of 更正说明: the record named as the clerk knows it (its sheet
    and 编号), the feed's ``kind:id`` once read."""

    kind: Annotated[str, msgspec.Meta(pattern=r"^[a-z]{1,32}$")]
    id: model.Identifier
    date: dt.date
    reason: model.ParagraphText


CORRECTIONS = Sheet(
    "更正说明",
    CorrectionRow,
    (
        Column(
            "表",
            "kind",
            Choice({kind: sheet.title for kind, sheet in RECORD_SHEETS.items()}),
            "改的是哪张表里的一条：从下拉列表选",
            FINANCE.title,
            width=12,
        ),
        Column("编号", "id", Text("e2026-03-001"), "改了或删掉的那一条在那张表里的编号", "e2026-03-001"),
        _date("日期", "date", "决定更正的日子，不早于上一次发布的日子", dt.date(2026, 4, 2)),
        _text(
            "更正原因",
            "reason",
            "为什么改或删，查询机上会和改前改后的数一起显示",
            "报账时金额录错，按发票更正。",
            width=40,
            lines=True,
        ),
    ),
    Notes(),
    "已经发布过的一条改了或删了，在这里写明原因，一条一行；发布以后留着，不用删",
    key=None,
)

SHEETS: tuple[Sheet, ...] = (
    VILLAGE,
    HOTLINES,
    FINANCE,
    OPENING_BALANCES,
    PROJECTS,
    STAGES,
    DISCLOSURES,
    DISCLOSURE_ROWS,
    NOTICES,
    CASES,
    POWER_CATEGORIES,
    POWER_ITEMS,
    POWER_BASIS,
    POWER_RISKS,
    FLOW_NODES,
    FLOW_EDGES,
    BUDGETS,
    BUDGET_LINES,
    ASSET_RULES,
    ASSETS,
    CONTRACTS,
    CONTRACT_STAGES,
    CONTRACT_FEES,
    COMMITTEES,
    PEOPLE,
    POSTS,
    CORRECTIONS,
)
