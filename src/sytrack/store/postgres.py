"""The PostgreSQL backend, for teams: one database shared by several plans, writers queued on a lock.

psycopg is imported here only, and only when a server location asks for it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Container, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from sytrack.errors import SytrackError, UsageError
from sytrack.store.backend import check_version, format_style, migrate, rolled_back_on_error
from sytrack.store.redaction import URL_SCHEMES, redact, secrets_in
from sytrack.store.schema import POSTGRES_TYPES, SCHEMA_VERSION

# One lock for every writer of the database: ids are given as max(id) + 1 across plans.
WRITE_LOCK = 7_373_001


def _where(location: str) -> str:
    """Host, port and database, for messages: never the user or the password."""
    if location.startswith(URL_SCHEMES):
        parts = urlsplit(location)
        host, port, database = parts.hostname, parts.port, parts.path.lstrip("/")
    else:
        pairs = dict(
            pair.split("=", 1) for pair in re.findall(r"\w+\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S*)", location) if "=" in pair
        )
        pairs = {key.strip(): value.strip().strip("'") for key, value in pairs.items()}
        host, port, database = pairs.get("host"), pairs.get("port"), pairs.get("dbname")
    return f"{host or 'localhost'}{f':{port}' if port else ''}/{database or '(default database)'}"


def check_url(url: str) -> None:
    """Refuse a URL that cannot name a server (a bad --db or SYTRACK_DB: usage, exit 2), before
    the driver sees it: a port out of range or a broken host would otherwise be a traceback."""
    shown = redact(url)
    if not url.startswith(URL_SCHEMES):
        return  # a key=value connection string: the driver checks it
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UsageError(
            f"{shown} is not a usable PostgreSQL URL ({error}); expected postgresql://user@host:5432/database"
        ) from None
    if port == 0:
        raise UsageError(f"{shown}: port 0 is not a port (1-65535)")


class _Connection:
    """A psycopg connection that takes sytrack's SQL with `?` parameters (see backend.format_style)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        return self.raw.execute(format_style(sql), parameters)

    def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(format_style(sql), rows)


class PostgresBackend:
    """A PostgreSQL database, named by a postgresql:// URL or a key=value connection string."""

    kind = "postgresql"
    types = POSTGRES_TYPES

    def __init__(self, url: str) -> None:
        check_url(url)
        self.url = url
        self._secrets = secrets_in(url)

    def _hidden(self, text: str) -> str:
        return redact(text, self._secrets)

    @property
    def location(self) -> str:
        return self._hidden(self.url)

    @property
    def where(self) -> str:
        """Host, port and database: how messages name the server."""
        return f"PostgreSQL at {_where(self.url)}"

    def _connect_raw(self) -> Any:
        try:
            import psycopg
        except ImportError:
            raise SytrackError("PostgreSQL needs the psycopg driver: pip install 'sytrack[postgres]'") from None
        try:
            return psycopg.connect(self.url, connect_timeout=10, autocommit=True)
        except psycopg.ProgrammingError as error:
            # The driver could not read the URL itself (an unknown parameter, a broken host): usage.
            raise UsageError(f"{self.location} is not a usable PostgreSQL URL: {self._reason(error)}") from None
        except psycopg.Error as error:
            raise SytrackError(f"cannot use PostgreSQL at {_where(self.url)}: {self._reason(error)}") from None

    @contextlib.contextmanager
    def bulk_load(
        self, connection: _Connection, table: str, columns: tuple[str, ...], new_rows: int, keep: Container[str]
    ) -> Iterator[Callable[[list[tuple]], None]]:
        """Inserting rows into `table` in the caller's transaction with COPY, which sends them as one
        stream instead of a round trip per row (an INSERT per row made import many times slower
        than SQLite's). Indexes are kept: dropping one would lock readers out for the whole import."""
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"

        def insert(rows: list[tuple]) -> None:
            with connection.raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)

        yield insert

    def _reason(self, error: Exception) -> str:
        """The driver's message on one line, with any password it quotes hidden."""
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        reason = re.sub(r"^connection (failed|is bad): ", "", lines[0]) if lines else type(error).__name__
        return self._hidden(re.sub(r"\s+", " ", reason))

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.Error as error:
            raise SytrackError(f"PostgreSQL at {_where(self.url)}: {self._reason(error)}") from None

    @staticmethod
    def version(connection: _Connection) -> int:
        has_table = connection.execute("SELECT to_regclass('sytrack_schema') IS NOT NULL").fetchone()[0]
        if not has_table:
            return 0
        row = connection.execute("SELECT version FROM sytrack_schema").fetchone()
        return row[0] if row else 0

    @staticmethod
    def set_version(connection: _Connection, version: int) -> None:
        connection.execute("DELETE FROM sytrack_schema")
        connection.execute("INSERT INTO sytrack_schema (version) VALUES (?)", (version,))

    def schema_version(self) -> int:
        raw = self._connect_raw()
        try:
            with self._errors():
                return self.version(_Connection(raw))
        finally:
            raw.close()

    def exists(self) -> bool:
        return True  # a server is always there to ask; reading() says when it holds nothing

    @contextlib.contextmanager
    def reading(self) -> Iterator[_Connection | None]:
        raw = self._connect_raw()
        try:
            with self._errors():
                connection = _Connection(raw)
                version = self.version(connection)
                check_version(version, self.where)
                if version == 0:
                    yield None
                    return
                if version < SCHEMA_VERSION:
                    with self.writing():
                        pass  # runs the migrations
                # One snapshot for the whole read, as SQLite gives.
                raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    yield connection
                finally:
                    raw.execute("ROLLBACK")
        finally:
            raw.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[_Connection]:
        """One transaction, writers queued on one advisory lock (as BEGIN IMMEDIATE does on SQLite).
        The schema is created or upgraded under the lock, so two users starting at once cannot
        both create it."""
        raw = self._connect_raw()
        try:
            with self._errors():
                connection = _Connection(raw)
                raw.execute("BEGIN")
                with rolled_back_on_error(raw):
                    raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                    connection.execute("CREATE TABLE IF NOT EXISTS sytrack_schema (version INTEGER NOT NULL)")
                    migrate(connection, self, self.version(connection))
                    yield connection
        finally:
            raw.close()
