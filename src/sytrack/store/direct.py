"""An import written in SQL alone: the spool attached to the data file, one INSERT ... SELECT a chunk.

Used when no record of the file needs the import's plan (importing.ImportPlan) to follow the
records one after another: none is a retraction and no two are about one indicator, org and
date. Then each record is on its own: already recorded (a stored record of its date has its
value, denominator, note and source, and its recorded_at if it has one: skipped and counted),
or written in force, superseding the stored record in force for its date if there is one. Ids
go in history order to the records written, exactly as the plan gives them; SQLite reads the
spool and fills the table without a Python object per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sytrack.store.importing import IMPORT_COLUMNS, ImportCounts
from sytrack.store.spool import RecordSpool

_CHUNK = 50_000  # rows a statement: a progress bar can follow, and each statement is still long
SPOOL = "spool"  # the name the spool is attached under
_TODO = "temp.sytrack_import"  # the records to write, numbered, with what each supersedes
# IMPORT_COLUMNS from the spool's record `r` (`?`: the plan, the timestamp; then what it supersedes).
_SELECTED = (
    "?, r.indicator, r.value, r.as_of, coalesce(r.recorded_at, ?), r.by, r.note, r.source, {supersedes}, NULL, 1"
)
# The stored records about record `r`'s indicator, org and date (one probe of the store's index).
_SAME_DATE = "o.plan = ? AND o.indicator = r.indicator AND o.org = r.org AND o.as_of = r.as_of"
_RECORDED = (
    f"EXISTS (SELECT 1 FROM observation AS o WHERE {_SAME_DATE} AND o.value = r.value AND o.note = r.note"
    " AND o.source = r.source AND o.denominator IS r.denominator"
    " AND (r.recorded_at IS NULL OR o.recorded_at = r.recorded_at))"
)
_IN_FORCE = f"(SELECT o.id FROM observation AS o WHERE {_SAME_DATE} AND o.in_force = 1)"


def attach(connection: Any, spool: RecordSpool) -> None:
    spool.seal()
    connection.execute(f"ATTACH DATABASE ? AS {SPOOL}", (spool.path,))


def _holds_plan(connection: Any, plan: str) -> bool:
    if connection is None:
        return False
    return connection.execute("SELECT 1 FROM observation WHERE plan = ? LIMIT 1", (plan,)).fetchone() is not None


def count(connection: Any, plan: str, spool: RecordSpool) -> ImportCounts:
    """What `write` would write and skip, read without writing (the spool attached, if the store exists)."""
    if not _holds_plan(connection, plan):
        return ImportCounts(len(spool), 0)
    source, _ = spool.numbered()
    recorded = connection.execute(f"SELECT count(*) FROM {source} WHERE {_RECORDED}", (plan,)).fetchone()[0]
    return ImportCounts(len(spool) - recorded, recorded)


def write(
    connection: Any,
    inserter: Any,
    plan: str,
    spool: RecordSpool,
    first_id: int,
    timestamp: str,
    on_row: Callable[[int], None] | None,
) -> ImportCounts:
    """Write the spool's records not already recorded through the bulk load's `inserter`."""
    source, number = spool.numbered()
    supersedes = "NULL"
    if _holds_plan(connection, plan):
        # Which to write, and what each supersedes, asked of the store before anything is written.
        connection.execute(f"DROP TABLE IF EXISTS {_TODO}")
        connection.execute(f"CREATE TABLE {_TODO} (n INTEGER PRIMARY KEY, seq INTEGER NOT NULL, supersedes INTEGER)")
        connection.execute(
            f"INSERT INTO {_TODO} (seq, supersedes) SELECT r.seq, {_IN_FORCE} FROM {source}"
            f" WHERE NOT {_RECORDED} ORDER BY {number}",
            (plan, plan),
        )
        source, number, supersedes = f"{_TODO} AS t JOIN {SPOOL}.record AS r ON r.seq = t.seq", "t.n", "t.supersedes"
        total = connection.execute(f"SELECT count(*) FROM {_TODO}").fetchone()[0]
    else:
        total = len(spool)
    if on_row is not None and total < len(spool):
        on_row(len(spool) - total)  # the rows already recorded: done
    statement = (
        f"INSERT INTO observation ({', '.join(IMPORT_COLUMNS)}) SELECT {number} + ?,"
        f" {_SELECTED.format(supersedes=supersedes)}, r.org, r.denominator"
        f" FROM {source} WHERE {number} BETWEEN ? AND ? ORDER BY {number}"
    )
    for start in range(1, total + 1, _CHUNK):
        end = min(start + _CHUNK - 1, total)
        inserter.select(statement, (first_id - 1, plan, timestamp, start, end))
        if on_row is not None:
            on_row(end - start + 1)
    if supersedes != "NULL":
        connection.execute(
            "UPDATE observation SET in_force = 0 WHERE id IN"
            f" (SELECT supersedes FROM {_TODO} WHERE supersedes IS NOT NULL)"
        )
    return ImportCounts(total, len(spool) - total)
