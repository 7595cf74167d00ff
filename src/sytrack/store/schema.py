"""The one schema and its migrations, written once; each database gives only its types."""

from __future__ import annotations

from typing import NamedTuple


class Types(NamedTuple):
    """What a database calls the types the schema needs."""

    id: str  # a record's id: 64 bits
    number: str  # a value: an IEEE double (PostgreSQL's REAL would lose digits)


SQLITE_TYPES = Types(id="INTEGER", number="REAL")
POSTGRES_TYPES = Types(id="BIGINT", number="DOUBLE PRECISION")

# The two columns "as known" reads rest on (schema 5), derived from the facts. retracted_at: when
# the record was retracted. superseded_at: for a value not retracted, when a later value of its
# date was first recorded (NULL: none was); a retracted value's may be missing, and reads ask the
# index for those (as_known.KNOWN_TABLE). Every write keeps them the same way, whatever wrote it
# (`writes.settle_known`, at the end of each write transaction, for the records with ids in
# (`?`, `?`]: a range, so that PostgreSQL without statistics yet takes the primary key): a
# value written while its date had one in force names it in `supersedes`, and only those dates'
# values are worked out again, one window over them (never a scan per value: a date may have been
# revised thousands of times). The upgrade works out every date with more than one value.
_SETTLE_SUPERSEDED = (
    "UPDATE observation SET superseded_at = later.at FROM (SELECT o.id, min(o.recorded_at) OVER (PARTITION BY"
    " o.plan, o.indicator, o.org, o.as_of ORDER BY o.id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS at"
    " FROM ({dates}) AS n CROSS JOIN observation o"
    " WHERE o.plan = n.plan AND o.indicator = n.indicator AND o.org = n.org AND o.as_of = n.as_of"
    " AND o.value IS NOT NULL) AS later WHERE observation.id = later.id AND later.at IS NOT NULL"
)
_SETTLE_RETRACTED = (
    "UPDATE observation SET retracted_at = (SELECT r.recorded_at FROM observation r WHERE r.id = observation.retracted_by)"
    " WHERE id IN (SELECT retracts FROM observation WHERE {new} AND retracts IS NOT NULL)"
)
SETTLE_KNOWN = (
    # The dates of the new records that superseded one: by id, then each date's values by the index
    # (`|| ''` keeps SQLite from reading the whole index for DISTINCT, CROSS JOIN the whole table).
    _SETTLE_SUPERSEDED.format(
        dates="SELECT DISTINCT plan || '' AS plan, indicator || '' AS indicator, org || '' AS org,"
        " as_of || '' AS as_of FROM observation WHERE id > ? AND id <= ? AND supersedes IS NOT NULL"
    ),
    # Every record a new retraction retracts: when it was retracted.
    _SETTLE_RETRACTED.format(new="id > ? AND id <= ?"),
)
# From the facts alone, whatever wrote them: the upgrade, and a data file written straight (benchmarks).
DERIVE_KNOWN = (
    _SETTLE_SUPERSEDED.format(
        dates="SELECT plan, indicator, org, as_of FROM observation WHERE value IS NOT NULL"
        " GROUP BY plan, indicator, org, as_of HAVING count(*) > 1"
    ),
    _SETTLE_RETRACTED.format(new="retracts IS NOT NULL"),
)

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
    # 5: what was known at a moment, read as plain conditions (as_known.KNOWN_TABLE): when each
    # record was retracted, and when a later value of its date was first recorded (see above);
    # and the records by when they were made, for the newest one and for what was recorded
    # between two reports (`diff`).
    (
        "ALTER TABLE observation ADD COLUMN superseded_at TEXT",
        "ALTER TABLE observation ADD COLUMN retracted_at TEXT",
        *DERIVE_KNOWN,
        "CREATE INDEX observation_by_recorded_at ON observation(plan, recorded_at)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def statements(types: Types, from_version: int = 0) -> list[str]:
    """The statements that take a store from `from_version` to SCHEMA_VERSION, in `types`."""
    return [statement.format(**types._asdict()) for migration in MIGRATIONS[from_version:] for statement in migration]
