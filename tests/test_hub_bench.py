"""The hub part of the benchmark at a small scale: a few hundred simulated
terminals against the real hub process on SQLite and PostgreSQL, killed
and started again half-way; every figure is reported and nothing is lost.
No assertion on time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tooling.bench import hubload, report

pytestmark = pytest.mark.slow  # the hub under hundreds of simulated terminals


def test_the_hub_part_measures_and_loses_nothing(tmp_path):
    # 1,500 terminals at the field's pace for 4 s (20 reports), then one report each within 5 s.
    plan = hubload.HubPlan(terminals=1500, field_s=4.0, speedup=60.0, rounds=1)
    steps = []
    results = hubload.measure(plan, tmp_path, step=steps.append)
    assert results["skipped"] == {} and len(steps) == 2
    for backend in hubload.BACKENDS:
        figures = results[backend]
        field, compressed = figures["field"], figures["compressed"]
        assert field["offered_per_s"] == 5 and field["reports_delivered"] == 20 and field["reports_failed"] == 0
        assert compressed["offered_per_s"] == 300 and compressed["reports_failed"] > 0, "the restart happened, and reports failed meanwhile"
        assert compressed["reports_delivered"] + compressed["reports_failed"] == plan.terminals * plan.rounds
        assert figures["sent_views"] == figures["stored_views"] > 0
        assert figures["lost_views"] == figures["counted_twice_views"] == figures["undelivered_terminals"] == 0
        assert figures["p95_ms"] == field["latency_ms"]["p95"] and figures["sustained_per_s"] == compressed["sustained_per_s"]
        assert compressed["hub_cores"] > 0 and compressed["cpu_ms_per_report"] > 0 and compressed["load_generator_cores"] > 0
        per_report = field["cpu_ms_per_report"]  # a few clock ticks over 20 reports: may be 0
        assert figures["cores_for_10k"] == (round(10_000 / 300 * per_report / 1000, 3) if per_report else None)
    assert results["postgresql"]["compressed"]["database_cores"] > 0 and results["sqlite"]["compressed"]["database_cores"] == 0
    rows = {row["key"]: row for row in report.verdicts({"hub": results, "skipped": {}})}
    assert rows["hub.lost_views"]["verdict"] == "PASS" and rows["hub.lost_views"]["measured"] == 0
    assert rows["hub.postgresql.p95_ms"]["measured"] == results["postgresql"]["p95_ms"]


def test_the_hub_bench_command_prints_its_table(tmp_path):
    out = tmp_path / "hub.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "hub",
            "bench",
            "--terminals",
            "40",
            "--field-seconds",
            "8",
            "--speedup",
            "600",
            "--rounds",
            "2",
            "--backend",
            "sqlite",
            "--no-restart",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "measure"
    assert any(line.startswith("hub report p95, 10,000 terminals (SQLite)") for line in lines)
    assert any(line.startswith("hub report p95, 10,000 terminals (PostgreSQL)") and "SKIP (not measured)" in line for line in lines)
    figures = json.loads(out.read_text(encoding="utf-8"))["hub"]["sqlite"]
    assert figures["compressed"]["reports_failed"] == 0 and figures["lost_views"] == 0 and figures["terminals"] == 40
