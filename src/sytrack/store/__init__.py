"""The store: one Store API (records.py) over a small backend interface (backend.py), SQLite or PostgreSQL.

The only package that speaks SQL; sqlite3 is loaded by the data-file backend, psycopg by the server's.
"""

from __future__ import annotations

import re
from pathlib import Path

from sytrack.store.importing import ImportCounts
from sytrack.store.records import NewObservation, Store, utc_timestamp
from sytrack.store.redaction import URL_SCHEMES, redact
from sytrack.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "ImportCounts",
    "NewObservation",
    "Store",
    "is_server_location",
    "open_store",
    "redact",
    "shown_location",
    "utc_timestamp",
]

# The first key of a libpq key=value connection string ("host=db dbname=team password=..."): such a
# location names a server, never a file (a file called "host=db" would need ./ before it).
_CONNINFO_START = re.compile(r"\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode)\s*=")


def is_server_location(location: str) -> bool:
    """A postgresql:// URL or a key=value connection string, as against a data file's path."""
    return location.startswith(URL_SCHEMES) or _CONNINFO_START.match(location) is not None


def open_store(location: str, plan: str) -> Store:
    """The store at `location`: a PostgreSQL server's (its driver loaded only then) or a data file's."""
    if is_server_location(location):
        from sytrack.store.postgres import PostgresBackend

        return Store(PostgresBackend(location), plan)
    from sytrack.store.sqlite import SQLiteBackend

    return Store(SQLiteBackend(Path(location)), plan)


def shown_location(location: str) -> str:
    """A location fit to print: any password in it hidden."""
    return redact(location) if is_server_location(location) else location
