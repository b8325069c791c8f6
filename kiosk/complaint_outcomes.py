"""What became of the reports villagers made (``complaints.json``): the
platform's account per quarter, said in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.disclosure_view import date_zh
from kiosk.model_oversight import QuarterReport
from kiosk.privacy import mask_text

_QUARTER_MONTHS = {1: "1月到3月", 2: "4月到6月", 3: "7月到9月", 4: "10月到12月"}
_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class QuarterView:
    quarter: str  # "2026-Q3"
    title_zh: str  # "2026年第三季度（7月到9月）"
    published_zh: str  # "上级平台2026年10月12日公布"
    summary_zh: str  # "收到反映5件，已经办完4件，还在办1件。"
    upheld_zh: str  # "办完的4件里，查实的有2件。" or ""
    results: list[tuple[str, str]]  # (what was reported, what was done), masked
    note: str


def quarter_title(quarter: str) -> str:
    year, number = quarter[:4], int(quarter[-1])
    return f"{year}年第{_NUMERALS[number]}季度（{_QUARTER_MONTHS[number]}）"


def quarter_view(report: QuarterReport, public: frozenset[str] = frozenset()) -> QuarterView:
    pending = report.received - report.handled
    if report.received == 0:
        summary = "这个季度没有收到反映。"
    else:
        summary = f"收到反映{report.received}件，已经办完{report.handled}件" + (f"，还在办{pending}件。" if pending else "，全部办完了。")
    upheld = ""
    if report.upheld is not None and report.handled:
        upheld = f"办完的{report.handled}件里，查实的有{report.upheld}件。" if report.upheld else f"办完的{report.handled}件都没有查实。"
    return QuarterView(
        quarter=report.quarter,
        title_zh=quarter_title(report.quarter),
        published_zh=f"上级平台{date_zh(report.published_on)}公布",
        summary_zh=summary,
        upheld_zh=upheld,
        results=[(mask_text(result.matter, public), mask_text(result.outcome, public)) for result in report.results],
        note=mask_text(report.note, public),
    )
