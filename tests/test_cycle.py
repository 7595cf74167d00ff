"""The reporting cycle: periods and due dates, reports due, overdue and late, timeliness, warnings and escalation."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sytrack.cycle import (
    Period,
    Timeliness,
    add_up,
    day_end,
    escalation,
    indicator_periods,
    is_overdue,
    overdue_rows,
    periods,
    progress_warning,
    report_span,
    reporters,
    reports,
    timeliness,
    warning,
    worst_first,
)
from sytrack.model import CADENCES, CITY, Allocation, Indicator, Plan, Target
from sytrack.progress import evaluate
from sytrack.values import parse_date, parse_period_start

D = dt.date
PLAN = Plan(id="p", title_zh="p", title_en="p", start=D(2023, 1, 1), cadence="monthly", due_days=10)
DEC = D(2023, 12, 31)


def make(allocations=(), cadence=None, due_days=None, targets=None, kind="flow"):
    return Indicator(
        id="smart-factories",
        group="g",
        name_zh="智能工厂",
        name_en="smart factories",
        unit="个",
        kind=kind,
        direction="increase",
        targets=tuple(targets or (Target(DEC, "at-least", 30.0),)),
        allocations=tuple(allocations),
        cadence=cadence,
        due_days=due_days,
    )


# --- periods and due dates -----------------------------------------------------------------


def test_monthly_periods_have_labels_ends_and_due_dates_across_month_ends():
    months = periods("monthly", D(2023, 1, 1), DEC, 10)
    assert len(months) == 12
    assert months[0] == Period("2023-01", D(2023, 1, 1), D(2023, 1, 31), D(2023, 2, 10))
    assert months[1] == Period("2023-02", D(2023, 2, 1), D(2023, 2, 28), D(2023, 3, 10))
    assert months[3].label == "2023-04" and months[3].end == D(2023, 4, 30)
    assert months[-1] == Period("2023-12", D(2023, 12, 1), DEC, D(2024, 1, 10))


def test_a_leap_february_ends_on_the_29th():
    feb = periods("monthly", D(2024, 2, 1), D(2024, 2, 29), 5)
    assert feb == (Period("2024-02", D(2024, 2, 1), D(2024, 2, 29), D(2024, 3, 5)),)
    assert periods("monthly", D(2100, 2, 1), D(2100, 2, 1), 0)[0].end == D(2100, 2, 28)  # no leap day in 2100


def test_quarterly_half_yearly_and_yearly_periods():
    assert [(p.label, p.end, p.due) for p in periods("quarterly", D(2023, 1, 1), DEC, 15)] == [
        ("2023-Q1", D(2023, 3, 31), D(2023, 4, 15)),
        ("2023-Q2", D(2023, 6, 30), D(2023, 7, 15)),
        ("2023-Q3", D(2023, 9, 30), D(2023, 10, 15)),
        ("2023-Q4", DEC, D(2024, 1, 15)),
    ]
    assert [(p.label, p.begin, p.end) for p in periods("half-yearly", D(2023, 1, 1), D(2024, 12, 31), 30)] == [
        ("2023-H1", D(2023, 1, 1), D(2023, 6, 30)),
        ("2023-H2", D(2023, 7, 1), DEC),
        ("2024-H1", D(2024, 1, 1), D(2024, 6, 30)),
        ("2024-H2", D(2024, 7, 1), D(2024, 12, 31)),
    ]
    assert [(p.label, p.due) for p in periods("yearly", D(2023, 1, 1), D(2025, 12, 31), 31)] == [
        ("2023", D(2024, 1, 31)),
        ("2024", D(2025, 1, 31)),
        ("2025", D(2026, 1, 31)),
    ]


def test_periods_overlap_the_span_even_when_it_starts_or_ends_inside_one():
    quarters = periods("quarterly", D(2023, 5, 15), D(2023, 8, 1), 10)
    assert [p.label for p in quarters] == ["2023-Q2", "2023-Q3"]


def test_periods_at_the_end_of_the_calendar_and_of_an_empty_span():
    assert periods("yearly", D(9998, 6, 1), D(9999, 12, 31), 30) == (
        Period("9998", D(9998, 1, 1), D(9998, 12, 31), D(9999, 1, 30)),
        Period("9999", D(9999, 1, 1), dt.date.max, dt.date.max),
    )
    assert periods("monthly", D(9999, 12, 1), dt.date.max, 10)[-1].due == dt.date.max
    assert periods("monthly", D(2023, 6, 15), D(2023, 6, 1), 10) == ()
    assert day_end(dt.date.max) > "9999-12-31T23:59:59Z"


def test_periods_are_cached_for_indicators_that_share_a_span():
    assert periods("monthly", D(2023, 1, 1), DEC, 10) is periods("monthly", D(2023, 1, 1), DEC, 10)


@given(
    cadence=st.sampled_from(CADENCES),
    first=st.dates(D(1999, 1, 1), D(2101, 1, 1)),
    days=st.integers(0, 1500),
    due_days=st.integers(0, 120),
)
def test_periods_tile_the_span_and_each_label_reads_back_as_its_period(cadence, first, days, due_days):
    last = first + dt.timedelta(days=days)
    found = periods(cadence, first, last, due_days)
    assert found[0].begin <= first <= found[0].end and found[-1].begin <= last <= found[-1].end
    for before, after in zip(found, found[1:]):
        assert after.begin == before.end + dt.timedelta(days=1)
    for period in found:
        assert parse_date(period.label) == period.end and parse_period_start(period.label) == period.begin
        assert (period.due - period.end).days == due_days and period.due >= period.end
        assert (period.end + dt.timedelta(days=1)).day == 1  # a period ends on a month's last day


def test_an_indicator_takes_the_plans_cadence_unless_it_has_its_own():
    assert [p.label for p in indicator_periods(make(), PLAN)][:2] == ["2023-01", "2023-02"]
    own = indicator_periods(make(cadence="quarterly", due_days=20), PLAN)
    assert [(p.label, p.due) for p in own][:1] == [("2023-Q1", D(2023, 4, 20))]
    assert indicator_periods(make(), PLAN._replace(cadence=None)) == ()
    started = make(targets=[Target(D(2024, 6, 30), "at-least", 30.0, start=D(2023, 7, 1))])
    assert report_span(started, PLAN) == (D(2023, 7, 1), D(2024, 6, 30))


def test_who_reports_every_allocated_org_else_the_city():
    assert reporters(make([Allocation("tiexi", 12), Allocation("hunnan", 10)])) == ("tiexi", "hunnan")
    assert reporters(make()) == (CITY,)


def test_the_end_of_a_day_is_midnight_after_it_in_the_plans_zone():
    assert day_end(D(2023, 7, 31)) == "2023-08-01T00:00:00Z"
    assert day_end(D(2023, 7, 31), zoneinfo.ZoneInfo("Asia/Shanghai")) == "2023-07-31T16:00:00Z"
    assert day_end(D(2024, 2, 28)) == "2024-02-29T00:00:00Z"


# --- reports -------------------------------------------------------------------------------

QUARTERS = periods("quarterly", D(2023, 1, 1), DEC, 15)


def test_a_report_is_received_on_time_late_or_overdue():
    receipts = [
        (D(2023, 3, 31), "2023-04-15T23:59:59Z"),  # Q1 on its due day: on time
        (D(2023, 5, 31), "2023-07-16T00:00:00Z"),  # Q2, dated inside the quarter, a day late
        (D(2023, 6, 30), "2023-07-20T09:00:00Z"),
    ]  # a second Q2 figure: the first still counts
    found = reports(QUARTERS, receipts, D(2023, 11, 1))
    assert [(r.period.label, r.received_at, r.on_time, r.days_overdue) for r in found] == [
        ("2023-Q1", "2023-04-15T23:59:59Z", True, 0),
        ("2023-Q2", "2023-07-16T00:00:00Z", False, 0),
        ("2023-Q3", None, None, 17),
    ]  # due 15 October
    assert is_overdue(found)


def test_a_report_due_today_is_listed_but_not_yet_overdue():
    found = reports(QUARTERS, [], D(2023, 4, 15))
    assert [(r.period.label, r.days_overdue) for r in found] == [("2023-Q1", 0)]
    assert not is_overdue(found)
    assert reports(QUARTERS, [], D(2023, 4, 14)) == []


def test_a_figure_recorded_after_the_as_of_date_has_not_come_in_yet():
    receipts = [(D(2023, 3, 31), "2023-05-02T08:00:00Z")]
    assert reports(QUARTERS, receipts, D(2023, 5, 1))[0].received_at is None
    late = reports(QUARTERS, receipts, D(2023, 5, 2))[0]
    assert late.received_at == "2023-05-02T08:00:00Z" and late.on_time is False


def test_on_time_is_judged_by_the_end_of_the_due_day_in_the_plans_zone():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    # 20:00 UTC on the due day is already 04:00 the next morning in Shenyang
    receipts = [(D(2023, 3, 31), "2023-04-15T20:00:00Z")]
    assert reports(QUARTERS, receipts, D(2023, 5, 1))[0].on_time is True
    assert reports(QUARTERS, receipts, D(2023, 5, 1), shanghai)[0].on_time is False


def test_the_chase_list_has_every_missing_report_of_every_allocated_org_worst_first():
    indicator = make([Allocation("tiexi", 12), Allocation("hunnan", 10)], cadence="quarterly", due_days=15)
    receipts = {"tiexi": [(D(2023, 3, 31), "2023-04-10T00:00:00Z")], CITY: [(D(2023, 6, 30), "2023-07-01T00:00:00Z")]}
    rows = worst_first(overdue_rows(indicator, PLAN, receipts, D(2023, 7, 20)))
    assert rows == [
        ("smart-factories", "hunnan", "2023-Q1", D(2023, 4, 15), 96),
        ("smart-factories", "hunnan", "2023-Q2", D(2023, 7, 15), 5),
        ("smart-factories", "tiexi", "2023-Q2", D(2023, 7, 15), 5),
    ]
    city = overdue_rows(make(cadence="quarterly", due_days=15), PLAN, receipts, D(2023, 7, 20))
    assert city == [("smart-factories", CITY, "2023-Q1", D(2023, 4, 15), 96)]


def test_timeliness_counts_expected_received_and_on_time_per_org():
    indicator = make([Allocation("tiexi", 12), Allocation("hunnan", 10)], cadence="quarterly", due_days=15)
    receipts = {"tiexi": [(D(2023, 3, 31), "2023-04-10T00:00:00Z"), (D(2023, 6, 30), "2023-08-01T00:00:00Z")]}
    counts = timeliness(indicator, PLAN, receipts, D(2023, 10, 15))
    assert counts == {"tiexi": Timeliness(3, 2, 1), "hunnan": Timeliness(3, 0, 0)}
    assert counts["tiexi"].reporting_rate == pytest.approx(2 / 3) and counts["tiexi"].on_time_rate == pytest.approx(
        1 / 3
    )
    assert add_up(counts.values()) == Timeliness(6, 2, 1)
    assert Timeliness().reporting_rate is None and Timeliness().on_time_rate is None


# --- warnings and escalation ---------------------------------------------------------------

JUN = D(2023, 6, 30)


@pytest.mark.parametrize(
    "status, as_of, overdue, colour",
    [
        ("off-track", JUN, False, "red"),
        ("missed", D(2024, 1, 5), False, "red"),
        ("achieved", JUN, True, "red"),  # a report overdue is red whatever the figures say
        ("behind", JUN, False, "yellow"),
        ("on-track", D(2023, 12, 1), False, "blue"),  # 30 days to the deadline: within warn_days
        ("pending", D(2023, 12, 10), False, "blue"),
        ("on-track", D(2023, 11, 30), False, ""),  # 31 days: not yet
        ("achieved", D(2023, 12, 30), False, ""),
        ("no-data", JUN, False, ""),
    ],
)
def test_each_warning_colour(status, as_of, overdue, colour):
    assert warning(status, as_of, DEC, 30, overdue) == colour


def test_a_status_rows_warning_comes_from_its_progress():
    behind = evaluate(make(), [(JUN, 11.0)], JUN, PLAN)  # 11 of 30 at 49.6 % of the year: pace 0.74
    assert behind.status == "behind" and progress_warning(behind, 30, False) == "yellow"
    ahead = evaluate(make(), [(D(2023, 12, 15), 29.0)], D(2023, 12, 15), PLAN)
    assert ahead.status == "on-track" and progress_warning(ahead, 30, False) == "blue"
    assert progress_warning(ahead, 10, False) == ""


def test_escalation_counts_consecutive_period_ends_with_yellow_or_red():
    ends = [p.end for p in periods("monthly", D(2023, 1, 1), DEC, 10)]
    colours = {
        D(2023, 3, 31): "yellow",
        D(2023, 4, 30): "",
        D(2023, 5, 31): "yellow",
        D(2023, 6, 30): "red",
        D(2023, 7, 31): "yellow",
    }
    asked = []

    def judge(day):
        asked.append(day)
        return colours.get(day, "")

    assert escalation(ends, D(2023, 8, 15), judge) == 3  # July, June, May; April broke the run
    assert asked == [D(2023, 7, 31), D(2023, 6, 30), D(2023, 5, 31), D(2023, 4, 30)]  # no further back
    assert escalation(ends[::-1], D(2023, 8, 15), judge) == 3  # in any order
    assert escalation(ends, D(2023, 7, 30), judge) == 2
    assert escalation(ends, D(2023, 9, 30), judge) == 0  # September was not yellow
    assert escalation(ends, D(2023, 1, 15), judge) == 0  # no period has ended yet
    assert escalation(ends, D(2023, 8, 15), lambda day: "blue") == 0


def test_the_worked_example_of_docs_orgs_and_cycle():
    """docs/orgs-and-cycle.md: three districts reporting quarterly, as of 20 October."""
    indicator = make(
        [Allocation("tiexi", 12), Allocation("hunnan", 10), Allocation("dadong", 5)], cadence="quarterly", due_days=15
    )
    receipts = {
        "tiexi": [
            (D(2023, 3, 31), "2023-04-12T01:00:00Z"),
            (D(2023, 6, 30), "2023-07-14T01:00:00Z"),
            (D(2023, 9, 30), "2023-10-13T01:00:00Z"),
        ],
        "hunnan": [(D(2023, 3, 31), "2023-04-20T01:00:00Z"), (D(2023, 6, 30), "2023-07-10T01:00:00Z")],
        "dadong": [(D(2023, 3, 31), "2023-04-15T09:00:00Z")],
    }
    as_of = D(2023, 10, 20)
    assert worst_first(overdue_rows(indicator, PLAN, receipts, as_of)) == [
        ("smart-factories", "dadong", "2023-Q2", D(2023, 7, 15), 97),
        ("smart-factories", "dadong", "2023-Q3", D(2023, 10, 15), 5),
        ("smart-factories", "hunnan", "2023-Q3", D(2023, 10, 15), 5),
    ]
    counts = timeliness(indicator, PLAN, receipts, as_of)
    assert counts == {"tiexi": Timeliness(3, 3, 3), "hunnan": Timeliness(3, 2, 1), "dadong": Timeliness(3, 1, 1)}
    assert add_up(counts.values()) == Timeliness(9, 6, 5)
    late_in_shenyang = {"dadong": [(D(2023, 3, 31), "2023-04-15T17:00:00Z")]}
    assert timeliness(indicator, PLAN, late_in_shenyang, as_of)["dadong"] == Timeliness(3, 1, 1)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert timeliness(indicator, PLAN, late_in_shenyang, as_of, shanghai)["dadong"] == Timeliness(3, 1, 0)
