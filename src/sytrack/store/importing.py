"""An import's plan: which rows to write, which are already recorded, and the states they leave."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from typing import Any, NamedTuple

from sytrack.errors import SytrackError
from sytrack.model import CITY
from sytrack.store.ledger import InForce, Key

# The columns of the rows ImportPlan.rows gives, in their order.
IMPORT_COLUMNS = (
    "id",
    "plan",
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
    "org",
    "denominator",
)
# The indexes the plan's reads of stored records use while the import writes (same_value, restore
# and retraction_of): kept in place by a bulk load; any other index may be dropped and rebuilt.
_INDEXES_READ = frozenset({"observation_by_indicator", "observation_by_retracts"})


class ImportCounts(NamedTuple):
    """What an import wrote, and how many of its rows were already recorded and skipped."""

    written: int
    skipped: int


class _Stored:
    """What the store held before the import, asked only about the dates the file touches.
    A row is already recorded when a stored record has the same indicator, org, date, value,
    denominator, note and source (and the same recorded_at when the row has one); each stored
    record matches one row. Memory holds only each (indicator, org)'s first and last stored date
    (a catalogue's worth), never the store's records: a date outside them needs no query."""

    def __init__(self, connection: Any, plan: str, first_new_id: int, tracked: Container[Key] | None) -> None:
        self.connection, self.plan, self.first_new_id = connection, plan, first_new_id
        self.spans: dict[tuple[str, str], tuple[str, str]] = (
            {}
            if connection is None
            else {
                (indicator, org): (first, last)
                for indicator, org, first, last in connection.execute(
                    "SELECT indicator, org, min(as_of), max(as_of) FROM observation WHERE plan = ?"
                    " GROUP BY indicator, org",
                    (plan,),
                )
            }
        )
        self._tracked = tracked
        self.claimed: set[int] = set()  # matched stored ids of keys a second row may also match

    def holds(self, key: Key) -> bool:
        """Whether the store may hold a record of `key` (False: it surely does not)."""
        span = self.spans.get(key[:2])
        return span is not None and span[0] <= key[2] <= span[1]

    def in_force(self, key: Key) -> int | None:
        """The stored record in force for `key` when the import began."""
        if not self.holds(key):
            return None
        row = self.connection.execute(
            "SELECT id FROM observation WHERE plan = ? AND indicator = ? AND org = ? AND as_of = ?"
            " AND in_force = 1 AND id < ?",
            (self.plan, *key, self.first_new_id),
        ).fetchone()
        return row[0] if row else None

    def same_value(
        self, key: Key, value: float, denominator: float | None, note: str, source: str, recorded_at: str | None
    ) -> int | None:
        if not self.holds(key):
            return None
        shared = self._tracked is None or key in self._tracked  # a later row of the file may match too
        for record_id, stored_at, stored_denominator in self.connection.execute(
            "SELECT id, recorded_at, denominator FROM observation WHERE plan = ? AND indicator = ? AND org = ?"
            " AND as_of = ? AND value = ? AND note = ? AND source = ? AND id < ? ORDER BY id",
            (self.plan, *key, value, note, source, self.first_new_id),
        ):
            # The denominator is compared here, not in SQL: `=` never matches two NULLs.
            if (
                (recorded_at is None or stored_at == recorded_at)
                and stored_denominator == denominator
                and record_id not in self.claimed
            ):
                if shared:
                    self.claimed.add(record_id)
                return record_id
        return None

    def retraction_of(self, target: int) -> tuple[int, str, str, str] | None:
        """The stored retraction of a stored record: (id, note, source, recorded_at), if any."""
        return self.connection.execute(
            "SELECT id, note, source, recorded_at FROM observation WHERE retracts = ?", (target,)
        ).fetchone()

    def key_of(self, record_id: int) -> Key | None:
        """What a stored value record is about; None when the record is itself a retraction."""
        indicator, org, as_of, retracts = self.connection.execute(
            "SELECT indicator, org, as_of, retracts FROM observation WHERE id = ?", (record_id,)
        ).fetchone()
        return None if retracts is not None else (indicator, org, as_of)

    def restore(self, key: Key, below: int, retracted: Container[int]) -> int | None:
        """The latest stored value of `key` before `below` that no one has retracted."""
        for (record_id,) in self.connection.execute(
            "SELECT id FROM observation WHERE plan = ? AND indicator = ? AND org = ? AND as_of = ?"
            " AND value IS NOT NULL"
            " AND retracted_by IS NULL AND id < ? ORDER BY id DESC",
            (self.plan, *key, below),
        ):
            if record_id not in retracted:
                return record_id
        return None


class ImportPlan:
    """Turns an import's records (see store.import_records) into rows to insert, in order, and
    says at the end which stored rows change state. Reads the store as it goes; writes nothing."""

    def __init__(
        self,
        connection: Any,
        plan: str,
        first_new_id: int,
        timestamp: str,
        touched: tuple[Container[Key], Container[int]] | None = None,
    ) -> None:
        """`touched`, when the records can say so (a RecordSpool): the keys that more than one of
        them is about or that a retraction targets, and the file ids retractions target. Only
        those are remembered while writing; without it, every record is."""
        self.plan, self.first_new_id, self.timestamp = plan, first_new_id, timestamp
        keys, self._targets = touched if touched is not None else (None, None)
        self.stored = _Stored(connection, plan, first_new_id, keys)
        self.ledger = InForce(self.stored.in_force, first_new_id, self.stored.restore, keys)
        self.skipped = 0
        self._file_ids: dict[int, int] = {}  # the file's id -> the store's id (written or matched)
        self._keys: dict[int, Key] = {}  # written ids a later row may retract -> what they are about

    @property
    def indexes_read(self) -> frozenset[str]:
        """The indexes this plan reads while rows are written: none when the store holds no record
        of the plan (nothing stored to match, restore or retract), else those of its queries."""
        return _INDEXES_READ if self.stored.spans else frozenset()

    def rows(self, records: Iterable[tuple]) -> Iterator[tuple]:
        """The rows to insert, in the INSERT's column order (see store.import_counted). A record may
        end with its org and denominator; without them it is the city's own figure."""
        new_id = self.first_new_id
        for file_id, indicator, as_of, value, by, note, source, file_retracts, recorded_at, *more in records:
            org = more[0] if more else CITY
            denominator = more[1] if len(more) > 1 else None
            if file_retracts is None:
                row = self._value(
                    new_id, file_id, (indicator, org or CITY, as_of), value, denominator, by, note, source, recorded_at
                )
            else:
                row = self._retraction(new_id, file_id, file_retracts, by, note, source, recorded_at)
            if row is None:
                self.skipped += 1
                continue
            yield row
            new_id += 1

    def _targeted(self, file_id: int) -> bool:
        """Whether a later retraction may name this file id (so it must be remembered)."""
        return self._targets is None or file_id in self._targets

    def _value(
        self,
        new_id: int,
        file_id: int | None,
        key: Key,
        value: float,
        denominator: float | None,
        by: str,
        note: str,
        source: str,
        recorded_at: str | None,
    ) -> tuple | None:
        already = self.stored.same_value(key, value, denominator, note, source, recorded_at)
        if already is not None:
            if file_id is not None and self._targeted(file_id):
                self._file_ids[file_id] = already
            return None
        if file_id is not None and self._targeted(file_id):
            self._file_ids[file_id] = new_id
            self._keys[new_id] = key
        before = self.ledger.supersede(key, new_id)
        return (
            new_id,
            self.plan,
            key[0],
            value,
            key[2],
            recorded_at or self.timestamp,
            by,
            note,
            source,
            before,
            None,
            1,
            key[1],
            denominator,
        )

    def _retraction(
        self, new_id: int, file_id: int, file_retracts: int, by: str, note: str, source: str, recorded_at: str | None
    ) -> tuple | None:
        target = self._file_ids.get(file_retracts)
        if target is None:
            raise SytrackError(f"a retraction refers to #{file_retracts}, which is not earlier in the file")
        if target < self.first_new_id:
            stored = self.stored.retraction_of(target)
            if stored is not None:
                if stored[1:3] == (note, source) and recorded_at in (None, stored[3]):
                    if self._targeted(file_id):
                        self._file_ids[file_id] = stored[0]
                    return None  # this retraction is already recorded
                raise SytrackError(
                    f"#{file_retracts} of the file is record #{target}, already retracted by"
                    f" #{stored[0]}; nothing was written"
                )
            key = self.stored.key_of(target)
        else:
            key = self._keys.get(target)  # only value records are kept here
        if key is None:
            raise SytrackError(
                f"#{file_retracts} of the file is itself a retraction, which cannot be retracted;"
                " record the value again instead; nothing was written"
            )
        if self._targeted(file_id):
            self._file_ids[file_id] = new_id
        self.ledger.retract(target, key, new_id)
        return (
            new_id,
            self.plan,
            key[0],
            None,
            key[2],
            recorded_at or self.timestamp,
            by,
            note,
            source,
            None,
            target,
            0,
            key[1],
            None,
        )
