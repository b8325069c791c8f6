"""How much room ten years of a large village's history take on a terminal
(docs/FEED-PROTOCOL.md section 16): ``python -m tooling.bench.history``.

The village is the benchmark's large synthetic one (``tooling.synthetic``:
5,000 finance entries a year) grown to ten years: 50,000 entries in 120
months, 1,000 projects, 1,000 notices, 250 results disclosures of 20-60
names each. Its history is assumed generous, far above what the reports
of the programme suggest (a village's figures are rarely corrected):

- a version published every day: 3,650 links in the chain;
- every week, one version that corrects something: 520 change logs;
- each year 100 finance entries corrected and 50 withdrawn, 20 projects
  corrected, 25 disclosures with a name taken off and another added,
  5 notices corrected: 2,000 corrections in ten years.

The history goes through the store's own code (``kiosk.feed.history.record``,
what ``Store.commit`` runs) into a real store database, each change log
made from the village's real records by ``feed build``'s code, each
version carrying a manifest of the village's real size. Printed: the
history's own count of its bytes (what ``HISTORY_LIMIT_BYTES`` bounds),
the database's growth on disk, and the time to read it all back (the kiosk
does once at start and after each update that brings a correction).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec

from kiosk.feed import changes, history, keys, publish, records
from kiosk.feed.chain import Step
from kiosk.feed.manifest import MANIFEST_NAME, SIGNATURE_NAME, ChangesRef, Link, decode_manifest, sha256_hex
from kiosk.feed.store import Store
from kiosk.feed.storedb import DB_NAME
from kiosk.snapshot import load_folder
from tooling.synthetic import build_synthetic

YEARS = 10
PER_YEAR = {"finance": 100, "withdrawn": 50, "project": 20, "disclosure": 25, "notice": 5}
CORRECTING_VERSIONS_PER_YEAR = 52
VERSIONS_PER_YEAR = 365


def _changed(kind: str, record: Any, rng: random.Random) -> Any:
    if kind == "finance":
        return msgspec.structs.replace(record, amount_fen=record.amount_fen + rng.randrange(1, 100_000))
    if kind == "project":
        return msgspec.structs.replace(record, budget_fen=record.budget_fen + rng.randrange(1, 1_000_000))
    if kind == "disclosure":
        added = [str(len(record.rows) + 1), "补录村民", "4313**********0000", "1组", "1,000", "138****0000"]
        return msgspec.structs.replace(record, rows=[*record.rows[1:], added])
    return msgspec.structs.replace(record, body=record.body + "（更正：时间有误，以本条为准。）")


def workload(snapshot, years: int, rng: random.Random) -> list[records.RecordChange]:
    """The corrections of ``years`` years, each record corrected at most once."""
    pools = {kind.key: list(kind.of(snapshot).values()) for kind in records.KINDS}
    for pool in pools.values():
        rng.shuffle(pool)
    found = []
    for name, count in PER_YEAR.items():
        key = "finance" if name == "withdrawn" else name
        kind = records.BY_KEY[key]
        for _ in range(count * years):
            record = pools[key].pop()
            after = None if name == "withdrawn" else _changed(key, record, rng)
            found.append(records.RecordChange(kind, record.id, record, after, []))
    rng.shuffle(found)
    return found


def measure(work: Path, years: int = YEARS) -> dict:
    rng = random.Random(19)
    src, out = work / "src", work / "tree"
    started = time.monotonic()
    build_synthetic(
        src,
        entries=5_000 * years,
        months=12 * years,
        projects=100 * years,
        notices=100 * years,
        disclosures=25 * years,
        media=20,
        media_kb=2,
    )
    for old in (out, work / "store", work / "keys"):  # a work folder used before
        shutil.rmtree(old, ignore_errors=True)
    private = keys.load_private_key(keys.generate(work / "keys")[0])
    publish.build(src, out, private, pack=False)
    snapshot = load_folder(src)
    raw, signature = (out / MANIFEST_NAME).read_bytes(), (out / SIGNATURE_NAME).read_bytes()
    first = decode_manifest(raw)
    print(f"village built and published in {time.monotonic() - started:.0f} s; its manifest: {len(raw):,} bytes", flush=True)

    corrections = workload(snapshot, years, rng)
    versions = VERSIONS_PER_YEAR * years
    correcting = CORRECTING_VERSIONS_PER_YEAR * years
    every = versions // correcting
    batches = [corrections[i::correcting] for i in range(correcting)]
    store = Store(work / "store")
    database = work / "store" / DB_NAME
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = database.stat().st_size
    link = Link(version=1, sha256=sha256_hex(raw), size=len(raw), signature=signature.strip().decode())
    steps = []
    for version in range(2, versions + 2):
        batch = batches.pop() if (version - 2) % every == 0 and batches else []
        log = log_raw = None
        ref = None
        if batch:
            note = {
                change.key: changes.CorrectionNote(
                    record=change.key, date=dt.date(2026, 1, 1), reason="经村务监督委员会核对原始凭证后更正。"
                )
                for change in batch
            }
            log = changes.ChangeLog(
                village=first.village, version=version, previous=version - 1, changes=[changes.entry_of(c, note[c.key]) for c in batch]
            )
            log_raw = changes.encode_log(log)
            ref = ChangesRef(sha256=sha256_hex(log_raw), size=len(log_raw))
        manifest = msgspec.structs.replace(first, version=version, previous=link, changes=ref)
        manifest_raw = msgspec.json.encode(manifest)
        steps.append(Step(manifest_raw, signature, manifest, log, log_raw))
        link = Link(version=version, sha256=sha256_hex(manifest_raw), size=len(manifest_raw), signature=link.signature)
        if len(steps) == 365:
            with store._transaction():
                history.record(store._db, steps)
            steps = []
    with store._transaction():
        history.record(store._db, steps)
    kept = history.size(store._db)
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    grown = database.stat().st_size - empty
    store.close()
    with Store(work / "store") as again:
        # As the kiosk reads it: a fresh process would also decode the village.
        started = time.monotonic()
        loaded = history.load(again._db, first.village)
        read_s = time.monotonic() - started
    return {
        "versions": versions,
        "change_logs": correcting,
        "corrections": len(corrections),
        "history_bytes": kept,
        "database_growth_bytes": grown,
        "limit_bytes": history.HISTORY_LIMIT_BYTES,
        "read_s": round(read_s, 2),
        "entries_read": len(loaded),
        "manifest_bytes": len(raw),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.bench.history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="keep the village and the store here (default: a temporary folder)")
    parser.add_argument("--years", type=int, default=YEARS)
    args = parser.parse_args(argv)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        figures = measure(args.work, args.years)
    else:
        with tempfile.TemporaryDirectory(prefix="history-bench-") as work:
            figures = measure(Path(work), args.years)
    for name, value in figures.items():
        print(f"{name:>22}: {value:,}" if isinstance(value, int) else f"{name:>22}: {value}")


if __name__ == "__main__":
    main()
