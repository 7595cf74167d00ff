"""Reading an import file (CSV or Excel) into records, checking every row first and reporting every bad one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, NamedTuple

from sytrack.catalogue import require_indicator
from sytrack.errors import Problem, SytrackError, Where
from sytrack.formula_guard import unguard_formula
from sytrack.model import CITY, Catalogue, Indicator
from sytrack.plausibility import RECENT, Implausible, import_bands, import_implausible
from sytrack.reporters import judged_for, parse_denominator, require_org, unjudged
from sytrack.store import Store
from sytrack.store.spool import RecordSpool, spooled
from sytrack.values import check_recordable_date, parse_date, parse_value

REQUIRED = ("indicator", "value", "date")
OPTIONAL = ("note", "source", "by", "org", "denominator")
# What an export adds: kept (id, recorded_at, retracts) or derived again on import (the rest).
FROM_EXPORT = ("id", "recorded_at", "retracts", "supersedes", "state")
_LARGEST_ID = 2**63 - 1  # what SQLite and PostgreSQL store as an integer
KNOWN = frozenset(REQUIRED + OPTIONAL + FROM_EXPORT)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
XLSX_MAGIC = b"PK\x03\x04"

Row = tuple[Where, list[str]]


# One record to import: (file id, indicator, as-of date ISO, value or None, by, note, source,
# file id it retracts or None, recorded-at or None, org (CITY for the city's own), denominator or
# None). Plain tuples, spooled to a temporary file as they are read: memory stays flat however
# many rows a file has.
ImportRow = tuple


class ImportFile(NamedTuple):
    """What an import file holds: the records to store, in the order to apply them; every problem
    found (file:line: message); how many rows repeat an earlier row of the file exactly; the
    encoding its text was read in (utf-8 for a workbook); and the columns it ignored."""

    records: RecordSpool  # iterable (in the order to apply them), sized
    problems: list[Problem]
    repeated: int
    encoding: str = "utf-8"
    ignored: tuple[str, ...] = ()


def read_import_file(
    data: bytes | BinaryIO,
    name: str,
    catalogue: Catalogue,
    today: dt.date,
    default_by: str,
    on_row: Callable[[int], None] | None = None,
    encoding: str | None = None,
    ignore_extra: bool = False,
) -> ImportFile:
    """Parse an import file (its bytes, or a seekable stream of them, read a chunk at a time) into
    records to store, in the order to apply them, and every problem found. An Excel workbook is
    read sheet by sheet; each sheet starts with its own header row.

    Rows that carry `recorded_at` (an export, a log) are a history: they are applied in that order,
    ties by the file's `id`, whatever order the file lists them in (a log lists newest first).
    Rows without it are applied in file order. A row that repeats an earlier one exactly is
    skipped and counted; two different values for one indicator and date that nothing orders
    (no `recorded_at`, no `id`) are refused, naming both lines.

    A CSV is read as UTF-8, else GB18030, unless `encoding` names its encoding. A column sytrack
    does not know is refused, or with `ignore_extra` ignored (and named in `ignored`)."""
    tables, read_as = _tables(data, name, encoding)
    ignored: list[str] = []
    spool = RecordSpool()
    problems: list[Problem] = []
    try:
        for where, header, rows, from_workbook in tables:
            header_problem = _check_header(header, ignore_extra)
            ignored.extend(column for column in _unknown(header) if column not in ignored)
            if header_problem:
                problems.append(Problem(where, None, header_problem))
                continue
            # sytrack's own CSV exports (they carry ids) quote formula-like text for spreadsheets;
            # a workbook stores text as text, so there is no quote to remove.
            reader = _RowReader(header, catalogue, today, default_by, guarded="id" in header and not from_workbook)
            spool.begin(where.path, reader.fixed)
            problems.extend(_read_rows(rows, len(header), from_workbook, reader, spool, on_row))
    except SytrackError as error:
        # The file as a whole cannot be read (not UTF-8, not a workbook): one line, no row count.
        raise SytrackError(f"{name}: {error.message}") from None
    repeated = _check_across_rows(spool, problems)
    return ImportFile(spool, problems, repeated, read_as, tuple(ignored) if ignore_extra else ())


def _tables(
    data: bytes | BinaryIO, name: str, encoding: str | None
) -> tuple[Iterator[tuple[Where, list[str], Iterator[Row], bool]], str]:
    """The file's tables (a CSV's one, a workbook's sheets) and the encoding its text is read in."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    if source.read(len(XLSX_MAGIC)) == XLSX_MAGIC:
        source.seek(0)
        return _workbook_tables(source.read(), name), "utf-8"
    from sytrack.encodings import text_stream

    try:
        text, read_as = text_stream(source, encoding)
    except SytrackError as error:
        raise SytrackError(f"{name}: {error.message}") from None
    return _csv_tables(text, name), read_as


def implausible_rows(records: RecordSpool, catalogue: Catalogue, store: Store) -> Implausible:
    """How many of an import's value rows lie far outside the range expected of their indicator
    and org, and the first one's warning: each (indicator, org) judged as `record --org` judges
    it (an org by its allocation, else by its own figures alone), against its own values stored
    before the import; the rows are counted in SQL over the spool."""
    judged = {}
    for indicator_id, org in records.pairs:
        indicator = catalogue.find(indicator_id)
        if indicator is not None:
            judged[indicator_id, org] = judged_for(indicator, org) or unjudged(indicator)
    bands = import_bands(judged, store.latest_values(judged, RECENT))
    return import_implausible(bands, records.outside({key: (b.low, b.high) for key, (_, b) in bands.items()}))


def _read_rows(
    rows: Iterator[Row],
    width: int,
    from_workbook: bool,
    reader: _RowReader,
    spool: RecordSpool,
    on_row: Callable[[int], None] | None,
) -> Iterator[Problem]:
    """Check each row of one table, spool the good ones, and yield a problem for each bad one."""
    for count, (row_where, row) in enumerate(rows, start=1):
        if on_row is not None and count % 1000 == 0:
            on_row(1000)
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                continue
            # A spreadsheet drops empty trailing cells; a CSV row must match its header.
            if len(row) > width or not from_workbook:
                yield Problem(row_where, None, f"{len(row)} cells where the header has {width}")
                continue
            row = row + [""] * (width - len(row))
        try:
            spool.add(reader.read(row), row_where.path, row_where.line)
        except SytrackError as error:
            yield Problem(row_where, None, error.message)


def _check_across_rows(spool: RecordSpool, problems: list[Problem]) -> int:
    """What only the whole file shows, asked of the spool: ids given twice, retractions of no row
    (a log lists a retraction before its target, so only the end can tell), and rows without an id
    that repeat an earlier row's indicator, org, date and recorded_at (an exact repeat is left out and
    counted; a different value is refused, naming both lines). Problems join `problems` in file
    order; returns how many repeats were left out."""
    places = spool.places
    found = [
        Problem(Where(places[place], line), None, f"id {file_id} appears twice")
        for file_id, place, line in spool.repeated_ids()
    ]
    found.extend(
        Problem(Where(places[place], line), None, f"retracts #{target}, which is not a row of this file")
        for target, place, line in spool.dangling_retractions()
    )
    repeats = []
    for seq, indicator, org, as_of, value, note, source, denominator, place, line, *first in spool.same_key():
        first_value, first_note, first_source, first_denominator, first_place, first_line = first
        if (value, note, source, denominator) == (first_value, first_note, first_source, first_denominator):
            repeats.append(seq)
            continue
        there = f"line {first_line}" if first_place == place else str(Where(places[first_place], first_line))
        whose = f" ({org})" if org else ""
        found.append(
            Problem(
                Where(places[place], line), None, f"{indicator}{whose} {as_of}: {_unordered(value, first_value, there)}"
            )
        )
    spool.discard(repeats)
    if found:
        order = {place: n for n, place in enumerate(places)}
        for problem in problems:  # a table whose every row was bad has no place in the spool
            order.setdefault(problem.where.path, len(order))
        problems[:] = sorted(problems + found, key=lambda p: (order[p.where.path], p.where.line or 0))
    return len(repeats)


def _unordered(value: float, first_value: float, there: str) -> str:
    return (
        f"{_shown(value)} here but {_shown(first_value)} on {there},"
        " and nothing says which came later (no recorded_at or id): keep one of the two rows"
    )


def lines_in(source: BinaryIO) -> int | None:
    """How many lines a seekable import file has (for a progress bar), or None for a workbook."""
    source.seek(0)
    if source.read(len(XLSX_MAGIC)) == XLSX_MAGIC:
        source.seek(0)
        return None
    count = 0
    while chunk := source.read(1 << 20):
        count += chunk.count(b"\n")
    source.seek(0)
    return count


def skipped_note(skipped: int) -> str:
    """The end of import's summary line: how many rows were already recorded, if any."""
    if not skipped:
        return ""
    return f"; {skipped} row{'s' * (skipped != 1)} already recorded, skipped"


def in_history_order(records: Iterable[ImportRow]) -> list[ImportRow]:
    """The records in the order they were first recorded (see RecordSpool.__iter__, the one rule)."""
    spool = spooled(records)
    try:
        return list(spool)
    finally:
        spool.close()


def _shown(value: float | None) -> str:
    return "no value" if value is None else format(value, "g")


def _unknown(header: list[str]) -> list[str]:
    """The header's columns sytrack does not know (an empty name shown as such)."""
    return [column or "(a column without a name)" for column in header if column not in KNOWN]


def _check_header(header: list[str], ignore_extra: bool) -> str | None:
    if not header:
        return "empty: expected a header indicator,value,date"
    missing = [c for c in REQUIRED if c not in header]
    unknown = [] if ignore_extra else _unknown(header)
    known = [c for c in header if c in KNOWN]
    if not missing and not unknown and len(set(known)) == len(known):
        return None
    if missing:
        detail = f"missing {', '.join(missing)}"
    elif unknown:
        detail = f"unknown column {', '.join(unknown)}; --ignore-extra imports the file without them"
    else:
        detail = f"{', '.join(sorted({c for c in known if known.count(c) > 1}))} appears twice"
    return f"bad header ({detail}); expected indicator,value,date[,note,source,by,org,denominator]"


def _csv_tables(text: io.TextIOBase, name: str) -> Iterator[tuple[Where, list[str], Iterator[Row], bool]]:
    reader = csv.reader(text)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise SytrackError("empty file: expected a header indicator,value,date") from None
    except csv.Error as error:
        raise SytrackError(f"not CSV: {error}") from None

    def rows() -> Iterator[Row]:
        try:
            for row in reader:
                yield Where(name, reader.line_num), row
        except csv.Error as error:
            raise SytrackError(f"line {reader.line_num}: not CSV: {error}") from None

    yield Where(name, 1), header, rows(), False


def _workbook_tables(data: bytes, name: str) -> Iterator[tuple[Where, list[str], Iterator[Row], bool]]:
    from sytrack.xlsx import read_sheets

    by_sheet: dict[str, list[tuple[int, list[str]]]] = {}
    for sheet, number, cells in read_sheets(data, name):
        by_sheet.setdefault(sheet, []).append((number, cells))
    for sheet, rows in by_sheet.items():
        place = f"{name}[{sheet}]"
        rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
        if not rows:
            continue
        (header_number, header), body = rows[0], rows[1:]
        yield (
            Where(place, header_number),
            [h.strip().lower() for h in header],
            iter([(Where(place, n), cells) for n, cells in body]),
            True,
        )


class _RowReader:
    """Checks one table's rows as `record` would, fast: column positions are found once (a missing
    column reads as ""), each distinct date text is read and checked once (a million rows share a
    few hundred dates), and a cell left empty costs no parsing."""

    def __init__(self, header: list[str], catalogue: Catalogue, today: dt.date, default_by: str, guarded: bool) -> None:
        self.catalogue, self.today, self.default_by = catalogue, today, default_by
        self.text = unguard_formula if guarded else None
        position = {name: n for n, name in enumerate(header)}
        self.indicator, self.value, self.date = position["indicator"], position["value"], position["date"]
        missing = len(header)  # each row gets one empty cell more, which every missing column reads
        # What a column the table lacks gives every row, by its place in the ImportRow.
        absent = {0: None, 4: default_by, 5: "", 6: "", 7: None, 8: None, 9: CITY, 10: None}
        names = {0: "id", 4: "by", 5: "note", 6: "source", 7: "retracts", 8: "recorded_at", 9: "org", 10: "denominator"}
        self.fixed = {n: value for n, value in absent.items() if names[n] not in position}
        self.optional = operator.itemgetter(
            *(
                position.get(name, missing)
                for name in ("by", "note", "source", "id", "retracts", "recorded_at", "org", "denominator")
            )
        )
        self.dates: dict[str, tuple[dt.date, str]] = {}  # as typed -> (date, ISO text shared by every row)
        self.known: dict[str, Indicator] = {}
        self.orgs: dict[str, str] = {}  # as typed -> the org's id

    def _date(self, text: str) -> tuple[dt.date, str]:
        as_of = parse_date(text)
        if as_of > self.today:
            raise SytrackError(f"{as_of.isoformat()} is in the future (today is {self.today.isoformat()})")
        known = self.dates[text] = (as_of, as_of.isoformat())
        return known

    def read(self, row: list[str]) -> ImportRow:
        name = row[self.indicator].strip()
        indicator = self.known.get(name)
        if indicator is None:
            indicator = self.known[name] = require_indicator(self.catalogue, name)
        as_of, as_of_text = self.dates.get(row[self.date]) or self._date(row[self.date])
        if indicator.baseline is not None and as_of < indicator.baseline.date:
            check_recordable_date(as_of, indicator, self.today)  # raises, with the message for it
        row.append("")
        by, note, source, file_id, retracts, recorded_at, org, denominator = self.optional(row)
        org = self.orgs[org] if org in self.orgs else self.orgs.setdefault(org, require_org(self.catalogue, org))
        file_id = _whole_number(file_id, "id") if file_id else None
        retracts = _whole_number(retracts, "retracts") if retracts else None
        if retracts is not None:
            if row[self.value].strip() or denominator.strip():
                raise SytrackError("a retraction row has no value and no denominator")
            value, denominator = None, None
        else:
            value = parse_value(row[self.value], indicator)
            denominator = parse_denominator(denominator, indicator) if denominator else None
        recorded_at = _timestamp(recorded_at) if recorded_at else None
        if self.text is not None:
            by, note, source = self.text(by), self.text(note), self.text(source)
        if file_id is None and retracts is not None:
            raise SytrackError("a retraction row needs the id column to say what it retracts")
        by = by.strip() or self.default_by
        return (file_id, indicator.id, as_of_text, value, by, note, source, retracts, recorded_at, org, denominator)


def _timestamp(text: str) -> str | None:
    """A recorded_at as stored (ISO 8601 UTC to the second), checked to be a real time."""
    text = text.strip()
    if not text:
        return None
    if _TIMESTAMP.fullmatch(text):
        try:
            dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
            return text
        except ValueError:
            pass  # 2023-13-45T99:99:99Z has the shape but is no time
    raise SytrackError(f"recorded_at {text!r} is not a UTC time such as 2023-07-01T08:00:00Z")


def _whole_number(text: str, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    # isdigit alone would let "²" or "١" through to int(), which refuses them.
    if not (text.isascii() and text.isdigit()):
        raise SytrackError(f"{column} {text!r} is not a whole number")
    number = int(text)
    if number > _LARGEST_ID:
        raise SytrackError(f"{column} {text!r} is too large (at most {_LARGEST_ID})")
    return number
