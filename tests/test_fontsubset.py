"""The village's own font subset: made from the data's characters and the
screens' words, a fraction of the full font, found again by its key; and a
text with a character it lacks is drawn in the full font."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import fontsubset, paths
from kiosk.fonts import find_cjk_font
from kiosk.snapshot import read_folder_documents

pytestmark = pytest.mark.slow  # subsets the whole CJK font with fontTools


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_subset_holds_every_character_of_the_data_and_the_screens_and_is_far_smaller(cache):
    faces = find_cjk_font()
    assert fontsubset.current(faces) is None
    data = fontsubset.data_characters(read_folder_documents(paths.DEMO_VILLAGE))
    chars = fontsubset.base_characters() | data | {"垚"}  # a name outside GB 2312
    assert (
        "垚" not in fontsubset.gb2312_characters() and "查" in fontsubset.base_characters() and "›" in fontsubset.base_characters()
    )  # the screens' own symbols too
    made = fontsubset.build(faces, chars)
    again = fontsubset.current(faces)
    assert again is not None and again.characters == frozenset(chars) and again.faces.regular == made.faces.regular
    assert fontsubset.covers(again, data | {"垚", "返", "回"})
    assert not fontsubset.covers(again, {"龘"})
    assert made.faces.regular.stat().st_size * 5 < faces.regular.stat().st_size

    from fontTools.ttLib import TTFont

    font = TTFont(str(made.faces.regular))
    cmap = font.getBestCmap()
    assert ord("垚") in cmap and ord("村") in cmap and ord("龘") not in cmap
    # No subroutines, which every face FreeType opens would hold in memory: outlines written out in full.
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    private_dicts = [fd.Private for fd in top.FDArray] if hasattr(top, "FDArray") else [top.Private]
    assert len(cff.GlobalSubrs) == 0 and all(len(getattr(private, "Subrs", ())) == 0 for private in private_dicts)

    # A subset made the old way (its record says no way of making) is still drawn with, and made again.
    record_path = cache / "village-kiosk" / "fonts" / fontsubset.CURRENT
    record = json.loads(record_path.read_text(encoding="utf-8"))
    del record["making"]
    record_path.write_text(json.dumps(record), encoding="utf-8")
    old = fontsubset.current(faces)
    assert old is not None and old.making == 1 and old.faces.regular == made.faces.regular
    assert fontsubset.build(faces, chars).making == fontsubset.current(faces).making == 2


def test_a_text_the_subset_lacks_a_character_of_is_set_in_the_full_font():
    from kivy.core.text import DEFAULT_FONT, LabelBase

    from screens.uix import typeset_label

    try:
        typeset_label.use_font_coverage(frozenset("村务公开"))
        assert typeset_label.font_for("村务公开", DEFAULT_FONT) == DEFAULT_FONT
        assert typeset_label.font_for("村务公开\n村务", DEFAULT_FONT) == DEFAULT_FONT
        assert typeset_label.font_for("村务垚", DEFAULT_FONT) == typeset_label.FULL_FONT
        assert typeset_label.font_for("村务公开", typeset_label.FULL_FONT) == DEFAULT_FONT  # and back
        # What draws a label's lines, and the flowchart's boxes, asks for the same font.
        faces = find_cjk_font()
        LabelBase.register(typeset_label.FULL_FONT, str(faces.regular), None, str(faces.bold), None)  # as the app does
        assert typeset_label.core_label("村务垚", DEFAULT_FONT, 20).options["font_name"] == typeset_label.FULL_FONT
        assert typeset_label.core_label("村务", DEFAULT_FONT, 20, italic=True).options["font_name"] == DEFAULT_FONT
        typeset_label.use_font_coverage(None)  # no subset: the default font is the full one
        assert typeset_label.font_for("村务垚", DEFAULT_FONT) == DEFAULT_FONT
    finally:
        typeset_label.use_font_coverage(None)


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name; None once the process is gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields


def _until(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_subset_is_made_at_the_lowest_priority_and_ends_with_the_kiosk(cache, tmp_path):
    # A kiosk-like parent in a fresh process: it starts the subset, says the child's pid, then waits.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from kiosk import fontsubset, paths;"
            "child = fontsubset.build_in_background(paths.DEMO_VILLAGE);"
            "print(child.pid, flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )
    try:
        child = int(parent.stdout.readline())
        # Its own priority: nice is field 19 of stat, the 17th after the command name.
        assert _until(lambda: (_stat_fields(child) or ["0"] * 17)[16] == "19"), "the subset did not lower its priority"
        parent.kill()
        parent.wait()
        assert _until(lambda: _stat_fields(child) is None), "the subset outlived the kiosk"
    finally:
        parent.kill()
        parent.wait()
    assert not (cache / "village-kiosk" / "fonts" / fontsubset.CURRENT).exists()


def test_a_subset_whose_kiosk_is_already_gone_is_not_made(cache):
    not_my_parent = os.getpid() + 1_000_000  # no such process
    assert fontsubset.main(["--folder", str(paths.DEMO_VILLAGE), "--parent", str(not_my_parent)]) == 0
    assert fontsubset.current(find_cjk_font()) is None
