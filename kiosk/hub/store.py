"""The hub's data behind one interface, on SQLite (``kiosk.hub.sqlite``,
the default: one file, nothing to set up) or PostgreSQL
(``kiosk.hub.postgres``, for a province).

One SQL dialect serves both: times are integer seconds since the epoch
(UTC), days are ``YYYY-MM-DD`` text in the hub's time zone, booleans are
0/1, statements are written with ``?`` placeholders (the PostgreSQL
backend turns them into ``%s``). ``INSERT … ON CONFLICT`` and
``RETURNING`` mean the same in both.

Tables:

- ``terminals``: one row per terminal the hub issued a token to: its
  village, the SHA-256 of its token (never the token), its latest
  heartbeat and last error, the release it runs (since when, and the one
  before), its latest rollback and its latest update run;
- ``heartbeats``: every report received (the history on a terminal's page),
  with the release it ran and the one on trial (the heartbeat's
  ``software``);
- ``periods``: the usage periods already counted, by (terminal, period id):
  a period sent again is acknowledged and not counted twice;
- ``usage``: views per terminal, day, screen and item;
- ``users`` and ``sessions``: county and township staff.

A database of an older schema is brought to this one when the store opens
(``_MIGRATIONS``), in the transaction that records the new version.
"""

from __future__ import annotations

import abc
import contextlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS terminals (
    id TEXT PRIMARY KEY,
    village TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    token_issued_at BIGINT,
    created_at BIGINT NOT NULL,
    last_heartbeat_id BIGINT,
    last_seen BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    running_release TEXT,
    previous_release TEXT,
    release_since BIGINT,
    rollback_at BIGINT,
    rollback_from TEXT,
    rollback_to TEXT,
    rollback_reason TEXT,
    rollback_reported_at BIGINT,
    update_outcome TEXT,
    update_message TEXT,
    update_at BIGINT,
    update_version TEXT
);
CREATE INDEX IF NOT EXISTS terminals_by_village ON terminals (village);
CREATE TABLE IF NOT EXISTS heartbeats (
    id {id_column},
    terminal_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    software_version TEXT NOT NULL,
    uptime_s BIGINT NOT NULL,
    system_uptime_s BIGINT,
    disk_free_bytes BIGINT,
    data_version BIGINT,
    data_generated_at BIGINT,
    data_expires_at BIGINT,
    data_stale INTEGER NOT NULL,
    sync_outcome TEXT,
    sync_message TEXT,
    sync_at BIGINT,
    sync_version BIGINT,
    dropped_periods BIGINT NOT NULL,
    dropped_views BIGINT NOT NULL,
    periods_new INTEGER NOT NULL,
    periods_repeated INTEGER NOT NULL,
    release TEXT,
    trial TEXT
);
CREATE INDEX IF NOT EXISTS heartbeats_by_terminal ON heartbeats (terminal_id, received_at);
CREATE INDEX IF NOT EXISTS heartbeats_by_time ON heartbeats (received_at);
CREATE TABLE IF NOT EXISTS periods (
    terminal_id TEXT NOT NULL,
    id TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, id)
);
CREATE INDEX IF NOT EXISTS periods_by_time ON periods (received_at);
CREATE TABLE IF NOT EXISTS usage (
    terminal_id TEXT NOT NULL,
    day TEXT NOT NULL,
    screen TEXT NOT NULL,
    item TEXT NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, day, screen, item)
);
CREATE INDEX IF NOT EXISTS usage_by_day ON usage (day);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    township TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
"""

# From schema N to N + 1. Schema 2: the columns of the heartbeat's software
# block (NULL in the reports of terminals older than it).
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        *(f"ALTER TABLE heartbeats ADD COLUMN {column} TEXT" for column in ("release", "trial")),
        *(
            f"ALTER TABLE terminals ADD COLUMN {column} {kind}"
            for column, kind in (
                ("running_release", "TEXT"),
                ("previous_release", "TEXT"),
                ("release_since", "BIGINT"),
                ("rollback_at", "BIGINT"),
                ("rollback_from", "TEXT"),
                ("rollback_to", "TEXT"),
                ("rollback_reason", "TEXT"),
                ("rollback_reported_at", "BIGINT"),
                ("update_outcome", "TEXT"),
                ("update_message", "TEXT"),
                ("update_at", "BIGINT"),
                ("update_version", "TEXT"),
            )
        ),
        # What each terminal ran by its latest report (since when is not known).
        "UPDATE terminals SET running_release = (SELECT software_version FROM heartbeats WHERE id = terminals.last_heartbeat_id)",
    ),
}

_BEAT_COLUMNS = (
    "received_at",
    "sent_at",
    "software_version",
    "uptime_s",
    "system_uptime_s",
    "disk_free_bytes",
    "data_version",
    "data_generated_at",
    "data_expires_at",
    "data_stale",
    "sync_outcome",
    "sync_message",
    "sync_at",
    "sync_version",
    "dropped_periods",
    "dropped_views",
    "periods_new",
    "periods_repeated",
    "release",
    "trial",
)
_TERMINAL_COLUMNS = ("id", "village", "token_hash", "token_issued_at", "created_at", "last_seen", "last_error", "last_error_at")
_SOFTWARE_COLUMNS = (
    "running_release",
    "previous_release",
    "release_since",
    "rollback_at",
    "rollback_from",
    "rollback_to",
    "rollback_reason",
    "rollback_reported_at",
    "update_outcome",
    "update_message",
    "update_at",
    "update_version",
)
_USER_COLUMNS = ("name", "password_hash", "township", "failures", "locked_until", "created_at")
NO_ITEM = ""  # the screen itself (``item: null`` on the wire): NULL cannot be part of a key


class StoreError(RuntimeError):
    """The database cannot be used (not reachable, wrong schema, …)."""


class StoreUnavailable(StoreError):
    """Passing: the database is busy or restarting; try again later (HTTP 503)."""


@dataclass(frozen=True)
class Beat:
    """One heartbeat as stored. Times are epoch seconds."""

    received_at: int
    sent_at: int
    software_version: str
    uptime_s: int
    system_uptime_s: int | None
    disk_free_bytes: int | None
    data_version: int | None
    data_generated_at: int | None
    data_expires_at: int | None
    data_stale: bool
    sync_outcome: str | None
    sync_message: str | None
    sync_at: int | None
    sync_version: int | None
    dropped_periods: int
    dropped_views: int
    periods_new: int = 0
    periods_repeated: int = 0
    release: str | None = None  # the installed release running (None: a development install, or a terminal older than that)
    trial: str | None = None  # a new release proving itself

    @property
    def running(self) -> str:
        """The release it runs, as counted across the fleet: the installed
        release, else the software's own version."""
        return self.release or self.software_version


@dataclass(frozen=True)
class Rollback:
    """The terminal went back from a release that did not come up."""

    at: int  # by the terminal's clock
    from_version: str
    to_version: str
    reason: str  # the terminal's, in English
    reported_at: int = 0  # when the hub first heard of it (its own clock)


@dataclass(frozen=True)
class UpdateRun:
    """The terminal's last software update run (kiosk.release.update.Outcome values)."""

    outcome: str
    message: str
    at: int
    version: str | None


@dataclass(frozen=True)
class SoftwareState:
    """What the hub knows of a terminal's software beyond its latest report."""

    running: str | None = None  # the release of its latest report (``Beat.running``)
    previous: str | None = None  # the one before it, when the hub saw it change
    since: int | None = None  # when the hub first heard it run ``running``
    rollback: Rollback | None = None  # the latest
    update: UpdateRun | None = None


@dataclass(frozen=True)
class PeriodRecord:
    id: str
    start_at: int
    end_at: int
    day: str  # where its views are counted
    views: tuple[tuple[str, str, int], ...]  # (screen, item or NO_ITEM, count)


@dataclass(frozen=True)
class Terminal:
    id: str
    village: str
    token_hash: str | None
    token_issued_at: int | None
    created_at: int
    last_seen: int | None
    last_error: str | None
    last_error_at: int | None
    beat: Beat | None = None  # the latest heartbeat
    software: SoftwareState = SoftwareState()

    @property
    def township(self) -> str:
        return township_of(self.village)


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str
    township: str  # 9-digit township code, or "" for county staff (every terminal)
    failures: int
    locked_until: int
    created_at: int


@dataclass(frozen=True)
class SyncError:
    at: int
    outcome: str
    message: str
    first_at: int | None = None  # when a repeated error was first reported
    times: int = 1


def township_of(village: str) -> str:
    """The township's 9-digit code: the first 9 of the village's 12
    (province 2, city 2, county 2, township 3, village 3)."""
    return village[:9]


def _terminal(row: Sequence) -> Terminal:
    """A terminal from its columns, its software's, then its latest
    heartbeat's (NULL when it has none)."""
    split = len(_TERMINAL_COLUMNS)
    beat_at = split + len(_SOFTWARE_COLUMNS)
    values = dict(zip(_TERMINAL_COLUMNS, row[:split], strict=True))
    software = _software(dict(zip(_SOFTWARE_COLUMNS, row[split:beat_at], strict=True)))
    return Terminal(**values, beat=_beat(row[beat_at:]) if row[beat_at] is not None else None, software=software)


def _software(values: dict) -> SoftwareState:
    rollback = None
    if values["rollback_at"] is not None:
        rollback = Rollback(
            values["rollback_at"], values["rollback_from"], values["rollback_to"], values["rollback_reason"], values["rollback_reported_at"]
        )
    update = None
    if values["update_at"] is not None:
        update = UpdateRun(values["update_outcome"], values["update_message"], values["update_at"], values["update_version"])
    return SoftwareState(values["running_release"], values["previous_release"], values["release_since"], rollback, update)


def _beat(row: Sequence) -> Beat:
    values = dict(zip(_BEAT_COLUMNS, row, strict=False))
    values["data_stale"] = bool(values["data_stale"])
    return Beat(**values)


class Tx:
    """One transaction's statements, ``?`` placeholders."""

    def __init__(self, connection, convert):
        self._connection = connection
        self._convert = convert

    def run(self, sql: str, params: Sequence = ()):
        return self._connection.execute(self._convert(sql), tuple(params))

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        return self.run(sql, params).fetchone()

    def only(self, sql: str, params: Sequence = ()) -> tuple:
        """The row a statement always gives (INSERT ... RETURNING, a row
        this transaction made sure of)."""
        row = self.one(sql, params)
        if row is None:
            raise StoreError(f"no row where there must be one: {sql}")
        return row

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self.run(sql, params).fetchall()

    def many(self, sql: str, rows: Iterable[Sequence]) -> None:
        rows = [tuple(row) for row in rows]
        if rows:
            self._connection.cursor().executemany(self._convert(sql), rows)


class Store(abc.ABC):
    """The hub's data. Backends provide transactions; the SQL is here."""

    id_column: str  # the heartbeats' own key, as the backend spells an auto-increment

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[Tx]:
        """A transaction: committed when the block ends, rolled back on an
        exception. Raises StoreUnavailable when the database is busy or away."""

    @abc.abstractmethod
    def close(self) -> None: ...

    # A statement that makes a second process creating or migrating the
    # schema wait for the first: two that interleave deadlock on the tables'
    # locks. None where a transaction already excludes the others (SQLite).
    schema_lock: str | None = None

    def _create_schema(self) -> None:
        with self.transaction() as tx:
            if self.schema_lock:
                tx.run(self.schema_lock)
            for statement in _SCHEMA.format(id_column=self.id_column).split(";"):
                if statement.strip():
                    tx.run(statement)
            tx.run("INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT (key) DO NOTHING", (str(SCHEMA_VERSION),))
            version = self._migrate(tx)
        if version != SCHEMA_VERSION:
            raise StoreError(f"the database has schema {version}; this hub knows {SCHEMA_VERSION}")

    def _migrate(self, tx: Tx) -> int:
        """Bring an older schema to this one; the schema it has now."""
        while True:
            (value,) = tx.only("SELECT value FROM meta WHERE key = 'schema'")
            version = int(value)
            if version not in _MIGRATIONS:
                return version
            for statement in _MIGRATIONS[version]:
                tx.run(statement)
            tx.run("UPDATE meta SET value = ? WHERE key = 'schema'", (str(version + 1),))
            log_event(log, "hub.schema_migrated", old=version, new=version + 1)

    # ------------------------------------------------------------ terminals

    def put_terminal(self, terminal_id: str, village: str, token_hash: str, now: int) -> bool:
        """Register a terminal with a new token, or give one already known a
        new token (its old one stops working). True when it is new."""
        with self.transaction() as tx:
            existing = tx.one("SELECT village FROM terminals WHERE id = ?", (terminal_id,))
            if existing is None:
                tx.run(
                    "INSERT INTO terminals (id, village, token_hash, token_issued_at, created_at) VALUES (?, ?, ?, ?, ?)",
                    (terminal_id, village, token_hash, now, now),
                )
            else:
                tx.run(
                    "UPDATE terminals SET village = ?, token_hash = ?, token_issued_at = ? WHERE id = ?",
                    (village, token_hash, now, terminal_id),
                )
        return existing is None

    def add_terminals(self, terminals: Sequence[tuple[str, str, str]], now: int) -> None:
        """Register many new terminals at once: (id, village, token hash) each."""
        with self.transaction() as tx:
            tx.many(
                "INSERT INTO terminals (id, village, token_hash, token_issued_at, created_at) VALUES (?, ?, ?, ?, ?)",
                ((terminal_id, village, token_hash, now, now) for terminal_id, village, token_hash in terminals),
            )

    def revoke_token(self, terminal_id: str) -> bool:
        """The terminal's token stops working; its history stays. False when
        no such terminal holds a token."""
        with self.transaction() as tx:
            cursor = tx.run("UPDATE terminals SET token_hash = NULL WHERE id = ? AND token_hash IS NOT NULL", (terminal_id,))
            return cursor.rowcount == 1

    def token_holder(self, token_hash: str) -> tuple[str, str] | None:
        """(terminal id, village) of the terminal holding this token."""
        with self.transaction() as tx:
            return tx.one("SELECT id, village FROM terminals WHERE token_hash = ?", (token_hash,))

    def _terminals(self, tx: Tx, where: str, params: Sequence) -> list[Terminal]:
        columns = ", ".join([*(f"t.{name}" for name in (*_TERMINAL_COLUMNS, *_SOFTWARE_COLUMNS)), *(f"h.{name}" for name in _BEAT_COLUMNS)])
        rows = tx.all(
            f"SELECT {columns} FROM terminals t LEFT JOIN heartbeats h ON h.id = t.last_heartbeat_id "
            f"WHERE {where} ORDER BY t.village, t.id",
            params,
        )
        return [_terminal(row) for row in rows]

    def terminal(self, terminal_id: str) -> Terminal | None:
        with self.transaction() as tx:
            found = self._terminals(tx, "t.id = ?", (terminal_id,))
        return found[0] if found else None

    def terminals(self, township: str = "") -> list[Terminal]:
        """Every terminal, or those of one township (9-digit code)."""
        with self.transaction() as tx:
            if township:
                return self._terminals(tx, "substr(t.village, 1, 9) = ?", (township,))
            return self._terminals(tx, "1 = 1", ())

    # ------------------------------------------------------------ heartbeats

    def record_heartbeat(
        self,
        terminal_id: str,
        beat: Beat,
        periods: Sequence[PeriodRecord],
        error: SyncError | None,
        rollback: Rollback | None = None,
        update: UpdateRun | None = None,
    ) -> tuple[int, int]:
        """Store one heartbeat and the usage of the periods not stored
        before, in one transaction: (periods new, periods already stored).
        ``rollback`` and ``update`` are the terminal's latest (its software
        block): kept when they are news."""
        with self.transaction() as tx:
            new = []
            for period in periods:
                inserted = tx.one(
                    "INSERT INTO periods (terminal_id, id, start_at, end_at, received_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (terminal_id, id) DO NOTHING RETURNING id",
                    (terminal_id, period.id, period.start_at, period.end_at, beat.received_at),
                )
                if inserted is not None:
                    new.append(period)
            totals: dict[tuple[str, str, str], int] = {}
            for period in new:
                for screen, item, count in period.views:
                    key = (period.day, screen, item)
                    totals[key] = totals.get(key, 0) + count
            tx.many(
                "INSERT INTO usage (terminal_id, day, screen, item, views) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (terminal_id, day, screen, item) DO UPDATE SET views = usage.views + excluded.views",
                ((terminal_id, day, screen, item, count) for (day, screen, item), count in sorted(totals.items())),
            )
            values = {
                **beat.__dict__,
                "data_stale": int(beat.data_stale),
                "periods_new": len(new),
                "periods_repeated": len(periods) - len(new),
            }
            (beat_id,) = tx.only(
                f"INSERT INTO heartbeats (terminal_id, {', '.join(_BEAT_COLUMNS)}) "
                f"VALUES (?, {', '.join('?' for _ in _BEAT_COLUMNS)}) RETURNING id",
                (terminal_id, *(values[name] for name in _BEAT_COLUMNS)),
            )
            # The release it runs, and since when: a change is news (the right
            # hand sides all read the row as it was).
            tx.run(
                "UPDATE terminals SET last_heartbeat_id = ?, last_seen = ?, "
                "previous_release = CASE WHEN running_release IS DISTINCT FROM ? THEN running_release ELSE previous_release END, "
                "release_since = CASE WHEN running_release IS DISTINCT FROM ? THEN ? ELSE release_since END, "
                "running_release = ? WHERE id = ?",
                (beat_id, beat.received_at, beat.running, beat.running, beat.received_at, beat.running, terminal_id),
            )
            if rollback is not None:  # sent with every report once it happened: stored when it is another one
                tx.run(
                    "UPDATE terminals SET rollback_at = ?, rollback_from = ?, rollback_to = ?, rollback_reason = ?, rollback_reported_at = ? "
                    "WHERE id = ? AND (rollback_at IS NULL OR rollback_at <> ? OR rollback_from <> ?)",
                    (
                        rollback.at,
                        rollback.from_version,
                        rollback.to_version,
                        rollback.reason,
                        beat.received_at,
                        terminal_id,
                        rollback.at,
                        rollback.from_version,
                    ),
                )
            if update is not None:
                tx.run(
                    "UPDATE terminals SET update_outcome = ?, update_message = ?, update_at = ?, update_version = ? "
                    "WHERE id = ? AND (update_at IS NULL OR update_at <= ?)",
                    (update.outcome, update.message, update.at, update.version, terminal_id, update.at),
                )
            if error is not None:
                tx.run(
                    "UPDATE terminals SET last_error = ?, last_error_at = ? WHERE id = ? AND (last_error_at IS NULL OR last_error_at <= ?)",
                    (f"{error.outcome}: {error.message}", error.at, terminal_id, error.at),
                )
        return len(new), len(periods) - len(new)

    def history(self, terminal_id: str, since: int, limit: int = 5000) -> list[Beat]:
        """The heartbeats received since ``since``, newest first."""
        with self.transaction() as tx:
            rows = tx.all(
                f"SELECT {', '.join(_BEAT_COLUMNS)} FROM heartbeats WHERE terminal_id = ? AND received_at >= ? "
                "ORDER BY received_at DESC, id DESC LIMIT ?",
                (terminal_id, since, limit),
            )
        return [_beat(row) for row in rows]

    def sync_errors(self, terminal_id: str, limit: int = 10) -> list[SyncError]:
        """The terminal's failed or rejected syncs, one per distinct message
        (the latest time it was reported, and how many syncs said it)."""
        with self.transaction() as tx:
            rows = tx.all(
                "SELECT MAX(sync_at), MIN(sync_at), COUNT(DISTINCT sync_at), sync_outcome, sync_message FROM heartbeats "
                "WHERE terminal_id = ? AND sync_outcome IN ('failed', 'rejected') "
                "GROUP BY sync_outcome, sync_message ORDER BY MAX(sync_at) DESC LIMIT ?",
                (terminal_id, limit),
            )
        return [
            SyncError(at=last, outcome=outcome, message=message, first_at=first, times=int(times))
            for last, first, times, outcome, message in rows
        ]

    def usage_by_screen(self, since_day: str, township: str = "") -> dict[str, dict[str, int]]:
        """terminal id -> screen -> views since ``since_day`` (inclusive)."""
        sql = "SELECT u.terminal_id, u.screen, SUM(u.views) FROM usage u"
        params: list = [since_day]
        if township:
            sql += " JOIN terminals t ON t.id = u.terminal_id WHERE u.day >= ? AND substr(t.village, 1, 9) = ?"
            params.append(township)
        else:
            sql += " WHERE u.day >= ?"
        with self.transaction() as tx:
            rows = tx.all(sql + " GROUP BY u.terminal_id, u.screen", params)
        usage: dict[str, dict[str, int]] = {}
        for terminal_id, screen, views in rows:
            usage.setdefault(terminal_id, {})[screen] = int(views)
        return usage

    def usage_by_day(self, terminal_id: str, since_day: str) -> list[tuple[str, str, int]]:
        """(day, screen, views) of one terminal since ``since_day``."""
        with self.transaction() as tx:
            rows = tx.all(
                "SELECT day, screen, SUM(views) FROM usage WHERE terminal_id = ? AND day >= ? GROUP BY day, screen ORDER BY day, screen",
                (terminal_id, since_day),
            )
        return [(day, screen, int(views)) for day, screen, views in rows]

    def top_items(self, terminal_id: str, since_day: str, limit: int = 10) -> list[tuple[str, str, int]]:
        """(screen, item, views): the records opened most since ``since_day``."""
        with self.transaction() as tx:
            rows = tx.all(
                "SELECT screen, item, SUM(views) AS total FROM usage WHERE terminal_id = ? AND day >= ? AND item <> ? "
                "GROUP BY screen, item ORDER BY total DESC, screen, item LIMIT ?",
                (terminal_id, since_day, NO_ITEM, limit),
            )
        return [(screen, item, int(views)) for screen, item, views in rows]

    def prune(self, before: int, before_day: str, now: int) -> int:
        """Forget heartbeats and periods received before ``before`` (each
        terminal's latest heartbeat stays), usage before ``before_day``,
        and sessions expired by ``now``. Returns the heartbeats removed."""
        with self.transaction() as tx:
            removed = tx.run(
                "DELETE FROM heartbeats WHERE received_at < ? AND id NOT IN "
                "(SELECT last_heartbeat_id FROM terminals WHERE last_heartbeat_id IS NOT NULL)",
                (before,),
            ).rowcount
            tx.run("DELETE FROM periods WHERE received_at < ?", (before,))
            tx.run("DELETE FROM usage WHERE day < ?", (before_day,))
            tx.run("DELETE FROM sessions WHERE expires_at <= ?", (now,))
        return removed

    # ------------------------------------------------------------ users

    def add_user(self, name: str, password_hash: str, township: str, now: int) -> bool:
        """False when the name is taken."""
        with self.transaction() as tx:
            inserted = tx.one(
                "INSERT INTO users (name, password_hash, township, failures, locked_until, created_at) "
                "VALUES (?, ?, ?, 0, 0, ?) ON CONFLICT (name) DO NOTHING RETURNING name",
                (name, password_hash, township, now),
            )
        return inserted is not None

    def set_password(self, name: str, password_hash: str) -> bool:
        """New password, lock lifted, every session of the user ended."""
        with self.transaction() as tx:
            changed = tx.run(
                "UPDATE users SET password_hash = ?, failures = 0, locked_until = 0 WHERE name = ?", (password_hash, name)
            ).rowcount
            tx.run("DELETE FROM sessions WHERE user_name = ?", (name,))
        return changed == 1

    def remove_user(self, name: str) -> bool:
        with self.transaction() as tx:
            tx.run("DELETE FROM sessions WHERE user_name = ?", (name,))
            return tx.run("DELETE FROM users WHERE name = ?", (name,)).rowcount == 1

    def user(self, name: str) -> User | None:
        with self.transaction() as tx:
            row = tx.one(f"SELECT {', '.join(_USER_COLUMNS)} FROM users WHERE name = ?", (name,))
        return User(*row) if row else None

    def users(self) -> list[User]:
        with self.transaction() as tx:
            return [User(*row) for row in tx.all(f"SELECT {', '.join(_USER_COLUMNS)} FROM users ORDER BY name")]

    def login_failed(self, name: str, now: int, max_failures: int, lock_s: int) -> int:
        """Count a wrong password; lock the user at ``max_failures`` in a
        row. Returns the seconds locked (0 while not yet)."""
        with self.transaction() as tx:
            row = tx.one("UPDATE users SET failures = failures + 1 WHERE name = ? RETURNING failures", (name,))
            if row is None or row[0] < max_failures:
                return 0
            tx.run("UPDATE users SET failures = 0, locked_until = ? WHERE name = ?", (now + lock_s, name))
        return lock_s

    def login_succeeded(self, name: str) -> None:
        with self.transaction() as tx:
            tx.run("UPDATE users SET failures = 0, locked_until = 0 WHERE name = ?", (name,))

    # ------------------------------------------------------------ sessions

    def add_session(self, token_hash: str, name: str, expires_at: int) -> None:
        with self.transaction() as tx:
            tx.run("INSERT INTO sessions (token_hash, user_name, expires_at) VALUES (?, ?, ?)", (token_hash, name, expires_at))

    def session_user(self, token_hash: str, now: int) -> User | None:
        with self.transaction() as tx:
            row = tx.one(
                f"SELECT {', '.join('u.' + c for c in _USER_COLUMNS)} FROM sessions s JOIN users u ON u.name = s.user_name "
                "WHERE s.token_hash = ? AND s.expires_at > ?",
                (token_hash, now),
            )
        return User(*row) if row else None

    def end_session(self, token_hash: str) -> None:
        with self.transaction() as tx:
            tx.run("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))


def open_store(url: str) -> Store:
    """The store at ``url``: ``sqlite:///PATH`` or ``postgresql://…``."""
    if url.startswith("sqlite:///"):
        from kiosk.hub.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        from kiosk.hub.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(f"database must be sqlite:///PATH or postgresql://…, not {url!r}")


@contextlib.contextmanager
def opened(url: str) -> Iterator[Store]:
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()
