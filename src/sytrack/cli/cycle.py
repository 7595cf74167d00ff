"""Commands of the reporting cycle: remind (the chase list, 催报) and diff (what changed between two reports)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from sytrack.cli.app import command, session
from sytrack.cli.options import (
    AsOfOption,
    ExcelOption,
    Format,
    FormatOption,
    GroupOption,
    LangOption,
    OutputOption,
    _date,
    complete_orgs,
)


class RemindFailOn(str, Enum):
    overdue = "overdue"


# remind's and diff's own options, declared once here so that each command reads as its steps.
RemindOrgOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        autocompletion=complete_orgs,
        help="Only this org's reports (its id or name); --org '' the city's own. Default: every org's.",
    ),
]
SummaryOption = Annotated[
    bool, typer.Option("--summary", help="Per org: reports expected, received and on time, and the rates.")
]
RemindFailOnOption = Annotated[
    RemindFailOn | None,
    typer.Option("--fail-on", help="overdue: exit 1 if any report is past its due date and not in (for scripts)."),
]
FromOption = Annotated[
    dt.date,
    typer.Option(
        "--from", metavar="DATE", parser=_date, help="The earlier report: as of this date, as known at its end."
    ),
]
ToOption = Annotated[
    dt.date | None,
    typer.Option(
        "--to",
        metavar="DATE",
        parser=_date,
        help="The later report: as of this date, as known at its end. Default: today.",
    ),
]
FromCatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--from-catalog",
        metavar="PATH",
        dir_okay=False,
        help="The catalogue as it was for the earlier report, to name changed targets (default: the same one).",
    ),
]


def _names(catalogue, lang: str) -> dict[str, str]:
    return {o.id: (o.name_zh if lang == "zh" else o.name_en) for o in catalogue.orgs}


@command("remind")
def remind_command(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    org: RemindOrgOption = None,
    summary: SummaryOption = False,
    fail_on: RemindFailOnOption = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """List every report due by the date and not in: indicator, org, period, due date, days
    overdue, the longest overdue first (催报).

    A report is expected for each period of the indicator's cadence within its targets' span, from
    each org it is allocated to (else from the city), due `due_days` after the period ends. A chase
    list to paste into a message: `sytrack remind --org ORG --format markdown`.
    """
    from sytrack.cli.output import emit
    from sytrack.duty import known_by
    from sytrack.reporters import require_org
    from sytrack.views.cycle import plain_table, remind_report

    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), as_of or state.today
    org = None if org is None else require_org(catalogue, org)
    receipts = state.store.receipts(known_by(day, catalogue.plan))
    report = remind_report(catalogue.indicators, catalogue.plan, receipts, day, org, summary)
    table = plain_table(report.columns, language, _names(catalogue, language), {})
    emit(report.rows, report.columns, fmt, output, excel, table, sheet="remind")
    if fail_on is not None and report.overdue:
        raise typer.Exit(1)


@command("diff")
def diff_command(
    ctx: typer.Context,
    before_day: FromOption,
    after_day: ToOption = None,
    before_catalog: FromCatalogOption = None,
    group: GroupOption = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Compare two reports: per indicator, its figure, status and warning in each, and why it
    changed: new data, a revision, a retraction, a changed target, or only time passing.

    Each report is judged as of its date on what had been recorded by the end of that date (in the
    plan's timezone), so the bulletin of 31 July is compared as it was sent. Rows where nothing
    changed and nothing was recorded are left out.
    """
    from sytrack.cli.output import emit
    from sytrack.duty import require_order
    from sytrack.views.cycle import DIFF_COLUMNS, diff_row_dict, diff_table

    state = session(ctx)
    catalogue, language = state.catalogue, state.lang(lang)
    after_day = require_order(before_day, after_day or state.today)
    rows = [diff_row_dict(r) for r in diff_report(state, before_day, after_day, before_catalog, group)]
    emit(rows, DIFF_COLUMNS, fmt, output, excel, diff_table(language, _names(catalogue, language)), sheet="diff")


def diff_report(state, before_day, after_day, before_catalog: Path | None, group: str | None) -> list:
    """The store read four times (series and receipts at each cutoff) and once more for the records
    of the indicators with something recorded between the two; the rest is `sytrack.duty`'s."""
    from sytrack.catalogue import load_catalogue
    from sytrack.duty import any_cadence, diff_readings, diff_rows, known_by, targets_changed
    from sytrack.orgs import build_tree
    from sytrack.queries import indicators_for
    from sytrack.replay import Snapshot

    catalogue, plan, store = state.catalogue, state.catalogue.plan, state.store
    indicators = indicators_for(catalogue, group, None)
    before, after = Snapshot(before_day, known_by(before_day, plan)), Snapshot(after_day, known_by(after_day, plan))
    then = load_catalogue(before_catalog) if before_catalog else catalogue
    earlier = {i.id: i for i in then.indicators} if before_catalog else {}
    changed = {i.id for i in indicators if targets_changed(earlier.get(i.id), i)}
    trees = (build_tree(then.orgs), build_tree(catalogue.orgs))  # each report rolls up along its own tree
    cycles = any_cadence(indicators, plan)
    receipts = tuple(store.receipts(s.known_by) if cycles else {} for s in (before, after))
    if catalogue.orgs:
        series, org_series = _split(_series_with_orgs(store, s.known_by) for s in (before, after))
    else:
        series, org_series = (store.current(known_by=before.known_by), store.current(known_by=after.known_by)), ({}, {})
    records = store.replay_records(recorded_from=before.known_by, known_by=after.known_by)
    readings = diff_readings(indicators, plan, series, receipts, before, after, earlier, org_series, trees=trees)
    return diff_rows(readings, records, before, after, changed, trees[1])


def _series_with_orgs(store, known_by: str) -> tuple[dict, dict]:
    """The city's own series and every org's, as known before `known_by`, from one query."""
    own, of_orgs = {}, {}
    for name, points, orgs in store.current_with_orgs(known_by=known_by):
        if points:
            own[name] = points
        if orgs:
            of_orgs[name] = orgs
    return own, of_orgs


def _split(pairs) -> tuple[tuple, tuple]:
    (own_before, orgs_before), (own_after, orgs_after) = pairs
    return (own_before, own_after), (orgs_before, orgs_after)
