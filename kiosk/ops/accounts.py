"""The kiosk's own unprivileged user, on the running system or in a tree.

On the running system (root ``/``) the system's own tools do it
(``useradd --system``, ``usermod -a -G``), so NSS, nscd and any local
policy stay in charge. In a target tree (``--root DIR``: a device image
being prepared) the entries are appended to ``DIR/etc/passwd``, ``group``,
``shadow`` and ``gshadow`` the way useradd would (files created if the tree
is empty), with a system uid/gid free *in that tree*: ownership in an image
is numeric, so the host's own users do not matter.

The user has no password (``!`` in shadow: it can never log in), no shell,
and its home is the state directory. It joins the device groups the
session needs (video/render for the GPU, input for the touchscreen, audio
for reading aloud), where the system has them.
"""

from __future__ import annotations

import grp
import pwd
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiosk.ops.units import KIOSK_USER, STATE_DIR

SHELL = "/usr/sbin/nologin"
GECOS = "Village kiosk"
DEVICE_GROUPS = ("video", "render", "input", "audio")
SYSTEM_ID_RANGE = range(999, 99, -1)  # like useradd --system: highest free first


class AccountError(RuntimeError):
    pass


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    groups: tuple[str, ...]  # device groups joined


def _read_table(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split(":") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


@dataclass(frozen=True)
class TreeAccounts:
    """The account files of a target tree and the edits they need."""

    root: Path

    def path(self, name: str) -> Path:
        return self.root / "etc" / name

    def find(self) -> Account | None:
        passwd = {row[0]: row for row in _read_table(self.path("passwd")) if len(row) >= 4}
        if KIOSK_USER not in passwd:
            return None
        row = passwd[KIOSK_USER]
        return Account(KIOSK_USER, int(row[2]), int(row[3]), self._joined())

    def _joined(self) -> tuple[str, ...]:
        return tuple(row[0] for row in _read_table(self.path("group")) if len(row) >= 4 and KIOSK_USER in row[3].split(","))

    def group_id(self, name: str) -> int | None:
        for row in _read_table(self.path("group")):
            if len(row) >= 3 and row[0] == name:
                return int(row[2])
        return None

    def planned(self) -> Account:
        """The account as it is, or as it will be once written."""
        existing = self.find()
        present = {row[0] for row in _read_table(self.path("group"))}
        groups = tuple(name for name in DEVICE_GROUPS if name in present)
        if existing is not None:
            return Account(existing.name, existing.uid, existing.gid, groups)
        used_uids = {int(row[2]) for row in _read_table(self.path("passwd")) if len(row) >= 3 and row[2].isdigit()}
        used_gids = {int(row[2]) for row in _read_table(self.path("group")) if len(row) >= 3 and row[2].isdigit()}
        for candidate in SYSTEM_ID_RANGE:
            if candidate not in used_uids and candidate not in used_gids:
                return Account(KIOSK_USER, candidate, candidate, groups)
        raise AccountError(f"{self.path('passwd')}: no free system uid/gid between 100 and 999")

    def edits(self) -> dict[str, str]:
        """File name under etc/ -> its new content, for the files that change."""
        account = self.planned()
        changes: dict[str, str] = {}
        entries = {
            "passwd": f"{KIOSK_USER}:x:{account.uid}:{account.gid}:{GECOS}:{STATE_DIR}:{SHELL}",
            "group": f"{KIOSK_USER}:x:{account.gid}:",
            "shadow": f"{KIOSK_USER}:!:::::::",
            "gshadow": f"{KIOSK_USER}:!::",
        }
        for name, entry in entries.items():
            text = self.path(name).read_text(encoding="utf-8") if self.path(name).exists() else ""
            lines = text.splitlines()
            if not any(line.split(":", 1)[0] == KIOSK_USER for line in lines):
                lines.append(entry)
            if name in ("group", "gshadow"):
                member_field = 3
                lines = [_with_member(line, member_field) if line.split(":", 1)[0] in account.groups else line for line in lines]
            new = "\n".join(lines) + "\n"
            if new != text:
                changes[name] = new
        return changes


def _with_member(line: str, field: int) -> str:
    parts = line.split(":")
    if len(parts) <= field:
        return line
    members = [member for member in parts[field].split(",") if member]
    if KIOSK_USER not in members:
        parts[field] = ",".join([*members, KIOSK_USER])
    return ":".join(parts)


# ------------------------------------------------------------ the running system


def system_account() -> Account | None:
    try:
        entry = pwd.getpwnam(KIOSK_USER)
    except KeyError:
        return None
    joined = tuple(name for name in DEVICE_GROUPS if _has_member(name))
    return Account(KIOSK_USER, entry.pw_uid, entry.pw_gid, joined)


def _has_member(group: str) -> bool:
    try:
        return KIOSK_USER in grp.getgrnam(group).gr_mem
    except KeyError:
        return False


def _group_exists(group: str) -> bool:
    try:
        grp.getgrnam(group)
        return True
    except KeyError:
        return False


def ensure_system_account() -> Account:
    """Create the kiosk user on the running system (idempotent)."""
    commands = []
    if system_account() is None:
        commands.append(
            [
                "useradd",
                "--system",
                "--user-group",
                "--home-dir",
                STATE_DIR,
                "--no-create-home",
                "--shell",
                SHELL,
                "--comment",
                GECOS,
                KIOSK_USER,
            ]
        )
    missing = [name for name in DEVICE_GROUPS if _group_exists(name) and not _has_member(name)]
    if missing:
        commands.append(["usermod", "--append", "--groups", ",".join(missing), KIOSK_USER])
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise AccountError(f"{' '.join(command)} failed: {result.stderr.strip() or result.returncode}")
    account = system_account()
    if account is None:
        raise AccountError(f"user {KIOSK_USER} still missing after useradd")
    return account
