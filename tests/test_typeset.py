"""Chinese line breaking in the core (no display): where lines may end and
how text is laid out at a width, with a font of square Chinese characters
and half-width digits and letters."""

import unicodedata

import pytest

from kiosk.typeset import break_points, lay_out, line_problems, protected_spans


def measure(text: str) -> float:
    """Width in ems: Chinese characters and full-width punctuation 1, the rest ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def test_a_line_never_starts_with_closing_punctuation():
    for text in ("全体村民代表，请准时参加。", "村里的大事；按“四议两公开”办（村两委）。", "好的！真的？是：否、《方案》"):
        for width in range(2, 14):
            lines = lay_out(text, width, measure)
            assert "".join(lines) == text
            for line in lines[1:]:
                assert line[0] not in "，。、；：？！）》”", (width, lines)


def test_a_line_never_ends_with_opening_punctuation():
    text = "会议内容：审议表决文化广场建设方案（预算）《枫木冲村方案》“两委”"
    for width in range(3, 20):
        lines = lay_out(text, width, measure)
        for line in lines[:-1]:
            assert line[-1] not in "（《“", (width, lines)


@pytest.mark.parametrize(
    "token",
    [
        "2025年10月",
        "2026年3月",
        "11月21日",
        "2026年11月25日",
        "17:00",
        "上午9时",
        "38天",
        "1,234.50元",
        "20.00万元",
        "-81.00元",
        "0738-0512388",
        "138****5678",
        "46.7%",
        "第3步",
        "12388",
    ],
)
def test_numbers_dates_times_amounts_and_phones_stay_whole(token):
    text = f"本村通知：{token}请大家知悉并转告"
    for width in range(int(measure(token)) + 3, 16):  # room for the token and its punctuation
        lines = lay_out(text, width, measure)
        assert any(token in line for line in lines), (width, lines)


def test_the_issues_splits_no_longer_happen():
    # The case page, the attract screen and a finance row, as the issue saw them split.
    for text, token in [
        ("2025年10月至2026年3月开展专项整治", "2026年3月"),
        ("明天8:00至17:00停止供水", "17:00"),
        ("张某某出工38天", "38天"),
    ]:
        start = text.index(token)
        for width in range(5, 14):
            lines = lay_out(text, width, measure)
            assert not line_problems(lines), lines
            assert token in "".join(lines)[start : start + len(token)]


def test_titles_are_balanced_and_keep_no_orphan():
    assert lay_out("通知公告和典型案例", 8, measure, balanced=True) == ["通知公告和", "典型案例"]
    # A paragraph filled greedily would leave "例" alone on the last line.
    assert lay_out("通知公告和典型案例", 8, measure)[-1] != "例"


def test_lines_fit_and_break_at_spaces_in_latin_text():
    lines = lay_out("Village kiosk shows DB results", 4, measure)
    assert all(measure(line) <= 4 for line in lines)
    assert lines == ["Village", "kiosk", "shows DB", "results"]


def test_explicit_newlines_and_empty_text():
    assert lay_out("第一行\n\n第三行", 20, measure) == ["第一行", "", "第三行"]
    assert lay_out("", 20, measure) == [""]


def test_a_token_wider_than_the_line_is_cut_rather_than_overflowing():
    lines = lay_out("0738-0512388", 3, measure)
    assert "".join(lines) == "0738-0512388"
    assert all(measure(line) <= 3 for line in lines)


def test_characters_outside_the_basic_plane_keep_offsets_right():
    text = "𠀀村，𠀁组。"
    assert break_points(text) == (1, 3, 4, 6)
    assert "".join(lay_out(text, 2, measure)) == text


def test_protected_spans_find_the_tokens():
    text = "2026年11月25日上午9时，预算28万元，电话0738-0512388"
    assert [text[a:b] for a, b in protected_spans(text)] == ["2026年11月25日", "上午9时", "28万元", "0738-0512388"]
    # A line break in the text ends a number: "700" then a line "类型：…" is not "700类" split.
    fields = "月保障金（元）：700\n类型：继续保障"
    assert [fields[a:b] for a, b in protected_spans(fields)] == []
    assert [p.kind for p in line_problems(["月保障金（元）：700", "类型：继续保障"], fields)] == []
    area = "面积 120 平方米"
    assert [area[a:b] for a, b in protected_spans(area)] == ["120 平方米"]  # a space still may


def test_line_problems_name_what_is_wrong():
    kinds = lambda lines, *args, **kw: [p.kind for p in line_problems(lines, *args, **kw)]  # noqa: E731
    assert kinds(["停水通知：明天", "。17:0", "0停止供水（", "每户"]) == ["starts_with_closing", "ends_with_opening", "split_token"]
    assert kinds(["通知公告和典型案", "例"], title=True) == ["orphan"]
    assert kinds(["通知公告和典型案", "例"]) == []
    assert kinds(["一行"], ems=[46.0]) == ["too_long"]
    assert kinds(["通知公告和", "典型案例"], title=True, ems=[5, 4]) == []
    # Lines that lost the spaces they broke at: numbers side by side are not one number.
    assert kinds(["电话：12388   0738-0512388", "0738-0563388"], "电话：12388   0738-0512388   0738-0563388") == []
