"""The hub part of the benchmark at a small scale: a few hundred simulated
terminals against the real hub process on SQLite and PostgreSQL, killed
and started again half-way; every figure is reported and nothing is lost.
No assertion on time."""

from __future__ import annotations

import json
import subprocess
import sys

from kiosk.bench import hubload, report


def test_the_hub_part_measures_and_loses_nothing(tmp_path):
    plan = hubload.HubPlan(terminals=150, speedup=300.0, rounds=3)  # a report every second from each
    steps = []
    results = hubload.measure(plan, tmp_path, step=steps.append)
    assert results["skipped"] == {} and len(steps) == 2
    for backend in hubload.BACKENDS:
        figures = results[backend]
        assert figures["reports_delivered"] + figures["reports_failed"] >= plan.terminals * plan.rounds
        assert figures["reports_failed"] > 0, "the restart happened, and some reports failed meanwhile"
        assert figures["sent_views"] == figures["stored_views"] > 0
        assert figures["lost_views"] == figures["counted_twice_views"] == figures["undelivered_terminals"] == 0
        assert figures["latency_ms"]["n"] > 0 and figures["p95_ms"] == figures["latency_ms"]["p95"]
        assert figures["hub_cpu_s"] > 0 and figures["cpu_ms_per_report"] > 0
        assert figures["cores_for_10k"] == round(10_000 / 300 * figures["cpu_ms_per_report"] / 1000, 3)
    assert results["postgresql"]["database_cpu_s"] > 0 and results["sqlite"]["database_cpu_s"] == 0
    rows = {row["key"]: row for row in report.verdicts({"hub": results, "skipped": {}})}
    assert rows["hub.lost_views"]["verdict"] == "PASS" and rows["hub.lost_views"]["measured"] == 0
    assert rows["hub.postgresql.p95_ms"]["measured"] == results["postgresql"]["p95_ms"]


def test_the_hub_bench_command_prints_its_table(tmp_path):
    out = tmp_path / "hub.json"
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "hub", "bench", "--terminals", "40", "--speedup", "600", "--rounds", "2",
                             "--backend", "sqlite", "--no-restart", "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "measure"
    assert any(line.startswith("hub report p95 (SQLite)") for line in lines)
    assert any(line.startswith("hub report p95 (PostgreSQL)") and "SKIP (not measured)" in line for line in lines)
    figures = json.loads(out.read_text(encoding="utf-8"))["hub"]["sqlite"]
    assert figures["reports_failed"] == 0 and figures["lost_views"] == 0 and figures["terminals"] == 40
