"""What can be wrong with a terminal that villagers must be told about, in
their words, and technicians in theirs.

The kiosk never stops for these (under ``Restart=always`` a kiosk that
exits at start-up is a dark screen for good): it shows its last good data
with the villagers' sentence, or the sentence alone when it has no data.
The technician's line goes to the log, the technician menu and the doctor.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

_ASK = "请告诉村委会，联系技术员处理。"


class ProblemKind(enum.Enum):
    CONFIG = "config"  # the configuration file is unreadable, invalid or incomplete
    KEYS = "keys"  # a trusted key file is missing or corrupt
    PLAIN_HTTP = "plain_http"  # the platform is http:// and allow_http is off
    STORE_DAMAGED = "store_damaged"  # the store's database was damaged and set aside
    DISK_FULL = "disk_full"  # the store's disk has no room
    STORE_UNREADABLE = "store_unreadable"  # the store cannot be opened at all


_VILLAGER = {
    ProblemKind.CONFIG: "这台查询机的设置文件有问题，数据暂时不能更新。" + _ASK,
    ProblemKind.KEYS: "这台查询机的安全密钥有问题，数据暂时不能更新。" + _ASK,
    ProblemKind.PLAIN_HTTP: "这台查询机的上级平台地址没有加密，为了安全不能更新数据。" + _ASK,
    ProblemKind.STORE_DAMAGED: "本机保存的数据文件坏了，已经另外存放。正在重新从上级平台下载数据，请稍后再来看。",
    ProblemKind.DISK_FULL: "本机存储空间满了，数据暂时不能更新。" + _ASK,
    ProblemKind.STORE_UNREADABLE: "本机保存的数据读不出来。" + _ASK,
}

# Problems a good sync or import outcome has solved.
SOLVED_BY_NEW_DATA = frozenset({ProblemKind.STORE_DAMAGED, ProblemKind.DISK_FULL})


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    technician: str  # one line for the log, the technician menu and the doctor (English)

    @property
    def villager(self) -> str:
        """What the screen says: plain Chinese, what is wrong and what to do."""
        return _VILLAGER[self.kind]
