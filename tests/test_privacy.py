"""Masking of ID, phone and bank numbers in any feed text (kiosk.privacy)."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from kiosk import model
from kiosk.disclosure_view import case_view, disclosure_view, in_publicity, notice_view
from kiosk.privacy import MaskedTable, mask_text, masked_disclosure, public_numbers

MASKED = [
    # resident IDs
    ("430000199001011234", "4300**********1234"),
    ("身份证号：43132219900101123X。", "身份证号：4313**********123X。"),
    ("43132219900101123x", "4313**********123x"),
    ("431322900101123", "4313*******1123"),  # old 15-digit ID
    ("431322 19900101 1234", "4313**********1234"),
    ("4313 2219 9001 0112 34", "4313**********1234"),
    ("张三４３１３２２１９９００１０１１２３４", "张三4313**********1234"),
    ("4313\u200b2219900101\u200b1234", "4313**********1234"),
    # mobiles
    ("13812345678", "138****5678"),
    ("电话13812345678。", "电话138****5678。"),
    ("138 1234 5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("+86 138 1234 5678", "+86 138****5678"),
    ("+86-13812345678", "+86-138****5678"),
    ("+8613812345678", "+86138****5678"),
    ("0086 19912345678", "0086 199****5678"),
    ("１３８１２３４５６７８", "138****5678"),
    ("联系人李四（15912345678）", "联系人李四（159****5678）"),
    # landlines
    ("0738-1234567", "0738-***4567"),
    ("0738 1234567", "0738-***4567"),
    ("07381234567", "0738-***4567"),
    ("(0738)1234567", "0738-***4567"),
    ("（0738）1234567", "0738-***4567"),
    ("（0738) 81234567", "0738-****4567"),
    ("010-12345678", "010-****5678"),
    ("02112345678", "021-****5678"),
    ("电话0738-1234567转801", "电话0738-***4567转801"),
    ("(0738-1234567)", "(0738-***4567)"),
    # bank cards and accounts
    ("6222021234567890", "6222********7890"),
    ("6222021234567890123", "6222***********0123"),
    ("6222 0212 3456 7890", "6222********7890"),
    ("6222 0212 3456 7890 123", "6222***********0123"),
    ("6222-0212-3456-7890-123", "6222***********0123"),
    ("账号：622202123456789012345号", "账号：6222*************2345号"),
    # several in one text
    (
        "王五，身份证430000199001011234，电话13812345678，卡号6222021234567890123。",
        "王五，身份证4300**********1234，电话138****5678，卡号6222***********0123。",
    ),
]

UNCHANGED = [
    "12,345.50元",
    "1,234,567.00元",
    "12345.50",
    "2026-11-20",
    "2026年11月20日",
    "2026-11-20 08:30",
    "记-2026-03-015",
    "记-2026-03-015 2026-11-20",
    "431322106201",  # 12-digit village code
    "村代码431322106201",
    "12388",
    "纪检监察举报电话：12388",
    "12345",
    "结算超出预算 12.5%",
    "第3期，共12户，每户3,000.00元",
    "10000000000",  # 11 digits, not a mobile prefix
    "23456789012",
    "20260301001",  # dated serial
    "12345678901234",  # 14 digits: below every long-number rule
    "1381234567",  # 10 digits: one short of a mobile
    "138123456789",  # 12 digits: not a mobile
    "8123456",  # local number without area code
    "0738-123456",  # too short for a local number
    "4300**********1234",  # already masked by the platform
    "138****5678",
    "0738-***4567",
    "",
    "没有数字的文字（第二期）",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks_personal_numbers(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_other_numbers_alone(text):
    assert mask_text(text) == text


def test_published_hotlines_are_kept_in_full():
    hotlines = [
        model.Hotline(name="县纪委监委举报电话", number="0738-8312388"),
        model.Hotline(name="镇纪委", number="13812345678"),
        model.Hotline(name="全国", number="12388"),
    ]
    public = public_numbers(hotlines)
    assert public == {"07388312388", "13812345678", "12388"}
    text = "举报电话0738-8312388或（0738）8312388，镇纪委138 1234 5678；村民张三0738-8312389"
    assert mask_text(text, public) == ("举报电话0738-8312388或（0738）8312388，镇纪委138 1234 5678；村民张三0738-***2389")
    # long numbers are never public
    assert mask_text("430000199001011234", frozenset({"430000199001011234"})) == "4300**********1234"


def test_masked_disclosure_masks_every_cell():
    disclosure = model.Disclosure(
        id="d1",
        kind=model.DisclosureKind.ALLOWANCE,
        title="2026年第一季度低保名单",
        publicity_start=dt.date(2026, 3, 1),
        publicity_end=dt.date(2026, 3, 7),
        columns=["姓名", "身份证号", "联系电话", "金额"],
        rows=[["张三", "430000199001011234", "13812345678", "1,200.00元"], ["李四", "43000019900101123X", "0738-1234567", "980.00元"]],
    )
    table = masked_disclosure(disclosure)
    assert table == MaskedTable(
        columns=("姓名", "身份证号", "联系电话", "金额"),
        rows=(("张三", "4300**********1234", "138****5678", "1,200.00元"), ("李四", "4300**********123X", "0738-***4567", "980.00元")),
    )


def test_disclosure_view_masks_and_badges():
    disclosure = model.Disclosure(
        id="d2",
        kind=model.DisclosureKind.HOUSING,
        title="危房改造对象公示（咨询电话13812345678）",
        publicity_start=dt.date(2026, 3, 1),
        publicity_end=dt.date(2026, 3, 7),
        columns=["户主", "身份证号"],
        rows=[["赵六", "430000199001011234"]],
        note="有异议请拨打0738-8312388或联系村委会0738-1234567",
    )
    public = frozenset({"07388312388"})
    view = disclosure_view(disclosure, dt.date(2026, 3, 7), public)
    assert view.kind_zh == "危房改造"
    assert view.title == "危房改造对象公示（咨询电话138****5678）"
    assert view.period_zh == "公示期：2026年3月1日至2026年3月7日"
    assert view.table.rows == (("赵六", "4300**********1234"),)
    assert view.note == "有异议请拨打0738-8312388或联系村委会0738-***4567"
    assert view.in_publicity
    assert [in_publicity(disclosure, dt.date(2026, 3, d)) for d in (1, 7)] == [True, True]
    assert [in_publicity(disclosure, day) for day in (dt.date(2026, 2, 28), dt.date(2026, 3, 8))] == [False, False]
    assert not disclosure_view(disclosure, dt.date(2026, 3, 8)).in_publicity


def test_notice_and_case_views_mask_every_text():
    notice = model.Notice(
        id="n1",
        title="关于13812345678的通知",
        date=dt.date(2026, 5, 4),
        issuer="村委会（电话0738-1234567）",
        body="低保户王某，卡号6222 0212 3456 7890。",
    )
    view = notice_view(notice)
    assert (view.title, view.issuer, view.date_zh) == ("关于138****5678的通知", "村委会（电话0738-***4567）", "2026年5月4日")
    assert view.body == "低保户王某，卡号6222********7890。"
    case = model.Case(
        id="c1",
        title="某村会计挪用案",
        date=dt.date(2025, 12, 1),
        body="涉案人身份证430000199001011234",
        lesson="举报电话12388，手机19912345678",
    )
    cview = case_view(case)
    assert (cview.body, cview.lesson) == ("涉案人身份证4300**********1234", "举报电话12388，手机199****5678")
    assert cview.date_zh == "2025年12月1日"


# ------------------------------------------------------------- properties


def _expected_for_digit_run(run: str) -> str:
    """The rules of the module doc restated for one bare run of digits."""
    if len(run) >= 15:
        return run[:4] + "*" * (len(run) - 8) + run[-4:]
    if len(run) == 11 and re.match("1[3-9]", run):
        return run[:3] + "****" + run[-4:]
    if len(run) == 13 and re.match("861[3-9]", run):
        return "86" + run[2:5] + "****" + run[-4:]
    area = 3 if re.match("0(10|2)", run) else 4 if re.match("0[3-9]", run) else 0
    if area and len(run) - area in (7, 8):
        return f"{run[:area]}-{'*' * (len(run) - area - 4)}{run[-4:]}"
    return run


def test_random_digit_runs_follow_the_rules():
    rng = random.Random(6)
    for _ in range(5000):
        length = rng.randint(1, 24)
        lead = rng.choice(["", "0", "01", "02", "07", "1", "13", "19", "62", "86"])
        run = (lead + _digits(rng, length))[:length]
        before, after = rng.choice(["", "张三", "号码：", "（"]), rng.choice(["", "。", "元", "）"])
        assert mask_text(before + run + after) == before + _expected_for_digit_run(run) + after, run


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _groups(number: str, sizes: list[int], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    if at < len(number):
        parts.append(number[at:])
    return sep.join(parts)


def _resident_id(rng):
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30000))
    number = str(rng.randint(110000, 659999)) + f"{birth:%Y%m%d}" + _digits(rng, 3) + rng.choice("0123456789Xx")
    shape = rng.choice(["plain", "6-8-4", "4s"])
    text = {"plain": number, "6-8-4": _groups(number, [6, 8], rng.choice(" -")), "4s": _groups(number, [4, 4, 4, 4], " ")}[shape]
    return number, text


def _old_id(rng):
    number = str(rng.randint(110000, 659999)) + _digits(rng, 9)
    return number, number


def _mobile(rng):
    number = "1" + rng.choice("3456789") + _digits(rng, 9)
    sep = rng.choice(["", " ", "-"])
    body = _groups(number, [3, 4], sep)
    return number, rng.choice(["", "+86", "+86 ", "+86-", "0086 ", "86"]) + body


def _landline(rng):
    area = rng.choice(["010", "021", "027", "0738", "0731", "0755"])
    local = rng.choice("2345678") + _digits(rng, rng.choice([6, 7]))
    shape = rng.choice(["{a}-{l}", "{a} {l}", "({a}){l}", "（{a}）{l}", "{a}{l}"])
    return area + local, shape.format(a=area, l=local)


def _bank(rng):
    number = rng.choice(["62", "43", "52"]) + _digits(rng, rng.randint(14, 17))
    shape = rng.choice(["plain", "space", "dash"])
    text = number if shape == "plain" else _groups(number, [4] * (len(number) // 4), " " if shape == "space" else "-")
    return number, text


SENSITIVE = [_resident_id, _old_id, _mobile, _landline, _bank]


def _safe(rng):
    return rng.choice(
        [
            lambda: f"{rng.randint(0, 10**9):,}.{rng.randint(0, 99):02d}元",
            lambda: f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
            lambda: f"{rng.randint(2000, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            lambda: f"记-{rng.randint(2000, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 999):03d}",
            lambda: str(rng.randint(110000000000, 659999999999)),  # village code
            lambda: "12388",
            lambda: f"{rng.randint(0, 200)}.{rng.randint(0, 9)}%",
        ]
    )()


FILLERS = ["，", "。", "：", "、", "\n", " 元，", "张三", "电话", "身份证号", "（", "）", "账号 ", "ok ", "第", "号"]


def test_no_personal_number_survives_random_mixtures():
    rng = random.Random(2026)
    long_run = re.compile("[0-9]{15,}|[0-9]{17}[Xx]")
    bare_mobile = re.compile("(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
    for _ in range(1500):
        pieces, secrets, safes = [], [], []
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.5:
                digits, text = rng.choice(SENSITIVE)(rng)
                secrets.append(digits)
                pieces.append(text)
            else:
                safes.append(_safe(rng))
                pieces.append(safes[-1])
            pieces.append(rng.choice(FILLERS))
        text = "".join(pieces)
        out = mask_text(text)
        flat = re.sub(r"[ \-()（）+]", "", out)
        for digits in secrets:
            assert digits.upper() not in flat.upper(), (text, out)
        for safe in safes:
            assert safe in out, (text, out)
        assert not long_run.search(out), (text, out)
        assert not bare_mobile.search(out), (text, out)
        assert mask_text(out) == out  # masking is stable: masked text is left as is
