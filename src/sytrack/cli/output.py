"""Where a report goes: standard output (a terminal or a pipe) or a file written atomically."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

import typer

from sytrack.cli.options import Format
from sytrack.errors import UsageError

SUFFIX_FORMATS = {
    ".csv": Format.csv,
    ".tsv": Format.tsv,
    ".json": Format.json,
    ".jsonl": Format.jsonl,
    ".md": Format.markdown,
    ".xlsx": Format.xlsx,
}


def format_for(fmt: Format | None, output: Path | None, default: Format) -> Format:
    """The format asked for; else, or for a plain table sent to a file, what the file's name ends in."""
    suffix = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if suffix is not None and fmt in (None, Format.table):
        return suffix  # -o status.xlsx means a workbook, not a text table
    return fmt or default


def atomic_writer(path: Path, mode: str = "w"):
    from sytrack.files import atomic_writer as writer  # only commands that write files need it

    return writer(path, mode)


def write_text_atomic(path: Path, text: str) -> None:
    from sytrack.files import write_text_atomic as write

    write(path, text)


@contextlib.contextmanager
def report_stream(output: Path | None, fmt: Format) -> Iterator[tuple[IO[str], bool]]:
    """Where a report goes: an atomically written file, the terminal, or UTF-8 bytes on a pipe."""
    if output is not None:
        with atomic_writer(output) as stream:
            yield stream, False
        return
    terminal = sys.stdout.isatty()
    if fmt == Format.table and terminal:
        with reader_may_leave():
            yield sys.stdout, True
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (some test runners): it takes str as it is
        yield sys.stdout, False
        return
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    with reader_may_leave():
        try:
            yield stream, False
        finally:
            with contextlib.suppress(BrokenPipeError, ValueError):
                stream.flush()
            stream.detach()


@contextlib.contextmanager
def reader_may_leave() -> Iterator[None]:
    """`sytrack export | head -1`: when the reader closes the pipe it has what it wanted, so stop
    quietly with exit code 0 (Typer's own handler would exit 1)."""
    try:
        yield
    except BrokenPipeError:
        # Later flushes of standard output, at exit too, must not fail again or print anything.
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None


def screen_for(terminal: bool, ascii_only: bool = False):
    """How wide and in what colours a table is drawn: a terminal's own width (COLUMNS when set, the
    real size otherwise, `TERM=dumb` too) and colour unless NO_COLOR; a pipe or a file gets no
    colour and the width COLUMNS says, else as wide as the table's content."""
    import shutil

    from sytrack.views.grid import Screen

    if terminal:
        colour = "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        return Screen(shutil.get_terminal_size().columns, colour, ascii_only, terminal=True)
    columns = os.environ.get("COLUMNS", "")
    return Screen(int(columns) if columns.isdigit() and int(columns) > 0 else None, False, ascii_only)


def draw(view: Any, out: IO[str], screen: Any) -> None:
    """A table view: lines of text from a grid (written as they come), or a Rich renderable."""
    if isinstance(view, (Iterator, list)):
        for line in view:
            out.write(line + "\n")
        return
    from sytrack.writers.terminal import print_rich

    print_rich(view, out, terminal=screen.terminal, width=screen.width)


def emit(
    rows: Any,
    columns: Any,
    fmt: Format,
    output: Path | None,
    excel: bool,
    table: Callable | None,
    sheet: str = "report",
    rows_are_tuples: bool = False,
    ascii_only: bool = False,
) -> None:
    """Hand a report's rows to the one writer, in the format and to the place asked for; a table is
    built by `table(rows, screen)`."""
    from sytrack.writers import write_report

    fmt = format_for(fmt, output, Format.table)
    if fmt == Format.table:
        assert table is not None, "a table view is needed for the table format"
        if rows_are_tuples:
            keys = [column.key for column in columns]
            rows = (dict(zip(keys, row)) for row in rows)
        with report_stream(output, fmt) as (stream, terminal):
            screen = screen_for(terminal, ascii_only)
            draw(table(rows, screen), stream, screen)
        return
    if fmt == Format.xlsx:
        if output is None:
            raise UsageError("--format xlsx writes a workbook: give the file with -o FILE.xlsx")
        with atomic_writer(output, "wb") as stream:
            write_report(rows, columns, fmt.value, stream, sheet=sheet, rows_are_tuples=rows_are_tuples)
        return
    with report_stream(output, fmt) as (stream, _terminal):
        write_report(rows, columns, fmt.value, stream, excel=excel, rows_are_tuples=rows_are_tuples)


def read_input(file: str, stdin_name: str) -> tuple[bytes, str]:
    """The bytes of FILE, or of standard input for `-`, and the name to report them by."""
    from sytrack.files import read_user_file

    if file == "-":
        return sys.stdin.buffer.read(), stdin_name
    return read_user_file(Path(file)), file


def open_input(file: str, stdin_name: str) -> tuple[BinaryIO, str]:
    """FILE open for reading bytes (a seekable stream, read as it is needed), or standard input
    for `-` (read whole: a pipe cannot be read twice); and the name to report it by."""
    from sytrack.files import open_user_file

    if file == "-":
        return io.BytesIO(sys.stdin.buffer.read()), stdin_name
    return open_user_file(Path(file)), file


def say(text: str) -> None:
    """A line for people on standard output: user text in it is shown, never obeyed by the terminal."""
    from sytrack.visible import visible

    print(visible(text))


def notify(text: str) -> None:
    """A note for people on standard error (`sytrack: note: ...`), as safe as `say`."""
    from sytrack.visible import visible

    sys.stderr.write(f"sytrack: note: {visible(text)}\n")


def tell(text: str) -> None:
    """A line for people on standard error, without a prefix (a problem's FILE:LINE: ..., `wrote FILE`)."""
    from sytrack.visible import visible

    sys.stderr.write(f"{visible(text)}\n")
