"""Excel workbooks in and out. openpyxl is imported here only, and only when a workbook is touched."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sytrack.errors import SytrackError
from sytrack.visible import display_width

STATUS_FILLS = {  # light fills that print well in black and white too
    "achieved": "C6EFCE",
    "on-track": "E2F0D9",
    "behind": "FFEB9C",
    "off-track": "F8CBAD",
    "missed": "FFC7CE",
    "pending": "DDEBF7",
    "no-data": "EDEDED",
}


# The characters a workbook cannot hold (openpyxl refuses them): written as their escape, \x1b.
_NOT_IN_WORKBOOKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def workbook_text(text: str) -> str:
    """Text a workbook can hold: control characters (other than tab and line breaks) as \\xNN."""
    return _NOT_IN_WORKBOOKS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


# The widest a column is made; longer text wraps inside the cell instead, so a printed page shows it whole.
MAX_COLUMN_WIDTH = 40
MAX_DECIMALS = 15  # what a spreadsheet keeps of a double


@dataclass(frozen=True)
class SheetCell:
    """One cell as written: its value, its number format (None: text or General), and the text a
    reader sees in it, which sizes the column."""

    value: Any
    number_format: str | None
    shown: str
    is_text: bool = False


def is_percent_column(key: str) -> bool:
    """`completion_pct`: a percent number (52.38 means 52.38%), the same number in CSV, JSON and xlsx."""
    return key.endswith("_pct")


def _decimals(value: float) -> int:
    """The decimals of the shortest text that reads back as `value`: 77.1 has one, 0.30000000000000004 has 15."""
    from decimal import Decimal

    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -exponent)) if isinstance(exponent, int) else 0


def number_cell(value: float, percent: bool) -> SheetCell:
    """A number shown as recorded: grouped (40,000), with exactly its own decimals (77.1, not 77.10);
    a percent number with a literal % after it (52.38%), its value still 52.38 as in CSV and JSON."""
    decimals = 0 if float(value).is_integer() else _decimals(value)
    number_format = "#,##0" + ("." + "0" * decimals if decimals else "") + ('"%"' if percent else "")
    shown = f"{value:,.{decimals}f}" + ("%" if percent else "")
    return SheetCell(value, number_format, shown)


def _timestamp(text: str) -> dt.datetime | dt.date | None:
    """An ISO date or UTC time written as text (export's rows) as the date or naive datetime it names."""
    try:
        if "T" not in text:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:  # a workbook has no time zones: sytrack's times are UTC, the header says so
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def date_cell(value: dt.date | str) -> SheetCell | None:
    """A date as a date cell (yyyy-mm-dd) and a time as a datetime cell (yyyy-mm-dd hh:mm:ss), whether
    it comes as a date or as ISO text; None for text that is no date, which stays text."""
    moment = _timestamp(value) if isinstance(value, str) else value
    if isinstance(moment, dt.datetime):
        return SheetCell(moment, "yyyy-mm-dd hh:mm:ss", moment.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(moment, dt.date):
        return SheetCell(moment, "yyyy-mm-dd", moment.isoformat())
    return None


def sheet_cell(column: Any, value: Any) -> SheetCell | None:
    """How one value of a column is written: numbers, dates and booleans as such, all else as text."""
    if value is None or value == "":
        return None
    if column.kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_cell(value, is_percent_column(column.key))
    if column.kind == "date" and isinstance(value, (dt.date, str)) and (cell := date_cell(value)):
        return cell
    if column.kind == "bool" and isinstance(value, bool):
        # A boolean cell, shown as TRUE/FALSE by Excel and LibreOffice alike (LibreOffice shows 1/0 without it).
        return SheetCell(value, '"TRUE";"TRUE";"FALSE"', "TRUE" if value else "FALSE")
    if column.to_text:
        text = column.to_text(value)
    else:
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return SheetCell(workbook_text(text), None, text, is_text=True)


def shown_width(text: str) -> int:
    """The display width of the widest line of `text` (a Chinese character counts two)."""
    if "\n" not in text:
        return display_width(text)
    return max((display_width(line) for line in text.splitlines()), default=0)


def column_width(widest: int) -> int:
    """A column as wide as its widest header or cell on screen, plus a margin; at most MAX_COLUMN_WIDTH."""
    return min(MAX_COLUMN_WIDTH, widest + 2)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` wide (its margin of 2 left free)."""
    room = max(1, width - 2)
    return sum(max(1, -(-display_width(line) // room)) for line in text.splitlines() or [""])


def _print_setup(worksheet: Any) -> None:
    """Printed, the sheet fits the page's width on landscape A4, with the header on every page."""
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = "1:1"
    worksheet.print_options.gridLines = True
    worksheet.freeze_panes = "A2"


def write_workbook(rows: Iterable[dict], columns: Sequence[Any], out: IO[bytes], sheet: str) -> None:
    """One sheet: a frozen bold header row, then each value as `sheet_cell` says; status cells
    coloured, long text wrapped, columns sized by display width, printing set up."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append([c.key for c in columns])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    widest = [shown_width(c.key) for c in columns]  # kept as a running maximum: an export has a million rows
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped: dict[int, list[tuple[int, str]]] = {}  # row -> (column, text) of its wrapped cells
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns):
            written = sheet_cell(column, row.get(column.key))
            if written is None:
                continue
            cell = worksheet.cell(row=row_number, column=index + 1, value=written.value)
            widest[index] = max(widest[index], shown_width(written.shown))
            if written.number_format:
                cell.number_format = written.number_format
            if written.is_text:
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
                if column.key == "status" and written.value in STATUS_FILLS:
                    cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[written.value])
                if display_width(written.shown) > MAX_COLUMN_WIDTH - 2 or "\n" in written.shown:
                    cell.alignment = wrap
                    wrapped.setdefault(row_number, []).append((index, written.shown))
    widths = [column_width(width) for width in widest]
    for index, width in enumerate(widths):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width
    for row_number, cells in wrapped.items():
        # Not every spreadsheet grows a row for wrapped text when it opens a file: say how tall it is.
        lines = max(wrapped_lines(text, widths[index]) for index, text in cells)
        worksheet.row_dimensions[row_number].height = 15 * lines
    _print_setup(worksheet)
    # Built in memory, then written: when `out` fails (a full disk), openpyxl's zip file would be
    # left open and complain again when collected; this way the failure is one plain write error.
    import io

    built = io.BytesIO()
    workbook.save(built)
    out.write(built.getbuffer())


# Parts of a number format that are not codes: quoted text ("%"), an escaped character (\%), a colour ([Red]).
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[A-Za-z]{3,}\d*\]')


def _format_codes(number_format: str | None) -> str:
    return _FORMAT_LITERALS.sub("", number_format or "")


def cell_text(value: Any, number_format: str | None, as_time: bool = False) -> str:
    """A cell read as the CSV import would see it: numbers plain, dates ISO, empty for none. A number
    under a percent format is read as typed: Excel keeps 63.5% as 0.635; a literal "%" (as in sytrack's
    `*_pct` columns) is no percent format. With `as_time` (a `recorded_at` column) a date cell is a UTC
    time as sytrack writes them, 2023-07-01T08:00:00Z, midnight included."""
    from sytrack.values import format_plain

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return format_plain(float(value) * 100 if "%" in _format_codes(number_format) else float(value))
    if isinstance(value, dt.datetime) and as_time:
        # A spreadsheet keeps a time as a fraction of a day: round it back to the second it was.
        moment = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sheet_rows(worksheet: Any) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of one sheet; the first row that has cells is its header."""
    time_columns: set[int] | None = None
    for number, row in enumerate(worksheet.iter_rows(), start=1):
        values = [(getattr(cell, "value", None), getattr(cell, "number_format", None)) for cell in row]
        if time_columns is None and any(value is not None for value, _ in values):
            time_columns = {n for n, (value, _) in enumerate(values) if str(value).strip() == "recorded_at"}
        cells = [
            cell_text(value, number_format, n in (time_columns or ()))
            for n, (value, number_format) in enumerate(values)
        ]
        while cells and cells[-1] == "":
            cells.pop()
        yield number, cells


def read_sheets(data: bytes, name: str) -> Iterator[tuple[str, int, list[str]]]:
    """(sheet, row number, cells as text, as `cell_text` reads them) for every row of every sheet."""
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SytrackError(f"not a readable Excel workbook ({error})") from None
    try:
        for worksheet in workbook.worksheets:
            for number, cells in _sheet_rows(worksheet):
                yield worksheet.title, number, cells
    finally:
        workbook.close()
