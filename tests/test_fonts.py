import os
import subprocess
import sys

import pytest
from fontTools.ttLib import TTFont

from kiosk.fonts import FONT_PACKAGE, FontMissing, find_cjk_font


@pytest.fixture
def no_fonts(tmp_path, monkeypatch):
    """A fontconfig that knows no fonts at all."""
    conf = tmp_path / "fonts.conf"
    empty = tmp_path / "empty"
    empty.mkdir()
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{empty}</dir><cachedir>{tmp_path}/c</cachedir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return conf


def test_simplified_chinese_face_is_found(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    faces = find_cjk_font()
    assert faces.family == "Noto Sans CJK SC"
    font = TTFont(str(faces.regular), lazy=True)
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"  # the SC face, not JP (face 0)
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "宅基地审批低保评定四议两公开")
    assert find_cjk_font().regular == faces.regular  # extracted once, then reused


def test_no_cjk_font_names_the_package(no_fonts):
    with pytest.raises(FontMissing) as info:
        find_cjk_font()
    assert FONT_PACKAGE in str(info.value)


def test_kiosk_exits_with_a_clear_message_without_font(no_fonts, x_display):
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--windowed"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, FONTCONFIG_FILE=str(no_fonts)),
    )
    assert result.returncode == 3
    assert f"apt-get install {FONT_PACKAGE}" in result.stderr
