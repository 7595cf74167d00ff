"""The one schema and its migrations, written once; each database gives only its types."""

from __future__ import annotations

from typing import NamedTuple


class Types(NamedTuple):
    """What a database calls the types the schema needs."""

    id: str  # a record's id: 64 bits
    number: str  # a value: an IEEE double (PostgreSQL's REAL would lose digits)


SQLITE_TYPES = Types(id="INTEGER", number="REAL")
POSTGRES_TYPES = Types(id="BIGINT", number="DOUBLE PRECISION")

# Each entry upgrades the schema by one version; a backend keeps how many have run (SQLite in
# PRAGMA user_version, PostgreSQL in a table). A migration is a list of statements, run inside the
# writer's transaction, so a killed upgrade leaves the old version whole. A new one is appended.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: every record, never changed once written.
    (
        """CREATE TABLE observation (
            id          {id} PRIMARY KEY,
            plan        TEXT NOT NULL,
            indicator   TEXT NOT NULL,
            value       {number},
            as_of       TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            note        TEXT NOT NULL DEFAULT '',
            source      TEXT NOT NULL DEFAULT '',
            supersedes  {id} REFERENCES observation(id),
            retracts    {id} REFERENCES observation(id),
            CHECK ((value IS NULL) = (retracts IS NOT NULL))
        )""",
        "CREATE INDEX observation_by_indicator ON observation(plan, indicator, as_of)",
        "CREATE INDEX observation_by_retracts ON observation(retracts) WHERE retracts IS NOT NULL",
    ),
    # 2: which record is in force, and what retracted it, kept beside the facts so that reading a
    # million records needs no correlated subquery. Derived from the facts and rebuilt from them here.
    (
        "ALTER TABLE observation ADD COLUMN in_force INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE observation ADD COLUMN retracted_by {id} REFERENCES observation(id)",
        """UPDATE observation SET retracted_by = (SELECT r.id FROM observation r WHERE r.retracts = observation.id)
            WHERE id IN (SELECT retracts FROM observation WHERE retracts IS NOT NULL)""",
        """UPDATE observation SET in_force = 1 WHERE id IN (SELECT max(id) FROM observation
            WHERE value IS NOT NULL AND retracted_by IS NULL GROUP BY plan, indicator, as_of)""",
        "CREATE INDEX observation_in_force ON observation(plan, in_force, indicator, as_of, value)",
    ),
    # 3: districts and departments. `org` says who reported a figure ('' is the city's own, as every
    # earlier record is); `denominator` is the base a share or rate was computed on, so that the
    # city's share rolls up as Σ v·d / Σ d. Supersession is now per (indicator, org, date): the
    # indexes lead with org so that the city's figures and the orgs' are each one range.
    (
        "ALTER TABLE observation ADD COLUMN org TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE observation ADD COLUMN denominator {number}",
        "DROP INDEX observation_in_force",
        "CREATE INDEX observation_in_force ON observation(plan, in_force, org, indicator, as_of, value, denominator)",
        "DROP INDEX observation_by_indicator",
        "CREATE INDEX observation_by_indicator ON observation(plan, indicator, org, as_of)",
    ),
    # 4: the values in force are read in (indicator, org, date) order, one indicator at a time, so
    # that status holds one indicator's figures, not every district's, while it rolls them up; the
    # city's own (org '') are the first of each indicator's. Derived from the facts: only the index changes.
    (
        "DROP INDEX observation_in_force",
        "CREATE INDEX observation_in_force ON observation(plan, in_force, indicator, org, as_of, value, denominator)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def statements(types: Types, from_version: int = 0) -> list[str]:
    """The statements that take a store from `from_version` to SCHEMA_VERSION, in `types`."""
    return [statement.format(**types._asdict()) for migration in MIGRATIONS[from_version:] for statement in migration]
