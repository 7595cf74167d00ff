"""The sytrack command line: global options, thin commands, and the single error boundary."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import sys
from collections.abc import Callable, Iterator
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
from sytrack.errors import Problem, SytrackError, UsageError, Where
from sytrack.model import Catalogue

HELP = """Track the numeric targets of a plan: declare them once, record values, see what is on track.

The catalogue of targets is found like git finds its repository: --catalog PATH, else the
SYTRACK_CATALOG environment variable, else indicators.toml in this folder or any parent,
else the catalogue packaged with sytrack (Shenyang's 2023 industrial plan).
`sytrack where` says which catalogue and data file are in use.

Exit codes: 0 ok, 1 bad data or a failed check, 2 bad usage.
"""

_APP_SETTINGS: dict[str, Any] = dict(
    name="sytrack",
    help=HELP,
    rich_markup_mode=None,  # help text is plain: "[year|quarter]" must not vanish as markup
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app = typer.Typer(**_APP_SETTINGS)

# Click reports a usage error in four lines (usage, hint, blank, error). sytrack's errors are one
# line, whoever raises them, so scripts and people read them the same way. The class is reached
# through Typer's public BadParameter, not by importing Typer's vendored Click.
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
_click_show = _UsageError.show


def _show_one_line(self: Any, file: IO[str] | None = None) -> None:
    if type(self).__name__ == "NoArgsIsHelpError":
        _click_show(self, file)  # `sytrack` alone: the help is the answer
        return
    hint = f" (see `{self.ctx.command_path} --help`)" if self.ctx is not None else ""
    (file or sys.stderr).write(f"sytrack: error: {self.format_message()}{hint}\n")


_UsageError.show = _show_one_line


class Format(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    xlsx = "xlsx"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by every command that lists things, spelled once.
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table for people; csv, tsv, json, jsonl, markdown for tools; xlsx (with -o FILE) for Excel.")
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="Write the report to FILE (atomically) instead of standard output.", dir_okay=False),
]
ExcelOption = Annotated[bool, typer.Option("--excel", help="CSV/TSV: start with the byte-order mark Excel needs for Chinese text.")]
LangOption = Annotated[Optional[Lang], typer.Option("--lang", help="Language of names: zh or en (default: the catalogue's).")]


class Session:
    """What the global options and the environment say; loads the catalogue once, on demand."""

    def __init__(self, catalog_option: str | None, db_option: str | None, environ: dict[str, str] | None = None) -> None:
        self.catalog_option, self.db_option = catalog_option, db_option
        self.environ = dict(os.environ) if environ is None else environ
        self._catalogue: Catalogue | None = None

    @functools.cached_property
    def located(self) -> Located:
        return locate_catalogue(self.catalog_option, self.environ.get("SYTRACK_CATALOG"), Path.cwd())

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from sytrack.paths import user_cache_dir

            off = self.environ.get("SYTRACK_NO_CACHE", "") not in ("", "0")
            cache = None if off else user_cache_dir(sys.platform, self.environ, Path.home())
            self._catalogue = load_catalogue(self.located.path, cache)
        return self._catalogue

    @functools.cached_property
    def data_location(self) -> tuple[str, str]:
        """Where the data is (a file path, or a postgresql:// URL) and why: --db, SYTRACK_DB, or
        the catalogue's own file."""
        if self.db_option:
            return self.db_option, "--db"
        if self.environ.get("SYTRACK_DB"):
            return self.environ["SYTRACK_DB"], "SYTRACK_DB"
        path, how = self.data_path
        return str(path), how

    @functools.cached_property
    def data_path(self) -> tuple[Path, str]:
        """The data file and why: --db, SYTRACK_DB, or the catalogue's own."""
        from sytrack.paths import data_path_for, user_data_dir

        if self.db_option:
            return Path(self.db_option), "--db"
        if self.environ.get("SYTRACK_DB"):
            return Path(self.environ["SYTRACK_DB"]), "SYTRACK_DB"
        located = self.located
        data_dir = user_data_dir(sys.platform, self.environ, Path.home())
        how = "in the user data folder" if located.is_packaged else "next to the catalogue"
        return data_path_for(located.path, located.is_packaged, data_dir), how

    @functools.cached_property
    def store(self):
        return open_store(self.data_location[0], self.catalogue.plan.id)

    @property
    def progress_wanted(self) -> bool:
        """Draw progress bars for long work: on a terminal's standard error, unless told otherwise
        (SYTRACK_PROGRESS=always|never, for benchmarks and tests)."""
        setting = self.environ.get("SYTRACK_PROGRESS", "auto")
        return setting == "always" or (setting != "never" and sys.stderr.isatty())

    def lang(self, option: Lang | None) -> str:
        return option.value if option else self.catalogue.plan.language

    def close(self) -> None:
        """At the end of the command: the catalogue lets go of its cache file."""
        if self._catalogue is not None:
            self._catalogue.close()


def atomic_writer(path: Path, mode: str = "w"):
    from sytrack.files import atomic_writer as writer  # only commands that write files need it

    return writer(path, mode)


def write_text_atomic(path: Path, text: str) -> None:
    from sytrack.files import write_text_atomic as write

    write(path, text)


def open_store(location: str, plan: str):
    """A data file's store, or a PostgreSQL one for a postgresql:// URL (its driver loaded only then)."""
    if location.startswith(("postgresql://", "postgres://")):
        from sytrack.pgstore import PostgresStore

        return PostgresStore(location, plan)
    from sytrack.store import Store

    return Store(Path(location), plan)


def fail(message: str, exit_code: int = 1) -> typer.Exit:
    """Print one line on standard error and return the Exit to raise."""
    sys.stderr.write(f"sytrack: error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(exit_code)


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """A command is short and builds up to millions of small objects that live until it ends
    (a million (date, value) pairs for `status`): Python's cycle collector would scan them again
    and again as they pile up, for nothing (a seventh of `status`), since what little is cyclic
    (an xlsx workbook, the session) lives until the end too. It runs again after the command."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def command(name: str | None = None, **settings: Any) -> Callable:
    """Register a command behind the one error boundary: SytrackError becomes one line and an exit code."""

    def register(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return guard(lambda: function(*args, **kwargs))

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
    ctx.call_on_close(ctx.obj.close)


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


SUFFIX_FORMATS = {".csv": Format.csv, ".tsv": Format.tsv, ".json": Format.json, ".jsonl": Format.jsonl,
                  ".md": Format.markdown, ".xlsx": Format.xlsx}


def emit(rows: Any, columns: Any, fmt: Format, output: Path | None, excel: bool, table: Callable | None,
         sheet: str = "report", rows_are_tuples: bool = False) -> None:
    from sytrack.render import write_report

    if output is not None and fmt == Format.table and output.suffix.lower() in SUFFIX_FORMATS:
        fmt = SUFFIX_FORMATS[output.suffix.lower()]  # -o status.xlsx means a workbook, not a text table

    if fmt == Format.xlsx:
        if output is None:
            raise UsageError("--format xlsx writes a workbook: give the file with -o FILE.xlsx")
        with atomic_writer(output, "wb") as stream:
            write_report(rows, columns, fmt.value, stream, sheet=sheet, rows_are_tuples=rows_are_tuples)
        return
    with report_stream(output, fmt) as (stream, terminal):
        write_report(rows, columns, fmt.value, stream, table=table, terminal=terminal, excel=excel,
                     rows_are_tuples=rows_are_tuples)


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
        raise UsageError(f"unknown group {group!r}; groups: {', '.join(g.id for g in catalogue.groups)}")
    indicators = [i for i in catalogue.in_group_order() if group is None or i.group == group]
    rows = (indicator_row(catalogue, i, language) for i in indicators)
    emit(rows, LIST_COLUMNS, fmt, output, excel, list_table(catalogue, language), sheet="list")


@command("show")
def show_command(
    ctx: typer.Context,
    indicator_id: Annotated[str, typer.Argument(metavar="ID", help="The indicator's id, e.g. 5g-base-stations.")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Draw and judge as things stood on this date. Default: today.")] = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show one indicator in full: names, kind, baseline, every target, the plan's sentence,
    where it stands, and a chart of its records against the path to the target."""
    from sytrack.chart import text_chart
    from sytrack.progress import evaluate
    from sytrack.views import LIST_COLUMNS, chart_for, indicator_row, show_fields, show_view, status_word

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    indicator = require_indicator(catalogue, indicator_id)
    fields = show_fields(catalogue, indicator, language)

    def view(_rows: list[dict]):
        series = state.store.current(indicator.id).get(indicator.id, [])
        progress = evaluate(indicator, series, _as_of(as_of), catalogue.plan)
        chart = text_chart(chart_for(indicator, series, progress, catalogue.plan), width=60, height=10)
        done = "" if progress.completion is None else f", {progress.completion:.0%} done"
        standing = f"as of {progress.as_of.isoformat()}: {status_word(progress.status, language)}{done} — {progress.reason}"
        colour = output is None and sys.stdout.isatty() and "NO_COLOR" not in state.environ
        return show_view(fields, indicator.name(language), chart, standing, colour)

    emit([indicator_row(catalogue, indicator, language)], LIST_COLUMNS, fmt, output, excel, view, sheet=indicator.id)


@command("where")
def where_command(ctx: typer.Context) -> None:
    """Say which catalogue and which data file sytrack is using, and why."""
    state = session(ctx)
    located = state.located
    print(f"catalogue: {located.path} ({located.how})")
    location, how = state.data_location
    if location.startswith(("postgresql://", "postgres://")):
        from sytrack.pgstore import redact

        print(f"data: {redact(location)} ({how}; PostgreSQL)")
    else:
        exists = "" if Path(location).exists() else "; not created yet: the first record creates it"
        print(f"data file: {location} ({how}{exists})")


@command("check")
def check_command(ctx: typer.Context) -> None:
    """Validate the catalogue and report every problem, one line each: FILE:LINE: ID: MESSAGE.

    Exits 1 if there is any problem, so it can guard a commit or a CI job.
    """
    state = session(ctx)
    path = state.located.path
    catalogue, problems = parse_catalogue(read_catalogue_text(path), str(path))
    if catalogue is not None:
        # Records of indicators the catalogue no longer has are kept (nothing is ever lost) but
        # shown nowhere else: say so here.
        data_path = state.store.location
        ids = set(catalogue.ids)
        try:
            counts = state.store.records_per_indicator()
        except SytrackError as error:
            # The catalogue is what `check` checks; a data store it cannot read is only noted.
            sys.stderr.write(f"sytrack: note: records not checked: {error.message}\n")
            counts = {}
        for orphan, count in sorted(counts.items()):
            if orphan not in ids:
                problems.append(Problem(Where(str(data_path)), orphan,
                                        f"{count} record{'s' * (count != 1)} for an indicator the catalogue no longer has"
                                        " (they are kept; restore the indicator to see them)"))
    for problem in problems:
        print(problem)
    if problems:
        raise fail(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {path}")
    assert catalogue is not None
    indicators, groups = len(catalogue.indicators), len(catalogue.groups)
    sys.stderr.write(f"ok: {indicators} indicator{'s' * (indicators != 1)} in {groups} group{'s' * (groups != 1)} ({path})\n")


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


def editable_catalogue(state: Session) -> Path:
    """The catalogue `add` and `merge` may change: never the packaged one."""
    if state.located.is_packaged:
        raise SytrackError("the packaged catalogue cannot be changed; run `sytrack init` to start your own")
    return state.located.path


def rewrite_catalogue(path: Path, text: str) -> None:
    """Write the catalogue back atomically, keeping a byte-order mark the file had."""
    bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""
    write_text_atomic(path, bom + text)


@command("merge")
def merge_command(
    ctx: typer.Context,
    draft: Annotated[Path, typer.Argument(metavar="DRAFT", help="A draft catalogue, e.g. from `sytrack extract`, reviewed by hand.", dir_okay=False)],
    only: Annotated[Optional[str], typer.Option("--only", help="Bring in only these indicator ids, comma-separated.")] = None,
) -> None:
    """Bring a reviewed draft's indicators (and the groups they need) into the catalogue.

    Every other byte of the catalogue stays as it was; the result is checked before anything is
    written, and on any problem nothing changes.
    """
    import tomli_w

    from sytrack.catalogue import append_tables_text, draft_tables

    state = session(ctx)
    path = editable_catalogue(state)
    text = read_catalogue_text(path)
    catalogue = state.catalogue
    wanted = [part.strip() for part in only.split(",") if part.strip()] if only else None
    groups, indicators = draft_tables(read_catalogue_text(draft), catalogue, wanted)
    new_text = append_tables_text(text, groups, indicators, tomli_w.dumps)
    merged, problems = parse_catalogue(new_text, str(path))
    if merged is None:
        for problem in problems:
            sys.stderr.write(f"{problem}\n")
        raise SytrackError(f"the draft's entries have {len(problems)} problem(s); nothing was written")
    rewrite_catalogue(path, new_text)
    print(f"merged {len(indicators)} indicator(s) and {len(groups)} group(s) from {draft} into {path}")


db_app = typer.Typer(help="The data store: which one is in use, and copying it to another.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("info")
def db_info_command(ctx: typer.Context) -> None:
    """Say which store is in use (a data file or a PostgreSQL database), its schema version, and
    how many records this plan has there. Passwords are never printed."""
    state = session(ctx)
    guard(lambda: print_info(state.store))


def print_info(store) -> None:
    from sytrack.store import SCHEMA_VERSION

    print(f"store: {store.kind} {store.location}")
    print(f"plan: {store.plan}")
    version = store.schema_version()
    print(f"schema version: {version} (this sytrack writes {SCHEMA_VERSION})")
    print(f"records of this plan: {store.count()}")


@db_app.command("copy")
def db_copy_command(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="LOCATION", help="A data file path or a postgresql:// URL.")],
) -> None:
    """Copy this plan's every record to another store (SQLite to PostgreSQL, or back), all or nothing,
    and check the counts. The other store must not hold records of this plan yet."""
    state = session(ctx)

    def copy() -> None:
        source, target = state.store, open_store(to, state.catalogue.plan.id)
        copied = source.copy_to(target)
        print(f"copied {copied} records of {source.plan} from {source.location} to {target.location}")

    guard(copy)


def guard(work: Callable[[], Any]) -> Any:
    """The one error boundary, around every command's work (`command` registers through it; the
    db sub-app's commands call it): a SytrackError becomes one line and its exit code."""
    try:
        with cycle_collector_paused():
            return work()
    except SytrackError as error:
        raise fail(error.message, error.exit_code) from None


@command("extract")
def extract_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The plan as plain text or Markdown (UTF-8); - reads standard input.")],
    year: Annotated[Optional[int], typer.Option("--year", help="The year of targets whose sentence names none (default: the year the text names).")] = None,
    group_by: Annotated[str, typer.Option("--group-by", help="heading: group entries by the nearest heading or bold project name; none: one group.")] = "heading",
    plan_id: Annotated[Optional[str], typer.Option("--plan-id", help="The draft's plan id (default: from the file name).")] = None,
    fmt: Annotated[Optional[Format], typer.Option("--format", "-f", help="Without it, a draft catalogue (TOML); with it, the drafts as a report to review: table, csv, tsv, json, jsonl, markdown, xlsx.")] = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Draft a catalogue from a plan's text: one indicator per quantified target, with the sentence it
    came from. Entries the rules are unsure of carry a doubt; numbers that look like context (a
    2022 result, a count of actions) are listed at the end, commented out. Review, then `sytrack check`.
    """
    import re

    from sytrack.extract import GROUP_BY, draft_rows, draft_to_toml, extract

    if group_by not in GROUP_BY:
        raise UsageError(f"--group-by must be one of {', '.join(GROUP_BY)}")
    if file == "-":
        data, name = sys.stdin.buffer.read(), "stdin"
    else:
        try:
            data, name = Path(file).read_bytes(), Path(file).stem
        except OSError as error:
            raise SytrackError(f"{file}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SytrackError(f"{file}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    drafts = extract(text, year, group_by)
    if fmt is None:
        slug = plan_id or (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "draft")
        title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.strip()), slug)
        toml = draft_to_toml(drafts, slug, title, source=file)
        if output is None:
            with report_stream(None, Format.csv) as (stream, _):
                stream.write(toml)
        else:
            write_text_atomic(output, toml)
        return
    from sytrack.render import Column

    rows = draft_rows(drafts)
    numbers = {"line", "confidence"}
    columns = [Column(key, kind="number" if key in numbers else "bool" if key in ("review", "context") else "text")
               for key in (rows[0] if rows else ["line", "id", "name_zh", "value", "unit", "comparison", "kind", "confidence", "reason", "sentence"])]

    def table(view_rows: list[dict]):
        from rich.table import Table

        from sytrack.render import rich_text

        view = Table(title=rich_text(f"{len(view_rows)} drafts from {file}"))
        for title in ("line", "name", "value", "unit", "comparison", "kind", "confidence", "review", "sentence"):
            view.add_column(title, overflow="fold")
        for row in view_rows:
            sentence = row["sentence"] if len(row["sentence"]) <= 60 else row["sentence"][:59] + "…"
            view.add_row(*(rich_text(str(cell)) for cell in (
                row["line"], row["name_zh"], row["value"], row["unit"], row["comparison"], row["kind"],
                f"{row['confidence']:.1f}", row["reason"], sentence)))
        return view

    emit(rows, columns, fmt, output, excel, table, sheet="drafts")


@command("add")
def add_command(
    ctx: typer.Context,
    indicator_id: Annotated[str, typer.Option("--id", help="Short ASCII id, e.g. smart-factories.")],
    group: Annotated[str, typer.Option("--group", "-g", help="Id of an existing group.")],
    name_zh: Annotated[str, typer.Option("--name-zh", help="Chinese name.")],
    name_en: Annotated[str, typer.Option("--name-en", help="English name.")],
    kind: Annotated[str, typer.Option("--kind", help="level, flow, share, rate, rank or milestone.")],
    target: Annotated[list[str], typer.Option("--target", "-t", metavar="VALUE@DATE", help="A target, e.g. 40000@2023-12-31, 4万@2023, 4..6@2023 for a range, done@2023 for a milestone. Repeat for several.")],
    direction: Annotated[Optional[str], typer.Option("--direction", help="increase or decrease. Required, except for a milestone.")] = None,
    unit: Annotated[str, typer.Option("--unit", help="Unit as the plan writes it: 个, 户, %, 亿元 ... Required, except for a milestone.")] = "",
    unit_en: Annotated[str, typer.Option("--unit-en", help="Unit in English.")] = "",
    comparison: Annotated[Optional[str], typer.Option("--comparison", help="at-least, more-than, at-most, less-than or about (default: at-least when increasing, at-most when decreasing).")] = None,
    tolerance: Annotated[Optional[str], typer.Option("--tolerance", help="With --comparison about: how far from the value still counts as met, e.g. 0.5.")] = None,
    baseline: Annotated[Optional[str], typer.Option("--baseline", metavar="VALUE@DATE", help="Last known value, e.g. 30000@2022-12-31.")] = None,
    department: Annotated[str, typer.Option("--department", help="Responsible department.")] = "",
    quote: Annotated[str, typer.Option("--quote", help="The plan's sentence the target comes from.")] = "",
) -> None:
    """Append a new indicator to the catalogue; every other byte of the file stays as it was.

    The new catalogue is checked before anything is written: on any problem nothing changes.
    """
    import tomli_w

    from sytrack.catalogue import indicator_entry

    if kind != "milestone" and (not direction or not unit):
        raise UsageError("--direction (increase or decrease) and --unit are required, except for a milestone")
    state = session(ctx)
    path = editable_catalogue(state)
    text = read_catalogue_text(path)
    if parse_catalogue(text, str(path))[0] is None:
        raise SytrackError(f"{path} has problems; fix them first (run `sytrack check`)")
    entry = indicator_entry(
        indicator_id=indicator_id, group=group, name_zh=name_zh, name_en=name_en, unit=unit, unit_en=unit_en,
        kind=kind, direction=direction, comparison=comparison, targets=target, baseline=baseline,
        department=department, quote=quote, tolerance=tolerance,
    )
    new_text = append_indicator_text(text, entry, tomli_w.dumps)
    catalogue, problems = parse_catalogue(new_text, str(path))
    if catalogue is None:
        raise SytrackError(f"{path}: {indicator_id}: " + "; ".join(p.message for p in problems) + " (nothing was written)")
    rewrite_catalogue(path, new_text)
    print(f"added {indicator_id} to {path}")


# ---------------------------------------------------------------------------------------------
# Recording commands


def complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Tab completion of indicator ids; it must never print an error, so any failure offers nothing."""
    try:
        root_params = ctx.find_root().params
        located = locate_catalogue(root_params.get("catalog"), os.environ.get("SYTRACK_CATALOG"), Path.cwd())
        catalogue = load_catalogue(located.path)
        return [(i.id, i.name_zh) for i in catalogue.indicators if i.id.startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion runs inside the user's shell
        return []


IdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="The indicator's id, e.g. 5g-base-stations (see `sytrack list`).", autocompletion=complete_ids)
]


def login_name() -> str:
    # The variables getpass.getuser() reads first, read without importing it (it loads termios).
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some systems; the record still needs a name
        return "unknown"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def standing_line(state: Session, indicator_id: str, as_of: dt.date, today: dt.date) -> str:
    """How one indicator stands, in a few words, for the end of a `record` or `undo` line: as of
    the value's date, and today too when that differs (back-filled figures meet passed deadlines)."""
    from sytrack.progress import evaluate
    from sytrack.values import target_text

    catalogue = state.catalogue
    indicator = require_indicator(catalogue, indicator_id)
    series = state.store.current(indicator_id).get(indicator_id, [])

    def judged(day: dt.date) -> tuple[str, str]:
        progress = evaluate(indicator, series, day, catalogue.plan)
        done = "" if progress.completion is None else f", {progress.completion:.0%} done"
        return f"{progress.status}{done}", target_text(progress.target, indicator.kind, indicator.unit)

    then, target = judged(as_of)
    if as_of >= today:
        return f"now {then} (target {target})"
    now, _ = judged(today)
    return f"on {as_of.isoformat()} {then} (target {target}); today {now}"


# ignore_unknown_options lets a negative value through: `sytrack record growth -3.5%`.
@command("record", context_settings={"ignore_unknown_options": True})
def record_command(
    ctx: typer.Context,
    indicator_id: IdArgument,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The value as reported: 41000, 41,000, 4.1万, 8000亿, 65%, yes/no/done/是/否.")],
    date: Annotated[Optional[str], typer.Option("--date", "-d", help="As-of date: 2023-06-30, 2023-06, 2023-Q2, 2023-H1 or 2023 (the period's last day). Default: today.")] = None,
    note: Annotated[str, typer.Option("--note", "-m", help="Why: e.g. 'revised by the bureau'.")] = "",
    source: Annotated[str, typer.Option("--source", "-s", help="Where the figure comes from: a report, a URL.")] = "",
    by: Annotated[Optional[str], typer.Option("--by", help="Who records it (default: your login name).")] = None,
    add: Annotated[bool, typer.Option("--add", help="VALUE is an increment: add it to the latest value (e.g. 3 more smart factories).")] = False,
) -> None:
    """Record an indicator's value as of a date.

    For a flow (counted within a period) the value is the total since the period began; --add
    adds to the latest total instead. A second value for the same date supersedes the first,
    which stays in the history (`sytrack log --all`); `sytrack undo` takes a record back.
    """
    from sytrack.progress import choose_target, start_point
    from sytrack.store import NewObservation
    from sytrack.values import check_recordable_date, check_value, parse_date, parse_number, parse_value, percent_fraction_hint, scale_hint

    state = session(ctx)
    catalogue = state.catalogue
    indicator = require_indicator(catalogue, indicator_id)
    today = dt.date.today()
    as_of = parse_date(date) if date is not None else today
    check_recordable_date(as_of, indicator, today)
    add_since = None
    if add:
        if indicator.kind not in ("flow", "level"):
            raise UsageError(f"--add is for counts (flow or level); {indicator.id} is a {indicator.kind}")
        number = parse_number(value, indicator.unit)
        add_since = start_point(indicator, choose_target(indicator, as_of)[0], catalogue.plan)[0]
    else:
        number = parse_value(value, indicator)
    new = NewObservation(indicator.id, as_of, number, by or login_name(), note, source, add_since=add_since)
    stored = state.store.record(new, now_utc(), validate=lambda total: check_value(total, indicator))
    for hint in (percent_fraction_hint(stored.value, indicator), scale_hint(stored.value, indicator),
                 f"{indicator.id} carries a doubt: {indicator.doubt}" if indicator.doubt else None):
        if hint:
            sys.stderr.write(f"sytrack: note: {hint}\n")
    from sytrack.values import format_human

    replaced = f", supersedes #{stored.supersedes}" if stored.supersedes else ""
    print(f"recorded #{stored.id}: {indicator.id} = {format_human(stored.value, indicator.unit, kind=indicator.kind)}"
          f" as of {as_of.isoformat()}{replaced}; {standing_line(state, indicator.id, as_of, today)}")


@command("undo")
def undo_command(
    ctx: typer.Context,
    record_id: Annotated[Optional[int], typer.Option("--id", help="The record to retract (see `sytrack log`). Default: the latest record in force.")] = None,
    note: Annotated[str, typer.Option("--note", "-m", help="Why it is retracted.")] = "",
    by: Annotated[Optional[str], typer.Option("--by", help="Who retracts it (default: your login name).")] = None,
) -> None:
    """Retract a record. Nothing is deleted: the retraction is itself recorded, and shown by `log --all`."""
    from sytrack.values import format_human

    state = session(ctx)
    catalogue = state.catalogue
    target, retraction = state.store.undo(record_id, by or login_name(), now_utc(), note)
    indicator = catalogue.find(target.indicator)
    shown = format_human(target.value, indicator.unit if indicator else "", kind=indicator.kind if indicator else "")
    today = dt.date.today()
    standing = f"; {standing_line(state, target.indicator, min(target.as_of, today), today)}" if indicator else ""
    print(f"retracted #{target.id} ({target.indicator} = {shown} as of {target.as_of.isoformat()})"
          f" with #{retraction.id}{standing}")


@command("log")
def log_command(
    ctx: typer.Context,
    indicator_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="Only this indicator.", autocompletion=complete_ids)] = None,
    show_all: Annotated[bool, typer.Option("--all", "-a", help="Also superseded and retracted records, and the retractions.")] = False,
    since: Annotated[Optional[str], typer.Option("--since", help="Only records made on or after this date (2023-06-30, 2023-Q2 ...).")] = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show the history of records, newest first: value, as-of date, who recorded it, when and why."""
    from sytrack.values import parse_period_start
    from sytrack.views import OBSERVATION_COLUMNS, log_table, observation_row

    state = session(ctx)
    catalogue = state.catalogue
    if indicator_id is not None:
        require_indicator(catalogue, indicator_id)
    since_day = None
    if since is not None:
        # A period means its first day here: --since 2023-Q2 starts on 1 April.
        since_day = parse_period_start(since)
    history = state.store.history(indicator_id)
    known = set(catalogue.ids)  # records of indicators removed from the catalogue: `check` reports them
    rows = [
        observation_row(o)
        for o in reversed(history)
        if o.indicator in known and (show_all or o.state == "current")
        and (since_day is None or o.recorded_at[:10] >= since_day.isoformat())
    ]
    emit(rows, OBSERVATION_COLUMNS, fmt, output, excel, log_table(catalogue, state.lang(lang)), sheet="log")


@command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[Optional[Format], typer.Option("--format", "-f", help="Output format: csv, tsv, json, jsonl, markdown, table or xlsx. Default: what the -o file's name ends in (.xlsx, .tsv ...), else csv.")] = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    lang: LangOption = None,
) -> None:
    """Write every record, superseded and retracted ones included, with every field.

    The columns begin with the import's (indicator,value,date,note,source,by), so an export is itself
    a valid import file: exporting, importing into an empty store and exporting again is identical.
    """
    from sytrack.views import OBSERVATION_COLUMNS, log_table

    from sytrack.render import ProgressBar

    if fmt is None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower(), Format.csv) if output is not None else Format.csv
    state = session(ctx)
    wanted = state.progress_wanted
    with ProgressBar("exporting", state.store.count() if wanted else None, wanted) as bar:
        emit(bar.wrap(state.store.export_rows()), OBSERVATION_COLUMNS, fmt, output, excel,
             log_table(state.catalogue, state.lang(lang)), sheet="export", rows_are_tuples=True)


@command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="CSV or .xlsx with header indicator,value,date (and optionally note,source,by); - reads standard input.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and say what would be written; write nothing.")] = False,
    by: Annotated[Optional[str], typer.Option("--by", help="Who records rows without a 'by' column (default: your login name).")] = None,
) -> None:
    """Import values from a CSV file or an Excel workbook (.xlsx, every sheet): every row is checked
    first, then all are written or none.

    Every bad row is reported with its line number. UTF-8 with or without a byte-order mark
    (Excel's "CSV UTF-8") is read. An export of sytrack is a valid import file.
    """
    from sytrack.imports import read_import

    state = session(ctx)
    catalogue = state.catalogue
    if file == "-":
        text, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        try:
            text, name = Path(file).read_bytes(), file
        except OSError as error:
            raise SytrackError(f"{file}: cannot read: {error.strerror}") from None
    from sytrack.render import ProgressBar

    rows = text.count(b"\n") if not text.startswith(b"PK") else None
    with ProgressBar("checking", rows, state.progress_wanted) as bar:
        records, problems = read_import(text, name, catalogue, dt.date.today(), by or login_name(), bar.advance)
    if len(problems) == 1:
        raise SytrackError(f"{problems[0]}; nothing was written")
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if problems:
        raise SytrackError(f"{len(problems)} bad rows in {name}; nothing was written")
    if not records:
        raise SytrackError(f"{name} has a header but no rows: nothing to import")
    if dry_run:
        print(f"{len(records)} records would be written to {state.store.location} (dry run: nothing written)")
        return
    with ProgressBar("writing", len(records), state.progress_wanted) as bar:
        count = state.store.import_records(records, now_utc(), bar.advance)
    print(f"imported {count} record{'s' * (count != 1)} from {name} into {state.store.location}")


# ---------------------------------------------------------------------------------------------
# Progress commands


class FailOn(str, Enum):
    behind = "behind"
    off_track = "off-track"
    missed = "missed"


class SortBy(str, Enum):
    catalogue = "catalogue"
    status = "status"


def _as_of(text: str | None) -> dt.date:
    from sytrack.values import parse_date

    return parse_date(text) if text else dt.date.today()


@command("status")
def status_command(
    ctx: typer.Context,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Judge as things stood on this date, from the recorded history (2023-06-30, 2023-Q2 ...). Default: today.")] = None,
    group: Annotated[Optional[str], typer.Option("--group", "-g", help="Only this group (its id).")] = None,
    only: Annotated[Optional[str], typer.Option("--status", help="Only these statuses, comma-separated: achieved,on-track,behind,off-track,missed,pending,no-data.")] = None,
    sort: Annotated[SortBy, typer.Option("--sort", help="catalogue order, or status: worst first.")] = SortBy.catalogue,
    target_year: Annotated[Optional[int], typer.Option("--target-year", help="Judge against the target due in this year (e.g. 2025) instead of the current one.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Exit 1 if any indicator is at this status or worse: behind, off-track or missed.")] = None,
    ascii_only: Annotated[bool, typer.Option("--ascii", help="ASCII borders and bars, for terminals that draw box characters double-width.")] = False,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show every target's progress: completion, time elapsed, pace, status, forecast.

    Status: achieved, on-track (pace >= 0.95), behind (pace >= 0.6), off-track (slower, or moving
    away), missed (deadline passed), pending (a milestone not yet due), no-data. Pace is
    completion divided by time elapsed; `sytrack explain ID` shows every step for one indicator.
    """
    from sytrack.model import STATUSES
    from sytrack.progress import SEVERITY, evaluate, is_at_or_worse
    from sytrack.views import STATUS_COLUMNS, status_row, status_tables

    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), _as_of(as_of)
    wanted = None
    if only:
        wanted = {s.strip() for s in only.split(",") if s.strip()}
        unknown = wanted - set(STATUSES)
        if unknown:
            raise UsageError(f"unknown status {', '.join(sorted(unknown))}; use {', '.join(STATUSES)}")
    if group is not None and group not in {g.id for g in catalogue.groups}:
        raise UsageError(f"unknown group {group!r}; groups: {', '.join(g.id for g in catalogue.groups)}")
    indicators = [i for i in catalogue.in_group_order() if group is None or i.group == group]
    if target_year is not None:
        indicators = [i for i in indicators if any(t.deadline.year == target_year for t in i.targets)]
        if not indicators:
            raise SytrackError(f"no target is due in {target_year}; deadlines: {_deadline_years(catalogue)}")
    series = state.store.current()
    judged = [evaluate(i, series.get(i.id, []), day, catalogue.plan, target_year) for i in indicators]
    progresses = [p for p in judged if wanted is None or p.status in wanted]
    if sort == SortBy.status:
        progresses.sort(key=lambda p: SEVERITY.index(p.status))
    width = None if output is not None or not sys.stdout.isatty() else _terminal_width()
    emit([status_row(catalogue, p) for p in progresses], STATUS_COLUMNS, fmt, output, excel,
         lambda rows: status_tables(catalogue, progresses, language, width, ascii_only, judged), sheet="status")
    if fail_on is not None and any(is_at_or_worse(p.status, fail_on.value) for p in progresses):
        raise typer.Exit(1)


def _deadline_years(catalogue: Catalogue) -> str:
    return ", ".join(str(y) for y in sorted({t.deadline.year for i in catalogue.indicators for t in i.targets}))


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size().columns


@command("report")
def report_command(
    ctx: typer.Context,
    html_file: Annotated[Path, typer.Option("--html", metavar="FILE", help="Write a self-contained HTML page here (opens offline, prints to A4).", dir_okay=False)],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Judge as things stood on this date. Default: today.")] = None,
    lang: LangOption = None,
) -> None:
    """Write the status of every target as one HTML page with a chart per indicator, for people
    who read pictures: no network, no scripts, Chinese in the system's own fonts."""
    from sytrack.html_report import render_html
    from sytrack.progress import evaluate
    from sytrack.views import chart_for

    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), _as_of(as_of)
    series = state.store.current()
    progresses, charts = [], {}
    for indicator in catalogue.in_group_order():
        points = series.get(indicator.id, [])
        progress = evaluate(indicator, points, day, catalogue.plan)
        progresses.append(progress)
        charts[indicator.id] = chart_for(indicator, points, progress, catalogue.plan)
    generated = now_utc().strftime("%Y-%m-%d %H:%M UTC")
    write_text_atomic(html_file, render_html(catalogue, progresses, charts, language, day, generated))
    sys.stderr.write(f"wrote {html_file}\n")


@command("explain")
def explain_command(
    ctx: typer.Context,
    indicator_id: IdArgument,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Judge as things stood on this date. Default: today.")] = None,
    target_year: Annotated[Optional[int], typer.Option("--target-year", help="Judge against the target due in this year.")] = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show every figure behind one indicator's status and how it is computed, to check by hand."""
    from sytrack.progress import evaluate
    from sytrack.views import EXPLAIN_COLUMNS, explain_fields

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    indicator = require_indicator(catalogue, indicator_id)
    if target_year is not None and not any(t.deadline.year == target_year for t in indicator.targets):
        years = ", ".join(str(t.deadline.year) for t in indicator.targets)
        raise SytrackError(f"{indicator.id} has no target due in {target_year} (its deadlines: {years})")
    progress = evaluate(indicator, state.store.current(indicator.id).get(indicator.id, []), _as_of(as_of), catalogue.plan, target_year)
    rows = explain_fields(progress, language)

    def table(_rows: list[dict]):
        from rich.table import Table

        from sytrack.render import rich_text

        view = Table(title=rich_text(f"{indicator.id} as of {progress.as_of.isoformat()}"), title_justify="left")
        for title in ("figure", "value", "how"):
            view.add_column(title, overflow="fold")
        for row in rows:
            view.add_row(rich_text(row["figure"]), rich_text(row["text"]), rich_text(row["how"], "dim"))
        return view

    emit(rows, EXPLAIN_COLUMNS, fmt, output, excel, table, sheet=indicator.id)


def main() -> None:
    """The console script. Typer turns every registered command into a Click command before it
    runs one; for a command named on the line, only that one is built (start-up is most of a
    `record`). Help, completion and anything unusual go through the full app."""
    name = _command_named(sys.argv[1:])
    if name is None:
        app()
        return
    single = typer.Typer(**_APP_SETTINGS)
    single.callback()(root)
    info = next(c for c in app.registered_commands if c.name == name)
    single.registered_commands.append(info)
    single()


def _command_named(arguments: list[str]) -> str | None:
    """The command a command line runs, when it is plain: global options, then a command's name."""
    if "--install-completion" in arguments or "--show-completion" in arguments or "_SYTRACK_COMPLETE" in os.environ:
        return None
    names = {c.name for c in app.registered_commands}
    takes_value = {"--catalog", "-c", "--db"}
    position = 0
    while position < len(arguments):
        word = arguments[position]
        if word in names:
            return word
        if word in takes_value:
            position += 2
        elif word.startswith("--catalog=") or word.startswith("--db="):
            position += 1
        else:
            return None  # --help, --version, or a mistake: let the full app answer
    return None
