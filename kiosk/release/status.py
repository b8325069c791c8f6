"""What the terminal's software state is, for the heartbeat and ``doctor``:
the release running, one on trial, the last update run, the last rollback.
Read-only, from files the kiosk user may read."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.release import state
from kiosk.release.layout import TERMINAL, Layout
from kiosk.release.state import Event, Rollback, Trial


@dataclass(frozen=True)
class SoftwareStatus:
    installed: bool  # from the package (else a development checkout)
    release: str | None  # what ``current`` names
    good: str | None
    trial: Trial | None
    last: Event | None
    rollback: Rollback | None  # the latest


def read_status(layout: Layout = TERMINAL) -> SoftwareStatus:
    if not layout.is_installed:
        return SoftwareStatus(False, None, None, None, None, None)
    records = state.load_state(layout)
    trial = state.read(state.trial_path(layout), Trial)
    return SoftwareStatus(
        installed=True,
        release=layout.version_of(layout.current),
        good=layout.version_of(layout.good),
        trial=trial,
        last=records.last,
        rollback=records.rollbacks[-1] if records.rollbacks else None,
    )
