"""Commands that judge progress: status, explain, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sytrack.catalogue import require_indicator
from sytrack.cli.app import command, session
from sytrack.cli.options import (
    AsKnownOption,
    AsOfOption,
    ExcelOption,
    FailOn,
    Format,
    FormatOption,
    GroupOption,
    IdArgument,
    LangOption,
    OrgJudgedOption,
    OutputOption,
    SortBy,
    TargetYearOption,
    complete_orgs,
    complete_statuses,
)
from sytrack.cli.output import atomic_writer, emit, tell, write_text_atomic
from sytrack.errors import SytrackError, UsageError

# status's own options, declared once here so that the command reads as its steps.
StatusesOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="STATUS,...",
        autocompletion=complete_statuses,
        help="Only these statuses, comma-separated, e.g. behind,off-track (any of: achieved, on-track, behind, "
        "off-track, missed, pending, no-data).",
    ),
]
SortOption = Annotated[SortBy, typer.Option("--sort", help="catalogue order, or status: worst first.")]
StatusFailOnOption = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Exit 1 if any indicator is at this status or worse: behind, off-track or missed."),
]
AsciiOption = Annotated[
    bool,
    typer.Option("--ascii", help="ASCII borders and bars, for terminals that draw box characters double-width."),
]
StatusOrgOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        autocompletion=complete_orgs,
        help="Only this district or department: every indicator it takes part in, against its allocation.",
    ),
]


@command("status")
def status_command(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    as_known: AsKnownOption = None,
    group: GroupOption = None,
    only: StatusesOption = None,
    sort: SortOption = SortBy.catalogue,
    target_year: TargetYearOption = None,
    fail_on: StatusFailOnOption = None,
    ascii_only: AsciiOption = False,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
    org: StatusOrgOption = None,
) -> None:
    """Show every target's progress: completion, time elapsed, pace, status, forecast.

    Where the city has no figure of its own, it is rolled up from its districts and departments (Σ);
    where its own and theirs differ beyond [plan] disagreement_tolerance (1%), status says so.

    Status: achieved, on-track (pace >= 0.95), behind (pace >= 0.6), off-track (slower, or moving
    away), missed (deadline passed), pending (a milestone not yet due), no-data. Pace is
    completion divided by time elapsed; `sytrack explain ID` shows every step for one indicator.
    """
    from sytrack.queries import failing_check, indicators_for, parse_statuses, select_progress
    from sytrack.reporters import require_org
    from sytrack.views.status import STATUS_COLUMNS, status_row, status_tables

    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), as_of or as_known or state.today
    statuses = parse_statuses(only)
    org_id = require_org(catalogue, org) if org is not None else ""
    indicators = indicators_for(catalogue, group, target_year)
    cutoff = state.known_by(as_known)
    judged, figures, known, receipts = _judged(state, indicators, org_id, day, cutoff, target_year)
    progresses = select_progress(judged, statuses, worst_first=sort == SortBy.status)
    title = f"{catalogue.org(org_id).name(language)} ({org_id})" if org_id else ""
    cycle = cycle_of(state, progresses, day, cutoff, receipts, known, org_id, indicators)
    rows = [
        status_row(catalogue, p, org_id, figures.get(p.indicator.id), cycle.get(p.indicator.id), language)
        for p in progresses
    ]

    def table(_rows, screen):
        return status_tables(catalogue, progresses, language, screen, judged, figures, title, cycle)

    emit(rows, STATUS_COLUMNS, fmt, output, excel, table, sheet="status", ascii_only=ascii_only)
    failed = failing_check(progresses, fail_on.value if fail_on is not None else None)
    if failed:  # a failed check says why, in one line, after the report
        raise SytrackError(failed)


def _judged(state, indicators: list, org_id: str, day, cutoff: str | None, target_year: int | None) -> tuple:
    """(every indicator judged, the orgs' Figures by id, the changes of the city's figure by id as
    its receipts give them (`duty.city_changes`), the receipts): on an org's allocation, on the
    city's figure rolled up from its orgs, or on the city's own figures in a plan without orgs.
    The receipts are read first: the city's changes are worked out as its figures stream past."""
    from sytrack.districts import judge_city, judge_org
    from sytrack.duty import city_changes, known_city_changes, needs_escalation
    from sytrack.orgs import build_tree
    from sytrack.progress import evaluate

    catalogue, store = state.catalogue, state.store
    receipts = receipts_of(state, indicators, cutoff)
    if org_id:
        series, of_orgs = store.current(known_by=cutoff), store.current_of_orgs(known_by=cutoff)
        return judge_org(catalogue, indicators, org_id, series, of_orgs, day, target_year), {}, {}, receipts
    tree, known = build_tree(catalogue.orgs), {}
    escalating = {i.id: i for i in indicators if needs_escalation(i, catalogue.plan, day)}
    if catalogue.orgs:
        # The city's and every org's figures from one query, rolled up one indicator at a time.
        stream = city_changes(store.current_with_orgs(known_by=cutoff), escalating, tree, receipts, known)
        return (*judge_city(catalogue, indicators, stream, day, target_year), known, receipts)
    series = store.current(known_by=cutoff)  # a plan without districts: the city's own figures, as before
    known = known_city_changes(((name, own, {}) for name, own in series.items()), escalating, tree, receipts)
    judged = [evaluate(i, series.get(i.id, []), day, catalogue.plan, target_year) for i in indicators]
    return judged, {}, known, receipts


def receipts_of(state, indicators: list, cutoff: str | None) -> dict:
    """The store's receipts as known before `cutoff`, when any of `indicators` expects reports."""
    from sytrack.duty import any_cadence

    return state.store.receipts(cutoff) if any_cadence(indicators, state.catalogue.plan) else {}


def cycle_of(state, progresses: list, day, cutoff: str | None, receipts, known, org: str = "", indicators=None) -> dict:
    """Each row's warning, escalation and reports (the city's, or `org`'s rows of `indicators`),
    from the store's `receipts` and (only when some indicator has a period end to judge escalation
    at) the records behind them, or the changes of the city's figure (`known`) where the receipts
    stand for them."""
    from sytrack.duty import needs_escalation, status_cycle
    from sytrack.orgs import build_tree

    plan = state.catalogue.plan
    by_id = {i.id: i for i in indicators or [p.indicator for p in progresses]}
    shown = [by_id[p.indicator.id] for p in progresses]
    escalating = any(needs_escalation(i, plan, day) for i in shown)
    records, standing = (
        _escalation_records(state.store, plan, shown, receipts, day, cutoff, org) if escalating else (None, ())
    )
    tree = build_tree(state.catalogue.orgs)
    return status_cycle(progresses, plan, receipts, records, tree, org, by_id, standing, known)


def _escalation_records(store, plan, shown: list, receipts: dict, day, cutoff: str | None, org: str) -> tuple:
    """The records escalation is judged on, and the ids of the city's rows whose receipts stand
    for theirs: with nothing revised or retracted, the city's rows need no record read. The few
    others are read one indicator at a time; many, in one pass over the table."""
    from sytrack.duty import needs_escalation, receipts_standing

    if org:
        return store.replay_records(known_by=cutoff), set()
    standing = receipts_standing(shown, store.records_per_indicator(known_by=cutoff), receipts)
    rest = [i.id for i in shown if i.id not in standing and needs_escalation(i, plan, day)]
    if len(rest) <= max(16, len(shown) // 4):
        return {name: store.history(name, known_by=cutoff) for name in rest}, standing
    return store.replay_records(known_by=cutoff), standing


@command("report")
def report_command(
    ctx: typer.Context,
    html_file: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            dir_okay=False,
            help="Write a self-contained HTML page here (opens offline, prints to A4).",
        ),
    ] = None,
    docx_file: Annotated[
        Path | None,
        typer.Option(
            "--docx",
            metavar="FILE",
            dir_okay=False,
            help="Write the bulletin (通报) as a Word document here: overview, a table per group, the league of "
            "districts, the indicators behind and who leads them.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    as_known: AsKnownOption = None,
    lang: LangOption = None,
) -> None:
    """Write the status of every target as one HTML page with a chart per indicator, for people
    who read pictures (no network, no scripts, Chinese in the system's own fonts), or as the
    bulletin a bureau sends upward, a Word document in Chinese (--docx)."""
    from sytrack.districts import judge_city

    if html_file is None and docx_file is None:
        raise UsageError("report writes --html FILE, --docx FILE, or both: e.g. `sytrack report --docx 通报.docx`")
    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), as_of or as_known or state.today
    cutoff = state.known_by(as_known)
    series = state.store.current(known_by=cutoff)
    of_orgs = state.store.current_of_orgs(known_by=cutoff) if catalogue.orgs else {}
    indicators = catalogue.in_group_order()
    progresses, figures = judge_city(catalogue, indicators, _stream(series, of_orgs), day, keep_series=True)
    if html_file is not None:
        cycle = _report_cycle(state, progresses, day, cutoff, series, of_orgs)
        _write_html(state, html_file, progresses, figures, series, of_orgs, language, day, cycle)
    if docx_file is not None:
        _write_docx(state, docx_file, progresses, series, of_orgs, day)


def _report_cycle(state, progresses: list, day, cutoff: str | None, series: dict, of_orgs: dict) -> dict:
    """The cycle figures of the report's rows, the city's figures already read (see `cycle_of`)."""
    from sytrack.duty import known_city_changes, needs_escalation
    from sytrack.orgs import build_tree

    indicators = [p.indicator for p in progresses]
    receipts = receipts_of(state, indicators, cutoff)
    escalating = {i.id: i for i in indicators if needs_escalation(i, state.catalogue.plan, day)}
    tree = build_tree(state.catalogue.orgs)
    known = known_city_changes(_stream(series, of_orgs), escalating, tree, receipts)
    return cycle_of(state, progresses, day, cutoff, receipts, known)


def _stream(series: dict, of_orgs: dict):
    """The city's and the orgs' series read once, as Store.current_with_orgs streams them: the report
    reads them three times (status, league, who is behind)."""
    return ((i, series.get(i, []), of_orgs.get(i, {})) for i in sorted({*series, *of_orgs}))


def _write_html(state, html_file: Path, progresses, figures, series, of_orgs, language: str, day, cycle) -> None:
    from sytrack.districts import groups_league
    from sytrack.html_report import render_html
    from sytrack.orgs import build_tree
    from sytrack.views.catalogue import chart_for

    catalogue = state.catalogue
    charts = {}
    for p in progresses:
        found = figures.get(p.indicator.id)
        points = found.series if found is not None else series.get(p.indicator.id, [])
        charts[p.indicator.id] = chart_for(p.indicator, points, p, catalogue.plan)
    league = (
        groups_league(catalogue, catalogue.indicators, build_tree(catalogue.orgs), _stream(series, of_orgs), day)
        if catalogue.orgs
        else []
    )
    generated = state.now_utc().strftime("%Y-%m-%d %H:%M UTC")
    write_text_atomic(
        html_file, render_html(catalogue, progresses, charts, language, day, generated, league=league, cycle=cycle)
    )
    tell(f"wrote {html_file}")


def _write_docx(state, docx_file: Path, progresses, series, of_orgs, day) -> None:
    from sytrack.bulletin import bulletin_content, write_docx
    from sytrack.districts import behind_orgs, groups_league
    from sytrack.orgs import build_tree

    catalogue = state.catalogue
    league = (
        groups_league(catalogue, catalogue.indicators, build_tree(catalogue.orgs), _stream(series, of_orgs), day)
        if catalogue.orgs
        else []
    )
    late = behind_orgs(catalogue, catalogue.indicators, series, of_orgs, day) if catalogue.orgs else {}
    bulletin = bulletin_content(catalogue, progresses, league, late, day)
    with atomic_writer(docx_file, "wb") as stream:
        write_docx(bulletin, stream)
    tell(f"wrote {docx_file}")


@command("explain")
def explain_command(
    ctx: typer.Context,
    indicator_id: IdArgument,
    as_of: AsOfOption = None,
    as_known: AsKnownOption = None,
    target_year: TargetYearOption = None,
    org: OrgJudgedOption = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Show every figure behind one indicator's status and how it is computed, to check by hand
    (--org: a district's or department's figure against its allocation)."""
    from sytrack.districts import judge_explained
    from sytrack.queries import require_target_year
    from sytrack.reporters import require_org
    from sytrack.views.explain import EXPLAIN_COLUMNS, explain_rows, explain_table

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    indicator = require_indicator(catalogue, indicator_id)
    require_target_year(indicator, target_year)
    org_id = require_org(catalogue, org) if org is not None else ""
    stream = state.store.current_with_orgs(indicator.id, state.known_by(as_known))
    day = as_of or as_known or state.today
    progress, figures = judge_explained(catalogue, indicator, org_id, stream, day, target_year)
    rows = explain_rows(indicator, catalogue, progress, figures, language, org_id)
    emit(
        rows,
        EXPLAIN_COLUMNS,
        fmt,
        output,
        excel,
        lambda _rows, screen: explain_table(indicator, progress, rows, screen, language, org_id),
        sheet=indicator.id,
    )
