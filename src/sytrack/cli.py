"""The sytrack command line: global options, thin commands, and the single error boundary."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer

from sytrack import __version__
from sytrack.catalogue import (
    Located,
    append_indicator_text,
    locate_catalogue,
    load_catalogue,
    parse_catalogue,
    read_catalogue_text,
    require_indicator,
)
from sytrack.errors import SytrackError, UsageError
from sytrack.files import atomic_writer, write_text_atomic
from sytrack.model import Catalogue

HELP = """Track the numeric targets of a plan: declare them once, record values, see what is on track.

The catalogue of targets is found like git finds its repository: --catalog PATH, else the
SYTRACK_CATALOG environment variable, else indicators.toml in this folder or any parent,
else the catalogue packaged with sytrack (Shenyang's 2023 industrial plan).
`sytrack where` says which catalogue and data file are in use.

Exit codes: 0 ok, 1 bad data or a failed check, 2 bad usage.
"""

app = typer.Typer(
    name="sytrack",
    help=HELP,
    rich_markup_mode=None,  # help text is plain: "[year|quarter]" must not vanish as markup
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by every command that lists things, spelled once.
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table for people; csv, tsv, json, jsonl, markdown for tools.")
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="Write the report to FILE (atomically) instead of standard output.", dir_okay=False),
]
ExcelOption = Annotated[bool, typer.Option("--excel", help="CSV/TSV: start with the byte-order mark Excel needs for Chinese text.")]
LangOption = Annotated[Optional[Lang], typer.Option("--lang", help="Language of names: zh or en (default: the catalogue's).")]


@dataclass
class Session:
    """What the global options and the environment say; loads the catalogue once, on demand."""

    catalog_option: str | None
    db_option: str | None
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _catalogue: Catalogue | None = None

    @functools.cached_property
    def located(self) -> Located:
        return locate_catalogue(self.catalog_option, self.environ.get("SYTRACK_CATALOG"), Path.cwd())

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.located.path)
        return self._catalogue

    def lang(self, option: Lang | None) -> str:
        return option.value if option else self.catalogue.plan.language


def fail(message: str, exit_code: int = 1) -> typer.Exit:
    """Print one line on standard error and return the Exit to raise."""
    sys.stderr.write(f"sytrack: error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(exit_code)


def command(name: str | None = None, **settings: Any) -> Callable:
    """Register a command behind the one error boundary: SytrackError becomes one line and an exit code."""

    def register(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except SytrackError as error:
                raise fail(error.message, error.exit_code) from None

        app.command(name, **settings)(guarded)
        return function

    return register


def session(ctx: typer.Context) -> Session:
    return ctx.find_root().obj


def version_callback(value: bool) -> None:
    if value:
        print(f"sytrack {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    catalog: Annotated[Optional[str], typer.Option("--catalog", "-c", metavar="PATH", help="The catalogue to use (else SYTRACK_CATALOG, else indicators.toml here or above, else the packaged one).")] = None,
    db: Annotated[Optional[str], typer.Option("--db", metavar="PATH", help="The data file to use (else SYTRACK_DB, else next to the catalogue).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = Session(catalog, db)


@contextlib.contextmanager
def report_stream(output: Path | None, fmt: Format) -> Iterator[tuple[IO[str], bool]]:
    """Where a report goes: an atomically written file, the terminal, or UTF-8 bytes on a pipe."""
    if output is not None:
        with atomic_writer(output) as stream:
            yield stream, False
        return
    terminal = sys.stdout.isatty()
    if fmt == Format.table and terminal:
        yield sys.stdout, True
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (some test runners): it takes str as it is
        yield sys.stdout, False
        return
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield stream, False
    finally:
        stream.flush()
        stream.detach()


def emit(rows: Any, columns: Any, fmt: Format, output: Path | None, excel: bool, table: Callable | None) -> None:
    from sytrack.render import write_report

    with report_stream(output, fmt) as (stream, terminal):
        write_report(rows, columns, fmt.value, stream, table=table, terminal=terminal, excel=excel)


# ---------------------------------------------------------------------------------------------
# Catalogue commands


@command("list")
def list_command(
    ctx: typer.Context,
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="Only this group (its id).")] = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """List the catalogue's indicators: id, group, names, unit, kind, baseline and targets.

    The JSON output holds every field of every indicator; `sytrack show ID` shows one in full.
    """
    from sytrack.views import LIST_COLUMNS, indicator_row, list_table

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    if group is not None and group not in {g.id for g in catalogue.groups}:
        raise SytrackError(f"unknown group {group!r}; groups: {', '.join(g.id for g in catalogue.groups)}")
    indicators = [i for i in catalogue.in_group_order() if group is None or i.group == group]
    rows = (indicator_row(catalogue, i, language) for i in indicators)
    emit(rows, LIST_COLUMNS, fmt, output, excel, list_table(catalogue, language))


@command("show")
def show_command(
    ctx: typer.Context,
    indicator_id: Annotated[str, typer.Argument(metavar="ID", help="The indicator's id, e.g. 5g-base-stations.")],
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show one indicator in full: names, kind, baseline, every target, and the plan's sentence."""
    from sytrack.views import LIST_COLUMNS, fields_table, indicator_row, show_fields

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    indicator = require_indicator(catalogue, indicator_id)
    fields = show_fields(catalogue, indicator, language)
    emit([indicator_row(catalogue, indicator, language)], LIST_COLUMNS, fmt, output, excel,
         lambda rows: fields_table(fields, indicator.name(language)))


@command("where")
def where_command(ctx: typer.Context) -> None:
    """Say which catalogue and which data file sytrack is using, and why."""
    state = session(ctx)
    located = state.located
    print(f"catalogue: {located.path} ({located.how})")


@command("check")
def check_command(ctx: typer.Context) -> None:
    """Validate the catalogue and report every problem, one line each: FILE:LINE: ID: MESSAGE.

    Exits 1 if there is any problem, so it can guard a commit or a CI job.
    """
    state = session(ctx)
    path = state.located.path
    catalogue, problems = parse_catalogue(read_catalogue_text(path), str(path))
    for problem in problems:
        print(problem)
    if problems:
        raise fail(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {path}")
    assert catalogue is not None
    sys.stderr.write(f"ok: {len(catalogue.indicators)} indicators in {len(catalogue.groups)} groups ({path})\n")


@command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the new catalogue.", dir_okay=False)] = Path("indicators.toml"),
) -> None:
    """Write a commented starter catalogue for a new plan (never over an existing file)."""
    from sytrack.catalogue import PACKAGED_CATALOGUE

    if path.exists():
        raise SytrackError(f"{path} already exists; choose another path or edit it")
    starter = PACKAGED_CATALOGUE.with_name("starter.toml").read_text(encoding="utf-8")
    write_text_atomic(path, starter)
    print(f"wrote {path}: edit it, then run `sytrack check`")


@command("add")
def add_command(
    ctx: typer.Context,
    indicator_id: Annotated[str, typer.Option("--id", help="Short ASCII id, e.g. smart-factories.")],
    group: Annotated[str, typer.Option("--group", "-g", help="Id of an existing group.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="Chinese name.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    kind: Annotated[str, typer.Option("--kind", help="level, flow, share, rate, rank or milestone.")],
    target: Annotated[list[str], typer.Option("--target", "-t", metavar="VALUE@DATE", help="A target, e.g. 40000@2023-12-31, 4万@2023, 4..6@2023 for a range, done@2023 for a milestone. Repeat for several.")],
    direction: Annotated[Optional[str], typer.Option("--direction", help="increase or decrease (required except for a milestone).")] = None,
    unit: Annotated[str, typer.Option("--unit", help="Unit as the plan writes it: 个, 户, %, 亿元 ...")] = "",
    unit_en: Annotated[str, typer.Option("--unit-en", help="Unit in English.")] = "",
    comparison: Annotated[Optional[str], typer.Option("--comparison", help="at-least, more-than, at-most, less-than (default: at-least when increasing, at-most when decreasing).")] = None,
    baseline: Annotated[Optional[str], typer.Option("--baseline", metavar="VALUE@DATE", help="Last known value, e.g. 30000@2022-12-31.")] = None,
    department: Annotated[str, typer.Option("--department", help="Responsible department.")] = "",
    quote: Annotated[str, typer.Option("--quote", help="The plan's sentence the target comes from.")] = "",
) -> None:
    """Append a new indicator to the catalogue; every other byte of the file stays as it was.

    The new catalogue is checked before anything is written: on any problem nothing changes.
    """
    import tomli_w

    from sytrack.catalogue import indicator_entry

    state = session(ctx)
    located = state.located
    if located.is_packaged:
        raise SytrackError("the packaged catalogue cannot be changed; run `sytrack init` to start your own")
    path = located.path
    text = read_catalogue_text(path)
    if parse_catalogue(text, str(path))[0] is None:
        raise SytrackError(f"{path} has problems; fix them first (run `sytrack check`)")
    entry = indicator_entry(
        indicator_id=indicator_id, group=group, name_zh=name_zh, name_en=name_en, unit=unit, unit_en=unit_en,
        kind=kind, direction=direction, comparison=comparison, targets=target, baseline=baseline,
        department=department, quote=quote,
    )
    new_text = append_indicator_text(text, entry, tomli_w.dumps)
    catalogue, problems = parse_catalogue(new_text, str(path))
    if catalogue is None:
        raise SytrackError("; ".join(p.message for p in problems))
    write_text_atomic(path, new_text)
    print(f"added {indicator_id} to {path}")


def main() -> None:
    """The console script: runs the app, and ends quietly when a reader closes the pipe early."""
    try:
        app()
    except BrokenPipeError:
        # `sytrack status | head -1`: the reader has what it wanted. Silence the final flush too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
