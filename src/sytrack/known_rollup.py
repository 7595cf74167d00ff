"""The roll-up as known at any instant, pure: each date's figure of the city (or an org) as the list of its changes.

A date's changes are (instant, point) in the order of their instants: for a cutoff after
`instant` (a record counts when it was recorded before the cutoff), up to the next change, the
date's figure is `point`, (date, value) or (date, value, denominator) as `orgs.roll_up` reads it
(None: it has none). From them a row can be judged at any cutoff
without its series being rebuilt (`sytrack.escalation`). A node's changes are worked out from its
orgs' by evaluating the roll-up only at the instants something under it changed, and only at the
dates that change can reach (a flow's or rate's own date; for a level or share, carried forward,
its date and the later dates up to the org's next figure), by the rules of `orgs.roll_up_tree`:
an allocated org with no figure for a date holds the date back; an org not allocated takes part
from the moment it has any figure at all (so its first figure can make an earlier date's roll-up
undefined), and every date is evaluated again whenever who takes part changes; an own figure
overrides the roll-up of its date from when it was recorded. tests/test_escalation.py holds the
result to `districts.figures_for` at every period end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import operator
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sytrack.model import CITY, Indicator, Observation
from sytrack.orgs import NOT_ROLLED, SAME_DATE_KINDS, OrgTree, combine, depth

Change = tuple[str, tuple | None]  # (instant, the date's point from then on, or None)
Changes = dict[dt.date, list[Change]]


def value_at(changes: Sequence[Change], known_by: str) -> float | None:
    """A date's figure as known before `known_by`: its last change made before then."""
    for instant, point in reversed(changes):
        if instant < known_by:
            return None if point is None else point[1]
    return None


def record_changes(records: Sequence[Observation], indicator: str) -> dict[str, Changes]:
    """Each reporter's (CITY: the city's own) changes from its records, none of them a retraction:
    at a cutoff a date's figure is the value of the highest id among its records made before it.
    An import keeps a file's recorded_at, so a later id may have been recorded earlier."""
    by_date: dict[tuple[str, dt.date], list[Observation]] = {}
    for r in records:
        if r.indicator == indicator and r.value is not None:
            by_date.setdefault((r.org, r.as_of), []).append(r)
    found: dict[str, Changes] = {}
    for (org, day), group in by_date.items():
        group.sort(key=lambda r: (r.recorded_at, r.id))
        changes: list[Change] = []
        best = group[0]
        for n, record in enumerate(group):
            best = record if record.id > best.id else best
            if n + 1 < len(group) and group[n + 1].recorded_at == record.recorded_at:
                continue  # records made at the same instant count together
            point = (day, best.value) if best.denominator is None else (day, best.value, best.denominator)
            if not changes or changes[-1][1] != point:
                changes.append((record.recorded_at, point))
        found.setdefault(org, {})[day] = changes
    return found


def standing_changes(
    own: Sequence[tuple], reported: Mapping[str, Sequence[tuple]], receipts: Mapping[str, Sequence[tuple]]
) -> dict[str, Changes]:
    """Each reporter's changes when its receipts stand for its records (`escalation.receipts_stand`):
    each date's one value, in force now (`own`: the city's points; `reported`: the orgs', as
    `Store.current_with_orgs` gives them), came in when its receipt says. A date without a receipt
    (its records do not stand) is left out."""
    found: dict[str, Changes] = {}
    for org, points in ((CITY, own), *reported.items()):
        came = dict(receipts.get(org, ()))
        changes: Changes
        try:  # every point with its receipt, the common case: 3,000,000 of them in a big plan
            changes = {point[0]: [(came[point[0]], point)] for point in points}
        except KeyError:
            changes = {point[0]: [(came[point[0]], point)] for point in points if point[0] in came}
        if changes:
            found[org] = changes
    return found


def row_changes(indicator: Indicator, tree: OrgTree, leaves: Mapping[str, Changes], node: str = CITY) -> Changes:
    """The changes of the figure `node` (CITY or an org) is judged on, from every reporter's own
    (`leaves`): its own figure where it has one, else the roll-up of the orgs under it, level by
    level, as `districts.figures_for` (the city) and `districts.org_series` (an org) give it."""
    if indicator.kind in NOT_ROLLED or (node != CITY and depth(tree, node) is None):
        return leaves.get(node, {})
    allocated = {a.org for a in indicator.allocations}
    weights = {a.org: a.weight for a in indicator.allocations if a.weight is not None}
    return _effective(indicator.kind, tree, leaves, node, allocated, weights)


def _effective(
    kind: str,
    tree: OrgTree,
    leaves: Mapping[str, Changes],
    node: str,
    allocated: Collection[str],
    weights: Mapping[str, float],
) -> Changes:
    # A function of its own, not a closure calling itself: that would be a reference cycle, kept
    # with every reporter's changes until the cycle collector runs, which a command pauses.
    own = leaves.get(node, {})
    below = [
        (child, _effective(kind, tree, leaves, child, allocated, weights)) for child in tree.children.get(node, ())
    ]
    if not any(child in allocated or found for child, found in below):
        return own  # no org under it takes part at any instant
    return _node_changes(kind, own, below, allocated, weights)


def _node_changes(
    kind: str,
    own: Changes,
    below: Sequence[tuple[str, Changes]],
    allocated: Collection[str],
    weights: Mapping[str, float],
) -> Changes:
    """One node's changes from its own and its children's."""
    taking_part = _taking_part(below, allocated)
    if kind in SAME_DATE_KINDS:
        return _same_date_changes(kind, own, below, taking_part, weights)
    return _carried_changes(kind, own, below, taking_part, weights)


def _taking_part(below: Sequence[tuple[str, Changes]], allocated: Collection[str]) -> list[tuple[str, tuple[int, ...]]]:
    """Who takes part in the roll-up from each instant on, as (instant, the children's positions),
    the first from the start (""): every allocated child, and any other while it has a figure of
    some date (a node's roll-up may lose every figure again when an org joins below it)."""
    members = {n for n, (name, _) in enumerate(below) if name in allocated}
    flips = sorted(
        (instant, n, present)
        for n, (name, changes) in enumerate(below)
        if name not in allocated
        for instant, present in _presence(changes)
    )
    found = [("", tuple(sorted(members)))]
    for instant, group in itertools.groupby(flips, key=operator.itemgetter(0)):
        for _, n, present in group:
            (members.add if present else members.discard)(n)
        found.append((instant, tuple(sorted(members))))
    return found


def _presence(changes: Changes) -> list[tuple[str, bool]]:
    """When a node comes to have a figure of some date, and when it has none again."""
    events = sorted((instant, day, point is not None) for day, found in changes.items() for instant, point in found)
    held: set[dt.date] = set()
    flips: list[tuple[str, bool]] = []
    for instant, group in itertools.groupby(events, key=operator.itemgetter(0)):
        for _, day, has in group:
            (held.add if has else held.discard)(day)
        if (not flips and held) or (flips and flips[-1][1] != bool(held)):
            flips.append((instant, bool(held)))
    return flips


def _same_date_changes(
    kind: str,
    own: Changes,
    below: Sequence[tuple[str, Changes]],
    taking_part: list[tuple[str, tuple[int, ...]]],
    weights: Mapping[str, float],
) -> Changes:
    """A flow's or rate's figure of a date is its children's of that date: each date swept alone,
    over its own changes, its children's and every change of who takes part."""
    names = [name for name, _ in below]
    members = taking_part[0][1]
    steady = len(taking_part) == 1  # who takes part never changes
    of_members = [below[n][1] for n in members]
    out: Changes = {}
    for day in set(own).union(*(changes for _, changes in below)):
        if steady and day not in own:
            # The common case, every report in once and never revised: the date rolls up when the
            # last of its members' figures came in. Others (none taking part) have no figure at all.
            lists = [changes[day] for changes in of_members if day in changes]
            if len(lists) == len(of_members) and (not lists or max(map(len, lists)) == 1):
                firsts = [changes[0] for changes in lists]
                now = _rolled(kind, day, names, members, [change[1] for change in firsts], weights)
                if now is not None:
                    out[day] = [(max(change[0] for change in firsts), now)]
                continue
        found = _date_changes(kind, day, own.get(day, ()), below, taking_part, names, weights)
        if found:
            out[day] = found
    return out


def _date_changes(
    kind: str,
    day: dt.date,
    own: Sequence[Change],
    below: Sequence[tuple[str, Changes]],
    taking_part: list[tuple[str, tuple[int, ...]]],
    names: Sequence[str],
    weights: Mapping[str, float],
) -> list[Change]:
    """One date's changes, swept over the instants of its own changes, its children's and who takes part."""
    events: list[tuple[Any, ...]] = [(instant, -1, point) for instant, point in own]
    for n, (_, changes) in enumerate(below):
        events += [(instant, n, point) for instant, point in changes.get(day, ())]
    events += [(instant, -2, members) for instant, members in taking_part[1:]]
    events.sort(key=operator.itemgetter(0))
    mine: tuple | None = None
    points: list[tuple | None] = [None] * len(below)
    members, shown = taking_part[0][1], None
    found: list[Change] = []
    for instant, group in itertools.groupby(events, key=operator.itemgetter(0)):
        for _, slot, value in group:
            if slot == -2:
                members = value
            elif slot == -1:
                mine = value
            else:
                points[slot] = value
        now = mine or _rolled(kind, day, names, members, [points[n] for n in members], weights)
        if now != shown:
            shown = now
            found.append((instant, now))
    return found


def _rolled(
    kind: str, day: dt.date, names: Sequence[str], members: tuple[int, ...], points: list, weights: Mapping[str, float]
) -> tuple | None:
    """The point of the roll-up of the members' points of one date; None when it does not roll up."""
    if not members or None in points:
        return None  # no one takes part, or one that does has no figure yet: the date does not roll up
    total = combine(kind, [names[n] for n in members], points, weights)[0]
    return None if total is None else (day, total)


def _carried_changes(
    kind: str,
    own: Changes,
    below: Sequence[tuple[str, Changes]],
    taking_part: list[tuple[str, tuple[int, ...]]],
    weights: Mapping[str, float],
) -> Changes:
    """A level's or share's figure of a date is made of each child's latest figure on or before it:
    one sweep over every instant, each date a change can reach evaluated after it."""
    state = _Below(kind, [name for name, _ in below], weights, taking_part[0][1])
    sources = [(-1, own), *enumerate(changes for _, changes in below)]
    events: list[tuple[Any, ...]] = [
        (instant, slot, day, point)
        for slot, changes in sources
        for day, found in changes.items()
        for instant, point in found
    ]
    events += [(instant, -2, None, members) for instant, members in taking_part[1:]]
    events.sort(key=operator.itemgetter(0))
    out: Changes = {}
    shown: dict[dt.date, tuple | None] = {}
    for instant, group in itertools.groupby(events, key=operator.itemgetter(0)):
        touched: set[dt.date] = set()
        for _, slot, day, value in group:
            if slot == -2:
                state.members = value
                touched.update(state.every_date(), shown)  # who takes part changed: every date again
            else:
                touched.update(state.put(slot, day, value))
        for day in touched:
            now = state.figure(day)
            if now != shown.get(day):
                shown[day] = now
                out.setdefault(day, []).append((instant, now))
    return out


class _Below:
    """A node as the sweep passes an instant: its own points and each child's, who takes part
    (`members`, positions among the children), and each child's dates in order."""

    def __init__(self, kind: str, children: Sequence[str], weights: Mapping[str, float], members: tuple[int, ...]):
        self.kind, self.children, self.weights, self.members = kind, tuple(children), weights, members
        self.own: dict[dt.date, tuple] = {}
        self.points: list[dict[dt.date, tuple]] = [{} for _ in self.children]
        self.dates: list[list[dt.date]] = [[] for _ in self.children]
        self.count: dict[dt.date, int] = {}  # how many children have a point of the date
        self.union: list[dt.date] = []  # the dates some child has a point of, in order

    def every_date(self) -> set[dt.date]:
        return {day for day, n in self.count.items() if n} | self.own.keys()

    def put(self, slot: int, day: dt.date, point: tuple | None) -> list[dt.date]:
        """Take one change (slot -1: the node's own figure) and say which dates it can reach."""
        if slot < 0:
            if point is None:
                self.own.pop(day, None)
            else:
                self.own[day] = point
            return [day]
        points, had = self.points[slot], day in self.points[slot]
        if point is not None:
            points[day] = point
        elif had:
            del points[day]
        if had != (point is not None):
            self._count(slot, day, 1 if point is not None else -1)
        dates = self.dates[slot]
        position = bisect.bisect_right(dates, day)
        after = dates[position] if position < len(dates) else None
        low = bisect.bisect_left(self.union, day)
        high = len(self.union) if after is None else bisect.bisect_left(self.union, after)
        return [day, *self.union[low:high]]

    def _count(self, slot: int, day: dt.date, step: int) -> None:
        count = self.count[day] = self.count.get(day, 0) + step
        if step > 0:
            bisect.insort(self.dates[slot], day)
        else:
            self.dates[slot].remove(day)
        if count == 1 and step > 0:
            bisect.insort(self.union, day)
        elif count == 0:
            self.union.remove(day)

    def figure(self, day: dt.date) -> tuple | None:
        """The node's point of `day` now: its own, else the roll-up's (None: it has none)."""
        own = self.own.get(day)
        if own is not None:
            return own
        if not self.count.get(day):
            return None  # none below has a figure of this date: it is no date of the roll-up
        found = [self._latest(n, day) for n in self.members]
        return _rolled(self.kind, day, self.children, self.members, found, self.weights)

    def _latest(self, slot: int, day: dt.date) -> tuple | None:
        dates = self.dates[slot]
        position = bisect.bisect_right(dates, day) - 1
        return self.points[slot][dates[position]] if position >= 0 else None
