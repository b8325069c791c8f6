"""Every screen (and one detail view of each kind), for screenshots, the
layout check and tests. Add a stop here when you add a screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from kiosk.flags import project_flags
from kiosk.snapshot import Snapshot
from screens.shell.registry import RECORD_PAGES, ScreenName
from tooling import benefits_tour


@dataclass(frozen=True)
class Stop:
    label: str  # file name stem, e.g. "power_detail"
    screen: ScreenName
    params: dict = field(default_factory=dict)
    # What a villager does on the screen before the picture (a screen that
    # keeps its state out of its params): act(harness).
    act: Callable | None = None


def tour_stops(snapshot: Snapshot) -> list[Stop]:
    category = snapshot.categories[0]
    item = snapshot.items_in(category.id)[0]
    month = snapshot.months()[0]
    # Details that show the most: several receipts; a flagged project with photos.
    entry = max(snapshot.finance_entries(), key=lambda e: len(e.receipts))
    project = max(snapshot.projects, key=lambda p: (bool(project_flags(p)), bool(p.photos)))
    stops = [
        Stop("home", ScreenName.HOME),
        Stop("power_categories", ScreenName.POWER_CATEGORIES),
        Stop("power_list", ScreenName.POWER_LIST, {"category_id": category.id}),
        Stop("power_detail", ScreenName.POWER_DETAIL, {"item_id": item.id}),
        Stop("power_flowchart", ScreenName.POWER_FLOWCHART, {"item_id": item.id}),
        Stop("power_flowchart_fit", ScreenName.POWER_FLOWCHART, {"item_id": item.id, "fit": True}),
        Stop("power_steps", ScreenName.POWER_FLOWCHART, {"item_id": item.id, "steps": True}),
        Stop("search", ScreenName.SEARCH, {"text": "DB"}),
        Stop("search_empty", ScreenName.SEARCH),
        Stop("projects", ScreenName.PROJECTS),
        Stop("project_detail", ScreenName.PROJECT_DETAIL, {"project_id": project.id}),
        Stop("finance", ScreenName.FINANCE),
        Stop("finance_month", ScreenName.FINANCE_MONTH, {"month": month}),
        Stop("finance_entry", ScreenName.FINANCE_ENTRY, {"entry_id": entry.id}),
        *([Stop("picture_viewer", ScreenName.PICTURE_VIEWER, {"entry_id": entry.id, "index": 0})] if entry.receipts else []),
        Stop("disclosures", ScreenName.DISCLOSURES),
        Stop("disclosure_detail", ScreenName.DISCLOSURE_DETAIL, {"disclosure_id": snapshot.disclosures[0].id}),
        Stop("notices", ScreenName.NOTICES),
        Stop("notice_detail", ScreenName.NOTICE_DETAIL, {"notice_id": snapshot.notices[0].id}),
        Stop("complaint", ScreenName.COMPLAINT, {"item_id": item.id}),
        *benefits_stops(snapshot),
    ]
    if snapshot.cases:
        stops.append(Stop("case_detail", ScreenName.NOTICE_DETAIL, {"case_id": snapshot.cases[0].id}))
    stops += correction_stops(snapshot)
    stops.append(Stop("attract", ScreenName.ATTRACT))
    return stops


def benefits_stops(snapshot: Snapshot) -> list[Stop]:
    """我的补贴: the pad, a wrong number, the family names, the answers."""
    benefits = ScreenName.BENEFITS
    stops = [Stop("benefits", benefits)]
    if snapshot.benefits is None:
        return stops  # the screen says the village has published none
    stops += [
        Stop("benefits_wrong_number", benefits, act=benefits_tour.typed_wrong),
        Stop("benefits_names", benefits, act=benefits_tour.look_up),
        Stop("benefits_none", benefits, act=benefits_tour.no_records),
    ]
    person = benefits_tour.demo_person(snapshot)
    if person is not None:
        stops += [
            Stop("benefits_results", benefits, act=partial(benefits_tour.results, person=person)),
            Stop("benefits_report", benefits, act=partial(benefits_tour.report, person=person)),
        ]
    return stops


def visit(harness, stop: Stop) -> None:
    """Show ``stop`` from the home screen, as a villager would reach it."""
    harness.app.nav.home()
    if stop.screen is not ScreenName.HOME:
        harness.go(stop.screen, **stop.params)
    if stop.act is not None:
        stop.act(harness)
    harness.pump()


def correction_stops(snapshot: Snapshot) -> list[Stop]:
    """The corrections list, a withdrawn record's page and the list that
    keeps it, and the page of each kind of record whose corrections it shows
    (when the data has them)."""
    stops = [Stop("corrections", ScreenName.CORRECTIONS)]
    entries = snapshot.history.entries
    withdrawn = next((entry for entry in entries if entry.withdrawn), None)
    if withdrawn is not None:
        stops.append(
            Stop("correction_detail", ScreenName.CORRECTION_DETAIL, {"record": withdrawn.correction.key, "version": withdrawn.version})
        )
    entry = next((entry for entry in entries if entry.withdrawn and entry.correction.kind.key == "finance"), None)
    if entry is not None:  # kept in its month's list, marked 已撤下
        stops.append(Stop("finance_month_withdrawn", ScreenName.FINANCE_MONTH, {"month": f"{entry.correction.before.date:%Y-%m}"}))
    for kind, (screen, param) in RECORD_PAGES.items():
        shown = next(
            (e for e in entries if e.correction.kind.key == kind and not e.withdrawn and e.correction.id in e.correction.kind.of(snapshot)),
            None,
        )
        if shown is not None:
            stops.append(Stop(f"{kind}_corrected", screen, {param: shown.correction.id}))
    return stops


def wait_for_pictures(harness, timeout_s: float = 5.0) -> None:
    """Pictures are decoded on worker threads: pump frames until those asked
    for are on screen (or the time is up), so screenshots show them."""
    from screens.services.pictures import pictures_pending

    deadline = time.monotonic() + timeout_s
    while pictures_pending() and time.monotonic() < deadline:
        time.sleep(0.01)
        harness.pump(1)
    harness.pump(1)


def run_tour(harness, out: Path) -> list[Path]:
    """Visit every stop and save a PNG named after it; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stop in tour_stops(harness.app.data.snapshot):
        visit(harness, stop)
        wait_for_pictures(harness)
        path = out / f"{stop.label}.png"
        harness.screenshot().save(path, compress_level=1)  # fast; size matters less here
        written.append(path)
    harness.app.nav.home()
    return written
