"""The formulas of progress, pure: time elapsed, completion and its rule, the trend line and its limits.

`progress` judges with these; each formula is written out, with a worked example, in docs/progress.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Sequence

Point = tuple[dt.date, float]
_DAY = operator.itemgetter(0)


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


def limit(value: float, kind: str) -> float:
    """Keep a projected value inside what the kind can take (a share within 0–100)."""
    if kind == "share":
        return min(100.0, max(0.0, value))
    if kind == "rank":
        return max(1.0, value)
    if kind in ("level", "flow"):
        return max(0.0, value)
    return value


def dated(series: Sequence[Point], first: dt.date, last: dt.date, after_first: bool = False) -> Sequence[Point]:
    """The points of a date-ordered series dated from `first` (or, with `after_first`, after it)
    to `last`, both inclusive: two binary searches and a slice, not a scan."""
    begin = (bisect.bisect_right if after_first else bisect.bisect_left)(series, first, key=_DAY)
    return series[begin : bisect.bisect_right(series, last, key=_DAY)]
