"""Crash safety: a sync process killed with SIGKILL at random moments of an
update leaves a store holding a complete, verified snapshot (old or new)
with its history (the corrections the new version brings come with it or
not at all, never twice), and the next sync completes the update."""

from __future__ import annotations

import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk.feed import changes
from kiosk.feed.manifest import MANIFEST_NAME, decode_manifest
from kiosk.feed.outcome import OutcomeKind
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer, Timeouts
from support.feed_fixtures import VILLAGE, Feed, edit_document
from support.feedserver import Fault, FeedServer

pytestmark = pytest.mark.slow  # sync processes killed at random moments

RUNS = 52
PARALLEL = 4

_CHILD = """
import sys
from pathlib import Path
from kiosk.feed.keys import Keyring
from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer, Timeouts
from kiosk.feed.sync import Syncer, Timeouts

store_dir, url, village, pubkey = sys.argv[1:]
syncer = Syncer(Store(Path(store_dir)), url, village, Keyring.load([pubkey]), Timeouts(5, 5, 1e6))
print("ready", flush=True)
print(syncer.sync_once().message, flush=True)
"""


@pytest.fixture
def prepared(tmp_path):
    """A store holding v1, and a server offering v2 with many new blobs."""
    root = tmp_path / "www"
    root.mkdir()
    server = FeedServer(root).start()
    feed = Feed(tmp_path, server)
    feed.publish(village_options={"media": 4, "media_seed": "old"})
    assert feed.sync().kind is OutcomeKind.UPDATED
    feed.store.close()
    template = tmp_path / "template-store"
    shutil.move(feed.store.directory, template)
    # v2 corrects an amount (and, its pictures being new, every record showing one): notes for all.
    feed.publish(revision=1, edit=_corrected_amount, village_options={"media": 20, "media_size": 40_000, "media_seed": "new"})
    # A little latency per blob, as on a real network, spreads the update out.
    server.fault("", Fault("delay", delay=0.003))
    yield feed, template
    server.stop()


def _corrected_amount(src: Path) -> None:
    edit_document(src, "finance/2025-01.json", lambda month: month["entries"][0].update(amount_fen=12_345))


def _corrections_in(feed: Feed) -> int:
    manifest = decode_manifest((feed.served / MANIFEST_NAME).read_bytes())
    return len(changes.decode_log((feed.served / "blobs" / manifest.changes.sha256).read_bytes(), VILLAGE, 2).changes)


def _run_child(feed: Feed, store_dir: Path, kill_after: float | None) -> float:
    """Run one sync in a child process; SIGKILL it ``kill_after`` seconds
    after it is ready (None: let it finish). Seconds from ready to exit."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(store_dir), feed.server.url, VILLAGE, str(feed.publisher.pub_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    started = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
    child.wait(30)
    elapsed = time.monotonic() - started
    child.stdout.close()
    if kill_after is None:
        assert child.returncode == 0
    return elapsed


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def test_sigkill_during_update_leaves_old_or_new_snapshot(prepared, tmp_path):
    feed, template = prepared
    rng = random.Random()
    # How long a whole update takes here, under the same parallel load.
    with ThreadPoolExecutor(PARALLEL) as pool:
        durations = list(pool.map(lambda i: _run_child(feed, _copy(template, tmp_path / f"cal{i}"), None), range(PARALLEL)))
    window = statistics.median(durations) * 1.6
    corrections = _corrections_in(feed)
    assert corrections > 1

    def one_run(index: int) -> int:
        store_dir = _copy(template, tmp_path / f"run{index}")
        _run_child(feed, store_dir, rng.uniform(0, window))
        with Store(store_dir) as store:
            version = store.verify(feed.publisher.keyring).version  # complete and verified
            snapshot = store.snapshot()
            assert snapshot.info.version == version
            assert len(snapshot.finance_month("2025-03").entries) == 2 + feed.revision_of[version]
            # The history came with the version that brought it (this open is a restart).
            assert [entry.version for entry in snapshot.history.entries] == ([2] * corrections if version == 2 else [])
            if index % 4 == 0:
                # And the interrupted update completes (resuming) at the next sync.
                again = Syncer(store, feed.server.url, VILLAGE, feed.publisher.keyring, Timeouts(5, 5, 1e6)).sync_once()
                assert again.kind in (OutcomeKind.UPDATED, OutcomeKind.UP_TO_DATE), again.message
                assert store.verify(feed.publisher.keyring).version == 2
                assert [entry.version for entry in store.snapshot().history.entries] == [2] * corrections  # once, not twice
                assert store.snapshot().finance_entry("f2025-01-0").amount_fen == 12_345
                # A pack download the kill cut off was swept by the sync that took the pack again.
                assert not list(store_dir.glob("incoming/*.part"))
        return version

    with ThreadPoolExecutor(PARALLEL) as pool:
        versions = list(pool.map(one_run, range(RUNS)))
    assert set(versions) <= {1, 2}
    # The kills did land before and after the switch (else the test proves little).
    assert versions.count(1) and versions.count(2), versions
