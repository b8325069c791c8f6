"""What the read-aloud button says for each kind of record."""

from __future__ import annotations

import datetime as dt
import re

import msgspec
import pytest

from kiosk import model
from kiosk.privacy import public_numbers
from kiosk.speech.numbers import MASKED_NUMBER
from kiosk.speech.texts import (
    case_text,
    complaint_text,
    corrections_text,
    disclosure_text,
    finance_entry_text,
    flowchart_text,
    notice_text,
    power_item_text,
    project_text,
    spoken_text,
)
from tooling.demo.flow import chart, decide, end, four_deliberations, start, step

# Fictional people and numbers.
ID_NUMBER = "431322198803151234"
MOBILE = "13812345678"
BANK_ACCOUNT = "6222021234567890123"
HOTLINES = [
    model.Hotline(name="县纪委监委举报电话", number="0738-8312388"),
    model.Hotline(name="全国纪检监察举报电话", number="12388"),
]
PUBLIC = public_numbers(HOTLINES)
# Characters a text meant to be heard may hold: Chinese, Chinese punctuation
# (pauses) and Latin letters; never Arabic digits or masking stars.
_HEARABLE = re.compile(r"[\u3007\u4e00-\u9fff，。；：、！？“”《》（）A-Za-z]+")


def _power_item(flowchart: model.Flowchart) -> model.PowerItem:
    return model.PowerItem(
        id="major-matter",
        category="major",
        name="村级重大事项决策",
        summary="集体资产处置、较大数额开支等重大事项，必须经过“四议两公开”才能实施。",
        responsible="村党支部、村民委员会",
        time_limit="30个工作日",
        materials=["议题提议书", "各次会议记录"],
        flowchart=flowchart,
    )


def _project(**changes) -> model.Project:
    fields = {
        "id": "office",
        "name": "村部办公楼维修",
        "summary": "屋面防水和外墙维修。",
        "status": model.ProjectStatus.SETTLED,
        "budget_fen": 16_000_000,
        "settlement_fen": 15_800_000,
    }
    return model.Project(**(fields | changes))


def _expense(**changes) -> model.FinanceEntry:
    fields = {
        "id": "e1",
        "date": dt.date(2026, 3, 5),
        "direction": model.Direction.EXPENSE,
        "amount_fen": 1_230_050,
        "category": "工程支出",
        "counterparty": f"桃溪建筑队（账号{BANK_ACCOUNT}，联系电话{MOBILE}）",
        "purpose": "村道硬化第2期工程款",
    }
    return model.FinanceEntry(**(fields | changes))


def _disclosure() -> model.Disclosure:
    return model.Disclosure(
        id="allowance-2026",
        kind=model.DisclosureKind.ALLOWANCE,
        title="2026年第一季度低保对象公示",
        publicity_start=dt.date(2026, 3, 1),
        publicity_end=dt.date(2026, 3, 7),
        columns=["姓名", "身份证号", "保障人数"],
        rows=[["柳青禾", ID_NUMBER, "2"], ["石满仓", "431322195501021111", "1"], ["何秋菊", "43132219600303222X", "3"]],
        note=f"如有异议，请在公示期内向村委会反映，也可拨打0738-8312388。经办人手机{MOBILE}。",
    )


def _assert_hearable(text: str) -> None:
    assert _HEARABLE.fullmatch(text), f"not plain spoken Chinese: {text!r}"


def test_power_item_reads_fields_then_flowchart_as_steps():
    text = power_item_text(_power_item(four_deliberations()))
    _assert_hearable(text)
    assert text.startswith("权力事项：村级重大事项决策。")
    for part in (
        "这是什么事：集体资产处置",
        "谁来办：村党支部、村民委员会。",
        "多长时间办完：三十个工作日。",
        "要带的材料：议题提议书、各次会议记录。",
    ):
        assert part in text
    # The 四议两公开 chart read as its steps, in order, with its loop back.
    flow = text.split("办事流程：", 1)[1]
    assert flow.startswith("第一步，收集党员、群众意见建议；第二步，党支部会议提议；第三步，村两委会议商议；")
    assert "第五步，村民代表会议决议，如果同意，转到第六步，如果不同意，退回重新提议，回到第二步；" in flow
    assert flow.endswith("第九步，资料归档备查。")


def test_power_item_leaves_out_empty_fields():
    item = _power_item(four_deliberations())
    bare = msgspec.structs.replace(item, time_limit="", materials=[])
    text = power_item_text(bare)
    assert "多长时间办完" not in text and "要带的材料" not in text
    assert "办事流程：第一步" in text


def test_flowchart_branches_and_unlabelled_jumps():
    vote = chart(
        [start("apply", "提出申请"), decide("check", "审核"), step("approve", "批准"), step("refuse", "告知理由"), end("done", "办结")],
        ["apply", "check", ("符合", "approve"), "done"],
        ["check", ("不符合", "refuse")],
        extra=[("refuse", "apply", "")],
    )
    text = flowchart_text(vote)
    steps = text.split("；")
    assert steps[0] == "第一步，提出申请"
    assert steps[1].startswith("第二步，审核，如果符合，转到第")
    assert "如果不符合，转到第" in steps[1]
    refuse = next(s for s in steps if "告知理由" in s)
    assert refuse.endswith("然后回到第一步")
    assert len(steps) == 5


def test_project_budget_settlement_and_difference_as_words():
    text = project_text(_project())
    _assert_hearable(text)
    assert "村级项目：村部办公楼维修。" in text
    assert "已经完工结算" in text
    assert "预算十六万元。" in text
    assert "结算十五万八千元，比预算少花了二千元。" in text


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"settlement_fen": 16_050_050}, "结算十六万零五百元五角，比预算多花了五百元五角。"),
        ({"settlement_fen": 16_000_000}, "结算十六万元，和预算一样。"),
        ({"status": model.ProjectStatus.PLANNED, "settlement_fen": None}, "还没有结算。"),
    ],
)
def test_project_difference_cases(changes, expected):
    text = project_text(_project(**changes))
    assert expected in text
    if changes.get("status") is model.ProjectStatus.PLANNED:
        assert "还在计划中" in text


def test_finance_expense_reads_amount_purpose_and_masked_payee():
    text = finance_entry_text(_expense())
    _assert_hearable(text)
    assert text.startswith("二〇二六年三月五日，支出一万二千三百元五角。")
    assert "类别：工程支出。" in text
    assert "用途：村道硬化第二期工程款。" in text
    assert "收款方：桃溪建筑队" in text
    # The account and the mobile are masked, and the mask is not read as digits.
    assert text.count(MASKED_NUMBER) == 2
    for secret in (BANK_ACCOUNT, MOBILE, "六二二二", "一三八"):
        assert secret not in text


def test_finance_income_names_the_payer():
    text = finance_entry_text(_expense(direction=model.Direction.INCOME, counterparty="镇财政所", amount_fen=500_000))
    assert "收入五千元。" in text
    assert "付款方：镇财政所。" in text
    assert "收款方" not in text
    assert "付款方" not in finance_entry_text(_expense(counterparty=""))


def test_disclosure_reads_title_period_and_row_count_never_the_rows():
    text = disclosure_text(_disclosure(), PUBLIC)
    _assert_hearable(text)
    assert text.startswith("二〇二六年第一季度低保对象公示。公示期从二〇二六年三月一日到三月七日。名单共三条")
    for name in ("柳青禾", "石满仓", "何秋菊", "身份证"):
        assert name not in text
    # The published hotline in the note is read; the mobile is masked.
    assert "零七三八，八三一二三八八" in text
    assert MASKED_NUMBER in text
    assert "一三八" not in text


def test_notice_and_case():
    notice = model.Notice(
        id="n1",
        title="关于开展2026年医保缴费的通知",
        date=dt.date(2026, 11, 20),
        issuer="桃溪村村民委员会",
        body="每人缴费380元，截止日期2026-12-31。咨询电话12345。",
    )
    text = notice_text(notice)
    _assert_hearable(text)
    assert text == (
        "通知：关于开展二〇二六年医保缴费的通知。桃溪村村民委员会，二〇二六年十一月二十日发布。"
        "每人缴费三百八十元，截止日期二〇二六年十二月三十一日。咨询电话一二三四五。"
    )
    case = model.Case(
        id="c1",
        title="某村饮水工程未经四议两公开被责令重新招标",
        date=dt.date(2025, 6, 1),
        body="村民举报后，乡镇责令重新招标",
        lesson="重大事项必须走程序",
    )
    text = case_text(case)
    _assert_hearable(text)
    assert (
        text
        == "典型案例：某村饮水工程未经四议两公开被责令重新招标。二〇二五年六月一日。村民举报后，乡镇责令重新招标。警示：重大事项必须走程序。"
    )


def test_complaint_reads_instructions_and_hotlines_digit_by_digit():
    channel = model.ComplaintChannel(url_template="https://jd.example.gov.cn/ts?v={village}", hotlines=HOTLINES)
    text = complaint_text(channel)
    _assert_hearable(text)
    assert "二维码" in text
    assert "县纪委监委举报电话，零七三八，八三一二三八八；全国纪检监察举报电话，一二三八八。" in text
    without_qr = complaint_text(channel, with_qr=False)
    assert "二维码" not in without_qr and "打电话：县纪委监委举报电话" in without_qr


def test_spoken_text_dispatches_by_record_type():
    channel = model.ComplaintChannel(url_template="https://jd.example.gov.cn/ts", hotlines=HOTLINES)
    assert spoken_text(_project()) == project_text(_project())
    assert spoken_text(_expense()) == finance_entry_text(_expense())
    assert spoken_text(_disclosure(), PUBLIC) == disclosure_text(_disclosure(), PUBLIC)
    assert spoken_text(channel) == complaint_text(channel)
    with pytest.raises(TypeError):
        spoken_text("a string")


def test_every_demo_record_reads_as_plain_chinese(demo):
    public = public_numbers(demo.complaint.hotlines)
    records = [*demo.power_items, *demo.projects, *demo.finance_entries(), *demo.disclosures, *demo.notices, *demo.cases, demo.complaint]
    assert len(records) > 10
    for record in records:
        text = spoken_text(record, public)
        assert text.endswith("。")
        assert not re.search(r"[0-9０-９*＊]", text), f"{type(record).__name__} {getattr(record, 'id', '')}: {text}"
    for disclosure in demo.disclosures:
        text = spoken_text(disclosure, public)
        name_columns = [i for i, heading in enumerate(disclosure.columns) if "姓名" in heading or "户主" in heading]
        assert not [row[i] for row in disclosure.rows for i in name_columns if i < len(row) and row[i] in text]


def test_multi_line_body_is_read_as_sentences():
    notice = model.Notice(
        id="n2", title="开会", date=dt.date(2026, 11, 18), body="全体村民代表：\n定于25日开会。\n会议内容\n一、审议方案\n"
    )
    text = notice_text(notice)
    assert "\n" not in text
    assert text.endswith("全体村民代表：定于二十五日开会。会议内容。一、审议方案。")


def test_marks_at_the_end_of_list_items_do_not_double_up():
    flow = chart(
        [start("a", "提出申请。"), decide("b", "审核；"), end("c", "办结")], ["a", "b", ("通过：", "c")], extra=[("b", "a", "不通过。")]
    )
    item = _power_item(flow)
    text = power_item_text(msgspec.structs.replace(item, materials=["身份证。", "户口簿；"]))
    assert "要带的材料：身份证、户口簿。" in text
    assert "办事流程：第一步，提出申请；第二步，审核，如果通过，转到第三步，如果不通过，回到第一步；第三步，办结。" in text


def test_a_corrected_record_is_heard_with_its_corrections():
    from kiosk import paths
    from kiosk.snapshot import load_folder
    from tooling.demo import corrections as made_up

    village = load_folder(paths.DEMO_VILLAGE)
    public = public_numbers(village.complaint.hotlines)
    wages = village.finance_entry(made_up.WAGES.record_id)
    heard = corrections_text(village.history, wages, public)
    assert heard.startswith("这一条公开后改过。二〇二六年九月十四日修改：金额由一万七千八百二十元改为一万七千二百八十元。更正说明：工资表")
    _assert_hearable(heard)
    relief = village.disclosure(made_up.RELIEF.record_id)
    assert "名单删去一条。更正说明：公示期间有村民反映" in corrections_text(village.history, relief, public)
    assert corrections_text(village.history, village.finance_entries()[0], public) == ""  # never corrected
