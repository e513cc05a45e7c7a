"""The throwaway database: chosen before django.setup(), removed at the end.

SQLite (a temporary file) by default. PostgreSQL with `--postgres`, or when DATABASE_URL
names a PostgreSQL server: the bench then creates `<that database's name>_bench` on the same
server (`xuetu_bench` with a bare `--postgres`), so it never touches the database the URL
names, and two people benchmarking on one server do not drop each other's run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from suite.config import ROOT, log

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "xuetu_bench"


def postgres_target(use_postgres: bool, database_url: str | None) -> tuple[str, str] | None:
    """(server URL without a database, bench database name), or None for SQLite."""
    if database_url and urlsplit(database_url).scheme.startswith("postgres"):
        parts = urlsplit(database_url)
        name = parts.path.lstrip("/") or "xuetu"
        return urlunsplit(parts._replace(path="", query="")), f"{name}_bench"
    if use_postgres:
        return PG_SERVER, PG_NAME
    return None


class Database:
    def __init__(self, postgres: tuple[str, str] | None) -> None:
        self.server, self.name = postgres or ("", "")
        self.postgres = postgres is not None
        self.sqlite_path: Path | None = None
        self.media = Path(tempfile.mkdtemp(prefix="xuetu-bench-media-"))
        if self.postgres:
            self.url = f"{self.server}/{self.name}"
            self._pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._pg_admin(f'CREATE DATABASE "{self.name}"')
        else:
            handle, name = tempfile.mkstemp(prefix="xuetu-bench-", suffix=".sqlite3", dir="/tmp")
            os.close(handle)
            self.sqlite_path = Path(name)
            self.url = f"sqlite:///{name}"  # sqlite:////tmp/xuetu-bench-XXXX.sqlite3

    def _pg_admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def configure_environment(self) -> None:
        """Also what the child processes inherit."""
        os.environ["DATABASE_URL"] = self.url
        os.environ["MEDIA_ROOT"] = str(self.media)
        os.environ["DJANGO_SETTINGS_MODULE"] = "xuetu.settings"

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if self.postgres:
            try:
                self._pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                log(f"dropped database {self.name}")
            except Exception as error:  # report, never fail the run over cleanup
                log(f"could not drop database {self.name}: {error}")
        elif self.sqlite_path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            log(f"removed {self.sqlite_path}")
        shutil.rmtree(self.media, ignore_errors=True)


@contextlib.contextmanager
def production_like() -> Iterator[None]:
    """django.setup() with DEBUG off as in production (no query log; pytest-django does the
    same), and the fast hasher: build_world() makes eight users."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import override_settings

    with override_settings(
        DEBUG=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        yield


@contextlib.contextmanager
def django_on(database: Database) -> Iterator[None]:
    database.configure_environment()
    with production_like():
        from django.core.management import call_command
        from django.db import connection

        # The query log keeps 9,000 entries by default; a 500-row import used to run more.
        connection.queries_limit = 1_000_000
        connection.queries_log = deque(maxlen=connection.queries_limit)
        log(f"migrating {database.url}")
        call_command("migrate", verbosity=0, interactive=False)
        yield


def analyse() -> None:
    """On PostgreSQL, fresh planner statistics after the bulk inserts, as autovacuum would
    gather soon after in production. SQLite gathers none by itself, so none are made there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
