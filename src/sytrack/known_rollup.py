"""The roll-up as known at any instant, pure: each date's figure of the city (or an org) as the list of its changes.

A date's changes are (instant, value, denominator) in the order of their instants: for a cutoff
after `instant` (a record counts when it was recorded before the cutoff), up to the next change,
the date's figure is `value` (None: it has none). From them a row can be judged at any cutoff
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

from sytrack.model import CITY, Indicator, Observation
from sytrack.orgs import NOT_ROLLED, SAME_DATE_KINDS, OrgTree, combine, depth

Change = tuple[str, float | None, float | None]  # (instant, value or None, denominator or None)
Changes = dict[dt.date, list[Change]]
NONE: tuple[None, None] = (None, None)


def value_at(changes: Sequence[Change], known_by: str) -> float | None:
    """A date's figure as known before `known_by`: its last change made before then."""
    for instant, value, _ in reversed(changes):
        if instant < known_by:
            return value
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
            if not changes or changes[-1][1:] != (best.value, best.denominator):
                changes.append((record.recorded_at, best.value, best.denominator))
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
        changes = {p[0]: [(came[p[0]], p[1], p[2] if len(p) > 2 else None)] for p in points if p[0] in came}
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

    def effective(name: str) -> Changes:
        own = leaves.get(name, {})
        below = [(child, effective(child)) for child in tree.children.get(name, ())]
        if not any(child in allocated or found for child, found in below):
            return own  # no org under it takes part at any instant
        return _node_changes(indicator.kind, own, below, allocated, weights)

    return effective(node)


def _node_changes(
    kind: str,
    own: Changes,
    below: Sequence[tuple[str, Changes]],
    allocated: Collection[str],
    weights: Mapping[str, float],
) -> Changes:
    """One node's changes from its own and its children's: one sweep over their instants in order,
    each date its changes can reach evaluated after each instant."""
    state = _Below(kind, [name for name, _ in below], allocated, weights)
    sources = [(-1, own), *enumerate(changes for _, changes in below)]
    events = sorted(
        (
            (instant, slot, day, value, denominator)
            for slot, changes in sources
            for day, found in changes.items()
            for instant, value, denominator in found
        ),
        key=operator.itemgetter(0),
    )
    out: Changes = {}
    shown: dict[dt.date, tuple] = {}
    for instant, group in itertools.groupby(events, key=operator.itemgetter(0)):
        touched: set[dt.date] = set()
        for _, slot, day, value, denominator in group:
            touched.update(state.put(slot, day, value, denominator))
        if state.regroup():
            touched = state.every_date() | shown.keys()
        for day in touched:
            now = state.figure(day)
            if now != shown.get(day, NONE):
                shown[day] = now
                out.setdefault(day, []).append((instant, *now))
    return out


class _Below:
    """A node as the sweep passes an instant: its own figures and each child's points then, who
    takes part, and (for the kinds carried forward) each child's dates in order."""

    def __init__(self, kind: str, children: Sequence[str], allocated: Collection[str], weights: Mapping[str, float]):
        self.kind, self.children, self.allocated, self.weights = kind, tuple(children), allocated, weights
        self.same_date = kind in SAME_DATE_KINDS
        self.own: dict[dt.date, tuple] = {}
        self.points: list[dict[dt.date, tuple]] = [{} for _ in self.children]
        self.dates: list[list[dt.date]] = [[] for _ in self.children]  # kept for carried kinds only
        self.count: dict[dt.date, int] = {}  # how many children have a point of the date
        self.union: list[dt.date] = []  # the dates some child has a point of, in order (carried kinds)
        self.members = self._members()

    def _members(self) -> tuple[int, ...]:
        return tuple(n for n, c in enumerate(self.children) if c in self.allocated or self.points[n])

    def regroup(self) -> bool:
        """Whether who takes part changed: every date is then evaluated again."""
        members = self._members()
        changed, self.members = members != self.members, members
        return changed

    def every_date(self) -> set[dt.date]:
        return {day for day, n in self.count.items() if n} | self.own.keys()

    def put(self, slot: int, day: dt.date, value: float | None, denominator: float | None) -> list[dt.date]:
        """Take one change (slot -1: the node's own figure) and say which dates it can reach."""
        if slot < 0:
            if value is None:
                self.own.pop(day, None)
            else:
                self.own[day] = (value, denominator)
            return [day]
        points, had = self.points[slot], day in self.points[slot]
        if value is not None:
            points[day] = (day, value) if denominator is None else (day, value, denominator)
        elif had:
            del points[day]
        if had != (value is not None):
            self._count(slot, day, 1 if value is not None else -1)
        if self.same_date:
            return [day]
        dates = self.dates[slot]
        after = dates[bisect.bisect_right(dates, day)] if bisect.bisect_right(dates, day) < len(dates) else None
        low = bisect.bisect_left(self.union, day)
        high = len(self.union) if after is None else bisect.bisect_left(self.union, after)
        return [day, *self.union[low:high]]

    def _count(self, slot: int, day: dt.date, step: int) -> None:
        count = self.count[day] = self.count.get(day, 0) + step
        if not self.same_date:
            if step > 0:
                bisect.insort(self.dates[slot], day)
            else:
                self.dates[slot].remove(day)
            if count == 1 and step > 0:
                bisect.insort(self.union, day)
            elif count == 0:
                self.union.remove(day)

    def figure(self, day: dt.date) -> tuple:
        """(value, denominator) of the node's figure of `day` now: its own, else the roll-up."""
        own = self.own.get(day)
        if own is not None:
            return own
        if not self.members or not self.count.get(day):
            return NONE  # no one below takes part, or none of them has a figure of this date
        if self.same_date:
            found = [self.points[n].get(day) for n in self.members]
        else:
            found = [self._latest(n, day) for n in self.members]
        if None in found:
            return NONE  # an org that takes part has no figure yet: the date does not roll up
        total = combine(self.kind, [self.children[n] for n in self.members], found, self.weights)[0]
        return NONE if total is None else (total, None)

    def _latest(self, slot: int, day: dt.date) -> tuple | None:
        dates = self.dates[slot]
        position = bisect.bisect_right(dates, day) - 1
        return self.points[slot][dates[position]] if position >= 0 else None
