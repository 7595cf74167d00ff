"""One record written under the write lock: its final value, the record it supersedes, its id, a retraction."""

from __future__ import annotations

from collections.abc import Callable

from sytrack.errors import SytrackError
from sytrack.model import Observation
from sytrack.store.backend import Connection
from sytrack.store.rows import COLUMNS, NewObservation, observation
from sytrack.store.schema import SETTLE_KNOWN

_INSERT = (
    "INSERT INTO observation (id, plan, indicator, value, as_of, recorded_at, recorded_by, note, source,"
    " supersedes, retracts, in_force, org, denominator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def newest_id(connection: Connection) -> int:
    """The highest id in the table (0 when empty): every record written after this has a higher one."""
    return connection.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]


def settle_known(connection: Connection, newest_before: int) -> None:
    """Bring superseded_at and retracted_at up to date for what the records after id
    `newest_before` changed, in the writer's transaction: however a record was written (recorded,
    retracted, imported, copied), these are derived from the facts the same way."""
    newest = newest_id(connection)
    if newest == newest_before:
        return  # nothing written (a refusal, a dry run, an import of rows already there)
    for statement in SETTLE_KNOWN:
        connection.execute(statement, (newest_before, newest))


def record_in_force(connection: Connection, plan: str, indicator: str, org: str, as_of: str) -> int | None:
    row = connection.execute(
        "SELECT id FROM observation WHERE plan = ? AND in_force = 1 AND org = ? AND indicator = ? AND as_of = ?",
        (plan, org, indicator, as_of),
    ).fetchone()
    return row[0] if row else None


def insert(
    connection: Connection,
    plan: str,
    new: NewObservation,
    timestamp: str,
    validate: Callable[[float], None] | None = None,
) -> Observation:
    """Store one observation in the caller's transaction; a value supersedes the one in force for
    its date. `validate` sees the final value (after --add) and may refuse it."""
    value, as_of = _final_value(connection, plan, new), new.as_of.isoformat()
    if validate is not None and value is not None:
        validate(value)
    supersedes = None
    if new.retracts is None:
        supersedes = record_in_force(connection, plan, new.indicator, new.org, as_of)
        if supersedes is not None:
            connection.execute("UPDATE observation SET in_force = 0 WHERE id = ?", (supersedes,))
    # Ids are given here, under the write lock, the same way on every kind of store.
    new_id = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM observation").fetchone()[0]
    denominator = None if new.retracts is not None else new.denominator
    stored = Observation(
        new_id,
        new.indicator,
        value,
        new.as_of,
        new.recorded_at or timestamp,
        new.recorded_by,
        new.note,
        new.source,
        supersedes,
        new.retracts,
        "retraction" if new.retracts is not None else "current",
        new.org,
        denominator,
    )
    in_force = int(new.retracts is None)
    connection.execute(_INSERT, (new_id, plan, *stored[1:3], as_of, *stored[4:10], in_force, *stored[11:]))
    if new.retracts is not None:
        _retract(connection, plan, new.retracts, new_id)
    return stored


def _final_value(connection: Connection, plan: str, new: NewObservation) -> float | None:
    """The value to store: as given, or with --add the latest value after `add_since` plus it."""
    if new.add_since is None or new.value is None:
        return new.value
    latest = connection.execute(
        "SELECT value FROM observation WHERE plan = ? AND in_force = 1 AND org = ? AND indicator = ?"
        " AND as_of > ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
        (plan, new.org, new.indicator, new.add_since.isoformat(), new.as_of.isoformat()),
    ).fetchone()
    return (latest[0] if latest else 0.0) + new.value


def _retract(connection: Connection, plan: str, target: int, by: int) -> None:
    """Mark `target` retracted; if it was in force, the latest earlier value of the same org for
    its date returns."""
    indicator, org, as_of, was_in_force = connection.execute(
        "SELECT indicator, org, as_of, in_force FROM observation WHERE id = ?", (target,)
    ).fetchone()
    connection.execute("UPDATE observation SET retracted_by = ?, in_force = 0 WHERE id = ?", (by, target))
    if was_in_force:
        connection.execute(
            "UPDATE observation SET in_force = 1 WHERE id = (SELECT max(id) FROM observation WHERE plan = ?"
            " AND indicator = ? AND org = ? AND as_of = ? AND value IS NOT NULL AND retracted_by IS NULL)",
            (plan, indicator, org, as_of),
        )


def choose_retractable(connection: Connection, plan: str, record_id: int | None) -> Observation:
    """The record `undo` would retract, or a one-line refusal."""
    if record_id is None:
        row = connection.execute(
            f"SELECT {COLUMNS} FROM observation WHERE plan = ? AND value IS NOT NULL AND retracted_by IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (plan,),
        ).fetchone()
        if row is None:
            raise SytrackError("nothing to undo: no record in force")
    else:
        row = connection.execute(
            f"SELECT {COLUMNS} FROM observation WHERE plan = ? AND id = ?", (plan, record_id)
        ).fetchone()
        if row is None:
            raise SytrackError(f"no record #{record_id} (see `sytrack log --all`)")
        if row[9] is not None:
            raise SytrackError(f"#{record_id} is itself a retraction; record the value again instead")
        if row[11] is not None:
            raise SytrackError(f"#{record_id} was already retracted by #{row[11]}")
    return observation(row)
