"""The synthetic village generator: valid feed, asked-for sizes, deterministic."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

from PIL import Image

from kiosk import paths
from kiosk.snapshot import load_folder
from tooling.demo import powers
from tooling.synthetic import build_synthetic

SMALL = {"entries": 600, "projects": 12, "media": 9, "media_kb": 20, "months": 6, "notices": 10, "disclosures": 4}


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_small_synthetic_village_loads_with_the_asked_counts(tmp_path):
    build_synthetic(tmp_path, seed=3, **SMALL)
    snap = load_folder(tmp_path)
    assert len(snap.finance_entries()) == 600
    assert len(snap.months()) == 6
    assert len(snap.projects) == 12
    assert len(snap.notices) == 10
    assert len(snap.disclosures) == 4
    assert [item.name for item in snap.power_items] == [item.name for item in powers.ITEMS]
    entries = snap.finance_entries()
    assert all(entry.date <= snap.as_of for entry in entries)
    media = list((tmp_path / "media").iterdir())
    assert len(media) == 9
    referenced = {r.sha256 for e in entries for r in e.receipts} | {p.sha256 for pr in snap.projects for p in pr.photos}
    assert referenced == {p.name for p in media}
    for path in media:
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == path.name
        assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_same_seed_same_bytes_other_seed_other_village(tmp_path):
    build_synthetic(tmp_path / "a", seed=5, **SMALL)
    build_synthetic(tmp_path / "b", seed=5, **SMALL)
    build_synthetic(tmp_path / "c", seed=6, **SMALL)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_media_size_follows_media_kb(tmp_path):
    build_synthetic(tmp_path / "small", entries=10, projects=1, media=3, media_kb=20, months=1, notices=1, disclosures=1)
    build_synthetic(tmp_path / "large", entries=10, projects=1, media=3, media_kb=400, months=1, notices=1, disclosures=1)
    for folder, target in (("small", 20_000), ("large", 400_000)):
        for path in (tmp_path / folder / "media").iterdir():
            assert target / 2 < path.stat().st_size < target * 2, (folder, path.stat().st_size)


def test_command_line(tmp_path):
    out = tmp_path / "cli"
    subprocess.run(
        [sys.executable, "-m", "tooling.synthetic", str(out), "--entries", "50", "--projects", "3", "--media", "2", "--months", "2"],
        check=True,
        cwd=paths.PROJECT_ROOT,
        capture_output=True,
    )
    snap = load_folder(out)
    assert len(snap.finance_entries()) == 50
    assert len(snap.projects) == 3
    assert len(list((out / "media").iterdir())) == 2
