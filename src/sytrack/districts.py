"""The city's figure and each org's as status, explain and rank judge them: the store's series rolled up by the org tree.

Pure: the series come in as the store gives them (Store.current for the city's own, Store.current_of_orgs for
the orgs'), the rules are those of orgs.py. An indicator no org reports and none is allocated to is
judged on the city's own series, untouched: a plan without districts pays nothing for them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from sytrack.errors import SytrackError
from sytrack.model import CITY, Catalogue, Indicator, Plan
from sytrack.orgs import Disagreement, LeagueRow, NodeFigures, OrgTree, group_league, league, roll_up_tree
from sytrack.progress import Progress, evaluate
from sytrack.reporters import judged_for


def tolerance_for(indicator: Indicator, plan: Plan) -> float:
    """How far an own figure and the roll-up below it may differ, as a fraction of the own figure,
    before status and explain say so: the indicator's disagreement_tolerance, else the plan's."""
    own = indicator.disagreement_tolerance
    return plan.disagreement_tolerance if own is None else own


class Figures(NamedTuple):
    """One indicator's figures: the series the city is judged on (its own figure where it has one,
    else its orgs' roll-up), every node's figures (None when no org takes part, or once `slim`),
    the dates of the city's own figures (the others were rolled up), and every (org or CITY,
    disagreement) where an own figure and the roll-up below it differ."""

    series: tuple
    nodes: dict[str, NodeFigures] | None
    own_dates: frozenset
    disagreements: tuple[tuple[str, Disagreement], ...] = ()
    orgs_take_part: bool = False

    def rolled_up_at(self, day: dt.date | None, node: str = CITY) -> bool:
        """Whether the figure of `day` of the city (or of the org `node`) is the roll-up of the orgs
        under it rather than its own."""
        if node == CITY:
            return day is not None and self.orgs_take_part and day not in self.own_dates
        figures = (self.nodes or {}).get(node)
        if day is None or figures is None or figures.rolled is None:
            return False
        return day not in {point[0] for point in figures.own}

    def compared(self, nodes: Iterable[str]) -> bool:
        """Whether any of `nodes` has both its own figure and the roll-up below it for some date:
        where the tolerance decides whether they disagree."""
        for node in nodes:
            figures = (self.nodes or {}).get(node)
            if figures is not None and figures.rolled is not None:
                own = {point[0] for point in figures.own}
                if any(point[0] in own for point in figures.rolled.series):
                    return True
        return False

    def nodes_from(self, catalogue: Catalogue, node: str = CITY) -> list[str]:
        """The city (or the org `node`) and every org below it in the tree, in catalogue order: the
        nodes whose roll-ups `explain` writes out (one with no orgs under it writes none)."""
        if self.nodes is None or node not in self.nodes:
            return []
        from sytrack.orgs import ancestors, build_tree

        tree = build_tree(catalogue.orgs)
        below = [o.id for o in catalogue.orgs if o.id in self.nodes and (node == CITY or node in ancestors(tree, o.id))]
        return [node, *below]

    def slim(self) -> Figures:
        """What status keeps once an indicator is judged: not the series, so that 10,000 indicators
        × 13 districts are never all held at once."""
        return self._replace(series=(), nodes=None)


def plain(series: Iterable[tuple]) -> tuple:
    """(date, value) points, a denominator dropped: what progress.evaluate reads."""
    return tuple(point if len(point) == 2 else point[:2] for point in series)


def figures_for(
    indicator: Indicator,
    tree: OrgTree,
    own: Sequence[tuple],
    of_orgs: Mapping[str, Sequence[tuple]] | None,
    plan: Plan,
) -> Figures:
    """The city's figures for one indicator, rolled up level by level where the city has none of its
    own, and compared with its own within the indicator's tolerance."""
    if not of_orgs and not indicator.allocations:
        return Figures(tuple(own), None, frozenset())
    nodes = roll_up_tree(indicator, tree, {**(of_orgs or {}), CITY: tuple(own)}, tolerance_for(indicator, plan))
    found = tuple((node, d) for node, figures in nodes.items() for d in figures.disagreements)
    return Figures(plain(nodes[CITY].effective), nodes, frozenset(point[0] for point in own), found, True)


def org_series(figures: Figures, of_orgs: Mapping[str, Sequence[tuple]] | None, org: str) -> tuple:
    """The series an org is judged on: its own figures, and its own orgs' roll-up where it has none."""
    if figures.nodes is not None and org in figures.nodes:
        return plain(figures.nodes[org].effective)
    return plain((of_orgs or {}).get(org, ()))


def org_progress(
    indicator: Indicator, org: str, series: Sequence[tuple], as_of: dt.date, plan, target_year: int | None = None
) -> Progress | None:
    """The org judged on its allocation (a share or rate: on the city's target); None when nothing
    can judge it (see reporters.judged_for)."""
    judged = judged_for(indicator, org)
    if judged is None:
        return None
    year = (
        target_year if target_year is not None and any(t.deadline.year == target_year for t in judged.targets) else None
    )
    return evaluate(judged, series, as_of, plan, year)


def takes_part(indicator: Indicator, org: str, of_orgs: Mapping[str, Sequence[tuple]] | None) -> bool:
    """Whether an org is in the indicator's league: allocated, or reporting a share or rate."""
    return any(a.org == org for a in indicator.allocations) or (
        bool((of_orgs or {}).get(org)) and judged_for(indicator, org) is not None
    )


def indicator_league(
    catalogue: Catalogue,
    indicator: Indicator,
    tree: OrgTree,
    own: Sequence[tuple],
    of_orgs: Mapping[str, Sequence[tuple]] | None,
    as_of: dt.date,
) -> list[LeagueRow]:
    """`rank ID`: every org that takes part, judged on its allocation, best first (orgs.league)."""
    figures = figures_for(indicator, tree, own, of_orgs, catalogue.plan)
    progress = {}
    for org in catalogue.orgs:
        if takes_part(indicator, org.id, of_orgs):
            judged = org_progress(indicator, org.id, org_series(figures, of_orgs, org.id), as_of, catalogue.plan)
            if judged is not None:
                progress[org.id] = judged
    return league(progress)


def groups_league(
    catalogue: Catalogue,
    indicators: Sequence[Indicator],
    tree: OrgTree,
    stream: Iterable[tuple[str, list, dict]],
    as_of: dt.date,
):
    """`rank --group G` (and the bulletin's league): each org's 达进度率 over the indicators it takes
    part in. `stream` is Store.current_with_orgs: one indicator's figures are held at a time."""
    wanted = {indicator.id: indicator for indicator in indicators}
    by_org: dict[str, list[Progress]] = {org.id: [] for org in catalogue.orgs}
    seen = set()
    # Then the allocated indicators nothing is recorded for: each org has them to do, so they count.
    for indicator_id, own, reported in itertools.chain(stream, ((i.id, (), {}) for i in indicators)):
        indicator = wanted.get(indicator_id)
        if indicator is None or indicator_id in seen or (not reported and not indicator.allocations):
            continue
        seen.add(indicator_id)
        figures = figures_for(indicator, tree, own, reported, catalogue.plan)
        for org in by_org:
            if takes_part(indicator, org, reported):
                judged = org_progress(indicator, org, org_series(figures, reported, org), as_of, catalogue.plan)
                if judged is not None:
                    by_org[org].append(judged)
    return group_league({org: progress for org, progress in by_org.items() if progress})


def org_indicators(
    catalogue: Catalogue,
    indicators: Sequence[Indicator],
    org: str,
    of_orgs: Mapping[str, Mapping[str, Sequence[tuple]]],
) -> list[Indicator]:
    """`status --org ORG`: the indicators the org takes part in, in the order given."""
    return [i for i in indicators if takes_part(i, org, of_orgs.get(i.id))]


def judge_city(
    catalogue: Catalogue,
    indicators: Sequence[Indicator],
    stream: Iterable[tuple[str, list, dict]],
    as_of: dt.date,
    target_year: int | None = None,
    keep_series: bool = False,
) -> tuple[list[Progress], dict[str, Figures]]:
    """`status`: every indicator judged on the city's figure, and, for those the orgs take part in,
    their Figures (what was rolled up, where figures disagree). `stream` is Store.current_with_orgs:
    each indicator is rolled up as it comes and only its slim Figures kept (all of it with
    `keep_series`, for explain and the report's charts)."""
    from sytrack.orgs import build_tree

    tree = build_tree(catalogue.orgs)
    wanted = {indicator.id: indicator for indicator in indicators}
    judged: dict[str, Progress] = {}
    figures: dict[str, Figures] = {}
    for indicator_id, own, reported in stream:
        indicator = wanted.get(indicator_id)
        if indicator is None:
            continue
        judged[indicator_id], found = _judge_one(catalogue, indicator, tree, own, reported, as_of, target_year)
        if found is not None:
            figures[indicator_id] = found if keep_series else found.slim()
    for indicator in indicators:
        if indicator.id not in judged:  # nothing recorded: an allocated one still says so in explain
            judged[indicator.id], found = _judge_one(catalogue, indicator, tree, (), {}, as_of, target_year)
            if found is not None:
                figures[indicator.id] = found
    return [judged[indicator.id] for indicator in indicators], figures


def _judge_one(
    catalogue: Catalogue, indicator: Indicator, tree: OrgTree, own, reported, as_of: dt.date, target_year: int | None
) -> tuple[Progress, Figures | None]:
    if not reported and not indicator.allocations:
        return evaluate(indicator, own, as_of, catalogue.plan, target_year), None
    found = figures_for(indicator, tree, own, reported, catalogue.plan)
    return evaluate(indicator, found.series, as_of, catalogue.plan, target_year), found


def judge_one_org(
    catalogue: Catalogue,
    indicator: Indicator,
    org: str,
    stream: Iterable[tuple[str, list, dict]],
    as_of: dt.date,
    target_year: int | None = None,
) -> tuple[Progress, Figures]:
    """`explain ID --org ORG`: the org judged on its allocation, with every figure of the roll-up
    kept. `stream` is Store.current_with_orgs for the one indicator. An org that nothing judges (a
    part of a sum, not allocated to it) is refused: its figure only counts in its parent's roll-up."""
    from sytrack.orgs import build_tree

    own, reported = next(((o, r) for name, o, r in stream if name == indicator.id), ((), {}))
    figures = figures_for(indicator, build_tree(catalogue.orgs), own, reported, catalogue.plan)
    progress = org_progress(indicator, org, org_series(figures, reported, org), as_of, catalogue.plan, target_year)
    if progress is None:
        raise SytrackError(
            f"{org} has no allocation of {indicator.id}: its figure counts in the city's roll-up"
            f" (`sytrack explain {indicator.id}` shows it)"
        )
    return progress, figures


def judge_explained(
    catalogue: Catalogue,
    indicator: Indicator,
    org: str,
    stream: Iterable[tuple[str, list, dict]],
    as_of: dt.date,
    target_year: int | None = None,
) -> tuple[Progress, Figures | None]:
    """`explain ID [--org ORG]`: the city (or the org) judged, every figure of the roll-up kept."""
    if org:
        return judge_one_org(catalogue, indicator, org, stream, as_of, target_year)
    [progress], figures = judge_city(catalogue, [indicator], stream, as_of, target_year, keep_series=True)
    return progress, figures.get(indicator.id)


def judge_org(
    catalogue: Catalogue,
    indicators: Sequence[Indicator],
    org: str,
    own: Mapping[str, Sequence[tuple]],
    of_orgs: Mapping[str, Mapping[str, Sequence[tuple]]],
    as_of: dt.date,
    target_year: int | None = None,
) -> list[Progress]:
    """`status --org ORG`: every indicator the org takes part in, judged on its allocation."""
    from sytrack.orgs import build_tree

    tree = build_tree(catalogue.orgs)
    judged = []
    for indicator in org_indicators(catalogue, indicators, org, of_orgs):
        reported = of_orgs.get(indicator.id)
        figures = figures_for(indicator, tree, own.get(indicator.id, ()), reported, catalogue.plan)
        progress = org_progress(indicator, org, org_series(figures, reported, org), as_of, catalogue.plan, target_year)
        if progress is not None:
            judged.append(progress)
    return judged


def behind_orgs(
    catalogue: Catalogue,
    indicators: Sequence[Indicator],
    own: Mapping[str, Sequence[tuple]],
    of_orgs: Mapping[str, Mapping[str, Sequence[tuple]]],
    as_of: dt.date,
) -> dict[str, list[str]]:
    """Per indicator id, the orgs behind on their allocation (behind, off track or missed), worst first."""
    from sytrack.orgs import BEHIND, build_tree

    tree = build_tree(catalogue.orgs)
    found = {}
    for indicator in indicators:
        reported = of_orgs.get(indicator.id)
        if not reported and not indicator.allocations:
            continue
        rows = indicator_league(catalogue, indicator, tree, own.get(indicator.id, ()), reported, as_of)
        late = [row.org for row in reversed(rows) if row.status in BEHIND]
        if late:
            found[indicator.id] = late
    return found
