"""Commands about districts and departments: rank (the league, 区县赛马)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from sytrack.catalogue import require_indicator
from sytrack.cli.app import command, session
from sytrack.cli.options import (
    AsOfOption,
    ExcelOption,
    Format,
    FormatOption,
    GroupOption,
    LangOption,
    OutputOption,
    complete_ids,
)
from sytrack.cli.output import emit
from sytrack.cli.session import Session
from sytrack.errors import UsageError


@command("rank")
def rank_command(
    ctx: typer.Context,
    indicator_id: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", autocompletion=complete_ids, help="The indicator to rank the orgs on."),
    ] = None,
    group: GroupOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Rank the districts and departments (区县赛马): on one indicator, each org against its
    allocation, best pace first, then completion; or, with --group, by 达进度率 (the share of its
    indicators on track or achieved), then fewest behind. Equal orgs share a rank; orgs with no
    figure come last, unranked."""
    if (indicator_id is None) == (group is None):
        raise UsageError(
            "rank takes an indicator's ID or --group GROUP (one of the two): e.g. `sytrack rank "
            "smart-factories` or `sytrack rank --group digital`"
        )
    state = session(ctx)
    language, day = state.lang(lang), as_of or state.today
    if indicator_id is not None:
        rows, columns, table = indicator_ranking(state, indicator_id, day, language)
    else:
        rows, columns, table = group_ranking(state, group or "", day, language)
    emit(rows, columns, fmt, output, excel, table, sheet="rank")


def indicator_ranking(state: Session, indicator_id: str, day: dt.date, language: str) -> tuple[list, list, Any]:
    """The orgs on one indicator: rows, columns and the table that shows them."""
    from sytrack.districts import indicator_league
    from sytrack.orgs import build_tree
    from sytrack.views import rank

    catalogue = state.catalogue
    indicator = require_indicator(catalogue, indicator_id)
    own = state.store.current(indicator.id).get(indicator.id, ())
    of_orgs = state.store.current_of_orgs(indicator.id).get(indicator.id)
    league = indicator_league(catalogue, indicator, build_tree(catalogue.orgs), own, of_orgs, day)
    rows = rank.indicator_rank_rows(catalogue, league, language)
    title = f"{indicator.name(language)} ({indicator.id}) {as_of_word(language)} {day.isoformat()}"
    return rows, rank.INDICATOR_RANK_COLUMNS, rank.indicator_rank_table(indicator, title, rows, language)


def group_ranking(state: Session, group: str, day: dt.date, language: str) -> tuple[list, list, Any]:
    """The orgs on a group's indicators, by 达进度率: rows, columns and the table that shows them."""
    from sytrack.districts import groups_league
    from sytrack.orgs import build_tree
    from sytrack.queries import indicators_for, require_group
    from sytrack.views import rank

    catalogue = state.catalogue
    require_group(catalogue, group)
    tree = build_tree(catalogue.orgs)
    league = groups_league(catalogue, indicators_for(catalogue, group), tree, state.store.current_with_orgs(), day)
    rows = rank.group_rank_rows(catalogue, league, language)
    title = f"{catalogue.group(group).name(language)} ({group}) {as_of_word(language)} {day.isoformat()}"
    return rows, rank.GROUP_RANK_COLUMNS, rank.group_rank_table(title, rows, language)


def as_of_word(language: str) -> str:
    return "截至" if language == "zh" else "as of"
