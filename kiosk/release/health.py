"""The kiosk's side of a trial: the proof that the release it runs works.

``Operations`` (screens.services) asks ``awaiting_proof()`` once the first
frame is drawn (when it also tells systemd READY=1); if its release is on
trial, it calls ``prove()`` from its UI clock ``health_s`` seconds later:
the callback runs only if the UI loop — the one that feeds the watchdog —
is still turning. The file is the kiosk user's, in its state directory;
the guard reads it as root (kiosk.release.state.read).
"""

from __future__ import annotations

import logging

import kiosk
from kiosk.ops.logs import log_event
from kiosk.release import state
from kiosk.release.layout import TERMINAL, Layout
from kiosk.release.state import Health, Trial

log = logging.getLogger(__name__)


def awaiting_proof(layout: Layout = TERMINAL, version: str = kiosk.__version__) -> Trial | None:
    """The trial of the running release, when it still needs its proof."""
    trial = state.read(state.trial_path(layout), Trial)
    if trial is None or trial.version != version:
        return None
    health = state.read(layout.health, Health)
    if health is not None and health.version == version and health.healthy_at >= trial.started_at:
        return None
    return trial


def prove(layout: Layout = TERMINAL, version: str = kiosk.__version__) -> bool:
    """Write the proof; False when it cannot be written (it is then not
    given: the trial runs out and the terminal goes back, which is safe)."""
    try:
        state.write(layout.health, Health(version, state.utcnow()))
    except OSError as exc:
        log_event(log, "release.proof_not_written", logging.WARNING, version=version, reason=str(exc))
        return False
    log_event(log, "release.proven", version=version)
    return True
