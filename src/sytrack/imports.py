"""Reading an import file (CSV or Excel) into records, checking every row first and reporting every bad one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator

from sytrack.catalogue import require_indicator
from sytrack.errors import Problem, SytrackError, Where
from sytrack.model import Catalogue
from sytrack.render import unguard_formula
from sytrack.store import NewObservation
from sytrack.values import check_recordable_date, parse_date, parse_value

REQUIRED = ("indicator", "value", "date")
OPTIONAL = ("note", "source", "by")
# What an export adds: kept (id, recorded_at, retracts) or derived again on import (the rest).
FROM_EXPORT = ("id", "recorded_at", "retracts", "supersedes", "state")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
XLSX_MAGIC = b"PK\x03\x04"

Row = tuple[Where, list[str]]


def read_import(
    data: bytes, name: str, catalogue: Catalogue, today: dt.date, default_by: str,
    on_row: Callable[[int], None] | None = None,
) -> tuple[list[NewObservation | tuple[int, NewObservation]], list[Problem]]:
    """Parse an import file into records to store, and every problem found (file:line: message).
    An Excel workbook is read sheet by sheet; each sheet starts with its own header row."""
    tables = _workbook_tables(data, name) if data.startswith(XLSX_MAGIC) else _csv_tables(data, name)
    records: list = []
    problems: list[Problem] = []
    seen_ids: set[int] = set()
    try:
        for where, header, rows, from_workbook in tables:
            # sytrack's own CSV exports (they carry ids) quote formula-like text for spreadsheets;
            # a workbook stores text as text, so there is no quote to remove.
            guarded = "id" in header and not from_workbook
            padded = from_workbook
            header_problem = _check_header(header)
            if header_problem:
                problems.append(Problem(where, None, header_problem))
                continue
            for count, (row_where, row) in enumerate(rows, start=1):
                if on_row is not None and count % 1000 == 0:
                    on_row(1000)
                if not any(cell.strip() for cell in row):
                    continue
                # A spreadsheet drops empty trailing cells; a CSV row must match its header.
                if len(row) > len(header) or (len(row) < len(header) and not padded):
                    problems.append(Problem(row_where, None, f"{len(row)} cells where the header has {len(header)}"))
                    continue
                cells = dict(zip(header, row + [""] * (len(header) - len(row))))
                try:
                    records.append(_record(cells, catalogue, today, default_by, seen_ids, guarded))
                except SytrackError as error:
                    problems.append(Problem(row_where, None, error.message))
    except SytrackError as error:
        # The file as a whole cannot be read (not UTF-8, not a workbook): one line, no row count.
        raise SytrackError(f"{name}: {error.message}") from None
    return records, problems


def _check_header(header: list[str]) -> str | None:
    if not header:
        return "empty: expected a header indicator,value,date"
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL + FROM_EXPORT]
    if not missing and not unknown and len(set(header)) == len(header):
        return None
    detail = (f"missing {', '.join(missing)}" if missing else "") or (
        f"unknown column {', '.join(unknown)}" if unknown else "a column appears twice")
    return f"bad header ({detail}); expected indicator,value,date[,note,source,by]"


def _csv_tables(data: bytes, name: str) -> Iterator[tuple[Where, list[str], Iterator[Row], bool]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SytrackError(f"not UTF-8 (byte {error.start}); save it as 'CSV UTF-8'") from None
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


def _record(cells: dict[str, str], catalogue: Catalogue, today: dt.date, default_by: str, seen_ids: set[int],
            guarded: bool):
    text = unguard_formula if guarded else (lambda cell: cell)
    indicator = require_indicator(catalogue, cells["indicator"].strip())
    as_of = parse_date(cells["date"])
    check_recordable_date(as_of, indicator, today)
    retracts = _whole_number(cells.get("retracts", ""), "retracts")
    file_id = _whole_number(cells.get("id", ""), "id")
    if retracts is not None:
        if cells["value"].strip():
            raise SytrackError("a retraction row has no value")
        value = None
    else:
        value = parse_value(cells["value"], indicator)
    recorded_at = cells.get("recorded_at", "").strip() or None
    if recorded_at is not None and not _TIMESTAMP.fullmatch(recorded_at):
        raise SytrackError(f"recorded_at {recorded_at!r} is not a UTC time such as 2023-07-01T08:00:00Z")
    new = NewObservation(
        indicator=indicator.id, as_of=as_of, value=value,
        recorded_by=text(cells.get("by", "").strip()) or default_by,
        note=text(cells.get("note", "")), source=text(cells.get("source", "")),
        retracts=retracts, recorded_at=recorded_at,
    )
    if file_id is None:
        if retracts is not None:
            raise SytrackError("a retraction row needs the id column to say what it retracts")
        return new
    if file_id in seen_ids:
        raise SytrackError(f"id {file_id} appears twice")
    if retracts is not None and retracts not in seen_ids:
        raise SytrackError(f"retracts #{retracts}, which is not an earlier row of this file")
    seen_ids.add(file_id)
    return file_id, new


def _whole_number(text: str, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise SytrackError(f"{column} {text!r} is not a whole number")
    return int(text)
