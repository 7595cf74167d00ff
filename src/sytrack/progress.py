"""Progress judged, pure: the target in force, its start, pace, days ahead, forecast, status and reason.

Nothing here reads the clock or a file: the as-of date and the observations are parameters. The
formulas it judges with are in `arithmetic`; both are written out, with worked examples, in docs/progress.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sytrack.arithmetic import Point, completion_and_rule, dated, least_squares, limit, time_elapsed
from sytrack.model import Indicator, Plan, Reason, Target

DAYS_PER_MONTH = 365.25 / 12
# Worst first: the order of `status --sort status` and of `--fail-on`.
SEVERITY = ("missed", "off-track", "behind", "no-data", "pending", "on-track", "achieved")


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
    reason: Reason  # why, as a code and the figures it cites: views word it in each language
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


class _Frame(NamedTuple):
    """Where one evaluation stands: the target judged, where its path starts, what is known by then."""

    indicator: Indicator
    target: Target
    number: int  # 0-based, among the indicator's targets
    as_of: dt.date
    start: dt.date
    start_value: float | None
    known: Sequence[Point]  # the points from the start to the deadline or the as-of date
    elapsed: float
    late: bool  # something was recorded after the deadline, and only then

    @property
    def latest(self) -> float | None:
        return self.known[-1][1] if self.known else None

    @property
    def latest_date(self) -> dt.date | None:
        return self.known[-1][0] if self.known else None


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
    frame = _frame(indicator, series, as_of, plan, target_year)
    target, latest = frame.target, frame.latest
    if indicator.kind == "milestone":
        status, reason, figures = _judge_milestone(latest, as_of, target.deadline, frame.late)
        return _progress(frame, plan, status, reason, figures)
    if latest is None:
        return _progress(frame, plan, *_judge_unknown(frame), {})
    met = target.is_met(latest)
    done, rule = completion_and_rule(latest, frame.start_value, target.goal(indicator.direction), indicator.direction)
    past_deadline = as_of > target.deadline
    if indicator.kind == "rate":
        final = past_deadline or (frame.latest_date is not None and frame.latest_date >= target.deadline)
        verdict = _judge_rate(met, final, past_deadline, done, plan)
        return _progress(frame, plan, *verdict, {"completion": done, "completion_rule": rule})
    figures, moving_away = _path_figures(frame, series, done, rule, met)
    pace = figures["pace"]
    verdict = _judge_path(target, latest, indicator.direction, met, past_deadline, moving_away, done, pace, plan)
    return _progress(frame, plan, *verdict, figures)


def _frame(
    indicator: Indicator, series: Sequence[Point], as_of: dt.date, plan: Plan, target_year: int | None
) -> _Frame:
    """The target judged as of `as_of`, its start point, and the points that count for it."""
    number, target = choose_target(indicator, as_of, target_year)
    number = number if number >= 0 else len(indicator.targets) - 1
    start, start_value = start_point(indicator, number, plan)
    deadline = target.deadline
    # A flow counts from zero after its start; a level's value on its start date is part of its path.
    known = dated(series, start, min(as_of, deadline), after_first=indicator.kind == "flow")
    # Something recorded after the deadline only: late, so the target is missed, not unknown.
    late = as_of > deadline and len(dated(series, deadline, as_of, after_first=True)) > 0
    elapsed = time_elapsed(start, deadline, as_of, plan.time_basis)
    return _Frame(indicator, target, number, as_of, start, start_value, known, elapsed, late)


# The figures a judgement leaves unset: a milestone has no pace, a rate no forecast.
_NO_FIGURES: dict[str, Any] = dict(
    completion=None,
    pace=None,
    days_ahead=None,
    required_per_month=None,
    forecast=None,
    forecast_meets=None,
    completion_rule="",
)


def _progress(frame: _Frame, plan: Plan, status: str, reason: Reason, figures: dict[str, Any]) -> Progress:
    """The Progress of a judged frame: its status and reason, and the figures the judgement gave."""
    indicator, target, latest = frame.indicator, frame.target, frame.latest
    return Progress(
        indicator,
        target,
        frame.number + 1,
        frame.as_of,
        frame.start,
        frame.start_value,
        latest,
        frame.latest_date,
        time_elapsed=frame.elapsed,
        status=status,
        reason=reason,
        points=tuple(frame.known),
        **{**_NO_FIGURES, **figures},
        on_track_threshold=plan.on_track,
        off_track_threshold=plan.off_track,
        time_basis=plan.time_basis,
        stretch=None if indicator.kind == "milestone" else target.stretch,
        stretch_met=stretch_met(target, latest, indicator),
    )


def _path_figures(
    frame: _Frame, series: Sequence[Point], done: float, rule: str, met: bool
) -> tuple[dict[str, Any], bool]:
    """A level's, flow's, share's or rank's figures on the path to its target, and whether its
    trend moves away from the target."""
    indicator, target, as_of, start = frame.indicator, frame.target, frame.as_of, frame.start
    deadline, goal = target.deadline, target.goal(indicator.direction)
    assert frame.latest is not None
    months_left = (deadline - as_of).days / DAYS_PER_MONTH
    required = 0.0 if met else ((goal - frame.latest) / months_left if months_left > 0 else None)
    line = least_squares(_trend_points(indicator, series, frame.known, start, min(as_of, deadline)), start)
    forecast = forecast_meets = None
    if line is not None and as_of < deadline:
        forecast = limit(line[0] + line[1] * (deadline - start).days, indicator.kind)
        forecast_meets = target.is_met(forecast)
    span = (deadline - start).days
    figures: dict[str, Any] = dict(
        completion=done,
        pace=done / frame.elapsed if frame.elapsed > 0 else None,
        days_ahead=(done - frame.elapsed) * span if span > 0 else None,
        required_per_month=required,
        forecast=forecast,
        forecast_meets=forecast_meets,
        completion_rule=rule,
    )
    sign = 1 if indicator.direction == "increase" else -1
    return figures, line is not None and line[1] * sign < 0


def _judge_unknown(frame: _Frame) -> tuple[str, Reason]:
    """Nothing recorded for the target by its deadline or the as-of date: (status, reason)."""
    if frame.late:
        return "missed", Reason("late-only")
    return "no-data", Reason("nothing-after" if frame.indicator.kind == "flow" else "nothing-since", (frame.start,))


def _judge_milestone(latest: float | None, as_of: dt.date, deadline: dt.date, late: bool) -> tuple[str, Reason, dict]:
    """A milestone is done or not: (status, reason, figures)."""
    if latest is not None and latest >= 1:
        return "achieved", Reason("done"), {"completion": 1.0, "completion_rule": "1 when done, 0 when not"}
    if as_of <= deadline:
        return "pending", Reason("not-yet-due"), {"completion": 0.0 if latest is not None else None}
    if latest is None and not late:
        return "no-data", Reason("deadline-unrecorded"), {}
    return "missed", Reason("not-done"), {"completion": 0.0}


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
        *dated(series, origin, until, after_first=indicator.baseline is not None),
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
) -> tuple[str, Reason]:
    """A level, flow, share or rank against the path to its target: (status, reason)."""
    if met:
        return "achieved", Reason("target-met")
    if past_deadline:
        return "missed", Reason("target-missed")
    if _beyond(target, latest, direction):
        return "off-track", Reason("beyond-far-end")
    if moving_away:
        return "off-track", Reason("moving-away")
    if done < 0:
        return "off-track", Reason("below-start")
    if pace is None:
        return "on-track", Reason("nothing-due")
    return _judge_pace(pace, plan)


def _judge_rate(met: bool, final: bool, past_deadline: bool, done: float, plan: Plan) -> tuple[str, Reason]:
    """A growth rate is judged directly, the latest rate against the target rate: (status, reason)."""
    if met:
        return ("achieved", Reason("rate-reached")) if final else ("on-track", Reason("rate-reached-so-far"))
    if past_deadline:
        return "missed", Reason("rate-missed")
    shown = as_shown(done)
    if shown >= plan.off_track:
        return "behind", Reason("rate-share", (shown,))
    return "off-track", Reason("rate-share-below", (shown, plan.off_track))


def _judge_pace(pace: float, plan: Plan) -> tuple[str, Reason]:
    """Status and reason by pace against the plan's thresholds, the pace compared as printed."""
    shown = as_shown(pace)
    if shown >= plan.on_track:
        return "on-track", Reason("pace-on-track", (shown, plan.on_track))
    if shown >= plan.off_track:
        return "behind", Reason("pace-below", (shown, plan.on_track))
    return "off-track", Reason("pace-below", (shown, plan.off_track))


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
