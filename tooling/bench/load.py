"""The load a terminal carries while a villager taps: another process
keeping one core busy, and a sync under way. ``Load`` starts both as child
processes of the bench and kills them, and everything they started, when
the measurement ends (however it ends; a bench killed outright cannot, so
they also stop themselves once their parent is gone).

- the busy core: a Python process spinning at the bench's priority;
- the sync: the village's feed republished every few seconds with one to
  five new entries in its newest month, the previous version's withdrawn
  with a correction note each (``syncbench.write_month_change``: records
  change, the data does not grow over a long soak), by a child at a low
  priority (nice 10:
  the platform's work is not the terminal's and runs here only because the
  platform is on this machine, but at nice 19 it would starve on a busy
  machine and nothing would change). The kiosk under test is told to poll
  every few seconds too (``tooling.bench.ui --sync-every``), so it fetches,
  verifies and swaps in each new version during the measurement, through
  its own sync worker.

``python -m tooling.bench.load`` is the republishing child.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import msgspec

from kiosk import decode, model
from kiosk.feed import changes, publish
from kiosk.feed.history import BEIJING
from tooling.bench import syncbench

# Spins until stopped, or until the bench (its parent, pid in argv) is gone: killed itself, it could not stop it.
SPIN = "import os, sys\nbench = int(sys.argv[1])\nwhile os.getppid() == bench: pass"
REPUBLISH_EVERY_S = 4.0
MOST_ADDED = 5  # entries a version adds to the newest month, at most
ADDED_SUFFIX = ".bench-added.json"  # beside a feed's tree: the entries its last version added
PUBLISHED_FILE = "published"  # how many versions the republisher has published, in its work folder


class Load:
    """``with Load(...) as load:`` the machine is busy; ``load.figures()``
    says what ran (for the report)."""

    def __init__(self, work: Path, *, spin: bool = True, feed: syncbench.ServedFeed | None = None, source: Path | None = None):
        self.work = work
        self.spin = spin
        self.feed = feed
        self.source = source
        self._processes: list[subprocess.Popen] = []

    def __enter__(self) -> Load:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        try:
            if self.spin:
                self._start([sys.executable, "-c", SPIN, str(os.getpid())], nice=0)
            if self.feed is not None and self.source is not None:
                self._start(
                    [
                        sys.executable,
                        "-m",
                        "tooling.bench.load",
                        "--keys",
                        str(self.feed.publisher.folder),
                        "--www",
                        str(self.feed.www),
                        "--base-url",
                        self.feed.base_url,
                        "--village",
                        self.feed.village,
                        "--source",
                        str(self.source),
                        "--work",
                        str(self.work),
                        "--every",
                        str(REPUBLISH_EVERY_S),
                        "--bench",
                        str(os.getpid()),
                    ],
                    nice=10,
                )
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def _start(self, command: list[str], nice: int) -> None:
        with (self.work / "load.log").open("ab") as out:
            self._processes.append(
                subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=out,
                    start_new_session=True,  # killed with all it started, as a group
                    preexec_fn=(lambda: os.nice(nice)) if nice else None,
                )
            )

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self._processes]

    def stop(self) -> None:
        while self._processes:
            process = self._processes.pop()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def failure(self) -> str | None:
        """Why the load is not what it should be (one of its processes has
        ended: figures taken since were not taken under load), or None."""
        for process in self._processes:
            if process.poll() is not None:
                name = "spinner" if process is self._processes[0] and self.spin else "republisher"
                tail = (self.work / "load.log").read_text(errors="replace").strip().splitlines()[-1:]
                return f"the load's {name} ended with status {process.returncode}: {' '.join(tail)}"
        return None

    def check(self) -> None:
        """Raise RuntimeError with the ``failure()``, if any."""
        failure = self.failure()
        if failure is not None:
            raise RuntimeError(failure)

    def figures(self) -> dict:
        published = self.work / PUBLISHED_FILE
        return {
            "busy_core": self.spin,
            "republish_every_s": REPUBLISH_EVERY_S if self.feed is not None else None,
            "versions_published": int(published.read_text()) if published.is_file() else 0,
        }


def republish(feed: syncbench.ServedFeed, source: Path, work: Path, every: float, bench: int) -> None:
    """Until stopped, or until the bench (its parent, ``bench``) is gone:
    the newest month changed, published, a pause. The entries the feed
    holds beyond ``source`` (a republisher's before this one, on the same
    feed) are listed beside the feed's tree, for the next version to
    withdraw whoever publishes it."""
    added_file = feed.tree.parent / f"{feed.village}{ADDED_SUFFIX}"
    withdrawn: list[str] = json.loads(added_file.read_text()) if added_file.is_file() else []
    for count in range(1, sys.maxsize):
        if os.getppid() != bench:
            return
        previous = publish.read_previous(feed.tree)
        version = previous.version + 1 if previous is not None else 1  # the ids name the feed's version: never reused
        changed = work / f"v{version}"
        added = 1 + (version - 1) % MOST_ADDED
        month = syncbench.write_month_change(source, changed, added=added, version=version)
        _note_withdrawals(changed, withdrawn)
        feed.publish(changed)
        entries = msgspec.json.decode((changed / decode.FINANCE_DIR / f"{month}.json").read_bytes(), type=model.FinanceMonthDoc).entries
        withdrawn = [entry.id for entry in entries[-added:]]  # the next version withdraws them
        # Both files are read by other processes while this one writes them: replaced in one step.
        publish.write_atomically(added_file, json.dumps(withdrawn).encode())
        shutil.rmtree(work / f"v{version - 1}", ignore_errors=True)
        publish.write_atomically(work / PUBLISHED_FILE, str(count).encode())
        time.sleep(every)


def _note_withdrawals(folder: Path, ids: list[str]) -> None:
    """The correction notes a version needs for the entries it withdraws
    (docs/FEED-FORMAT.md section 11)."""
    today = dt.datetime.now(BEIJING).date()
    notes = [changes.CorrectionNote(record=f"finance:{record}", date=today, reason="基准测试：撤回上一版的测试记录。") for record in ids]
    (folder / changes.CORRECTIONS_NAME).write_bytes(msgspec.json.encode(changes.CorrectionsDoc(corrections=notes)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.bench.load", description="republish a village's feed every few seconds")
    parser.add_argument("--keys", type=Path, required=True, help="the folder holding the publisher's key pair")
    parser.add_argument("--www", type=Path, required=True, help="the server's root")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--village", required=True)
    parser.add_argument("--source", type=Path, required=True, help="the village's source folder, as last published")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--every", type=float, default=REPUBLISH_EVERY_S)
    parser.add_argument("--bench", type=int, required=True, help="the bench's pid: once it is gone, stop")
    args = parser.parse_args(argv)
    feed = syncbench.ServedFeed(syncbench.Publisher(args.keys, existing=True), args.www, args.base_url, args.village)
    republish(feed, args.source, args.work, args.every, args.bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
