"""Village projects on the real app, driven by touch: the list shows status
and flags, the detail shows the money, the 四议两公开 timeline with a
missing stage marked, the warnings and the photos."""

from __future__ import annotations

from kiosk import model, money
from kiosk.flags import STATUS_NAMES, FlagKind, budget_comparison, project_flags, stage_timeline
from kiosk.project_payments import payments_flag
from screens.shell.registry import ScreenName
from screens.ui_screens.projects import FLAG_WORDS, ProjectRow, TimelineStep
from screens.uix.widgets import BarRow, MessageStrip, PictureTile, Section
from support.records_ui import bring_into_view, of_type, open_tile, pump_until, show_row


def all_flags(demo, project, threshold: float):
    """The project's own flags, then what its payments show."""
    paid = sum(e.amount_fen for e in demo.entries_for_project(project.id) if e.direction is model.Direction.EXPENSE)
    return [*project_flags(project, threshold), *filter(None, [payments_flag(project, paid)])]


def flagged(demo, kind: FlagKind, threshold: float):
    projects = [p for p in demo.projects if any(f.kind is kind for f in all_flags(demo, p, threshold))]
    assert projects, f"the demo village should have a project flagged {kind.value}"
    return projects


def open_project(ui, project) -> None:
    open_tile(ui, "村级项目")
    show_row(ui, project.name)
    ui.tap_text(project.name)
    assert ui.app.nav.current == (ScreenName.PROJECT_DETAIL, {"project_id": project.id})


def test_list_shows_status_and_flags_on_every_row(ui, demo):
    threshold = ui.app.kiosk_config.records.over_budget_threshold_pct
    open_tile(ui, "村级项目")
    rows_data = {row["title"]: row for row in ui.screen.ids.rows.data}
    for project in demo.projects:
        words = [FLAG_WORDS[f.kind] for f in all_flags(demo, project, threshold)]
        assert rows_data[project.name]["status"] == STATUS_NAMES[project.status]
        assert rows_data[project.name]["flags"] == words
    for kind in (FlagKind.OVER_BUDGET, FlagKind.MISSING_STAGES, FlagKind.UNPAID):  # what the demo's projects show
        project = flagged(demo, kind, threshold)[0]
        show_row(ui, project.name)
        row = next(r for r in of_type(ui, ProjectRow) if r.title == project.name)
        shown = [w.text for w in row.walk() if getattr(w, "text", "") and w.opacity > 0]
        assert FLAG_WORDS[kind] in shown and STATUS_NAMES[project.status] in shown


def test_over_budget_project_shows_figures_difference_and_warning(ui, demo):
    threshold = ui.app.kiosk_config.records.over_budget_threshold_pct
    project = flagged(demo, FlagKind.OVER_BUDGET, threshold)[0]
    open_project(ui, project)
    view = budget_comparison(project)
    texts = ui.texts()
    assert money.yuan(project.budget_fen) in texts
    assert money.yuan(project.settlement_fen) in texts
    assert view.text_zh in texts and view.pct_text in view.text_zh
    bars = {bar.label: bar.fraction for bar in of_type(ui, BarRow)}
    assert bars["预算"] < bars["结算（实际花的钱）"] == 1
    warnings = [strip.text for strip in of_type(ui, MessageStrip) if strip.shown]
    assert any(view.pct_text in text for text in warnings)
    assert project.tendering in " ".join(texts) and project.contractor in " ".join(texts)


def test_missing_stage_is_shown_as_missing_in_the_timeline(ui, demo):
    threshold = ui.app.kiosk_config.records.over_budget_threshold_pct
    project = flagged(demo, FlagKind.MISSING_STAGES, threshold)[0]
    open_project(ui, project)
    timeline = stage_timeline(project)
    steps = [w for w in ui.screen.walk() if isinstance(w, TimelineStep)]
    assert [s.name for s in steps] == [row.name_zh for row in timeline]
    for step, row in zip(steps, timeline, strict=False):
        assert step.state == ("missing" if row.missing else "done" if row.date else "pending")
        if row.date:
            assert f"{row.date.year}年{row.date.month}月{row.date.day}日" in step.when
    missing = next(s for s in steps if s.state == "missing")
    warnings = [strip.text for strip in of_type(ui, MessageStrip) if strip.shown]  # at the top of the page, as it opens
    assert any(missing.name in text for text in warnings)
    bring_into_view(ui, missing)
    assert "缺少此步骤" in " ".join(ui.texts())


def test_project_photos_open_in_the_viewer(ui, demo):
    project = next(p for p in demo.projects if p.photos)
    open_project(ui, project)
    photos = next(w for w in ui.screen.walk() if isinstance(w, Section) and w.title.startswith("照片"))
    tiles = [w for w in photos.walk(restrict=True) if isinstance(w, PictureTile)]  # not the receipts of its payments
    assert len(tiles) == len(project.photos)
    bring_into_view(ui, tiles[0])
    pump_until(ui, lambda: tiles[0].texture is not None, "the first photo's thumbnail")
    ui.tap(tiles[0])
    assert ui.app.nav.current == (ScreenName.PICTURE_VIEWER, {"project_id": project.id, "index": 0})
    pump_until(ui, lambda: ui.screen.texture is not None, "the photo in the viewer")
