"""Finding a Simplified Chinese font through fontconfig.

Noto Sans CJK ships as a .ttc collection whose first face is the Japanese
one; its glyphs for shared code points (直, 骨, 关 …) look wrong to a
Chinese reader. Kivy's text renderer only opens face 0 of a collection,
so the SC face is copied out once into the cache (fontTools does this in
well under a second, keeping the raw tables).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiosk import paths

FONT_PACKAGE = "fonts-noto-cjk"
_PREFERRED = "Noto Sans CJK SC"


class FontMissing(RuntimeError):
    """No font that can show Simplified Chinese is installed."""

    def __init__(self, detail: str):
        super().__init__(f"No Chinese (CJK) font found ({detail}). Install one with: apt-get install {FONT_PACKAGE}")


@dataclass(frozen=True)
class FontFaces:
    regular: Path
    bold: Path
    family: str


def _fc_match(pattern: str) -> tuple[Path, int, str] | None:
    if shutil.which("fc-match") is None:
        raise FontMissing("fontconfig's fc-match is not installed")
    result = subprocess.run(
        ["fc-match", "-f", "%{file}\t%{index}\t%{family[0]}\t%{lang}", pattern],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    parts = result.stdout.split("\t")
    if result.returncode != 0 or len(parts) < 4:
        return None
    file, index, family, langs = parts[0], parts[1], parts[2], parts[3]
    # fc-match always answers with *some* font; only accept one that
    # really covers Simplified Chinese.
    if "zh-cn" not in langs.split("|"):
        return None
    return Path(file), int(index or 0), family


def _single_face(path: Path, index: int) -> Path:
    """A file Kivy can open holding just face ``index`` of ``path``."""
    if index == 0:
        return path
    stat = path.stat()
    target = paths.cache_dir() / "fonts" / f"{path.stem}-{index}-{int(stat.st_mtime)}-{stat.st_size}.otf"
    if not target.exists():
        from fontTools.ttLib import TTCollection  # only needed on first use

        target.parent.mkdir(parents=True, exist_ok=True)
        collection = TTCollection(str(path), lazy=True)
        partial = target.with_suffix(".tmp")
        collection.fonts[index].save(str(partial))
        partial.replace(target)  # atomic: a crash never leaves half a font
    return target


def find_cjk_font() -> FontFaces:
    regular = _fc_match(f"{_PREFERRED}:lang=zh-cn")
    if regular is None:
        regular = _fc_match(":lang=zh-cn")
    if regular is None:
        raise FontMissing("fontconfig has no font covering zh-cn")
    bold = _fc_match(f"{regular[2]}:lang=zh-cn:weight=bold") or regular
    return FontFaces(
        regular=_single_face(regular[0], regular[1]),
        bold=_single_face(bold[0], bold[1]),
        family=regular[2],
    )
