"""The one report writer (table, csv, tsv, json, jsonl, markdown) and the Rich views of sytrack's data."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sytrack.values import format_plain
from sytrack.visible import visible

FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown", "xlsx")
# Cells that a spreadsheet would read as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str  # the machine name: CSV/TSV header and JSON key
    title_zh: str = ""
    title_en: str = ""
    kind: str = "text"  # text | number | date | bool: text cells are user text, guarded in CSV
    to_text: Callable[[Any], str] | None = None  # how a structured cell reads in CSV, TSV and Markdown

    def title(self, lang: str) -> str:
        return (self.title_zh if lang == "zh" else self.title_en) or self.key


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


def guard_formula(text: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula by prefixing a quote. A cell that
    already starts with a quote gets one too, so that `unguard_formula` restores any text exactly."""
    return "'" + text if text.startswith(_FORMULA_STARTS + ("'",)) else text


def unguard_formula(text: str) -> str:
    """The inverse of guard_formula, for reading back a CSV that sytrack wrote."""
    return text[1:] if text.startswith("'") else text


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return int(value)
    return value


def _write_delimited(rows: Iterable, columns: Sequence[Column], out: IO[str], delimiter: str, excel: bool,
                     rows_are_tuples: bool) -> None:
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
                if text and text[0] in _GUARDED_STARTS:
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
        writer.writerows([convert(row.get(key)) for key, convert in zip(keys, converters)] for row in rows)


_GUARDED_STARTS = frozenset(_FORMULA_STARTS + ("'",))


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return "'" + value if value[:1] in _GUARDED_STARTS else value
    return guard_formula(plain_cell(value))


def _number_cell(value: Any) -> str:
    kind = value.__class__
    if kind is float:
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if kind is int:
        return str(value)
    return "" if value is None else plain_cell(value)


def _date_cell(value: Any) -> str:
    return value if value.__class__ is str else plain_cell(value)


def _delimited_converter(column: Column) -> Callable[[Any], str]:
    if column.to_text is not None:
        return lambda value: guard_formula(_cell_text(column, value)) if column.kind == "text" else _cell_text(column, value)
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
    table: Callable[[list[dict]], Any] | None = None,
    terminal: bool = False,
    excel: bool = False,
    sheet: str = "report",
    rows_are_tuples: bool = False,
) -> None:
    """Write `rows` (dicts keyed by column key) in `fmt`. `table` builds the Rich view for 'table';
    'xlsx' needs a binary `out` and names its sheet.

    With `rows_are_tuples`, rows are tuples in column order whose cells are plain already: whole
    numbers as int, others as float, dates as ISO text, None for none. A million-row export takes
    this path, so the csv module formats numbers itself."""
    if rows_are_tuples and fmt not in ("csv", "tsv"):
        keys = [column.key for column in columns]
        rows = (dict(zip(keys, row)) for row in rows)
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
        assert table is not None, "a table view is needed for the table format"
        print_rich(table(list(rows)), out, terminal=terminal)


def print_rich(renderable: Any, out: IO[str], *, terminal: bool, width: int | None = None) -> None:
    """Print a Rich renderable: fitted to a terminal; for a pipe, plain, as wide as its content
    (or as COLUMNS says, `width`), and without the padding Rich adds at the ends of lines."""
    from rich.console import Console

    if terminal:
        Console(file=out).print(renderable)
        return
    # Not a terminal: no colour, and no wrapping or truncation whatever terminal is attached elsewhere.
    if width is None:
        measuring = Console(width=100_000, color_system=None, force_terminal=False)
        width = max(measuring.measure(renderable).maximum, 1)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False,
                      no_color=True, highlight=False, emoji=False, soft_wrap=False)
    console.print(renderable, crop=False)
    out.writelines(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def rich_text(value: str, style: str = "") -> Any:
    """User text for a Rich table: never read as markup, and its control characters shown, not obeyed."""
    from rich.text import Text

    return Text(visible(value), style=style)


class ProgressBar:
    """A Rich progress bar on standard error for long work (rows done, rate, time left), or nothing.

    `advance` is called once per row; every few thousand rows it updates the bar, and redraws it
    at most four times a second, from the work's own thread. With Rich's own refresh thread, the
    benchmark's million-row import took 5 to 10% more CPU time, nearly all of it while SQLite
    wrote; drawn this way, no difference shows."""

    STEP = 5000
    REDRAW_SECONDS = 0.25

    def __init__(self, label: str, total: int | None, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self._progress = self._task = None
        self._pending = 0
        self._drawn = 0.0

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
            from rich.text import Text

            class RowRate(ProgressColumn):
                def render(self, task) -> Text:
                    return Text(f"{task.speed or 0:,.0f} rows/s")

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      RowRate(), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
                                      auto_refresh=False)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
            self._progress.refresh()  # the bar appears at once, not with the first thousands of rows
        return self

    def advance(self, rows: int = 1) -> None:
        if self._progress is None:
            return
        self._pending += rows
        if self._pending >= self.STEP:
            self._progress.update(self._task, advance=self._pending)
            self._pending = 0
            now = time.monotonic()
            if now - self._drawn >= self.REDRAW_SECONDS:
                self._progress.refresh()
                self._drawn = now

    def wrap(self, items: Iterable) -> Iterable:
        """Yield the items, advancing the bar by one for each."""
        if self._progress is None:
            yield from items
            return
        for item in items:
            self.advance()
            yield item

    def __exit__(self, *_: object) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=self._pending)
            self._progress.stop()
