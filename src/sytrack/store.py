"""The data file: the only module that speaks SQL. Schema, migrations, recording, history, import."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sytrack.errors import SytrackError
from sytrack.model import Observation

BUSY_TIMEOUT_SECONDS = 30.0

# Each entry upgrades the schema by one version; PRAGMA user_version counts how many have run.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE observation (
        id          INTEGER PRIMARY KEY,
        plan        TEXT NOT NULL,
        indicator   TEXT NOT NULL,
        value       REAL,
        as_of       TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        source      TEXT NOT NULL DEFAULT '',
        supersedes  INTEGER REFERENCES observation(id),
        retracts    INTEGER REFERENCES observation(id),
        CHECK ((value IS NULL) = (retracts IS NOT NULL))
    );
    CREATE INDEX observation_by_indicator ON observation(plan, indicator, as_of);
    CREATE INDEX observation_by_retracts ON observation(retracts) WHERE retracts IS NOT NULL;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = "id, indicator, value, as_of, recorded_at, recorded_by, note, source, supersedes, retracts"


@dataclass(frozen=True)
class NewObservation:
    """What a user asks to store: a value, or (with `retracts`) the retraction of an earlier record."""

    indicator: str
    as_of: dt.date
    value: float | None
    recorded_by: str
    note: str = ""
    source: str = ""
    retracts: int | None = None
    recorded_at: str | None = None  # kept from an imported export; else the time of writing
    add_since: dt.date | None = None  # --add: the value is an increment on the latest since this date


def user_data_dir(platform: str, environ: dict[str, str], home: Path) -> Path:
    """The per-user folder for data that belongs to no project (the packaged catalogue's data)."""
    if platform.startswith("win"):
        base = Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "sytrack"


def data_path_for(catalogue_path: Path, packaged: bool, data_dir: Path) -> Path:
    """The data file that belongs to a catalogue: beside it, or in the user's data folder for the packaged one."""
    folder = data_dir if packaged else catalogue_path.parent
    return folder / f"{catalogue_path.stem}.db"


def utc_timestamp(now: dt.datetime) -> str:
    return now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """One plan's observations in one SQLite file. Reads never create the file; writes do."""

    def __init__(self, path: Path, plan: str) -> None:
        self.path = path
        self.plan = plan

    # -- connections ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            text = str(error)
            if "locked" in text or "busy" in text:
                raise SytrackError(f"{self.path}: the data file is busy (another sytrack is writing); try again") from None
            raise SytrackError(f"{self.path}: {text}") from None
        except sqlite3.DatabaseError as error:
            raise SytrackError(f"{self.path}: not a usable sytrack data file ({error})") from None

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        if read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise SytrackError(f"{self.path.parent}: cannot create the data folder: {error.strerror}") from None
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return connection

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection | None]:
        """A read-only connection, or None when there is no data file yet."""
        if not self.path.exists():
            yield None
            return
        with self._errors():
            connection = self._connect(read_only=True)
            try:
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise SytrackError(f"{self.path} was written by a newer sytrack (schema {version}); upgrade sytrack")
                if version < SCHEMA_VERSION:
                    yield None if version == 0 else connection  # an older schema is read as it is
                else:
                    yield connection
            finally:
                connection.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE, so concurrent writers queue instead of failing)."""
        with self._errors():
            connection = self._connect(read_only=False)
            try:
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                # A value sytrack says it stored must survive a power cut.
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("BEGIN IMMEDIATE")
                try:
                    self._migrate(connection)
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            finally:
                connection.close()

    def _migrate(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SytrackError(f"{self.path} was written by a newer sytrack (schema {version}); upgrade sytrack")
        for script in MIGRATIONS[version:]:
            for statement in filter(str.strip, script.split(";")):
                connection.execute(statement)
        if version != SCHEMA_VERSION:
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- reading -------------------------------------------------------------------------------

    def history(self, indicator: str | None = None) -> list[Observation]:
        """Every record of the plan (or of one indicator), oldest first, each marked with its state."""
        with self.reading() as connection:
            if connection is None:
                return []
            query = f"SELECT {_COLUMNS} FROM observation WHERE plan = ?"
            parameters: list = [self.plan]
            if indicator is not None:
                query += " AND indicator = ?"
                parameters.append(indicator)
            rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
        return mark_states([_observation(row) for row in rows])

    def current(self) -> dict[str, list[tuple[dt.date, float]]]:
        """The values in force, per indicator, as (as-of date, value) in date order."""
        series: dict[str, list[tuple[dt.date, float]]] = {}
        for observation in self.history():
            if observation.state == "current":
                assert observation.value is not None
                series.setdefault(observation.indicator, []).append((observation.as_of, observation.value))
        for points in series.values():
            points.sort()
        return series

    # -- writing -------------------------------------------------------------------------------

    def record(self, new: NewObservation, now: dt.datetime, validate: Callable[[float], None] | None = None) -> Observation:
        """Store one observation; a value for a date that already has one supersedes it.
        `validate` sees the final value (after --add) inside the transaction and may refuse it."""
        with self.writing() as connection:
            return self._insert(connection, new, utc_timestamp(now), validate)

    def _insert(self, connection: sqlite3.Connection, new: NewObservation, timestamp: str,
                validate: Callable[[float], None] | None = None) -> Observation:
        value = new.value
        if new.add_since is not None and value is not None:
            latest = connection.execute(
                f"SELECT value FROM observation o WHERE plan = ? AND indicator = ? AND value IS NOT NULL"
                f" AND as_of BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM observation r WHERE r.retracts = o.id)"
                f" ORDER BY as_of DESC, id DESC LIMIT 1",
                (self.plan, new.indicator, new.add_since.isoformat(), new.as_of.isoformat()),
            ).fetchone()
            value = (latest[0] if latest else 0.0) + value
        if validate is not None and value is not None:
            validate(value)
        supersedes = None
        if new.retracts is None:
            row = connection.execute(
                "SELECT id FROM observation o WHERE plan = ? AND indicator = ? AND as_of = ? AND value IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM observation r WHERE r.retracts = o.id) ORDER BY id DESC LIMIT 1",
                (self.plan, new.indicator, new.as_of.isoformat()),
            ).fetchone()
            supersedes = row[0] if row else None
        cursor = connection.execute(
            "INSERT INTO observation (plan, indicator, value, as_of, recorded_at, recorded_by, note, source,"
            " supersedes, retracts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.plan, new.indicator, value, new.as_of.isoformat(), new.recorded_at or timestamp,
             new.recorded_by, new.note, new.source, supersedes, new.retracts),
        )
        return Observation(cursor.lastrowid, new.indicator, value, new.as_of, new.recorded_at or timestamp,
                           new.recorded_by, new.note, new.source, supersedes, new.retracts,
                           "retraction" if new.retracts is not None else "current")

    def undo(self, record_id: int | None, recorded_by: str, now: dt.datetime, note: str = "") -> tuple[Observation, Observation]:
        """Retract a record (the latest one in force when `record_id` is None); return it and the retraction."""
        if not self.path.exists():
            raise SytrackError(f"nothing to undo: no data file yet ({self.path})")
        # Check first without writing, so that a refused undo leaves the file byte for byte as it was.
        with self.reading() as connection:
            if connection is not None:
                self._choose_retractable(connection, record_id)
        with self.writing() as connection:
            target = self._choose_retractable(connection, record_id)
            retraction = self._insert(
                connection,
                NewObservation(target.indicator, target.as_of, None, recorded_by, note=note, retracts=target.id),
                utc_timestamp(now),
            )
            return target, retraction

    def _choose_retractable(self, connection: sqlite3.Connection, record_id: int | None) -> Observation:
        """The record `undo` would retract, or a one-line refusal."""
        if record_id is None:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM observation o WHERE plan = ? AND value IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM observation r WHERE r.retracts = o.id) ORDER BY id DESC LIMIT 1",
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
            retracted_by = connection.execute("SELECT id FROM observation WHERE retracts = ?", (record_id,)).fetchone()
            if retracted_by:
                raise SytrackError(f"#{record_id} was already retracted by #{retracted_by[0]}")
        return _observation(row)

    def import_records(self, records: Iterable[NewObservation | tuple[int, NewObservation]], now: dt.datetime) -> int:
        """Write all records in one transaction, or none. A (file id, record) pair lets later
        records retract earlier ones by the ids an export gave them."""
        timestamp = utc_timestamp(now)
        count = 0
        with self.writing() as connection:
            new_ids: dict[int, int] = {}
            for item in records:
                file_id, new = item if isinstance(item, tuple) else (None, item)
                if new.retracts is not None:
                    if new.retracts not in new_ids:
                        raise SytrackError(f"a retraction refers to #{new.retracts}, which is not earlier in the file")
                    new = NewObservation(**{**new.__dict__, "retracts": new_ids[new.retracts]})
                stored = self._insert(connection, new, timestamp)
                if file_id is not None:
                    new_ids[file_id] = stored.id
                count += 1
        return count


def _observation(row: tuple) -> Observation:
    return Observation(
        id=row[0], indicator=row[1], value=row[2], as_of=dt.date.fromisoformat(row[3]), recorded_at=row[4],
        recorded_by=row[5], note=row[6], source=row[7], supersedes=row[8], retracts=row[9],
    )


def mark_states(observations: list[Observation]) -> list[Observation]:
    """Mark each record current, superseded (a later record for the same date is in force),
    retracted, or a retraction. Records must come oldest first."""
    retracted = {o.retracts for o in observations if o.retracts is not None}
    latest_in_force: dict[tuple[str, dt.date], int] = {}
    for o in observations:
        if o.retracts is None and o.id not in retracted:
            latest_in_force[(o.indicator, o.as_of)] = o.id
    marked = []
    for o in observations:
        if o.retracts is not None:
            state = "retraction"
        elif o.id in retracted:
            state = "retracted"
        elif latest_in_force.get((o.indicator, o.as_of)) != o.id:
            state = "superseded"
        else:
            state = "current"
        marked.append(Observation(**{**o.__dict__, "state": state}))
    return marked
