"""What the store knew at a date, pure: records in force as known then, warnings as judged then, what changed.

"As known at DATE" counts only records recorded before `cycle.day_end(DATE)`: a revision or a
retraction recorded later is not seen, so a bulletin can be reproduced as it was sent. Within what
is known, the record in force for a date is the one the store would choose: the latest value
(highest id) not retracted. The rules, with a worked example, are in docs/progress.md (section 13).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from sytrack.cycle import Period, day_end, is_overdue, progress_warning, reports
from sytrack.model import CITY, Indicator, Observation, Plan
from sytrack.progress import evaluate

Key = tuple[str, str]  # (indicator, org)
CAUSES = ("new-data", "revision", "retraction", "target", "time")


def in_force_as_known(records: Iterable[Observation], known_by: str) -> dict[tuple[str, str, dt.date], Observation]:
    """For each (indicator, org, date), the record in force among those recorded before `known_by`
    (a UTC timestamp, e.g. `day_end(DATE)`); retractions recorded later are ignored."""
    known = [r for r in records if r.recorded_at < known_by]
    retracted = {r.retracts for r in known if r.retracts is not None}
    in_force: dict[tuple[str, str, dt.date], Observation] = {}
    for record in known:
        if record.retracts is not None or record.id in retracted:
            continue
        key = (record.indicator, record.org, record.as_of)
        if key not in in_force or in_force[key].id < record.id:
            in_force[key] = record
    return in_force


def series_as_known(records: Iterable[Observation], known_by: str) -> dict[Key, list[tuple[dt.date, float]]]:
    """The date-ordered series of each (indicator, org) as known before `known_by`, for `evaluate`."""
    return {key: [point[:2] for point in points] for key, points in points_as_known(records, known_by).items()}


def points_as_known(records: Iterable[Observation], known_by: str) -> dict[Key, list[tuple]]:
    """As `series_as_known`, each point with its record's denominator where it has one: (date,
    value, denominator), as `Store.current_with_orgs` gives an org's points for the roll-up."""
    points: dict[Key, list[tuple]] = {}
    for (indicator, org, day), record in sorted(in_force_as_known(records, known_by).items(), key=lambda kv: kv[0][2]):
        point = (day, record.value) if record.denominator is None else (day, record.value, record.denominator)
        points.setdefault((indicator, org), []).append(point)
    return points


def receipts_as_known(records: Iterable[Observation], known_by: str) -> dict[Key, list[tuple[dt.date, str]]]:
    """Per (indicator, org), each date with the first time a value for it was recorded, among the
    values known before `known_by` and not retracted by then: a revision does not make a report late."""
    records = list(records)
    retracted = {r.retracts for r in records if r.retracts is not None and r.recorded_at < known_by}
    first: dict[tuple[str, str, dt.date], str] = {}
    for r in records:
        if r.retracts is None and r.id not in retracted and r.recorded_at < known_by:
            key = (r.indicator, r.org, r.as_of)
            if key not in first or r.recorded_at < first[key]:
                first[key] = r.recorded_at
    receipts: dict[Key, list[tuple[dt.date, str]]] = {}
    for (indicator, org, day), recorded_at in sorted(first.items(), key=lambda kv: kv[0][2]):
        receipts.setdefault((indicator, org), []).append((day, recorded_at))
    return receipts


def warning_as_known(
    indicator: Indicator,
    plan: Plan,
    records: Sequence[Observation],
    expected: Sequence[Period],
    warn_days: int,
    org: str = CITY,
    zone: dt.tzinfo | None = None,
) -> Callable[[dt.date], str]:
    """A judge for `cycle.escalation`: the warning of one (indicator, org) as known at the end of a
    day, from its records (others in `records` are ignored). `indicator` is the one it is judged
    on (for an org, `orgs.org_indicator`), `expected` the periods it reports for."""
    key = (indicator.id, org)

    def warning_at(day: dt.date) -> str:
        known_by = day_end(day, zone)
        series = series_as_known(records, known_by).get(key, [])
        progress = evaluate(indicator, series, day, plan)
        if progress.status in ("off-track", "missed"):  # red whatever the reports: skip reading them
            return progress_warning(progress, warn_days, False)
        receipts = receipts_as_known(records, known_by).get(key, [])
        return progress_warning(progress, warn_days, is_overdue(reports(expected, receipts, day, zone)))

    return warning_at


# --- what changed between two reports ------------------------------------------------------


class Snapshot(NamedTuple):
    """A report as it was: judged as of `as_of`, with what was recorded before `known_by`."""

    as_of: dt.date
    known_by: str


def _visible(records: Sequence[Observation], snapshot: Snapshot) -> dict[dt.date, Observation]:
    return {day: r for (_, _, day), r in in_force_as_known(records, snapshot.known_by).items() if day <= snapshot.as_of}


def change_causes(
    records: Sequence[Observation], before: Snapshot, after: Snapshot, target_changed: bool = False
) -> tuple[str, ...]:
    """Why one (indicator, org) may read differently in `after` than in `before`, from its records:
    new-data (a value for a new date recorded since), revision (another value for a date already
    shown), retraction (a value shown before has been retracted), target (the catalogue changed, the
    caller says), in CAUSES order. Nothing found: () — any difference is then time passing alone."""
    then, now = _visible(records, before), _visible(records, after)
    retracted = {r.retracts for r in records if r.retracts is not None and r.recorded_at < after.known_by}
    causes = set()
    for day, record in now.items():
        shown = then.get(day)
        if shown is None:
            if record.recorded_at >= before.known_by:
                causes.add("new-data")  # else it was known and only the as-of date moved past it
        elif shown.id != record.id:
            if shown.id in retracted:
                causes.add("retraction")  # the figure shown was withdrawn (an earlier one may return)
            if record.recorded_at >= before.known_by:
                causes.add("revision")
    if any(r.id in retracted for day, r in then.items() if day not in now):
        causes.add("retraction")
    if target_changed:
        causes.add("target")
    return tuple(c for c in CAUSES if c in causes)


class DiffRow(NamedTuple):
    indicator: str
    org: str
    figure_before: float | None
    figure_after: float | None
    status_before: str
    status_after: str
    warning_before: str
    warning_after: str
    causes: tuple[str, ...]  # from CAUSES; ("time",) when only time passing changed the row


def diff_row(indicator: str, org: str, before: tuple, after: tuple, causes: tuple[str, ...]) -> DiffRow | None:
    """One row of `diff` from the (figure, status, warning) before and after and the causes found;
    None when nothing changed and nothing was recorded. A row that changed with no cause found
    changed with time alone: the time elapsed moved and the pace with it."""
    if before == after and not causes:
        return None
    return DiffRow(indicator, org, before[0], after[0], before[1], after[1], before[2], after[2], causes or ("time",))
