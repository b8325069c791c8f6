"""Numbers, amounts and dates as spoken Chinese words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kiosk.speech.numbers import (
    MASKED_NUMBER,
    amount_words,
    date_words,
    decimal_words,
    digit_words,
    integer_words,
    percent_words,
    period_words,
    spoken_numbers,
)


@pytest.mark.parametrize(
    "number, words",
    [
        (0, "零"),
        (1, "一"),
        (2, "二"),
        (10, "十"),
        (11, "十一"),
        (15, "十五"),
        (20, "二十"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),  # 一 kept inside a number
        (115, "一百一十五"),
        (1000, "一千"),
        (1005, "一千零五"),
        (1050, "一千零五十"),
        (1500, "一千五百"),
        (10000, "一万"),
        (10005, "一万零五"),
        (10500, "一万零五百"),
        (11050, "一万一千零五十"),
        (12300, "一万二千三百"),
        (100000, "十万"),
        (100015, "十万零一十五"),
        (150000, "十五万"),
        (1001000, "一百万一千"),
        (10010000, "一千零一万"),
        (100000000, "一亿"),
        (100010000, "一亿零一万"),
        (110000000, "一亿一千万"),
        (1000000005, "十亿零五"),
        (3000500000000, "三万零五亿"),
        (-10, "负十"),
        (-10005, "负一万零五"),
    ],
)
def test_integer_words(number, words):
    assert integer_words(number) == words


@pytest.mark.parametrize(
    "fen, words",
    [
        (1230050, "一万二千三百元五角"),  # the example: 12300.50 yuan
        (1500, "十五元"),
        (11000, "一百一十元"),
        (1000500, "一万零五元"),
        (100, "一元"),
        (120, "一元二角"),
        (123, "一元二角三分"),
        (105, "一元零五分"),
        (1001, "十元零一分"),
        (50, "五角"),
        (5, "五分"),
        (55, "五角五分"),
        (0, "零元"),
        (1234567, "一万二千三百四十五元六角七分"),
        (16000000, "十六万元"),
        (15800000, "十五万八千元"),
        (10**13, "一千亿元"),  # the model's largest amount
        (-250, "负二元五角"),
        (-200000, "负二千元"),
    ],
)
def test_amount_words(fen, words):
    assert amount_words(fen) == words


def test_amount_words_never_says_the_figures():
    for fen in (1, 99, 100, 10**4, 123456789, 10**13 - 1):
        words = amount_words(fen)
        assert not any(c.isdigit() and c.isascii() for c in words)
        assert "." not in words and "整" not in words


@pytest.mark.parametrize(
    "date, words",
    [
        (dt.date(2026, 11, 20), "二〇二六年十一月二十日"),
        (dt.date(2025, 1, 1), "二〇二五年一月一日"),
        (dt.date(2000, 10, 10), "二〇〇〇年十月十日"),
        (dt.date(2019, 12, 31), "二〇一九年十二月三十一日"),
    ],
)
def test_date_words(date, words):
    assert date_words(date) == words


def test_date_without_year_and_periods():
    assert date_words(dt.date(2026, 3, 7), with_year=False) == "三月七日"
    assert period_words(dt.date(2026, 3, 1), dt.date(2026, 3, 7)) == "二〇二六年三月一日到三月七日"
    assert period_words(dt.date(2025, 12, 25), dt.date(2026, 1, 4)) == "二〇二五年十二月二十五日到二〇二六年一月四日"


@pytest.mark.parametrize(
    "value, words",
    [
        ("12.5", "百分之十二点五"),
        (12, "百分之十二"),
        (Decimal("46.7"), "百分之四十六点七"),
        ("0.5", "百分之零点五"),
        (100, "百分之一百"),
        (-3, "负百分之三"),
    ],
)
def test_percent_words(value, words):
    assert percent_words(value) == words


def test_decimal_words():
    assert decimal_words("12.5") == "十二点五"
    assert decimal_words("0.50") == "零点五零"  # digits after the point as written
    assert decimal_words("-1.05") == "负一点零五"
    assert decimal_words(7) == "七"
    with pytest.raises(ValueError):
        decimal_words("十二")
    with pytest.raises(ValueError):
        decimal_words("NaN")


@pytest.mark.parametrize(
    "digits, words",
    [
        ("12388", "一二三八八"),
        ("110", "一一零"),
        ("0738-8312388", "零七三八，八三一二三八八"),
        ("(0738) 831 2388", "零七三八，八三一，二三八八"),
        ("１２３", "一二三"),  # fullwidth digits
    ],
)
def test_digit_words(digits, words):
    assert digit_words(digits) == words


@pytest.mark.parametrize(
    "text, spoken",
    [
        ("拨打12388举报", "拨打一二三八八举报"),  # a long number not counting anything is a code
        ("电话12388。", "电话一二三八八。"),
        ("共15000人", "共一万五千人"),  # ... unless it counts something
        ("预算12,345.50元", "预算一万二千三百四十五元五角"),
        ("共计800元。", "共计八百元。"),
        ("补助3.5万元", "补助三点五万元"),
        ("同比下降46.7%", "同比下降百分之四十六点七"),
        ("增长１２％", "增长百分之十二"),
        ("2026-03-05公示", "二〇二六年三月五日公示"),
        ("2026年3月5日前", "二〇二六年三月五日前"),
        ("第3步", "第三步"),
        ("5个工作日", "五个工作日"),
        ("编号007", "编号零零七"),  # a leading zero: a code
        ("县纪委电话0738-8312388", "县纪委电话零七三八，八三一二三八八"),
        ("没有数字的句子。", "没有数字的句子。"),
    ],
)
def test_spoken_numbers_in_free_text(text, spoken):
    assert spoken_numbers(text) == spoken


@pytest.mark.parametrize(
    "text",
    ["手机138****5678", "身份证4313**********1234", "身份证4313**********123X", "电话0738-***4567", "卡号6222 **** **** 1234"],
)
def test_masked_numbers_are_never_read(text):
    spoken = spoken_numbers(text)
    assert MASKED_NUMBER in spoken
    assert "*" not in spoken
    # Not even the digits left visible on screen are read.
    assert not any(c in spoken for c in "0123456789一二三四五六七八九零")


def test_stars_without_digits_are_dropped():
    assert spoken_numbers("重点*注意") == "重点注意"
