"""Reading an import file (CSV or Excel) into records, checking every row first and reporting every bad one."""

from __future__ import annotations

import array
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from sytrack.catalogue import require_indicator
from sytrack.errors import Problem, SytrackError, Where
from sytrack.model import Catalogue, Indicator
from sytrack.formula_guard import unguard_formula
from sytrack.reporters import parse_denominator, require_org
from sytrack.values import check_recordable_date, parse_date, parse_value

REQUIRED = ("indicator", "value", "date")
OPTIONAL = ("note", "source", "by", "org", "denominator")
# What an export adds: kept (id, recorded_at, retracts) or derived again on import (the rest).
FROM_EXPORT = ("id", "recorded_at", "retracts", "supersedes", "state")
KNOWN = frozenset(REQUIRED + OPTIONAL + FROM_EXPORT)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
XLSX_MAGIC = b"PK\x03\x04"

Row = tuple[Where, list[str]]


# One record to import: (file id, indicator, as-of date ISO, value or None, by, note, source,
# file id it retracts or None, recorded-at or None, org (CITY for the city's own), denominator or
# None). Plain tuples: a million of them fit in memory.
ImportRow = tuple


class ImportFile(NamedTuple):
    """What an import file holds: the records to store, in the order to apply them; every problem
    found (file:line: message); how many rows repeat an earlier row of the file exactly; the
    encoding its text was read in (utf-8 for a workbook); and the columns it ignored."""

    records: list[ImportRow]
    problems: list[Problem]
    repeated: int
    encoding: str = "utf-8"
    ignored: tuple[str, ...] = ()


def read_import_file(
    data: bytes, name: str, catalogue: Catalogue, today: dt.date, default_by: str,
    on_row: Callable[[int], None] | None = None, encoding: str | None = None, ignore_extra: bool = False,
) -> ImportFile:
    """Parse an import file into records to store, in the order to apply them, and every problem
    found. An Excel workbook is read sheet by sheet; each sheet starts with its own header row.

    Rows that carry `recorded_at` (an export, a log) are a history: they are applied in that order,
    ties by the file's `id`, whatever order the file lists them in (a log lists newest first).
    Rows without it are applied in file order. A row that repeats an earlier one exactly is
    skipped and counted; two different values for one indicator and date that nothing orders
    (no `recorded_at`, no `id`) are refused, naming both lines.

    A CSV is read as UTF-8, else GB18030, unless `encoding` names its encoding. A column sytrack
    does not know is refused, or with `ignore_extra` ignored (and named in `ignored`)."""
    if data.startswith(XLSX_MAGIC):
        tables, read_as = _workbook_tables(data, name), "utf-8"
    else:
        from sytrack.encodings import decode_text

        try:
            text, read_as = decode_text(data, encoding)
        except SytrackError as error:
            raise SytrackError(f"{name}: {error.message}") from None
        tables = _csv_tables(text, name)
    ignored: list[str] = []
    records: list[ImportRow] = []
    problems: list[Problem] = []
    seen_ids: set[int] = set()
    rows_seen = _RowsSeen(records)
    retractions: list[tuple[Where, int]] = []
    try:
        for where, header, rows, from_workbook in tables:
            header_problem = _check_header(header, ignore_extra)
            ignored.extend(column for column in _unknown(header) if column not in ignored)
            if header_problem:
                problems.append(Problem(where, None, header_problem))
                continue
            # sytrack's own CSV exports (they carry ids) quote formula-like text for spreadsheets;
            # a workbook stores text as text, so there is no quote to remove.
            reader = _RowReader(header, catalogue, today, default_by, seen_ids,
                                guarded="id" in header and not from_workbook)
            width = len(header)
            for count, (row_where, row) in enumerate(rows, start=1):
                if on_row is not None and count % 1000 == 0:
                    on_row(1000)
                if len(row) != width:
                    if not any(cell.strip() for cell in row):
                        continue
                    # A spreadsheet drops empty trailing cells; a CSV row must match its header.
                    if len(row) > width or not from_workbook:
                        problems.append(Problem(row_where, None, f"{len(row)} cells where the header has {width}"))
                        continue
                    row = row + [""] * (width - len(row))
                try:
                    record = reader.read(row)
                    if not rows_seen.is_repeat(record, row_where):
                        records.append(record)
                except SytrackError as error:
                    problems.append(Problem(row_where, None, error.message))
                    continue
                if record[7] is not None:
                    retractions.append((row_where, record[7]))
    except SytrackError as error:
        # The file as a whole cannot be read (not UTF-8, not a workbook): one line, no row count.
        raise SytrackError(f"{name}: {error.message}") from None
    # A retraction may come before what it retracts (a log lists newest first): checked at the end.
    problems.extend(Problem(where, None, f"retracts #{target}, which is not a row of this file")
                    for where, target in retractions if target not in seen_ids)
    return ImportFile(in_history_order(records), problems, rows_seen.repeated, read_as,
                      tuple(ignored) if ignore_extra else ())


def skipped_note(skipped: int) -> str:
    """The end of import's summary line: how many rows were already recorded, if any."""
    if not skipped:
        return ""
    return f"; {skipped} row{'s' * (skipped != 1)} already recorded, skipped"


def in_history_order(records: list[ImportRow]) -> list[ImportRow]:
    """The records in the order they were first recorded: by `recorded_at` (a row without one is
    recorded now, so after every row with one), ties by the file's id (rows without an id keep
    their file order: the sort is stable). A file without `recorded_at` keeps its order."""
    if all(record[8] is None for record in records):
        return records
    records.sort(key=_history_key)
    return records


def _history_key(record: ImportRow) -> tuple[str, int]:
    # "~" sorts after every digit: a row recorded now comes after every timestamp of the file.
    return (record[8] or "~", -1 if record[0] is None else record[0])


class _RowsSeen:
    """The rows of one file so far, by what they are about, to skip exact repeats and to refuse
    two different values for one indicator and date when nothing says which came later.
    Rows with an id are distinct records by their ids (an export can hold one value twice).

    Kept small for a million rows: each key is held as its hash, pointing at the record already
    kept in `records` (which holds the rest), with the line it came from in an array."""

    def __init__(self, records: list[ImportRow]) -> None:
        self.records = records
        self.first: dict[int, int] = {}  # hash of (indicator, date, recorded_at, org) -> index in records
        self.exact: dict[tuple, int] = {}  # the same, for the rare key whose hash another key has
        self.lines = array.array("L")  # per record: its line
        self.places: list[str] = []  # per record, as an index into `place_names`: its file or sheet
        self.place_of = array.array("H")
        self.repeated = 0

    def is_repeat(self, record: ImportRow, where: Where) -> bool:
        file_id, indicator, as_of, value, _, note, source, retracts, recorded_at, org, denominator = record
        earlier = None if file_id is not None else self._earlier((indicator, as_of, recorded_at, org))
        if earlier is None:
            self._remember(where)
            return False
        kept = self.records[earlier]
        if (kept[3], kept[5], kept[6], kept[10]) == (value, note, source, denominator):
            self.repeated += 1
            return True
        place, line = self.places[self.place_of[earlier]], self.lines[earlier]
        there = f"line {line}" if place == where.path else str(Where(place, line))
        whose = f" ({org})" if org else ""
        raise SytrackError(
            f"{indicator}{whose} {as_of}: {_shown(value)} here but {_shown(kept[3])} on {there},"
            " and nothing says which came later (no recorded_at or id): keep one of the two rows")

    def _earlier(self, key: tuple) -> int | None:
        """The index of the first record about `key`, or None (then `key` is taken by the next record)."""
        index = len(self.records)
        found = self.first.setdefault(hash(key), index)
        if found == index:
            return None
        kept = self.records[found]
        if (kept[1], kept[2], kept[8], kept[9]) == key:
            return found
        found = self.exact.setdefault(key, index)  # two keys with one hash: told apart exactly
        return None if found == index else found

    def _remember(self, where: Where) -> None:
        if not self.places or self.places[-1] != where.path:
            self.places.append(where.path)
        self.place_of.append(len(self.places) - 1)
        self.lines.append(where.line or 0)


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


def _csv_tables(text: str, name: str) -> Iterator[tuple[Where, list[str], Iterator[Row], bool]]:
    reader = csv.reader(io.StringIO(text, newline=""))
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
        yield (Where(place, header_number), [h.strip().lower() for h in header],
               iter([(Where(place, n), cells) for n, cells in body]), True)


class _RowReader:
    """Checks one table's rows as `record` would, fast: column positions are found once, and each
    distinct date text is read and checked once (a million rows share a few hundred dates)."""

    def __init__(self, header: list[str], catalogue: Catalogue, today: dt.date, default_by: str,
                 seen_ids: set[int], guarded: bool) -> None:
        self.catalogue, self.today, self.default_by, self.seen_ids = catalogue, today, default_by, seen_ids
        self.text = unguard_formula if guarded else None
        position = {name: n for n, name in enumerate(header)}
        self.indicator, self.value, self.date = position["indicator"], position["value"], position["date"]
        self.optional = [position.get(name) for name in ("by", "note", "source", "id", "retracts", "recorded_at",
                                                         "org", "denominator")]
        self.dates: dict[str, tuple[dt.date, str]] = {}  # as typed -> (date, ISO text shared by every row)
        self.known: dict[str, Indicator] = {}
        self.orgs: dict[str, str] = {}  # as typed -> the org's id

    def read(self, row: list[str]) -> ImportRow:
        name = row[self.indicator].strip()
        indicator = self.known.get(name)
        if indicator is None:
            indicator = self.known[name] = require_indicator(self.catalogue, name)
        date_text = row[self.date]
        known_date = self.dates.get(date_text)
        if known_date is None:
            as_of = parse_date(date_text)
            if as_of > self.today:
                raise SytrackError(f"{as_of.isoformat()} is in the future (today is {self.today.isoformat()})")
            known_date = self.dates[date_text] = (as_of, as_of.isoformat())
        as_of, as_of_text = known_date
        if indicator.baseline is not None and as_of < indicator.baseline.date:
            check_recordable_date(as_of, indicator, self.today)  # raises, with the message for it
        by, note, source, file_id, retracts, recorded_at, org, denominator = (
            row[n] if n is not None else "" for n in self.optional)
        org = self.orgs[org] if org in self.orgs else self.orgs.setdefault(org, require_org(self.catalogue, org))
        file_id, retracts = _whole_number(file_id, "id"), _whole_number(retracts, "retracts")
        if retracts is not None:
            if row[self.value].strip() or denominator.strip():
                raise SytrackError("a retraction row has no value and no denominator")
            value, denominator = None, None
        else:
            value = parse_value(row[self.value], indicator)
            denominator = parse_denominator(denominator, indicator)
        recorded_at = _timestamp(recorded_at)
        if self.text is not None:
            by, note, source = self.text(by), self.text(note), self.text(source)
        if file_id is not None:
            if file_id in self.seen_ids:
                raise SytrackError(f"id {file_id} appears twice")
            self.seen_ids.add(file_id)
        elif retracts is not None:
            raise SytrackError("a retraction row needs the id column to say what it retracts")
        return (file_id, indicator.id, as_of_text, value, by.strip() or self.default_by, note, source,
                retracts, recorded_at, org, denominator)


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
    if not text.isdigit():
        raise SytrackError(f"{column} {text!r} is not a whole number")
    return int(text)
