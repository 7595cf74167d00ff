"""An import's records kept in a temporary SQLite file, not in memory, and given back in history order."""

from __future__ import annotations

import operator
import os
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping

from sytrack.model import CITY

# The spool's own page cache: it is written once and read in order, so a small one serves, and the
# import's memory stays flat however many rows the file has.
SPOOL_CACHE_KIB = 8 * 1024
_CHUNK = 10_000  # rows sent to SQLite at once: few calls, little memory
_CITY_DEFAULTS = (CITY, None)  # org and denominator of a record that gives neither
_FIELDS = (
    "file_id",
    "indicator",
    "as_of",
    "value",
    "by",
    "note",
    "source",
    "retracts",
    "recorded_at",
    "org",
    "denominator",
)
_RECORD = ", ".join(_FIELDS)
# "~" sorts after every digit; SQLite sorts this ASCII text as Python would.
_HISTORY_ORDER = "coalesce(recorded_at, '~'), coalesce(file_id, -1), seq"


_PREFIX = "sytrack-import-"


def _literal(value: object) -> str | None:
    """A fixed field's value as an SQL literal; None when it must be sent as a parameter instead."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:  # already gone, or (Windows) still open: the next import's sweep removes it
        pass


def _sweep(folder: str) -> None:
    """Remove the spools of imports whose process is gone (killed before it could remove its own):
    each spool's name carries its process id."""
    if os.name != "posix":
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(_PREFIX) and name.endswith(".db")):
                continue
            pid = name[len(_PREFIX) :].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                _remove(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


class RecordSpool:
    """The records of one import file, in file order (`seq`), each with the file (or sheet) and line
    it came from. Each record is the import's 11-tuple (see imports.ImportRow); a place is a
    small number standing for a file or sheet name, kept in `places`.

    The spool is a named temporary file (removed when closed, or at the latest when the process
    ends; a killed import's by the next one) so that a data file's connection can ATTACH it and
    import it in SQL (store/direct.py)."""

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=".db")
        os.close(handle)
        _sweep(os.path.dirname(self.path))
        self._removal = weakref.finalize(self, _remove, self.path)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        for pragma in (f"cache_size = -{SPOOL_CACHE_KIB}", "journal_mode = OFF", "synchronous = OFF"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE record (seq INTEGER PRIMARY KEY, file_id INTEGER, indicator TEXT, as_of TEXT,"
            " value REAL, by TEXT, note TEXT, source TEXT, retracts INTEGER, recorded_at TEXT,"
            " org TEXT, denominator REAL, place INTEGER, line INTEGER)"
        )
        # One transaction while records come in: committing each chunk would flush the cache to
        # the file every time (twice the cost of the inserts). Nothing here needs to be durable.
        self._db.execute("BEGIN")
        self.places: list[str] = []
        self.pairs: set[tuple[str, str]] = set()  # every (indicator, org) of the file: a catalogue's worth at most
        self._pending: list[tuple] = []
        self._count = 0
        self._place: str | None = None
        self._statement = ""
        self._pick: Callable[[tuple], tuple] = tuple
        self._maybe: set[str] = set()  # the optional columns some record may have a value in
        self._has_cache: dict[str, bool] = {}
        self._repeated: bool | None = None  # whether the table `repeated` holds any key (None: not built)
        self._numbered: tuple[str, str] | None = None

    def begin(self, place: str, fixed: Mapping[int, object]) -> None:
        """The records added next come from `place`, and have in every field at a position of
        `fixed` (an index into the 11-tuple: a column the table does not have) its value. Those go
        into the statement as SQL literals, not as a parameter of every row: binding a parameter
        costs more than writing the row, and most files have only indicator, value and date."""
        self._flush()
        if not self.places or self.places[-1] != place:
            self.places.append(place)
        self._place = place
        literal = {n: _literal(value) for n, value in fixed.items()}
        constant = {n: text for n, text in literal.items() if text is not None}
        varying = [n for n in range(len(_FIELDS)) if n not in constant]
        self._pick = operator.itemgetter(*varying)
        self._maybe.update(_FIELDS[n] for n in varying)
        self._maybe.update(_FIELDS[n] for n, text in constant.items() if text != "NULL")
        columns = [_FIELDS[n] for n in varying] + ["line", "place"] + [_FIELDS[n] for n in constant]
        values = ["?"] * (len(varying) + 1) + [str(len(self.places) - 1)] + list(constant.values())
        self._statement = f"INSERT INTO record ({', '.join(columns)}) VALUES ({', '.join(values)})"

    def add(self, record: tuple, place: str, line: int | None) -> None:
        if place != self._place:
            self.begin(place, {})
        if len(record) != len(_FIELDS):
            # A record without org and denominator (9 fields, as before schema 3) is the city's own.
            record = (*record, *_CITY_DEFAULTS[len(record) - 9 :])
        self._pending.append((*self._pick(record), line))
        self.pairs.add((record[1], record[9]))
        if len(self._pending) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany(self._statement, self._pending)
            self._count += len(self._pending)
            self._pending.clear()
            self._repeated = None
            self._numbered = None
            self._has_cache.clear()

    def _has(self, column: str) -> bool:
        """Whether any record has a value in this optional column (asked of SQLite once)."""
        self._flush()
        if column not in self._maybe:
            return False
        if column not in self._has_cache:
            query = f"SELECT EXISTS (SELECT 1 FROM record WHERE {column} IS NOT NULL)"
            self._has_cache[column] = bool(self._db.execute(query).fetchone()[0])
        return self._has_cache[column]

    def __len__(self) -> int:
        return self._count + len(self._pending)

    def __iter__(self) -> Iterator[tuple]:
        """The records in the order they were first recorded: by `recorded_at` (a record without one
        is recorded now, so after every one with one), ties by the file's id, then file order. A
        file without `recorded_at` keeps its order."""
        self._flush()
        order = _HISTORY_ORDER if self._has("recorded_at") else "seq"
        return self._db.execute(f"SELECT {_RECORD} FROM record ORDER BY {order}")

    def _repeated_keys(self) -> bool:
        """Build the table of (indicator, org, date) keys that more than one value record is about
        (one sort of the file, shared by every check that needs it); whether there are any."""
        self._flush()
        if self._repeated is None:
            self._db.execute("DROP TABLE IF EXISTS repeated")
            self._db.execute(
                "CREATE TABLE repeated AS SELECT indicator, org, as_of FROM record WHERE retracts IS NULL"
                " GROUP BY indicator, org, as_of HAVING count(*) > 1"
            )
            self._repeated = self._db.execute("SELECT 1 FROM repeated LIMIT 1").fetchone() is not None
        return self._repeated

    def same_key(self) -> Iterator[tuple]:
        """Each record without an id that has the indicator, org, date and recorded_at of an earlier
        one without an id, with that first one: (seq, indicator, org, as_of, value, note, source,
        denominator, place, line) of the later, then (value, note, source, denominator, place, line)
        of the first."""
        if not self._repeated_keys():
            return iter(())
        return self._db.execute(
            "WITH candidate AS (SELECT r.* FROM repeated AS k JOIN record AS r ON r.indicator = k.indicator"
            "  AND r.org = k.org AND r.as_of = k.as_of WHERE r.file_id IS NULL AND r.retracts IS NULL)"
            " SELECT r.seq, r.indicator, r.org, r.as_of, r.value, r.note, r.source, r.denominator, r.place, r.line,"
            " f.value, f.note, f.source, f.denominator, f.place, f.line"
            " FROM (SELECT min(seq) AS first FROM candidate"
            "       GROUP BY indicator, org, as_of, recorded_at HAVING count(*) > 1) AS g"
            " JOIN candidate AS f ON f.seq = g.first"
            " JOIN candidate AS r ON r.indicator = f.indicator AND r.org = f.org"
            "  AND r.as_of = f.as_of AND r.recorded_at IS f.recorded_at AND r.seq > f.seq ORDER BY r.seq"
        )

    def repeated_ids(self) -> Iterator[tuple[int, int, int]]:
        """(file id, place, line) of each record whose id an earlier record has."""
        self._flush()
        if not self._has("file_id"):
            return iter(())
        return self._db.execute(
            "SELECT r.file_id, r.place, r.line FROM record AS r JOIN (SELECT file_id, min(seq) AS first FROM record"
            " WHERE file_id IS NOT NULL GROUP BY file_id HAVING count(*) > 1) AS g"
            " ON r.file_id = g.file_id AND r.seq > g.first ORDER BY r.seq"
        )

    def dangling_retractions(self) -> Iterator[tuple[int, int, int]]:
        """(target, place, line) of each retraction whose target is no record's id."""
        self._flush()
        if not self._has("retracts"):
            return iter(())
        return self._db.execute(
            "SELECT retracts, place, line FROM record WHERE retracts IS NOT NULL"
            " AND retracts NOT IN (SELECT file_id FROM record WHERE file_id IS NOT NULL) ORDER BY seq"
        )

    def touched(self) -> tuple[set[tuple[str, str, str]], set[int]]:
        """What an import must remember while it writes (see ImportPlan): the (indicator, org, date) keys
        that more than one value record is about or that a retraction targets, and the file ids
        retractions target. A file of a million rows, one per date, gives two empty sets."""
        keys: set[tuple[str, str, str]] = set()
        if self._repeated_keys():
            keys.update(self._db.execute("SELECT indicator, org, as_of FROM repeated"))
        if not self._has("retracts"):
            return keys, set()
        targets = {
            target for (target,) in self._db.execute("SELECT DISTINCT retracts FROM record WHERE retracts IS NOT NULL")
        }
        keys.update(
            self._db.execute(
                "SELECT indicator, org, as_of FROM record WHERE file_id IN"
                " (SELECT retracts FROM record WHERE retracts IS NOT NULL)"
            )
        )
        return keys, targets

    @property
    def independent(self) -> bool:
        """Whether each record stands alone: no retraction, and no two value records about one
        indicator, org and date. Such a file is written without any plan (store/direct.py)."""
        return not self._has("retracts") and not self._repeated_keys()

    def outside(self, bands: Mapping[tuple[str, str], tuple[float, float]]) -> tuple[int, tuple | None]:
        """How many value records lie outside the (low, high) band of their (indicator, org), and
        the first of them in history order as (indicator, org, value): one pass in SQL."""
        self._flush()
        self._db.execute("DROP TABLE IF EXISTS band")
        self._db.execute("CREATE TABLE band (indicator TEXT, org TEXT, low REAL, high REAL)")
        self._db.executemany("INSERT INTO band VALUES (?, ?, ?, ?)", ((*k, *v) for k, v in bands.items()))
        self._db.execute("CREATE UNIQUE INDEX band_key ON band(indicator, org)")
        outside = (
            "FROM record AS r JOIN band AS b ON b.indicator = r.indicator AND b.org = r.org"
            " WHERE r.value IS NOT NULL AND (r.value < b.low OR r.value > b.high)"
        )
        count = self._db.execute(f"SELECT count(*) {outside}").fetchone()[0]
        if not count:
            return 0, None
        order = _HISTORY_ORDER if self._has("recorded_at") else "seq"
        first = self._db.execute(f"SELECT r.indicator, r.org, r.value {outside} ORDER BY {order} LIMIT 1")
        return count, first.fetchone()

    def numbered(self) -> tuple[str, str]:
        """The spool's records numbered 1, 2, ... in history order, for a statement on a connection
        that has attached the spool as `spool`: (the FROM clause, giving each record as `r`, and
        the expression of its number). File order with no gap is the table itself; any other
        order is written once into a table of its own (SQLite sorts it on disk). Ask before
        another connection reads the spool: its read lock would hold this write off."""
        self._flush()
        if self._numbered is None:
            timed = self._has("recorded_at")
            if not timed and self._db.execute("SELECT coalesce(max(seq), 0) FROM record").fetchone()[0] == len(self):
                self._numbered = ("spool.record AS r", "r.seq")
            else:
                self._db.execute("DROP TABLE IF EXISTS history")
                self._db.execute("CREATE TABLE history (n INTEGER PRIMARY KEY, seq INTEGER NOT NULL)")
                order = _HISTORY_ORDER if timed else "seq"
                self._db.execute(f"INSERT INTO history (seq) SELECT seq FROM record ORDER BY {order}")
                self._numbered = ("spool.history AS h JOIN spool.record AS r ON r.seq = h.seq", "h.n")
        return self._numbered

    def seal(self) -> None:
        """Commit what the spool holds, so that another connection can read it."""
        self._flush()
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def discard(self, seqs: Iterable[int]) -> None:
        """Leave out these records (rows that repeat an earlier one exactly)."""
        self._flush()
        removed = self._db.executemany("DELETE FROM record WHERE seq = ?", ((seq,) for seq in seqs)).rowcount
        self._count -= removed
        if removed > 0:
            self._repeated = None
            self._numbered = None

    def close(self) -> None:
        self._db.close()
        self._removal()

    def __enter__(self) -> RecordSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spooled(records: Iterable[tuple]) -> RecordSpool:
    """A spool holding `records` (each from an unnamed place): their history order, without a file."""
    spool = RecordSpool()
    for record in records:
        spool.add(record, "", None)
    return spool
