"""Commands that judge progress: status, explain, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from sytrack.catalogue import require_indicator
from sytrack.cli.app import command, session
from sytrack.cli.options import (
    AsOfOption,
    ExcelOption,
    FailOn,
    Format,
    FormatOption,
    GroupOption,
    IdArgument,
    LangOption,
    OutputOption,
    SortBy,
    TargetYearOption,
    complete_statuses,
)
from sytrack.cli.output import emit, tell, write_text_atomic
from sytrack.errors import SytrackError


@command("status")
def status_command(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    group: GroupOption = None,
    only: Annotated[Optional[str], typer.Option(
        "--status", metavar="STATUS,...", autocompletion=complete_statuses,
        help="Only these statuses, comma-separated, e.g. behind,off-track (any of: achieved, on-track, behind, "
             "off-track, missed, pending, no-data).")] = None,
    sort: Annotated[SortBy, typer.Option("--sort", help="catalogue order, or status: worst first.")] = SortBy.catalogue,
    target_year: TargetYearOption = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Exit 1 if any indicator is at this status or worse: behind, off-track or missed.")] = None,
    ascii_only: Annotated[bool, typer.Option(
        "--ascii", help="ASCII borders and bars, for terminals that draw box characters double-width.")] = False,
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
    from sytrack.progress import evaluate, is_at_or_worse
    from sytrack.queries import indicators_for, parse_statuses, select_progress
    from sytrack.views.status import STATUS_COLUMNS, status_row, status_tables

    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), as_of or state.today
    statuses = parse_statuses(only)
    indicators = indicators_for(catalogue, group, target_year)
    series = state.store.current()
    judged = [evaluate(i, series.get(i.id, []), day, catalogue.plan, target_year) for i in indicators]
    progresses = select_progress(judged, statuses, worst_first=sort == SortBy.status)
    emit([status_row(catalogue, p) for p in progresses], STATUS_COLUMNS, fmt, output, excel,
         lambda _rows, screen: status_tables(catalogue, progresses, language, screen, judged), sheet="status",
         ascii_only=ascii_only)
    failing = [p for p in progresses if fail_on is not None and is_at_or_worse(p.status, fail_on.value)]
    if failing:  # a failed check says why, in one line, after the report
        raise SytrackError(f"{len(failing)} indicator{'s' * (len(failing) != 1)} {fail_on.value} or worse"
                           f" (--fail-on {fail_on.value}): {', '.join(p.indicator.id for p in failing[:5])}"
                           f"{', ...' if len(failing) > 5 else ''}")


@command("report")
def report_command(
    ctx: typer.Context,
    html_file: Annotated[Path, typer.Option(
        "--html", metavar="FILE", dir_okay=False,
        help="Write a self-contained HTML page here (opens offline, prints to A4).")],
    as_of: AsOfOption = None,
    lang: LangOption = None,
) -> None:
    """Write the status of every target as one HTML page with a chart per indicator, for people
    who read pictures: no network, no scripts, Chinese in the system's own fonts."""
    from sytrack.html_report import render_html
    from sytrack.progress import evaluate
    from sytrack.views.catalogue import chart_for

    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), as_of or state.today
    series = state.store.current()
    progresses, charts = [], {}
    for indicator in catalogue.in_group_order():
        points = series.get(indicator.id, [])
        progress = evaluate(indicator, points, day, catalogue.plan)
        progresses.append(progress)
        charts[indicator.id] = chart_for(indicator, points, progress, catalogue.plan)
    generated = state.now_utc().strftime("%Y-%m-%d %H:%M UTC")
    write_text_atomic(html_file, render_html(catalogue, progresses, charts, language, day, generated))
    tell(f"wrote {html_file}")


@command("explain")
def explain_command(ctx: typer.Context, indicator_id: IdArgument, as_of: AsOfOption = None,
                    target_year: TargetYearOption = None, lang: LangOption = None, fmt: FormatOption = Format.table,
                    output: OutputOption = None, excel: ExcelOption = False) -> None:
    """Show every figure behind one indicator's status and how it is computed, to check by hand."""
    from sytrack.progress import evaluate
    from sytrack.queries import require_target_year
    from sytrack.views.explain import EXPLAIN_COLUMNS, explain_fields, explain_table

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    indicator = require_indicator(catalogue, indicator_id)
    require_target_year(indicator, target_year)
    series = state.store.current(indicator.id).get(indicator.id, [])
    progress = evaluate(indicator, series, as_of or state.today, catalogue.plan, target_year)
    rows = explain_fields(progress, language)
    emit(rows, EXPLAIN_COLUMNS, fmt, output, excel, lambda _rows, screen: explain_table(indicator, progress, rows, screen, language),
         sheet=indicator.id)
