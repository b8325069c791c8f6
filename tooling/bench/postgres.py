"""A throwaway PostgreSQL server for the hub's benchmark and tests: Debian's
own server binaries, a new cluster in a temporary folder, reachable only
through a unix socket in that folder (no TCP port, nothing to collide
with), removed when stopped.

PostgreSQL refuses to run as root: as root the cluster belongs to the
``postgres`` user that Debian's package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PACKAGE = "postgresql"  # Debian's
START_TIMEOUT_S = 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server here; ``str()`` says what to install."""


def find_bin_dir() -> Path:
    """The newest installed server's programs (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(f"PostgreSQL is not installed (no initdb): apt-get install {PACKAGE}")


class ThrowawayCluster:
    def __init__(self, parent: Path | None = None, fsync: bool = True):
        self.bin = find_bin_dir()
        self.fsync = fsync
        self.folder = Path(tempfile.mkdtemp(prefix="village-kiosk-pg-", dir=parent))
        self.data = self.folder / "data"
        self._owner = None
        if os.geteuid() == 0:
            try:
                self._owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, but there is no postgres user to run the server: apt-get install {PACKAGE}"
                ) from None
            os.chown(self.folder, self._owner.pw_uid, self._owner.pw_gid)

    def _run(self, *command: str) -> None:
        owner = self._owner  # None: run as this user
        result = subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            capture_output=True,
            text=True,
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            timeout=START_TIMEOUT_S,
            user=owner.pw_uid if owner else None,
            group=owner.pw_gid if owner else None,
            extra_groups=[] if owner else None,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"{command[0]} failed ({result.returncode}): {(result.stderr or result.stdout).strip()[-600:]}")

    def start(self) -> ThrowawayCluster:
        self._run("initdb", "-D", str(self.data), "-U", "hub", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
        self.start_server()
        return self

    def start_server(self) -> None:
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c port=5432 -c fsync={'on' if self.fsync else 'off'}"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options, "-w", "-t", str(START_TIMEOUT_S), "start"
        )

    def stop_server(self) -> None:
        """Stop the server at once, as a crash would; ``start_server`` brings it back with its data."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://hub@/{database}?host={self.folder}"

    def new_database(self, name: str) -> str:
        """An empty database of its own (one per test); its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    @property
    def server_pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        """Stop the server and remove the cluster."""
        self.stop_server()
        shutil.rmtree(self.folder, ignore_errors=True)
