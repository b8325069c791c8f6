"""The store's own SQLite database: schema, one connection per thread,
transactions, and what to do when the file is damaged or the disk is full.

The schema (``store.db`` in the store's folder)::

    blob(sha256, size, data, file, pack, offset)   a blob: its bytes inline (small
                                                   ones), its own file, or a place
                                                   in a pack
    pack(id, sha256, file, size)                   a pack downloaded whole, one file
    pointer(name, manifest, signature, etag, media_index)
                                                   'current' and 'previous' snapshots
    setting(name, value)                           the clock floor, the last outcome
    unflushed(file)                                files written whose bytes may not
                                                   be on the disk yet
    link(version, sha256, generated_at, key_id,    the chain as the terminal knows it:
         signature, manifest, changes)             one row per version held or passed
                                                   (its bytes kept while a change log
                                                   of its needs them as evidence)
    changelog(version, sha256, data)               every change log kept: the history

Schema 2 added ``link`` and ``changelog`` (``kiosk.feed.history``); a
schema-1 database is migrated by creating them (``_MIGRATIONS``).

The database runs in WAL mode: readers (the UI reading a receipt) never
wait for the writer (a sync). A disk so full that the write-ahead log
cannot be created still leaves the data readable: the database is then
opened read-only, and writing is tried again once there is room.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

DB_NAME = "store.db"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 30.0  # another process (a technician's sync) holding the write lock
DAMAGED_DIR = "damaged"  # a damaged database is moved here, the newest one kept
DAMAGED_KEEP_BYTES = 64 * 1024 * 1024  # larger damaged files are deleted, not kept

_SCHEMA = """
CREATE TABLE IF NOT EXISTS blob(
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB,
    file TEXT,
    pack TEXT,
    offset INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blob_by_pack ON blob(pack) WHERE pack IS NOT NULL;
CREATE TABLE IF NOT EXISTS pack(
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pointer(
    name TEXT PRIMARY KEY,
    manifest BLOB NOT NULL,
    signature BLOB NOT NULL,
    etag TEXT,
    media_index BLOB
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS setting(name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unflushed(file TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_HISTORY = """
CREATE TABLE IF NOT EXISTS link(
    version INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature BLOB NOT NULL,
    manifest BLOB,
    changes TEXT
);
CREATE TABLE IF NOT EXISTS changelog(
    version INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL
);
"""
# What brings a database of the version before up to each version: run in
# order, in one transaction with the new user_version.
_MIGRATIONS = {2: _HISTORY}
_TABLES = ("blob", "pack", "pointer", "setting", "unflushed", "link", "changelog")


class StoreDamaged(Exception):
    """The database file is not a database any more (overwritten, cut,
    corrupted): ``str()`` says what SQLite found."""


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    return False


def is_damage(exc: BaseException) -> bool:
    """SQLite found the file not to be a (sound) database."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and (
        code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or "not a database" in str(exc) or "malformed" in str(exc)
    )


def _lend_missing_tables(connection: sqlite3.Connection) -> None:
    """An older schema read without migrating it (a full disk, a reader):
    the tables it lacks, empty, in this connection's temporary schema, so
    that its data is shown (with an empty history) instead of failing."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if 0 < version < SCHEMA_VERSION:
        steps = "".join(_MIGRATIONS[number] for number in range(version + 1, SCHEMA_VERSION + 1))
        connection.executescript(steps.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE IF NOT EXISTS"))


class Database:
    """The store's database: a connection per thread, opened on first use."""

    def __init__(self, directory: Path, reader: bool = False):
        self.path = directory / DB_NAME
        # A reader never writes, so it never checkpoints the write-ahead log
        # into a file the kiosk may have replaced meanwhile; otherwise
        # read_only says the disk was too full to open for writing.
        self.read_only = reader
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._open_first()

    def _open_first(self) -> None:
        """Create or check the schema once; a damaged file raises StoreDamaged."""
        try:
            connection = self._connection()
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreDamaged(f"{self.path} is of a newer schema ({version}) than this software knows ({SCHEMA_VERSION})")
            if not self.read_only and version < SCHEMA_VERSION:
                self._migrate(connection, version)
            # Every table read once: a page of garbage shows up here, not in the UI.
            for table in _TABLES:
                connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                self.close()
                raise StoreDamaged(f"{self.path}: {exc}") from None
            raise

    @staticmethod
    def _migrate(connection: sqlite3.Connection, version: int) -> None:
        """Create the schema (version 0: a new file) or bring an older one
        up to date, in one transaction: a process killed halfway leaves the
        old version, migrated again at the next start."""
        steps = [_SCHEMA, _HISTORY] if version == 0 else [_MIGRATIONS[number] for number in range(version + 1, SCHEMA_VERSION + 1)]
        script = "".join(steps) + f"PRAGMA user_version = {SCHEMA_VERSION};"
        connection.executescript(f"BEGIN IMMEDIATE;{script}COMMIT;")
        if version:
            log_event(log, "store.migrated", schema_from=version, schema_to=SCHEMA_VERSION)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        connection = self._connect()
        if self.read_only:
            _lend_missing_tables(connection)
        self._local.connection = connection
        with self._guard:
            self._connections.append(connection)
        return connection

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            try:
                connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                # NORMAL: a commit is durable at the next checkpoint or flush;
                # the store makes it durable itself where order matters (kiosk.feed.store).
                connection.execute("PRAGMA synchronous=NORMAL")
                return connection
            except sqlite3.OperationalError as exc:
                if not is_disk_full(exc) and "unable to open" not in str(exc) and "disk I/O" not in str(exc):
                    raise
                if not self.path.exists():
                    raise
                log_event(log, "store.read_only", logging.WARNING, path=self.path, error=exc)
                self.read_only = True
        return self._connect_read_only()

    def _connect_read_only(self) -> sqlite3.Connection:
        # mode=ro still needs the write-ahead log's index file, which a
        # full disk may not let SQLite create; immutable=1 reads the main
        # file alone (what a clean shutdown left complete).
        last: sqlite3.Error | None = None
        for mode in ("mode=ro", "immutable=1"):
            try:
                connection = sqlite3.connect(
                    f"file:{self.path}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
                )
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return connection
            except sqlite3.OperationalError as exc:
                last = exc
        assert last is not None
        raise last

    def retry_writing(self) -> bool:
        """After a full disk: open for writing again if there is room now.
        True when the database is writable."""
        if not self.read_only:
            return True
        if shutil.disk_usage(self.path.parent).free < 1024 * 1024:
            return False
        # The calling thread's connection only: other threads may be reading
        # through theirs this moment (they only read; new threads write).
        self.leave_thread()
        self.read_only = False
        try:
            self._connection()
        except sqlite3.Error:
            self.read_only = True
        return not self.read_only

    # ------------------------------------------------------------ queries

    def execute(self, sql: str, parameters=()) -> sqlite3.Cursor:
        return self._connection().execute(sql, parameters)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self._connection().executemany(sql, rows)

    def one(self, sql: str, parameters=()):
        return self._connection().execute(sql, parameters).fetchone()

    @property
    def in_transaction(self) -> bool:
        return self._connection().in_transaction

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE: a second
        writer waits here, not halfway through); nested ones join it."""
        connection = self._connection()
        if connection.in_transaction:
            yield
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    # ------------------------------------------------------------ closing

    def leave_thread(self) -> None:
        """Close the calling thread's connection (threads that end before the store)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            return
        self._local.connection = None
        with self._guard:
            if connection in self._connections:
                self._connections.remove(connection)
        connection.close()

    def _close_connections(self) -> None:
        with self._guard:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(sqlite3.Error):
                connection.close()
        self._local = threading.local()

    def close(self) -> None:
        """Close every connection (a later use opens one again, as after a restart)."""
        self._close_connections()


def set_aside(directory: Path, reason: str, names: tuple[str, ...] = (DB_NAME,)) -> Path | None:
    """Move a damaged database out of the way (into ``damaged/``, the newest
    one kept for inspection, bounded in size) so that a fresh one can be
    made; returns where it went (None when it was too large to keep)."""
    keep = directory / DAMAGED_DIR
    with contextlib.suppress(OSError):
        shutil.rmtree(keep)  # an older damaged copy: only the newest is kept
    files = [path for name in names for path in (directory / (name + suffix) for suffix in ("", "-wal", "-shm")) if path.exists()]
    size = sum(path.stat().st_size for path in files)
    if size <= DAMAGED_KEEP_BYTES:
        try:
            keep.mkdir()
            for path in files:
                path.replace(keep / path.name)
        except OSError as exc:  # a full disk may not give the folder its first block
            log_event(log, "store.damaged_not_kept", logging.WARNING, error=exc)
        else:
            with contextlib.suppress(OSError):
                (keep / "REASON.txt").write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S %z')}: {reason}\n", encoding="utf-8")
            log_event(log, "store.damaged_set_aside", logging.WARNING, kept=keep, reason=reason)
            return keep
    for path in files:
        path.unlink(missing_ok=True)
    log_event(log, "store.damaged_deleted", logging.WARNING, bytes=size, reason=reason)
    return None
