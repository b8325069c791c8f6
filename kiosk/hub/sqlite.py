"""The hub on SQLite: one file, nothing to install or set up.

One connection, one transaction at a time (SQLite writes one at a time
anyway); WAL lets the command-line tools (``hub token new`` …) read and
write the same file while the hub runs.

``synchronous=NORMAL``: a commit is in the operating system's hands, not
yet flushed to the disk. A hub process that crashes or is killed loses
nothing; a power cut of the server can lose the last half-minute or so of
acknowledged reports (their usage counts: the terminal has let them go).
Flushing every commit (FULL) cost 1-5 ms of disk wait per heartbeat here,
all in series, and more than doubled the p95 under load (docs/OPERATIONS.md
§9). A province that needs every count through a power cut runs PostgreSQL,
which flushes every commit and shares each flush among concurrent ones.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from kiosk.hub.store import Store, StoreError, StoreUnavailable, Tx

BUSY_TIMEOUT_S = 10.0


def _same(sql: str) -> str:
    return sql


class SqliteStore(Store):
    id_column = "INTEGER PRIMARY KEY"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are begun and ended here, explicitly.
            self._connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from None
        self._lock = threading.Lock()
        self._create_schema()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            try:
                # IMMEDIATE: take the write lock at once, so two writers never
                # deadlock upgrading from a read.
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreUnavailable(f"database busy: {exc}") from None
            try:
                yield Tx(self._connection, _same)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            try:
                self._connection.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._connection.execute("ROLLBACK")
                raise StoreUnavailable(f"database busy: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._connection.close()
