"""The reporting cycle, pure: periods and due dates, reports due and overdue, timeliness, three-colour warnings and escalation.

Nothing here reads a file or the clock: the as-of date and the records are parameters. A receipt
is (date, recorded_at): the date a value is for and the first time (UTC, 2023-07-05T08:00:00Z) a
value for it that still stands was recorded; the store can give them from one GROUP BY.
What the store knew at a date, and what changed between two reports, are in `sytrack.replay`.
The rules, with a worked example, are in docs/progress.md (section 13).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from sytrack.model import CITY, Indicator, Plan
from sytrack.progress import Progress

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
WARNING_NAMES = {
    "zh": {"red": "红", "yellow": "黄", "blue": "蓝", "": ""},
    "en": {"red": "red", "yellow": "yellow", "blue": "blue", "": ""},
}
ESCALATING = ("yellow", "red")
Receipt = tuple[dt.date, str]


class Period(NamedTuple):
    label: str  # 2023-04, 2023-Q1, 2023-H1, 2023: each reads back (values.parse_date) as `end`
    begin: dt.date
    end: dt.date
    due: dt.date  # end + due_days: a report recorded by the end of this day is on time


def _label(cadence: str, year: int, month0: int) -> str:
    """The label of the period that starts in month `month0` (0-based) of `year`."""
    if cadence == "monthly":
        return f"{year}-{month0 + 1:02d}"
    if cadence == "quarterly":
        return f"{year}-Q{month0 // 3 + 1}"
    if cadence == "half-yearly":
        return f"{year}-H{month0 // 6 + 1}"
    return str(year)


@functools.lru_cache(maxsize=1024)
def periods(cadence: str, first: dt.date, last: dt.date, due_days: int) -> tuple[Period, ...]:
    """The calendar periods of `cadence` that overlap `first` to `last` (both included), with their
    due dates. Cached: ten thousand indicators share a handful of spans."""
    months = CADENCE_MONTHS[cadence]
    year, month0 = first.year, (first.month - 1) // months * months
    found = []
    while first <= last and (begin := dt.date(year, month0 + 1, 1)) <= last:
        after_year, after_month0 = divmod(month0 + months, 12)
        if year + after_year > dt.MAXYEAR:  # the period that ends the calendar
            found.append(Period(_label(cadence, year, month0), begin, dt.date.max, dt.date.max))
            break
        end = dt.date(year + after_year, after_month0 + 1, 1) - dt.timedelta(days=1)
        found.append(Period(_label(cadence, year, month0), begin, end, _later(end, due_days)))
        year, month0 = year + after_year, after_month0
    return tuple(found)


def _later(day: dt.date, days: int) -> dt.date:
    """`days` after `day`, or the last date there is."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def cadence_of(indicator: Indicator, plan: Plan) -> str | None:
    """The indicator's cadence, else the plan's; None: no reports are expected."""
    return indicator.cadence or plan.cadence


def warn_days_of(indicator: Indicator, plan: Plan) -> int:
    return indicator.warn_days if indicator.warn_days is not None else plan.warn_days


def report_span(indicator: Indicator, plan: Plan) -> tuple[dt.date, dt.date]:
    """Reports are expected from the first target's start (else the plan's) to the last deadline."""
    return indicator.targets[0].start or plan.start, indicator.targets[-1].deadline


def indicator_periods(indicator: Indicator, plan: Plan) -> tuple[Period, ...]:
    """The periods a report is expected for; none without a cadence."""
    cadence = cadence_of(indicator, plan)
    if cadence is None:
        return ()
    due_days = indicator.due_days if indicator.due_days is not None else plan.due_days
    return periods(cadence, *report_span(indicator, plan), due_days)


def reporters(indicator: Indicator) -> tuple[str, ...]:
    """Who reports it: every org it is allocated to, else the city itself (CITY)."""
    return tuple(a.org for a in indicator.allocations) or (CITY,)


@functools.lru_cache(maxsize=4096)
def day_end(day: dt.date, zone: dt.tzinfo | None = None) -> str:
    """The first instant after `day` in `zone` (None: UTC), as a UTC timestamp in the store's form:
    a record counts as known by the end of `day` when its recorded_at sorts before this."""
    if day == dt.date.max:
        return "99999"  # sorts after every timestamp: the end of time knows everything
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone or dt.UTC)
    return following.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- reports ---------------------------------------------------------------------------------


class Report(NamedTuple):
    period: Period
    received_at: str | None  # when the first figure for the period still standing was recorded
    on_time: bool | None  # None when not received
    days_overdue: int  # as_of − due when not received (0: due today); 0 when received


def reports(
    expected: Sequence[Period], receipts: Sequence[Receipt], as_of: dt.date, zone: dt.tzinfo | None = None
) -> list[Report]:
    """Each period due by `as_of` (due date on or before it), with what came in for it: a receipt
    dated within the period and recorded by the end of `as_of`. One pass over both, in date order."""
    known_by = day_end(as_of, zone)
    found, position, count = [], 0, len(receipts)
    for period in expected:
        _, begin, end, due = period
        if due > as_of:
            break
        while position < count and receipts[position][0] < begin:
            position += 1
        first = None
        while position < count and receipts[position][0] <= end:
            recorded_at = receipts[position][1]
            if recorded_at < known_by and (first is None or recorded_at < first):
                first = recorded_at
            position += 1
        if first is None:
            found.append(Report(period, None, None, (as_of - due).days))
        else:
            found.append(Report(period, first, first < day_end(due, zone), 0))
    return found


def overdue_rows(
    indicator: Indicator,
    plan: Plan,
    receipts_by_org: Mapping[str, Sequence[Receipt]],
    as_of: dt.date,
    zone: dt.tzinfo | None = None,
) -> list[tuple]:
    """The chase list of one indicator: (indicator, org, period label, due date, days overdue) for
    every report due by `as_of` that has not come in, from each org that is expected to report."""
    expected = indicator_periods(indicator, plan)
    rows = []
    for org in reporters(indicator):
        for report in reports(expected, receipts_by_org.get(org, ()), as_of, zone):
            if report.received_at is None:
                rows.append((indicator.id, org, report.period.label, report.period.due, report.days_overdue))
    return rows


def worst_first(rows: Iterable[tuple]) -> list[tuple]:
    """Chase-list rows, the longest overdue first, then by indicator, org and due date."""
    return sorted(rows, key=lambda row: (-row[4], row[0], row[1], row[3]))


class Timeliness(NamedTuple):
    """DHIS2's reporting rate (received / expected) and on-time rate (on time / expected)."""

    expected: int = 0
    received: int = 0
    on_time: int = 0

    @property
    def reporting_rate(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def add_up(tallies: Iterable[Timeliness]) -> Timeliness:
    """The counts of several indicators (an org's) or of several orgs (an indicator's) together."""
    expected = received = on_time = 0
    for tally_ in tallies:
        expected, received, on_time = expected + tally_.expected, received + tally_.received, on_time + tally_.on_time
    return Timeliness(expected, received, on_time)


def tally(found: Iterable[Report]) -> Timeliness:
    expected = received = on_time = 0
    for report in found:
        expected += 1
        received += report.received_at is not None
        on_time += bool(report.on_time)
    return Timeliness(expected, received, on_time)


def timeliness(
    indicator: Indicator,
    plan: Plan,
    receipts_by_org: Mapping[str, Sequence[Receipt]],
    as_of: dt.date,
    zone: dt.tzinfo | None = None,
) -> dict[str, Timeliness]:
    """Expected, received and on-time counts of one indicator, per org expected to report it.
    `add_up` them over indicators for an org's figures, over orgs for an indicator's."""
    expected = indicator_periods(indicator, plan)
    return {org: tally(reports(expected, receipts_by_org.get(org, ()), as_of, zone)) for org in reporters(indicator)}


# --- warnings and escalation ---------------------------------------------------------------


def warning(status: str, as_of: dt.date, deadline: dt.date, warn_days: int, overdue: bool) -> str:
    """red: off track, missed, or a report overdue; yellow: behind 序时进度; blue: on track (or a
    milestone pending) but not achieved, with the deadline at most `warn_days` away; else ""."""
    if overdue or status in ("off-track", "missed"):
        return "red"
    if status == "behind":
        return "yellow"
    if status in ("on-track", "pending") and as_of <= deadline and (deadline - as_of).days <= warn_days:
        return "blue"
    return ""


def progress_warning(progress: Progress, warn_days: int, overdue: bool) -> str:
    """The warning of a row of status: its status, its current target's deadline, its reports."""
    return warning(progress.status, progress.as_of, progress.target.deadline, warn_days, overdue)


def is_overdue(found: Iterable[Report]) -> bool:
    """Whether a report is past its due date and not in (a report due today is not yet overdue)."""
    return any(r.received_at is None and r.days_overdue > 0 for r in found)


def escalation(ends: Sequence[dt.date], as_of: dt.date, warning_at: Callable[[dt.date], str]) -> int:
    """How many consecutive period ends, the last on or before `as_of` backwards, the indicator was
    yellow or red at. `warning_at(day)` judges it as known at the end of `day` (see
    `replay.warning_as_known`, or a store that answers in SQL); it is asked only until the run ends."""
    count = 0
    for end in sorted((end for end in ends if end <= as_of), reverse=True):
        if warning_at(end) not in ESCALATING:
            break
        count += 1
    return count
