"""Plausibility: one warning naming the expected range for a value wrong by a power of ten, none for a plausible one."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sytrack.errors import SytrackError
from sytrack.model import Baseline, Indicator, Target
from sytrack.plausibility import (
    MIN_HISTORY,
    RECENT,
    expected_band,
    history_before,
    import_bands,
    import_implausible,
    import_summary,
    judge_plausibility,
    plausibility_warning,
)

D = dt.date


def make(kind="level", unit="个", direction="increase", goal=113.0, baseline=100.0, comparison=None):
    comparison = comparison or ("at-least" if direction == "increase" else "at-most")
    return Indicator(
        id="x",
        group="g",
        name_zh="x",
        name_en="x",
        unit=unit,
        kind=kind,
        direction=direction,
        targets=(Target(D(2023, 12, 31), comparison, goal),),
        baseline=None if baseline is None else Baseline(baseline, D(2022, 12, 31)),
    )


LEVEL = make()
SHARE = make("share", "%", goal=3.0, baseline=2.2)
ENERGY = make("rate", "%", "decrease", goal=-3.0, baseline=None)


def test_1130_typed_for_113_is_warned_against_the_target_with_too_little_history():
    assert plausibility_warning(1130, LEVEL, []) == (
        "1,130个 for x is far outside the expected 33.3个 to 339个 (from its baseline and targets)"
    )
    assert plausibility_warning(113, LEVEL, []) is None and plausibility_warning(108, LEVEL, [104]) is None


def test_a_fraction_typed_where_the_history_is_in_percent_names_the_range_and_the_percent_meant():
    assert plausibility_warning(0.025, SHARE, [2.4, 2.5, 2.6]) == (
        "0.025% for x is far outside the expected 0.8% to 7.8% (from its last 3 values); did you mean 2.5%?"
    )
    assert plausibility_warning(2.7, SHARE, [2.4, 2.5, 2.6]) is None


def test_a_rate_below_zero_is_judged_on_its_own_scale():
    assert plausibility_warning(-2.9, ENERGY, []) is None and plausibility_warning(2.9, ENERGY, []) is None
    assert (
        plausibility_warning(-29, ENERGY, [])
        == "-29% for x is far outside the expected -9% to 3% (from its baseline and targets)"
    )
    assert plausibility_warning(65, ENERGY, [6.0, 6.5, 7.0]) is not None


def test_a_flow_starting_a_new_period_small_is_plausible():
    flow = make("flow", goal=30.0, baseline=None)
    assert plausibility_warning(1, flow, [12, 20, 28]) is None
    assert plausibility_warning(280, flow, [12, 20, 28]) is not None


def test_the_range_is_drawn_from_the_recent_history_only():
    old_then_recent = [5.0] * 20 + [100.0] * RECENT
    assert expected_band(LEVEL, old_then_recent).basis == f"its last {RECENT} values"
    assert plausibility_warning(5.0, LEVEL, old_then_recent) is not None


def test_a_noisy_history_widens_the_range():
    steady, noisy = [100, 101, 99, 100, 100], [100, 30, 250, 60, 400]
    assert plausibility_warning(1000, LEVEL, noisy) is None
    assert plausibility_warning(1000, LEVEL, steady) is not None


def test_no_range_for_a_milestone_or_nothing_to_judge_by():
    milestone = make("milestone", "", goal=1.0, baseline=None)
    assert expected_band(milestone, [0, 0, 1]) is None
    assert expected_band(make("rate", "%", goal=0.0, baseline=None), []) is None  # all figures 0
    assert plausibility_warning(5, make("rate", "%", goal=0.0, baseline=None), []) is None


def test_strict_refuses_what_would_be_warned_and_passes_the_rest():
    with pytest.raises(SytrackError, match=r"far outside the expected 33.3个 to 339个 .*--strict refuses it"):
        judge_plausibility(1130, LEVEL, [], strict=True)
    assert judge_plausibility(110, LEVEL, [], strict=True) is None
    assert judge_plausibility(1130, LEVEL, [], strict=False).startswith("1,130个 for x")


def test_import_judges_each_reporter_by_its_own_yardstick_and_sums_up_in_one_line():
    share = SHARE._replace(id="share")
    judged = {("x", ""): LEVEL, ("share", ""): share, ("x", "tiexi"): LEVEL._replace(baseline=None)}
    stored = {("share", ""): [2.4, 2.5, 2.6], ("x", "tiexi"): [10.0, 11.0, 12.0]}
    bands = import_bands(judged, stored)
    assert (round(bands["x", ""][1].low, 1), round(bands["x", ""][1].high)) == (33.3, 339)
    assert (round(bands["x", "tiexi"][1].low, 2), bands["x", "tiexi"][1].high) == (3.33, 36.0)  # its own values
    assert bands["share", ""][1].basis == "its last 3 values"
    implausible = import_implausible(bands, (2, ("x", "", 1130.0)))
    assert implausible == (
        2,
        "1,130个 for x is far outside the expected 33.3个 to 339个 (from its baseline and targets)",
    )
    assert import_summary(implausible, strict=False) == (
        "2 rows are far outside the expected range (the first: 1,130个 for x is far outside the expected "
        "33.3个 to 339个 (from its baseline and targets)); imported as written"
    )
    with pytest.raises(SytrackError, match="--strict refuses the file: nothing was written$"):
        import_summary(implausible, strict=True)
    assert import_summary(import_implausible(bands, (0, None)), strict=True) is None
    assert import_implausible(bands, (1, ("x", "tiexi", 110.0)))[1] == (
        "110个 for x (tiexi) is far outside the expected 3.33个 to 36个 (from its last 3 values)"
    )
    only_share = import_implausible(bands, (1, ("share", "", 0.025)))
    assert import_summary(only_share, strict=False) == (
        "1 row is far outside the expected range (0.025% for share is far outside the expected 0.8% to 7.8% "
        "(from its last 3 values); did you mean 2.5%?); imported as written"
    )


def test_the_history_of_a_new_value_is_what_is_in_force_before_its_date():
    points = [(D(2023, 3, 31), 1.0), (D(2023, 6, 30), 2.0), (D(2023, 9, 30), 3.0)]
    assert history_before(points, D(2023, 6, 30)) == [1.0]
    assert history_before(points, D(2024, 1, 1)) == [1.0, 2.0, 3.0]


# -- properties -------------------------------------------------------------------------------

levels = st.floats(min_value=1e-3, max_value=1e9)
steady_history = st.tuples(
    levels, st.lists(st.floats(min_value=-0.1, max_value=0.1), min_size=MIN_HISTORY, max_size=12)
)
kinds = st.sampled_from(["level", "flow", "share", "rank"])


def _steady(level, wobble, kind):
    values = [level * (1 + w) for w in wobble]
    return [min(v, 100.0) for v in values] if kind == "share" else values


@given(history=steady_history, kind=kinds, factor=st.sampled_from([10.0, 0.1, 20.0, 1000.0]))
def test_a_value_ten_times_off_a_steady_history_is_always_warned(history, kind, factor):
    level, wobble = history
    values = _steady(level, wobble, kind)
    if kind == "flow" and factor < 1:
        return  # a flow restarts from 0 each period: a small total is plausible
    assert plausibility_warning(values[-1] * factor, make(kind, goal=level), values) is not None


@given(history=steady_history, factor=st.sampled_from([10.0, -10.0, 20.0]))
def test_a_rate_ten_times_its_steady_history_is_always_warned(history, factor):
    level, wobble = history
    values = _steady(level, wobble, "rate")
    assert plausibility_warning(values[-1] * factor, make("rate", "%", goal=level), values) is not None


@given(
    history=steady_history,
    kind=st.sampled_from(["level", "flow", "share", "rank", "rate"]),
    where=st.floats(min_value=0, max_value=1),
)
def test_no_warning_for_any_value_within_the_band(history, kind, where):
    level, wobble = history
    values = _steady(level, wobble, kind)
    indicator = make(kind, goal=level)
    band = expected_band(indicator, values)
    assert band is not None and band.low <= min(values) and max(values) <= band.high
    # clamped: low + (high - low) · 1 can come out one float step above high
    inside = min(band.high, band.low + (band.high - band.low) * where)
    assert plausibility_warning(inside, indicator, values) is None
    # and none for any value of the history itself, nor for a step of half or twice the latest
    for value in [*values, values[-1] * 2 if kind != "share" else min(values[-1] * 2, 100.0), values[-1] / 2]:
        assert plausibility_warning(value, indicator, values) is None


@given(
    value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    history=st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), max_size=10),
    kind=st.sampled_from(["level", "flow", "share", "rank", "rate", "milestone"]),
)
def test_any_value_and_history_give_one_line_or_none(value, history, kind):
    warning = plausibility_warning(value, make(kind, goal=50.0), history)
    assert warning is None or ("\n" not in warning and "expected" in warning)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9), min_size=1))
def test_the_median_by_hand_is_the_median(values):
    import statistics

    from sytrack.plausibility import _median

    assert _median(values) == pytest.approx(statistics.median(values))


def test_plausibility_does_not_load_heavy_modules_for_record():
    import subprocess
    import sys

    code = "import sys, sytrack.plausibility; print(sorted({'statistics', 'fractions', 'decimal'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
