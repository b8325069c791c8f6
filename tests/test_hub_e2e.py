"""End to end: a real kiosk process (the app on the real X server, through
the test harness) is provisioned for a village served by a real feed
server, villagers tap through it, its own heartbeat worker reports to a
real hub, and the county's status page shows the terminal."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kiosk.feed.store import Store
from kiosk.feed.sync import Syncer, Timeouts
from support.feed_fixtures import VILLAGE
from support.hub_fixtures import start_hub
from support.ops_fixtures import platform  # noqa: F401 - fixture

pytestmark = pytest.mark.slow  # a real kiosk process reporting to a real hub

TERMINAL = f"{VILLAGE}-E2E001"

# The kiosk: its configuration, its store, the app with its own heartbeat
# worker; two taps; then that worker's reporter reports at once instead of
# a minute after start.
_KIOSK = r"""
import json, os, sys, threading, time
from pathlib import Path
from kiosk.config import load_config
from kiosk.live import LiveData
from kiosk.ops.heartbeat import HeartbeatWorker
from tooling.harness import Harness

config = load_config(Path(sys.argv[1]))
live = LiveData.open(config)
harness = Harness.start(config, live.snapshot, size=(1080, 1920), live=live)
[worker] = [thread for thread in threading.enumerate() if isinstance(thread, HeartbeatWorker)]
project = live.snapshot.projects[0]
deadline = time.monotonic() + 120
stored = live.last_outcome  # the test's own first sync, as the store remembers it
while live.last_outcome == stored and time.monotonic() < deadline:  # the kiosk's own sync as it starts, as on a terminal
    harness.pump(1)
    time.sleep(0.05)
harness.tap_text("村级项目")
harness.tap_text(project.name)
harness.pump(10)  # the views counted
result = worker.reporter.tick()
print(json.dumps({"delivered": result.delivered, "message": result.message, "project": project.id}), flush=True)
os._exit(0)  # as the kiosk leaves (kiosk.cli._leave_now): pictures still loading must not run into a stopped app
"""


def test_a_kiosk_reports_and_the_county_sees_it(platform, tmp_path):  # noqa: F811 - fixture
    store_dir = tmp_path / "store"
    first = Syncer(Store(store_dir), platform.url, VILLAGE, platform.publisher.keyring, Timeouts(connect=5, read=5)).sync_once()
    assert first.ok, first.message
    hub = start_hub(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path, feed_dir=str(platform.server.root))
    try:
        token = hub.issue(TERMINAL, VILLAGE)
        hub.add_user("county")
        config = tmp_path / "config.toml"
        config.write_text(
            f"""[terminal]
id = "{TERMINAL}"
token = "{token}"

[feed]
platform = "{platform.url}"
village = "{VILLAGE}"
pubkeys = ["{platform.publisher.pub_path}"]
store = "{store_dir}"
allow_http = true

[heartbeat]
url = "{hub.url}/terminals/{TERMINAL}/heartbeat"
interval_s = 3600
""",
            encoding="utf-8",
        )
        kiosk = subprocess.run([sys.executable, "-c", _KIOSK, str(config)], capture_output=True, text=True, timeout=300)
        assert kiosk.returncode == 0, kiosk.stderr[-2000:]
        reported = json.loads(kiosk.stdout.strip().splitlines()[-1])
        assert reported["delivered"], reported["message"]

        county = hub.login("county")
        page = county.get("/").text
        row = page.split(f'<tr data-terminal="{TERMINAL}"', 1)[1].split("</tr>", 1)[0]
        assert "桃溪村" in row and "清水镇" in row  # names from the county's published feed
        assert "刚刚" in row and "第 1 版" in row and "0.1.0" in row
        assert re.search(r"村级项目 \d+", row) and "所有查询机运行正常" in page
        detail = county.get(f"/terminals/{TERMINAL}").text
        assert reported["project"] in detail and "同步已是最新" in detail  # the kiosk synced as it started
    finally:
        hub.close()
