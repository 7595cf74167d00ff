"""Districts and departments, pure: the org tree, allocated targets, roll-up by kind, disagreement, league table.

Nothing here reads a file or the clock. Series are date-ordered tuples, as the store gives them: a
point is (date, value), or (date, value, denominator) for a share or rate whose org gives the base
it was computed on. The rules, with worked examples, are in docs/orgs-and-cycle.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from sytrack.model import CITY, Indicator, Org, Target
from sytrack.progress import Progress, summarise

# A flow's figure belongs to its date (the total so far of its period), so only figures of the same
# date add up; a level or a share is a state, so each org's latest figure stands until it reports again.
SAME_DATE_KINDS = ("flow", "rate")
SUMMED_KINDS = ("flow", "level")
WEIGHTED_KINDS = ("share", "rate")
NOT_ROLLED = {
    "rank": "a rank is a position, not an amount: ranks of districts do not add up to the city's",
    "milestone": "a milestone is done or not: it is not rolled up from the orgs",
}
Point = tuple  # (date, value) or (date, value, denominator)


class OrgTree(NamedTuple):
    """The orgs as a tree under the city (CITY). Orgs in a cycle of parents, or under an unknown
    parent, cannot be reached from the city: they are `stranded` and in no level."""

    parent: dict[str, str]  # org -> its parent; CITY for an org directly under the plan
    children: dict[str, tuple[str, ...]]  # CITY or an org -> its children, in catalogue order
    levels: tuple[tuple[str, ...], ...]  # the orgs by depth, the top level (depth 1) first
    cycles: tuple[tuple[str, ...], ...]  # each cycle once, as its orgs in parent order
    stranded: tuple[str, ...]


def build_tree(orgs: Iterable[Org]) -> OrgTree:
    """The tree of `orgs`, built in one pass over them and one walk down from the city."""
    parent = {org.id: org.parent or CITY for org in orgs if org.id != CITY}  # the city is no org of its own
    children: dict[str, list[str]] = {}
    for org_id, above in parent.items():
        children.setdefault(above, []).append(org_id)
    levels, level, reached = [], children.get(CITY, []), set()
    while level:
        levels.append(tuple(level))
        reached.update(level)
        level = [child for org_id in level for child in children.get(org_id, ()) if child not in reached]
    return OrgTree(
        parent,
        {k: tuple(v) for k, v in children.items()},
        tuple(levels),
        find_cycles(parent),
        tuple(o for o in parent if o not in reached),
    )


def find_cycles(parent: Mapping[str, str]) -> tuple[tuple[str, ...], ...]:
    """Every cycle of parents (a -> b -> a), each once, starting from its first org in `parent`'s order.
    Each org is walked at most once, so the check is linear in the number of orgs."""
    order = {org_id: n for n, org_id in enumerate(parent)}
    done: set[str] = set()
    cycles = []
    for first in parent:
        path: dict[str, int] = {}
        org_id = first
        while org_id in parent and org_id not in done and org_id not in path:
            path[org_id] = len(path)
            org_id = parent[org_id]
        if org_id in path:  # the walk came back to an org of this very walk
            walk = list(path)
            cycle = walk[path[org_id] :]
            turn = min(range(len(cycle)), key=lambda n: order[cycle[n]])
            cycles.append(tuple(cycle[turn:] + cycle[:turn]))
        done.update(path)
    return tuple(cycles)


def ancestors(tree: OrgTree, org_id: str) -> tuple[str, ...]:
    """The orgs above `org_id`, nearest first, not counting the city; stops short of a cycle."""
    seen, above = [], tree.parent.get(org_id, CITY)
    while above != CITY and above in tree.parent and above not in seen and above != org_id:
        seen.append(above)
        above = tree.parent[above]
    return tuple(seen)


def reporters_under(tree: OrgTree, node: str) -> tuple[str, ...]:
    """`node` (CITY or an org) and every org under it that its figure can be rolled up from,
    nearest first: the reporters whose records can change its figure. A stranded org has none."""
    if node != CITY and depth(tree, node) is None:
        return (node,)
    found, level = [node], list(tree.children.get(node, ()))
    while level:
        found += level
        level = [child for org_id in level for child in tree.children.get(org_id, ())]
    return tuple(found)


def depth(tree: OrgTree, org_id: str) -> int | None:
    """1 for an org directly under the city, 2 for one under it ...; None when it is stranded."""
    return next((n for n, level in enumerate(tree.levels, 1) if org_id in level), None)


# --- allocated targets -----------------------------------------------------------------------


def allocated_target(indicator: Indicator, org_id: str) -> Target | None:
    """The org's target for the indicator: its allocation's value, with the deadline and comparison
    of the final target unless the allocation gives them. A range's comparison becomes at-least (or
    at-most when lower is better), since a share of a range is one number."""
    allocation = next((a for a in indicator.allocations if a.org == org_id), None)
    if allocation is None:
        return None
    final = indicator.targets[-1]
    comparison = allocation.comparison or final.comparison
    if comparison == "between":
        comparison = "at-least" if indicator.direction == "increase" else "at-most"
    start = final.start
    if start is None and len(indicator.targets) > 1:
        start = indicator.targets[-2].deadline + dt.timedelta(days=1)  # the final step's own span
    return Target(
        allocation.deadline or final.deadline,
        comparison,
        allocation.value,
        tolerance=final.tolerance if comparison == "about" else None,
        start=start,
    )


def org_indicator(indicator: Indicator, org_id: str) -> Indicator | None:
    """The indicator as the org is judged on it, for `progress.evaluate`: its allocated target only,
    and no baseline (the city's baseline is not the org's). None when nothing is allocated to it."""
    target = allocated_target(indicator, org_id)
    if target is None:
        return None
    return indicator._replace(targets=(target,), baseline=None, allocations=())


def allocation_coverage(indicator: Indicator) -> tuple[float, float] | None:
    """(sum of the allocations, the final goal) for a target that can be split by adding (a flow or a
    level); None for other kinds or without allocations. Less than the goal leaves part to nobody."""
    if indicator.kind not in SUMMED_KINDS or not indicator.allocations:
        return None
    return sum(a.value for a in indicator.allocations), indicator.targets[-1].goal(indicator.direction)


# --- roll-up ---------------------------------------------------------------------------------


class RollUp(NamedTuple):
    """The orgs' figures combined, per date. Each row is (date, total or None, the members' values,
    the weights used or None, a note saying why the total is None). `reason` is "" when at least
    one date rolled up, else why none did."""

    kind: str
    members: tuple[str, ...]
    rows: tuple[tuple, ...]
    reason: str

    @property
    def series(self) -> tuple[tuple[dt.date, float], ...]:
        """The dates that rolled up, with their totals, in date order: what `evaluate` reads."""
        return tuple((row[0], row[1]) for row in self.rows if row[1] is not None)


def _entries(kind: str, dates: Sequence[dt.date], series: Sequence[Point]) -> list:
    """The member's point that counts at each date: the one of that date, or (for a state) its latest."""
    if kind in SAME_DATE_KINDS:
        by_date = {point[0]: point for point in series}
        return [by_date.get(day) for day in dates]
    entries, position, latest = [], 0, None
    for day in dates:
        while position < len(series) and series[position][0] <= day:
            latest, position = series[position], position + 1
        entries.append(latest)
    return entries


def _weights(points: Sequence[Point], members: Sequence[str], declared: Mapping[str, float]):
    """Every member's denominator if all give one, else every member's declared weight, else None
    and why. Denominators and weights are never mixed: they are counted in different things."""
    denominators = [point[2] if len(point) > 2 else None for point in points]
    if None not in denominators:
        weights, what = tuple(denominators), "denominator"
    elif all(declared.get(m) is not None for m in members):
        weights, what = tuple(declared[m] for m in members), "weight"
    else:
        lacking = next((m for m, d in zip(members, denominators) if d is None and declared.get(m) is None), None)
        if lacking is not None:
            return None, (
                f"{lacking}'s figure has no denominator and its allocation declares no weight;"
                " a share or rate is never averaged"
            )
        # Each member has one or the other, but neither is complete: they are never mixed.
        no_base = next(m for m, d in zip(members, denominators) if d is None)
        unweighed = next(m for m in members if declared.get(m) is None)
        return None, (
            f"{no_base}'s figure has no denominator and {unweighed}'s allocation declares no weight;"
            " a share or rate is never averaged"
        )
    negative = next((m for m, w in zip(members, weights) if w < 0), None)
    if negative is not None:
        return None, f"{negative}'s {what} is negative"
    return weights, ""


def combine(kind: str, members: Sequence[str], points: Sequence, declared: Mapping[str, float]) -> tuple:
    """(total, values, weights, note) at one date from the members' points there (None: the member
    has none): the rule of `roll_up`, also applied at any instant by `known_rollup`."""
    values = tuple([None if point is None else point[1] for point in points])
    if None in points:
        missing = [m for m, point in zip(members, points) if point is None]
        return None, values, None, "no figure yet from " + ", ".join(missing)
    if kind in SUMMED_KINDS:
        return sum(values), values, None, ""
    weights, note = _weights(points, members, declared)
    if weights is None:
        return None, values, None, note
    total_weight = sum(weights)
    if total_weight <= 0:
        return None, values, weights, "the denominators or weights add up to zero"
    return sum(v * w for v, w in zip(values, weights)) / total_weight, values, weights, ""


def roll_up(
    kind: str, series_by_member: Mapping[str, Sequence[Point]], declared_weights: Mapping[str, float] | None = None
) -> RollUp:
    """Combine the members' series by the indicator's kind.

    - flow: the sum of the members' figures of the same date;
    - level: at each date any member reported, the sum of every member's latest figure;
    - share (latest figures) and rate (same date): Σ vᵢ·dᵢ / Σ dᵢ with each figure's denominator dᵢ,
      else Σ vᵢ·wᵢ / Σ wᵢ with the allocations' declared weights wᵢ; never a plain average;
    - rank, milestone: not rolled up.
    A date at which a member has no figure yet does not roll up (its row says who is missing):
    a partial sum would pass for the city's total.
    """
    members = tuple(series_by_member)
    if kind in NOT_ROLLED:
        return RollUp(kind, members, (), NOT_ROLLED[kind])
    if not members:
        return RollUp(kind, members, (), "no org has a figure for it")
    dates = sorted({point[0] for series in series_by_member.values() for point in series})
    columns = [_entries(kind, dates, series_by_member[m]) for m in members]
    declared = declared_weights or {}
    rows = tuple((day, *combine(kind, members, points, declared)) for day, points in zip(dates, zip(*columns)))
    reason = "" if any(row[1] is not None for row in rows) else (rows[-1][4] if rows else "no org has a figure for it")
    return RollUp(kind, members, rows, reason)


class Disagreement(NamedTuple):
    date: dt.date
    own: float  # the figure the city (or the org above) reported itself
    rolled: float  # the orgs' figures combined
    difference: float  # rolled − own


def disagreements(own: Sequence[Point], rolled: Sequence[Point], tolerance: float = 0.01) -> list[Disagreement]:
    """Dates where an own figure and the roll-up differ by more than `tolerance` of the own figure
    (0.01: 1 %); with an own figure of 0 any difference counts."""
    by_date = {point[0]: point[1] for point in rolled}
    found = []
    for point in own:
        other = by_date.get(point[0])
        if other is not None and abs(other - point[1]) > tolerance * abs(point[1]) and other != point[1]:
            found.append(Disagreement(point[0], point[1], other, other - point[1]))
    return found


class NodeFigures(NamedTuple):
    """What is known of the city or one org: its own series, the roll-up of the orgs under it (None
    for an org with none), the series that counts (its own figure where it has one, else the
    roll-up's), and where its own figure and the roll-up disagree."""

    own: tuple
    rolled: RollUp | None
    effective: tuple
    disagreements: tuple[Disagreement, ...]


def _effective(own: Sequence[Point], rolled: Sequence[Point]) -> tuple:
    """Own figures, and the roll-up's on the dates without one, in date order."""
    dates = {point[0] for point in own}
    return tuple(sorted([*own, *(p for p in rolled if p[0] not in dates)], key=lambda point: point[0]))


def roll_up_tree(
    indicator: Indicator, tree: OrgTree, series_by_org: Mapping[str, Sequence[Point]], tolerance: float = 0.01
) -> dict[str, NodeFigures]:
    """Roll the indicator up level by level, the deepest first: streets into their district, then
    districts into the city (CITY). An org takes part in its parent's roll-up when something is
    allocated to it or it has figures (its own or rolled up from below); an allocated org that has
    none holds its parent's roll-up back."""
    allocated = {a.org for a in indicator.allocations}
    weights = {a.org: a.weight for a in indicator.allocations if a.weight is not None}
    figures: dict[str, NodeFigures] = {}
    for node in [org for level in reversed(tree.levels) for org in level] + [CITY]:
        own = tuple(series_by_org.get(node, ()))
        below = [c for c in tree.children.get(node, ()) if c in allocated or figures[c].effective]
        if not below:
            figures[node] = NodeFigures(own, None, own, ())
            continue
        rolled = roll_up(indicator.kind, {c: figures[c].effective for c in below}, weights)
        figures[node] = NodeFigures(
            own, rolled, _effective(own, rolled.series), tuple(disagreements(own, rolled.series, tolerance))
        )
    return figures


# --- the league table (区县赛马) ----------------------------------------------------------------


class LeagueRow(NamedTuple):
    org: str
    value: float | None
    allocation: float | None
    completion: float | None
    time_elapsed: float | None
    pace: float | None
    status: str
    rank: int | None  # None: no data, so not ranked


def _shared_ranks(keys: Sequence) -> list[int]:
    """Competition ranks of keys sorted best first: equal keys share a rank (1, 1, 3)."""
    ranks = []
    for n, key in enumerate(keys):
        ranks.append(ranks[-1] if n and key == keys[n - 1] else n + 1)
    return ranks


def league(progress_by_org: Mapping[str, Progress]) -> list[LeagueRow]:
    """One indicator's league: best first by pace, then completion (an org without a pace, as for a
    rate, after those with one); ties share a rank; orgs with no data last and unranked."""

    def key(org_id: str):
        p = progress_by_org[org_id]
        return (p.pace is None, -(p.pace or 0.0), -(p.completion or 0.0))

    judged = sorted((o for o, p in progress_by_org.items() if p.latest is not None), key=key)
    unjudged = [o for o, p in progress_by_org.items() if p.latest is None]
    ranks = _shared_ranks([key(o) for o in judged]) + [None] * len(unjudged)
    rows = []
    for org_id, rank in zip(judged + unjudged, ranks):
        p = progress_by_org[org_id]
        rows.append(LeagueRow(org_id, p.latest, p.target.value, p.completion, p.time_elapsed, p.pace, p.status, rank))
    return rows


class GroupLeagueRow(NamedTuple):
    org: str
    indicators: int
    on_schedule_share: float | None  # 达进度率: achieved or on track, of those that can be judged
    behind: int  # behind 序时进度: behind, off track or missed
    rank: int | None


BEHIND = ("behind", "off-track", "missed")


def group_league(progress_by_org: Mapping[str, Sequence[Progress]]) -> list[GroupLeagueRow]:
    """A group's league: each org's 达进度率 over its indicators and how many are behind, best first
    (higher share, then fewer behind); ties share a rank; an org with nothing to judge last."""
    rows = []
    for org_id, progress in progress_by_org.items():
        summary = summarise(progress)
        behind = sum(summary.counts.get(status, 0) for status in BEHIND)
        rows.append(GroupLeagueRow(org_id, summary.total, summary.on_schedule_share, behind, None))
    judged = sorted(
        (r for r in rows if r.on_schedule_share is not None), key=lambda r: (-r.on_schedule_share, r.behind)
    )
    ranks = _shared_ranks([(r.on_schedule_share, r.behind) for r in judged])
    return [r._replace(rank=rank) for r, rank in zip(judged, ranks)] + [r for r in rows if r.on_schedule_share is None]
