"""Notices of the demo village and typical cases (典型案例) with their lessons.

The monthly finance notice is written from the ledger so its totals agree
with the finance pages. Cases use invented people, named the way
discipline bulletins name them (王某某).
"""

from __future__ import annotations

import datetime as dt

from kiosk import model, money
from tooling.demo import content
from tooling.demo.finance import Month

D = dt.date.fromisoformat
COMMITTEE_SHORT = "枫木冲村民委员会"


def notices(months: list[Month], opening_balance_fen: int) -> list[model.Notice]:
    return [
        _finance_notice(months, opening_balance_fen, "2026-10"),
        model.Notice(
            id="meeting-2026-11-25",
            title="关于召开村民代表会议的通知",
            date=D("2026-11-18"),
            issuer="枫木冲村党支部、村民委员会",
            body=(
                "全体村民代表：\n"
                "经村党支部提议、村“两委”会议商议、党员大会审议，《枫木冲村村民文化广场建设方案》需提交村民代表会议表决。"
                "定于2026年11月25日（星期三）上午9时，在村部二楼会议室召开村民代表会议。\n"
                "会议内容：一、审议表决文化广场建设方案（预算28万元）；二、通报3组至7组公路硬化工程进度；三、通报2026年1至10月财务收支情况。\n"
                "请各位代表准时参加，不能到会的请提前向村委会请假。方案全文已在村务公开栏和查询机公开，欢迎村民提出意见。"
            ),
        ),
        model.Notice(
            id="water-stop-2026-11-21",
            title="停水通知",
            date=D("2026-11-17"),
            issuer=COMMITTEE_SHORT,
            body=(
                "因3组至5组供水主管道接口检修，定于2026年11月21日（星期六）8:00至17:00停止供水，6组加压泵站同时停用。"
                "请3、5、6组用水户提前储水。如遇特殊情况提前恢复供水的，不另行通知。\n"
                "给大家带来不便，敬请谅解。供水管理员电话可在村部公开栏查询。"
            ),
        ),
        model.Notice(
            id="medical-insurance-2027",
            title="2027年度城乡居民医保缴费提醒",
            date=D("2026-10-15"),
            issuer=COMMITTEE_SHORT,
            body=(
                "2027年度城乡居民基本医疗保险集中缴费已经开始，截止时间为2026年12月31日。\n"
                "缴费标准：以县医保局公布的标准为准。\n"
                "缴费方式：可以用手机在税务缴费渠道自行缴纳；不会操作的，带上身份证或户口簿到村部，请村协办员帮忙。\n"
                "低保对象、特困人员等困难群众的个人缴费由政府资助，不用自己交。\n"
                "按时缴费的，2027年1月1日起看病可以报销；错过集中缴费期的，要等待一段时间才能享受待遇，请大家互相转告，特别是在外务工人员的家属。"
            ),
        ),
        model.Notice(
            id="forest-fire-2026",
            title="秋冬季森林防火通告",
            date=D("2026-10-08"),
            issuer=COMMITTEE_SHORT,
            body=(
                "已进入森林防火期，天干物燥，火险等级高。根据《森林防火条例》，防火期内严禁在林区野外用火：不准烧田埂草、烧荒、烧垃圾，不准在山上吸烟、上坟烧纸、燃放鞭炮。\n"
                "发现山火请立即拨打119，同时报告村委会。不要让老人、小孩上山扑火。\n"
                "违反规定野外用火的，由林业部门依法处罚；引发森林火灾的，依法追究责任。"
            ),
        ),
        model.Notice(
            id="allowance-review-2026",
            title="关于开展2026年度低保对象年度复核的通知",
            date=D("2026-09-10"),
            issuer="青石镇人民政府、枫木冲村民委员会",
            body=(
                "9月至10月，镇里将会同村委会对全村低保家庭进行年度复核，重点核查家庭人口、收入、车辆和住房变化情况。\n"
                "请低保家庭主动如实申报家庭变化，配合入户调查。家庭收入已超过低保标准的，应主动申请退出；隐瞒收入、骗取低保的，将追回资金并依法处理。\n"
                "村干部及其近亲属享受低保的，一律单独登记备案、重点核查。"
            ),
        ),
        model.Notice(
            id="affairs-2026-q3",
            title="2026年第三季度村务公开",
            date=D("2026-10-10"),
            issuer="枫木冲村村务公开小组",
            body=(
                "一、工程项目：村部办公楼修缮工程已完工，预算16万元，审计结算15.8万元；主干道太阳能路灯120盏已安装完成；水毁渠道修复已完工。"
                "3组至7组通组公路硬化工程于9月15日开工。\n"
                "二、惠民资金：7月洪涝灾害救助资金已全部打卡发放到户，名单见“办事结果公开”。\n"
                "三、财务收支：每月收支明细和票据照片，请在查询机“村级财务”中查看。\n"
                "村务监督委员会已逐项审核。对公开内容有疑问的，可以到村部询问，也可以扫描查询机上的二维码反映。"
            ),
        ),
        model.Notice(
            id="supervision-reception",
            title="村务监督委员会每月接待日",
            date=D("2026-11-02"),
            issuer="枫木冲村村务监督委员会",
            body=(
                f"村务监督委员会每月5日、20日上午在村部一楼接待村民，听取对村务、财务和工程项目的意见。监督委员会主任：{content.SUPERVISOR}。\n"
                f"不方便当面反映的，可以拨打青石镇纪委举报电话 {content.TOWN_DISCIPLINE_PHONE}、县纪委监委举报电话 {content.COUNTY_DISCIPLINE_PHONE}，或全国纪检监察举报电话 12388。"
            ),
        ),
    ]


def _finance_notice(months: list[Month], opening_balance_fen: int, key: str) -> model.Notice:
    balance = opening_balance_fen
    for month in months:
        income, expense = month.total(model.Direction.INCOME), month.total(model.Direction.EXPENSE)
        start = balance
        balance += income - expense
        if month.key == key:
            break
    else:
        raise ValueError(f"no finance month {key}")
    year, number = key.split("-")
    return model.Notice(
        id=f"finance-{key}",
        title=f"{year}年{int(number)}月村级财务收支公开",
        date=D(f"{year}-{int(number) + 1:02d}-08"),
        issuer="枫木冲村村务公开小组",
        body=(
            f"{year}年{int(number)}月村级财务收支情况如下：\n"
            f"上月结余：{money.yuan(start)}\n"
            f"本月收入：{money.yuan(income)}\n"
            f"本月支出：{money.yuan(expense)}\n"
            f"本月结余：{money.yuan(balance)}\n"
            f"本月共{len(month.entries)}笔收支，每一笔的用途、经办人和票据照片都可以在查询机“村级财务”中查看"
            + _missing_receipts(month)
            + "。"
            "以上账目经村务监督委员会审核、青石镇三资管理中心核对。"
        ),
    )


def _missing_receipts(month: Month) -> str:
    missing = sum(1 for entry, receipts in month.entries if entry.direction is model.Direction.EXPENSE and not receipts)
    return f"（其中{missing}笔支出没有票据，查询机上标着“无票据”）" if missing else ""


def cases() -> list[model.Case]:
    return [
        model.Case(
            id="water-tender-redone",
            title="饮水工程跳过“四议两公开”被叫停，重新招标外村公司中标",
            date=D("2025-10-15"),
            body=(
                "2025年8月，枫木冲村安全饮水巩固提升工程在没有经过党员大会审议和村民代表会议决议的情况下，"
                "时任村委会委员欧阳某某准备把工程直接交给其亲属组织的施工队承包。3组村民在村务公开栏看到施工队进场的消息后，向镇纪委举报。\n"
                "镇纪委调查核实后，责令立即停止，由村党支部重新按“四议两公开”程序决策，并在镇公共资源交易平台公开招标。"
                "最终，一家与村干部没有任何亲属关系的外地公司中标。欧阳某某受到党内警告处分，并辞去村委会委员职务。"
            ),
            lesson="村里的工程不论大小，都必须走完“四议两公开”程序；村干部及其近亲属不得承揽本村工程。群众的眼睛是雪亮的，发现问题请扫码反映或拨打12388。",
        ),
        model.Case(
            id="fake-work-allowance",
            title="村干部虚报误工天数套取误工补贴受处分",
            date=D("2026-06-18"),
            body=(
                "2026年4月，青石镇三资管理中心在审核某村报账凭证时发现，该村护林防火和人居环境整治的出工签到表上多处笔迹雷同。"
                "经镇纪委调查，该村村委会委员王某某在2025年10月至2026年3月间，虚报本人和他人出工38天，套取误工补贴3040元。\n"
                "王某某被责令退缴全部违规款项，受到党内警告处分，并被免去村民小组长兼职。"
            ),
            lesson="误工补贴要按实际出工当场签到、按月公开。钱虽不多，也是群众的钱，伸手必被捉。",
        ),
        model.Case(
            id="allowance-for-relatives",
            title="村干部优亲厚友违规为亲属办理低保被严肃处理",
            date=D("2026-03-22"),
            body=(
                "某镇某村村委会副主任李某某在2024年低保评审中，隐瞒其弟弟家庭拥有小型货车、经营农资店的情况，违规为其弟一家3人办理低保，"
                "累计领取低保金12960元。2025年12月，村民通过查询机上的二维码举报。\n"
                "经县纪委监委调查属实，李某某受到党内严重警告处分，被免去村委会副主任职务；违规领取的低保金全部追回，其弟一家的低保资格被取消。"
            ),
            lesson="低保是困难群众的“救命钱”，不是人情钱。村干部近亲属申请低保必须主动登记备案；评审结果公示时，请大家看一看、问一问。",
        ),
        model.Case(
            id="fish-pond-underpriced",
            title="集体鱼塘私下低价发包被纠正，承包费涨到三倍",
            date=D("2026-03-05"),
            body=(
                "枫木冲村长冲鱼塘原由村民私下协议承包，每年承包费1200元，多年未变，也没有经过村民代表会议。"
                "2025年底，有村民在村务监督委员会接待日提出质疑。\n"
                "经镇三资管理中心核查，原合同未经民主决策程序，依法终止。2026年2月，村里按程序评估作价、发布竞价公告、公开竞价，"
                "最终以每年3600元发包，比原来多收2400元，全部进入村集体账户。"
            ),
            lesson="集体资产资源的出租、发包必须经民主决策、公开竞价，村集体的每一分收入都要进账、都要公开。",
        ),
    ]
