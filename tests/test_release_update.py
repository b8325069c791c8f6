"""Software updates on a terminal, through its real commands: the update
unit's ``release update`` against the platform's ``releases/`` on a real
HTTP server, the kiosk unit's start-up guard, the package's postinst
(``release use``); the terminal's tree mounted at its real paths.

What a villager would see (a kiosk that crashes, hangs, or draws) is
tests/test_release_session.py; here, the decisions and the files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess

import msgspec
import pytest

from kiosk.feed import keys
from kiosk.ops import units
from kiosk.release import manifest, state
from kiosk.release.layout import PREFIX
from kiosk.release.manifest import Rollout
from kiosk.release.rollout import bucket, takes
from support.feed_fixtures import VILLAGE
from support.feedserver import Fault
from support.kiosk_process import village_kiosk
from support.releases import update_hours
from support.xsession import in_tree, unit_line

pytestmark = pytest.mark.slow  # real releases installed and started, processes killed at every step

UPDATED, REJECTED, FAILED = 10, 20, 30


def _records(terminal) -> state.UpdateState:
    return state.load_state(terminal.layout)


def _trial(terminal) -> state.Trial | None:
    return state.read(state.trial_path(terminal.layout), state.Trial)


def _runs(terminal, version: str) -> bool:
    """The release answers as the kiosk's command would (the /usr/bin link goes through current)."""
    answer = terminal.run(f"{PREFIX}/current/bin/village-kiosk", "--version")
    return answer.returncode == 0 and answer.stdout.strip() == f"village-kiosk {version}"


def test_a_release_is_taken_in_the_update_hours_beside_the_running_one_and_kept_once_proven(release_terminal):
    terminal = release_terminal
    terminal.channel.publish(terminal.release("0.2.0"))
    terminal.configure(window=update_hours(around_now=False))
    outside = terminal.update()
    assert outside.returncode == 0 and "outside the update hours" in outside.stdout, outside.stdout + outside.stderr
    assert terminal.current() == "0.1.0" and not any("village-kiosk_0.2.0" in path for path in terminal.server.log)

    terminal.configure(window=update_hours(around_now=True))
    taken = terminal.update()
    assert taken.returncode == UPDATED, taken.stdout + taken.stderr
    assert "0.2.0 installed beside 0.1.0 and started on trial" in taken.stdout
    # Beside: both releases complete, the new one runs, the old one is what the guard goes back to.
    assert terminal.layout.installed() == ["0.1.0", "0.2.0"]
    assert (terminal.current(), terminal.good()) == ("0.2.0", "0.1.0")
    assert _runs(terminal, "0.2.0")
    trial = _trial(terminal)
    assert (trial.version, trial.previous, trial.starts) == ("0.2.0", "0.1.0", 0)
    assert not list((terminal.layout.state / "downloads").iterdir())  # the package is not kept once installed

    # Its starts are counted, the kiosk proves it, and the next run keeps it.
    assert terminal.guard().returncode == 0
    assert _trial(terminal).starts == 1
    assert terminal.update().returncode == 0  # still on trial: nothing else is fetched
    assert terminal.prove().returncode == 0
    kept = terminal.update()
    assert kept.returncode == UPDATED and "0.2.0 proved itself and is kept" in kept.stdout, kept.stdout
    assert (terminal.current(), terminal.good(), _trial(terminal)) == ("0.2.0", "0.2.0", None)
    assert terminal.update().stdout.strip() == "0.2.0 is the newest release"


def test_a_release_that_keeps_stopping_is_rolled_back_by_the_guard_and_not_taken_again(release_terminal):
    terminal = release_terminal
    terminal.configure(max_crashes=2)
    terminal.channel.publish(terminal.release("0.2.0", "crashes"))
    assert terminal.update("--now").returncode == UPDATED
    for start in (1, 2):
        guarded = terminal.guard()
        assert f"start {start} of at most 2" in guarded.stdout, guarded.stdout + guarded.stderr
        assert terminal.current() == "0.2.0"
    # The third start would be the kiosk stopping a third time: the guard goes back first.
    back = terminal.guard()
    assert "back to 0.1.0: 0.2.0 did not come up: it stopped 2 times" in back.stdout, back.stdout + back.stderr
    assert (terminal.current(), terminal.good(), _trial(terminal)) == ("0.1.0", "0.1.0", None)
    assert _runs(terminal, "0.1.0")
    records = _records(terminal)
    assert records.bad == ["0.2.0"] and records.rollbacks[-1].from_version == "0.2.0" and records.rollbacks[-1].to_version == "0.1.0"

    again = terminal.update("--now")
    assert again.returncode == 0 and "0.2.0 was rolled back here before" in again.stdout
    assert terminal.current() == "0.1.0"
    # A release published after it is taken as usual.
    terminal.channel.publish(terminal.release("0.2.1"))
    assert terminal.update("--now").returncode == UPDATED and terminal.current() == "0.2.1"


def test_a_release_that_never_proves_itself_goes_back_when_its_trial_runs_out(release_terminal):
    terminal = release_terminal
    terminal.channel.publish(terminal.release("0.2.0"))
    assert terminal.update("--now").returncode == UPDATED
    assert terminal.guard().returncode == 0
    # It runs, but never says it drew its first frame: the trial's time passes.
    path = state.trial_path(terminal.layout)
    trial = _trial(terminal)
    state.write(path, msgspec.structs.replace(trial, started_at=trial.started_at - dt.timedelta(seconds=trial.trial_s + 1)))
    back = terminal.update("--now")  # the timer's next run settles it, whatever the hour
    assert back.returncode == UPDATED and "did not show it works within 1800 s" in back.stdout, back.stdout
    assert terminal.current() == "0.1.0" and _records(terminal).bad == ["0.2.0"]


def test_a_release_signed_by_another_key_is_refused_before_its_package_is_fetched(release_terminal, tmp_path):
    terminal = release_terminal
    terminal.channel.publish(terminal.release("0.2.0"))
    folder = terminal.channel.folder
    raw = (folder / manifest.MANIFEST_NAME).read_bytes()
    # Signed by the platform's data key (trusted for data, never for software) ...
    data_key = keys.load_private_key(next(tmp_path.glob("platform-keys/feed.key")))
    forged = json.loads(raw) | {"key_id": keys.key_id(data_key.public_key())}
    forged_raw = msgspec.json.encode(forged)
    (folder / manifest.MANIFEST_NAME).write_bytes(forged_raw)
    (folder / manifest.SIGNATURE_NAME).write_bytes(keys.sign(data_key, forged_raw))
    refused = terminal.update("--now")
    assert refused.returncode == REJECTED, refused.stdout + refused.stderr
    assert "not a trusted release key" in refused.stdout
    # ... or changed on the way (the release key's signature over other bytes).
    (folder / manifest.MANIFEST_NAME).write_bytes(raw.replace(b'"percent":100', b'"percent":99'))
    (folder / manifest.SIGNATURE_NAME).write_bytes(keys.sign(keys.load_private_key(terminal.channel.key), raw))
    tampered = terminal.update("--now")
    assert tampered.returncode == REJECTED and "signature does not match" in tampered.stdout, tampered.stdout
    assert not any(path.endswith(".deb") for path in terminal.server.log)
    assert terminal.current() == "0.1.0" and terminal.layout.installed() == ["0.1.0"]
    assert _records(terminal).last.outcome == "rejected"


def test_a_download_cut_off_midway_keeps_the_running_release_and_resumes_where_it_stopped(release_terminal):
    terminal = release_terminal
    release = terminal.channel.publish(terminal.release("0.2.0"))
    terminal.server.fault(release.package.name, Fault("truncate", times=1))
    cut = terminal.update("--now")
    assert cut.returncode == FAILED and "failed:" in cut.stdout, cut.stdout + cut.stderr
    assert terminal.current() == "0.1.0" and terminal.layout.installed() == ["0.1.0"]
    partial = terminal.layout.state / "downloads" / f"{release.package.sha256}.part"
    assert 0 < partial.stat().st_size < release.package.size

    resumed = terminal.update("--now")
    assert resumed.returncode == UPDATED, resumed.stdout + resumed.stderr
    assert (f"/releases/{release.package.name}", release.package.size // 2) in terminal.server.ranges
    assert terminal.current() == "0.2.0" and _runs(terminal, "0.2.0")


def test_a_package_that_does_not_match_its_signed_hash_is_thrown_away(release_terminal):
    terminal = release_terminal
    release = terminal.channel.publish(terminal.release("0.2.0"))
    terminal.server.fault(release.package.name, Fault("tamper", times=1))
    refused = terminal.update("--now")
    assert refused.returncode == REJECTED and "does not match the SHA-256" in refused.stdout, refused.stdout
    assert not list((terminal.layout.state / "downloads").iterdir()) and terminal.current() == "0.1.0"
    assert terminal.update("--now").returncode == UPDATED and terminal.current() == "0.2.0"


def test_an_older_manifest_replayed_is_refused(release_terminal, tmp_path):
    terminal = release_terminal
    folder = terminal.channel.folder
    terminal.channel.publish(terminal.release("0.2.0"), percent=0)
    old = {name: (folder / name).read_bytes() for name in (manifest.MANIFEST_NAME, manifest.SIGNATURE_NAME)}
    terminal.channel.publish(terminal.release("0.2.0"), percent=0)  # serial 2
    assert terminal.update("--now").returncode == 0 and _records(terminal).serial == 2
    for name, data in old.items():
        (folder / name).write_bytes(data)
    replayed = terminal.update("--now")
    assert replayed.returncode == REJECTED and "serial 1 is older than 2" in replayed.stdout, replayed.stdout


def test_only_the_terminals_of_the_rollout_take_a_release(release_terminal):
    terminal = release_terminal
    terminal.channel.publish(terminal.release("0.2.0"), percent=0, townships=("431399199",))
    waiting = terminal.update("--now")
    assert waiting.returncode == 0 and "not to this terminal yet" in waiting.stdout, waiting.stdout
    assert terminal.current() == "0.1.0" and not any(path.endswith(".deb") for path in terminal.server.log)
    staged = village_kiosk(
        "release", "stage", "--out", str(terminal.channel.folder), "--key", str(terminal.channel.key), "--township", VILLAGE[:9]
    )
    assert staged.returncode == 0 and f"townships {VILLAGE[:9]}" in staged.stdout, staged.stderr
    assert terminal.update("--now").returncode == UPDATED and terminal.current() == "0.2.0"


def test_the_rollout_percentage_is_a_stable_hash_that_only_grows():
    terminals = [f"{VILLAGE}-{number:06X}" for number in range(2000)]
    by_percent = {percent: {t for t in terminals if takes(Rollout(percent), t, VILLAGE, "0.2.0")} for percent in (0, 10, 50, 100)}
    assert not by_percent[0] and len(by_percent[100]) == len(terminals)
    assert 150 <= len(by_percent[10]) <= 250 and 900 <= len(by_percent[50]) <= 1100
    assert by_percent[10] <= by_percent[50] <= by_percent[100]  # a stage keeps the terminals of the one before
    # Another release starts on other terminals.
    first_tenth = {t for t in terminals if bucket(t, "0.3.0") < 10}
    assert len(first_tenth & by_percent[10]) < len(by_percent[10]) / 2
    assert takes(Rollout(0, [VILLAGE[:9]]), "any", VILLAGE, "0.2.0") and not takes(Rollout(0, ["431399199"]), "any", VILLAGE, "0.2.0")


@pytest.mark.skipif(not shutil.which("strace"), reason="needs strace (provisioning/dev.sh installs it)")
def test_a_sigkill_at_any_step_of_an_update_ends_on_a_working_release(release_terminal):
    """strace kills the updater (SIGKILL) as it makes its Nth rename — each
    one a step: the package complete, the release unpacked, the records,
    the trial, the link — then the kiosk starts as after a power cut: its
    guard runs and its command must work; the next run finishes the update."""
    terminal = release_terminal
    terminal.channel.publish(terminal.release("0.2.0"))
    command = ["strace", "-o", "/dev/null", "-e", "trace=rename"]
    killed_at = []
    for step in range(1, 30):
        run = subprocess.run(
            in_tree(terminal.root, [*command, "-e", f"inject=rename:signal=KILL:when={step}", *_update_line(terminal), "--now"]),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            cwd="/",
        )
        if run.returncode != -signal.SIGKILL:  # strace dies of the signal it gave: the run got past its last rename
            break
        killed_at.append(step)
        assert terminal.guard().returncode == 0
        running = terminal.current()
        assert running in ("0.1.0", "0.2.0") and _runs(terminal, running), (step, running)
        trial = _trial(terminal)
        assert running == "0.1.0" or (trial is not None and trial.version == "0.2.0"), (step, trial)
        assert terminal.good() in (None, "0.1.0")
        # Undo what the step got to, so that the next run is killed one step later.
        if running == "0.2.0":
            back = terminal.run(f"{PREFIX}/releases/0.1.0/bin/village-kiosk", "release", "use", "0.1.0")
            assert back.returncode == 0, back.stderr
        shutil.rmtree(terminal.layout.release("0.2.0"), ignore_errors=True)
        for leftover in (terminal.layout.state / "downloads").iterdir():
            leftover.unlink()
    assert len(killed_at) >= 5, killed_at  # every step was reached before the run that finished
    assert run.returncode == UPDATED, run.stdout + run.stderr
    assert terminal.current() == "0.2.0" and _runs(terminal, "0.2.0") and _trial(terminal).version == "0.2.0"


def _update_line(terminal) -> list[str]:
    return unit_line(terminal.root, "ExecStart", units.UPDATE_UNIT)
