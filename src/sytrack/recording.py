"""What one `record` writes: the new observation from what the user typed, and the checks it must pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sytrack.model import CITY, Indicator, Plan
from sytrack.store import NewObservation


def new_observation(
    indicator: Indicator,
    value: str,
    date: dt.date | None,
    today: dt.date,
    plan: Plan,
    recorded_by: str,
    note: str,
    source: str,
    add: bool,
    org: str = CITY,
    denominator: float | None = None,
) -> NewObservation:
    """The record a user means: the value read by the indicator's unit (an increment with --add),
    dated by --date (a period means its last day) or today, checked to be recordable then."""
    from sytrack.queries import increment_since
    from sytrack.values import check_recordable_date, parse_number, parse_value

    as_of = date if date is not None else today
    check_recordable_date(as_of, indicator, today)
    add_since = increment_since(indicator, as_of, plan) if add else None
    number = parse_number(value, indicator.unit) if add else parse_value(value, indicator)
    return NewObservation(
        indicator.id, as_of, number, recorded_by, note, source, add_since=add_since, org=org, denominator=denominator
    )


def value_checks(
    indicator: Indicator, judged: Indicator, history: Sequence[float], strict: bool
) -> Callable[[float], None]:
    """What the final value (after --add) must pass before anything is written: possible for its
    kind, and, with --strict, plausible against the history by the yardstick it is `judged` by (an
    org's own allocation, or the indicator's)."""
    from sytrack.plausibility import judge_plausibility
    from sytrack.values import check_value

    def check(total: float) -> None:
        check_value(total, indicator)
        judge_plausibility(total, judged, history, strict)

    return check
