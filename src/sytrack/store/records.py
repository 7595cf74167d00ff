"""The one Store API over any backend: recording, history, undo, import and copy, in SQL written once."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sytrack.errors import SytrackError
from sytrack.model import CITY, Observation
from sytrack.store import writes
from sytrack.store.as_known import EXPORT_SELECT, KNOWN_PLAN, KNOWN_TABLE, known_parameters
from sytrack.store.backend import Backend
from sytrack.store.importing import ImportCounts
from sytrack.store.rows import COLUMNS as _COLUMNS
from sytrack.store.rows import Dates as _Dates
from sytrack.store.rows import NewObservation, utc_timestamp
from sytrack.store.rows import observation as _observation

__all__ = ["EXPORT_SELECT", "KNOWN_PLAN", "KNOWN_TABLE", "NewObservation", "Store", "utc_timestamp"]


class Store:
    """One plan's observations in one backend (a data file, or a database several plans share).
    Reads never create anything; the first write creates the store at the current schema."""

    def __init__(self, backend: Backend | Path, plan: str) -> None:
        if isinstance(backend, Path):
            from sytrack.store.sqlite import SQLiteBackend

            backend = SQLiteBackend(backend)
        self.backend = backend
        self.plan = plan
        self._newest: str | None = None

    @property
    def kind(self) -> str:
        return self.backend.kind

    @property
    def location(self) -> str:
        """Where the data is, fit to print (a server's password hidden)."""
        return self.backend.location

    def exists(self) -> bool:
        return self.backend.exists()

    def schema_version(self) -> int:
        """The store's schema version (0 when nothing has been recorded yet)."""
        return self.backend.schema_version()

    def reading(self) -> Any:
        return self.backend.reading()

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """One write transaction; whatever it wrote, the columns "as known" reads rest on are
        brought up to date for it before it commits (`writes.settle_known`)."""
        self._newest = None  # a write may add a newer record
        with self.backend.writing() as connection:
            newest_before = writes.newest_id(connection)
            yield connection
            writes.settle_known(connection, newest_before)

    # -- reading -------------------------------------------------------------------------------

    def _source(self, known_by: str | None, one_indicator: bool = False) -> tuple[str, list]:
        """The table to read and the parameters it takes: the table itself, or with `known_by` (a
        UTC timestamp, `cycle.day_end(DATE)`) the table as it was known before then, built to be
        read for one indicator or for the whole plan."""
        if known_by is None or known_by > self._newest_recorded_at():
            return "observation", []  # known after the newest record: everything, as it stands now
        return KNOWN_TABLE if one_indicator else KNOWN_PLAN, known_parameters(known_by, self.plan)

    def _newest_recorded_at(self) -> str:
        """When the newest record was made ("" with none), read once per Store: a cutoff after it
        needs no rebuilt table, and `diff --to today` or `status --as-known today` read as fast as
        `status` does."""
        if self._newest is None:
            with self.reading() as connection:
                row = (
                    None
                    if connection is None
                    else connection.execute(
                        "SELECT max(recorded_at) FROM observation WHERE plan = ?", (self.plan,)
                    ).fetchone()
                )
            self._newest = (row[0] if row else None) or ""
        return self._newest

    def history(self, indicator: str | None = None, known_by: str | None = None) -> list[Observation]:
        """Every record of the plan (or of one indicator), oldest first, each marked with its state;
        with `known_by`, only those recorded before it, in the state they were in then."""
        with self.reading() as connection:
            if connection is None:
                return []
            source, parameters = self._source(known_by, indicator is not None)
            query = f"SELECT {_COLUMNS} FROM {source} WHERE plan = ?"
            parameters.append(self.plan)
            if indicator is not None:
                query += " AND indicator = ?"
                parameters.append(indicator)
            return [_observation(row) for row in connection.execute(query + " ORDER BY id", parameters)]

    def newest_first(
        self,
        indicator: str | None = None,
        in_force_only: bool = False,
        recorded_since: str = "",
        known_by: str | None = None,
        org: str | None = None,
    ) -> Iterator[Observation]:
        """The records newest first, streamed in pages by id (`log`: the first lines come at once and
        memory stays flat however long the history). `in_force_only` leaves out superseded and
        retracted records and the retractions; `recorded_since` those recorded before that time;
        with `known_by`, only those recorded before it, in the state they were in then; with `org`,
        only that reporter's (CITY: the city's own)."""
        # For the whole plan, `plan || ''` and `in_force + 0` keep SQLite off the indexes on those
        # columns: walking the table backwards by id finds the newest at once, where an index would
        # sort every record. One indicator's few records come by its index, then sorted.
        source, parameters = self._source(known_by, indicator is not None)
        conditions = ["plan = ?" if indicator else "plan || '' = ?"]
        parameters.append(self.plan)
        if indicator is not None:
            conditions.append("indicator = ?")
            parameters.append(indicator)
        if in_force_only:
            conditions.append("in_force + 0 = 1 AND retracts IS NULL AND retracted_by IS NULL")
        if recorded_since:
            conditions.append("recorded_at >= ?")
            parameters.append(recorded_since)
        if org is not None:
            conditions.append("org = ?")
            parameters.append(org)
        query = f"SELECT {_COLUMNS} FROM {source} WHERE {' AND '.join(conditions)}"
        with self.reading() as connection:
            if connection is None:
                return
            if known_by is not None:  # the table as known is built once, not once a page
                yield from map(_observation, connection.execute(f"{query} ORDER BY id DESC", parameters))
                return
            page, before = 200, None  # a small first page: the first lines come before the rest is read
            while True:
                after = " AND id < ?" if before is not None else ""
                rows = connection.execute(
                    f"{query}{after} ORDER BY id DESC LIMIT ?",
                    [*parameters, *([before] if before is not None else []), page],
                ).fetchall()
                yield from map(_observation, rows)
                if len(rows) < page:
                    return
                before, page = rows[-1][0], 5000

    def export_rows(self, known_by: str | None = None, org: str | None = None) -> Iterator[tuple]:
        """Every record as a tuple in the export's column order, oldest first, streamed; with
        `known_by`, as `history` gives them; with `org`, only that reporter's (CITY: the city's own)."""
        with self.reading() as connection:
            if connection is None:
                return
            source, parameters = self._source(known_by)
            query = EXPORT_SELECT.replace("FROM observation", f"FROM {source}", 1)
            # "org || ''", as "plan || ''": the table in id order, not an index and a sort.
            by_org, more = (" AND org || '' = ?", (org,)) if org is not None else ("", ())
            yield from connection.execute(query + by_org + " ORDER BY id", (*parameters, self.plan, *more))

    def current(
        self, indicator: str | None = None, org: str = CITY, known_by: str | None = None
    ) -> dict[str, list[tuple[dt.date, float]]]:
        """The values in force of one reporter (the city's own by default), per indicator, as
        (as-of date, value) in date order; with `known_by`, those in force as known before it."""
        import operator

        with self.reading() as connection:
            if connection is None:
                return {}
            source, parameters = self._source(known_by, indicator is not None)
            query = f"SELECT indicator, as_of, value FROM {source} WHERE plan = ? AND in_force = 1 AND org = ?"
            parameters += [self.plan, org]
            if indicator is not None:
                query += " AND indicator = ?"
                parameters.append(indicator)
            # Streamed, not fetched: a million rows share a few hundred dates, each parsed once.
            dates = _Dates()
            rows = connection.execute(query + " ORDER BY indicator, as_of", parameters)
            return {
                name: [(dates[as_of], value) for _, as_of, value in group]
                for name, group in itertools.groupby(rows, key=operator.itemgetter(0))
            }

    def current_of_orgs(
        self, indicator: str | None = None, known_by: str | None = None
    ) -> dict[str, dict[str, list[tuple]]]:
        """Every org's values in force, per indicator and org, as (as-of date, value) or, where the
        org gave one, (as-of date, value, denominator), in date order: one query for all orgs. With
        `known_by`, those in force as known before it."""
        return {name: orgs for name, _own, orgs in self.current_with_orgs(indicator, known_by) if orgs}

    def current_with_orgs(
        self, indicator: str | None = None, known_by: str | None = None
    ) -> Iterator[tuple[str, list, dict[str, list]]]:
        """(indicator, the city's own points, each org's points) for every indicator with values in
        force, in id order, streamed from one query in the index's order: a caller that rolls up
        one indicator at a time holds one indicator's figures, whatever the number of districts.
        With `known_by`, those in force as known before it."""
        import operator

        with self.reading() as connection:
            if connection is None:
                return
            source, parameters = self._source(known_by, indicator is not None)
            query = f"SELECT indicator, org, as_of, value, denominator FROM {source} WHERE plan = ? AND in_force = 1"
            parameters.append(self.plan)
            if indicator is not None:
                query += " AND indicator = ?"
                parameters.append(indicator)
            dates = _Dates()
            rows = connection.execute(query + " ORDER BY indicator, org, as_of", parameters)
            for name, group in itertools.groupby(rows, key=operator.itemgetter(0)):
                own: list = []
                orgs: dict[str, list] = {}
                for _, org, as_of, value, denominator in group:
                    if not org:
                        own.append((dates[as_of], value))
                    elif denominator is None:
                        orgs.setdefault(org, []).append((dates[as_of], value))
                    else:
                        orgs.setdefault(org, []).append((dates[as_of], value, denominator))
                yield name, own, orgs

    def receipts(self, known_by: str | None = None) -> dict[str, dict[str, list[tuple[dt.date, str]]]]:
        """Per indicator and org (CITY for the city's own), each date that has a value standing,
        with the first time a value for it was recorded (a revision does not make a report late),
        in date order: `cycle.reports`'s receipts, counted by one GROUP BY. With `known_by`, as
        known before it."""
        with self.reading() as connection:
            if connection is None:
                return {}
            # Its own query, not the table as known: no record in force is needed, only whether a
            # value was retracted by then. "plan || ''" keeps SQLite reading the table in order
            # rather than the indicator index and then every row (three times faster here).
            query = (
                "SELECT indicator, org, as_of, min(recorded_at) FROM observation"
                " WHERE plan || '' = ? AND value IS NOT NULL"
            )
            parameters: list = [self.plan]
            if known_by is None:
                query += " AND retracted_by IS NULL"
            else:
                query += " AND recorded_at < ? AND (retracted_at IS NULL OR retracted_at >= ?)"
                parameters += [known_by, known_by]
            rows = connection.execute(
                query + " GROUP BY indicator, org, as_of ORDER BY indicator, org, as_of", parameters
            )
            dates = _Dates()
            found: dict[str, dict[str, list[tuple[dt.date, str]]]] = {}
            for name, org, as_of, first in rows:
                found.setdefault(name, {}).setdefault(org, []).append((dates[as_of], first))
            return found

    def replay_records(
        self, recorded_from: str | None = None, known_by: str | None = None
    ) -> dict[str, list[Observation]]:
        """Records (values and retractions) by indicator, oldest first, as `sytrack.replay` needs
        them to know an indicator at any moment before `known_by`: every record, or with
        `recorded_from` only those of the (indicator, date)s that have a record made at or after
        it; a date with nothing recorded between two reports cannot be a cause of change."""
        with self.reading() as connection:
            if connection is None:
                return {}
            source, parameters = self._source(known_by)
            query = f"SELECT {_COLUMNS} FROM {source} WHERE plan = ?"
            parameters.append(self.plan)
            if recorded_from is not None:
                query += (
                    " AND (indicator, as_of) IN (SELECT indicator, as_of FROM observation WHERE plan = ?"
                    " AND recorded_at >= ?" + (" AND recorded_at < ?)" if known_by is not None else ")")
                )
                parameters += [self.plan, recorded_from] + ([known_by] if known_by is not None else [])
            found: dict[str, list[Observation]] = {}
            dates = _Dates()  # a few hundred dates among a million records: each parsed once
            for row in connection.execute(query + " ORDER BY indicator, id", parameters):
                found.setdefault(row[1], []).append(_observation(row, dates))
            return found

    def count(self) -> int:
        with self.reading() as connection:
            if connection is None:
                return 0
            return connection.execute("SELECT count(*) FROM observation WHERE plan = ?", (self.plan,)).fetchone()[0]

    def records_per_indicator(self, known_by: str | None = None) -> dict[str, int]:
        """How many records (values and retractions) each indicator has; with `known_by`, how many
        had been recorded before it."""
        query, parameters = "SELECT indicator, count(*) FROM observation WHERE plan = ?", [self.plan]
        if known_by is not None:
            query += " AND recorded_at < ?"
            parameters.append(known_by)
        with self.reading() as connection:
            if connection is None:
                return {}
            return dict(connection.execute(query + " GROUP BY indicator", parameters))

    # -- writing -------------------------------------------------------------------------------

    def record(
        self, new: NewObservation, now: dt.datetime, validate: Callable[[float], None] | None = None
    ) -> Observation:
        """Store one observation; a value for a date that already has one supersedes it.
        `validate` sees the final value (after --add) inside the transaction and may refuse it."""
        with self.writing() as connection:
            return writes.insert(connection, self.plan, new, utc_timestamp(now), validate)

    def undo(
        self, record_id: int | None, recorded_by: str, now: dt.datetime, note: str = ""
    ) -> tuple[Observation, Observation]:
        """Retract a record (the latest one in force when `record_id` is None); return it and the retraction."""
        if not self.exists():
            raise SytrackError(f"nothing to undo: no data file yet ({self.location})")
        # Check first without writing, so that a refused undo leaves the file byte for byte as it was.
        with self.reading() as connection:
            if connection is not None:
                writes.choose_retractable(connection, self.plan, record_id)
        with self.writing() as connection:
            target = writes.choose_retractable(connection, self.plan, record_id)
            retraction = writes.insert(
                connection,
                self.plan,
                NewObservation(
                    target.indicator, target.as_of, None, recorded_by, note=note, retracts=target.id, org=target.org
                ),
                utc_timestamp(now),
            )
            return target, retraction

    def import_records(
        self, records: Iterable[tuple], now: dt.datetime, on_row: Callable[[int], None] | None = None
    ) -> int:
        """`import_counted`, returning only how many records were written."""
        return self.import_counted(records, now, on_row).written

    def import_counted(
        self,
        records: Iterable[tuple],
        now: dt.datetime,
        on_row: Callable[[int], None] | None = None,
        dry_run: bool = False,
    ) -> ImportCounts:
        """Write all records in one transaction, or none; with `dry_run`, only read and count.
        Each record is a tuple (file id, indicator, as-of ISO date, value or None, by, note, source,
        file id it retracts, recorded-at or None[, org, denominator or None]): file ids let later
        records retract earlier ones by the ids an export gave them. Rows already recorded are
        skipped and counted. See loading.py: a spool of independent records is written in SQL;
        any other import row by row through its plan (importing.py)."""
        from sytrack.store.loading import count_import, write_import

        if dry_run:
            return count_import(self, records, utc_timestamp(now))
        return write_import(self, records, utc_timestamp(now), on_row)

    def latest_values(self, pairs: Iterable[tuple[str, str]], count: int) -> dict[tuple[str, str], list[float]]:
        """The last `count` values in force of each (indicator, org), oldest first: one connection, and
        one probe of the in-force index per pair (an import judges its rows by them)."""
        with self.reading() as connection:
            if connection is None:
                return {}
            found = {}
            for indicator, org in pairs:
                values = connection.execute(
                    "SELECT value FROM observation WHERE plan = ? AND in_force = 1 AND indicator = ? AND org = ?"
                    " ORDER BY as_of DESC LIMIT ?",
                    (self.plan, indicator, org, count),
                ).fetchall()
                if values:
                    found[indicator, org] = [value for (value,) in reversed(values)]
            return found

    # -- copying -------------------------------------------------------------------------------

    def copy_to(self, target: Store) -> int:
        """Copy this plan's records into `target` in one transaction, ids renumbered after the
        target's own, links kept; refuse if the target has records of the plan; verify the count."""
        from sytrack.store.copying import copy_plan

        return copy_plan(self, target)
