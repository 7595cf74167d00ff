"""The pure org and cycle functions at the scale of issues 16 and 17: 13 orgs × 10,000 indicators × 24 months.

    python benchmarks/orgs_cycle.py [--indicators N]

Times, in one process and without the store, the work status, rank and remind will hand to
sytrack.orgs and sytrack.cycle once the store has read the records: roll-up to the city, each org
judged on its allocation and ranked, and every org's reports checked for timeliness. Indicative only:
nothing here asserts, and a busy machine slows it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from cycle import ORGS as DISTRICTS  # benchmarks/cycle.py: the shipped catalogue's 13 districts

from sytrack.cycle import indicator_periods, overdue_rows, periods, reports, tally
from sytrack.escalation import Row, escalation_count, reference_escalation
from sytrack.model import CITY, Allocation, Indicator, Observation, Org, Plan, Target
from sytrack.orgs import build_tree, league, org_indicator, roll_up_tree
from sytrack.progress import evaluate

PLAN = Plan(id="p", title_zh="p", title_en="p", start=dt.date(2023, 1, 1), cadence="monthly", due_days=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--indicators", type=int, default=10_000)
    count = parser.parse_args().indicators
    ends = [p.end for p in periods("monthly", dt.date(2023, 1, 1), dt.date(2024, 12, 31), 0)]
    target = Target(dt.date(2024, 12, 31), "at-least", 1300.0)
    indicators = [
        Indicator(
            f"i{n}",
            "g",
            "x",
            "x",
            "个",
            "flow",
            "increase",
            (target,),
            allocations=tuple(Allocation(o, 100.0) for o in DISTRICTS),
        )
        for n in range(count)
    ]
    series = {o: [(day, 4.0 * (m % 12 + 1) + k) for m, day in enumerate(ends)] for k, o in enumerate(DISTRICTS)}
    receipts = {
        o: [(day, (day + dt.timedelta(days=5 + k)).isoformat() + "T02:00:00Z") for day in ends[: -k or None]]
        for k, o in enumerate(DISTRICTS)
    }
    tree, as_of = build_tree(Org(o, o, o, kind="district") for o in DISTRICTS), dt.date(2024, 12, 31)

    began = time.perf_counter()
    for indicator in indicators:
        roll_up_tree(indicator, tree, series)
    rolled = time.perf_counter()
    for indicator in indicators:
        league({o: evaluate(org_indicator(indicator, o), series[o], as_of, PLAN) for o in DISTRICTS})
    ranked = time.perf_counter()
    expected = 0
    for indicator in indicators:
        due = indicator_periods(indicator, PLAN)
        expected += sum(tally(reports(due, receipts[o], as_of)).expected for o in DISTRICTS)
    counted = time.perf_counter()
    overdue = sum(len(overdue_rows(indicator, PLAN, receipts, as_of)) for indicator in indicators)
    chased = time.perf_counter()
    print(f"{count} indicators × {len(DISTRICTS)} orgs × {len(ends)} months")
    print(f"roll-up to the city           {rolled - began:6.2f} s")
    print(f"orgs judged and ranked        {ranked - rolled:6.2f} s")
    print(f"timeliness of {expected} reports {counted - ranked:6.2f} s")
    print(f"chase list ({overdue} overdue)   {chased - counted:6.2f} s")
    escalation_figures(indicators, ends, as_of)


def escalation_figures(indicators: list[Indicator], ends: list[dt.date], as_of: dt.date) -> None:
    """Escalation of the city's rows, each behind all along and reported on the 5th of the next
    month: the fast path against its definition (on a tenth of the indicators, scaled up)."""
    records, zone = {}, dt.timezone(dt.timedelta(hours=8))
    for indicator in indicators:
        records[indicator.id] = [
            Observation(m + 1, indicator.id, 30.0 * (m + 1), day, f"{day + dt.timedelta(days=5)}T02:00:00Z", "b")
            for m, day in enumerate(ends)
        ]
    city = [i._replace(allocations=()) for i in indicators]
    tree = build_tree(())
    rows = [Row(i, i, tree, indicator_periods(i, PLAN), CITY, (CITY,), zone) for i in city]
    began = time.perf_counter()
    counts = [escalation_count(row, PLAN, as_of, records[row.indicator.id]) for row in rows]
    fast = time.perf_counter() - began
    tenth = rows[: max(1, len(rows) // 10)]
    began = time.perf_counter()
    for row in tenth:
        reference_escalation(row, PLAN, records[row.indicator.id], as_of)
    definition = (time.perf_counter() - began) * len(city) / len(tenth)
    print(
        f"escalation ({sum(counts)} period ends)  {fast:6.2f} s   definition {definition:6.2f} s   {definition / fast:5.1f}×"
    )


if __name__ == "__main__":
    main()
