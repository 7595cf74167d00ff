"""Districts and departments: the tree, allocated targets, roll-up by kind, disagreement and the league table."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sytrack.model import CITY, Allocation, Baseline, Indicator, Org, Plan, Target
from sytrack.orgs import (
    Disagreement,
    allocated_target,
    allocation_coverage,
    ancestors,
    build_tree,
    depth,
    disagreements,
    find_cycles,
    group_league,
    league,
    org_indicator,
    roll_up,
    roll_up_tree,
)
from sytrack.progress import evaluate

D = dt.date
PLAN = Plan(id="p", title_zh="p", title_en="p", start=D(2023, 1, 1))
JUN, SEP, DEC = D(2023, 6, 30), D(2023, 9, 30), D(2023, 12, 31)


def org(org_id, parent=None):
    return Org(org_id, org_id, org_id, parent=parent, kind="district")


def make(kind="flow", allocations=(), targets=None, direction="increase", baseline=None, unit="个"):
    targets = targets or (Target(DEC, "at-least", 30.0),)
    return Indicator(
        id="smart-factories",
        group="g",
        name_zh="智能工厂",
        name_en="smart factories",
        unit=unit,
        kind=kind,
        direction=direction,
        targets=tuple(targets),
        baseline=baseline,
        allocations=tuple(allocations),
    )


SMART = make(allocations=[Allocation("tiexi", 12), Allocation("hunnan", 10), Allocation("huanggu", 5)])
# The city, two districts under it, and two streets (街道) under 铁西区.
SHENYANG = (org("tiexi"), org("hunnan"), org("yanfen", "tiexi"), org("xinghua", "tiexi"))


# --- the tree ------------------------------------------------------------------------------


def test_the_tree_has_children_levels_depth_and_ancestors():
    tree = build_tree(SHENYANG)
    assert tree.children[CITY] == ("tiexi", "hunnan")
    assert tree.children["tiexi"] == ("yanfen", "xinghua")
    assert tree.levels == (("tiexi", "hunnan"), ("yanfen", "xinghua"))
    assert depth(tree, "hunnan") == 1 and depth(tree, "xinghua") == 2
    assert ancestors(tree, "xinghua") == ("tiexi",) and ancestors(tree, "tiexi") == ()
    assert tree.cycles == () and tree.stranded == ()


def test_a_cycle_of_parents_is_returned_once_and_its_orgs_are_stranded():
    orgs = (org("a", "c"), org("b", "a"), org("c", "b"), org("d", "a"), org("e"), org("self", "self"))
    tree = build_tree(orgs)
    assert tree.cycles == (("a", "c", "b"), ("self",))
    assert set(tree.stranded) == {"a", "b", "c", "d", "self"}
    assert tree.levels == (("e",),)
    assert depth(tree, "a") is None
    assert ancestors(tree, "d") == ("a", "c", "b")  # stops before going round again


def test_an_org_named_like_the_city_is_no_org_and_does_not_loop():
    tree = build_tree((org(""), org("tiexi", "")))
    assert tree.levels == (("tiexi",),) and tree.parent == {"tiexi": CITY}


def test_an_org_under_an_unknown_parent_is_stranded_not_a_cycle():
    tree = build_tree((org("tiexi", "nowhere"), org("hunnan")))
    assert tree.cycles == () and tree.stranded == ("tiexi",)


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh") | st.just("")))
def test_every_org_is_in_one_level_or_stranded_and_every_cycle_is_one(parents):
    orgs = [org(o, p or None) for o, p in parents.items()]
    tree = build_tree(orgs)
    placed = [o for level in tree.levels for o in level]
    assert sorted(placed + list(tree.stranded)) == sorted(parents)
    for cycle in tree.cycles:
        assert all(tree.parent[cycle[n - 1]] == cycle[n] for n in range(len(cycle)))  # each org's parent is the next
        assert set(cycle) <= set(tree.stranded)
    for n, level in enumerate(tree.levels):
        assert all(tree.parent[o] == CITY if n == 0 else tree.parent[o] in tree.levels[n - 1] for o in level)
    in_cycles = [o for cycle in tree.cycles for o in cycle]
    assert len(in_cycles) == len(set(in_cycles))


class CountingParents(dict):
    """A parent map that counts how often a parent is looked up."""

    lookups = 0

    def __getitem__(self, key):
        self.lookups += 1
        return super().__getitem__(key)


def test_find_cycles_looks_each_parent_up_once():
    # a long chain into a loop, walked from its far end first and from every org after that
    chain = CountingParents({f"o{n}": f"o{n + 1}" for n in range(5000)} | {"o5000": "o4990"})
    assert find_cycles(chain) == (tuple(f"o{n}" for n in range(4990, 5001)),)
    assert chain.lookups == len(chain)


# --- allocated targets ---------------------------------------------------------------------


def test_an_allocation_takes_the_final_targets_deadline_and_comparison_unless_it_gives_them():
    assert allocated_target(SMART, "tiexi") == Target(DEC, "at-least", 12.0)
    own = make(allocations=[Allocation("tiexi", 12, deadline=SEP, comparison="more-than")])
    assert allocated_target(own, "tiexi") == Target(SEP, "more-than", 12.0)
    assert allocated_target(SMART, "hunnan").value == 10 and allocated_target(SMART, "dadong") is None


def test_a_range_target_allocates_one_number_judged_at_least_or_at_most():
    ranged = make(targets=[Target(DEC, "between", None, 4.0, 6.0)], allocations=[Allocation("tiexi", 2)])
    assert allocated_target(ranged, "tiexi").comparison == "at-least"
    lower = make(
        targets=[Target(DEC, "between", None, 4.0, 6.0)], direction="decrease", allocations=[Allocation("tiexi", 2)]
    )
    assert allocated_target(lower, "tiexi").comparison == "at-most"


def test_an_allocation_of_a_staircase_covers_the_final_step_only():
    steps = make(
        targets=[Target(DEC, "at-least", 20.0), Target(D(2024, 12, 31), "at-least", 30.0)],
        allocations=[Allocation("tiexi", 12)],
    )
    target = allocated_target(steps, "tiexi")
    assert target.deadline == D(2024, 12, 31) and target.start == D(2024, 1, 1)
    p = evaluate(org_indicator(steps, "tiexi"), [(D(2024, 6, 30), 6.0)], D(2024, 6, 30), PLAN)
    assert p.start_date == DEC and p.completion == pytest.approx(0.5)


def test_an_org_is_judged_on_its_allocation_with_the_citys_arithmetic():
    level = make("level", baseline=Baseline(100, D(2022, 12, 31)), allocations=[Allocation("tiexi", 12)])
    tiexi = org_indicator(level, "tiexi")
    assert tiexi.baseline is None and tiexi.targets == (Target(DEC, "at-least", 12.0),)
    p = evaluate(org_indicator(SMART, "tiexi"), [(JUN, 6.0)], JUN, PLAN)
    assert p.completion == pytest.approx(0.5) and p.time_elapsed == pytest.approx(181 / 365)
    assert p.status == "on-track" and p.target.value == 12
    assert org_indicator(SMART, "dadong") is None


def test_allocation_coverage_says_how_much_of_a_summable_target_is_allocated():
    assert allocation_coverage(SMART) == (27.0, 30.0)  # 3 left to nobody
    assert allocation_coverage(make("share", allocations=[Allocation("tiexi", 60)])) is None
    assert allocation_coverage(make()) is None


# --- roll-up by kind -------------------------------------------------------------------------


def test_a_flow_sums_the_figures_of_the_same_date_and_waits_for_every_org():
    rolled = roll_up("flow", {"tiexi": [(JUN, 6.0), (SEP, 9.0)], "hunnan": [(JUN, 4.0)]})
    assert rolled.series == ((JUN, 10.0),)
    assert rolled.rows[1] == (SEP, None, (9.0, None), None, "no figure yet from hunnan")
    assert rolled.reason == ""


def test_a_level_sums_each_orgs_latest_figure_as_of_each_date():
    rolled = roll_up("level", {"tiexi": [(D(2023, 3, 31), 100.0), (JUN, 120.0)], "hunnan": [(D(2023, 5, 31), 50.0)]})
    assert rolled.series == ((D(2023, 5, 31), 150.0), (JUN, 170.0))
    assert rolled.rows[0][1] is None and rolled.rows[0][4] == "no figure yet from hunnan"


def test_a_share_rolls_up_from_numerators_and_denominators_not_as_an_average():
    # 15% of 50 enterprises and 15% of 50: 15%; 10% of 900 and 50% of 100: 14%, not the 30% average.
    rolled = roll_up("share", {"tiexi": [(JUN, 10.0, 900.0)], "hunnan": [(JUN, 50.0, 100.0)]})
    assert rolled.series == ((JUN, pytest.approx(14.0)),)
    assert rolled.rows[0][3] == (900.0, 100.0)


def test_a_share_without_denominators_rolls_up_by_the_declared_weights():
    rolled = roll_up("share", {"tiexi": [(JUN, 10.0)], "hunnan": [(JUN, 50.0)]}, {"tiexi": 3, "hunnan": 1})
    assert rolled.series == ((JUN, pytest.approx(20.0)),)


def test_a_share_with_neither_is_not_rolled_up_and_says_why():
    rolled = roll_up("share", {"tiexi": [(JUN, 10.0, 900.0)], "hunnan": [(JUN, 50.0)]}, {"tiexi": 3})
    assert rolled.series == ()
    assert (
        rolled.reason
        == "hunnan's figure has no denominator and its allocation declares no weight; a share or rate is never averaged"
    )
    # each has one or the other: a denominator and a weight are never mixed (this once raised StopIteration)
    mixed = roll_up("share", {"tiexi": [(JUN, 10.0, 900.0)], "hunnan": [(JUN, 50.0)]}, {"hunnan": 1})
    assert (mixed.series, mixed.reason) == (
        (),
        "hunnan's figure has no denominator and tiexi's allocation declares no weight; a share or rate is never averaged",
    )
    negative = roll_up("share", {"tiexi": [(JUN, 10.0, -900.0)], "hunnan": [(JUN, 50.0, 1000.0)]})
    assert negative.series == () and negative.reason == "tiexi's denominator is negative"
    weighed = roll_up("share", {"tiexi": [(JUN, 10.0)], "hunnan": [(JUN, 50.0)]}, {"tiexi": 1, "hunnan": -1})
    assert weighed.reason == "hunnan's weight is negative"
    empty = roll_up("share", {"tiexi": [(JUN, 10.0, 0.0)], "hunnan": [(JUN, 50.0, 10.0)]})
    assert empty.series == ((JUN, 50.0),)  # a district with no enterprises weighs nothing
    zero = roll_up("share", {"tiexi": [(JUN, 10.0, 0.0)], "hunnan": [(JUN, 50.0, 0.0)]})
    assert zero.series == () and zero.reason == "the denominators or weights add up to zero"


def test_a_rate_combines_figures_of_the_same_date_by_their_bases():
    # growth 10% on a base of 200 and 4% on 800: the city grew (20 + 32) / 1000 = 5.2%
    rolled = roll_up("rate", {"tiexi": [(JUN, 10.0, 200.0), (SEP, 8.0, 200.0)], "hunnan": [(JUN, 4.0, 800.0)]})
    assert rolled.series == ((JUN, pytest.approx(5.2)),)


@pytest.mark.parametrize("kind", ["rank", "milestone"])
def test_a_rank_or_a_milestone_is_not_rolled_up(kind):
    rolled = roll_up(kind, {"tiexi": [(JUN, 1.0)], "hunnan": [(JUN, 1.0)]})
    assert rolled.series == () and rolled.rows == () and rolled.reason.startswith(f"a {kind} is")


def test_nothing_to_roll_up_says_so():
    assert roll_up("flow", {}).reason == "no org has a figure for it"
    assert roll_up("flow", {"tiexi": []}).reason == "no org has a figure for it"


dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2023, 12, 31))
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
member_series = st.dictionaries(
    st.sampled_from(["tiexi", "hunnan", "dadong", "yuhong"]), st.dictionaries(dates, amounts, max_size=12), min_size=1
)


def _as_series(members):
    return {m: sorted(points.items()) for m, points in members.items()}


@given(member_series)
def test_a_flows_roll_up_is_the_sum_at_every_date_each_org_reported(members):
    rolled = roll_up("flow", _as_series(members))
    every = set.intersection(*(set(points) for points in members.values()))
    assert [day for day, _ in rolled.series] == sorted(every)
    for day, total in rolled.series:
        assert total == pytest.approx(sum(points[day] for points in members.values()))


@given(member_series)
def test_a_levels_roll_up_is_the_sum_of_the_latest_figures(members):
    rolled = roll_up("level", _as_series(members))
    for day, total in rolled.series:
        latest = [points[max(d for d in points if d <= day)] for points in members.values()]
        assert total == pytest.approx(sum(latest))
    # it rolls up from the date the last org to start reporting first did, at every date anyone reported
    everyone_started = max(min(points) for points in members.values()) if all(members.values()) else None
    assert [day for day, _ in rolled.series] == sorted(
        {d for points in members.values() for d in points if everyone_started and d >= everyone_started}
    )


@given(
    st.dictionaries(
        st.sampled_from(["tiexi", "hunnan", "dadong"]),
        st.tuples(st.floats(min_value=0, max_value=100), st.floats(min_value=0.5, max_value=1e6)),
        min_size=1,
    )
)
def test_a_rolled_up_share_lies_between_the_orgs_shares(figures):
    rolled = roll_up("share", {m: [(JUN, v, d)] for m, (v, d) in figures.items()})
    shares = [v for v, _ in figures.values()]
    ((_, total),) = rolled.series
    assert min(shares) - 1e-9 <= total <= max(shares) + 1e-9


# --- hierarchies and disagreement ------------------------------------------------------------


def test_two_levels_roll_up_streets_into_their_district_and_districts_into_the_city():
    tree = build_tree(SHENYANG)
    indicator = make(allocations=[Allocation("tiexi", 12), Allocation("hunnan", 10)])
    figures = roll_up_tree(
        indicator,
        tree,
        {
            "yanfen": [(JUN, 2.0), (SEP, 3.0)],
            "xinghua": [(JUN, 3.0), (SEP, 4.0)],  # 铁西 has no figure of its own
            "hunnan": [(JUN, 4.0), (SEP, 6.0)],
        },
    )
    assert figures["tiexi"].own == () and figures["tiexi"].effective == ((JUN, 5.0), (SEP, 7.0))
    assert figures[CITY].rolled.members == ("tiexi", "hunnan")
    assert figures[CITY].effective == ((JUN, 9.0), (SEP, 13.0))
    assert figures["hunnan"].rolled is None and figures["hunnan"].effective == ((JUN, 4.0), (SEP, 6.0))


def test_an_own_figure_counts_where_there_is_one_and_a_disagreement_is_reported():
    tree = build_tree(SHENYANG)
    figures = roll_up_tree(
        SMART._replace(allocations=()),
        tree,
        {
            CITY: [(JUN, 10.0)],  # the statistics bureau says 10; the districts add up to 12
            "tiexi": [(JUN, 8.0), (SEP, 11.0)],
            "hunnan": [(JUN, 4.0), (SEP, 5.0)],
        },
    )
    assert figures[CITY].effective == ((JUN, 10.0), (SEP, 16.0))
    assert figures[CITY].disagreements == (Disagreement(JUN, 10.0, 12.0, 2.0),)


def test_an_allocated_org_with_no_figure_holds_its_parents_roll_up_back():
    tree = build_tree(SHENYANG)
    figures = roll_up_tree(SMART, tree, {"tiexi": [(JUN, 8.0)], "hunnan": [(JUN, 4.0)]})
    # huanggu is allocated 5 and is no org of this tree; 铁西 and 浑南 reported, so the city waits for it
    assert figures[CITY].rolled.members == ("tiexi", "hunnan")
    allocated_orgs = build_tree(SHENYANG + (org("huanggu"),))
    waiting = roll_up_tree(SMART, allocated_orgs, {"tiexi": [(JUN, 8.0)], "hunnan": [(JUN, 4.0)]})
    assert waiting[CITY].effective == () and waiting[CITY].rolled.reason == "no figure yet from huanggu"


def test_a_district_that_reports_nothing_and_is_allocated_nothing_is_left_out():
    tree = build_tree(SHENYANG + (org("dadong"),))
    figures = roll_up_tree(SMART._replace(allocations=()), tree, {"tiexi": [(JUN, 8.0)], "hunnan": [(JUN, 4.0)]})
    assert figures[CITY].rolled.members == ("tiexi", "hunnan") and figures[CITY].effective == ((JUN, 12.0),)


def test_disagreement_is_relative_to_the_own_figure():
    own, rolled = [(JUN, 100.0), (SEP, 0.0), (DEC, 100.0)], [(JUN, 100.9), (SEP, 0.5), (DEC, 98.0)]
    assert disagreements(own, rolled) == [Disagreement(SEP, 0.0, 0.5, 0.5), Disagreement(DEC, 100.0, 98.0, -2.0)]
    assert disagreements(own, rolled, tolerance=0.05) == [Disagreement(SEP, 0.0, 0.5, 0.5)]
    assert disagreements([(JUN, 0.0)], [(JUN, 0.0)]) == []


# --- the league table ------------------------------------------------------------------------


def _progress_of(orgs_figures, indicator=None, as_of=JUN):
    indicator = indicator or make(allocations=[Allocation(o, a) for o, (a, _) in orgs_figures.items()])
    return {
        o: evaluate(org_indicator(indicator, o), [(as_of, v)] if v is not None else [], as_of, PLAN)
        for o, (_, v) in orgs_figures.items()
    }


def test_the_league_ranks_by_pace_then_completion_ties_share_and_no_data_comes_last():
    progress = _progress_of(
        {"dadong": (10, None), "tiexi": (12, 6.0), "hunnan": (10, 8.0), "yuhong": (6, 3.0), "huanggu": (4, 1.0)}
    )
    rows = league(progress)
    assert [(r.org, r.rank) for r in rows] == [
        ("hunnan", 1),
        ("tiexi", 2),
        ("yuhong", 2),
        ("huanggu", 4),
        ("dadong", None),
    ]
    assert rows[0][:3] == ("hunnan", 8.0, 10.0) and rows[0].completion == pytest.approx(0.8)
    assert rows[0].status == "on-track" and rows[3].status == "off-track" and rows[4].status == "no-data"
    assert rows[1].time_elapsed == pytest.approx(181 / 365)


def test_a_league_without_paces_ranks_by_completion():
    rate = make("rate", targets=[Target(DEC, "at-least", 10.0)], unit="%")
    progress = _progress_of(
        {"tiexi": (10, 8.0), "hunnan": (10, 9.0)},
        rate._replace(allocations=(Allocation("tiexi", 10), Allocation("hunnan", 10))),
    )
    assert [(r.org, r.pace, r.rank) for r in league(progress)] == [("hunnan", None, 1), ("tiexi", None, 2)]


def test_the_group_league_ranks_by_share_on_schedule_then_fewer_behind():
    def statuses(*figures):
        return [
            evaluate(
                org_indicator(make(allocations=[Allocation("x", 10)]), "x"),
                [(JUN, v)] if v is not None else [],
                JUN,
                PLAN,
            )
            for v in figures
        ]

    rows = group_league(
        {
            "tiexi": statuses(6.0, 2.0, 12.0),  # on track, off track, achieved: 2 of 3
            "hunnan": statuses(6.0, 6.0),  # both on track
            "yuhong": statuses(4.0, 6.0, 10.0),  # behind, on track, achieved: 2 of 3, one behind
            "dadong": statuses(None),  # nothing to judge
        }
    )
    assert [(r.org, r.indicators, r.behind, r.rank) for r in rows] == [
        ("hunnan", 2, 0, 1),
        ("tiexi", 3, 1, 2),
        ("yuhong", 3, 1, 2),
        ("dadong", 1, 0, None),
    ]
    assert rows[1].on_schedule_share == pytest.approx(2 / 3) and rows[3].on_schedule_share is None


def test_the_worked_example_of_docs_orgs_and_cycle():
    """docs/orgs-and-cycle.md: two streets under 铁西区, the city's own figure, the league of 30 September."""
    tree = build_tree(SHENYANG + (org("dadong"),))
    series = {
        "yanfen": [(D(2023, 3, 31), 1.0), (JUN, 3.0), (SEP, 4.0)],
        "xinghua": [(D(2023, 3, 31), 1.0), (JUN, 4.0), (SEP, 5.0)],
        "hunnan": [(D(2023, 3, 31), 2.0), (JUN, 5.0), (SEP, 7.0)],
        "dadong": [(D(2023, 3, 31), 0.0), (JUN, 1.0)],
        CITY: [(JUN, 14.0)],
    }
    figures = roll_up_tree(
        SMART._replace(allocations=(Allocation("tiexi", 12), Allocation("hunnan", 10), Allocation("dadong", 5))),
        tree,
        series,
    )
    assert figures["tiexi"].effective == ((D(2023, 3, 31), 2.0), (JUN, 7.0), (SEP, 9.0))
    assert [row[1] for row in figures[CITY].rolled.rows] == [4.0, 13.0, None]
    assert figures[CITY].rolled.rows[2][4] == "no figure yet from dadong"
    assert figures[CITY].effective == ((D(2023, 3, 31), 4.0), (JUN, 14.0))
    assert figures[CITY].disagreements == (Disagreement(JUN, 14.0, 13.0, -1.0),)
    city = evaluate(SMART, figures[CITY].effective, SEP, PLAN)
    assert (city.latest, round(city.completion, 3), round(city.pace, 2), city.status) == (14.0, 0.467, 0.62, "behind")
    indicator = SMART._replace(allocations=(Allocation("tiexi", 12), Allocation("hunnan", 10), Allocation("dadong", 5)))
    rows = league(
        {
            o: evaluate(org_indicator(indicator, o), figures[o].effective, SEP, PLAN)
            for o in ("dadong", "hunnan", "tiexi")
        }
    )
    assert [(r.rank, r.org, r.value, r.allocation, round(r.pace, 2), r.status) for r in rows] == [
        (1, "tiexi", 9.0, 12.0, 1.0, "on-track"),
        (2, "hunnan", 7.0, 10.0, 0.94, "behind"),
        (3, "dadong", 1.0, 5.0, 0.27, "off-track"),
    ]
