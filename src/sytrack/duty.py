"""The reporting cycle over a whole catalogue: reports, warnings and escalation, the chase list, the diff of reports.

Pure, like `cycle` and `replay` whose rules it applies: the store's aggregates (receipts per date,
the series in force, the records of the indicators that changed) and the dates are parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from sytrack.cycle import (
    Receipt,
    Timeliness,
    add_up,
    day_end,
    indicator_periods,
    is_overdue,
    overdue_rows,
    progress_warning,
    reporters,
    reports,
    tally,
    warn_days_of,
)
from sytrack.districts import figures_for
from sytrack.districts import org_series as judged_series
from sytrack.errors import UsageError
from sytrack.escalation import Row, escalation_count, receipts_stand
from sytrack.known_rollup import Changes, row_changes, standing_changes
from sytrack.model import CITY, Indicator, Observation, Plan
from sytrack.orgs import OrgTree, org_indicator, reporters_under
from sytrack.progress import Progress, evaluate
from sytrack.replay import CAUSES, DiffRow, Snapshot, change_causes, diff_row

ReceiptsByOrg = Mapping[str, Sequence[Receipt]]


def plan_zone(plan: Plan) -> dt.tzinfo:
    """The zone whose midnight ends a day for the cycle: the plan's, else UTC. Never the machine's
    own zone: a bulletin rebuilt on another machine must come out the same."""
    if plan.timezone is None:
        return dt.UTC
    from zoneinfo import ZoneInfo  # the catalogue checked the name when it was loaded

    return ZoneInfo(plan.timezone)


def known_by(day: dt.date, plan: Plan) -> str:
    """The cutoff of `--as-known DAY`: the first instant after DAY in the plan's zone, as a UTC
    timestamp; a record counts when it was recorded before it."""
    return day_end(day, plan_zone(plan))


class CycleFigures(NamedTuple):
    """What status shows of an indicator's reporting cycle."""

    warning: str  # red, yellow, blue or ""
    escalation: int  # consecutive period ends it was yellow or red at, as known at each
    reports: Timeliness  # expected, received, on time, over every org expected to report it


def reports_of(indicator: Indicator, plan: Plan, receipts: ReceiptsByOrg, as_of: dt.date) -> dict[str, list]:
    """Per org expected to report `indicator`, its reports due by `as_of`."""
    expected = indicator_periods(indicator, plan)
    zone = plan_zone(plan)
    return {org: reports(expected, receipts.get(org, ()), as_of, zone) for org in reporters(indicator)}


def cycle_figures(
    progress: Progress,
    plan: Plan,
    receipts: ReceiptsByOrg,
    records: Sequence[Observation] | None,
    tree: OrgTree,
    receipts_stand: bool = False,
    known: Changes | None = None,
) -> CycleFigures:
    """The warning of a row of status (red when any org's report is overdue), its escalation and
    its reports. `records` are the indicator's own, every org's (`Store.replay_records`), needed
    only to judge escalation; None when the indicator has no period end to judge it at, or when its
    receipts stand for them (`receipts_stand`, with the changes of the city's figure `known`:
    `city_changes`)."""
    indicator, as_of = progress.indicator, progress.as_of
    found = reports_of(indicator, plan, receipts, as_of)
    overdue = any(is_overdue(r) for r in found.values())
    count = 0
    expected = indicator_periods(indicator, plan)
    if (records is not None or receipts_stand) and expected:
        # The city's row as known at each period end, on its own figure else its orgs' roll-up: red
        # when any org expected to report had a report overdue then (see sytrack.escalation).
        row = Row(indicator, indicator, tree, expected, CITY, reporters(indicator), plan_zone(plan))
        count = escalation_count(row, plan, as_of, None if receipts_stand else records, receipts, known)
    warn_days = warn_days_of(indicator, plan)
    return CycleFigures(progress_warning(progress, warn_days, overdue), count, add_up(tally(r) for r in found.values()))


def city_changes(
    stream: Iterable[tuple[str, Sequence[tuple], Mapping[str, Sequence[tuple]]]],
    indicators: Mapping[str, Indicator],
    tree: OrgTree,
    receipts: Mapping[str, ReceiptsByOrg],
    found: dict[str, Changes],
) -> Iterator[tuple[str, Sequence[tuple], Mapping[str, Sequence[tuple]]]]:
    """`stream` (`Store.current_with_orgs`'s (indicator, the city's points, the orgs' points)) passed
    on as it comes, the changes of the city's figure of each of `indicators` put into `found` on the
    way, as its receipts and values in force give them (`known_rollup.standing_changes`): what
    `cycle_figures` judges escalation on where the receipts stand for the records. Only a few
    changes a date are kept, never the series of 10,000 indicators × 13 districts."""
    for item in stream:
        name, own, reported = item
        indicator = indicators.get(name)
        if indicator is not None and name in receipts:
            found[name] = row_changes(indicator, tree, standing_changes(own, reported, receipts[name]))
        yield item


def known_city_changes(
    stream: Iterable[tuple[str, Sequence[tuple], Mapping[str, Sequence[tuple]]]],
    indicators: Mapping[str, Indicator],
    tree: OrgTree,
    receipts: Mapping[str, ReceiptsByOrg],
) -> dict[str, Changes]:
    """`city_changes` of series already read: the changes alone, by indicator id."""
    found: dict[str, Changes] = {}
    for _ in city_changes(stream, indicators, tree, receipts, found):
        pass
    return found


def receipts_standing(
    indicators: Iterable[Indicator], counts: Mapping[str, int], receipts: Mapping[str, ReceiptsByOrg]
) -> set[str]:
    """The ids of the indicators whose city rows can be judged at every period end from their
    receipts alone (`escalation.receipts_stand`), given how many records each has: the others'
    records must be read."""
    return {i.id for i in indicators if receipts_stand(counts.get(i.id, 0), receipts.get(i.id, {}))}


def needs_escalation(indicator: Indicator, plan: Plan, as_of: dt.date) -> bool:
    """Whether an indicator has a period end on or before `as_of` to judge escalation at: only
    those need their records read."""
    expected = indicator_periods(indicator, plan)
    return bool(expected) and expected[0].end <= as_of


# --- remind: the chase list ------------------------------------------------------------------


class Chase(NamedTuple):
    indicator: str
    org: str
    period: str
    due: dt.date
    days_overdue: int


def chase_list(
    indicators: Iterable[Indicator],
    plan: Plan,
    receipts: Mapping[str, ReceiptsByOrg],
    as_of: dt.date,
    org: str | None = None,
) -> list[Chase]:
    """Every report due by `as_of` within each target's span and not in, worst first; only
    `org`'s when given. `receipts` maps indicator → org → receipts."""
    zone, rows = plan_zone(plan), []
    for indicator in indicators:
        if org is not None and org not in reporters(indicator):
            continue
        for row in overdue_rows(indicator, plan, receipts.get(indicator.id, {}), as_of, zone):
            if org is None or row[1] == org:
                rows.append(Chase(*row))
    return [Chase(*row) for row in sorted(rows, key=lambda r: (-r.days_overdue, r.indicator, r.org, r.due))]


class OrgTally(NamedTuple):
    org: str
    reports: Timeliness


def org_summary(
    indicators: Iterable[Indicator],
    plan: Plan,
    receipts: Mapping[str, ReceiptsByOrg],
    as_of: dt.date,
    org: str | None = None,
) -> list[OrgTally]:
    """Expected, received and on-time reports per org over every indicator it reports, in the order
    the orgs first appear; only `org` when given."""
    tallies: dict[str, list[Timeliness]] = {}
    for indicator in indicators:
        for name, found in reports_of(indicator, plan, receipts.get(indicator.id, {}), as_of).items():
            if org is None or name == org:
                tallies.setdefault(name, []).append(tally(found))
    return [OrgTally(name, add_up(found)) for name, found in tallies.items()]


# --- diff: what changed between two reports ------------------------------------------------

RED_ANYWAY = ("off-track", "missed")  # statuses that are red whatever the reports: none need checking


def row_reading(progress: Progress, plan: Plan, receipts: ReceiptsByOrg) -> tuple:
    """(figure, status, warning) of one row of a report, as `replay.diff_row` compares them."""
    indicator = progress.indicator
    overdue = progress.status not in RED_ANYWAY and any(
        is_overdue(found) for found in reports_of(indicator, plan, receipts, progress.as_of).values()
    )
    return progress.latest, progress.status, progress_warning(progress, warn_days_of(indicator, plan), overdue)


def require_order(before: dt.date, after: dt.date) -> dt.date:
    """`diff --from` after `--to` is bad usage; else the later date."""
    if before > after:
        raise UsageError(f"--from {before.isoformat()} is after --to {after.isoformat()}; swap them")
    return after


def targets_changed(before: Indicator | None, after: Indicator) -> bool:
    """Whether the catalogue changed what an indicator is judged against between two reports."""
    return before is not None and (before.targets != after.targets or before.allocations != after.allocations)


def diff_rows(
    readings: Iterable[tuple[Indicator, str, tuple, tuple]],
    records: Mapping[str, Sequence[Observation]],
    before: Snapshot,
    after: Snapshot,
    changed: set[str],
    tree: OrgTree,
) -> list[DiffRow]:
    """One row per indicator and org whose reading changed or that had something recorded between
    the two reports, with the causes: `readings` gives (indicator, org, before, after) readings
    (`row_reading`); `records` holds, by indicator, the records of every date with a record between
    the two cutoffs (the others can have changed only with time); `changed` the ids whose targets
    changed. A row's causes are found in the records of every reporter whose figure makes its
    figure: its own, and those of the orgs under it (`orgs.reporters_under`) that it rolls up."""
    rows = []
    by_org: dict[str, list[Observation]] = {}
    grouped = None
    for indicator, org, then, now in readings:
        if grouped != indicator.id:  # the readings come indicator by indicator
            grouped, by_org = indicator.id, {}
            for record in records.get(indicator.id, ()):
                by_org.setdefault(record.org, []).append(record)
        causes = _causes(by_org, reporters_under(tree, org), before, after, indicator.id in changed)
        row = diff_row(indicator.id, org, then, now, causes)
        if row is not None:
            rows.append(row)
    return rows


def _causes(
    by_org: Mapping[str, Sequence[Observation]], feeding: Iterable[str], before: Snapshot, after: Snapshot, target: bool
) -> tuple[str, ...]:
    """The causes found in the records of each reporter feeding a row, in CAUSES order."""
    found = {"target"} if target else set()
    for name in feeding:
        own = by_org.get(name)
        if own:  # one reporter's records at a time: change_causes knows them by date alone
            found.update(change_causes(own, before, after))
    return tuple(c for c in CAUSES if c in found)


def status_cycle(
    progresses: Iterable[Progress],
    plan: Plan,
    receipts: Mapping[str, ReceiptsByOrg],
    records: Mapping[str, Sequence[Observation]] | None,
    tree: OrgTree,
    org: str = CITY,
    indicators: Mapping[str, Indicator] | None = None,
    standing: Collection[str] = (),
    known: Mapping[str, Changes] | None = None,
) -> dict[str, CycleFigures]:
    """The cycle figures of every row of status, by indicator id: the city's rows, or with `org`
    that org's rows (`status --org`), each of the catalogue's indicator in `indicators` by id.
    `records` (by indicator) are read only when some indicator `needs_escalation`; None: none does.
    `standing` names the indicators whose receipts, with the changes of the city's figure `known`
    (`city_changes`), stand for their records (`receipts_standing`)."""
    found = {}
    for p in progresses:
        records_of = None if records is None else records.get(p.indicator.id, ())
        mine = receipts.get(p.indicator.id, {})
        if org == CITY:
            stands = p.indicator.id in standing
            changes = (known or {}).get(p.indicator.id, {}) if stands else None
            found[p.indicator.id] = cycle_figures(p, plan, mine, records_of, tree, stands, changes)
        else:
            indicator = (indicators or {})[p.indicator.id]
            found[p.indicator.id] = org_cycle_figures(p, indicator, org, plan, mine, records_of, tree)
    return found


def org_cycle_figures(
    progress: Progress,
    indicator: Indicator,
    org: str,
    plan: Plan,
    receipts: ReceiptsByOrg,
    records: Sequence[Observation] | None,
    tree: OrgTree,
) -> CycleFigures:
    """The figures of `org`'s row of `indicator` (its row judged on its allocation, `progress`):
    its own reports (none expected unless the indicator is allocated to it), red when one of them
    is overdue, and its escalation: judged at each period end, as known then, on its own figure
    else the roll-up of the orgs under it (`districts.org_series`), red when its own report was
    overdue then."""
    as_of, zone = progress.as_of, plan_zone(plan)
    expected = indicator_periods(indicator, plan)
    reporting = (org,) if org in reporters(indicator) else ()
    found = reports(expected, receipts.get(org, ()), as_of, zone) if reporting else []
    count = 0
    if records is not None and expected:
        row = Row(indicator, progress.indicator, tree, expected, org, reporting, zone)
        count = escalation_count(row, plan, as_of, records)
    warn_days = warn_days_of(indicator, plan)
    return CycleFigures(progress_warning(progress, warn_days, is_overdue(found)), count, tally(found))


def any_cadence(indicators: Iterable[Indicator], plan: Plan) -> bool:
    """Whether any report is expected at all: else the store need not be asked for receipts."""
    return any(indicator_periods(i, plan) for i in indicators)


def diff_readings(
    indicators: Iterable[Indicator],
    plan: Plan,
    series: tuple[Mapping, Mapping],
    receipts: tuple[Mapping, Mapping],
    before: Snapshot,
    after: Snapshot,
    before_indicators: Mapping[str, Indicator] | None = None,
    org_series: tuple[Mapping, Mapping] = ({}, {}),
    *,
    trees: tuple[OrgTree, OrgTree],
) -> Iterator[tuple[Indicator, str, tuple, tuple]]:
    """(indicator, org, reading before, reading after) for `diff_rows`: the city's row of each
    indicator, then a row per org it is allocated to (judged on its allocation, `orgs.org_indicator`),
    each judged as of each report's date on what was known then (`series`, `org_series` and
    `receipts` as the store gave them at each cutoff) and on the figure status shows then: the
    city's own else its orgs' roll-up (`districts.figures_for`, along each report's org tree in
    `trees`), an org's own else the roll-up of the orgs under it (`districts.org_series`). The
    earlier report is judged on the earlier catalogue's indicator when one is given."""
    for indicator in indicators:
        earlier = (before_indicators or {}).get(indicator.id, indicator)
        reports = ((earlier, before, 0), (indicator, after, 1))
        figures = [
            figures_for(judged_on, trees[n], series[n].get(indicator.id, ()), org_series[n].get(indicator.id), plan)
            for judged_on, _, n in reports
        ]
        city = [
            _reading(judged_on, plan, figures[n].series, snapshot, receipts[n].get(indicator.id, {}))
            for judged_on, snapshot, n in reports
        ]
        yield indicator, CITY, city[0], city[1]
        for org in (a.org for a in indicator.allocations):
            judged = [org_indicator(earlier, org) or org_indicator(indicator, org), org_indicator(indicator, org)]
            # An org's indicator has no allocations: it reports as itself, so its receipts are the org's.
            readings = [
                _reading(
                    judged[n],
                    plan,
                    judged_series(figures[n], org_series[n].get(indicator.id), org),
                    snapshot,
                    {CITY: receipts[n].get(indicator.id, {}).get(org, [])},
                )
                for _, snapshot, n in reports
            ]
            yield indicator, org, readings[0], readings[1]


def _reading(indicator: Indicator, plan: Plan, points: Sequence, snapshot: Snapshot, receipts: ReceiptsByOrg) -> tuple:
    return row_reading(evaluate(indicator, points, snapshot.as_of, plan), plan, receipts)
