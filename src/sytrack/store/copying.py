"""`db copy`: one plan's records from one store into another, ids renumbered after the target's own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sytrack.errors import SytrackError

if TYPE_CHECKING:
    from sytrack.store.records import Store

COPY_COLUMNS = (
    "id",
    "indicator",
    "value",
    "as_of",
    "recorded_at",
    "recorded_by",
    "note",
    "source",
    "supersedes",
    "retracts",
    "in_force",
    "retracted_by",
    "org",
    "denominator",
)


def copy_plan(source: Store, target: Store) -> int:
    """Copy the plan's records into `target` in one transaction, ids renumbered after the target's
    own, links kept; refuse if the target has records of the plan; verify the count."""
    rows = _read(source)
    with target.writing() as connection:
        already = _count(connection, target.plan)
        if already:
            raise SytrackError(
                f"{target.location} already holds {already} records of {target.plan}; nothing was copied"
            )
        offset = connection.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]
        new_id = {row[0]: offset + n for n, row in enumerate(rows, start=1)}
        connection.executemany(
            f"INSERT INTO observation (id, plan, {', '.join(COPY_COLUMNS[1:])}) VALUES ({', '.join('?' * 15)})",
            [_renumbered(row, new_id, target.plan) for row in rows],
        )
        # retracted_by points at later rows: set once every row is there.
        connection.executemany(
            "UPDATE observation SET retracted_by = ? WHERE id = ?",
            [(new_id[row[11]], new_id[row[0]]) for row in rows if row[11] is not None],
        )
        copied = _count(connection, target.plan)
        if copied != len(rows):
            raise SytrackError(f"copied {copied} records but read {len(rows)}; nothing was copied")
    return len(rows)


def _read(source: Store) -> list[tuple]:
    with source.reading() as connection:
        if connection is None:
            return []
        return connection.execute(
            f"SELECT {', '.join(COPY_COLUMNS)} FROM observation WHERE plan = ? ORDER BY id", (source.plan,)
        ).fetchall()


def _count(connection: Any, plan: str) -> int:
    return connection.execute("SELECT count(*) FROM observation WHERE plan = ?", (plan,)).fetchone()[0]


def _renumbered(row: tuple, new_id: dict[int, int], plan: str) -> tuple:
    """A row as the target stores it: its own id and links renumbered, retracted_by set later."""

    def link(old: int | None) -> int | None:
        return None if old is None else new_id[old]

    return (new_id[row[0]], plan, *row[1:8], link(row[8]), link(row[9]), row[10], None, *row[12:])
