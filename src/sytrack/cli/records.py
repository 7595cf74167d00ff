"""Commands that write or read records: record, undo, log, import, export."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from sytrack.catalogue import require_indicator
from sytrack.cli.app import command, session
from sytrack.cli.options import (
    AsKnownOption,
    ByOption,
    DateOption,
    ExcelOption,
    Format,
    FormatOption,
    IdArgument,
    LangOption,
    NoteOption,
    OrgOption,
    OrgRecordsOption,
    OutputOption,
    SinceOption,
    StrictOption,
    complete_ids,
)
from sytrack.cli.output import emit, format_for, notify, open_input, say, tell
from sytrack.cli.session import Session
from sytrack.errors import SytrackError

if TYPE_CHECKING:
    from sytrack.imports import ImportFile
    from sytrack.store import ImportCounts
    from sytrack.store.spool import RecordSpool


def standing_line(state: Session, indicator_id: str, as_of: dt.date, today: dt.date, org: str = "") -> str:
    """How one indicator stands (for an org: against its allocation), for the end of a `record` or `undo` line."""
    from sytrack.reporters import judged_for
    from sytrack.views.records import standing_text

    indicator = require_indicator(state.catalogue, indicator_id)
    judged = judged_for(indicator, org)
    if judged is None:
        return f"{org} has no allocation of {indicator_id}: its figure counts in the city's roll-up"
    series = state.store.current(indicator_id, org).get(indicator_id, [])
    return standing_text(judged, series, as_of, today, state.catalogue.plan)


# The options only `record` takes.
ValueArgument = Annotated[
    str,
    typer.Argument(
        metavar="VALUE", help="The value as reported: 41000, 41,000, 4.1万, 8000亿, 65%, yes/no/done/是/否."
    ),
]
SourceOption = Annotated[str, typer.Option("--source", "-s", help="Where the figure comes from: a report, a URL.")]
AddOption = Annotated[
    bool,
    typer.Option("--add", help="VALUE is an increment: add it to the latest value (e.g. 3 more smart factories)."),
]
DenominatorOption = Annotated[
    str | None,
    typer.Option(
        "--of",
        metavar="DENOMINATOR",
        help="A share or rate: the base it was computed on (65% --of 900 enterprises), so that the "
        "city's figure rolls up as a weighted share, never an average.",
    ),
]


# ignore_unknown_options lets a negative value through: `sytrack record growth -3.5%`.
@command("record", context_settings={"ignore_unknown_options": True})
def record_command(
    ctx: typer.Context,
    indicator_id: IdArgument,
    value: ValueArgument,
    date: DateOption = None,
    note: NoteOption = "",
    source: SourceOption = "",
    by: ByOption = None,
    add: AddOption = False,
    strict: StrictOption = False,
    org: OrgOption = None,
    of: DenominatorOption = None,
) -> None:
    """Record an indicator's value as of a date (--org: as reported by a district or department).

    For a flow (counted within a period) the value is the total since the period began; --add
    adds to the latest total instead. A second value for the same date supersedes the first,
    which stays in the history (`sytrack log --all`); `sytrack undo` takes a record back. A value
    far outside the indicator's expected range is recorded with a warning (--strict refuses it).
    """
    from sytrack.views.records import recorded_text

    state = session(ctx)
    indicator = require_indicator(state.catalogue, indicator_id)
    new = _new_record(state, indicator, value, date, note, source, by, add, org, of)
    stored, judged, history = _store_checked(state, indicator, new, add, strict)
    _tell_about(stored.value, indicator, judged, history, date is not None, state.today)
    say(recorded_text(stored, indicator, new, standing_line(state, indicator.id, new.as_of, state.today, new.org)))


def _new_record(state: Session, indicator, value: str, date, note: str, source: str, by, add: bool, org, of):
    """The record `record` means, its org and denominator resolved (refused in one line before the
    store is read)."""
    from sytrack.recording import new_observation
    from sytrack.reporters import parse_denominator, require_org

    org_id = require_org(state.catalogue, org) if org is not None else ""
    denominator = parse_denominator(of, indicator) if of is not None else None
    if of is not None and denominator is None:
        raise SytrackError("--of needs the denominator, e.g. --of 900")
    recorded_by = by or state.login_name()
    return new_observation(
        indicator, value, date, state.today, state.catalogue.plan, recorded_by, note, source, add, org_id, denominator
    )


def _store_checked(state: Session, indicator, new, add: bool, strict: bool):
    """The record written once its value passes its checks, with the yardstick and history it was
    judged by: (stored, judged, history)."""
    from sytrack.plausibility import history_before
    from sytrack.recording import value_checks
    from sytrack.reporters import judged_for, unjudged

    history = history_before(state.store.current(indicator.id, new.org).get(indicator.id, []), new.as_of)
    judged = judged_for(indicator, new.org) or unjudged(indicator)  # an org's figure by its own yardstick
    checks = value_checks(indicator, judged, history, strict)
    if not add:  # refused before the store opens a write; an --add total is checked inside it
        checks(new.value)
    stored = state.store.record(new, state.now_utc(), validate=checks)
    state.note_if_packaged()  # after the write: a refused command stays one line
    return stored, judged, history


def _tell_about(value: float | None, indicator, judged, history, dated: bool, today: dt.date) -> None:
    """On stderr: the warning a value far from its expected range earns, and the notes it earns."""
    from sytrack.plausibility import plausibility_warning
    from sytrack.progress import dated_today_note
    from sytrack.views.records import record_notes

    warning = plausibility_warning(value, judged, history) if value is not None else None
    if warning:
        tell(f"sytrack: warning: {warning}")
    for hint in [*record_notes(value, indicator), dated_today_note(indicator, dated, today)]:
        if hint:
            notify(hint)


@command("undo")
def undo_command(
    ctx: typer.Context,
    record_id: Annotated[
        int | None,
        typer.Option("--id", help="The record to retract (see `sytrack log`). Default: the latest record in force."),
    ] = None,
    note: Annotated[str, typer.Option("--note", "-m", help="Why it is retracted.")] = "",
    by: Annotated[str | None, typer.Option("--by", help="Who retracts it (default: your login name).")] = None,
) -> None:
    """Retract a record. Nothing is deleted: the retraction is itself recorded, and shown by `log --all`."""
    from sytrack.values import format_human

    state = session(ctx)
    target, retraction = state.store.undo(record_id, by or state.login_name(), state.now_utc(), note)
    state.note_if_packaged()
    indicator = state.catalogue.find(target.indicator)
    shown = format_human(target.value, indicator.unit if indicator else "", kind=indicator.kind if indicator else "")
    today = state.today
    standing = (
        f"; {standing_line(state, target.indicator, min(target.as_of, today), today, target.org)}" if indicator else ""
    )
    whose = f" for {target.org}" if target.org else ""
    say(
        f"retracted #{target.id} ({target.indicator}{whose} = {shown} as of {target.as_of.isoformat()})"
        f" with #{retraction.id}{standing}"
    )


@command("log")
def log_command(
    ctx: typer.Context,
    indicator_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only this indicator.", autocompletion=complete_ids)
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Also superseded and retracted records, and the retractions.")
    ] = False,
    since: SinceOption = None,
    as_known: AsKnownOption = None,
    org: OrgRecordsOption = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show the history of records, newest first: value, as-of date, who recorded it, when and why."""
    from sytrack.queries import known_records
    from sytrack.reporters import require_org
    from sytrack.views.records import OBSERVATION_COLUMNS, log_table, observation_row

    state = session(ctx)
    catalogue = state.catalogue
    if indicator_id is not None:
        require_indicator(catalogue, indicator_id)
    records = state.store.newest_first(
        indicator_id,
        in_force_only=not show_all,
        recorded_since=since.isoformat() if since else "",
        known_by=state.known_by(as_known),
        org=require_org(catalogue, org) if org is not None else None,
    )
    rows = (observation_row(o) for o in known_records(records, set(catalogue.ids)))
    emit(rows, OBSERVATION_COLUMNS, fmt, output, excel, log_table(catalogue, state.lang(lang), show_all), sheet="log")


@command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: csv, tsv, json, jsonl, markdown, table or xlsx. "
            "Default: what the -o file's name ends in (.xlsx, .tsv ...), else csv.",
        ),
    ] = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    as_known: AsKnownOption = None,
    org: OrgRecordsOption = None,
    lang: LangOption = None,
) -> None:
    """Write every record, superseded and retracted ones included, with every field (--org: that
    district's or department's only).

    The columns begin with the import's (indicator,value,date,note,source,by), so an export is itself
    a valid import file: exporting, importing into an empty store and exporting again is identical.
    """
    from sytrack.cli.progress_bar import ProgressBar
    from sytrack.reporters import require_org
    from sytrack.views.records import OBSERVATION_COLUMNS, log_table

    state = session(ctx)
    org_id = require_org(state.catalogue, org) if org is not None else None
    wanted = state.progress_wanted
    # One org's share of the records is not known before they are read: a bar without a total.
    with ProgressBar("exporting", state.store.count() if wanted and org_id is None else None, wanted) as bar:
        emit(
            bar.wrap(state.store.export_rows(state.known_by(as_known), org_id)),
            OBSERVATION_COLUMNS,
            format_for(fmt, output, Format.csv),
            output,
            excel,
            log_table(state.catalogue, state.lang(lang)),
            sheet="export",
            rows_are_tuples=True,
        )


# import's own options, declared once here so that the command stays a thin shell.
ImportFileArgument = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="CSV or .xlsx with header indicator,value,date (and optionally note,source,by,org,denominator); "
        "- reads standard input.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check every row and say what would be written; write nothing.")
]
ImportByOption = Annotated[
    str | None, typer.Option("--by", help="Who records rows without a 'by' column (default: your login name).")
]
EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", metavar="NAME", help="The CSV's text encoding (default: UTF-8, else GB18030/GBK)."),
]
IgnoreExtraOption = Annotated[
    bool,
    typer.Option("--ignore-extra", help="Import the file without the columns sytrack does not know (备注, 单位...)."),
]


@command("import")
def import_command(
    ctx: typer.Context,
    file: ImportFileArgument,
    dry_run: DryRunOption = False,
    by: ImportByOption = None,
    strict: StrictOption = False,
    encoding: EncodingOption = None,
    ignore_extra: IgnoreExtraOption = False,
) -> None:
    """Import values from a CSV file or an Excel workbook (.xlsx, every sheet): every row is checked
    first, then all are written or none.

    Every bad row is reported with its line number. UTF-8 with or without a byte-order mark
    (Excel's "CSV UTF-8") is read; a CSV that is not UTF-8 is read as GB18030 (what Chinese Excel
    saves), with a note; --encoding names another. An export of sytrack is a valid import file.
    Rows far outside their indicator's expected range are imported with one summary line (--strict
    refuses the file).
    """
    from sytrack.encodings import check_encoding
    from sytrack.imports import implausible_rows, skipped_note
    from sytrack.plausibility import import_summary

    state = session(ctx)
    encoding = None if encoding is None else check_encoding(encoding)
    imported, name = _read_import(state, file, by, encoding, ignore_extra)
    with imported.records as records:
        _refuse_bad_rows(imported.problems, name)
        if not records:
            raise SytrackError(f"{name} has a header but no rows: nothing to import")
        implausible = import_summary(implausible_rows(records, state.catalogue, state.store), strict)
        if implausible:
            tell(f"sytrack: warning: {implausible}")
        state.note_if_packaged()
        if dry_run:
            counts = state.store.import_counted(records, state.now_utc(), dry_run=True)
            say(
                f"{counts.written} records would be written to {state.store.location} (dry run: nothing written)"
                f"{skipped_note(counts.skipped + imported.repeated)}"
            )
            return
        counts = _write_import(state, records)
    say(
        f"imported {counts.written} record{'s' * (counts.written != 1)} from {name} into {state.store.location}"
        f"{skipped_note(counts.skipped + imported.repeated)}"
    )


def _read_import(
    state: Session, file: str, by: str | None, encoding: str | None, ignore_extra: bool
) -> tuple[ImportFile, str]:
    """The import file read and checked, a progress bar following; its notes said on stderr."""
    from sytrack.cli.progress_bar import ProgressBar
    from sytrack.imports import lines_in, read_import_file

    source, name = open_input(file, "<stdin>")
    with source, ProgressBar("checking", lines_in(source), state.progress_wanted) as bar:
        imported = read_import_file(
            source,
            name,
            state.catalogue,
            state.today,
            by or state.login_name(),
            bar.advance,
            encoding=encoding,
            ignore_extra=ignore_extra,
        )
    if imported.encoding != (encoding or "utf-8"):
        notify(f"{name} is not UTF-8: read it as {imported.encoding.upper()} (--encoding names another)")
    if imported.ignored:
        notify(f"{name}: ignored the column{'s' * (len(imported.ignored) != 1)} {', '.join(imported.ignored)}")
    return imported, name


def _refuse_bad_rows(problems: list, name: str) -> None:
    """Every bad row on stderr and the file refused, or nothing when there is none."""
    if len(problems) == 1:
        raise SytrackError(f"{problems[0]}; nothing was written")
    for problem in problems:
        tell(str(problem))
    if problems:
        raise SytrackError(f"{len(problems)} bad rows in {name}; nothing was written")


def _write_import(state: Session, records: RecordSpool) -> ImportCounts:
    from sytrack.cli.progress_bar import ProgressBar

    with ProgressBar("writing", len(records), state.progress_wanted) as bar:
        return state.store.import_counted(records, state.now_utc(), bar.advance)
