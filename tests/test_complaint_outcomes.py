"""What became of the reports (kiosk.complaint_outcomes), in plain words."""

from __future__ import annotations

import pytest

from kiosk.complaint_outcomes import quarter_view
from kiosk.model_oversight import ComplaintsDoc, QuarterReport, TypicalResult
from support.small_village import D, snapshot_of


def report(quarter: str, received: int, handled: int, upheld: int | None = None, **more) -> QuarterReport:
    return QuarterReport(quarter=quarter, published_on=D("2026-10-12"), received=received, handled=handled, upheld=upheld, **more)


@pytest.mark.parametrize(
    ("received", "handled", "upheld", "summary", "upheld_zh"),
    [
        (4, 3, 1, "收到反映4件，已经办完3件，还在办1件。", "办完的3件里，查实的有1件。"),
        (2, 2, 0, "收到反映2件，已经办完2件，全部办完了。", "办完的2件都没有查实。"),
        (5, 1, None, "收到反映5件，已经办完1件，还在办4件。", ""),
        (0, 0, 0, "这个季度没有收到反映。", ""),
    ],
)
def test_a_quarter_in_plain_words(received, handled, upheld, summary, upheld_zh):
    view = quarter_view(report("2026-Q3", received, handled, upheld))
    assert (view.summary_zh, view.upheld_zh) == (summary, upheld_zh)
    assert view.title_zh == "2026年第三季度（7月到9月）"
    assert view.published_zh == "上级平台2026年10月12日公布"


def test_results_masked_and_quarters_newest_first(tmp_path):
    result = TypicalResult(matter="反映13812345678打来的电话没人管", outcome="已回复。")
    doc = ComplaintsDoc(quarters=[report("2026-Q1", 1, 1, results=[result]), report("2026-Q3", 0, 0), report("2025-Q4", 2, 2)])
    village = snapshot_of(tmp_path, complaints=doc)
    assert [r.quarter for r in village.complaint_reports] == ["2026-Q3", "2026-Q1", "2025-Q4"]
    assert quarter_view(village.complaint_reports[1]).results == [("反映138****5678打来的电话没人管", "已回复。")]
    assert quarter_view(report("2025-Q4", 1, 1)).title_zh == "2025年第四季度（10月到12月）"
