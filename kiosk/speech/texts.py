"""What the read-aloud button says for each kind of record.

The text is plain Chinese, written to be *heard*: short sentences, amounts
and dates as words (``kiosk.speech.numbers``), punctuation where a pause
helps (the pinyin step turns it into pauses). It covers what a listener
needs to know about the record, not every field the screen shows: a long
table or a policy excerpt read aloud helps nobody.

Privacy: every feed string goes through ``kiosk.privacy.mask_text`` first,
exactly as on screen, and a masked number is then said to be masked, never
read; disclosure tables (names, ID numbers) are not read at all.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk import model
from kiosk.corrections_view import change_summary
from kiosk.feed.history import History
from kiosk.feed.records import key_of
from kiosk.flowchart import steps_of
from kiosk.privacy import mask_text
from kiosk.speech.numbers import amount_words, date_words, digit_words, integer_words, period_words, spoken_numbers

Public = frozenset[str]

_PROJECT_STATUS = {
    model.ProjectStatus.PLANNED: "还在计划中",
    model.ProjectStatus.IN_PROGRESS: "正在实施",
    model.ProjectStatus.SETTLED: "已经完工结算",
}
_SENTENCE_ENDS = tuple("。！？")
_PAUSE_MARKS = tuple("。！？；，、：")


def power_item_text(item: model.PowerItem, public: Public = frozenset()) -> str:
    """Name, what it is, who handles it, time limit, materials, then the
    flowchart as its steps."""
    say = _sayer(public)
    return _sentences(
        f"权力事项：{say(item.name)}",
        f"这是什么事：{say(item.summary)}",
        f"谁来办：{say(item.responsible)}",
        item.time_limit and f"多长时间办完：{say(item.time_limit)}",
        item.materials and "要带的材料：" + "、".join(_clause(say(material)) for material in item.materials),
        "办事流程：" + flowchart_text(item.flowchart, public),
    )


def flowchart_text(chart: model.Flowchart, public: Public = frozenset()) -> str:
    """The chart as numbered steps, branches after their step:
    ``第一步，提出申请；……如果不同意，退回重新提议，回到第二步；……``."""
    say = _sayer(public)
    spoken_steps = []
    for step in steps_of(chart):
        words = f"第{integer_words(step.number)}步，{_clause(say(step.label))}"
        # The way on first, then the loops back: "如果同意……；如果不同意，回到……".
        for branch in sorted(step.branches, key=lambda b: (b.target_number <= step.number, b.target_number)):
            words += "，" + _branch_words(say(branch.label), step.number, branch.target_number)
        spoken_steps.append(words)
    return "；".join(spoken_steps)


def _branch_words(label: str, number: int, target: int) -> str:
    way = f"{'回到' if target <= number else '转到'}第{integer_words(target)}步"
    if not label:
        return "然后" + way
    condition = _clause(label.replace("：", "，").replace(":", "，"))
    if not condition.startswith(("如果", "若")):
        condition = "如果" + condition
    return f"{condition}，{way}"


def project_text(project: model.Project, public: Public = frozenset()) -> str:
    """Name, status, budget, settlement and how far it is from the budget."""
    say = _sayer(public)
    return _sentences(
        f"村级项目：{say(project.name)}",
        project.summary and say(project.summary),
        f"这个项目{_PROJECT_STATUS[project.status]}",
        f"预算{amount_words(project.budget_fen)}",
        _settlement_words(project),
    )


def _settlement_words(project: model.Project) -> str:
    settled = project.settlement_fen
    if settled is None:
        return "还没有结算"
    difference = settled - project.budget_fen
    if difference == 0:
        how = "和预算一样"
    elif difference < 0:
        how = f"比预算少花了{amount_words(-difference)}"
    else:
        how = f"比预算多花了{amount_words(difference)}"
    return f"结算{amount_words(settled)}，{how}"


def finance_entry_text(entry: model.FinanceEntry, public: Public = frozenset()) -> str:
    """Date, income or expense with its amount, purpose, payee or payer."""
    say = _sayer(public)
    income = entry.direction is model.Direction.INCOME
    return _sentences(
        f"{date_words(entry.date)}，{'收入' if income else '支出'}{amount_words(entry.amount_fen)}",
        f"类别：{say(entry.category)}",
        f"用途：{say(entry.purpose)}",
        entry.counterparty and f"{'付款方' if income else '收款方'}：{say(entry.counterparty)}",
    )


def disclosure_text(disclosure: model.Disclosure, public: Public = frozenset()) -> str:
    """Title, publicity period and how many rows; the rows themselves (names,
    ID numbers) are never read."""
    say = _sayer(public)
    return _sentences(
        say(disclosure.title),
        f"公示期从{period_words(disclosure.publicity_start, disclosure.publicity_end)}",
        f"名单共{integer_words(len(disclosure.rows))}条，请在屏幕上查看",
        disclosure.note and say(disclosure.note),
    )


def notice_text(notice: model.Notice, public: Public = frozenset()) -> str:
    say = _sayer(public)
    return _sentences(
        f"通知：{say(notice.title)}",
        (f"{say(notice.issuer)}，" if notice.issuer else "") + f"{date_words(notice.date)}发布",
        say(notice.body),
    )


def case_text(case: model.Case, public: Public = frozenset()) -> str:
    say = _sayer(public)
    return _sentences(
        f"典型案例：{say(case.title)}",
        date_words(case.date),
        say(case.body),
        case.lesson and f"警示：{say(case.lesson)}",
    )


def complaint_text(channel: model.ComplaintChannel, *, with_qr: bool = True) -> str:
    """How to complain: the QR code (when the screen shows one), then every
    hotline, its number digit by digit."""
    lines = [f"{spoken_numbers(hotline.name)}，{digit_words(hotline.number)}" for hotline in channel.hotlines]
    return _sentences(
        "对村里的事有意见，或者发现了问题，都可以反映",
        with_qr and "请用手机扫一扫屏幕上的二维码，在手机上填写",
        lines and ("也可以" if with_qr else "") + "打电话：" + "；".join(lines),
    )


_BY_TYPE: dict[type, Callable[..., str]] = {
    model.PowerItem: power_item_text,
    model.Project: project_text,
    model.FinanceEntry: finance_entry_text,
    model.Disclosure: disclosure_text,
    model.Notice: notice_text,
    model.Case: case_text,
}


def corrections_text(history: History, record: object, public: Public = frozenset()) -> str:
    """A record's corrections, as the box on its page shows them (empty
    when it has none): when it changed, what, and why."""
    key = key_of(record)
    entries = history.of(key) if key is not None else []
    say = _sayer(public)
    parts: list[str] = []
    for entry in entries:
        correction = entry.correction
        what = "撤下" if entry.withdrawn else f"修改：{_clause(say(change_summary(entry, public, rows=False)))}"
        parts += [f"{date_words(correction.date)}{what}", f"{'撤下原因' if entry.withdrawn else '更正说明'}：{say(correction.reason)}"]
    return _sentences("这一条公开后改过", *parts) if parts else ""


def spoken_text(record: object, public: Public = frozenset()) -> str:
    """The text for any record a detail screen shows (or the complaint
    channel); raises TypeError for anything else."""
    if isinstance(record, model.ComplaintChannel):
        return complaint_text(record)
    try:
        build = _BY_TYPE[type(record)]
    except KeyError:
        raise TypeError(f"nothing to read for a {type(record).__name__}") from None
    return build(record, public)


def _sayer(public: Public) -> Callable[[str], str]:
    """Feed text as it may be spoken: masked, its digits as words, its lines
    joined into sentences."""
    return lambda text: _one_paragraph(spoken_numbers(mask_text(text, public)))


def _clause(text: str) -> str:
    """Text to be followed by more of the same sentence: no closing mark."""
    return text.rstrip("".join(_PAUSE_MARKS))


def _one_paragraph(text: str) -> str:
    """Line breaks become a full stop where the line does not already end
    in a mark (a heading such as "会议内容"); the text becomes one line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    ended = [line if line.endswith(_PAUSE_MARKS) else line + "。" for line in lines[:-1]]
    return "".join(ended + lines[-1:])


def _sentences(*parts: object) -> str:
    """The non-empty parts (falsy ones are left out) as sentences, each
    ending in a full stop or its own ! or ?."""
    sentences = []
    for part in parts:
        text = str(part).strip().rstrip("，、；：") if part else ""
        if text:
            sentences.append(text if text.endswith(_SENTENCE_ENDS) else text + "。")
    return "".join(sentences)
