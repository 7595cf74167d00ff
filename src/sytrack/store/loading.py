"""An import written: in SQL from the attached spool when no record needs a plan, else row by row
through the plan; a dry run counts the same way without writing."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sized
from typing import TYPE_CHECKING, Any

from sytrack.store import direct
from sytrack.store.importing import IMPORT_COLUMNS, ImportCounts, ImportPlan
from sytrack.store.spool import RecordSpool

if TYPE_CHECKING:
    from sytrack.store.records import Store

_CHUNK = 20_000  # rows the plan hands over at once, so a progress bar can follow without slowing each row


def next_id(connection: Any) -> int:
    return connection.execute("SELECT coalesce(max(id), 0) + 1 FROM observation").fetchone()[0]


def _direct(store: Store, connection: Any, records: Iterable[tuple]) -> RecordSpool | None:
    """The spool, attached to `connection`, when it can be written in SQL alone (see direct.py)."""
    if not isinstance(records, RecordSpool) or store.kind != "sqlite" or not records.independent:
        return None
    records.numbered()  # written before the data file's connection reads (and so locks) the spool
    if connection is not None:
        direct.attach(connection, records)
    return records


def _touched(records: Iterable[tuple]) -> tuple | None:
    """What a spool of records says the import must remember (RecordSpool.touched); None for a list."""
    return records.touched() if isinstance(records, RecordSpool) else None


def count_import(store: Store, records: Iterable[tuple], timestamp: str) -> ImportCounts:
    """What `write_import` would write and skip, read without writing."""
    with store.reading() as connection:
        spool = _direct(store, connection, records)
        if spool is not None:
            return direct.count(connection, store.plan, spool)
        first_id = 1 if connection is None else next_id(connection)
        plan = ImportPlan(connection, store.plan, first_id, timestamp, _touched(records))
        written = sum(1 for _ in plan.rows(records))
    return ImportCounts(written, plan.skipped)


def write_import(
    store: Store, records: Iterable[tuple], timestamp: str, on_row: Callable[[int], None] | None
) -> ImportCounts:
    """Write every record in one transaction, or none (see Store.import_counted)."""
    expected = len(records) if isinstance(records, Sized) else 0
    with store.writing() as connection:
        first_id = next_id(connection)
        spool = _direct(store, connection, records)
        if spool is not None:
            with store.backend.bulk_load(connection, "observation", IMPORT_COLUMNS, expected, ()) as inserter:
                return direct.write(connection, inserter, store.plan, spool, first_id, timestamp, on_row)
        plan = ImportPlan(connection, store.plan, first_id, timestamp, _touched(records))
        written = _write_planned(store, connection, plan, records, expected, on_row)
    return ImportCounts(written, plan.skipped)


def _write_planned(
    store: Store,
    connection: Any,
    plan: ImportPlan,
    records: Iterable[tuple],
    expected: int,
    on_row: Callable[[int], None] | None,
) -> int:
    """Rows as the plan gives them, in chunks, each value record in force when written; what
    later records change (a supersession, a retraction) is applied after each chunk and at the end."""
    written, generator, ledger = 0, plan.rows(records), plan.ledger
    leave = "UPDATE observation SET in_force = 0 WHERE id = ?"
    with store.backend.bulk_load(connection, "observation", IMPORT_COLUMNS, expected, plan.indexes_read) as insert:
        while batch := list(itertools.islice(generator, _CHUNK)):
            insert(batch)
            written += len(batch)
            # Every row the ledger names is in the table now: written at once, so that memory
            # stays flat when a file revises millions of stored values.
            connection.executemany(leave, ((i,) for i in ledger.flushed()))
            if on_row is not None:
                on_row(len(batch))
    connection.executemany(leave, ((i,) for i in ledger.flushed()))
    connection.executemany("UPDATE observation SET in_force = 1 WHERE id = ?", ((i,) for i in ledger.came_back))
    connection.executemany("UPDATE observation SET retracted_by = ? WHERE id = ?", ledger.retractions())
    return written
