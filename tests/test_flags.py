"""Project flags, the 四议两公开 timeline and budget against settlement (kiosk.flags)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from kiosk import model
from kiosk.flags import (
    STAGE_NAMES,
    FlagKind,
    budget_comparison,
    project_flags,
    project_view,
    stage_timeline,
)
from kiosk.model import ProjectStatus, StageKind

ALL_STAGES = list(StageKind)


def project(status=ProjectStatus.SETTLED, budget=16_000_000, settlement=15_800_000, major=True, stages=ALL_STAGES, **extra):
    day = dt.date(2026, 1, 5)
    return model.Project(
        id="p1",
        name="村部办公楼维修",
        status=status,
        major=major,
        budget_fen=budget,
        settlement_fen=settlement,
        stages=[model.Stage(kind=kind, date=day + dt.timedelta(days=7 * i), note=f"第{i + 1}步") for i, kind in enumerate(stages)],
        **extra,
    )


def kinds(flags):
    return [flag.kind for flag in flags]


# ------------------------------------------------------------- budget


def test_under_budget():
    view = budget_comparison(project(budget=16_000_000, settlement=15_800_000))
    assert (view.budget_fen, view.settlement_fen, view.diff_fen) == (16_000_000, 15_800_000, -200_000)
    assert view.diff_pct == Fraction(-5, 4)
    assert view.pct_text == "1.3%"  # 1.25 rounds half up
    assert view.text_zh == "结算比预算少2,000.00元（1.3%）。"
    assert project_flags(project(budget=16_000_000, settlement=15_800_000)) == []


def test_exactly_at_threshold_is_not_flagged():
    p = project(budget=10_000_000, settlement=11_000_000)
    assert budget_comparison(p).diff_pct == 10
    assert project_flags(p, threshold_pct=10.0) == []
    # one fen more is over
    assert kinds(project_flags(project(budget=10_000_000, settlement=11_000_001), 10.0)) == [FlagKind.OVER_BUDGET]


def test_over_threshold_is_flagged_with_the_percentage():
    p = project(budget=8_000_000, settlement=9_000_000)  # +12.5%
    flags = project_flags(p, threshold_pct=10.0)
    assert kinds(flags) == [FlagKind.OVER_BUDGET]
    assert flags[0].message_zh == "结算超出预算 12.5%"
    assert budget_comparison(p).text_zh == "结算比预算多10,000.00元（12.5%）。"
    # the threshold is configurable, compared exactly
    assert project_flags(p, threshold_pct=12.5) == []
    assert kinds(project_flags(p, threshold_pct=12.4)) == [FlagKind.OVER_BUDGET]
    assert kinds(project_flags(p, threshold_pct=0)) == [FlagKind.OVER_BUDGET]


def test_no_settlement_yet():
    p = project(status=ProjectStatus.IN_PROGRESS, settlement=None, stages=ALL_STAGES[:5])
    view = budget_comparison(p)
    assert (view.settlement_fen, view.diff_fen, view.diff_pct, view.pct_text) == (None, None, None, "")
    assert view.text_zh == "预算160,000.00元，还没有结算。"
    assert project_flags(p) == []


def test_equal_and_zero_budget():
    assert budget_comparison(project(budget=500, settlement=500)).text_zh == "结算和预算一样多。"
    zero = project(budget=0, settlement=12_345)
    assert budget_comparison(zero).diff_pct is None
    assert budget_comparison(zero).text_zh == "结算比预算多123.45元。"
    assert [f.message_zh for f in project_flags(zero)] == ["没有预算，却结算了123.45元"]


# ------------------------------------------------------------- 四议两公开


def test_timeline_lists_six_stages_in_order_with_dates():
    rows = stage_timeline(project(stages=list(reversed(ALL_STAGES))))
    assert [row.kind for row in rows] == ALL_STAGES
    assert [row.name_zh for row in rows] == ["党支部提议", "两委商议", "党员大会审议", "村民代表会议决议", "决议公开", "结果公开"]
    assert all(row.date is not None and not row.missing for row in rows)
    assert rows[0].date == dt.date(2026, 1, 5) + dt.timedelta(days=35)  # listed last, still first stage


def test_settled_major_project_needs_all_six():
    p = project(stages=[StageKind.PROPOSAL, StageKind.CONSULTATION, StageKind.RESOLUTION, StageKind.RESOLUTION_PUBLICITY])
    rows = stage_timeline(p)
    assert [row.missing for row in rows] == [False, False, True, False, False, True]
    assert rows[2].date is None
    flags = project_flags(p)
    assert kinds(flags) == [FlagKind.MISSING_STAGES]
    assert flags[0].message_zh == "四议两公开缺少：党员大会审议、结果公开"


def test_planned_project_is_not_due_anything_yet():
    p = project(status=ProjectStatus.PLANNED, settlement=None, stages=[StageKind.PROPOSAL, StageKind.CONSULTATION])
    assert [row.missing for row in stage_timeline(p)] == [False] * 6
    assert project_flags(p) == []
    assert project_flags(project(status=ProjectStatus.PLANNED, settlement=None, stages=[])) == []


def test_planned_project_that_skipped_a_stage_is_flagged():
    p = project(status=ProjectStatus.PLANNED, settlement=None, stages=[StageKind.PROPOSAL, StageKind.RESOLUTION])
    assert [row.missing for row in stage_timeline(p)] == [False, True, True, False, False, False]
    assert project_flags(p)[0].message_zh == "四议两公开缺少：两委商议、党员大会审议"


def test_work_under_way_needs_the_resolution_published_but_not_the_result():
    complete = project(status=ProjectStatus.IN_PROGRESS, settlement=None, stages=ALL_STAGES[:5])
    assert project_flags(complete) == []
    assert stage_timeline(complete)[5].missing is False
    unpublished = project(status=ProjectStatus.IN_PROGRESS, settlement=None, stages=ALL_STAGES[:4])
    assert project_flags(unpublished)[0].message_zh == "四议两公开缺少：决议公开"


@pytest.mark.parametrize("status", list(ProjectStatus))
def test_minor_projects_have_no_stage_duty(status):
    p = project(status=status, major=False, stages=[], settlement=None if status is not ProjectStatus.SETTLED else 100)
    assert not any(row.missing for row in stage_timeline(p))
    assert FlagKind.MISSING_STAGES not in kinds(project_flags(p))


def test_both_flags_together_and_a_duplicate_stage_shows_its_earliest_date():
    stages = [
        model.Stage(kind=StageKind.PROPOSAL, date=dt.date(2026, 3, 1), note="第二次"),
        model.Stage(kind=StageKind.PROPOSAL, date=dt.date(2026, 2, 1), note="电话13812345678"),
    ]
    p = model.Project(
        id="p2", name="饮水工程", status=ProjectStatus.SETTLED, major=True, budget_fen=100_000_00, settlement_fen=200_000_00, stages=stages
    )
    assert kinds(project_flags(p)) == [FlagKind.OVER_BUDGET, FlagKind.MISSING_STAGES]
    first = stage_timeline(p)[0]
    assert (first.date, first.note) == (dt.date(2026, 2, 1), "电话138****5678")
    assert project_flags(p)[0].message_zh == "结算超出预算 100.0%"


def test_stage_names_cover_every_stage():
    assert set(STAGE_NAMES) == set(StageKind)


def test_project_view_masks_feed_text():
    p = project(
        contractor="娄底市某建筑公司（联系人13812345678）",
        tendering="公开招标",
        photos=[model.MediaRef(sha256="a" * 64, caption="收款人卡号6222021234567890123")],
    )
    view = project_view(p, threshold_pct=10.0)
    assert view.contractor == "娄底市某建筑公司（联系人138****5678）"
    assert view.photos[0].caption == "收款人卡号6222***********0123"
    assert view.status_zh == "已结算"
    assert view.budget == budget_comparison(p) and view.flags == project_flags(p)
