"""Switching releases, and the guard that keeps a new one only once it has
proved itself (see the package's docstring for the design).

Each step leaves a state a SIGKILL or a power cut may stop at: links are
replaced by rename (a new link under a temporary name, renamed over the
old one: the kiosk starts the old release or the new one, never nothing),
and the trial is written *before* ``current`` moves, so a switch cut off
between the two leaves a trial naming a release that is not current,
which the guard drops.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
from pathlib import Path

import msgspec

from kiosk.config import UpdateConfig
from kiosk.ops.logs import log_event
from kiosk.release import state
from kiosk.release.layout import PACKAGE, Layout
from kiosk.release.state import Event, Health, Rollback, Trial

log = logging.getLogger(__name__)

COMMITTED = "committed"
ROLLED_BACK = "rolled_back"
KIOSK_UNIT = "village-kiosk.service"


def point(layout: Layout, link: Path, version: str) -> None:
    """``link`` -> ``releases/<version>``, atomically."""
    temporary = link.with_name(f".{link.name}.new")
    temporary.unlink(missing_ok=True)
    os.symlink(f"releases/{version}", temporary)
    os.replace(temporary, link)
    state.sync_folder(link.parent)


def is_release(layout: Layout, version: str | None) -> bool:
    return version is not None and layout.command(layout.release(version)).is_file()


def start_trial(layout: Layout, version: str, settings: UpdateConfig, now: dt.datetime) -> Trial:
    """Make ``version`` the one that runs, on trial. The caller holds the lock."""
    running = layout.version_of(layout.current)
    if not is_release(layout, layout.version_of(layout.good)) and running is not None:
        point(layout, layout.good, running)  # the release running now is the one to go back to
    trial = Trial(
        version=version,
        previous=layout.version_of(layout.good) or running or version,
        started_at=now,
        health_s=settings.health_s,
        trial_s=settings.trial_s,
        max_crashes=settings.max_crashes,
    )
    state.write(state.trial_path(layout), trial)
    point(layout, layout.current, version)
    log_event(log, "release.switched", version=version, previous=trial.previous)
    return trial


def proven(layout: Layout, trial: Trial) -> bool:
    """The kiosk of the trial's release drew its first frame and kept
    running ``health_s`` since the trial began."""
    health = state.read(layout.health, Health)
    return health is not None and health.version == trial.version and health.healthy_at >= trial.started_at


def why_not_kept(trial: Trial, now: dt.datetime) -> str | None:
    """Why the release on trial must go, before one more start; None while it has its chance."""
    if trial.starts >= trial.max_crashes:
        return f"{trial.version} did not come up: it stopped {trial.starts} times before it had run {trial.health_s} s"
    if now - trial.started_at > dt.timedelta(seconds=trial.trial_s):
        return f"{trial.version} did not show it works within {trial.trial_s} s (first frame and {trial.health_s} s running)"
    return None


def settle(layout: Layout, now: dt.datetime, counting_a_start: bool) -> Event | None:
    """Decide on the trial, if any: keep it (commit), roll it back, or let
    it run (counting this start when the kiosk is about to start). The
    caller holds the lock. The event, when something was decided."""
    path = state.trial_path(layout)
    trial = state.read(path, Trial)
    if trial is None:
        if path.exists():
            state.remove(path)  # unreadable: no trial to judge
        return None
    current = layout.version_of(layout.current)
    if current != trial.version:
        # The switch stopped before the link moved, or a technician switched.
        state.remove(path)
        log_event(log, "release.trial_dropped", version=trial.version, current=current)
        return None
    if proven(layout, trial):
        return commit(layout, trial, now)
    if now < trial.started_at:  # the clock went back: the trial starts again from now
        trial = msgspec.structs.replace(trial, started_at=now)
    reason = why_not_kept(trial, now)
    if reason is not None:
        return roll_back(layout, trial, reason, now)
    if counting_a_start:
        state.write(path, msgspec.structs.replace(trial, starts=trial.starts + 1))
    return None


def commit(layout: Layout, trial: Trial, now: dt.datetime) -> Event:
    point(layout, layout.good, trial.version)
    state.remove(state.trial_path(layout))
    event = Event(now, COMMITTED, f"{trial.version} proved itself and is kept (was {trial.previous})", trial.version)
    state.record(layout, event)
    log_event(log, "release.committed", version=trial.version)
    return event


def roll_back(layout: Layout, trial: Trial, reason: str, now: dt.datetime) -> Event:
    target = layout.version_of(layout.good)
    if not is_release(layout, target) or target == trial.version:
        target = trial.previous
    if target is None or not is_release(layout, target) or target == trial.version:
        log_event(log, "release.rollback_impossible", logging.ERROR, version=trial.version, reason=reason)
        return Event(now, "failed", f"{reason}; nothing to go back to", trial.version)
    rollback = Rollback(now, trial.version, target, reason)
    current = state.load_state(layout)
    state.save_state(
        layout,
        msgspec.structs.replace(
            current,
            bad=sorted({*current.bad, trial.version}),
            rollbacks=[*current.rollbacks, rollback][-state.KEPT_ROLLBACKS :],
            last=Event(now, ROLLED_BACK, f"back to {target}: {reason}", trial.version),
        ),
    )
    point(layout, layout.current, target)
    point(layout, layout.good, target)
    state.remove(state.trial_path(layout))
    log_event(log, "release.rolled_back", logging.WARNING, version=trial.version, to=target, reason=reason)
    return Event(now, ROLLED_BACK, f"back to {target}: {reason}", trial.version)


def guard(layout: Layout, now: dt.datetime) -> str:
    """Before each start of the kiosk (the unit's ExecStartPre, as root)."""
    if not layout.is_installed:
        return "not installed from the package: nothing to guard"
    with state.locked(layout):
        event = settle(layout, now, counting_a_start=True)
        trial = state.read(state.trial_path(layout), Trial)
    if event is not None:
        return event.message
    if trial is not None:
        return f"{trial.version} on trial: start {trial.starts} of at most {trial.max_crashes}"
    return f"{layout.version_of(layout.current)} runs"


def adopt(layout: Layout, version: str, now: dt.datetime) -> Event:
    """The package's postinst: the release it brought runs from now on and
    is the good one (a technician installed it), with its bytecode compiled."""
    release = layout.release(version)
    if not is_release(layout, version):
        raise FileNotFoundError(f"{release}: no release there")
    compile_bytecode(release)
    with state.locked(layout):
        point(layout, layout.current, version)
        point(layout, layout.good, version)
        state.remove(state.trial_path(layout))
        current = state.load_state(layout)
        event = Event(now, "installed", f"{version} installed by the package", version)
        state.save_state(layout, msgspec.structs.replace(current, bad=[v for v in current.bad if v != version], last=event))
        prune(layout)
    return event


def compile_bytecode(release: Path, source: Path | None = None) -> None:
    """Every module compiled ahead (the kiosk user cannot write there); a
    module that does not compile fails the release. ``source``: where the
    release is now, when it is not yet at ``release``."""
    where = source or release
    command = [str(where / "bin" / "python"), "-m", "compileall", "-q", "-j", "0"]
    if source is not None:
        command += ["-s", str(source), "-p", str(release)]
    subprocess.run([*command, str(where / "lib")], check=True, capture_output=True, text=True, timeout=900)


def packaged_version() -> str | None:
    """The release dpkg installed (its files are dpkg's: never pruned)."""
    found = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        return None
    return found.stdout.strip() or None


def prune(layout: Layout) -> list[str]:
    """Releases no link and no package needs any more, and leftovers of
    unpacking cut off. The caller holds the lock."""
    keep = {layout.version_of(layout.current), layout.version_of(layout.good), packaged_version()}
    trial = state.read(state.trial_path(layout), Trial)
    if trial is not None:
        keep |= {trial.version, trial.previous}
    removed = []
    for entry in layout.releases.iterdir() if layout.releases.is_dir() else []:
        if entry.name.startswith(".incoming-") or (entry.is_dir() and entry.name not in keep and not entry.is_symlink()):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


def restart_kiosk() -> str:
    """Ask systemd to restart the kiosk onto ``current`` (not waiting: its
    ExecStartPre guard takes the lock the caller may hold). Without systemd
    (a test, an image) there is nothing to restart."""
    if not Path("/run/systemd/system").is_dir():
        return "no systemd: the kiosk starts the new release at its next start"
    done = subprocess.run(["systemctl", "--no-block", "try-restart", KIOSK_UNIT], capture_output=True, text=True, check=False)
    return "kiosk restarting" if done.returncode == 0 else f"systemctl try-restart failed: {done.stderr.strip()}"
