"""Progress arithmetic, pure: completion, time elapsed, pace, days ahead, forecast and status.

Nothing here reads the clock or a file: the as-of date and the observations are parameters.
The formulas are written out, with a worked example, in docs/progress.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sytrack.model import Indicator, Plan, Target

DAYS_PER_MONTH = 365.25 / 12
# Worst first: the order of `status --sort status` and of `--fail-on`.
SEVERITY = ("missed", "off-track", "behind", "no-data", "pending", "on-track", "achieved")
Point = tuple[dt.date, float]
_DAY = operator.itemgetter(0)


class Progress(NamedTuple):
    indicator: Indicator
    target: Target
    target_number: int  # 1-based, among the indicator's targets
    as_of: dt.date
    start_date: dt.date
    start_value: float | None  # B: the baseline, the previous target, or 0 for a flow; None if unknown
    latest: float | None
    latest_date: dt.date | None
    completion: float | None  # a fraction: 0.524 is 52.4 %
    time_elapsed: float | None
    pace: float | None
    days_ahead: float | None
    required_per_month: float | None
    forecast: float | None
    forecast_meets: bool | None
    status: str
    reason: str
    points: tuple[Point, ...]  # the observations since the start point that the figures use
    on_track_threshold: float = 0.95
    off_track_threshold: float = 0.6
    time_basis: str = "day"
    completion_rule: str = ""  # the formula that gave `completion`, as `explain` prints it
    stretch: float | None = None  # a graded target's further value (力争); None: no stretch
    stretch_met: bool | None = None  # whether V reaches the stretch; None without a stretch or a V


def choose_target(indicator: Indicator, as_of: dt.date, year: int | None = None) -> tuple[int, Target]:
    """The current target: the first whose deadline is on or after `as_of` (else the last),
    or the first one due in `year` when a year is asked for."""
    targets = indicator.targets
    if year is not None:
        for number, target in enumerate(targets):
            if target.deadline.year == year:
                return number, target
        return -1, targets[-1]
    for number, target in enumerate(targets):
        if target.deadline >= as_of:
            return number, target
    return len(targets) - 1, targets[-1]


def _beginning(day: dt.date) -> dt.date:
    """A period that begins on `day` starts where the day before ended: all dates here are ends of
    days, like a baseline dated 2022-12-31, so a year counts 365 days whichever way it is given."""
    return day - dt.timedelta(days=1)


def start_point(indicator: Indicator, number: int, plan: Plan) -> tuple[dt.date, float | None]:
    """Where the path to target `number` starts: (S, B). The path through several targets is a
    staircase: each target starts where the previous one ended (a flow starts again from 0)."""
    target = indicator.targets[number]
    explicit = _beginning(target.start) if target.start else None
    if number > 0:
        previous = indicator.targets[number - 1]
        start = explicit or previous.deadline
        return start, 0.0 if indicator.kind == "flow" else previous.goal(indicator.direction)
    if indicator.kind == "flow":
        return explicit or _beginning(plan.start), 0.0
    if indicator.baseline is not None:
        return indicator.baseline.date, indicator.baseline.value
    return explicit or _beginning(plan.start), None


def _month_index(day: dt.date) -> float:
    """Months since year 0, counting a month as done at its last day (2022-12-31 -> 2023*12)."""
    import calendar  # only plans that count time by month need it

    return day.year * 12 + (day.month - 1) + day.day / calendar.monthrange(day.year, day.month)[1]


def time_elapsed(start: dt.date, deadline: dt.date, as_of: dt.date, basis: str = "day") -> float:
    """τ = (A − S)/(D − S), clamped to [0, 1]; by day, or by month when the catalogue says so."""
    if deadline <= start:
        return 1.0 if as_of >= deadline else 0.0
    if basis == "month":
        fraction = (_month_index(as_of) - _month_index(start)) / (_month_index(deadline) - _month_index(start))
    else:
        fraction = (as_of - start).days / (deadline - start).days
    return min(1.0, max(0.0, fraction))


def completion(value: float, start_value: float | None, goal: float, direction: str) -> float:
    """c, the fraction of the way from the start to the goal (see `completion_and_rule`)."""
    return completion_and_rule(value, start_value, goal, direction)[0]


def completion_and_rule(value: float, start_value: float | None, goal: float, direction: str) -> tuple[float, str]:
    """c and the formula that gave it, for every sign of B, T and V (docs/progress.md, section 4):

    - with B: c = (V − B)/(T − B), also across zero and below it ((B − V)/(B − T) when lower is
      better: the same number); all or nothing when B already meets T;
    - without B the way is measured from 0: V/T when T lies the better way from 0 (higher is
      better and T > 0, or lower is better and T < 0, as in "能耗下降3%" drafted at-most −3);
      T/V when T lies the worse way (lower is better and T > 0), 1 once V is at or past 0;
      all or nothing for a goal of exactly 0, which gives no ratio.
    """
    sign = 1 if direction == "increase" else -1
    met = 1.0 if (value - goal) * sign >= 0 else 0.0
    if start_value is not None:
        gap = goal - start_value
        if gap * sign <= 0:
            # The start already meets the goal: completion is all or nothing, never inverted.
            return met, "all or nothing: B already meets T"
        rule = "(V − B) / (T − B)" if sign > 0 else "(B − V) / (B − T)"
        return (value - start_value) / gap, rule
    if goal == 0:
        return met, "all or nothing: no B, and a goal of 0 gives no ratio"
    if goal * sign > 0:
        return value / goal, "V / T (no B: measured from 0)" + ("" if goal > 0 else "; both below 0")
    # T lies the worse way from 0: the ratio T / V grows as V nears T and passes it; past 0 is done.
    if value * sign >= 0:
        return 1.0, "1: no B, and V is at or past 0, beyond T"
    return goal / value, "T / V (no B: " + ("lower is better)" if sign < 0 else "higher is better, T below 0)")


def least_squares(points: Sequence[Point], origin: dt.date) -> tuple[float, float] | None:
    """Intercept and slope per day (days counted from `origin`) of the least-squares line through
    the points, or None when they do not span two dates."""
    base = origin.toordinal()
    count = len(points)
    # Sums of maps run in C: status fits ten thousand lines of a hundred points.
    xs = [day.toordinal() - base for day, _ in points]
    ys = [value for _, value in points]
    sum_x, sum_y = sum(xs), sum(ys)
    sum_xx, sum_xy = sum(map(operator.mul, xs, xs)), sum(map(operator.mul, xs, ys))
    spread = count * sum_xx - sum_x * sum_x  # zero when every point has the same date
    if count < 2 or spread == 0:
        return None
    slope = (count * sum_xy - sum_x * sum_y) / spread
    return (sum_y - slope * sum_x) / count, slope


def _limit(value: float, kind: str) -> float:
    """Keep a projected value inside what the kind can take (a share within 0–100)."""
    if kind == "share":
        return min(100.0, max(0.0, value))
    if kind == "rank":
        return max(1.0, value)
    if kind in ("level", "flow"):
        return max(0.0, value)
    return value


def _beyond(target: Target, value: float, direction: str) -> bool:
    """Past the far side of a range or an 'about' target: overshooting is not meeting it."""
    if target.comparison == "between":
        assert target.low is not None and target.high is not None
        return value > target.high if direction == "increase" else value < target.low
    if target.comparison == "about":
        assert target.value is not None
        excess = (value - target.value) * (1 if direction == "increase" else -1)
        return excess > (target.tolerance or 0.0)
    return False


def _dated(series: Sequence[Point], first: dt.date, last: dt.date, after_first: bool = False) -> Sequence[Point]:
    """The points of a date-ordered series dated from `first` (or, with `after_first`, after it)
    to `last`, both inclusive: two binary searches and a slice, not a scan."""
    begin = (bisect.bisect_right if after_first else bisect.bisect_left)(series, first, key=_DAY)
    return series[begin : bisect.bisect_right(series, last, key=_DAY)]


def evaluate(
    indicator: Indicator,
    series: Sequence[Point],
    as_of: dt.date,
    plan: Plan,
    target_year: int | None = None,
) -> Progress:
    """Every figure of the status table for one indicator, as of a date, from its series of
    points in date order (as the store gives them).

    After a deadline, the target is judged on the values dated on or before it: a late success
    does not turn a missed target into an achieved one.
    """
    number, target = choose_target(indicator, as_of, target_year)
    number = number if number >= 0 else len(indicator.targets) - 1
    start, start_value = start_point(indicator, number, plan)
    deadline = target.deadline
    goal = target.goal(indicator.direction)
    until = min(as_of, deadline)
    flow = indicator.kind == "flow"
    # A flow counts from zero after its start; a level's value on its start date is part of its path.
    known = _dated(series, start, until, after_first=flow)
    latest_date, latest = known[-1] if known else (None, None)
    elapsed = time_elapsed(start, deadline, as_of, plan.time_basis)
    thresholds: dict[str, Any] = {
        "on_track_threshold": plan.on_track,
        "off_track_threshold": plan.off_track,
        "time_basis": plan.time_basis,
    }

    def result(status: str, reason: str, **figures) -> Progress:
        base: dict[str, Any] = dict(
            completion=None,
            pace=None,
            days_ahead=None,
            required_per_month=None,
            forecast=None,
            forecast_meets=None,
            completion_rule="",
        )
        base.update(figures)
        return Progress(
            indicator,
            target,
            number + 1,
            as_of,
            start,
            start_value,
            latest,
            latest_date,
            time_elapsed=elapsed,
            status=status,
            reason=reason,
            points=tuple(known),
            **base,
            **thresholds,
            stretch=None if indicator.kind == "milestone" else target.stretch,
            stretch_met=stretch_met(target, latest, indicator),
        )

    # Something recorded after the deadline only: late, so the target is missed, not unknown.
    late = as_of > deadline and len(_dated(series, deadline, as_of, after_first=True)) > 0

    if indicator.kind == "milestone":
        status, reason, done_figures = _judge_milestone(latest, as_of, deadline, late)
        return result(status, reason, **done_figures)

    if latest is None:
        if late:
            return result("missed", "nothing recorded by the deadline, only after it")
        return result(
            "no-data",
            f"nothing recorded after {start.isoformat()}" if flow else f"nothing recorded since {start.isoformat()}",
        )

    met = target.is_met(latest)
    done, rule = completion_and_rule(latest, start_value, goal, indicator.direction)
    months_left = (deadline - as_of).days / DAYS_PER_MONTH
    required = 0.0 if met else ((goal - latest) / months_left if months_left > 0 else None)

    if indicator.kind == "rate":
        final = as_of > deadline or (latest_date is not None and latest_date >= deadline)
        return result(*_judge_rate(met, final, as_of > deadline, done, plan), completion=done, completion_rule=rule)

    line = least_squares(_trend_points(indicator, series, known, start, until), start)
    forecast = forecast_meets = None
    sign = 1 if indicator.direction == "increase" else -1
    if line is not None and as_of < deadline:
        forecast = _limit(line[0] + line[1] * (deadline - start).days, indicator.kind)
        forecast_meets = target.is_met(forecast)
    span = (deadline - start).days
    days_ahead = (done - elapsed) * span if span > 0 else None
    pace = done / elapsed if elapsed > 0 else None
    figures: dict[str, Any] = dict(
        completion=done,
        pace=pace,
        days_ahead=days_ahead,
        required_per_month=required,
        forecast=forecast,
        forecast_meets=forecast_meets,
        completion_rule=rule,
    )

    moving_away = line is not None and line[1] * sign < 0
    return result(
        *_judge_path(target, latest, indicator.direction, met, as_of > deadline, moving_away, done, pace, plan),
        **figures,
    )


def _judge_milestone(latest: float | None, as_of: dt.date, deadline: dt.date, late: bool) -> tuple[str, str, dict]:
    """A milestone is done or not: (status, reason, figures)."""
    if latest is not None and latest >= 1:
        return "achieved", "done", {"completion": 1.0, "completion_rule": "1 when done, 0 when not"}
    if as_of <= deadline:
        return "pending", "not yet due", {"completion": 0.0 if latest is not None else None}
    if latest is None and not late:
        return "no-data", "deadline passed with nothing recorded", {}
    return "missed", "deadline passed, not done by then", {"completion": 0.0}


def _trend_points(
    indicator: Indicator, series: Sequence[Point], known: Sequence[Point], start: dt.date, until: dt.date
) -> list[Point]:
    """The points the trend is fitted to: the whole history since the baseline (or the flow's 0 at
    its period start), not just since an interim target: a staircase step is a goal, not an
    observation."""
    if indicator.kind == "flow":
        return [(start, 0.0), *known]
    origin = indicator.baseline.date if indicator.baseline else start
    return [
        *([(origin, indicator.baseline.value)] if indicator.baseline else []),
        *_dated(series, origin, until, after_first=indicator.baseline is not None),
    ]


def _judge_path(
    target: Target,
    latest: float,
    direction: str,
    met: bool,
    past_deadline: bool,
    moving_away: bool,
    done: float,
    pace: float | None,
    plan: Plan,
) -> tuple[str, str]:
    """A level, flow, share or rank against the path to its target: (status, reason)."""
    if met:
        return "achieved", "target met"
    if past_deadline:
        return "missed", "deadline passed, target not met"
    if _beyond(target, latest, direction):
        return "off-track", "past the far end of the target"
    if moving_away:
        return "off-track", "moving away from the target"
    if done < 0:
        return "off-track", "below where the path to this target starts"
    if pace is None:
        return "on-track", "nothing is due yet"
    return _judge_pace(pace, plan)


def _judge_rate(met: bool, final: bool, past_deadline: bool, done: float, plan: Plan) -> tuple[str, str]:
    """A growth rate is judged directly, the latest rate against the target rate: (status, reason)."""
    if met:
        return ("achieved", "target rate reached") if final else ("on-track", "target rate reached so far")
    if past_deadline:
        return "missed", "deadline passed, target rate not reached"
    shown = as_shown(done)
    if shown >= plan.off_track:
        return "behind", f"latest rate is {shown:.1%} of the target rate"
    return "off-track", f"latest rate is {shown:.1%} of the target rate, below {plan.off_track:.1%}"


def _judge_pace(pace: float, plan: Plan) -> tuple[str, str]:
    """Status and reason by pace against the plan's thresholds, the pace compared as printed."""
    shown = as_shown(pace)
    if shown >= plan.on_track:
        return "on-track", f"pace {shown:.3f} ≥ {plan.on_track:g}"
    if shown >= plan.off_track:
        return "behind", f"pace {shown:.3f} is below {plan.on_track:g}"
    return "off-track", f"pace {shown:.3f} is below {plan.off_track:g}"


# Figures compared with a threshold are compared as shown: rounded to this many decimals, the
# precision of the `pace` column and of `explain`, so no reason reads "0.95 is below 0.95".
SHOWN_DECIMALS = 3


def as_shown(figure: float) -> float:
    """A fraction rounded as the user sees it (pace 0.9496 -> 0.950), the number thresholds judge."""
    return round(figure, SHOWN_DECIMALS)


def stretch_met(target: Target, value: float | None, indicator: Indicator) -> bool | None:
    """Whether `value` reaches a graded target's stretch (力争), judged with the target's own
    comparison; a range or an 'about' target by its direction. None with no stretch or no value."""
    if target.stretch is None or value is None or indicator.kind == "milestone":
        return None
    if target.comparison in ("between", "about"):
        return value >= target.stretch if indicator.direction == "increase" else value <= target.stretch
    return target._replace(value=target.stretch).is_met(value)


def is_at_or_worse(status: str, threshold: str) -> bool:
    """For --fail-on: is `status` as bad as `threshold` or worse (no-data and pending never are)?"""
    if status in ("no-data", "pending"):
        return False
    return SEVERITY.index(status) <= SEVERITY.index(threshold)


class Summary(NamedTuple):
    counts: dict[str, int]
    total: int
    on_schedule_share: float | None  # (achieved + on-track) / indicators that can be judged


def summarise(progress: Iterable[Progress]) -> Summary:
    """Counts per status and the share on track or achieved (达进度率), leaving out
    indicators with no data and milestones not yet due, which cannot be judged."""
    counts = Counter(p.status for p in progress)
    judged = sum(counts.values()) - counts["no-data"] - counts["pending"]
    good = counts["achieved"] + counts["on-track"]
    return Summary(dict(counts), sum(counts.values()), good / judged if judged else None)


def expected_path(indicator: Indicator, plan: Plan) -> list[list[Point]]:
    """The straight paths from each start point to its target: one segment per target, so several
    targets make a staircase (a level) or a saw-tooth (a flow, which restarts at 0 each period)."""
    if indicator.kind in ("milestone", "rate"):
        return []
    segments = []
    for number, target in enumerate(indicator.targets):
        start, start_value = start_point(indicator, number, plan)
        if start_value is None:
            continue  # no baseline: where the path starts is unknown, so none is drawn
        segments.append([(start, start_value), (target.deadline, target.goal(indicator.direction))])
    return segments


def forecast_segment(progress: Progress) -> list[Point]:
    """The forecast drawn from the latest value to the projected value at the deadline."""
    if progress.forecast is None or progress.latest is None or progress.latest_date is None:
        return []
    return [(progress.latest_date, progress.latest), (progress.target.deadline, progress.forecast)]


def dated_today_note(indicator: Indicator, date_given: bool, today: dt.date) -> str | None:
    """For `record` without --date once every deadline has passed: the value is dated today, too
    late to count for any target, and --date gives the period it reports. None otherwise."""
    if date_given or not indicator.targets:
        return None
    deadline = max(t.deadline for t in indicator.targets)
    if today <= deadline:
        return None
    return (
        f"the value is dated today, {today.isoformat()}, after {indicator.id}'s last deadline "
        f"({deadline.isoformat()}), so no target counts it; if it is the figure for a period, "
        f"take this record back with `sytrack undo` and record it again with --date "
        f"(e.g. --date {deadline.year} for {deadline.year})"
    )
