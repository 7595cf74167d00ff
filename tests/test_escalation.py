"""Escalation's fast path against its definition: every period end judged from scratch, on random histories."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sytrack import escalation
from sytrack.cycle import indicator_periods, reporters
from sytrack.escalation import Row, escalation_count, receipts_stand, reference_escalation
from sytrack.known_rollup import record_changes, row_changes, standing_changes, value_at
from sytrack.model import CITY, Allocation, Baseline, Indicator, Observation, Org, Plan, Target
from sytrack.orgs import build_tree
from sytrack.reporters import judged_for

ORGS = ("east", "west", "street", "north")  # a street under east; north is never allocated anything
TREE = build_tree(
    [
        Org("east", "东", "east"),
        Org("west", "西", "west"),
        Org("street", "街", "street", "east"),
        Org("north", "北", "n"),
    ]
)
NO_ORGS = build_tree(())
FIRST = dt.date(2023, 1, 1)
LAST = dt.date(2025, 3, 31)
ZONE = dt.timezone(dt.timedelta(hours=8))
MONTH_ENDS = [dt.date(2023 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1) for m in range(1, 28)]

# Mostly month ends, so that the orgs' figures of the same date add up (a flow rolls up date by date).
days = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + dt.timedelta(days=n))
report_days = st.sampled_from(MONTH_ENDS) | days


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
    allocated = draw(st.lists(st.sampled_from(ORGS[:3]), unique=True, max_size=3))
    weights = st.none() | st.integers(0, 5).map(float)
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
        allocations=tuple(Allocation(org, float(draw(st.integers(1, 80))), weight=draw(weights)) for org in allocated),
        cadence=draw(st.sampled_from(["monthly", "quarterly", "half-yearly", "yearly", None])),
        due_days=draw(st.integers(0, 45)),
    )


@st.composite
def histories(draw, retractions: bool, reporters=(CITY, *ORGS)) -> list[Observation]:
    """Values for random dates (mostly month ends) from the city and the orgs, some with a
    denominator, some revised (with earlier or later ids than the first: an import keeps a file's
    recorded_at), some recorded long after, many at the very instant a day ends in ZONE (16:00
    UTC); with `retractions`, some retracted."""
    found: list[Observation] = []
    for number in range(draw(st.integers(0, 30))):
        day = draw(report_days)
        recorded = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=8 * draw(st.integers(-6, 360)))
        org = draw(st.sampled_from(reporters))
        if found and draw(st.integers(0, 4)) == 0:  # a revision of an earlier date
            earlier = found[draw(st.integers(0, len(found) - 1))]
            day, org = earlier.as_of, earlier.org
        value = float(draw(st.integers(0, 160)))
        denominator = draw(st.none() | st.integers(0, 50).map(float))
        retracts = None
        if retractions and found and draw(st.integers(0, 5)) == 0:
            value, denominator, retracts = None, None, found[draw(st.integers(0, len(found) - 1))].id
        stamp = recorded.strftime("%Y-%m-%dT%H:%M:%SZ")
        found.append(
            Observation(number + 1, "i", value, day, stamp, "t", retracts=retracts, org=org, denominator=denominator)
        )
    return found


def plan_of(time_basis: str) -> Plan:
    return Plan("p", "p", "p", dt.date(2023, 1, 1), time_basis=time_basis, cadence="monthly", due_days=10)


def row_of(indicator: Indicator, plan: Plan, org: str = CITY, tree=TREE) -> Row:
    """The city's row of `indicator` (its reporters' reports), or an org's (on its allocation, its own reports)."""
    expected = indicator_periods(indicator, plan)
    if org == CITY:
        return Row(indicator, indicator, tree, expected, CITY, reporters(indicator), ZONE)
    judged = judged_for(indicator, org) or indicator._replace(allocations=())
    reporting = (org,) if org in reporters(indicator) else ()
    return Row(indicator, judged, tree, expected, org, reporting, ZONE)


def both(indicator: Indicator, plan: Plan, records: list, as_of: dt.date, org: str = CITY, tree=TREE) -> tuple:
    row = row_of(indicator, plan, org, tree)
    return escalation_count(row, plan, as_of, records), reference_escalation(row, plan, records, as_of)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    indicators(),
    histories(retractions=False),
    days,
    st.sampled_from(["day", "month"]),
    st.sampled_from([CITY, *ORGS]),
)
def test_the_fast_path_counts_as_the_definition(indicator, records, as_of, time_basis, org):
    """The city's row (its own figures beside its orgs' roll-up, a district with a street under it,
    allocated and non-allocated reporters) and any org's row, on every kind."""
    plan = plan_of(time_basis)
    fast, definition = both(indicator, plan, records, as_of, org)
    assert fast == definition


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), histories(retractions=True), days, st.sampled_from([CITY, "east"]))
def test_histories_with_retractions_count_as_the_definition(indicator, records, as_of, org):
    fast, definition = both(indicator, plan_of("day"), records, as_of, org)
    assert fast == definition


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), histories(retractions=False), st.sampled_from([CITY, *ORGS]))
def test_the_known_roll_up_is_the_figure_status_shows_at_every_instant(indicator, records, node):
    """The changes of a row's figure against `districts.figures_for` (and `org_series`) rebuilt at
    every instant a record was made, and just after: every date's figure, not only a count."""
    from sytrack.districts import figures_for, org_series
    from sytrack.replay import points_as_known

    changes = row_changes(indicator, TREE, record_changes(records, "i"), node)
    cutoffs = {r.recorded_at for r in records} | {r.recorded_at + "!" for r in records} | {"99999"}
    for cutoff in sorted(cutoffs):
        known = points_as_known(records, cutoff)
        own = [point[:2] for point in known.get(("i", CITY), [])]
        of_orgs = {org: points for (_, org), points in known.items() if org != CITY}
        figures = figures_for(indicator, TREE, own, of_orgs, plan_of("day"))
        series = figures.series if node == CITY else org_series(figures, of_orgs, node)
        fast = {day: value for day, found in changes.items() if (value := value_at(found, cutoff)) is not None}
        assert fast == dict(series), cutoff


def test_an_org_not_allocated_makes_an_earlier_date_undefined_from_its_first_figure():
    """east and west report March; north, allocated nothing, reports April only: from then on
    March does not roll up (north has no March figure), and April waits for east and west."""
    indicator = Indicator(
        "i", "g", "x", "x", "个", "flow", "increase", (Target(dt.date(2023, 12, 31), "at-least", 30.0),)
    )
    indicator = indicator._replace(allocations=(Allocation("east", 10.0), Allocation("west", 20.0)))
    march, april = dt.date(2023, 3, 31), dt.date(2023, 4, 30)
    records = [
        Observation(1, "i", 2.0, march, "2023-04-05T02:00:00Z", "t", org="east"),
        Observation(2, "i", 3.0, march, "2023-04-06T02:00:00Z", "t", org="west"),
        Observation(3, "i", 1.0, april, "2023-05-02T02:00:00Z", "t", org="north"),
        Observation(4, "i", 9.0, march, "2023-05-03T02:00:00Z", "t"),  # the city's own, from the 3rd of May
    ]
    changes = row_changes(indicator, TREE, record_changes(records, "i"))
    assert changes == {
        march: [
            ("2023-04-06T02:00:00Z", (march, 5.0)),
            ("2023-05-02T02:00:00Z", None),
            ("2023-05-03T02:00:00Z", (march, 9.0)),
        ]
    }


def test_a_share_rolls_up_at_each_instant_and_a_street_holds_its_district_back():
    """east waits for its street (allocated), and the city for east; then east's 10% (its street's,
    a roll-up with no denominator of its own) and west's 50% weighed 9 and 1 by their allocations
    make 14%, not the 30% average. The street's revision (a later id, recorded earlier, as an import
    keeps a file's recorded_at) is in force from its recorded_at; the record with the earlier id,
    made the day after, changes nothing."""
    indicator = Indicator(
        "i", "g", "x", "x", "%", "share", "increase", (Target(dt.date(2023, 12, 31), "at-least", 30.0),)
    )
    allocations = (Allocation("east", 1.0, weight=9.0), Allocation("west", 1.0, weight=1.0), Allocation("street", 1.0))
    indicator = indicator._replace(allocations=allocations)
    march = dt.date(2023, 3, 31)
    records = [
        Observation(1, "i", 50.0, march, "2023-04-05T02:00:00Z", "t", org="west", denominator=100.0),
        Observation(2, "i", 20.0, march, "2023-04-09T02:00:00Z", "t", org="street", denominator=900.0),
        Observation(3, "i", 10.0, march, "2023-04-08T02:00:00Z", "t", org="street", denominator=900.0),
    ]
    changes = row_changes(indicator, TREE, record_changes(records, "i"))
    assert changes == {march: [("2023-04-08T02:00:00Z", (march, 14.0))]}
    assert row_changes(indicator, TREE, record_changes(records, "i"), "east") == {
        march: [("2023-04-08T02:00:00Z", (march, 10.0))]
    }


def test_the_roll_up_and_the_count_leave_no_reference_cycle_behind():
    """A command pauses the cycle collector (cli.app): a cycle made per indicator would keep every
    reporter's changes until the command ends, as a closure calling itself once did (1 GB)."""
    import gc

    indicator = behind_all_along()[0]._replace(allocations=(Allocation("east", 100.0), Allocation("west", 140.0)))
    months = [(m, day, org) for m, day in enumerate(MONTH_ENDS[:12]) for org in ("east", "west", "street")]
    records = [  # each org 4 a month, on the 5th of the next: the city 8 of its 10 a month, behind
        Observation(n, "i", 4.0 * (m + 1), day, f"{day + dt.timedelta(days=5)}T02:00:00Z", "t", org=org)
        for n, (m, day, org) in enumerate(months, 1)
    ]
    plan = plan_of("day")
    gc.collect()
    gc.disable()
    try:
        assert escalation_count(row_of(indicator, plan), plan, dt.date(2024, 1, 20), records) > 0
        assert row_changes(indicator, TREE, record_changes(records, "i"), "east")
        assert gc.collect() == 0
    finally:
        gc.enable()


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
    assert escalation_count(row_of(indicator, plan), plan, dt.date(2025, 1, 20), records) == 23
    assert calls == []


def test_a_second_row_with_the_same_span_reuses_each_ends_elapsed_time_and_reads_dates_without_a_call(monkeypatch):
    """The two shortcuts of the settling loop: τ at a period end is worked out once for every row
    sharing a target's span, and a date with one change is read without `value_at`."""
    indicator, records = behind_all_along()
    monkeypatch.setattr(escalation, "value_at", lambda *a: pytest.fail("value_at called for a date of one change"))
    escalation._elapsed.cache_clear()
    plan = plan_of("day")
    for _ in range(2):
        assert escalation_count(row_of(indicator, plan), plan, dt.date(2025, 1, 20), records) == 23
    cached = escalation._elapsed.cache_info()
    assert 0 < cached.misses <= 24 and cached.hits >= cached.misses


def test_a_retraction_takes_the_definition(monkeypatch):
    indicator, records = behind_all_along()
    records.append(Observation(99, "i", None, records[-1].as_of, "2025-01-10T00:00:00Z", "t", retracts=24))
    plan = plan_of("day")
    row = row_of(indicator, plan)
    assert escalation_count(row, plan, dt.date(2025, 1, 20), records) == 23
    assert reference_escalation(row, plan, records, dt.date(2025, 1, 20)) == 23


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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), histories(retractions=False), days, st.sampled_from([CITY, "east"]))
def test_receipts_that_stand_for_the_records_count_as_the_definition(indicator, records, as_of, org):
    """One value a date: the receipts and the values in force the store gives (the city's own
    beside its orgs', with their denominators) count as the records do."""
    from sytrack.replay import points_as_known, receipts_as_known

    seen: set = set()
    records = [r for r in records if not ((r.org, r.as_of) in seen or seen.add((r.org, r.as_of)))]
    receipts = {org: found for (_, org), found in receipts_as_known(records, "99999").items()}
    points = {org: found for (_, org), found in points_as_known(records, "99999").items()}
    own = [point[:2] for point in points.pop(CITY, [])]
    assert receipts_stand(len(records), receipts)
    plan = plan_of("day")
    row = row_of(indicator, plan, org)
    known = row_changes(indicator, TREE, standing_changes(own, points, receipts), org)
    fast = escalation_count(row, plan, as_of, None, receipts, known)
    assert fast == reference_escalation(row, plan, records, as_of)


def test_receipts_do_not_stand_for_a_revision_or_a_retraction():
    receipts = {"east": [(dt.date(2023, 1, 31), "2023-02-05T00:00:00Z")]}
    assert receipts_stand(1, receipts)
    assert not receipts_stand(2, receipts)  # a revision, or a retracted value and its retraction
