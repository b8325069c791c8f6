"""The picture folder beside a workbook: receipts and photos named in its cells.

A name is looked up as a clerk on Windows expects: letters in any case,
``\\`` or ``/`` between a subfolder and the file. Every file named is read
once, checked as a terminal will show it (format, size) and known from
then on by its SHA-256, the name the feed gives it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kiosk import images

PICTURE_FOLDER = "图片"  # beside the workbook
MAX_PICTURE_BYTES = 64 * 1024 * 1024  # a 40-megapixel JPEG is far less
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")


@dataclass(frozen=True)
class Missing:
    """Why a named picture cannot be used, and what would be right."""

    message: str


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name.replace("\\", "/")).strip("/").casefold()


class PictureFolder:
    def __init__(self, root: Path):
        self.root = root
        self._files = {
            _key(path.relative_to(root).as_posix()): path
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.is_symlink() and not path.name.startswith(".")
        }
        self._digests: dict[str, str | Missing] = {}
        self.used: dict[str, Path] = {}  # sha256 -> file, of every picture named in a good cell

    def digest(self, name: str) -> str | Missing:
        """The SHA-256 of the picture named ``name``, or why there is none."""
        key = _key(name)
        if key not in self._digests:
            self._digests[key] = self._check(name, self._files.get(key))
        found = self._digests[key]
        if isinstance(found, str):
            self.used.setdefault(found, self._files[key])
        return found

    def _check(self, name: str, path: Path | None) -> str | Missing:
        if path is None:
            return Missing(f"在“{self.root.name}”文件夹里找不到：图片要放在工作簿旁边的这个文件夹里，文件名和表里写的一样")
        if path.stat().st_size > MAX_PICTURE_BYTES:
            return Missing(f"有{path.stat().st_size // (1024 * 1024)} MB，太大了：长边 2000 像素左右的照片就够清楚")
        data = path.read_bytes()
        refused = images.picture_refusal(data)
        if refused is not None:
            hint = "请缩小到4000万像素以内，长边 2000 像素左右就够清楚" if refused.reason_zh == images.TOO_BIG else "请用 JPG 或 PNG 照片"
            return Missing(f"不能用（{refused.reason_zh}）：{hint}")
        return hashlib.sha256(data).hexdigest()
