"""Excel workbooks in and out. openpyxl is imported here only, and only when a workbook is touched."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from sytrack.errors import SytrackError

STATUS_FILLS = {  # light fills that print well in black and white too
    "achieved": "C6EFCE", "on-track": "E2F0D9", "behind": "FFEB9C", "off-track": "F8CBAD",
    "missed": "FFC7CE", "pending": "DDEBF7", "no-data": "EDEDED",
}


# The characters a workbook cannot hold (openpyxl refuses them): written as their escape, \x1b.
_NOT_IN_WORKBOOKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def workbook_text(text: str) -> str:
    """Text a workbook can hold: control characters (other than tab and line breaks) as \\xNN."""
    return _NOT_IN_WORKBOOKS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def write_workbook(rows: Iterable[dict], columns: Sequence[Any], out: IO[bytes], sheet: str) -> None:
    """One sheet: a frozen header row, numbers as numbers (percent columns as %), dates as dates,
    user text always as text (never a formula), and status cells coloured."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append([c.key for c in columns])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    widths = [len(c.key) for c in columns]
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(columns, start=1):
            value = row.get(column.key)
            cell = worksheet.cell(row=row_number, column=column_number)
            if value is None or value == "":
                continue
            if column.kind == "number" and isinstance(value, (int, float)):
                if column.key.endswith("_pct"):
                    cell.value, cell.number_format = value / 100, "0.0%"
                else:
                    cell.value = value
                    cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.00##"
            elif column.kind == "date" and isinstance(value, dt.date):
                cell.value, cell.number_format = value, "yyyy-mm-dd"
            elif column.kind == "bool":
                cell.value = bool(value)
            else:
                text = column.to_text(value) if column.to_text else (value.isoformat() if isinstance(value, dt.date) else str(value))
                cell.value = workbook_text(text)
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
                if column.key == "status" and text in STATUS_FILLS:
                    cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[text])
            widths[column_number - 1] = max(widths[column_number - 1], min(60, len(str(cell.value)) + 2))
    for number, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(number)].width = width + 2
    workbook.save(out)


def read_sheets(data: bytes, name: str) -> Iterator[tuple[str, int, list[str]]]:
    """(sheet, row number, cells as text) for every row of every sheet; cells read as the CSV import
    would see them: numbers plain, dates ISO, empty for none."""
    import io
    import zipfile

    from openpyxl import load_workbook

    from sytrack.values import format_plain

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SytrackError(f"not a readable Excel workbook ({error})") from None
    try:
        for worksheet in workbook.worksheets:
            for number, row in enumerate(worksheet.iter_rows(), start=1):
                cells = []
                for cell in row:
                    value = getattr(cell, "value", None)
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (getattr(cell, "number_format", "") or ""):
                        value = value * 100  # Excel keeps 63.5% as 0.635 with a percent format: read what was typed
                    if value is None:
                        cells.append("")
                    elif isinstance(value, bool):
                        cells.append("yes" if value else "no")
                    elif isinstance(value, (int, float)):
                        cells.append(format_plain(float(value)))
                    elif isinstance(value, dt.datetime):
                        cells.append(value.date().isoformat() if value.time() == dt.time() else value.isoformat())
                    elif isinstance(value, dt.date):
                        cells.append(value.isoformat())
                    else:
                        cells.append(str(value))
                while cells and cells[-1] == "":
                    cells.pop()
                yield worksheet.title, number, cells
    finally:
        workbook.close()
