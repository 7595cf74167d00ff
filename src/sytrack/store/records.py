"""The one Store API over any backend: recording, history, undo, import and copy, in SQL written once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sized
from pathlib import Path
from typing import Any, NamedTuple

from sytrack.errors import SytrackError
from sytrack.model import CITY, Observation
from sytrack.store.backend import Backend, Connection
from sytrack.store.importing import IMPORT_COLUMNS, ImportCounts, ImportPlan

_COLUMNS = (
    "id, indicator, value, as_of, recorded_at, recorded_by, note, source, supersedes, retracts, in_force,"
    " retracted_by, org, denominator"
)


def _whole(column: str) -> str:
    """values.whole_number in SQL, for the million-row export: a whole number as an integer (41000, not 41000.0), any other
    as the exact float."""
    return (
        f"CASE WHEN abs({column}) >= 1e15 THEN {column} WHEN {column} = CAST({column} AS BIGINT)"
        f" THEN CAST({column} AS BIGINT) ELSE {column} END"
    )


# The export's column order: the import's six first, org and denominator last (see views.OBSERVATION_COLUMNS).
EXPORT_SELECT = (
    f"SELECT indicator, {_whole('value')}, as_of, note, source, recorded_by, id, recorded_at, supersedes,"
    " retracts, CASE WHEN retracts IS NOT NULL THEN 'retraction' WHEN retracted_by IS NOT NULL THEN 'retracted'"
    f" WHEN in_force = 1 THEN 'current' ELSE 'superseded' END, org, {_whole('denominator')}"
    # "plan || ''" keeps SQLite from choosing an index on plan and then sorting a million ids:
    # reading the table in id order and skipping other plans is faster.
    " FROM observation WHERE plan || '' = ?"
)
# The observation table as it stood when everything recorded before a cutoff (`cycle.day_end`) was
# known and nothing after: later rows left out, a retraction recorded later not yet seen, and the
# record in force per (indicator, org, date) the latest value not retracted then, as `_retract` chooses.
# It has the table's columns and name, so every read query runs on it unchanged; its parameters
# (cutoff four times, plan, cutoff) come before the query's own.
KNOWN_TABLE = (
    "(SELECT o.id, o.plan, o.indicator, o.value, o.as_of, o.recorded_at, o.recorded_by, o.note, o.source,"
    " o.supersedes, o.retracts, o.org, o.denominator,"
    # In force: a value not retracted then, with no later such value for its date (one index probe).
    " CASE WHEN o.value IS NOT NULL AND (r.id IS NULL OR r.recorded_at >= ?) AND NOT EXISTS (SELECT 1"
    "  FROM observation k LEFT JOIN observation kr ON kr.id = k.retracted_by"
    "  WHERE k.plan = o.plan AND k.indicator = o.indicator AND k.org = o.org AND k.as_of = o.as_of AND k.id > o.id"
    "  AND k.value IS NOT NULL AND k.recorded_at < ? AND (kr.id IS NULL OR kr.recorded_at >= ?))"
    " THEN 1 ELSE 0 END AS in_force,"
    " CASE WHEN r.recorded_at < ? THEN o.retracted_by END AS retracted_by"
    " FROM observation o LEFT JOIN observation r ON r.id = o.retracted_by"
    " WHERE o.plan = ? AND o.recorded_at < ?) AS observation"
)


class NewObservation(NamedTuple):
    """What a user asks to store: a value, or (with `retracts`) the retraction of an earlier record."""

    indicator: str
    as_of: dt.date
    value: float | None
    recorded_by: str
    note: str = ""
    source: str = ""
    retracts: int | None = None
    recorded_at: str | None = None  # kept from an imported export; else the time of writing
    add_since: dt.date | None = None  # --add: the value is an increment on the latest after this date
    org: str = CITY  # who reported it: an org's id, or CITY for the city's own figure
    denominator: float | None = None  # a share's or rate's base, for the city's roll-up


def utc_timestamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Dates(dict):
    """ISO text -> date, each parsed on first use."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day


def _state(retracts: int | None, retracted_by: int | None, in_force: int) -> str:
    if retracts is not None:
        return "retraction"
    if retracted_by is not None:
        return "retracted"
    return "current" if in_force else "superseded"


def _observation(row: tuple, dates: dict | None = None) -> Observation:
    return Observation(
        id=row[0],
        indicator=row[1],
        value=row[2],
        as_of=dates[row[3]] if dates is not None else dt.date.fromisoformat(row[3]),
        recorded_at=row[4],
        recorded_by=row[5],
        note=row[6],
        source=row[7],
        supersedes=row[8],
        retracts=row[9],
        state=_state(row[9], row[11], row[10]),
        org=row[12],
        denominator=row[13],
    )


def _touched(records: Iterable[tuple]) -> tuple | None:
    """What a spool of records says the import must remember (RecordSpool.touched); None for a list."""
    from sytrack.store.spool import RecordSpool

    return records.touched() if isinstance(records, RecordSpool) else None


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

    def writing(self) -> Any:
        self._newest = None  # a write may add a newer record
        return self.backend.writing()

    # -- reading -------------------------------------------------------------------------------

    def _source(self, known_by: str | None) -> tuple[str, list]:
        """The table to read and the parameters it takes: the table itself, or with `known_by` (a
        UTC timestamp, `cycle.day_end(DATE)`) the table as it was known before then."""
        if known_by is None or known_by > self._newest_recorded_at():
            return "observation", []  # known after the newest record: everything, as it stands now
        return KNOWN_TABLE, [known_by, known_by, known_by, known_by, self.plan, known_by]

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
            source, parameters = self._source(known_by)
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
        source, parameters = self._source(known_by)
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
            source, parameters = self._source(known_by)
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
            source, parameters = self._source(known_by)
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
                "SELECT o.indicator, o.org, o.as_of, min(o.recorded_at) FROM observation o"
                " LEFT JOIN observation r ON r.id = o.retracted_by WHERE o.plan || '' = ? AND o.value IS NOT NULL"
            )
            parameters: list = [self.plan]
            if known_by is None:
                query += " AND o.retracted_by IS NULL"
            else:
                query += " AND o.recorded_at < ? AND (r.id IS NULL OR r.recorded_at >= ?)"
                parameters += [known_by, known_by]
            rows = connection.execute(
                query + " GROUP BY o.indicator, o.org, o.as_of ORDER BY o.indicator, o.org, o.as_of", parameters
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

    def records_per_indicator(self) -> dict[str, int]:
        with self.reading() as connection:
            if connection is None:
                return {}
            return dict(
                connection.execute(
                    "SELECT indicator, count(*) FROM observation WHERE plan = ? GROUP BY indicator", (self.plan,)
                )
            )

    # -- writing -------------------------------------------------------------------------------

    def record(
        self, new: NewObservation, now: dt.datetime, validate: Callable[[float], None] | None = None
    ) -> Observation:
        """Store one observation; a value for a date that already has one supersedes it.
        `validate` sees the final value (after --add) inside the transaction and may refuse it."""
        with self.writing() as connection:
            return self._insert(connection, new, utc_timestamp(now), validate)

    def _in_force(self, connection: Connection, indicator: str, org: str, as_of: str) -> int | None:
        row = connection.execute(
            "SELECT id FROM observation WHERE plan = ? AND in_force = 1 AND org = ? AND indicator = ? AND as_of = ?",
            (self.plan, org, indicator, as_of),
        ).fetchone()
        return row[0] if row else None

    def _insert(
        self,
        connection: Connection,
        new: NewObservation,
        timestamp: str,
        validate: Callable[[float], None] | None = None,
    ) -> Observation:
        value, as_of = new.value, new.as_of.isoformat()
        if new.add_since is not None and value is not None:
            latest = connection.execute(
                "SELECT value FROM observation WHERE plan = ? AND in_force = 1 AND org = ? AND indicator = ?"
                " AND as_of > ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
                (self.plan, new.org, new.indicator, new.add_since.isoformat(), as_of),
            ).fetchone()
            value = (latest[0] if latest else 0.0) + value
        if validate is not None and value is not None:
            validate(value)
        supersedes = None
        if new.retracts is None:
            supersedes = self._in_force(connection, new.indicator, new.org, as_of)
            if supersedes is not None:
                connection.execute("UPDATE observation SET in_force = 0 WHERE id = ?", (supersedes,))
        # Ids are given here, under the write lock, the same way on every kind of store.
        new_id = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM observation").fetchone()[0]
        connection.execute(
            "INSERT INTO observation (id, plan, indicator, value, as_of, recorded_at, recorded_by, note, source,"
            " supersedes, retracts, in_force, org, denominator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_id,
                self.plan,
                new.indicator,
                value,
                as_of,
                new.recorded_at or timestamp,
                new.recorded_by,
                new.note,
                new.source,
                supersedes,
                new.retracts,
                int(new.retracts is None),
                new.org,
                None if new.retracts is not None else new.denominator,
            ),
        )
        if new.retracts is not None:
            self._retract(connection, new.retracts, new_id)
        return Observation(
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
            None if new.retracts is not None else new.denominator,
        )

    def _retract(self, connection: Connection, target: int, by: int) -> None:
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
                (self.plan, indicator, org, as_of),
            )

    def undo(
        self, record_id: int | None, recorded_by: str, now: dt.datetime, note: str = ""
    ) -> tuple[Observation, Observation]:
        """Retract a record (the latest one in force when `record_id` is None); return it and the retraction."""
        if not self.exists():
            raise SytrackError(f"nothing to undo: no data file yet ({self.location})")
        # Check first without writing, so that a refused undo leaves the file byte for byte as it was.
        with self.reading() as connection:
            if connection is not None:
                self._choose_retractable(connection, record_id)
        with self.writing() as connection:
            target = self._choose_retractable(connection, record_id)
            retraction = self._insert(
                connection,
                NewObservation(
                    target.indicator, target.as_of, None, recorded_by, note=note, retracts=target.id, org=target.org
                ),
                utc_timestamp(now),
            )
            return target, retraction

    def _choose_retractable(self, connection: Connection, record_id: int | None) -> Observation:
        """The record `undo` would retract, or a one-line refusal."""
        if record_id is None:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM observation WHERE plan = ? AND value IS NOT NULL AND retracted_by IS NULL"
                " ORDER BY id DESC LIMIT 1",
                (self.plan,),
            ).fetchone()
            if row is None:
                raise SytrackError("nothing to undo: no record in force")
        else:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM observation WHERE plan = ? AND id = ?", (self.plan, record_id)
            ).fetchone()
            if row is None:
                raise SytrackError(f"no record #{record_id} (see `sytrack log --all`)")
            if row[9] is not None:
                raise SytrackError(f"#{record_id} is itself a retraction; record the value again instead")
            if row[11] is not None:
                raise SytrackError(f"#{record_id} was already retracted by #{row[11]}")
        return _observation(row)

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
        file id it retracts, recorded-at or None[, org, denominator or None]): file ids let later records retract earlier ones
        by the ids an export gave them. Rows already recorded are skipped and counted.

        Rows are written as they come, in chunks, each value record in force when written; what
        later records of the file change (a supersession, a retraction) is kept by the plan's
        ledger and applied at the end of the same transaction."""
        if dry_run:
            with self.reading() as connection:
                first_id = 1 if connection is None else self._next_id(connection)
                plan = ImportPlan(connection, self.plan, first_id, utc_timestamp(now), _touched(records))
                written = sum(1 for _ in plan.rows(records))
            return ImportCounts(written, plan.skipped)
        with self.writing() as connection:
            plan = ImportPlan(connection, self.plan, self._next_id(connection), utc_timestamp(now), _touched(records))
            written = 0
            chunk = 20_000  # written in chunks, so a progress bar can follow without slowing each row
            generator = plan.rows(records)
            expected = len(records) if isinstance(records, Sized) else 0
            with self.backend.bulk_load(
                connection, "observation", IMPORT_COLUMNS, expected, plan.indexes_read
            ) as insert:
                while batch := list(itertools.islice(generator, chunk)):
                    insert(batch)
                    written += len(batch)
                    if on_row is not None:
                        on_row(len(batch))
            ledger = plan.ledger
            connection.executemany(
                "UPDATE observation SET in_force = 0 WHERE id = ?", ((i,) for i in ledger.left_force)
            )
            connection.executemany("UPDATE observation SET in_force = 1 WHERE id = ?", ((i,) for i in ledger.came_back))
            connection.executemany("UPDATE observation SET retracted_by = ? WHERE id = ?", ledger.retractions())
        return ImportCounts(written, plan.skipped)

    @staticmethod
    def _next_id(connection: Any) -> int:
        return connection.execute("SELECT coalesce(max(id), 0) + 1 FROM observation").fetchone()[0]

    # -- copying -------------------------------------------------------------------------------

    _COPY_COLUMNS = (
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

    def copy_to(self, target: Store) -> int:
        """Copy this plan's records into `target` in one transaction, ids renumbered after the
        target's own, links kept; refuse if the target has records of the plan; verify the count."""
        columns = ", ".join(self._COPY_COLUMNS)
        with self.reading() as connection:
            rows = (
                []
                if connection is None
                else connection.execute(
                    f"SELECT {columns} FROM observation WHERE plan = ? ORDER BY id", (self.plan,)
                ).fetchall()
            )
        with target.writing() as connection:
            already = connection.execute("SELECT count(*) FROM observation WHERE plan = ?", (target.plan,)).fetchone()[
                0
            ]
            if already:
                raise SytrackError(
                    f"{target.location} already holds {already} records of {target.plan}; nothing was copied"
                )
            offset = connection.execute("SELECT coalesce(max(id), 0) FROM observation").fetchone()[0]
            new_id = {row[0]: offset + n for n, row in enumerate(rows, start=1)}

            def renumbered(row: tuple) -> tuple:
                link = lambda old: None if old is None else new_id[old]  # noqa: E731
                return (new_id[row[0]], target.plan, *row[1:8], link(row[8]), link(row[9]), row[10], None, *row[12:])

            connection.executemany(
                f"INSERT INTO observation (id, plan, {columns[4:]}) VALUES ({', '.join('?' * 15)})",
                [renumbered(row) for row in rows],
            )
            # retracted_by points at later rows: set once every row is there.
            connection.executemany(
                "UPDATE observation SET retracted_by = ? WHERE id = ?",
                [(new_id[row[11]], new_id[row[0]]) for row in rows if row[11] is not None],
            )
            copied = connection.execute("SELECT count(*) FROM observation WHERE plan = ?", (target.plan,)).fetchone()[0]
            if copied != len(rows):
                raise SytrackError(f"copied {copied} records but read {len(rows)}; nothing was copied")
        return len(rows)
