"""Reading a published tree offline: from a folder, or from a .tar,
.tar.gz or .zip archive of one (a USB stick, for villages with no network).

Only the exact names the protocol allows (``manifest.json``,
``manifest.sig``, ``blobs/<sha256>``) are ever read, with a byte cap, and
only from regular files: a hostile archive's ``../``, absolute paths,
links or devices are ignored, never followed or written.
An archive may hold the tree at its top or inside one folder
(e.g. ``431302100201/manifest.json``).
"""

from __future__ import annotations

import re
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Protocol, Self

from kiosk.feed.manifest import (
    BLOB_DIR,
    MANIFEST_NAME,
    MAX_FILE_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_SIGNATURE_BYTES,
    SIGNATURE_NAME,
    FileEntry,
    PackEntry,
    blob_path,
)
from kiosk.feed.outcome import Failed, Rejected

_ALLOWED = re.compile(rf"^(?:{re.escape(MANIFEST_NAME)}|{re.escape(SIGNATURE_NAME)}|{BLOB_DIR}/[0-9a-f]{{64}})$")


class TreeReader(Protocol):
    def read(self, name: str, cap: int) -> bytes:
        """The file's bytes; Rejected when it has more than ``cap`` (never
        reading much more), Failed when it is absent or unreadable."""
        ...

    def close(self) -> None: ...


class Tree:
    """A published tree as a blob source for the update pipeline."""

    def __init__(self, reader: TreeReader, origin: str):
        self.reader = reader
        self.origin = origin

    def manifest_pair(self) -> tuple[bytes, bytes]:
        return self.reader.read(MANIFEST_NAME, MAX_MANIFEST_BYTES), self.reader.read(SIGNATURE_NAME, MAX_SIGNATURE_BYTES)

    def fetch(self, entry: FileEntry) -> bytes:
        return self.reader.read(blob_path(entry.sha256), entry.size)

    def stream_pack(self, pack: PackEntry) -> None:
        return None  # files at hand: one by one is as fast, and a USB tree may have no pack

    def close(self) -> None:
        self.reader.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _check_name(name: str) -> None:
    if not _ALLOWED.match(name):
        raise ValueError(f"not a tree file name: {name!r}")  # a bug, never input


class FolderReader:
    def __init__(self, root: Path):
        self.root = root

    def read(self, name: str, cap: int) -> bytes:
        _check_name(name)
        path = self.root / name
        if path.is_symlink() or not path.is_file():
            raise Failed(f"{name} is missing from {self.root}")
        with path.open("rb") as file:
            data = file.read(cap + 1)
        if len(data) > cap:
            raise Rejected(f"{name} is larger than the {cap} bytes allowed")
        return data

    def close(self) -> None:
        pass


def _locate(names: list[str], origin: str) -> str:
    """The folder prefix of the tree inside an archive ('' or 'dir/')."""
    prefixes = sorted({name[: -len(MANIFEST_NAME)] for name in names if PurePosixPath(name).name == MANIFEST_NAME})
    prefixes = [p for p in prefixes if p == "" or (p.count("/") == 1 and p.endswith("/"))]
    if len(prefixes) != 1:
        raise Rejected(f"{origin}: expected one {MANIFEST_NAME} at the top or in one folder, found {len(prefixes)}")
    return prefixes[0]


def _normalise(name: str) -> str:
    return name.removeprefix("./")


class TarReader(FolderReader):
    """A tar archive, compressed or not, unpacked in one sequential pass
    into a scratch folder: a compressed tar cannot be read out of order
    without decompressing it again for every file. Only members with an
    allowed name are written, under that name, so nothing lands outside."""

    _MEMBER = re.compile(rf"^(?:\./)?(?P<prefix>(?:[^/]+/)?)(?P<name>{_ALLOWED.pattern[1:-1]})$")

    def __init__(self, path: Path, scratch: Path | None = None):
        self._scratch = tempfile.TemporaryDirectory(prefix="feed-import-", dir=scratch)
        super().__init__(Path(self._scratch.name))
        try:
            self._unpack(path)
        except BaseException:
            self.close()
            raise

    def _unpack(self, path: Path) -> None:
        prefixes: set[str] = set()
        try:
            with tarfile.open(path, "r|*") as tar:
                for member in tar:
                    match = self._MEMBER.match(member.name)
                    # Only regular files count: links and devices are never followed.
                    if not match or not member.isreg():
                        continue
                    prefixes.add(match["prefix"])
                    name = match["name"]
                    cap = MAX_SIGNATURE_BYTES if name == SIGNATURE_NAME else MAX_MANIFEST_BYTES if name == MANIFEST_NAME else MAX_FILE_BYTES
                    if member.size > cap:
                        raise Rejected(f"{path.name}: {name} is larger than the {cap} bytes allowed")
                    extracted = tar.extractfile(member)
                    assert extracted is not None  # a regular file always has content
                    target = self.root / name
                    target.parent.mkdir(exist_ok=True)
                    with target.open("wb") as out:
                        shutil.copyfileobj(extracted, out)
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise Rejected(f"{path.name}: not a readable tar archive ({exc})") from None
        except OSError as exc:
            raise Failed(f"{path.name}: cannot unpack ({exc})") from None
        if len(prefixes) != 1:
            raise Rejected(f"{path.name}: expected one tree at the top or in one folder, found {len(prefixes)}")

    def close(self) -> None:
        self._scratch.cleanup()


class ZipReader:
    def __init__(self, path: Path):
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
            infos = {_normalise(i.filename): i for i in self._zip.infolist() if not i.is_dir()}
        except (zipfile.BadZipFile, OSError) as exc:
            raise Rejected(f"{path.name}: not a readable zip archive ({exc})") from None
        self._prefix = _locate(list(infos), path.name)
        self._infos = infos

    def read(self, name: str, cap: int) -> bytes:
        _check_name(name)
        info = self._infos.get(self._prefix + name)
        if info is None:
            raise Failed(f"{name} is missing from {self.path.name}")
        if info.file_size > cap:
            raise Rejected(f"{name} is larger than the {cap} bytes allowed")
        try:
            with self._zip.open(info) as member:
                # The declared size may lie; never read past the cap.
                data = member.read(cap + 1)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise Failed(f"{self.path.name}: cannot read {name} ({exc})") from None
        if len(data) > cap:
            raise Rejected(f"{name} is larger than the {cap} bytes allowed")
        return data

    def close(self) -> None:
        self._zip.close()


def open_tree(path: Path, scratch: Path | None = None) -> Tree:
    """A folder or an archive holding a published tree; a tar is unpacked
    under ``scratch`` (default: the system's temporary folder)."""
    if path.is_dir():
        return Tree(FolderReader(path), str(path))
    if not path.is_file():
        raise Failed(f"{path} does not exist")
    if zipfile.is_zipfile(path):
        return Tree(ZipReader(path), str(path))
    if tarfile.is_tarfile(path):
        return Tree(TarReader(path, scratch), str(path))
    raise Rejected(f"{path.name} is neither a folder nor a .tar, .tar.gz or .zip archive")
