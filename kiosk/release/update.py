"""One update run of the terminal: ``village-kiosk release update``, as root,
from ``village-kiosk-update.timer`` every half hour (kiosk.ops.units).

1. settle a trial under way (keep the release that proved itself, or go
   back from one past its limits) — at any hour;
2. outside the update hours (``[update] window``, else the quiet hours of
   ``[display] night``, else 02:00-05:00), stop there;
3. fetch and verify the signed manifest; refuse a replay (an older serial),
   a release rolled back here before, one this terminal is not in the
   rollout of;
4. download the package (resuming a cut one), check its hash, install it
   beside the running release, switch ``current`` with a trial, and have
   systemd restart the kiosk onto it.

Outcomes, with the exit statuses of ``sync --once``: nothing to do (0),
installed or settled (10), rejected (20: not signed by a release key, a
replay, a package that does not match), failed (30: network, disk, a
release needing new Debian packages). Each run is recorded for the
heartbeat and ``doctor`` (kiosk.release.status).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import shutil
from pathlib import Path

import msgspec

from kiosk.config import Config
from kiosk.feed import keys
from kiosk.feed.outcome import Failed, Rejected
from kiosk.feed.sync import Timeouts
from kiosk.ops import units
from kiosk.ops.logs import log_event
from kiosk.release import install, rollout, state, trial
from kiosk.release.channel import Channel, channel_url
from kiosk.release.layout import TERMINAL, Layout
from kiosk.release.state import DOWNLOADS, Event

log = logging.getLogger(__name__)


class Outcome(enum.Enum):
    NOT_INSTALLED = "not_installed"  # a development checkout: nothing to update
    OFF = "off"  # no release key, or no platform
    NOT_NOW = "not_now"  # outside the update hours
    ON_TRIAL = "on_trial"  # a new release is proving itself
    UP_TO_DATE = "up_to_date"
    NOT_SELECTED = "not_selected"  # not in this stage of the rollout
    REFUSED_BAD = "not_taken"  # rolled back here before
    INSTALLED = "installed"
    COMMITTED = trial.COMMITTED
    ROLLED_BACK = trial.ROLLED_BACK
    REJECTED = "rejected"
    FAILED = "failed"


EXIT_STATUS = {Outcome.INSTALLED: 10, Outcome.COMMITTED: 10, Outcome.ROLLED_BACK: 10, Outcome.REJECTED: 20, Outcome.FAILED: 30}


def exit_status(event: Event) -> int:
    return EXIT_STATUS.get(Outcome(event.outcome), 0)


def release_keys(directory: Path) -> keys.Keyring:
    """Every ``*.pub`` in the release keys' folder (provision --release-key)."""
    found = sorted(directory.glob("*.pub")) if directory.is_dir() else []
    return keys.Keyring.load(found)


class Updater:
    def __init__(
        self,
        config: Config,
        layout: Layout = TERMINAL,
        keys_dir: Path = Path(units.RELEASE_KEYS_DIR),
        timeouts: Timeouts | None = None,
        restart=trial.restart_kiosk,
    ):
        self.config = config
        self.layout = layout
        self.keys_dir = keys_dir
        self.timeouts = timeouts or Timeouts()
        self.restart = restart

    def run(self, now: dt.datetime, now_local: dt.time, anytime: bool = False) -> Event:
        layout = self.layout
        if not layout.is_installed:
            return Event(now, Outcome.NOT_INSTALLED.value, f"not installed from the package (no {layout.current}): no software updates")
        with state.locked(layout):
            settled = trial.settle(layout, now, counting_a_start=False)
            on_trial = state.read(state.trial_path(layout), state.Trial)
        if settled is not None:
            if settled.outcome == Outcome.ROLLED_BACK.value:
                settled = msgspec.structs.replace(settled, message=f"{settled.message}; {self.restart()}")
            return settled
        if on_trial is not None:
            return self._record(
                Event(now, Outcome.ON_TRIAL.value, f"{on_trial.version} is on trial since {on_trial.started_at:%Y-%m-%d %H:%M}Z")
            )
        if not anytime and not self.config.in_update_hours(now_local):
            return Event(now, Outcome.NOT_NOW.value, f"outside the update hours ({self.config.update_window})")
        try:
            return self._record(self._update(now))
        except Rejected as exc:
            event = Event(now, Outcome.REJECTED.value, f"rejected: {exc}")
            log_event(log, "release.rejected", logging.WARNING, reason=str(exc))
        except (Failed, OSError) as exc:
            event = Event(now, Outcome.FAILED.value, f"failed: {exc}")
            log_event(log, "release.failed", logging.WARNING, reason=str(exc))
        return self._record(event)

    def _record(self, event: Event) -> Event:
        with state.locked(self.layout):
            state.record(self.layout, event)
        return event

    def _update(self, now: dt.datetime) -> Event:
        config, layout = self.config, self.layout
        try:
            keyring = release_keys(self.keys_dir)
        except keys.KeyFileError as exc:
            raise Rejected(f"a release key is unreadable ({exc})") from None
        if not len(keyring) or not config.feed.platform:
            return Event(now, Outcome.OFF.value, "software updates are off: no release key or no platform provisioned")
        refused = config.feed.refuses()
        if refused:
            raise Failed(refused)
        with Channel(channel_url(config.feed.platform, config.update.url), keyring, config.feed.allow_http, self.timeouts) as channel:
            release = channel.manifest()
            seen = state.load_state(layout)
            if release.serial < seen.serial:
                raise Rejected(f"release serial {release.serial} is older than {seen.serial}, already seen: a replayed manifest")
            with state.locked(layout):
                state.save_state(layout, msgspec.structs.replace(state.load_state(layout), serial=release.serial))
            version, running = release.version, layout.version_of(layout.current)
            if version == running:
                return Event(now, Outcome.UP_TO_DATE.value, f"{version} is the newest release", version)
            if version in seen.bad:
                return Event(now, Outcome.REFUSED_BAD.value, f"{version} was rolled back here before: waiting for another release", version)
            if not rollout.takes(release.rollout, config.terminal.id, config.feed.village, version):
                staged = rollout.describe(release.rollout)
                return Event(now, Outcome.NOT_SELECTED.value, f"{version} goes to {staged} for now, not to this terminal yet", version)
            if not trial.is_release(layout, version):
                package = channel.download(release, layout.state / DOWNLOADS)
                install.unpack(package, release, layout)
        with state.locked(layout):
            trial.start_trial(layout, version, config.update, now)
            trial.prune(layout)
        _forget_downloads(layout.state / DOWNLOADS)
        restarted = self.restart()
        return Event(now, Outcome.INSTALLED.value, f"{version} installed beside {running} and started on trial ({restarted})", version)


def _forget_downloads(folder: Path) -> None:
    for entry in folder.iterdir() if folder.is_dir() else []:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
