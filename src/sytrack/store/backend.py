"""What the Store asks of a database: a small interface that SQLite and PostgreSQL each implement."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Container, Iterable, Iterator
from typing import Any, Protocol

from sytrack.errors import SytrackError
from sytrack.store.schema import SCHEMA_VERSION, Types, statements


class Connection(Protocol):
    """A DB-API connection taking sytrack's SQL: `?` parameters (qmark), as sqlite3 does."""

    def execute(self, sql: str, parameters: Any = ()) -> Any: ...

    def executemany(self, sql: str, rows: Iterable[Any]) -> Any: ...


class Backend(Protocol):
    """One database holding the observation table. The Store writes all the SQL about records; a
    backend only connects, keeps transactions and the schema version, and names its place."""

    kind: str  # "sqlite" or "postgresql", as `db info` prints it
    types: Types

    @property
    def location(self) -> str:
        """Where the data is, fit to print: a path, or a server's location with its password hidden."""

    @property
    def where(self) -> str:
        """How messages name the store: a path, or a server's host, port and database."""

    def exists(self) -> bool:
        """Whether there is a store to read (a data file; a server is always there to ask)."""

    def schema_version(self) -> int:
        """The schema version the store holds (0 when it holds nothing yet)."""

    def reading(self) -> contextlib.AbstractContextManager[Connection | None]:
        """One consistent read at the current schema, or None when nothing was ever written."""

    def writing(self) -> contextlib.AbstractContextManager[Connection]:
        """One write transaction, writers queued, the schema created or upgraded first."""

    def bulk_load(
        self, connection: Connection, table: str, columns: tuple[str, ...], new_rows: int, keep: Container[str]
    ) -> contextlib.AbstractContextManager[Callable[[list[tuple]], None]]:
        """An inserter of many rows into `table` inside the caller's transaction, done the fast way
        the database has (indexes other than `keep` may be rebuilt when the block ends)."""


def migrate(connection: Connection, backend: Any, version: int) -> None:
    """Bring a store at `version` to SCHEMA_VERSION inside the caller's transaction."""
    check_version(version, backend.where)
    for statement in statements(backend.types, version):
        connection.execute(statement)
    if version != SCHEMA_VERSION:
        backend.set_version(connection, SCHEMA_VERSION)


def check_version(version: int, location: str) -> None:
    if version > SCHEMA_VERSION:
        raise SytrackError(f"{location} was written by a newer sytrack (schema {version}); upgrade sytrack")


@functools.lru_cache(maxsize=256)
def format_style(sql: str) -> str:
    """sytrack's `?` parameters in the format style (`%s`) psycopg takes, read as SQL is read:
    a `?` inside a quoted literal or identifier stays, and a literal `%` is doubled."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


@contextlib.contextmanager
def rolled_back_on_error(connection: Any) -> Iterator[None]:
    """COMMIT when the block ends, ROLLBACK when it raises (the connection is in autocommit mode)."""
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
