"""Escalation's fast path against its definition: every period end judged from scratch, on random histories."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sytrack import escalation
from sytrack.cycle import indicator_periods, reporters
from sytrack.escalation import escalation_count, receipts_stand, reference_escalation
from sytrack.model import CITY, Allocation, Baseline, Indicator, Observation, Plan, Target
from sytrack.orgs import org_indicator

ORGS = ("east", "west")
FIRST = dt.date(2023, 1, 1)
LAST = dt.date(2025, 3, 31)
ZONE = dt.timezone(dt.timedelta(hours=8))

days = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + dt.timedelta(days=n))


@st.composite
def targets(draw, kind: str) -> tuple[Target, ...]:
    deadlines = sorted(
        draw(st.sets(st.sampled_from(["2023-11-15", "2023-12-31", "2024-05-15", "2024-12-31"]), min_size=1))
    )
    found = []
    for deadline in deadlines:
        comparison = "at-least" if kind == "milestone" else draw(st.sampled_from(["at-least", "at-most", "between"]))
        if comparison == "between":
            low = draw(st.integers(0, 100))
            found.append(
                Target(dt.date.fromisoformat(deadline), comparison, low=low, high=low + draw(st.integers(0, 50)))
            )
        else:
            found.append(Target(dt.date.fromisoformat(deadline), comparison, float(draw(st.integers(1, 150)))))
    return tuple(found)


@st.composite
def indicators(draw) -> Indicator:
    kind = draw(st.sampled_from(["flow", "level", "share", "rank", "rate", "milestone"]))
    direction = draw(st.sampled_from(["increase", "decrease"]))
    baseline = draw(st.none() | st.builds(Baseline, st.integers(0, 100).map(float), st.just(dt.date(2022, 12, 31))))
    allocated = draw(st.lists(st.sampled_from(ORGS), unique=True, max_size=2))
    return Indicator(
        "i",
        "g",
        "指标",
        "indicator",
        "个",
        kind,
        direction,
        draw(targets(kind)),
        baseline=None if kind == "flow" else baseline,
        allocations=tuple(Allocation(org, float(draw(st.integers(1, 80)))) for org in allocated),
        cadence=draw(st.sampled_from(["monthly", "quarterly", "half-yearly", "yearly", None])),
        due_days=draw(st.integers(0, 45)),
    )


@st.composite
def histories(draw, retractions: bool) -> list[Observation]:
    """Values for random dates from the city and both orgs, some revised (with earlier or later
    ids than the first), some recorded long after, many at the very instant a day ends in ZONE
    (16:00 UTC); with `retractions`, some retracted."""
    found: list[Observation] = []
    for number in range(draw(st.integers(0, 30))):
        day = draw(days)
        recorded = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=8 * draw(st.integers(-6, 360)))
        org = draw(st.sampled_from((CITY, *ORGS)))
        if found and draw(st.integers(0, 4)) == 0:  # a revision of an earlier date
            day, org = found[draw(st.integers(0, len(found) - 1))].as_of, found[-1].org
        value = float(draw(st.integers(0, 160)))
        retracts = None
        if retractions and found and draw(st.integers(0, 5)) == 0:
            value, retracts = None, found[draw(st.integers(0, len(found) - 1))].id
        stamp = recorded.strftime("%Y-%m-%dT%H:%M:%SZ")
        found.append(Observation(number + 1, "i", value, day, stamp, "t", retracts=retracts, org=org))
    return found


def plan_of(time_basis: str) -> Plan:
    return Plan("p", "p", "p", dt.date(2023, 1, 1), time_basis=time_basis, cadence="monthly", due_days=10)


def both(indicator: Indicator, plan: Plan, records: list, as_of: dt.date, org: str = CITY) -> tuple[int, int]:
    expected = indicator_periods(indicator, plan)
    if org == CITY:
        judged, reporting = indicator, reporters(indicator)
    else:
        judged = org_indicator(indicator, org) or indicator._replace(allocations=())
        reporting = (org,) if org in reporters(indicator) else ()
    arguments = (judged, plan, records, as_of, expected, org, reporting, ZONE)
    return escalation_count(*arguments), reference_escalation(*arguments)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), histories(retractions=False), days, st.sampled_from(["day", "month"]), st.sampled_from(ORGS))
def test_the_fast_path_counts_as_the_definition(indicator, records, as_of, time_basis, org):
    plan = plan_of(time_basis)
    fast, definition = both(indicator, plan, records, as_of)
    assert fast == definition
    fast, definition = both(indicator, plan, records, as_of, org)
    assert fast == definition


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), histories(retractions=True), days)
def test_histories_with_retractions_count_as_the_definition(indicator, records, as_of):
    fast, definition = both(indicator, plan_of("day"), records, as_of)
    assert fast == definition


def behind_all_along() -> tuple[Indicator, list[Observation]]:
    """A flow at half its pace every month of 2023-2024, each month reported on the 5th of the next."""
    indicator = Indicator(
        "i", "g", "x", "x", "个", "flow", "increase", (Target(dt.date(2024, 12, 31), "at-least", 240.0),)
    )
    records = []
    for month in range(24):
        end = dt.date(2023 + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)
        stamp = f"{end + dt.timedelta(days=5)}T02:00:00Z"
        records.append(Observation(month + 1, "i", 5.0 * (month + 1), end, stamp, "t"))
    return indicator, records


def test_a_row_behind_all_along_escalates_without_judging_any_end_from_scratch(monkeypatch):
    """The optimisation itself: 23 period ends settled by their pace (and January 2023, with nothing
    known yet, by that), `evaluate` never called."""
    indicator, records = behind_all_along()
    calls = []
    monkeypatch.setattr(escalation, "evaluate", lambda *a, **k: calls.append(a) or pytest.fail("evaluate called"))
    plan = plan_of("day")
    assert escalation_count(indicator, plan, records, dt.date(2025, 1, 20), indicator_periods(indicator, plan)) == 23
    assert calls == []


def test_a_retraction_takes_the_definition(monkeypatch):
    indicator, records = behind_all_along()
    records.append(Observation(99, "i", None, records[-1].as_of, "2025-01-10T00:00:00Z", "t", retracts=24))
    plan = plan_of("day")
    expected = indicator_periods(indicator, plan)
    assert escalation_count(indicator, plan, records, dt.date(2025, 1, 20), expected) == 23
    assert reference_escalation(indicator, plan, records, dt.date(2025, 1, 20), expected) == 23


def one_figure(day: str, recorded: str, value: float) -> list[Observation]:
    return [Observation(1, "i", value, dt.date.fromisoformat(day), f"{recorded}T00:00:00Z", "t")]


@pytest.mark.parametrize(
    ("records", "as_of"),
    [
        (one_figure("2023-11-20", "2023-11-22", 10.0), "2024-06-30"),  # only after the deadline: missed
        (one_figure("2023-10-31", "2023-11-02", 300.0), "2024-06-30"),  # met: achieved, then it stays
        (one_figure("2023-10-31", "2023-11-02", 10.0), "2024-06-30"),  # not met by the deadline: missed
        ([], "2024-06-30"),  # nothing at all: no-data, and every report overdue
    ],
)
def test_the_branches_that_settle_a_status_count_as_the_definition(records, as_of):
    """A deadline in the middle of the last period: its end is judged after the deadline."""
    indicator = Indicator(
        "i", "g", "x", "x", "个", "level", "increase", (Target(dt.date(2023, 11, 15), "at-least", 240.0),)
    )
    for cadence in ("monthly", "quarterly", "yearly"):
        judged = indicator._replace(cadence=cadence)
        fast, definition = both(judged, plan_of("day"), records, dt.date.fromisoformat(as_of))
        assert fast == definition


def test_a_report_recorded_the_instant_a_day_ends_is_not_known_that_day():
    """January's figure recorded at the first instant of 1 March (in ZONE): overdue on 28 February."""
    indicator = Indicator(
        "i", "g", "x", "x", "个", "flow", "increase", (Target(dt.date(2024, 12, 31), "at-least", 240.0),)
    )
    records = [Observation(1, "i", 20.0, dt.date(2023, 1, 31), "2023-02-28T16:00:00Z", "t")]
    assert both(indicator, plan_of("day"), records, dt.date(2023, 3, 5)) == (1, 1)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), histories(retractions=False), days)
def test_receipts_that_stand_for_the_records_count_as_the_definition(indicator, records, as_of):
    """One value a date: the receipts and the city's series the store gives count as the records do."""
    from sytrack.replay import receipts_as_known, series_as_known

    seen: set = set()
    records = [r for r in records if not ((r.org, r.as_of) in seen or seen.add((r.org, r.as_of)))]
    receipts = {org: found for (_, org), found in receipts_as_known(records, "99999").items()}
    series = series_as_known(records, "99999").get(("i", CITY), [])
    assert receipts_stand(len(records), receipts)
    indicator = indicator._replace(allocations=tuple(Allocation(org, 10.0) for org in ORGS))
    plan = plan_of("day")
    expected = indicator_periods(indicator, plan)
    fast = escalation_count(indicator, plan, None, as_of, expected, CITY, ORGS, ZONE, receipts, series)
    assert fast == reference_escalation(indicator, plan, records, as_of, expected, CITY, ORGS, ZONE)


def test_receipts_do_not_stand_for_a_revision_or_a_retraction():
    receipts = {"east": [(dt.date(2023, 1, 31), "2023-02-05T00:00:00Z")]}
    assert receipts_stand(1, receipts)
    assert not receipts_stand(2, receipts)  # a revision, or a retracted value and its retraction
