"""Commands about the catalogue of targets: list, show, where, check, init, add, merge."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sytrack.catalogue import parse_catalogue, read_catalogue_text, require_indicator
from sytrack.cli.app import command, session
from sytrack.cli.options import (
    AsOfOption,
    ExcelOption,
    Format,
    FormatOption,
    GroupOption,
    IdArgument,
    LangOption,
    OutputOption,
)
from sytrack.cli.output import emit, notify, say, tell, write_text_atomic
from sytrack.cli.session import Session
from sytrack.errors import SytrackError, UsageError


@command("list")
def list_command(
    ctx: typer.Context,
    group: GroupOption = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """List the catalogue's indicators: id, group, names, unit, kind, baseline and targets.

    The JSON output holds every field of every indicator; `sytrack show ID` shows one in full.
    """
    from sytrack.queries import indicators_for
    from sytrack.views.catalogue import LIST_COLUMNS, indicator_row, list_table

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    rows = (indicator_row(catalogue, i, language) for i in indicators_for(catalogue, group))
    emit(rows, LIST_COLUMNS, fmt, output, excel, list_table(catalogue, language), sheet="list")


@command("show")
def show_command(
    ctx: typer.Context,
    indicator_id: IdArgument,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    ascii_only: Annotated[
        bool, typer.Option("--ascii", help="Draw the chart in ASCII (o . T ~ B) rather than braille and symbols.")
    ] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show one indicator in full: names, kind, baseline, every target, the plan's sentence,
    where it stands, and a chart of its records against the path to the target."""
    from sytrack.chart import use_ascii
    from sytrack.views.catalogue import LIST_COLUMNS, indicator_row, show_renderable

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    indicator = require_indicator(catalogue, indicator_id)
    terminal = output is None and sys.stdout.isatty()
    colour = terminal and "NO_COLOR" not in state.environ
    plain = use_ascii(ascii_only, terminal, getattr(sys.stdout, "encoding", None))

    def view(_rows, _screen):
        series = state.store.current(indicator.id).get(indicator.id, [])
        return show_renderable(catalogue, indicator, series, as_of or state.today, language, colour, plain)

    emit([indicator_row(catalogue, indicator, language)], LIST_COLUMNS, fmt, output, excel, view, sheet=indicator.id)


@command("where")
def where_command(ctx: typer.Context) -> None:
    """Say which catalogue and which data file sytrack is using, and why."""
    state = session(ctx)
    located = state.located
    say(f"catalogue: {located.path} ({located.how})")
    location, how = state.data_location
    from sytrack.store import is_server_location, shown_location

    if is_server_location(location):
        say(f"data: {shown_location(location)} ({how}; PostgreSQL)")
    else:
        exists = "" if Path(location).exists() else "; not created yet: the first record creates it"
        say(f"data file: {location} ({how}{exists})")


@command("check")
def check_command(ctx: typer.Context) -> None:
    """Validate the catalogue and report every problem, one line each: FILE:LINE: ID: MESSAGE.

    Exits 1 if there is any problem, so it can guard a commit or a CI job.
    """
    from sytrack.catalogue import catalogue_summary, check_notes
    from sytrack.checks import orphan_records

    state = session(ctx)
    path = state.located.path
    catalogue, problems = parse_catalogue(read_catalogue_text(path), str(path))
    notes = [] if catalogue is None else check_notes(catalogue)
    if catalogue is not None:
        try:
            counts = state.store.records_per_indicator()
        except SytrackError as error:
            # The catalogue is what `check` checks; a data store it cannot read is only noted.
            notify(f"records not checked: {error.message}")
            counts = {}
        problems += orphan_records(set(catalogue.ids), counts, str(state.store.location))
    for line in map(str, [*notes, *problems]):
        say(line)
    if problems:
        raise SytrackError(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {path}")
    assert catalogue is not None
    sys.stderr.write(f"ok: {catalogue_summary(catalogue, len(notes))} ({path})\n")


@command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the new catalogue.", dir_okay=False)] = Path(
        "indicators.toml"
    ),
) -> None:
    """Write a commented starter catalogue for a new plan (never over an existing file)."""
    from sytrack.catalogue import PACKAGED_CATALOGUE

    if path.exists():
        raise SytrackError(f"{path} already exists; choose another path or edit it")
    write_text_atomic(path, PACKAGED_CATALOGUE.with_name("starter.toml").read_text(encoding="utf-8"))
    say(f"wrote {path}: edit it, then run `sytrack check`")


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
    draft: Annotated[
        Path,
        typer.Argument(
            metavar="DRAFT", dir_okay=False, help="A draft catalogue, e.g. from `sytrack extract`, reviewed by hand."
        ),
    ],
    only: Annotated[
        str | None, typer.Option("--only", help="Bring in only these indicator ids, comma-separated.")
    ] = None,
) -> None:
    """Bring a reviewed draft's indicators (and the groups they need) into the catalogue.

    Every other byte of the catalogue stays as it was; the result is checked before anything is
    written, and on any problem nothing changes.
    """
    from sytrack.catalogue import append_tables_text, draft_tables

    state = session(ctx)
    path = editable_catalogue(state)
    wanted = [part.strip() for part in only.split(",") if part.strip()] if only else None
    groups, indicators = draft_tables(read_catalogue_text(draft), state.catalogue, wanted)
    new_text = append_tables_text(read_catalogue_text(path), groups, indicators)
    merged, problems = parse_catalogue(new_text, str(path))
    if merged is None:
        for problem in problems:
            tell(str(problem))
        raise SytrackError(f"the draft's entries have {len(problems)} problem(s); nothing was written")
    rewrite_catalogue(path, new_text)
    say(f"merged {len(indicators)} indicator(s) and {len(groups)} group(s) from {draft} into {path}")


# add's own options, declared apart so that the command reads as what it does.
NewId = Annotated[str, typer.Option("--id", help="Short ASCII id, e.g. smart-factories.")]
NewGroup = Annotated[str, typer.Option("--group", "-g", metavar="GROUP", help="Id of an existing group.")]
NameZh = Annotated[str, typer.Option("--name-zh", help="Chinese name.")]
NameEn = Annotated[str, typer.Option("--name-en", help="English name.")]
Kind = Annotated[str, typer.Option("--kind", help="level, flow, share, rate, rank or milestone.")]
Targets = Annotated[
    list[str],
    typer.Option(
        "--target",
        "-t",
        metavar="VALUE@DATE",
        help="A target, e.g. 40000@2023-12-31, 4万@2023, 4..6@2023 for a range, done@2023 for a milestone. "
        "Repeat for several.",
    ),
]
Direction = Annotated[
    str | None, typer.Option("--direction", help="increase or decrease. Required, except for a milestone.")
]
Unit = Annotated[
    str,
    typer.Option("--unit", help="Unit as the plan writes it: 个, 户, %, 亿元 ... Required, except for a milestone."),
]
UnitEn = Annotated[str, typer.Option("--unit-en", help="Unit in English.")]
Comparison = Annotated[
    str | None,
    typer.Option(
        "--comparison",
        help="at-least, more-than, at-most, less-than or about "
        "(default: at-least when increasing, at-most when decreasing).",
    ),
]
Tolerance = Annotated[
    str | None,
    typer.Option("--tolerance", help="With --comparison about: how far from the value still counts as met, e.g. 0.5."),
]
BaselineOption = Annotated[
    str | None, typer.Option("--baseline", metavar="VALUE@DATE", help="Last known value, e.g. 30000@2022-12-31.")
]
Department = Annotated[str, typer.Option("--department", help="Responsible department.")]
Quote = Annotated[str, typer.Option("--quote", help="The plan's sentence the target comes from.")]


@command("add")
def add_command(
    ctx: typer.Context,
    indicator_id: NewId,
    group: NewGroup,
    name_zh: NameZh,
    name_en: NameEn,
    kind: Kind,
    target: Targets,
    direction: Direction = None,
    unit: Unit = "",
    unit_en: UnitEn = "",
    comparison: Comparison = None,
    tolerance: Tolerance = None,
    baseline: BaselineOption = None,
    department: Department = "",
    quote: Quote = "",
) -> None:
    """Append a new indicator to the catalogue; every other byte of the file stays as it was.

    The new catalogue is checked before anything is written: on any problem nothing changes.
    """
    from sytrack.catalogue import indicator_entry

    if kind != "milestone" and (not direction or not unit):
        raise UsageError("--direction (increase or decrease) and --unit are required, except for a milestone")
    path = editable_catalogue(session(ctx))
    text = read_catalogue_text(path)
    try:
        entry = indicator_entry(
            indicator_id=indicator_id,
            group=group,
            name_zh=name_zh,
            name_en=name_en,
            unit=unit,
            unit_en=unit_en,
            kind=kind,
            direction=direction,
            comparison=comparison,
            targets=target,
            baseline=baseline,
            department=department,
            quote=quote,
            tolerance=tolerance,
        )
    except SytrackError as error:  # a --target or --baseline that cannot be read: an option's bad value
        raise UsageError(error.message) from None
    rewrite_catalogue(path, text_with_indicator(text, path, entry))
    say(f"added {indicator_id} to {path}")


def text_with_indicator(text: str, path: Path, entry: dict) -> str:
    """The catalogue's text with `entry` appended, checked whole: a catalogue with problems of its own, an
    unknown group or an entry the catalogue refuses changes nothing."""
    from sytrack.catalogue import append_indicator_text
    from sytrack.queries import require_group

    current = parse_catalogue(text, str(path))[0]
    if current is None:
        raise SytrackError(f"{path} has problems; fix them first (run `sytrack check`)")
    require_group(current, entry["group"])
    new_text = append_indicator_text(text, entry)
    catalogue, problems = parse_catalogue(new_text, str(path))
    if catalogue is None:  # what is wrong is in the options given: bad usage, as any option's bad value
        raise UsageError(f"{path}: {entry['id']}: " + "; ".join(p.message for p in problems) + " (nothing was written)")
    return new_text
