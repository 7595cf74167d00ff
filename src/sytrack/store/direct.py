"""An import written in SQL alone: the spool attached to the data file, one INSERT ... SELECT a chunk.

Used when no record of the file needs the import's plan (importing.ImportPlan): none is a
retraction, no two are about one indicator, org and date, and the store holds no record of any
date the file gives (so none is already recorded and none supersedes a stored one). Then every
record is written in force, superseding nothing, with ids in history order, exactly as the plan
would write it; SQLite reads the spool and fills the table without a Python object per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sytrack.store.importing import IMPORT_COLUMNS
from sytrack.store.spool import RecordSpool

_CHUNK = 50_000  # rows a statement: a progress bar can follow, and each statement is still long
# IMPORT_COLUMNS, as the plan gives them, from the spool's record `r` (`?` the plan, the timestamp).
_SELECTED = (
    "?, r.indicator, r.value, r.as_of, coalesce(r.recorded_at, ?), r.by, r.note, r.source, NULL, NULL, 1,"
    " r.org, r.denominator"
)
SPOOL = "spool"  # the name the spool is attached under


def attach(connection: Any, spool: RecordSpool) -> None:
    spool.seal()
    connection.execute(f"ATTACH DATABASE ? AS {SPOOL}", (spool.path,))


def detach(connection: Any) -> None:
    connection.execute(f"DETACH DATABASE {SPOOL}")


def applies(connection: Any, plan: str, spool: RecordSpool) -> bool:
    """Whether the spool (attached to `connection`, or with no store yet) can be written directly."""
    if not spool.independent:
        return False
    if (
        connection is None
        or connection.execute("SELECT 1 FROM observation WHERE plan = ? LIMIT 1", (plan,)).fetchone() is None
    ):
        return True
    # One probe of the (plan, indicator, org, date) index per record, in SQLite: a month's new
    # figures for a store of millions are found to be new in milliseconds.
    overlap = connection.execute(
        f"SELECT 1 FROM {SPOOL}.record AS r WHERE EXISTS (SELECT 1 FROM observation AS o WHERE o.plan = ?"
        " AND o.indicator = r.indicator AND o.org = r.org AND o.as_of = r.as_of) LIMIT 1",
        (plan,),
    ).fetchone()
    return overlap is None


def write(
    connection: Any,
    inserter: Any,
    plan: str,
    spool: RecordSpool,
    first_id: int,
    timestamp: str,
    on_row: Callable[[int], None] | None,
) -> int:
    """Write every record of the spool through the bulk load's `inserter`; how many were written."""
    source, number = spool.numbered()
    statement = (
        f"INSERT INTO observation ({', '.join(IMPORT_COLUMNS)}) SELECT {number} + ?, {_SELECTED}"
        f" FROM {source} WHERE {number} BETWEEN ? AND ? ORDER BY {number}"
    )
    total = len(spool)
    for start in range(1, total + 1, _CHUNK):
        end = min(start + _CHUNK - 1, total)
        inserter.select(statement, (first_id - 1, plan, timestamp, start, end))
        if on_row is not None:
            on_row(end - start + 1)
    return total
