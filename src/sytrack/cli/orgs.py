"""Commands about districts and departments: rank (the league, 区县赛马)."""

from __future__ import annotations

from typing import Annotated

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
    from sytrack.districts import groups_league, indicator_league
    from sytrack.orgs import build_tree
    from sytrack.queries import indicators_for, require_group
    from sytrack.views import rank

    if (indicator_id is None) == (group is None):
        raise UsageError(
            "rank takes an indicator's ID or --group GROUP (one of the two): e.g. `sytrack rank "
            "smart-factories` or `sytrack rank --group digital`"
        )
    state = session(ctx)
    catalogue, language, day = state.catalogue, state.lang(lang), as_of or state.today
    tree = build_tree(catalogue.orgs)
    on = "截至" if language == "zh" else "as of"
    if indicator_id is not None:
        indicator = require_indicator(catalogue, indicator_id)
        league = indicator_league(
            catalogue,
            indicator,
            tree,
            state.store.current(indicator.id).get(indicator.id, ()),
            state.store.current_of_orgs(indicator.id).get(indicator.id),
            day,
        )
        rows = rank.indicator_rank_rows(catalogue, league, language)
        title = f"{indicator.name(language)} ({indicator.id}) {on} {day.isoformat()}"
        emit(
            rows,
            rank.INDICATOR_RANK_COLUMNS,
            fmt,
            output,
            excel,
            rank.indicator_rank_table(indicator, title, rows, language),
            sheet="rank",
        )
        return
    require_group(catalogue, group)
    league = groups_league(catalogue, indicators_for(catalogue, group), tree, state.store.current_with_orgs(), day)
    rows = rank.group_rank_rows(catalogue, league, language)
    title = f"{catalogue.group(group).name(language)} ({group}) {on} {day.isoformat()}"
    emit(rows, rank.GROUP_RANK_COLUMNS, fmt, output, excel, rank.group_rank_table(title, rows, language), sheet="rank")
