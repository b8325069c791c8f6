"""The hub on PostgreSQL (psycopg 3), for a province's thousands of
terminals or a county that already runs a database server.

A small pool of connections (psycopg_pool): the web server's threads
share them, and a connection lost when the server restarts is replaced
instead of failing every request after it.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import psycopg
import psycopg_pool

from kiosk.hub.store import Store, StoreError, StoreUnavailable, Tx

POOL_SIZE = 10
CONNECT_TIMEOUT_S = 10  # whole seconds: libpq reads connect_timeout as an integer


@functools.lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    # The statements are ours and hold no literal "?" or "%".
    return sql.replace("?", "%s")


class PostgresStore(Store):
    id_column = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    # Held until the transaction ends; the key is this program's own ("hub" in ASCII).
    schema_lock = "SELECT pg_advisory_xact_lock(6845794)"

    def __init__(self, url: str):
        self.url = url
        try:
            # One plain connection first: a wrong address or password is said
            # at once, not after the pool has retried for its whole timeout.
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
        except psycopg.Error as exc:
            raise StoreError(f"cannot use the database {_without_password(url)}: {exc}") from None
        self._pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=POOL_SIZE, open=False, timeout=CONNECT_TIMEOUT_S, name="village-kiosk-hub"
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
            self._create_schema()
        except (psycopg.Error, psycopg_pool.PoolTimeout, StoreUnavailable) as exc:
            self._pool.close()
            raise StoreError(f"cannot use the database {_without_password(url)}: {exc}") from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        try:
            # The pool's connection block commits at its end, or rolls back
            # on an exception.
            with self._pool.connection() as connection:
                yield Tx(connection, _placeholders)
        except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
            raise StoreUnavailable(f"database unavailable: {exc}") from None

    def close(self) -> None:
        self._pool.close()


def _without_password(url: str) -> str:
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(unparsable URL)"
    info.pop("password", None)
    return psycopg.conninfo.make_conninfo("", **info)
