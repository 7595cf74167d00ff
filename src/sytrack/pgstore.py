"""The same store on a PostgreSQL server, for teams: only connections, locking and the schema differ.

psycopg is imported here only, and only when a postgresql:// URL asks for it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sytrack.errors import SytrackError, UsageError
from sytrack.store import Store
from sytrack.store.redaction import URL_SCHEMES, redact, secrets_in

__all__ = ["URL_SCHEMES", "PostgresStore", "redact"]

# One lock for every writer of the database: ids are given as max(id) + 1 across plans.
WRITE_LOCK = 7_373_001

# The same schema as SQLite's, in PostgreSQL's types (DOUBLE PRECISION: REAL would lose digits).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE observation (
        id          BIGINT PRIMARY KEY,
        plan        TEXT NOT NULL,
        indicator   TEXT NOT NULL,
        value       DOUBLE PRECISION,
        as_of       TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        source      TEXT NOT NULL DEFAULT '',
        supersedes  BIGINT REFERENCES observation(id),
        retracts    BIGINT REFERENCES observation(id),
        CHECK ((value IS NULL) = (retracts IS NOT NULL))
    );
    CREATE INDEX observation_by_indicator ON observation(plan, indicator, as_of);
    CREATE INDEX observation_by_retracts ON observation(retracts) WHERE retracts IS NOT NULL
    """,
    """
    ALTER TABLE observation ADD COLUMN in_force INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE observation ADD COLUMN retracted_by BIGINT REFERENCES observation(id);
    UPDATE observation SET retracted_by = (SELECT r.id FROM observation r WHERE r.retracts = observation.id)
        WHERE id IN (SELECT retracts FROM observation WHERE retracts IS NOT NULL);
    UPDATE observation SET in_force = 1 WHERE id IN (
        SELECT max(id) FROM observation WHERE value IS NOT NULL AND retracted_by IS NULL GROUP BY plan, indicator, as_of);
    CREATE INDEX observation_in_force ON observation(plan, in_force, indicator, as_of, value)
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _where(location: str) -> str:
    """Host, port and database, for messages: never the user or the password."""
    if location.startswith(URL_SCHEMES):
        parts = urlsplit(location)
        host, port, database = parts.hostname, parts.port, parts.path.lstrip("/")
    else:
        pairs = dict(pair.split("=", 1) for pair in re.findall(r"\w+\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S*)",
                                                                location) if "=" in pair)
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
        raise UsageError(f"{shown} is not a usable PostgreSQL URL ({error}); expected"
                         " postgresql://user@host:5432/database") from None
    if port == 0:
        raise UsageError(f"{shown}: port 0 is not a port (1-65535)")


class _Connection:
    """A psycopg connection that takes sytrack's SQL as written for SQLite: '?' placeholders."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        return self.raw.execute(self._sql(sql), parameters)

    def executemany(self, sql: str, rows: Any) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(self._sql(sql), list(rows))


class PostgresStore(Store):
    """One plan's observations in a PostgreSQL database; several plans share it without mixing."""

    kind = "postgresql"

    def __init__(self, url: str, plan: str) -> None:
        super().__init__(path=None, plan=plan)  # type: ignore[arg-type]
        check_url(url)
        self.url = url
        self._secrets = secrets_in(url)

    def _hidden(self, text: str) -> str:
        return redact(text, self._secrets)

    @property
    def location(self) -> str:
        return self._hidden(self.url)

    def exists(self) -> bool:
        return True

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

    def _version(self, connection: _Connection) -> int:
        has_table = connection.execute("SELECT to_regclass('sytrack_schema') IS NOT NULL").fetchone()[0]
        if not has_table:
            return 0
        row = connection.execute("SELECT version FROM sytrack_schema").fetchone()
        return row[0] if row else 0

    def schema_version(self) -> int:
        raw = self._connect_raw()
        try:
            with self._errors():
                return self._version(_Connection(raw))
        finally:
            raw.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        raw = self._connect_raw()
        try:
            with self._errors():
                connection = _Connection(raw)
                version = self._version(connection)
                self._check_version(version)
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
    def writing(self) -> Iterator[Any]:
        """One transaction, writers queued on one advisory lock (as BEGIN IMMEDIATE does on SQLite)."""
        raw = self._connect_raw()
        try:
            with self._errors():
                connection = _Connection(raw)
                raw.execute("BEGIN")
                try:
                    raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                    self._migrate(connection)
                    yield connection
                except BaseException:
                    raw.execute("ROLLBACK")
                    raise
                raw.execute("COMMIT")
        finally:
            raw.close()

    def _migrate(self, connection: _Connection) -> None:
        """Create or upgrade the schema inside the writer's transaction: under the lock, so two
        users starting at once cannot both create it."""
        connection.execute("CREATE TABLE IF NOT EXISTS sytrack_schema (version INTEGER NOT NULL)")
        version = self._version(connection)
        self._check_version(version)
        for script in MIGRATIONS[version:]:
            for statement in filter(str.strip, script.split(";")):
                connection.execute(statement)
        if version != SCHEMA_VERSION:
            connection.execute("DELETE FROM sytrack_schema")
            connection.execute("INSERT INTO sytrack_schema (version) VALUES (?)", (SCHEMA_VERSION,))

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise SytrackError(f"PostgreSQL at {_where(self.url)} was written by a newer sytrack (schema {version}); upgrade sytrack")
