"""The one report writer: rows of plain values out as csv, tsv, json, jsonl, markdown or xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from sytrack.formula_guard import GUARDED_STARTS, guard_formula
from sytrack.values import format_plain, whole_number
from sytrack.views.columns import Column
from sytrack.visible import visible


def plain_cell(value: Any) -> str:
    """A value as boring text: plain numbers, ISO dates, '' for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_plain(float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _cell_text(column: Column, value: Any) -> str:
    return column.to_text(value) if column.to_text and value is not None else plain_cell(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        whole = whole_number(value)
        return value if whole is None else whole
    return value


def _write_delimited(
    rows: Iterable, columns: Sequence[Column], out: IO[str], delimiter: str, excel: bool, rows_are_tuples: bool
) -> None:
    if excel:
        out.write("\ufeff")
    # CRLF for TSV too: the csv module quotes a field only for characters of the line terminator,
    # so with LF alone a bare carriage return in a note would split the row.
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    # One converter per column, chosen once: an export writes a million rows through here.
    converters = [_delimited_converter(column) for column in columns]
    if rows_are_tuples:
        # Tuple rows come plain already (see write_report): only user text needs its guard.
        guards = [n for n, column in enumerate(columns) if column.kind == "text"]
        numbers = [n for n, column in enumerate(columns) if column.kind == "number"]

        def guarded(row: tuple) -> tuple | list:
            # Most rows need nothing: look before copying.
            for n in guards:
                text = row[n]
                if text and text[0] in GUARDED_STARTS:
                    break
            else:
                for n in numbers:
                    if row[n].__class__ is float and row[n].is_integer():
                        break  # a server may hand whole numbers back as floats
                else:
                    return row
            cells = list(row)
            for n in guards:
                cells[n] = _text_cell(cells[n])
            for n in numbers:
                if cells[n].__class__ is float:
                    cells[n] = _number_cell(cells[n])
            return cells

        writer.writerows(map(guarded, rows))
    else:
        keys = [column.key for column in columns]
        writer.writerows([convert(row.get(key)) for key, convert in zip(keys, converters, strict=True)] for row in rows)


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return "'" + value if value[:1] in GUARDED_STARTS else value
    return guard_formula(plain_cell(value))


def _number_cell(value: Any) -> str:
    kind = value.__class__
    if kind is float:
        whole = whole_number(value)
        return repr(value) if whole is None else str(whole)
    if kind is int:
        return str(value)
    return "" if value is None else plain_cell(value)


def _date_cell(value: Any) -> str:
    return value if value.__class__ is str else plain_cell(value)


def _delimited_converter(column: Column) -> Callable[[Any], str]:
    if column.to_text is not None:
        return lambda value: (
            guard_formula(_cell_text(column, value)) if column.kind == "text" else _cell_text(column, value)
        )
    if column.kind == "text":
        return _text_cell
    if column.kind == "number":
        return _number_cell
    if column.kind == "date":
        return _date_cell
    return plain_cell


def _markdown_cell(text: str) -> str:
    """Markdown is read by people and rendered as HTML: user text can neither run (<script>,
    <img onerror>) nor break the table, and controls are shown, not obeyed."""
    text = html.escape(text.replace("\r\n", " ").replace("\r", " ").replace("\n", " "), quote=False)
    return visible(text).replace("\\", "\\\\").replace("|", "\\|")


def write_report(
    rows: Iterable[dict],
    columns: Sequence[Column],
    fmt: str,
    out: IO[str],
    *,
    excel: bool = False,
    sheet: str = "report",
    rows_are_tuples: bool = False,
) -> None:
    """Write `rows` (dicts keyed by column key) in a machine format `fmt`; 'xlsx' needs a binary
    `out` and names its sheet. (A table for people is a view's: see cli.output.emit.)

    With `rows_are_tuples`, rows are tuples in column order whose cells are plain already: whole
    numbers as int, others as float, dates as ISO text, None for none. A million-row export takes
    this path, so the csv module formats numbers itself."""
    if rows_are_tuples and fmt not in ("csv", "tsv"):
        keys = [column.key for column in columns]
        rows = (dict(zip(keys, row, strict=True)) for row in rows)
    if fmt == "xlsx":
        from sytrack.xlsx import write_workbook

        write_workbook(rows, columns, out, sheet)  # type: ignore[arg-type]
    elif fmt == "csv":
        _write_delimited(rows, columns, out, ",", excel, rows_are_tuples)
    elif fmt == "tsv":
        _write_delimited(rows, columns, out, "\t", excel, rows_are_tuples)
    elif fmt == "json":
        out.write("[")
        for n, row in enumerate(rows):
            out.write(",\n  " if n else "\n  ")
            out.write(json.dumps({c.key: _json_value(row.get(c.key)) for c in columns}, ensure_ascii=False))
        out.write("\n]\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c.key: _json_value(row.get(c.key)) for c in columns}, ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        out.write("| " + " | ".join(c.key for c in columns) + " |\n")
        out.write("|" + "|".join("---:" if c.kind == "number" else "---" for c in columns) + "|\n")
        for row in rows:
            out.write("| " + " | ".join(_markdown_cell(_cell_text(c, row.get(c.key))) for c in columns) + " |\n")
    else:
        raise ValueError(f"not a machine format: {fmt}")
