"""The SQLite backend: one data file, write-ahead logging, writers queued by BEGIN IMMEDIATE."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sytrack.errors import SytrackError
from sytrack.store.backend import check_version, migrate, rolled_back_on_error
from sytrack.store.datafile import create_atomically, is_data_file
from sytrack.store.schema import SCHEMA_VERSION, SQLITE_TYPES

BUSY_TIMEOUT_SECONDS = 30.0


class SQLiteBackend:
    """A data file. Reads never create it; the first write creates it whole (see datafile.py)."""

    kind = "sqlite"
    types = SQLITE_TYPES

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def location(self) -> str:
        return str(self.path)

    where = location

    def exists(self) -> bool:
        """Whether the data file is there; a path that is no regular file is refused."""
        return is_data_file(self.path)

    def schema_version(self) -> int:
        if not self.exists():
            return 0
        with self._errors():
            connection = self._connect(read_only=True)
            try:
                return self.version(connection)
            finally:
                connection.close()

    @staticmethod
    def version(connection: sqlite3.Connection) -> int:
        return connection.execute("PRAGMA user_version").fetchone()[0]

    @staticmethod
    def set_version(connection: sqlite3.Connection, version: int) -> None:
        connection.execute(f"PRAGMA user_version = {int(version)}")

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            text = str(error)
            if "locked" in text or "busy" in text:
                raise SytrackError(f"{self.path}: the data file is busy (another sytrack is writing); try again") from None
            if "readonly" in text or "unable to open" in text:
                raise SytrackError(f"{self.path}: cannot write the data file ({text}); check its permissions") from None
            raise SytrackError(f"{self.path}: {text}") from None
        except sqlite3.DatabaseError as error:
            raise SytrackError(f"{self.path}: not a usable sytrack data file ({error})") from None

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        if read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        else:
            if not self.exists():
                # A new data file appears whole, at the current schema, or not at all.
                create_atomically(self.path, self._build)
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return connection

    def _build(self, connection: sqlite3.Connection) -> None:
        """A new data file's content: write-ahead logging and the whole schema, in one transaction."""
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN IMMEDIATE")
        with rolled_back_on_error(connection):
            migrate(connection, self, 0)

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection | None]:
        """A read-only connection at the current schema, or None when there is no data yet.
        A file at an older schema is upgraded first: that is a write, once."""
        if not self.exists():
            yield None
            return
        with self._errors():
            connection = self._connect(read_only=True)
            try:
                version = self.version(connection)
                check_version(version, self.where)
                if version == 0 and not connection.execute("SELECT 1 FROM sqlite_master").fetchone():
                    yield None  # an empty file: nothing recorded yet
                    return
                if version < SCHEMA_VERSION:
                    connection.close()
                    with self.writing():
                        pass  # runs the migrations
                    connection = self._connect(read_only=True)
                yield connection
            finally:
                connection.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE, so concurrent writers queue instead of failing)."""
        with self._errors():
            connection = self._connect(read_only=False)
            try:
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                # A value sytrack says it stored must survive a power cut.
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("BEGIN IMMEDIATE")
                with rolled_back_on_error(connection):
                    migrate(connection, self, self.version(connection))
                    yield connection
            finally:
                connection.close()
