"""The spreadsheet part of the bench: a village's year in a workbook --
5,000 finance entries over 12 months, 50 projects, 200 receipt pictures --
built into a signed tree as ``feed build`` does it, and read alone.

The workbook is the synthetic village (``tooling.synthetic``) exported
by the exporter itself (``feed template --from``); each run builds into a
fresh folder.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from kiosk.feed import keys, publish
from kiosk.sheets.read import read_workbook
from kiosk.sheets.write import export_folder
from tooling.bench import report

ENTRIES = 5_000


def measure(work: Path, runs: int, entries: int = ENTRIES, pictures: int = 200) -> dict:
    from tooling.synthetic import build_synthetic

    source = work / "village"
    build_synthetic(source, entries=entries, projects=50, media=pictures, months=12, notices=50, disclosures=20, seed=5)
    started = time.perf_counter()
    workbook = export_folder(source, work / "township")
    export_s = time.perf_counter() - started
    private = keys.load_private_key(keys.generate(work / "keys")[0])
    reads, builds = [], []
    for run in range(runs):
        started = time.perf_counter()
        read_workbook(workbook)
        reads.append(time.perf_counter() - started)
        out = work / f"tree-{run}"
        started = time.perf_counter()
        publish.build(workbook, out, private)
        builds.append(time.perf_counter() - started)
        shutil.rmtree(out)
    return {
        "entries": entries,
        "workbook_bytes": workbook.stat().st_size,
        "pictures": len(list(workbook.with_name("图片").iterdir())),
        "export_s": round(export_s, 3),
        "read_s": report.summarize(reads),
        "build_s": report.summarize(builds),
    }
