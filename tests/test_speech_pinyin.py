"""Chinese text -> tone-numbered pinyin for espeak-ng's cmn-latn-pinyin voice."""

from __future__ import annotations

import pytest

from kiosk.speech.pinyin import to_pinyin

pytestmark = pytest.mark.slow  # phrase readings come from a child process loading pypinyin's phrase dictionary


@pytest.mark.parametrize(
    "text, pinyin",
    [
        # Polyphones, decided by the phrase around them.
        ("银行", "yin2 hang2"),
        ("行政", "xing2 zheng4"),
        ("重大决策", "zhong4 da4 jue2 ce4"),
        ("重新提议", "chong2 xin1 ti2 yi4"),
        ("村长", "cun1 zhang3"),
        ("长期", "chang2 qi1"),
        # Neutral tone as 5, ü as v.
        ("好的吗", "hao3 de5 ma5"),
        ("绿色", "lv4 se4"),
        ("二〇二六年", "er4 ling2 er4 liu4 nian2"),
    ],
)
def test_phrase_aware_tone_numbered_pinyin(text, pinyin):
    assert to_pinyin(text) == pinyin


def test_polyphone_differs_by_phrase():
    bank, administration = to_pinyin("银行"), to_pinyin("行政")
    assert bank.split()[1] == "hang2"
    assert administration.split()[0] == "xing2"


def test_punctuation_becomes_pauses():
    assert to_pinyin("第一步，提议；第二步：商议。好！") == "di4 yi1 bu4, ti2 yi4, di4 er4 bu4, shang1 yi4. hao3."
    # A run of marks is one pause, the longest; none before the first word.
    assert to_pinyin("……“你好”，。再见") == "ni3 hao3. zai4 jian4"
    assert to_pinyin("（备注）说明") == "bei4 zhu4, shuo1 ming2"
    assert to_pinyin("。，、") == ""


def test_digits_are_read_as_words_first():
    assert to_pinyin("共3人") == "gong4 san1 ren2"
    assert to_pinyin("拨打12388") == "bo1 da3 yi1 er4 san1 ba1 ba1"
    assert to_pinyin("１５元") == "shi2 wu3 yuan2"


def test_latin_letters_pass_through_and_symbols_are_dropped():
    assert to_pinyin("ABC公司") == "ABC gong1 si1"
    assert to_pinyin("村委会#@") == "cun1 wei3 hui4"


def test_output_is_only_syllables_latin_and_pauses():
    text = "《中华人民共和国村民委员会组织法》第二十四条：涉及村民利益的事项，经村民会议讨论决定方可办理。"
    pinyin = to_pinyin(text)
    for word in pinyin.replace(",", " ").replace(".", " ").split():
        assert word[-1] in "12345" and word[:-1].isalpha(), word
    assert pinyin.endswith("ban4 li3.")
