"""As known at a date: the records in force then, warnings judged then, and what changed between two reports."""

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sytrack.cycle import day_end, escalation, indicator_periods
from sytrack.errors import SytrackError
from sytrack.model import CITY, Allocation, Indicator, Observation, Plan, Target
from sytrack.orgs import org_indicator
from sytrack.progress import evaluate
from sytrack.replay import (
    DiffRow,
    Snapshot,
    change_causes,
    diff_row,
    in_force_as_known,
    receipts_as_known,
    series_as_known,
    warning_as_known,
)
from sytrack.store import NewObservation, Store

D = dt.date
JUN, JUL, AUG = D(2023, 6, 30), D(2023, 7, 31), D(2023, 8, 31)
PLAN = Plan(id="p", title_zh="p", title_en="p", start=D(2023, 1, 1), cadence="monthly", due_days=10)
FLOW = Indicator(
    id="smart-factories",
    group="g",
    name_zh="智能工厂",
    name_en="smart factories",
    unit="个",
    kind="flow",
    direction="increase",
    targets=(Target(D(2023, 12, 31), "at-least", 30.0),),
)


def rec(record_id, day, value, recorded_at, org=CITY, retracts=None, indicator="smart-factories"):
    return Observation(record_id, indicator, value, day, recorded_at, "li", retracts=retracts, org=org)


# The June figure is recorded on 5 July and revised on 10 August; the July figure is recorded on
# 3 August and retracted on 1 September.
HISTORY = [
    rec(1, JUN, 10.0, "2023-07-05T02:00:00Z"),
    rec(2, JUL, 14.0, "2023-08-03T02:00:00Z"),
    rec(3, JUN, 12.0, "2023-08-10T02:00:00Z"),
    rec(4, JUL, None, "2023-09-01T02:00:00Z", retracts=2),
]


def values(in_force):
    return {key[2]: record.value for key, record in in_force.items()}


def test_as_known_ignores_later_revisions_and_retractions():
    assert values(in_force_as_known(HISTORY, day_end(D(2023, 7, 4)))) == {}
    assert values(in_force_as_known(HISTORY, day_end(JUL))) == {JUN: 10.0}  # the bulletin of 31 July
    assert values(in_force_as_known(HISTORY, day_end(AUG))) == {JUN: 12.0, JUL: 14.0}
    assert values(in_force_as_known(HISTORY, day_end(D(2023, 12, 1)))) == {JUN: 12.0}


def test_a_retraction_of_the_latest_value_brings_the_one_before_back():
    history = HISTORY + [rec(5, JUN, None, "2023-09-02T00:00:00Z", retracts=3)]
    assert values(in_force_as_known(history, day_end(D(2023, 9, 1)))) == {JUN: 12.0}
    assert values(in_force_as_known(history, day_end(D(2023, 9, 2)))) == {JUN: 10.0}


def test_as_known_keeps_orgs_and_indicators_apart():
    history = [
        rec(1, JUN, 6.0, "2023-07-05T00:00:00Z", org="tiexi"),
        rec(2, JUN, 4.0, "2023-07-06T00:00:00Z", org="hunnan"),
        rec(3, JUN, 10.0, "2023-07-07T00:00:00Z"),
        rec(4, JUL, 8.0, "2023-08-01T00:00:00Z", org="tiexi"),
        rec(5, JUN, 70.0, "2023-07-05T00:00:00Z", indicator="cnc-rate"),
    ]
    assert series_as_known(history, day_end(AUG)) == {
        ("smart-factories", "tiexi"): [(JUN, 6.0), (JUL, 8.0)],
        ("smart-factories", "hunnan"): [(JUN, 4.0)],
        ("smart-factories", CITY): [(JUN, 10.0)],
        ("cnc-rate", CITY): [(JUN, 70.0)],
    }


def test_a_receipt_is_the_first_recording_of_a_value_still_standing():
    assert receipts_as_known(HISTORY, day_end(AUG)) == {
        ("smart-factories", CITY): [(JUN, "2023-07-05T02:00:00Z"), (JUL, "2023-08-03T02:00:00Z")]
    }
    # retracted on 1 September: the July report has not come in after all
    assert receipts_as_known(HISTORY, day_end(D(2023, 9, 1))) == {
        ("smart-factories", CITY): [(JUN, "2023-07-05T02:00:00Z")]
    }


# --- the store's own history replayed ---------------------------------------------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.sampled_from(["a", "b"]), st.sampled_from([JUN, JUL]), st.integers(0, 50)),
        st.tuples(st.just("undo"), st.integers(0, 12)),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=40, deadline=None)
@given(operations)
def test_as_known_at_any_moment_is_what_the_store_showed_at_that_moment(ops):
    start = dt.datetime(2023, 7, 1, 8, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "data.sqlite", "p")
        shown, recorded_ids = [], []
        for n, op in enumerate(ops):
            now = start + dt.timedelta(hours=7 * n)
            try:
                if op[0] == "record":
                    recorded_ids.append(store.record(NewObservation(op[1], op[2], float(op[3]), "li"), now).id)
                else:
                    store.undo(recorded_ids[op[1] % len(recorded_ids)] if recorded_ids else None, "li", now)
            except SytrackError:
                pass  # nothing to undo, or already retracted: the store refused and wrote nothing
            current = {(o.indicator, o.org, o.as_of): o.id for o in store.history() if o.state == "current"}
            shown.append((now + dt.timedelta(hours=1), current))
        history = store.history()
    for moment, current in shown:
        known_by = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        in_force = in_force_as_known(history, known_by)
        assert {key: record.id for key, record in in_force.items()} == current
        assert all(record.recorded_at < known_by for record in in_force.values())


# --- escalation judged as known at each period end -----------------------------------------------


def _monthly_history():
    figures = [
        (D(2023, 1, 31), 2.5),
        (D(2023, 2, 28), 5.0),
        (D(2023, 3, 31), 7.5),
        (D(2023, 4, 30), 13.0),
        (D(2023, 5, 31), 14.0),
        (JUN, 15.0),
        (JUL, 17.0),
    ]
    # each month's figure recorded on the 5th of the next month, on time
    history = [
        rec(n, day, value, f"{(day + dt.timedelta(days=5)).isoformat()}T02:00:00Z")
        for n, (day, value) in enumerate(figures, 1)
    ]
    return history + [rec(8, JUL, 20.0, "2023-09-03T02:00:00Z")]  # the July figure revised in September


def test_escalation_judges_each_period_end_as_it_was_known_then():
    history = _monthly_history()
    expected = indicator_periods(FLOW, PLAN)
    judge = warning_as_known(FLOW, PLAN, history, expected, warn_days=30)
    ends = [p.end for p in expected]
    # as known then: on track at the end of May (13 of 30 at 41 % of the year), behind at the ends of
    # June (14: pace 0.94), July (15: 0.86) and August (17: 0.85)
    assert [judge(day) for day in (D(2023, 5, 31), JUN, JUL, AUG)] == ["", "yellow", "yellow", "yellow"]
    assert escalation(ends, D(2023, 9, 15), judge) == 3
    # with hindsight (September's revision, 20) the end of August would read on track
    hindsight = series_as_known(history, day_end(D(2023, 9, 3)))[("smart-factories", CITY)]
    assert evaluate(FLOW, hindsight, AUG, PLAN).status == "on-track"


def test_an_orgs_warning_is_judged_on_its_own_records_and_allocation():
    tiexi = org_indicator(FLOW._replace(allocations=(Allocation("tiexi", 12),)), "tiexi")
    months = [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31), D(2023, 4, 30), D(2023, 5, 31)]
    history = _monthly_history() + [
        rec(20 + n, day, value, f"{(day + dt.timedelta(days=5)).isoformat()}T00:00:00Z", org="tiexi")
        for n, (day, value) in enumerate(zip(months, [1.0, 2.0, 3.0, 4.0, 6.0]))
    ]
    judge = warning_as_known(tiexi, PLAN, history, indicator_periods(FLOW, PLAN), warn_days=30, org="tiexi")
    assert judge(JUN) == ""  # 6 of its 12 at 49.6 % of the year: on track, whatever the city's figures say
    assert judge(JUL) == "red"  # its June report, due 10 July, never came


def test_a_report_overdue_at_a_period_end_makes_it_red():
    history = [r for r in _monthly_history() if r.as_of != D(2023, 5, 31)]  # the May report never came
    judge = warning_as_known(FLOW, PLAN, history, indicator_periods(FLOW, PLAN), warn_days=30)
    assert judge(D(2023, 5, 31)) == ""  # due 10 June: not yet overdue
    assert judge(JUN) == "red"


# --- diff ---------------------------------------------------------------------------------


def snap(day, known=None):
    return Snapshot(day, day_end(known or day))


def test_new_data_a_revision_and_a_retraction_are_named():
    assert change_causes(HISTORY, snap(JUL), snap(D(2023, 8, 5))) == ("new-data",)  # July's figure came in
    assert change_causes(HISTORY, snap(D(2023, 8, 5)), snap(AUG)) == ("revision",)  # June's was revised
    assert change_causes(HISTORY, snap(AUG), snap(D(2023, 9, 30))) == ("retraction",)  # July's withdrawn
    assert change_causes(HISTORY, snap(JUL), snap(D(2023, 9, 30))) == ("revision",)  # July came and went
    assert change_causes(HISTORY, snap(JUL), snap(AUG)) == ("new-data", "revision")


def test_a_retraction_that_brings_an_earlier_figure_back_is_a_retraction():
    history = HISTORY + [rec(5, JUN, None, "2023-09-02T00:00:00Z", retracts=3)]
    assert change_causes(history, snap(D(2023, 9, 1)), snap(D(2023, 9, 2))) == ("retraction",)


def test_a_changed_target_or_only_time_passing():
    assert change_causes(HISTORY, snap(D(2023, 8, 20)), snap(D(2023, 8, 25)), target_changed=True) == ("target",)
    assert change_causes(HISTORY, snap(D(2023, 8, 20)), snap(D(2023, 8, 25))) == ()
    # known all along, dated after the first report's as-of date: the window moved, nothing was recorded
    assert change_causes(HISTORY, snap(JUN, AUG), snap(JUL, AUG)) == ()


def test_a_diff_row_says_what_changed_and_why():
    assert diff_row("smart-factories", CITY, (10.0, "on-track", ""), (10.0, "behind", "yellow"), ()) == DiffRow(
        "smart-factories", CITY, 10.0, 10.0, "on-track", "behind", "", "yellow", ("time",)
    )
    assert diff_row("smart-factories", CITY, (10.0, "behind", "yellow"), (10.0, "behind", "yellow"), ()) is None
    row = diff_row("smart-factories", "tiexi", (10.0, "behind", "yellow"), (10.0, "behind", "yellow"), ("revision",))
    assert row.causes == ("revision",)  # revised to the same figure: still worth a line
