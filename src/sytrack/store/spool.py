"""An import's records kept in a temporary SQLite file, not in memory, and given back in history order."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from sytrack.model import CITY

# The spool's own page cache: it is written once and read in order, so a small one serves, and the
# import's memory stays flat however many rows the file has.
SPOOL_CACHE_KIB = 8 * 1024
_CHUNK = 10_000  # rows sent to SQLite at once: few calls, little memory
_CITY_DEFAULTS = (CITY, None)  # org and denominator of a record that gives neither
_RECORD = "file_id, indicator, as_of, value, by, note, source, retracts, recorded_at, org, denominator"


class RecordSpool:
    """The records of one import file, in file order (`seq`), each with the file (or sheet) and line
    it came from. Each record is the import's 11-tuple (see imports.ImportRow); a place is a
    small number standing for a file or sheet name, kept in `places`."""

    def __init__(self) -> None:
        # "" opens a private temporary database on disk, deleted when it is closed.
        self._db = sqlite3.connect("", isolation_level=None)
        for pragma in (f"cache_size = -{SPOOL_CACHE_KIB}", "journal_mode = OFF", "synchronous = OFF"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE record (seq INTEGER PRIMARY KEY, file_id INTEGER, indicator TEXT, as_of TEXT,"
            " value REAL, by TEXT, note TEXT, source TEXT, retracts INTEGER, recorded_at TEXT,"
            " org TEXT, denominator REAL, place INTEGER, line INTEGER)"
        )
        # One transaction for the spool's whole life: committing each chunk would flush the cache
        # to the file every time (twice the cost of the inserts). Nothing here needs to be durable.
        self._db.execute("BEGIN")
        self.places: list[str] = []
        self._pending: list[tuple] = []
        self._count = 0
        self._timed = False  # whether any record has a recorded_at

    def add(self, record: tuple, place: str, line: int | None) -> None:
        if not self.places or self.places[-1] != place:
            self.places.append(place)
        # A record without org and denominator (9 fields, as before schema 3) is the city's own.
        self._pending.append((*record, *_CITY_DEFAULTS[len(record) - 9 :], len(self.places) - 1, line))
        self._timed = self._timed or record[8] is not None
        if len(self._pending) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany(
                f"INSERT INTO record ({_RECORD}, place, line) VALUES ({', '.join('?' * 13)})", self._pending
            )
            self._count += len(self._pending)
            self._pending.clear()

    def __len__(self) -> int:
        return self._count + len(self._pending)

    def __iter__(self) -> Iterator[tuple]:
        """The records in the order they were first recorded: by `recorded_at` (a record without one
        is recorded now, so after every one with one), ties by the file's id, then file order. A
        file without `recorded_at` keeps its order."""
        self._flush()
        order = "coalesce(recorded_at, '~'), coalesce(file_id, -1), seq" if self._timed else "seq"
        # "~" sorts after every digit; SQLite sorts this ASCII text as Python would.
        return self._db.execute(f"SELECT {_RECORD} FROM record ORDER BY {order}")

    def same_key(self) -> Iterator[tuple]:
        """Each record without an id that has the indicator, org, date and recorded_at of an earlier
        one without an id, with that first one: (seq, indicator, org, as_of, value, note, source,
        denominator, place, line) of the later, then (value, note, source, denominator, place, line)
        of the first."""
        self._flush()
        return self._db.execute(
            "SELECT r.seq, r.indicator, r.org, r.as_of, r.value, r.note, r.source, r.denominator, r.place, r.line,"
            " f.value, f.note, f.source, f.denominator, f.place, f.line"
            " FROM (SELECT min(seq) AS first FROM record WHERE file_id IS NULL"
            "       GROUP BY indicator, org, as_of, recorded_at HAVING count(*) > 1) AS g"
            " JOIN record AS f ON f.seq = g.first"
            " JOIN record AS r ON r.file_id IS NULL AND r.indicator = f.indicator AND r.org = f.org"
            "  AND r.as_of = f.as_of AND r.recorded_at IS f.recorded_at AND r.seq > f.seq ORDER BY r.seq"
        )

    def repeated_ids(self) -> Iterator[tuple[int, int, int]]:
        """(file id, place, line) of each record whose id an earlier record has."""
        self._flush()
        return self._db.execute(
            "SELECT r.file_id, r.place, r.line FROM record AS r JOIN (SELECT file_id, min(seq) AS first FROM record"
            " WHERE file_id IS NOT NULL GROUP BY file_id HAVING count(*) > 1) AS g"
            " ON r.file_id = g.file_id AND r.seq > g.first ORDER BY r.seq"
        )

    def dangling_retractions(self) -> Iterator[tuple[int, int, int]]:
        """(target, place, line) of each retraction whose target is no record's id."""
        self._flush()
        return self._db.execute(
            "SELECT retracts, place, line FROM record WHERE retracts IS NOT NULL"
            " AND retracts NOT IN (SELECT file_id FROM record WHERE file_id IS NOT NULL) ORDER BY seq"
        )

    def touched(self) -> tuple[set[tuple[str, str, str]], set[int]]:
        """What an import must remember while it writes (see ImportPlan): the (indicator, org, date) keys
        that more than one value record is about or that a retraction targets, and the file ids
        retractions target. A file of a million rows, one per date, gives two empty sets."""
        self._flush()
        targets = {
            target for (target,) in self._db.execute("SELECT DISTINCT retracts FROM record WHERE retracts IS NOT NULL")
        }
        keys = set(
            self._db.execute(
                "SELECT indicator, org, as_of FROM record WHERE retracts IS NULL GROUP BY indicator, org, as_of"
                " HAVING count(*) > 1 UNION SELECT indicator, org, as_of FROM record WHERE file_id IN"
                " (SELECT retracts FROM record WHERE retracts IS NOT NULL)"
            )
        )
        return keys, targets

    def discard(self, seqs: Iterable[int]) -> None:
        """Leave out these records (rows that repeat an earlier one exactly)."""
        self._flush()
        removed = self._db.executemany("DELETE FROM record WHERE seq = ?", ((seq,) for seq in seqs)).rowcount
        self._count -= removed

    def close(self) -> None:
        self._db.close()


def spooled(records: Iterable[tuple]) -> RecordSpool:
    """A spool holding `records` (each from an unnamed place): their history order, without a file."""
    spool = RecordSpool()
    for record in records:
        spool.add(record, "", None)
    return spool
