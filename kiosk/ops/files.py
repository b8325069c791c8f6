"""Writing a terminal's files so that doing it twice changes nothing:
content, mode and owner are compared first and only differences written.
A file is written under a temporary name with its final mode and owner,
then renamed: the secrets in config.toml are never readable by others,
not even for a moment, and a power cut leaves the old or the new file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileSpec:
    content: bytes
    mode: int
    owner: str = "root"  # "root", "root:kiosk" (group) or "kiosk"


class Writer:
    """Writes files, links and owners only where they differ, and counts changes."""

    def __init__(self, root: Path, ids: dict[str, tuple[int, int]] | None):
        self.root = root
        self.ids = ids  # owner name -> (uid, gid); None when owners cannot be set
        self.changed: list[str] = []

    def _owner(self, path: Path, owner: str) -> bool:
        if self.ids is None:
            return False
        uid, gid = self.ids[owner]
        stat = path.lstat()
        if (stat.st_uid, stat.st_gid) == (uid, gid):
            return False
        os.chown(path, uid, gid, follow_symlinks=False)
        return True

    def file(self, target_path: str, spec: FileSpec) -> None:
        path = self._host(target_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and not path.is_symlink() and path.read_bytes() == spec.content:
            changed = False
            if path.stat().st_mode & 0o7777 != spec.mode:
                path.chmod(spec.mode)
                changed = True
            changed |= self._owner(path, spec.owner)
        else:
            partial = path.with_name(f".{path.name}.provisioning")
            # Created with its final mode and owner before it gets its name:
            # the secrets in config.toml are never readable by others.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, spec.mode)
            with os.fdopen(fd, "wb") as out:
                out.write(spec.content)
                out.flush()
                os.fsync(out.fileno())
            partial.chmod(spec.mode)
            self._owner(partial, spec.owner)
            os.replace(partial, path)
            changed = True
        if changed:
            self.changed.append(target_path)

    def link(self, target_path: str, points_to: str) -> None:
        path = self._host(target_path)
        if path.is_symlink() and os.readlink(path) == points_to:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.exists():
            path.unlink()
        path.symlink_to(points_to)
        self.changed.append(target_path)

    def remove(self, target_path: str) -> None:
        self._host(target_path).unlink()
        self.changed.append(f"{target_path} (removed)")

    def directory(self, target_path: str, mode: int, owner: str) -> None:
        path = self._host(target_path)
        created = not path.is_dir()
        path.mkdir(parents=True, exist_ok=True)
        changed = created
        if path.stat().st_mode & 0o7777 != mode:
            path.chmod(mode)
            changed = True
        changed |= self._owner(path, owner)
        if changed:
            self.changed.append(f"{target_path}/")

    def owner_tree(self, target_path: str, owner: str) -> None:
        """Everything under a folder to one owner (the store after a sync run as root)."""
        top = self._host(target_path)
        for folder, dirs, names in os.walk(top):
            for name in [*dirs, *names]:
                self._owner(Path(folder) / name, owner)

    def _host(self, target_path: str) -> Path:
        return self.root / target_path.lstrip("/")
