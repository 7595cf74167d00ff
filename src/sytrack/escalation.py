"""Escalation at scale: a row of status judged at each period end as known then, from one sorted pass over its records.

The definition is `reference_escalation`: rebuild what was known at each period end and judge the
row from scratch on the figure status shows (the city's own figure where it has one, else the
roll-up of its orgs' figures, `districts.figures_for`; an org's own, else its orgs' roll-up),
`progress.evaluate` and all. That costs about 60 µs a judgement, more with districts to roll up,
24 judgements for an indicator behind all along: 14 s for 10,000 indicators, nine times status
itself. `escalation_count` gives the same count cheaper: the row's figure of each date is known
at any instant from one sweep over its orgs' records (`known_rollup`, the roll-up evaluated only
where something changed), a report overdue at a period end is read from one running maximum of
when each period's first report came in, and the status is settled from the latest figure alone
whenever the pace already says behind or worse (or the target is met); only the remaining ends
(on track, where a trend moving away could still make it off track) are judged by `evaluate`. An
indicator with a retraction among its records takes the definition itself: retractions are rare,
and they make "known then" non-monotonic. tests/test_escalation.py compares the two on random
histories of the city and nested orgs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from sytrack.arithmetic import completion, time_elapsed
from sytrack.cycle import ESCALATING, Period, Receipt, day_end, escalation, warning
from sytrack.known_rollup import Changes, record_changes, row_changes, value_at
from sytrack.model import CITY, STATUSES, Indicator, Observation, Plan
from sytrack.orgs import OrgTree
from sytrack.progress import as_shown, choose_target, evaluate, start_point

# The statuses whose warning escalates whatever the reports (cycle.warning, nothing overdue).
ESCALATING_STATUSES = frozenset(
    s for s in STATUSES if warning(s, dt.date(2000, 1, 1), dt.date(2000, 1, 1), 0, False) in ESCALATING
)
# τ at a period end, the same for every indicator sharing a target's span: worked out once each.
_elapsed = functools.lru_cache(maxsize=4096)(time_elapsed)
NEVER = "\uffff"  # sorts after every timestamp, and after day_end's end of time: a report not in


class Row(NamedTuple):
    """A row of status whose escalation is counted: `org`'s (CITY: the city's) row of `indicator`,
    the catalogue's (its allocations say who rolls up into whom along `tree`), judged against
    `judged` (the indicator itself for the city, the org's allocation for an org), red when one of
    `reporting` had a report of `expected` overdue."""

    indicator: Indicator
    judged: Indicator
    tree: OrgTree
    expected: Sequence[Period]
    org: str = CITY
    reporting: Sequence[str] = (CITY,)
    zone: dt.tzinfo | None = None


def reference_escalation(row: Row, plan: Plan, records: Sequence[Observation], as_of: dt.date) -> int:
    """The definition: at every period end, what was known by its end rebuilt from the records,
    the row judged from scratch on exactly the series status would judge it on then (the city on
    `districts.figures_for(...).series`, its own figure else its orgs' roll-up; an org on
    `districts.org_series`), yellow or red as `cycle.progress_warning` says (see the module's docstring)."""
    from sytrack.cycle import is_overdue, progress_warning, reports
    from sytrack.districts import figures_for, org_series
    from sytrack.replay import points_as_known, receipts_as_known

    name = row.indicator.id

    def warning_at(day: dt.date) -> str:
        known_by = day_end(day, row.zone)
        known = points_as_known(records, known_by)
        own = [point[:2] for point in known.get((name, CITY), [])]
        of_orgs = {org: points for (i, org), points in known.items() if i == name and org != CITY}
        figures = figures_for(row.indicator, row.tree, own, of_orgs, plan)
        series = figures.series if row.org == CITY else org_series(figures, of_orgs, row.org)
        progress = evaluate(row.judged, series, day, plan)
        receipts = receipts_as_known(records, known_by)
        overdue = any(
            is_overdue(reports(row.expected, receipts.get((name, org), []), day, row.zone)) for org in row.reporting
        )
        return progress_warning(progress, 0, overdue)

    return escalation([p.end for p in row.expected], as_of, warning_at)


def escalation_count(
    row: Row,
    plan: Plan,
    as_of: dt.date,
    records: Sequence[Observation] | None,
    receipts: Mapping[str, Sequence[Receipt]] | None = None,
    known: Changes | None = None,
) -> int:
    """How many consecutive period ends of the row's, the last on or before `as_of` backwards, the
    row was yellow or red at, as known at the end of each. Equal to `reference_escalation`.
    `records` None: `receipts` (per org, `Store.receipts`) and the changes of the row's figure
    (`known`, `known_rollup.row_changes` of `known_rollup.standing_changes`) stand for them, which
    they do exactly when every record is a standing value of its own date (`receipts_stand`)."""
    ends = sorted((p.end for p in row.expected if p.end <= as_of), reverse=True)
    if not ends:
        return 0
    if records is None:
        versions = known or {}
    elif any(r.retracts is not None or r.value is None for r in records):
        return reference_escalation(row, plan, records, as_of)
    else:
        name = row.indicator.id
        versions = row_changes(row.indicator, row.tree, record_changes(records, name), row.org)
        receipts = _receipts_of(records, name)
    dues, latest_in = _latest_receipts(receipts or {}, row.expected, row.reporting)
    escalates = _status_judge(row.judged, plan, versions)
    count = 0
    for end in ends:
        known_by = day_end(end, row.zone)
        before = bisect.bisect_left(dues, end)  # the periods due before `end`: past due there
        overdue = before > 0 and latest_in[before - 1] >= known_by
        if not overdue and not escalates(end, known_by):
            break
        count += 1
    return count


def receipts_stand(records_counted: int, receipts: Mapping[str, Sequence[Receipt]]) -> bool:
    """Whether an indicator's receipts (with its values in force) can stand for its records in
    `escalation_count`: as many records as dates with a standing value, so none revised, retracted
    or a retraction. Cheaper than reading millions of records."""
    return records_counted == sum(len(days) for days in receipts.values())


def _receipts_of(records: Sequence[Observation], indicator: str) -> dict[str, list[Receipt]]:
    """Per org, each date with the first time a value for it was recorded, in date order, as
    `Store.receipts` gives them: from records none of which is retracted."""
    first: dict[tuple[str, dt.date], str] = {}
    for r in records:
        if r.indicator == indicator:
            key = (r.org, r.as_of)
            if key not in first or r.recorded_at < first[key]:
                first[key] = r.recorded_at
    found: dict[str, list[Receipt]] = {}
    for (org, day), recorded_at in sorted(first.items()):
        found.setdefault(org, []).append((day, recorded_at))
    return found


def _latest_receipts(
    receipts: Mapping[str, Sequence[Receipt]], expected: Sequence[Period], reporting: Sequence[str]
) -> tuple[list[dt.date], list[str]]:
    """The due dates of `expected`, and for each, the latest over it and the periods before it of
    when their first report came in from each of `reporting` (NEVER: one has not), from each org's
    receipts in date order: a report is overdue at a day exactly when this, for the periods due
    before the day, is not known by then."""
    if not reporting:
        return [p.due for p in expected], [""] * len(expected)
    latest, running = [], ""
    for firsts in zip(*(_first_in(receipts.get(name, ()), expected) for name in reporting)):
        running = max(running, *firsts)
        latest.append(running)
    return [p.due for p in expected], latest


def _first_in(receipts: Sequence[Receipt], expected: Sequence[Period]) -> list[str]:
    """When each period's first report came in (NEVER: it has not), from one walk over both."""
    first, position, count = [NEVER] * len(expected), 0, len(expected)
    for day, recorded_at in receipts:
        while position < count and expected[position].end < day:
            position += 1
        if position == count:
            break
        if day >= expected[position].begin and recorded_at < first[position]:
            first[position] = recorded_at
    return first


def _status_judge(indicator: Indicator, plan: Plan, versions: Changes) -> Callable[[dt.date, str], bool]:
    """Whether `indicator`'s status at a day, on the values known before a cutoff, escalates:
    settled by `_settler` where it can be, else by `evaluate` on the series known then."""
    dates = sorted(versions)
    settled = _settler(indicator, plan, dates, versions)

    def escalates(day: dt.date, known_by: str) -> bool:
        found = settled(day, known_by)
        if found is not None:
            return found
        series = [(date, value) for date in dates if (value := value_at(versions[date], known_by)) is not None]
        return evaluate(indicator, series, day, plan).status in ESCALATING_STATUSES

    return escalates


def _settler(
    indicator: Indicator, plan: Plan, dates: list[dt.date], versions: Changes
) -> Callable[[dt.date, str], bool | None]:
    """Whether the status at a day escalates, when `progress.evaluate`'s first steps settle it
    without a trend line: nothing shown before the deadline (no-data), the target met (achieved),
    the deadline passed (missed), or a pace below on-track (behind, or off-track by whichever rule).
    None: only `evaluate` can tell. Milestones and rates are judged otherwise: always None. What
    depends on the target alone (its start, start value, goal) is worked out once per target."""
    if indicator.kind in ("milestone", "rate"):
        return lambda day, known_by: None
    # evaluate's `known`: a flow counts after its start, a level from its start, to the deadline.
    first_after = bisect.bisect_right if indicator.kind == "flow" else bisect.bisect_left
    paths: dict[int, tuple] = {}

    def settled(day: dt.date, known_by: str) -> bool | None:
        number, target = choose_target(indicator, day)
        if number not in paths:
            start, start_value = start_point(indicator, number, plan)
            paths[number] = start, start_value, target.goal(indicator.direction), first_after(dates, start)
        start, start_value, goal, low = paths[number]
        deadline = target.deadline
        latest = None
        for position in range(bisect.bisect_right(dates, min(day, deadline)) - 1, low - 1, -1):
            changes = versions[dates[position]]
            if len(changes) == 1:  # most dates: one report, never revised (value_at, without the call)
                instant, point = changes[0]
                latest = point[1] if point is not None and instant < known_by else None
            else:
                latest = value_at(changes, known_by)
            if latest is not None:
                break
        if latest is None:
            return False if day <= deadline else None  # no-data; after the deadline a late figure may be missed
        if target.is_met(latest):
            return False
        if day > deadline:
            return True
        elapsed = _elapsed(start, deadline, day, plan.time_basis)
        if elapsed <= 0:
            return None
        pace = completion(latest, start_value, goal, indicator.direction) / elapsed
        return True if as_shown(pace) < plan.on_track else None

    return settled
