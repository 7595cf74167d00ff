"""The progress arithmetic: worked cases from the plan, edge cases, and properties."""

import datetime as dt
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sytrack.arithmetic import completion, completion_and_rule, dated, least_squares, time_elapsed
from sytrack.model import Baseline, Indicator, Plan, Target
from sytrack.progress import dated_today_note, evaluate, is_at_or_worse, summarise
from sytrack.views.common import reason_text

D = dt.date


def said(p):
    """The reason as the English views print it."""
    return reason_text(p.reason, "en")


PLAN = Plan(id="p", title_zh="p", title_en="p", start=D(2023, 1, 1))


def make(kind="level", direction="increase", targets=None, baseline=None, unit="个"):
    targets = targets or (Target(D(2023, 12, 31), "at-least" if direction == "increase" else "at-most", 100.0),)
    return Indicator(
        id="x",
        group="g",
        name_zh="x",
        name_en="x",
        unit=unit,
        kind=kind,
        direction=direction,
        targets=tuple(targets),
        baseline=baseline,
    )


CNC = make(
    "share", targets=[Target(D(2023, 12, 31), "at-least", 65.0)], baseline=Baseline(62.9, D(2022, 12, 31)), unit="%"
)


def test_worked_case_cnc_rate_mid_year():
    p = evaluate(CNC, [(D(2023, 6, 30), 64.0)], D(2023, 6, 30), PLAN)
    assert round(p.completion * 100, 1) == 52.4
    assert round(p.time_elapsed * 100, 1) == 49.6
    assert round(p.pace, 2) == 1.06
    assert p.status == "on-track"
    assert p.days_ahead == pytest.approx((1.1 / 2.1 - 181 / 365) * 365)


def test_worked_case_5g_stations_with_forecast():
    five_g = make(
        "level", targets=[Target(D(2023, 12, 31), "more-than", 40000.0)], baseline=Baseline(30000, D(2022, 12, 31))
    )
    p = evaluate(five_g, [(D(2023, 3, 31), 33000.0), (D(2023, 6, 30), 36000.0)], D(2023, 6, 30), PLAN)
    assert p.completion == pytest.approx(0.6)
    assert p.status == "on-track"
    assert p.forecast > 40000 and p.forecast_meets is True
    # 4,000 still needed over the six months (184 days) left
    assert p.required_per_month == pytest.approx(4000 / (184 / (365.25 / 12)))


def test_behind_and_off_track_by_pace():
    behind = evaluate(CNC, [(D(2023, 6, 30), 63.7)], D(2023, 6, 30), PLAN)  # c = 0.38, pace 0.77
    assert behind.status == "behind"
    off = evaluate(CNC, [(D(2023, 6, 30), 63.3)], D(2023, 6, 30), PLAN)  # c = 0.19, pace 0.38
    assert off.status == "off-track"


def test_moving_away_is_off_track():
    p = evaluate(CNC, [(D(2023, 6, 30), 62.0)], D(2023, 6, 30), PLAN)
    assert p.status == "off-track" and said(p) == "moving away from the target"


def test_thresholds_are_catalogue_settings():
    strict = Plan(id="p", title_zh="p", title_en="p", start=D(2023, 1, 1), on_track=1.1, off_track=0.9)
    assert evaluate(CNC, [(D(2023, 6, 30), 64.0)], D(2023, 6, 30), strict).status == "behind"


def test_missed_after_the_deadline_and_achieved_whenever_met():
    assert evaluate(CNC, [(D(2023, 12, 31), 64.0)], D(2024, 1, 31), PLAN).status == "missed"
    assert evaluate(CNC, [(D(2023, 2, 1), 65.0)], D(2023, 2, 1), PLAN).status == "achieved"


def test_no_data_shows_the_start_and_target():
    p = evaluate(CNC, [], D(2023, 6, 30), PLAN)
    assert p.status == "no-data" and p.start_value == 62.9 and p.target.value == 65.0


def test_rank_lower_is_better():
    rank = make(
        "rank", "decrease", [Target(D(2023, 12, 31), "at-most", 20.0)], Baseline(25, D(2022, 12, 31)), unit="位"
    )
    p = evaluate(rank, [(D(2023, 6, 30), 22.0)], D(2023, 6, 30), PLAN)
    assert p.completion == pytest.approx(0.6) and p.status == "on-track"
    assert evaluate(rank, [(D(2023, 6, 30), 27.0)], D(2023, 6, 30), PLAN).status == "off-track"
    assert evaluate(rank, [(D(2023, 6, 30), 19.0)], D(2023, 6, 30), PLAN).status == "achieved"


def test_range_is_met_inside_its_bounds():
    labs = make("level", targets=[Target(D(2023, 12, 31), "between", None, 4.0, 6.0)])
    assert evaluate(labs, [(D(2023, 6, 30), 5.0)], D(2023, 6, 30), PLAN).status == "achieved"
    assert evaluate(labs, [(D(2023, 6, 30), 7.0)], D(2024, 1, 1), PLAN).status == "missed"
    p = evaluate(labs, [(D(2023, 6, 30), 2.0)], D(2023, 6, 30), PLAN)
    assert p.completion == pytest.approx(0.5)  # towards the near end of the range, 4


def test_rate_is_judged_directly():
    growth = make("rate", targets=[Target(D(2023, 12, 31), "at-least", 6.0)], unit="%")
    assert evaluate(growth, [(D(2023, 6, 30), 6.5)], D(2023, 6, 30), PLAN).status == "on-track"
    assert evaluate(growth, [(D(2023, 12, 31), 6.5)], D(2024, 2, 1), PLAN).status == "achieved"
    assert evaluate(growth, [(D(2023, 6, 30), 4.0)], D(2023, 6, 30), PLAN).status == "behind"
    assert evaluate(growth, [(D(2023, 6, 30), 1.0)], D(2023, 6, 30), PLAN).status == "off-track"
    assert evaluate(growth, [(D(2023, 12, 31), 5.0)], D(2024, 2, 1), PLAN).status == "missed"


def test_flow_counts_from_zero_within_its_period():
    factories = make("flow", targets=[Target(D(2023, 12, 31), "at-least", 30.0)])
    p = evaluate(factories, [(D(2022, 12, 31), 25.0), (D(2023, 6, 30), 15.0)], D(2023, 6, 30), PLAN)
    # The period begins on 1 January, that is where 31 December ended: a year of 365 days.
    assert p.start_date == D(2022, 12, 31) and p.start_value == 0
    assert p.latest == 15.0 and p.completion == pytest.approx(0.5)
    assert p.time_elapsed == pytest.approx(181 / 365)


def test_milestone_pending_then_done_or_missed():
    centre = make("milestone", targets=[Target(D(2023, 12, 31), "at-least", 1.0)], unit="")
    assert evaluate(centre, [], D(2023, 6, 30), PLAN).status == "pending"
    assert evaluate(centre, [(D(2023, 6, 30), 1.0)], D(2023, 6, 30), PLAN).status == "achieved"
    assert evaluate(centre, [(D(2023, 6, 30), 0.0)], D(2024, 1, 1), PLAN).status == "missed"


def test_several_targets_make_a_staircase():
    two = make(
        "level",
        targets=[Target(D(2023, 12, 31), "at-least", 40.0), Target(D(2025, 12, 31), "at-least", 60.0)],
        baseline=Baseline(30, D(2022, 12, 31)),
    )
    first = evaluate(two, [(D(2023, 6, 30), 35.0)], D(2023, 6, 30), PLAN)
    assert first.target_number == 1 and first.start_value == 30
    second = evaluate(two, [(D(2024, 12, 31), 50.0)], D(2024, 12, 31), PLAN)
    assert second.target_number == 2
    assert second.start_date == D(2023, 12, 31) and second.start_value == 40.0
    assert second.completion == pytest.approx(0.5)
    later = evaluate(two, [(D(2023, 6, 30), 35.0)], D(2023, 6, 30), PLAN, target_year=2025)
    assert later.target_number == 2


def test_after_the_deadline_a_late_success_is_still_missed():
    p = evaluate(CNC, [(D(2023, 12, 31), 64.0), (D(2024, 3, 31), 66.0)], D(2024, 6, 30), PLAN)
    assert p.status == "missed" and p.latest == 64.0 and p.latest_date == D(2023, 12, 31)


def test_overshooting_a_range_is_not_meeting_it():
    labs = make("level", targets=[Target(D(2023, 12, 31), "between", None, 4.0, 6.0)])
    p = evaluate(labs, [(D(2023, 6, 30), 7.0)], D(2023, 6, 30), PLAN)
    assert p.status == "off-track" and said(p) == "past the far end of the target"


def test_a_rate_met_before_the_deadline_is_achieved_once_it_passes():
    growth = make("rate", targets=[Target(D(2023, 12, 31), "at-least", 6.0)], unit="%")
    assert evaluate(growth, [(D(2023, 9, 30), 7.0)], D(2024, 3, 1), PLAN).status == "achieved"


def test_a_staircase_step_started_below_its_start_says_so():
    two = make(
        "level",
        targets=[Target(D(2023, 12, 31), "at-least", 40.0), Target(D(2025, 12, 31), "at-least", 60.0)],
        baseline=Baseline(30, D(2022, 12, 31)),
    )
    p = evaluate(two, [(D(2023, 12, 31), 36.0), (D(2024, 6, 30), 38.0)], D(2024, 6, 30), PLAN)
    assert p.target_number == 2 and p.completion < 0
    assert p.status == "off-track" and said(p) == "below where the path to this target starts"
    assert p.forecast is not None  # fitted to the whole history since the baseline, rising


def test_time_elapsed_by_month():
    assert time_elapsed(D(2022, 12, 31), D(2023, 12, 31), D(2023, 6, 30), "month") == pytest.approx(0.5)


def test_degenerate_dates_do_not_divide_by_zero():
    same_day = make("level", targets=[Target(D(2023, 1, 1), "at-least", 10.0)], baseline=Baseline(5, D(2022, 12, 31)))
    assert evaluate(same_day, [(D(2022, 12, 31), 6.0)], D(2022, 12, 31), PLAN).status in (
        "on-track",
        "behind",
        "off-track",
    )
    assert time_elapsed(D(2023, 1, 1), D(2023, 1, 1), D(2022, 6, 1)) == 0.0
    assert time_elapsed(D(2023, 1, 1), D(2023, 1, 1), D(2023, 6, 1)) == 1.0


def test_fail_on_severity_and_summary():
    assert is_at_or_worse("off-track", "behind") and is_at_or_worse("missed", "off-track")
    assert not is_at_or_worse("on-track", "behind") and not is_at_or_worse("no-data", "behind")
    ps = [evaluate(CNC, [(D(2023, 6, 30), v)], D(2023, 6, 30), PLAN) for v in (64.0, 63.7, 65.0)]
    ps.append(evaluate(CNC, [], D(2023, 6, 30), PLAN))
    summary = summarise(ps)
    assert summary.counts == {"on-track": 1, "behind": 1, "achieved": 1, "no-data": 1}
    assert summary.on_schedule_share == pytest.approx(2 / 3)


# -- properties -------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
days = st.integers(min_value=0, max_value=3000)


@given(
    v1=values,
    v2=values,
    start=values,
    goal=values,
    direction=st.sampled_from(["increase", "decrease"]),
    with_start=st.booleans(),
)
def test_completion_is_monotonic_in_the_value(v1, v2, start, goal, direction, with_start):
    low, high = sorted((v1, v2))
    b = start if with_start else None
    sign = 1 if direction == "increase" else -1
    c_low, c_high = completion(low, b, goal, direction), completion(high, b, goal, direction)
    if b is None and goal * sign < 0 and (low * sign >= 0 or high * sign >= 0):
        return  # T/V: once V is at or past 0 (beyond T) c is 1, below the ratio's values near 0
    if direction == "increase":
        assert c_low <= c_high
    else:
        assert c_low >= c_high


@given(start=values | st.none(), goal=values, direction=st.sampled_from(["increase", "decrease"]))
def test_completion_is_exactly_one_at_the_goal(start, goal, direction):
    assert completion(goal, start, goal, direction) == 1.0


@given(start=values, goal=values, direction=st.sampled_from(["increase", "decrease"]))
def test_completion_is_zero_at_the_start_value(start, goal, direction):
    sign = 1 if direction == "increase" else -1
    assume((goal - start) * sign > 0)  # a start that already meets the goal is all or nothing
    assert completion(start, start, goal, direction) == 0.0


@given(goal=values.filter(lambda g: abs(g) > 1e-9), direction=st.sampled_from(["increase", "decrease"]))
def test_without_a_start_value_the_way_is_measured_from_zero(goal, direction):
    sign = 1 if direction == "increase" else -1
    assume(goal * sign > 0)  # the goal lies the better way from 0: increase above, decrease below
    assert completion(0.0, None, goal, direction) == 0.0
    assert completion(goal / 2, None, goal, direction) == pytest.approx(0.5)


@given(value=values, goal=values, start=values | st.none(), direction=st.sampled_from(["increase", "decrease"]))
def test_the_rule_named_is_the_rule_applied(value, goal, start, direction):
    done, rule = completion_and_rule(value, start, goal, direction)
    formulas = {
        "(V − B) / (T − B)": lambda: (value - start) / (goal - start),
        "(B − V) / (B − T)": lambda: (start - value) / (start - goal),
        "V / T": lambda: value / goal,
        "T / V": lambda: goal / value,
    }
    formula = next((f for name, f in formulas.items() if rule.startswith(name)), None)
    if formula is None:
        assert rule.startswith(("all or nothing", "1:")) and done in (0.0, 1.0)
    else:
        assert done == pytest.approx(formula())


@given(
    span=st.integers(min_value=1, max_value=3000),
    at=st.integers(min_value=0, max_value=3000),
    base=st.integers(min_value=0, max_value=10**6),
    gain=st.integers(min_value=1, max_value=10**6),
)
def test_a_value_on_the_straight_path_is_on_track_with_zero_days_ahead(span, at, base, gain):
    assume(0 < at < span)
    start = D(2022, 12, 31)
    deadline = start + dt.timedelta(days=span)
    as_of = start + dt.timedelta(days=at)
    indicator = make(
        "level", targets=[Target(deadline, "at-least", float(base + gain))], baseline=Baseline(base, start)
    )
    on_path = base + gain * at / span
    p = evaluate(indicator, [(as_of, on_path)], as_of, PLAN)
    assert p.status in ("on-track", "achieved")
    assert p.days_ahead == pytest.approx(0, abs=1e-6)


@given(value=st.floats(min_value=100, max_value=1e9), at=days, kind=st.sampled_from(["level", "flow", "share"]))
def test_meeting_the_target_is_achieved_at_any_date(value, at, kind):
    value = min(value, 100.0) if kind == "share" else value
    indicator = make(
        kind,
        targets=[Target(D(2024, 12, 31), "at-least", 100.0)],
        baseline=Baseline(10, D(2023, 1, 1)) if kind != "flow" else None,
    )
    as_of = D(2023, 1, 1) + dt.timedelta(days=at)
    p = evaluate(indicator, [(D(2023, 1, 1), value)], as_of, PLAN)
    assert p.status == "achieved"


@given(
    b=values,
    t=values,
    v=values,
    s=days,
    d=days,
    a=st.integers(min_value=-100, max_value=4000),
    kind=st.sampled_from(["level", "flow", "share", "rate", "rank"]),
    direction=st.sampled_from(["increase", "decrease"]),
)
def test_nothing_divides_by_zero(b, t, v, s, d, a, kind, direction):
    """B = T, S = D and A before S are all allowed: evaluate never raises."""
    start = D(2023, 1, 1) + dt.timedelta(days=s)
    deadline = D(2023, 1, 1) + dt.timedelta(days=d)
    assume(start < deadline or s == d)
    as_of = D(2023, 1, 1) + dt.timedelta(days=a)
    comparison = "at-least" if direction == "increase" else "at-most"
    indicator = make(
        kind, direction, [Target(deadline, comparison, t)], Baseline(b, start) if start < deadline else None
    )
    p = evaluate(indicator, sorted([(start, v), (as_of, v)]), as_of, PLAN)
    assert p.status in ("achieved", "on-track", "behind", "off-track", "missed", "no-data")


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=60)),
    first=st.integers(min_value=-5, max_value=65),
    length=st.integers(min_value=-5, max_value=65),
    after_first=st.booleans(),
)
def test_a_window_of_a_series_is_every_point_dated_inside_it(offsets, first, length, after_first):
    """The binary searches pick exactly the points a scan of the whole series would."""
    series = sorted((D(2023, 1, 1) + dt.timedelta(days=o), float(n)) for n, o in enumerate(offsets))
    low, high = D(2023, 1, 1) + dt.timedelta(days=first), D(2023, 1, 1) + dt.timedelta(days=first + length)
    assert dated(series, low, high, after_first) == [
        (day, value) for day, value in series if (low < day if after_first else low <= day) and day <= high
    ]


@given(points=st.lists(st.tuples(days, values), min_size=2, max_size=50))
def test_the_fitted_line_is_the_least_squares_line(points):
    series = [(D(2023, 1, 1) + dt.timedelta(days=d), v) for d, v in points]
    line = least_squares(series, D(2023, 1, 1))
    xs = [float(d) for d, _ in points]
    if len(set(xs)) < 2:
        assert line is None
        return
    mean_x, mean_y = sum(xs) / len(xs), sum(v for _, v in points) / len(xs)
    slope = sum((x - mean_x) * (v - mean_y) for x, (_, v) in zip(xs, points, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    assert line[1] == pytest.approx(slope, rel=1e-6, abs=1e-6)
    assert line[0] + line[1] * mean_x == pytest.approx(mean_y, rel=1e-6, abs=1e-3)


def test_values_recorded_only_after_the_deadline_make_it_missed_not_unknown():
    assert evaluate(CNC, [(D(2024, 2, 1), 66.0)], D(2024, 3, 1), PLAN).status == "missed"
    centre = make("milestone", targets=[Target(D(2023, 12, 31), "at-least", 1.0)], unit="")
    late = evaluate(centre, [(D(2024, 2, 1), 1.0)], D(2024, 3, 1), PLAN)
    assert late.status == "missed"


# -- signs: targets below zero, across zero, and a goal of 0 ----------------------------------

ENERGY = make("rate", "decrease", targets=[Target(D(2023, 12, 31), "at-most", -3.0)], unit="%")


def test_a_decrease_of_three_percent_drafted_below_zero_is_most_of_the_way_at_minus_2_9():
    p = evaluate(ENERGY, [(D(2023, 6, 30), -2.9)], D(2023, 6, 30), PLAN)
    assert p.completion == pytest.approx(2.9 / 3)
    assert p.completion_rule == "V / T (no B: measured from 0); both below 0"
    assert (p.status, said(p)) == ("behind", "latest rate is 96.7% of the target rate")
    assert evaluate(ENERGY, [(D(2023, 6, 30), -3.1)], D(2023, 6, 30), PLAN).status == "on-track"


@pytest.mark.parametrize(
    "value, start, goal, direction, expected, rule",
    [
        (-2.9, None, -3.0, "decrease", 2.9 / 3, "V / T (no B: measured from 0); both below 0"),
        (1.0, None, -3.0, "decrease", -1 / 3, "V / T (no B: measured from 0); both below 0"),  # the wrong way
        (-3.0, None, -2.0, "increase", 2 / 3, "T / V (no B: higher is better, T below 0)"),
        (0.5, None, -2.0, "increase", 1.0, "1: no B, and V is at or past 0, beyond T"),
        (4.0, None, 2.0, "decrease", 0.5, "T / V (no B: lower is better)"),
        (0.0, 2.0, -3.0, "decrease", 0.4, "(B − V) / (B − T)"),  # a decrease from a baseline across zero
        (-1.0, -0.5, -3.0, "decrease", 0.2, "(B − V) / (B − T)"),
        (-4.0, -5.0, -1.0, "increase", 0.25, "(V − B) / (T − B)"),
        (-0.5, None, 0.0, "increase", 0.0, "all or nothing: no B, and a goal of 0 gives no ratio"),
        (0.1, None, 0.0, "increase", 1.0, "all or nothing: no B, and a goal of 0 gives no ratio"),
        (-1.0, -4.0, -3.0, "decrease", 0.0, "all or nothing: B already meets T"),
    ],
)
def test_completion_for_every_sign(value, start, goal, direction, expected, rule):
    done, named = completion_and_rule(value, start, goal, direction)
    assert done == pytest.approx(expected) and named == rule


def test_a_level_falling_below_zero_from_its_baseline():
    balance = make(
        "level",
        "decrease",
        targets=[Target(D(2023, 12, 31), "at-most", -10.0)],
        baseline=Baseline(10.0, D(2022, 12, 31)),
        unit="亿元",
    )
    balance = balance._replace(kind="rate")  # a signed figure: levels cannot be negative
    p = evaluate(balance, [(D(2023, 6, 30), 0.0)], D(2023, 6, 30), PLAN)
    assert p.completion == pytest.approx(0.5) and p.completion_rule == "(B − V) / (B − T)"


# -- thresholds compare the figure as shown ---------------------------------------------------


def _pace_reason_agrees(p):
    import re

    m = re.fullmatch(r"pace (\d+\.\d{3}) (≥|is below) (\S+)", said(p))
    assert m, said(p)
    shown, word, threshold = float(m[1]), m[2], float(m[3])
    assert shown == round(p.pace, 3)  # the figure printed is the pace column's figure
    if p.status == "on-track":
        assert word == "≥" and shown >= threshold
    else:
        assert word == "is below" and shown < threshold


def test_a_pace_just_below_the_threshold_prints_the_digits_that_show_it():
    # CNC: B 62.9, T 65, τ = 181/365; V gives c = pace × τ
    at = lambda pace: 62.9 + 2.1 * pace * 181 / 365  # noqa: E731
    below = evaluate(CNC, [(D(2023, 6, 30), at(0.947))], D(2023, 6, 30), PLAN)
    assert (below.status, said(below)) == ("behind", "pace 0.947 is below 0.95")
    rounds_up = evaluate(CNC, [(D(2023, 6, 30), at(0.9496))], D(2023, 6, 30), PLAN)
    assert (rounds_up.status, said(rounds_up)) == ("on-track", "pace 0.950 ≥ 0.95")


@given(pace=st.floats(min_value=0.01, max_value=1.5))
def test_a_pace_reason_never_contradicts_its_status(pace):
    value = 62.9 + 2.1 * pace * 181 / 365
    p = evaluate(CNC, [(D(2023, 3, 31), 62.9 + (value - 62.9) / 2), (D(2023, 6, 30), value)], D(2023, 6, 30), PLAN)
    assume(said(p).startswith("pace"))
    _pace_reason_agrees(p)


@given(ratio=st.floats(min_value=0.0, max_value=0.999))
def test_a_rate_reason_never_contradicts_its_status(ratio):
    p = evaluate(ENERGY, [(D(2023, 6, 30), -3.0 * ratio)], D(2023, 6, 30), PLAN)
    shown = float(said(p).split()[3].rstrip("%")) / 100
    assert (p.status == "behind") == (shown >= PLAN.off_track)
    assert (p.status == "off-track") == said(p).endswith("below 60.0%")


# -- graded targets: commitment and stretch ---------------------------------------------------

GRADED = make(
    "level",
    targets=[Target(D(2023, 12, 31), "at-least", 100.0, stretch=120.0)],
    baseline=Baseline(80.0, D(2022, 12, 31)),
)


@pytest.mark.parametrize(
    "value, status, stretch_met", [(110.0, "achieved", False), (120.0, "achieved", True), (90.0, "on-track", False)]
)
def test_a_graded_target_is_judged_on_the_commitment_and_says_whether_the_stretch_is_reached(
    value, status, stretch_met
):
    p = evaluate(GRADED, [(D(2023, 6, 30), value)], D(2023, 6, 30), PLAN)
    assert (p.status, p.stretch, p.stretch_met) == (status, 120.0, stretch_met)
    assert p.completion == pytest.approx((value - 80) / 20)  # completion is towards the commitment


def test_without_a_stretch_or_a_value_stretch_met_is_none():
    assert evaluate(CNC, [(D(2023, 6, 30), 64.0)], D(2023, 6, 30), PLAN)[-2:] == (None, None)
    p = evaluate(GRADED, [], D(2023, 6, 30), PLAN)
    assert (p.stretch, p.stretch_met) == (120.0, None)


def test_a_stretch_below_a_decrease_uses_the_same_comparison():
    graded = make("rate", "decrease", targets=[Target(D(2023, 12, 31), "at-most", -3.0, stretch=-3.5)], unit="%")
    met = [evaluate(graded, [(D(2023, 6, 30), v)], D(2023, 6, 30), PLAN).stretch_met for v in (-3.2, -3.5, -4.0)]
    assert met == [False, True, True]


# -- a value dated today after the last deadline ----------------------------------------------


def test_a_value_dated_today_after_the_last_deadline_gets_a_note_naming_date():
    note = dated_today_note(CNC, date_given=False, today=D(2024, 1, 15))
    assert note == (
        "the value is dated today, 2024-01-15, after x's last deadline (2023-12-31), so no target "
        "counts it; if it is the figure for a period, take this record back with `sytrack undo` "
        "and record it again with --date (e.g. --date 2023 for 2023)"
    )


@pytest.mark.parametrize(
    "date_given, today", [(True, D(2024, 1, 15)), (False, D(2023, 12, 31)), (False, D(2023, 6, 30))]
)
def test_no_note_with_a_date_or_before_the_last_deadline(date_given, today):
    assert dated_today_note(CNC, date_given=date_given, today=today) is None


# -- reasons: a code and its figures, worded per language by the views ------------------------


def test_a_reason_is_a_code_and_the_figures_it_cites():
    p = evaluate(CNC, [(D(2023, 6, 30), 64.0)], D(2023, 6, 30), PLAN)
    assert p.reason.code == "pace-on-track" and p.reason.figures == (round(p.pace, 3), 0.95)
    assert reason_text(p.reason, "en") == f"pace {round(p.pace, 3):.3f} ≥ 0.95"
    assert reason_text(p.reason, "zh") == f"进度比 {round(p.pace, 3):.3f} ≥ 0.95"
    empty = evaluate(CNC, [], D(2023, 6, 30), PLAN)
    assert empty.reason == ("nothing-since", (D(2022, 12, 31),))
    assert (reason_text(empty.reason, "en"), reason_text(empty.reason, "zh")) == (
        "nothing recorded since 2022-12-31",
        "2022-12-31 以来无记录",
    )


def test_every_reason_code_is_worded_in_both_languages_with_its_figures():
    from sytrack.model import REASONS, Reason
    from sytrack.views.common import REASON_WORDS

    assert set(REASON_WORDS) == set(REASONS)
    samples = {"pace": 0.947, "on_track": 0.95, "threshold": 0.6, "share": 0.967, "off_track": 0.6}
    for code, names in REASONS.items():
        figures = tuple(samples.get(name, D(2023, 12, 31)) for name in names)
        english, chinese = (reason_text(Reason(code, figures), lang) for lang in ("en", "zh"))
        assert english != chinese and not re.search("[A-Za-z]{3,}", chinese), (code, chinese)
        for figure in figures:  # every figure the code cites is printed in both
            shown = f"{figure:.1%}" if "rate" in code else str(figure)
            assert shown in english and shown in chinese, (code, english, chinese)
