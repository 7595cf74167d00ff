"""The SQLite backend: one data file, write-ahead logging, writers queued by BEGIN IMMEDIATE."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Container, Iterator
from pathlib import Path

from sytrack.errors import SytrackError
from sytrack.store.backend import check_version, migrate, rolled_back_on_error
from sytrack.store.datafile import create_atomically, is_data_file
from sytrack.store.schema import SCHEMA_VERSION, SQLITE_TYPES

BUSY_TIMEOUT_SECONDS = 30.0
# The page cache an import writes through. SQLite's default 2 MB sends nearly every index insert of
# a large import to the disk (the cost per row doubled from 100k to 1M rows); 32 MB keeps the
# indexes' upper levels in memory, and the sort of a rebuild (which may use as much again) stays within
# the import's 150 MB budget.
IMPORT_CACHE_KIB = 32 * 1024
IMPORT_PRAGMAS = (f"cache_size = -{IMPORT_CACHE_KIB}",)


def rebuild_indexes(stored_rows: int, new_rows: int) -> bool:
    """Whether an import should drop a table's secondary indexes and build them again at the end:
    when it at least doubles the table, one sort of every row costs less than a random insert into
    each index per new row (the classic bulk-load rule; below it the indexes are kept)."""
    return new_rows >= max(stored_rows, 1)


class _BulkInsert:
    """Rows into one table: given as tuples (`insert(rows)`) or selected by SQL (`select`). With
    `droppable` (the indexes to keep), the table's other secondary indexes are dropped at the
    first row written, so an import that writes nothing changes no byte; `dropped` is how to
    build them again."""

    def __init__(
        self, connection: sqlite3.Connection, table: str, columns: tuple[str, ...], keep: Container[str] | None
    ) -> None:
        self.connection, self.table, self.keep = connection, table, keep
        self.statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.dropped: list[str] = []
        self._started = False

    def _start(self) -> None:
        self._started = True
        if self.keep is None:
            return
        for name, sql in self.connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (self.table,),
        ).fetchall():
            if name not in self.keep:
                self.connection.execute(f'DROP INDEX "{name}"')
                self.dropped.append(sql)

    def __call__(self, rows: list[tuple]) -> None:
        if not self._started:
            self._start()
        self.connection.executemany(self.statement, rows)

    def select(self, statement: str, parameters: tuple) -> None:
        """Run an INSERT INTO the table ... SELECT statement."""
        if not self._started:
            self._start()
        self.connection.execute(statement, parameters)


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
                raise SytrackError(
                    f"{self.path}: the data file is busy (another sytrack is writing); try again"
                ) from None
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

    @contextlib.contextmanager
    def bulk_load(
        self, connection: sqlite3.Connection, table: str, columns: tuple[str, ...], new_rows: int, keep: Container[str]
    ) -> Iterator[_BulkInsert]:
        """Inserting about `new_rows` rows into `table` in the caller's transaction: a larger page
        cache, and (see rebuild_indexes) the secondary indexes other than `keep` dropped and built
        again when the block ends. A block that raises leaves them to the transaction's rollback.
        The connection is the import's own, closed at its end: the pragmas end with it."""
        for pragma in IMPORT_PRAGMAS:
            connection.execute(f"PRAGMA {pragma}")
        rebuild = rebuild_indexes(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0], new_rows)
        inserter = _BulkInsert(connection, table, columns, keep if rebuild else None)
        yield inserter
        for sql in inserter.dropped:
            connection.execute(sql)

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
