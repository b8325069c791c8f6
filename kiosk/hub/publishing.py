"""Publishing from the hub: a township user's workbook checked, then
signed into the village's feed in ``[hub] feed_dir``.

The signing key stays on the hub's machine: the hub reads it once, at
start, from ``[hub] signing_key``, and only from a file that its own
service user owns and no one else may read (mode 0600, in a folder no one
else may write); otherwise publishing is off and the log says why. No
page ever sends it. docs/OPERATIONS.md §9 gives the file layout.

The workbook is checked exactly as ``feed build`` checks it
(``kiosk.sheets.read``), and once more, from the same files, when the
user presses 发布: what is signed is what was checked.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.feed import keys, publish
from kiosk.hub.config import HubConfig
from kiosk.hub.uploads import Upload, Uploads
from kiosk.ops.logs import log_event
from kiosk.sheets.problems import Problem, WorkbookRejected
from kiosk.sheets.read import read_workbook
from kiosk.sheets.report import write_report
from kiosk.snapshot import Snapshot

log = logging.getLogger(__name__)


class KeyRefused(ValueError):
    """The signing key cannot be used: publishing stays off."""


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The key, from a file only the hub's user can read."""
    try:
        info = path.stat()
        folder = path.parent.stat()
    except OSError as exc:
        raise KeyRefused(f"{path}: {exc.strerror}") from None
    if info.st_uid != os.geteuid():
        raise KeyRefused(f"{path} belongs to uid {info.st_uid}, not to the hub's user (uid {os.geteuid()})")
    if info.st_mode & 0o077:
        raise KeyRefused(f"{path} is readable by others (mode {stat.S_IMODE(info.st_mode):04o}): chmod 600 {path}")
    if folder.st_mode & 0o022 or folder.st_uid not in (0, os.geteuid()):
        raise KeyRefused(f"{path.parent} may be written by others (it could swap the key): chmod 700 {path.parent}")
    try:
        return keys.load_private_key(path)
    except keys.KeyFileError as exc:
        raise KeyRefused(str(exc)) from None


@dataclass(frozen=True)
class Checked:
    """What a check found: the problems, or what would be published."""

    problems: list[Problem]
    summary: list[tuple[str, str]]  # (what, how many), when there is no problem
    village_name: str = ""
    advice: str = ""  # what to do, where the problems have one cause (WorkbookRejected.advice)


@dataclass(frozen=True)
class Published:
    version: int
    files: int
    summary: str


class Publisher:
    def __init__(self, config: HubConfig, key: Ed25519PrivateKey):
        self.feed_dir = Path(config.feed_dir)
        self.uploads = Uploads(Path(config.uploads))
        self.max_upload_bytes = config.max_upload_mb * 1024 * 1024
        self.key = key
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    @classmethod
    def open(cls, config: HubConfig) -> tuple[Publisher | None, str]:
        """The publisher, or None and why publishing is off."""
        if not (config.feed_dir and config.signing_key):
            return None, "feed_dir and signing_key are not both set"
        try:
            return cls(config, load_signing_key(Path(config.signing_key))), ""
        except KeyRefused as exc:
            log_event(log, "hub.publishing_off", logging.ERROR, reason=exc)
            return None, str(exc)

    def check(self, upload: Upload) -> Checked:
        return self._read(upload)[1]

    def _read(self, upload: Upload) -> tuple[publish.Source | None, Checked]:
        """The upload read as ``feed build`` reads a workbook; on a problem,
        the report with the bad cells marked, for the user to download."""
        try:
            source = read_workbook(upload.workbook, upload.pictures)
        except WorkbookRejected as exc:
            return None, self._refused(upload, exc)
        snapshot = source.checked
        assert snapshot is not None  # the reader checks what it reads
        if snapshot.village.code != upload.village:
            wrong = Problem(
                "村庄信息",
                None,
                "村代码",
                f"工作簿是{snapshot.village.name}（{snapshot.village.code}）的，这里要发布的是村代码 {upload.village} 的村",
            )
            write_report(upload.workbook, [wrong], out=upload.report)
            return None, Checked([wrong], [])
        try:
            corrected = publish.corrections_of(source, self.feed_dir / upload.village)
        except WorkbookRejected as exc:  # published records changed without their reasons in 更正说明
            return None, self._refused(upload, exc)
        upload.report.unlink(missing_ok=True)
        summary = summarize(snapshot, len(source.media))
        if corrected is not None:
            summary.append(("更正", f"{len(corrected.changes)} 条"))
        return source, Checked([], summary, snapshot.village.name)

    def _refused(self, upload: Upload, refused: WorkbookRejected) -> Checked:
        """The problems, and the report with the bad cells marked."""
        write_report(upload.workbook, refused.problems, out=upload.report, marked=refused.opened, advice=refused.advice)
        log_event(log, "hub.workbook_refused", village=upload.village, user=upload.user, problems=len(refused.problems))
        return Checked(refused.problems, [], advice=refused.advice)

    def publish(self, upload: Upload) -> Published | Checked:
        """Sign the upload into the village's feed; the problems instead if
        the files no longer pass (they are read and checked again: what is
        signed is what was checked)."""
        source, checked = self._read(upload)
        if source is None:
            return checked
        with self._locks[upload.village]:  # two users publishing one village: one version after the other
            try:
                built = publish.build(source, self.feed_dir / upload.village, self.key)
            except WorkbookRejected as exc:  # a version published since the check corrects otherwise
                return self._refused(upload, exc)
        log_event(log, "hub.published", village=upload.village, version=built.manifest.version, user=upload.user)
        self.uploads.remove(upload)
        return Published(built.manifest.version, len(built.manifest.files), built.summary)


def summarize(snapshot: Snapshot, pictures: int) -> list[tuple[str, str]]:
    """What would be published, a short fact each (a number stays with its unit)."""
    return [
        ("村", snapshot.village.name),
        ("数据截至", f"{snapshot.as_of:%Y年%-m月%-d日}"),
        ("财务收支", f"{len(snapshot.finance_entries())} 笔"),
        ("账目月份", f"{len(snapshot.months())} 个月"),
        ("村级项目", f"{len(snapshot.projects)} 个"),
        ("办事公示", f"{len(snapshot.disclosures)} 个"),
        ("通知公告", f"{len(snapshot.notices)} 条"),
        ("典型案例", f"{len(snapshot.cases)} 个"),
        ("权力清单", f"{len(snapshot.power_items)} 项"),
        ("图片", f"{pictures} 张"),
    ]
