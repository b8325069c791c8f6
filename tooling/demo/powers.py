"""The demo village's power list (村级小微权力清单): 30 items in 3 categories.

Laws and national documents are cited as they are; documents of 青石镇 (the
fictional township) are invented like the village itself.
"""

from __future__ import annotations

from kiosk import model
from tooling.demo.flow import (
    application,
    chart,
    decide,
    end,
    four_deliberations,
    publish,
    start,
    step,
)

ORG_LAW = "《中华人民共和国村民委员会组织法》"
RURAL_PARTY_RULES = "《中国共产党农村基层组织工作条例》"
SOCIAL_AID = "《社会救助暂行办法》（国务院令第649号）"
CIVIL_CODE = "《中华人民共和国民法典》"
LAND_LAW = "《中华人民共和国土地管理法》"
TOWN_FINANCE = "《青石镇村级财务管理实施细则》"
TOWN_PROJECTS = "《青石镇村级小型工程项目建设管理办法》"

CATEGORIES = [
    model.PowerCategory(id="major", name="重大决策", description="涉及全村村民利益的大事，一律按“四议两公开”程序决定并公开。"),
    model.PowerCategory(id="daily", name="日常管理", description="管钱、管物、管章、管事的日常权力，每一项都有规矩、有记录。"),
    model.PowerCategory(id="service", name="便民服务", description="村民到村里办的事：要带什么材料、多久办好、找谁办，都写在这里。"),
]


def _basis(document: str, clause: str = "", excerpt: str = "") -> model.PolicyBasis:
    return model.PolicyBasis(document=document, clause=clause, excerpt=excerpt)


def _risk(risk: str, control: str, level: str) -> model.RiskPoint:
    return model.RiskPoint(risk=risk, control=control, level=level)


ARTICLE_24 = _basis(
    ORG_LAW,
    "第二十四条",
    "涉及村民利益的下列事项，经村民会议讨论决定方可办理：本村享受误工补贴的人员及补贴标准；从村集体经济所得收益的使用；"
    "本村公益事业的兴办和筹资筹劳方案及建设承包方案；土地承包经营方案；村集体经济项目的立项、承包方案；宅基地的使用方案；"
    "征地补偿费的使用、分配方案；以借贷、租赁或者其他方式处分村集体财产……",
)
FOUR_AND_TWO = _basis(
    RURAL_PARTY_RULES,
    "第十九条",
    "村级重大事项决策实行“四议两公开”，即村党组织提议、村“两委”会议商议、党员大会审议、村民会议或者村民代表会议决议，决议公开、实施结果公开。",
)
ARTICLE_30 = _basis(
    ORG_LAW,
    "第三十条",
    "村民委员会实行村务公开制度……一般事项至少每季度公布一次；集体财务往来较多的，财务收支情况应当每月公布一次；涉及村民利益的重大事项应当随时公布。",
)
SKIP_STEPS_RISK = _risk(
    "未走完“四议”程序，少数人拍板决定", "会议记录、签到表和表决结果报镇里备案；程序不全的事项不得实施、不得报账。", "高"
)


ITEMS: list[model.PowerItem] = [
    # ------------------------------------------------------------ 重大决策
    model.PowerItem(
        id="major-decision",
        category="major",
        name="村级重大事项决策",
        summary="凡是涉及全村村民利益的大事，比如兴办公益事业、集体经济项目、处置集体资产、分配征地补偿款，都必须按“四议两公开”程序办理，最后由村民代表会议或村民会议拍板。",
        responsible="村党支部提议，村“两委”商议，党员大会审议，村民代表会议或村民会议决议",
        time_limit="从提议到决议一般不超过30天；决议公开不少于7天",
        materials=["事项方案（做什么、花多少钱、钱从哪里来）", "各次会议的通知、签到表和会议记录", "表决结果", "公开的照片或截图"],
        basis=[
            FOUR_AND_TWO,
            ARTICLE_24,
            _basis(ORG_LAW, "第二十六条", "村民代表会议有三分之二以上的组成人员参加方可召开，所作决定应当经到会人员的过半数同意。"),
        ],
        risks=[
            SKIP_STEPS_RISK,
            _risk("会议走过场，事后补写、代签会议记录", "会议现场签到、拍照，记录当场宣读，与会人员逐一签字。", "中"),
            _risk("决议和实施结果不公开或公开不及时", "决议通过后3日内公开，村务监督委员会跟踪核实，查询机同步显示。", "中"),
        ],
        flowchart=four_deliberations(),
    ),
    model.PowerItem(
        id="project-management",
        category="major",
        name="工程项目管理",
        summary="村里修路、修水利、修房子等工程，从立项、选施工单位、施工监督、验收到结算，每一步都按程序办、都要公开，预算多少、结算多少，村民都看得到。",
        responsible="村民委员会（项目业主），村务监督委员会全程监督，镇三资管理中心审核",
        time_limit="按合同工期；竣工后30日内完成验收，结算结果及时公开",
        materials=["立项决议（四议两公开记录）", "预算书和施工图", "招标或比选文件、中标通知", "施工合同", "验收报告", "结算审计报告"],
        basis=[
            ARTICLE_24,
            _basis(
                TOWN_PROJECTS,
                "第八条",
                "单项工程预算10万元以上的，应当公开招标或者邀请招标；10万元以下的，可以采取竞争性谈判、询价或者村民自建方式。",
            ),
            _basis(TOWN_PROJECTS, "第十四条", "工程变更增加投资超过预算10%的，须重新提交村民代表会议决定。"),
        ],
        risks=[
            _risk("把一个工程拆成几个小工程，规避招标", "同一工程不得拆分；立项时由镇三资管理中心审核项目范围。", "高"),
            _risk("村干部或其亲属承揽工程、围标串标", "村干部及其近亲属不得承揽本村工程；投标单位签订无关联承诺书，发现即取消资格。", "高"),
            _risk("随意变更设计，结算大幅超预算", "变更须经村民代表会议同意；结算须经审计并公开预算与结算对比。", "中"),
        ],
        flowchart=four_deliberations(
            implement=[
                step(
                    "tender", "招标或比选确定施工单位", "按工程大小选择公开招标、邀请招标、竞争性谈判或询价，全过程请村务监督委员会到场。"
                ),
                step("build", "签订合同、组织施工", "村务监督委员会派人跟踪施工质量和进度，做好记录。"),
                step("accept", "竣工验收", "镇里组织相关站所、村务监督委员会和村民代表共同验收。"),
                step("settle", "审计结算、按合同付款", "结算经审计后付款，质保金到期无质量问题再付。"),
            ]
        ),
    ),
    model.PowerItem(
        id="asset-disposal",
        category="major",
        name="集体资产资源处置",
        summary="村集体的房屋、山林、水塘、机动地等出租、发包或处置，先评估作价，再公开竞价，价高者得，收益全部进村集体账户。",
        responsible="村民委员会（村股份经济合作社），村民代表会议决定",
        time_limit="竞价公告不少于7天",
        materials=["资产资源清单", "评估报告或作价依据", "处置方案", "竞价记录", "合同文本"],
        basis=[
            _basis(
                CIVIL_CODE,
                "第二百六十一条",
                "农民集体所有的不动产和动产，属于本集体成员集体所有。土地承包方案、土地补偿费等费用的使用和分配办法等事项，应当依照法定程序经本集体成员决定。",
            ),
            ARTICLE_24,
        ],
        risks=[
            _risk("低价出租、暗箱操作", "先评估作价，底价由村民代表会议确定，公开竞价，不得私下协议。", "高"),
            _risk("合同期限过长、租金长期不收", "合同报镇三资管理中心备案，租金按期收缴，每月随财务公开。", "中"),
            _risk("收入不入账、坐收坐支", "租金一律转入村集体账户，严禁用现金直接支出。", "高"),
        ],
        flowchart=four_deliberations(
            implement=[
                step("appraise", "资产评估作价", "请有资质的机构或镇三资管理中心评估，确定底价。"),
                publish("auction_notice", "发布竞价公告", "在村务公开栏、查询机发布公告，时间不少于7天。"),
                step("auction", "公开竞价", "村务监督委员会现场监督，价高者得。"),
                step("contract", "签订合同并备案", "合同报镇三资管理中心备案，租金进村集体账户。"),
            ]
        ),
    ),
    model.PowerItem(
        id="land-compensation",
        category="major",
        name="集体土地征收补偿分配",
        summary="国家征收村里的集体土地后，土地补偿费怎么用、怎么分，由村民会议决定；分配名单和每户金额全部公示，钱直接打到各户卡上。",
        responsible="村民委员会，村民会议决定",
        time_limit="分配名册公示不少于7天",
        materials=["征地批复和补偿安置方案", "被征地面积和户数清册", "补偿费分配方案", "分配名册和银行账号"],
        basis=[
            _basis(LAND_LAW, "第四十八条", "征收土地应当给予公平、合理的补偿，保障被征地农民原有生活水平不降低、长远生计有保障。"),
            ARTICLE_24,
            _basis(CIVIL_CODE, "第二百六十一条"),
        ],
        risks=[
            _risk("虚报被征地面积或人口，冒领补偿款", "面积由镇自然资源所实地丈量，分配名册公示7天无异议后发放。", "高"),
            _risk("截留、挪用补偿款", "补偿款专户管理，通过银行直接打到各户账户，不经村干部之手。", "高"),
            _risk("分配方案侵害外嫁女、新生儿等村民的合法权益", "分配方案报镇人民政府审查，发现违法内容责令改正。", "中"),
        ],
        flowchart=four_deliberations(
            meeting="村民会议表决",
            meeting_detail="须有本村十八周岁以上村民过半数，或本村三分之二以上的户的代表参加，经到会人员过半数通过。",
            implement=[
                publish("roster_public", "分配名册公示", "逐户列出人口、面积和金额，公示7天。"),
                step("pay", "打卡发放到户", "由镇财政所通过银行直接发放。"),
            ],
        ),
    ),
    model.PowerItem(
        id="public-welfare",
        category="major",
        name="村级公益事业一事一议",
        summary="修村道、建小桥、修塘坝等村民直接受益的公益事业，需要大家出钱出力的，一事一议：方案先公告，再由村民代表会议表决，筹资不超过上级规定的标准，还可以申请政府奖补。",
        responsible="村民委员会，村民会议或村民代表会议",
        time_limit="议事方案提前公告不少于7天",
        materials=["一事一议方案（项目、预算、每人筹资筹劳标准）", "表决记录", "筹资筹劳名册", "财政奖补申报表"],
        basis=[
            _basis(
                "《村民一事一议筹资筹劳管理办法》（农经发〔2007〕4号）",
                "第三条",
                "筹资筹劳应当遵循村民自愿、直接受益、量力而行、民主决策、合理限额的原则。",
            ),
            ARTICLE_24,
        ],
        risks=[
            _risk("超标准、超范围向村民筹资", "筹资额不超过省定限额，方案报镇人民政府审核。", "高"),
            _risk("强行摊派，或与办理其他事项挂钩", "坚持村民自愿，不得以不交钱为由不给办理其他事项。", "中"),
            _risk("奖补资金挪作他用", "奖补资金专款专用，项目完工后公开收支明细。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "村民提出建议"),
                step("proposal", "党支部会议提议"),
                step("consult", "村两委会议商议"),
                step("review", "党员大会审议"),
                publish("plan_public", "议事方案公告", "公告项目、预算和筹资筹劳标准，不少于7天。"),
                decide("vote", "村民代表会议表决", "经到会人员过半数同意方为通过。"),
                end("dropped", "本次不实施", "村民意见不一致的，一年内不再就同一事项重复议事。"),
                step("town_check", "报镇人民政府审核"),
                step("subsidy", "申报财政奖补"),
                step("implement", "组织实施", "村民可以出工代替出资，出工情况登记公开。"),
                publish("result_public", "收支和结果公开"),
                end("end", "资料归档备查"),
            ],
            [
                "start",
                "proposal",
                "consult",
                "review",
                "plan_public",
                "vote",
                ("通过", "town_check"),
                "subsidy",
                "implement",
                "result_public",
                "end",
            ],
            ["vote", ("未通过", "dropped")],
        ),
    ),
    model.PowerItem(
        id="collective-economy",
        category="major",
        name="村集体经济项目立项",
        summary="村里办光伏电站、油茶基地、合作社等集体经济项目，先论证有没有风险、能不能赚钱，立项和承包方案由村民代表会议决定，每年的收益怎么分也要公开。",
        responsible="村党支部、村民委员会（村股份经济合作社）",
        time_limit="可行性论证一般不超过30天",
        materials=["项目可行性方案和风险评估", "立项决议", "承包或合作合同", "年度收益分配方案"],
        basis=[
            ARTICLE_24,
            _basis("《中华人民共和国农村集体经济组织法》", "", "农村集体经济组织依法代表成员集体行使所有权，发展新型农村集体经济。"),
        ],
        risks=[
            _risk("盲目上项目，造成集体资产亏损", "立项前请镇农经站论证，风险评估结果一并公开。", "中"),
            _risk("与村干部或其亲属关联交易、利益输送", "村干部及其近亲属不得承包集体经济项目，不得与之发生买卖关系。", "高"),
            _risk("收益不分配或者分配不公开", "年度收益分配方案经村民代表会议通过后公开。", "中"),
        ],
        flowchart=four_deliberations(
            before=[step("study", "调研论证", "请镇农经站和有经验的村民一起论证市场、成本和风险。")],
            implement=[
                step("contract", "签订承包或经营合同"),
                step("profit", "年度收益核算与分配", "收益分配方案经村民代表会议通过。"),
            ],
        ),
    ),
    model.PowerItem(
        id="land-contracting",
        category="major",
        name="集体土地发包",
        summary="村集体的机动地、荒山、水面对外发包，由村民会议选出承包工作小组，方案公布后经村民会议讨论通过；发包给本村以外的人，要有三分之二以上村民代表同意并报镇政府批准。",
        responsible="村民委员会（发包方），承包工作小组，村民会议",
        time_limit="承包方案公布不少于7天",
        materials=["土地、山林、水面清单", "承包方案", "村民会议表决记录", "承包合同"],
        basis=[
            _basis(
                "《中华人民共和国农村土地承包法》",
                "第十九条",
                "土地承包应当按照以下程序进行：选举产生承包工作小组；拟订并公布承包方案；依法召开村民会议，讨论通过承包方案；公开组织实施承包方案；签订承包合同。",
            ),
            _basis(
                "《中华人民共和国农村土地承包法》",
                "第五十二条",
                "发包方将农村土地发包给本集体经济组织以外的单位或者个人承包，应当事先经本集体经济组织成员的村民会议三分之二以上成员或者三分之二以上村民代表的同意，并报乡（镇）人民政府批准。",
            ),
        ],
        risks=[
            _risk("私下把集体土地低价发包给关系户", "一律公开发包，承包方案和结果公开。", "高"),
            _risk("承包期限过长、承包费过低", "承包期限和底价由村民会议确定，报镇里备案。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "提出发包事项"),
                step("team", "村民会议选举承包工作小组"),
                step("draft", "拟订承包方案"),
                publish("plan_public", "公布承包方案", "在村务公开栏、查询机公布，不少于7天。"),
                decide("vote", "村民会议讨论表决"),
                step("revise", "修改承包方案"),
                step("town", "报镇人民政府批准", "发包给本村以外单位或个人的必须报批。"),
                step("carry_out", "公开组织实施"),
                step("sign", "签订承包合同"),
                publish("result_public", "发包结果公开"),
                end("end", "合同归档备查"),
            ],
            ["start", "team", "draft", "plan_public", "vote", ("通过", "town"), "carry_out", "sign", "result_public", "end"],
            extra=[("vote", "revise", "未通过"), ("revise", "plan_public", "重新公布")],
        ),
    ),
    model.PowerItem(
        id="work-allowance-standard",
        category="major",
        name="误工补贴人员及标准确定",
        summary="村里哪些人可以领误工补贴（如村民小组长、村民代表开会出工），每天或每月补多少钱，由村民会议讨论决定，名单和标准公开，按实际出工发放。",
        responsible="村民委员会提出方案，村民会议决定",
        time_limit="每年年初确定一次",
        materials=["误工补贴方案（人员、标准、预算）", "表决记录", "出工登记表"],
        basis=[ARTICLE_24, _basis(TOWN_FINANCE, "第二十条", "误工补贴按实际出工登记发放，登记表由村务监督委员会审核签字。")],
        risks=[
            _risk("虚报出工天数、冒领误工补贴", "出工当场签到，村务监督委员会审核；发放名单随财务每月公开。", "高"),
            _risk("随意扩大补贴范围、提高标准", "人员和标准经村民会议决定后公开，年中不得擅自调整。", "中"),
        ],
        flowchart=four_deliberations(
            meeting="村民会议决定",
            meeting_detail="须有本村十八周岁以上村民过半数，或本村三分之二以上的户的代表参加。",
            implement=[
                step("register", "按实际出工登记", "出工人员当场签到，记录事由和天数。"),
                step("pay", "村务监督委员会审核后发放", "按季度发放，领款人本人签字。"),
            ],
        ),
    ),
    # ------------------------------------------------------------ 日常管理
    model.PowerItem(
        id="finance-expense",
        category="daily",
        name="村级财务开支",
        summary="村里花的每一笔钱，都要有正规票据，经办人、村务监督委员会、审批人都要签字，再交镇三资管理中心审核入账，每月向村民公开，一张票据一张票据都能查。",
        responsible="报账员经办，村务监督委员会审核，村党支部书记审批，镇三资管理中心审核记账",
        time_limit="每月集中报账一次；财务收支每月公开一次",
        materials=["合法票据（发票、收据、领款单）", "经办人、证明人签字", "支出审批单", "大额开支的会议决议"],
        basis=[
            ARTICLE_30,
            _basis(
                "《农村集体经济组织财务制度》（财农〔2021〕121号）",
                "",
                "农村集体经济组织应当建立健全资金支出审批制度，明确审批权限和程序。",
            ),
            _basis(TOWN_FINANCE, "第十二条", "单笔支出5000元以上的，须经村“两委”会议集体研究；3万元以上的，须经村民代表会议决定。"),
        ],
        risks=[
            _risk("白条入账、虚开发票套取资金", "没有合法票据一律不予报账；镇三资管理中心逐张查验票据。", "高"),
            _risk("超权限审批，把大额开支拆成小额报账", "审批限额公开；同一事项拆分报账的按违规处理。", "高"),
            _risk("招待费等非生产性开支过多", "招待费每笔公开事由、人数和标准，全年总额控制在预算内。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "经办人取得合法票据"),
                step("sign", "经办人、证明人签字", "在票据背面写明用途，由证明人签字。"),
                decide("supervise", "村务监督委员会审核", "看票据是否真实、合规，用途是否属实。"),
                step("fix", "退回经办人补正"),
                decide("amount", "单笔是否超过5000元"),
                step("collective", "村两委会议集体研究", "3万元以上的还须经村民代表会议决定。"),
                step("approve", "村党支部书记审批"),
                step("book", "镇三资管理中心审核记账", "审核票据和审批手续，通过后记账付款。"),
                publish("monthly", "每月财务公开", "逐笔公开收支和票据照片。"),
                end("end", "凭证归档"),
            ],
            ["start", "sign", "supervise", ("合规", "amount"), ("否", "approve"), "book", "monthly", "end"],
            ["amount", ("是", "collective"), "approve"],
            extra=[("supervise", "fix", "不合规"), ("fix", "sign", "补正后重新审核")],
        ),
    ),
    model.PowerItem(
        id="seal-management",
        category="daily",
        name="印章管理",
        summary="村党支部和村委会的公章由专人保管，每次盖章都要经过批准、登记事由，盖了什么、谁批准的、谁盖的，一查就清楚。",
        responsible="村党支部书记审批，印章保管员用印",
        time_limit="即时办理",
        materials=["需要盖章的文件", "用印登记"],
        basis=[
            _basis(
                "《青石镇村级组织印章管理规定》",
                "第六条",
                "村级印章实行专人保管、审批用印、登记备查，严禁在空白纸张、空白介绍信上加盖印章。",
            )
        ],
        risks=[
            _risk("在空白纸张、空白介绍信上盖章", "一律不得在空白件上盖章，违者追究保管人和批准人责任。", "高"),
            _risk("印章随意外借、带出村部", "印章不出村部；确需外出使用的，由两人同行并登记。", "中"),
            _risk("为不真实的内容出具证明、盖章", "用印前核对文件内容，存疑的先核实再盖章。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "提出用印申请"),
                step("register", "填写用印登记", "写明用印事由、文件名称和份数。"),
                decide("approve", "村党支部书记审批"),
                step("refuse", "告知不予用印的理由"),
                step("stamp", "保管员核对文件后盖章", "核对文件与登记内容一致，不在空白件上盖章。"),
                step("archive", "登记台账、留存复印件"),
                end("end", "办结"),
            ],
            ["start", "register", "approve", ("同意", "stamp"), "archive", "end"],
            ["approve", ("不同意", "refuse"), "end"],
        ),
    ),
    model.PowerItem(
        id="affairs-publicity",
        category="daily",
        name="村务公开",
        summary="村里的财务收支、工程项目、惠民资金、办事结果，按月、按季或随时公开，公开栏、查询机和手机上都能看到，对公开的内容有疑问可以当面问、扫码问。",
        responsible="村民委员会（村务公开小组），村务监督委员会审核，村党支部审定",
        time_limit="财务收支每月公开一次；一般事项每季度一次；重大事项随时公开",
        materials=["公开内容清单", "审核签字单", "公开照片存档"],
        basis=[
            ARTICLE_30,
            _basis(
                "《关于健全和完善村务公开和民主管理制度的意见》（中办发〔2004〕17号）",
                "",
                "凡是群众关心的、涉及群众切身利益的实际问题的处理情况，都应当向村民公开。",
            ),
        ],
        risks=[
            _risk("选择性公开，该公开的不公开", "按公开目录逐项公开，村务监督委员会逐项核对签字。", "中"),
            _risk("公开不及时、内容过时", "查询机显示数据日期，镇里每月巡查公开栏。", "中"),
            _risk("群众提出疑问无人答复", "疑问登记在册，10个工作日内答复并公开答复情况。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "整理公开内容"),
                decide("check", "村务监督委员会审核", "看内容是否全面、真实。"),
                step("fix", "补充、更正内容"),
                step("approve", "村党支部审定"),
                publish("publish", "公开栏、查询机公开"),
                step("feedback", "收集群众意见"),
                decide("questions", "群众有无疑问"),
                step("answer", "解释答复，有错即改"),
                end("end", "资料归档"),
            ],
            ["start", "check", ("通过", "approve"), "publish", "feedback", "questions", ("无", "end")],
            ["questions", ("有", "answer"), "end"],
            extra=[("check", "fix", "不全或不实"), ("fix", "check", "")],
        ),
    ),
    model.PowerItem(
        id="party-member",
        category="daily",
        name="农村党员发展",
        summary="从递交入党申请书到成为正式党员，要经过入党积极分子培养、发展对象考察、公示、支部大会讨论、镇党委审批和一年预备期，关键环节都要公示，接受党员和群众监督。",
        responsible="村党支部，镇党委审批",
        time_limit="确定为入党积极分子后培养考察一年以上；预备期一年",
        materials=["入党申请书", "培养考察记录", "政治审查材料", "入党志愿书", "公示情况报告"],
        basis=[
            _basis("《中国共产党章程》", "第五条", "发展党员，必须经过党的支部，坚持个别吸收的原则。"),
            _basis("《中国共产党发展党员工作细则》", "第三条", "按照控制总量、优化结构、提高质量、发挥作用的总要求发展党员。"),
        ],
        risks=[
            _risk("优亲厚友，把亲属、关系户发展入党", "入党积极分子须经党员和群众推荐，发展对象公示接受监督。", "高"),
            _risk("程序倒置、突击发展", "镇党委对关键环节预审，培养考察不满一年的不得确定为发展对象。", "中"),
            _risk("培养考察走过场", "培养联系人每季度谈话一次并记录，支部定期听取汇报。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "递交入党申请书"),
                step("talk", "党支部派人谈话", "一个月内派人谈话，了解基本情况。"),
                step("activist", "确定入党积极分子", "采取党员推荐、群众推优等方式产生人选。"),
                step("train", "培养教育考察", "时间一年以上，指定两名正式党员做培养联系人。"),
                step("candidate", "确定发展对象", "听取党小组、培养联系人、党员和群众意见。"),
                step("vet", "政治审查和集中培训"),
                publish("publicity", "发展对象公示", "在村务公开栏、查询机公示，接受党员群众监督。"),
                decide("branch_meeting", "支部大会讨论表决"),
                step("approval", "镇党委审批"),
                step("probation", "预备期考察一年"),
                end("end", "转为正式党员"),
            ],
            [
                "start",
                "talk",
                "activist",
                "train",
                "candidate",
                "vet",
                "publicity",
                "branch_meeting",
                ("通过", "approval"),
                "probation",
                "end",
            ],
            extra=[("branch_meeting", "train", "未通过：继续培养考察")],
        ),
    ),
    model.PowerItem(
        id="forest-fire",
        category="daily",
        name="护林防火",
        summary="村里把山林划成责任区，每块山都有护林员；防火期内天天巡山，劝阻野外烧荒、烧纸放炮，发现火情马上报告、组织扑救。",
        responsible="村民委员会，护林员",
        time_limit="森林防火期内（以县人民政府公布的时间为准）每天巡山",
        materials=["护林员巡山记录", "野外用火审批登记"],
        basis=[
            _basis(
                "《森林防火条例》",
                "第二十五条",
                "森林防火期内，禁止在森林防火区野外用火。因防治病虫鼠害、冻害等特殊情况确需野外用火的，应当经县级人民政府批准。",
            ),
            _basis("《中华人民共和国森林法》", "第三十四条"),
        ],
        risks=[
            _risk("护林员不巡山、巡山记录造假", "巡山用手机打卡留轨迹，村务监督委员会每月抽查。", "中"),
            _risk("清明、春节等时段上坟烧纸、燃放鞭炮引发山火", "重点时段在山口设劝导点，发放文明祭扫告知书。", "高"),
            _risk("护林补贴发放与实际巡山不符", "补贴按考核结果发放，发放名单公开。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "进入森林防火期"),
                step("zones", "划定责任区、明确护林员"),
                step("patrol", "日常巡山、劝阻野外用火"),
                decide("fire", "是否发现火情"),
                step("report", "立即报告镇防火办并组织扑救", "先报告再扑救，确保人员安全，不让老人和孩子上山扑火。"),
                step("survey", "调查起火原因、登记损失"),
                step("record", "填写巡山记录"),
                step("assess", "按月考核、发放护林补贴"),
                publish("public", "补贴发放公开"),
                end("end", "归档"),
            ],
            ["start", "zones", "patrol", "fire", ("否", "record"), "assess", "public", "end"],
            ["fire", ("是", "report"), "survey", "end"],
        ),
    ),
    model.PowerItem(
        id="procurement",
        category="daily",
        name="村级物资采购",
        summary="村里买办公用品、小型设备和公共物资，2000元以上的要货比三家（询价不少于3家），东西到了由村务监督委员会参与验收，验收合格才付款。",
        responsible="村民委员会（采购经办人），村务监督委员会参与询价和验收",
        time_limit="验收合格后15日内付款",
        materials=["采购申请", "询价记录（不少于3家）", "发票", "验收单"],
        basis=[_basis(TOWN_FINANCE, "第十五条", "单次采购金额2000元以上的，须向3家以上供应商询价，村务监督委员会参与验收。")],
        risks=[
            _risk("虚抬价格、收回扣", "询价不少于3家，询价记录和票据一起公开。", "高"),
            _risk("以次充好、数量不足", "村务监督委员会成员参与验收并签字。", "中"),
            _risk("化整为零，规避询价和审批", "同一批物资合并计算金额。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "提出采购需求"),
                decide("amount", "金额是否在2000元以上"),
                step("quote", "询价比选（不少于3家）"),
                step("choose", "确定供应商", "同等质量选价低者，理由写入询价记录。"),
                step("buy", "直接采购"),
                step("inspect", "验收", "村务监督委员会成员参与，核对品名、数量、质量。"),
                step("pay", "报账付款"),
                publish("public", "随财务收支公开"),
                end("end", "办结"),
            ],
            ["start", "amount", ("是", "quote"), "choose", "inspect", "pay", "public", "end"],
            ["amount", ("否", "buy"), "inspect"],
        ),
    ),
    model.PowerItem(
        id="public-jobs",
        category="daily",
        name="村级公益性岗位管理",
        summary="保洁员、管水员、护林员等岗位，优先安排困难群众和脱贫户；人选经村民代表会议评议后公示，按月考核，补贴直接打到本人卡上。",
        responsible="村民委员会，镇社会保障服务站审核备案",
        time_limit="岗位公告不少于5天",
        materials=["岗位申请表", "身份证", "考核记录"],
        basis=[
            _basis(
                "《青石镇乡村公益性岗位管理办法》",
                "第五条",
                "乡村公益性岗位优先安置脱贫人口、低保对象等就业困难人员，人选须经村民代表会议评议并公示。",
            )
        ],
        risks=[
            _risk("优亲厚友，岗位给了关系户", "人选经村民代表会议评议，公示无异议后上岗。", "高"),
            _risk("吃空饷、人不在岗", "按月考核，镇里不定期抽查在岗情况。", "高"),
            _risk("补贴被截留", "补贴通过银行直接发到本人账户。", "中"),
        ],
        flowchart=application(
            apply="发布岗位公告、个人报名",
            accept="登记报名信息",
            review="资格审查",
            checks=[step("evaluate", "村民代表会议评议", "优先困难群众，当场计票。")],
            publicity="拟聘人选公示",
            publicity_detail="公示5天。",
            approve=[step("file", "报镇社会保障服务站审核备案"), step("work", "签订协议上岗、按月考核")],
            result="补贴发放公开",
            finish="期满续聘或解聘",
        ),
    ),
    model.PowerItem(
        id="contract-management",
        category="daily",
        name="集体经济合同管理",
        summary="村集体签的租赁、承包、施工、采购合同，统一编号登记，报镇三资管理中心备案；合同到期、租金该收没收，都有提醒，合同内容向村民公开。",
        responsible="村民委员会，镇三资管理中心监管",
        time_limit="合同签订后10日内备案",
        materials=["合同文本", "决策依据（会议决议）", "合同登记台账"],
        basis=[
            _basis("《农村集体经济组织财务制度》（财农〔2021〕121号）"),
            _basis(
                CIVIL_CODE,
                "第二百六十四条",
                "农村集体经济组织或者村民委员会、村民小组应当依照法律、行政法规以及章程、村规民约向本集体成员公布集体财产的状况。",
            ),
        ],
        risks=[
            _risk("未经决策程序擅自签订合同", "合同备案时须附会议决议，没有的不予备案。", "高"),
            _risk("合同到期不收回、租金长期拖欠", "镇三资管理中心按月提醒，欠款情况公开。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "拟订合同"),
                decide("basis", "是否有决策依据"),
                step("back", "先履行决策程序"),
                step("sign", "双方签订合同"),
                step("file", "编号登记、报镇里备案"),
                publish("public", "合同主要内容公开"),
                step("follow", "履约跟踪、按期收款"),
                end("end", "合同终止、归档"),
            ],
            ["start", "basis", ("有", "sign"), "file", "public", "follow", "end"],
            extra=[("basis", "back", "没有"), ("back", "basis", "")],
        ),
    ),
    model.PowerItem(
        id="flood-control",
        category="daily",
        name="防汛抢险与灾情报告",
        summary="汛期村里落实巡查责任，山塘、河堤、地质灾害点有人盯；遇到险情先转移群众，再报告、抢险；灾后如实登记受灾情况，不瞒报、不虚报。",
        responsible="村民委员会，村防汛责任人",
        time_limit="险情发生后立即报告；灾情在24小时内初报",
        materials=["巡查记录", "转移群众名单", "灾情登记表"],
        basis=[
            _basis("《中华人民共和国防洪法》", "第三十八条", "防汛抗洪工作实行各级人民政府行政首长负责制，统一指挥、分级分部门负责。"),
            _basis("《自然灾害救助条例》（国务院令第577号）"),
        ],
        risks=[
            _risk("汛期巡查不到位，险情发现不及时", "山塘、地灾点明确专人，雨天加密巡查并打卡。", "高"),
            _risk("虚报、瞒报灾情", "灾情由村组干部和村民代表共同核实登记，登记表公示。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "进入汛期"),
                step("patrol", "巡查山塘、河堤、地灾点"),
                decide("danger", "是否发现险情"),
                step("evacuate", "立即转移受威胁群众", "先转移人，再管财物，不等不靠。"),
                step("report", "报告镇防汛办、组织抢险"),
                step("register", "核实登记灾情"),
                publish("public", "灾情登记公示"),
                end("end", "转入灾后救助"),
            ],
            ["start", "patrol", "danger", ("是", "evacuate"), "report", "register", "public", "end"],
            extra=[("danger", "patrol", "否：继续巡查")],
        ),
    ),
    # ------------------------------------------------------------ 便民服务
    model.PowerItem(
        id="minimum-living",
        category="service",
        name="低保评定",
        summary="家里人均收入低于当地低保标准、家庭财产也符合规定的，可以申请最低生活保障（低保）。村里协助入户调查，审核通过的在村里公示，由县民政局审批确认，每月打卡发放。",
        responsible="镇人民政府审核，县民政局确认，村民委员会协助调查和公示",
        time_limit="一般30个工作日内办结",
        materials=["低保申请书", "家庭成员身份证、户口簿", "收入和财产情况说明", "授权核对家庭经济状况的声明"],
        basis=[
            _basis(
                SOCIAL_AID,
                "第九条",
                "国家对共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合当地最低生活保障家庭财产状况规定的家庭，给予最低生活保障。",
            ),
            _basis(
                SOCIAL_AID,
                "第十一条",
                "乡镇人民政府……应当通过入户调查、邻里访问、信函索证、群众评议、信息查询等方式，对申请人的家庭收入状况、财产状况进行调查核实，提出初审意见，在申请人所在村、社区公示后报县级人民政府民政部门审批。",
            ),
            _basis("《最低生活保障审核确认办法》（民发〔2021〕57号）"),
        ],
        risks=[
            _risk("优亲厚友，把不符合条件的亲属、熟人纳入低保", "村干部及其近亲属申请低保须单独登记备案，由镇里直接调查。", "高"),
            _risk("入户调查走过场，家庭收入核查不实", "两人以上入户，调查结果由被调查人和调查人签字，信息系统比对核查。", "中"),
            _risk("隐瞒收入、财产骗取低保", "公示接受举报，查实的取消资格并追回资金。", "中"),
        ],
        flowchart=application(
            apply="申请人提出书面申请",
            checks=[step("survey", "入户调查、邻里访问", "镇工作人员和村干部两人以上入户，核查收入和财产。")],
            review="镇人民政府审核",
            publicity="在村务公开栏公示",
            publicity_detail="公示7天，公示申请人姓名、保障人数和金额。",
            objection=True,
            approve=[step("county", "县民政局审批确认")],
            result="公布保障名单、按月打卡发放",
        ),
    ),
    model.PowerItem(
        id="extreme-poverty",
        category="service",
        name="特困人员救助供养",
        summary="没有劳动能力、没有生活来源、也没有法定赡养抚养人（或者赡养人没有能力）的老年人、残疾人和未成年人，可以申请特困供养，自己选择在家分散供养或到敬老院集中供养。",
        responsible="镇人民政府审核，县民政局审批，村民委员会协助",
        time_limit="一般20个工作日内办结",
        materials=["申请书", "身份证、户口簿", "残疾证（残疾人申请时）", "赡养义务人情况说明"],
        basis=[
            _basis(
                SOCIAL_AID,
                "第十四条",
                "国家对无劳动能力、无生活来源且无法定赡养、抚养、扶养义务人，或者其法定赡养、抚养、扶养义务人无赡养、抚养、扶养能力的老年人、残疾人以及未满16周岁的未成年人，给予特困人员供养。",
            )
        ],
        risks=[
            _risk("把有赡养人、有收入的人纳入特困供养", "入户核查赡养义务人情况，公示接受监督。", "中"),
            _risk("供养金被冒领或截留", "供养金打到本人账户，分散供养的由村里定期探视。", "中"),
        ],
        flowchart=application(
            apply="本人或代办人提出申请",
            checks=[step("survey", "入户核查", "核查生活自理能力、收入和赡养人情况。")],
            review="镇人民政府审核",
            publicity="在村务公开栏公示",
            publicity_detail="公示7天。",
            approve=[step("county", "县民政局审批"), step("support", "确定分散或集中供养")],
            result="公布结果、按月发放供养金",
        ),
    ),
    model.PowerItem(
        id="temporary-aid",
        category="service",
        name="临时救助",
        summary="因火灾、车祸等意外，或者家里有人突发重病，一时生活过不去的，可以申请临时救助。情况紧急的可以先救助、后补手续。",
        responsible="镇人民政府审核（小额的镇里审批），县民政局审批，村民委员会协助",
        time_limit="一般10个工作日内办结；紧急情况24小时内先行救助",
        materials=["申请书", "身份证、户口簿", "困难情况证明（医院诊断、事故证明等）"],
        basis=[
            _basis(
                SOCIAL_AID,
                "第四十七条",
                "国家对因火灾、交通事故等意外事件，家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭……给予临时救助。",
            ),
            _basis(
                SOCIAL_AID,
                "第四十八条",
                "申请临时救助，应当向乡镇人民政府、街道办事处提出，经审核、公示后，由县级人民政府民政部门审批……情况紧急的，可以按照规定简化审批手续。",
            ),
            _basis("《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）"),
        ],
        risks=[
            _risk("救助对象把关不严、重复救助", "信息系统查重，同一事由不重复救助。", "中"),
            _risk("救助金发放不及时", "紧急情况先行救助，村里跟踪到位。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "提出救助申请"),
                decide("urgent", "情况是否紧急"),
                step("first_aid", "先行救助", "镇里在24小时内先发放救助金或实物。"),
                step("paperwork", "补办审批手续"),
                step("survey", "入户核实困难情况"),
                decide("review", "镇人民政府审核"),
                step("refuse", "告知不符合的理由"),
                publish("publicity", "在村里公示"),
                step("approve", "审批（小额由镇里审批）"),
                step("pay", "发放救助金"),
                end("end", "办结"),
            ],
            ["start", "urgent", ("否", "survey"), "review", ("符合", "publicity"), "approve", "pay", "end"],
            ["urgent", ("是", "first_aid"), "paperwork", "end"],
            ["review", ("不符合", "refuse"), "end"],
        ),
    ),
    model.PowerItem(
        id="housing-renovation",
        category="service",
        name="危房改造申请",
        summary="住房不安全的低保户、特困户、低保边缘户等困难家庭，可以申请农村危房改造补助。房屋要经过鉴定，改造完成验收合格后，补助资金直接打到户主卡上。",
        responsible="村民委员会评议，镇人民政府审核，县住建局鉴定和审批",
        time_limit="按年度计划办理",
        materials=["申请书", "户主身份证、户口簿", "低保证、特困证等困难身份证明", "房屋照片"],
        basis=[
            _basis(
                "《关于做好农村低收入群体等重点对象住房安全保障工作的实施意见》（建村〔2021〕35号）",
                "",
                "以农村低保户、农村分散供养特困人员、低保边缘家庭等为重点对象，保障其住房安全。",
            )
        ],
        risks=[
            _risk("不符合条件的家庭挤占名额", "对象身份与民政数据比对，评议结果公示。", "高"),
            _risk("改造质量不过关、虚报完工", "竣工后镇里和县住建局共同验收，拍照存档。", "中"),
            _risk("补助资金被截留、挪用", "补助资金通过银行直接打到户主账户。", "高"),
        ],
        flowchart=chart(
            [
                start("start", "户主提出申请"),
                step("evaluate", "村民代表评议"),
                publish("publicity", "评议结果公示", "公示7天。"),
                step("town", "镇人民政府审核"),
                decide("appraise", "县住建局组织危房鉴定"),
                step("refuse", "告知鉴定结果和理由"),
                step("agreement", "签订改造协议"),
                step("build", "组织改造施工", "可以自建，也可以请有资质的工匠，村里帮助监督质量。"),
                step("accept", "竣工验收"),
                step("pay", "补助资金打卡到户"),
                publish("result", "改造结果公开"),
                end("end", "办结"),
            ],
            [
                "start",
                "evaluate",
                "publicity",
                "town",
                "appraise",
                ("C级或D级危房", "agreement"),
                "build",
                "accept",
                "pay",
                "result",
                "end",
            ],
            ["appraise", ("不是危房", "refuse"), "end"],
        ),
    ),
    model.PowerItem(
        id="homestead",
        category="service",
        name="宅基地审批",
        summary="农村村民一户只能有一处宅基地。需要新建、拆旧建新住房的，以户为单位提出申请，经村民小组讨论、村里公示后，报镇人民政府审批，批准后到现场丈量放线才能开工。",
        responsible="村民委员会审查和公示，镇人民政府审批",
        time_limit="镇人民政府自受理之日起20个工作日内办结",
        materials=["农村宅基地和建房（规划许可）申请表", "户口簿、身份证", "村民小组会议记录", "建房设计图或通用图"],
        basis=[
            _basis(
                LAND_LAW,
                "第六十二条",
                "农村村民一户只能拥有一处宅基地，其宅基地的面积不得超过省、自治区、直辖市规定的标准……农村村民住宅用地，由乡（镇）人民政府审核批准。",
            ),
            _basis(
                "《中华人民共和国土地管理法实施条例》",
                "第三十四条",
                "宅基地申请依法经农村村民集体讨论通过并在本集体范围内公示后，报乡（镇）人民政府审核批准。",
            ),
        ],
        risks=[
            _risk("一户多宅、超面积审批", "与不动产登记信息比对，面积按省定标准审核。", "高"),
            _risk("未批先建、批少建多", "批准后到现场丈量放线，竣工后验收。", "中"),
            _risk("优亲厚友、收受好处费", "申请和审批结果全程公示，村民可扫码投诉。", "中"),
        ],
        flowchart=application(
            apply="户主提出书面申请",
            accept="村民小组会议讨论",
            accept_detail="讨论申请理由、选址和四邻意见。",
            review="村民委员会审查",
            refuse="书面说明不予通过的理由",
            publicity="在本村公示",
            publicity_detail="公示申请人、面积和选址，不少于5个工作日。",
            objection=True,
            approve=[step("town", "报镇人民政府审批"), step("stake", "实地丈量批放、开工"), step("completion", "竣工验收")],
            result="审批结果公开",
        ),
    ),
    model.PowerItem(
        id="birth-registration",
        category="service",
        name="生育登记服务",
        summary="生育第一、二、三个孩子都可以办生育登记，不收费、不设前置条件，可以在手机上办，也可以到村里请妇女主任帮忙办。",
        responsible="镇卫生健康办登记，村妇女主任协助",
        time_limit="资料齐全的当场或3个工作日内办结",
        materials=["夫妻双方身份证", "结婚证（或承诺书）"],
        basis=[
            _basis("《中华人民共和国人口与计划生育法》", "第十八条", "国家提倡适龄婚育、优生优育。一对夫妻可以生育三个子女。"),
            _basis("《湖南省人口与计划生育条例》"),
        ],
        risks=[
            _risk("设置额外条件、要求多交材料", "材料清单公开，清单外不得要求；一次性告知。", "低"),
            _risk("泄露群众个人信息", "登记信息专人管理，不得外传。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "夫妻提出生育登记"),
                step("help", "村妇女主任协助核对信息", "也可以在手机上自行办理。"),
                decide("complete", "材料是否齐全"),
                step("notify", "一次性告知需补充的材料"),
                step("register", "报镇卫生健康办登记"),
                end("end", "登记完成"),
            ],
            ["start", "help", "complete", ("齐全", "register"), "end"],
            extra=[("complete", "notify", "不齐全"), ("notify", "help", "补齐后")],
        ),
    ),
    model.PowerItem(
        id="disability-subsidy",
        category="service",
        name="残疾人两项补贴申请",
        summary="持有残疾人证的困难残疾人，可以申请生活补贴；一级、二级重度残疾人可以申请护理补贴。在村里提交申请，镇里审核，县里审定，每月打卡发放。",
        responsible="镇人民政府审核，县残联、县民政局审定，村民委员会协助",
        time_limit="一般20个工作日内办结",
        materials=["残疾人证", "身份证、户口簿", "低保证（申请生活补贴时）", "银行卡或社保卡"],
        basis=[_basis("《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）")],
        risks=[
            _risk("残疾人去世后补贴继续发放", "每月与殡葬、户籍信息比对，及时停发。", "中"),
            _risk("代领补贴被挪用", "补贴打到本人账户，村里定期回访。", "中"),
        ],
        flowchart=application(
            apply="本人或监护人提出申请",
            accept="村民委员会协助受理",
            review="镇人民政府审核",
            approve=[step("county", "县残联、县民政局审定")],
            result="按月打卡发放、名单公开",
        ),
    ),
    model.PowerItem(
        id="senior-allowance",
        category="service",
        name="高龄津贴申领",
        summary="年满80周岁的本县户籍老人，可以按年龄段领取高龄津贴，年龄越大标准越高。到村里登记一次就行，核实后按月发到老人的社保卡上。",
        responsible="村民委员会登记核实，镇人民政府审核，县民政局审批",
        time_limit="每季度集中审核一次",
        materials=["老人身份证、户口簿", "社保卡或银行卡"],
        basis=[_basis("《中华人民共和国老年人权益保障法》", "第三十三条", "国家鼓励地方建立八十周岁以上低收入老年人高龄津贴制度。")],
        risks=[
            _risk("老人去世后津贴未及时停发", "每月与户籍、殡葬信息比对，村里及时上报。", "中"),
            _risk("年龄信息登记错误", "以身份证和户口簿为准，名单公示核对。", "低"),
        ],
        flowchart=application(
            apply="老人或家属到村里登记",
            accept="核对户籍和年龄",
            accept_detail="以身份证、户口簿为准。",
            review="镇人民政府审核",
            publicity="名单在村里公示",
            publicity_detail="公示5天。",
            approve=[step("county", "县民政局审批")],
            result="按月发放到社保卡",
        ),
    ),
    model.PowerItem(
        id="medical-insurance",
        category="service",
        name="城乡居民医保参保",
        summary="每年集中缴费期内，村民可以用手机或到村里缴纳下一年的城乡居民医疗保险费；低保、特困等困难群众的个人缴费由政府资助。缴费后次年1月1日起看病可以报销。",
        responsible="县医保局、税务部门，村民委员会协助宣传和核对",
        time_limit="以县医保局公布的集中缴费期为准",
        materials=["身份证或户口簿"],
        basis=[
            _basis(
                "《中华人民共和国社会保险法》",
                "第二十五条",
                "国家建立和完善城乡居民基本医疗保险制度。城乡居民基本医疗保险实行个人缴费和政府补贴相结合。",
            )
        ],
        risks=[
            _risk("村干部代收保费后不及时上缴", "提倡村民自己用手机缴费；确需代缴的当场开具凭证。", "中"),
            _risk("困难群众资助参保遗漏", "与民政、乡村振兴部门名单逐一比对。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "集中缴费期开始"),
                step("notify", "村里宣传、逐户提醒"),
                decide("assisted", "是否属于资助参保对象"),
                step("subsidy", "政府资助代缴个人缴费"),
                step("pay", "村民手机缴费或到村缴费"),
                step("check", "核对参保名单"),
                end("end", "次年1月1日起享受待遇"),
            ],
            ["start", "notify", "assisted", ("否", "pay"), "check", "end"],
            ["assisted", ("是", "subsidy"), "check"],
        ),
    ),
    model.PowerItem(
        id="pension-insurance",
        category="service",
        name="城乡居民养老保险",
        summary="年满16周岁、不是在校学生、没有参加职工养老保险的村民，可以参加城乡居民养老保险，按年选择档次缴费；年满60周岁按月领取养老金。",
        responsible="县社保中心，镇社会保障服务站，村协办员协助",
        time_limit="年满60周岁的次月起发放",
        materials=["身份证或户口簿", "社保卡"],
        basis=[
            _basis(
                "《中华人民共和国社会保险法》",
                "第二十条",
                "国家建立和完善新型农村社会养老保险制度。新型农村社会养老保险实行个人缴费、集体补助和政府补贴相结合。",
            )
        ],
        risks=[
            _risk("冒领已故人员养老金", "每年生存认证，与殡葬信息比对。", "中"),
            _risk("代办时泄露个人信息", "协办员签订保密承诺。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "参保登记"),
                step("pay", "按年选择档次缴费"),
                decide("age", "是否年满60周岁"),
                step("claim", "申请领取待遇"),
                step("approve", "县社保中心审核"),
                step("monthly", "按月发放养老金"),
                step("verify", "每年生存认证"),
                end("end", "持续领取"),
            ],
            ["start", "pay", "age", ("是", "claim"), "approve", "monthly", "verify", "end"],
            extra=[("age", "pay", "否：继续缴费")],
        ),
    ),
    model.PowerItem(
        id="certificates",
        category="service",
        name="村级证明出具",
        summary="村里只出具证明事项清单以内的证明（比如居住情况、家庭关系核实），清单以外的一律不开；能用告知承诺、部门数据核查代替的，不再让群众跑腿开证明。",
        responsible="村民委员会",
        time_limit="情况清楚的当场出具；需要核实的3个工作日内",
        materials=["身份证", "需要证明的事项说明"],
        basis=[
            _basis("《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》（国办发〔2020〕42号）"),
            _basis(
                "《关于规范村级组织工作事务、机制牌子和证明事项的意见》（民政部等六部门，2022年）", "", "村级组织出具证明事项实行清单管理。"
            ),
        ],
        risks=[
            _risk("出具内容不实的证明", "先核实再出具，出具人签字、登记留存。", "中"),
            _risk("乱开证明、收取费用", "清单外不开证明，出具证明一律免费。", "低"),
        ],
        flowchart=chart(
            [
                start("start", "村民提出证明需求"),
                decide("listed", "是否在证明事项清单内"),
                step("explain", "告知不予出具和替代办法", "比如可以用告知承诺、部门数据核查代替。"),
                step("verify", "核实有关情况"),
                step("sign", "村委会负责人签字"),
                step("stamp", "盖章并登记"),
                end("end", "办结"),
            ],
            ["start", "listed", ("是", "verify"), "sign", "stamp", "end"],
            ["listed", ("否", "explain"), "end"],
        ),
    ),
    model.PowerItem(
        id="mediation",
        category="service",
        name="矛盾纠纷调解",
        summary="邻里、家庭、土地山林界址等纠纷，可以请村人民调解委员会调解，不收费；调解成了签调解协议，调解不成的告诉您可以走仲裁、诉讼等途径。",
        responsible="村人民调解委员会",
        time_limit="一般在30日内调结",
        materials=["当事人身份证", "纠纷情况说明和有关证据"],
        basis=[
            _basis("《中华人民共和国人民调解法》", "第八条", "村民委员会、居民委员会设立人民调解委员会。"),
            _basis("《中华人民共和国人民调解法》", "第四条", "人民调解委员会调解民间纠纷，不收取任何费用。"),
        ],
        risks=[
            _risk("调解员偏袒一方", "调解员与当事人有利害关系的应当回避。", "中"),
            _risk("小纠纷拖成大矛盾", "每月排查一次，重点纠纷专人包案。", "中"),
        ],
        flowchart=chart(
            [
                start("start", "当事人申请或主动排查"),
                step("register", "受理登记"),
                step("investigate", "调查了解情况"),
                step("mediate", "组织调解", "听双方讲清楚，依法依理依情劝和。"),
                decide("agreed", "是否达成协议"),
                step("agreement", "签订调解协议"),
                step("revisit", "回访协议履行情况"),
                step("guide", "告知仲裁、诉讼等途径"),
                end("end", "结案归档"),
            ],
            ["start", "register", "investigate", "mediate", "agreed", ("是", "agreement"), "revisit", "end"],
            ["agreed", ("否", "guide"), "end"],
        ),
    ),
    model.PowerItem(
        id="disaster-relief",
        category="service",
        name="救灾救助资金物资发放",
        summary="遭受洪涝、山体滑坡等自然灾害的家庭，由村里如实登记受灾情况，经评议、公示、审批后发放救助资金和物资，发放结果全部公开。",
        responsible="村民委员会登记评议，镇人民政府审核，县应急管理局审批",
        time_limit="过渡期生活救助一般在灾后15日内发放",
        materials=["受灾登记表", "房屋、财产损失照片", "身份证、银行卡"],
        basis=[
            _basis("《自然灾害救助条例》（国务院令第577号）"),
            _basis(ARTICLE_30.document, "第三十条", "政府拨付和接受社会捐赠的救灾救助、补贴补助等资金、物资的管理使用情况，应当及时公布。"),
        ],
        risks=[
            _risk("虚报灾情、优亲厚友", "灾情由村组干部和村民代表共同入户核实，名单公示。", "高"),
            _risk("救灾物资截留、变卖", "物资登记造册，领取人签字，发放情况公开。", "中"),
        ],
        flowchart=application(
            apply="受灾群众报灾",
            accept="村组干部入户核实登记",
            accept_detail="拍照记录房屋和财产损失。",
            checks=[step("evaluate", "村民代表民主评议")],
            review="镇人民政府审核",
            publicity="救助对象公示",
            publicity_detail="公示3天，紧急情况可以先救助后公示。",
            approve=[step("county", "县应急管理局审批"), step("pay", "打卡或签领发放")],
            result="发放结果公开",
        ),
    ),
    model.PowerItem(
        id="veteran-services",
        category="service",
        name="退役军人优待抚恤",
        summary="退役军人、烈士遗属、伤残军人等优抚对象的身份登记、抚恤补助申请和光荣牌悬挂，可以在村里服务站咨询和代办。",
        responsible="村退役军人服务站协助，镇退役军人服务站审核，县退役军人事务局审批",
        time_limit="一般20个工作日内办结",
        materials=["身份证、户口簿", "退伍证或相关证明", "银行卡"],
        basis=[_basis("《军人抚恤优待条例》")],
        risks=[
            _risk("优抚对象信息登记不全、待遇漏发", "每年核对一次优抚对象名册。", "低"),
            _risk("对象去世后待遇未停发", "与户籍、殡葬信息比对，及时报告。", "中"),
        ],
        flowchart=application(
            apply="本人或家属提出申请",
            accept="村退役军人服务站受理",
            review="镇退役军人服务站审核",
            approve=[step("county", "县退役军人事务局审批")],
            result="按规定发放、名单公开",
        ),
    ),
]
