"""A township user's upload, kept on the hub while it is checked and until
it is published: ``<uploads>/<id>/`` holds the workbook, its picture
folder (from a zip of the folder, or from pictures sent one by one) and
who sent it for which village.

Pictures come from a browser, so nothing in them is trusted: a zip's
names are only ever used below the picture folder (no ``..``, no absolute
path, no link), every member is counted as it is unpacked (a zip bomb
stops at the first byte past its share), only picture files are kept,
and names written on a Chinese Windows (GBK, without the zip's UTF-8
flag) read as their writer meant them.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from kiosk.sheets.pictures import MAX_PICTURE_BYTES, PICTURE_FOLDER, PICTURE_SUFFIXES

WORKBOOK_NAME = "workbook.xlsx"
META_NAME = "upload.json"
KEEP_S = 24 * 3600  # an upload not published within a day is removed
MAX_PICTURES = 20_000
_UTF8_FLAG = 0x800


class UploadRefused(ValueError):
    """The upload cannot be used; the message is for the township user."""


@dataclass(frozen=True)
class Upload:
    id: str
    folder: Path
    user: str
    village: str
    workbook_name: str  # as the user's computer called it
    created: float

    @property
    def workbook(self) -> Path:
        return self.folder / WORKBOOK_NAME

    @property
    def pictures(self) -> Path:
        return self.folder / PICTURE_FOLDER

    @property
    def report(self) -> Path:
        return self.folder / "report.xlsx"


class Uploads:
    def __init__(self, root: Path):
        self.root = root

    def new(self, user: str, village: str, workbook_name: str, workbook: BinaryIO) -> Upload:
        """A new upload holding the workbook; older ones past KEEP_S go."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._forget_old()
        upload_id = secrets.token_urlsafe(16)
        upload = Upload(upload_id, self.root / upload_id, user, village, workbook_name, time.time())
        upload.pictures.mkdir(parents=True)
        with upload.workbook.open("wb") as out:
            shutil.copyfileobj(workbook, out)
        meta = {"user": user, "village": village, "workbook_name": workbook_name, "created": upload.created}
        (upload.folder / META_NAME).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return upload

    def find(self, upload_id: str, user: str, village: str) -> Upload | None:
        """The upload, if it is this user's for this village."""
        if not upload_id.replace("-", "").replace("_", "").isalnum():
            return None
        folder = self.root / upload_id
        try:
            meta = json.loads((folder / META_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("user") != user or meta.get("village") != village:
            return None
        return Upload(upload_id, folder, user, village, meta.get("workbook_name", ""), meta.get("created", 0.0))

    def remove(self, upload: Upload) -> None:
        shutil.rmtree(upload.folder, ignore_errors=True)

    def _forget_old(self) -> None:
        limit = time.time() - KEEP_S
        for folder in self.root.iterdir():
            try:
                if folder.is_dir() and (folder / META_NAME).stat().st_mtime < limit:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue


def add_picture(upload: Upload, name: str, data: BinaryIO) -> None:
    """One picture sent as a file of its own."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base.lower().endswith(PICTURE_SUFFIXES) or base.startswith("."):
        raise UploadRefused(f"“{base}”不是图片（.jpg、.png）：照片可以一张张选，也可以把“{PICTURE_FOLDER}”文件夹压缩成 .zip 上传")
    with (upload.pictures / base).open("wb") as out:
        copied = _copy_capped(data, out, MAX_PICTURE_BYTES)
    if copied > MAX_PICTURE_BYTES:
        (upload.pictures / base).unlink()
        raise UploadRefused(f"图片“{base}”超过 {MAX_PICTURE_BYTES // (1024 * 1024)} MB，太大了")


def unpack_pictures(upload: Upload, archive_path: Path, max_bytes: int) -> int:
    """The pictures of a zip into the upload's picture folder; how many.
    A folder zipped whole (图片/…) is unpacked as its content."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = [(info, _name_of(info)) for info in archive.infolist() if not info.is_dir()]
            pictures = [(info, name) for info, name in members if _is_picture(name)]
            if len(pictures) > MAX_PICTURES:
                raise UploadRefused(f"压缩包里有 {len(pictures)} 张图片，最多 {MAX_PICTURES} 张")
            top = {name.parts[0] for _, name in pictures}
            strip = 1 if len(top) == 1 and all(len(name.parts) > 1 for _, name in pictures) else 0
            room = max_bytes
            for info, name in pictures:
                target = upload.pictures.joinpath(*name.parts[strip:])
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as member, target.open("wb") as out:
                    copied = _copy_capped(member, out, min(room, MAX_PICTURE_BYTES))
                if copied > min(room, MAX_PICTURE_BYTES):
                    raise UploadRefused("压缩包解开以后太大（可能是恶意文件），不能用")
                room -= copied
            return len(pictures)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError) as exc:
        raise UploadRefused(f"压缩包打不开（{exc}）：请用 Windows 自带的“发送到→压缩(zipped)文件夹”重新压缩") from None


def _name_of(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:  # zipfile read the bytes as cp437; a Chinese Windows wrote GBK
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gbk"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise UploadRefused(f"压缩包里的“{name}”路径不安全，不能用")
    return path


def _is_picture(name: PurePosixPath) -> bool:
    return (
        name.suffix.lower() in PICTURE_SUFFIXES
        and not name.name.startswith(".")
        and "__MACOSX" not in name.parts  # a Mac's resource forks beside each file
    )


def _copy_capped(source: IO[bytes], out: IO[bytes], cap: int) -> int:
    """Copy at most ``cap + 1`` bytes; how many were copied."""
    copied = 0
    while copied <= cap:
        chunk = source.read(min(1 << 20, cap + 1 - copied))
        if not chunk:
            break
        out.write(chunk)
        copied += len(chunk)
    return copied
