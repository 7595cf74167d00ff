"""Which indicators and records a report is about: selection, filters and orderings of plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from sytrack.errors import UsageError
from sytrack.model import STATUSES, Catalogue, Indicator, Observation


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def require_group(catalogue: Catalogue, group: str | None) -> None:
    """An option naming a group the catalogue does not have is bad usage."""
    ids = [g.id for g in catalogue.groups]
    if group is not None and group not in ids:
        raise UsageError(f"unknown group {group!r}{_did_you_mean(group, ids)}; groups: {', '.join(ids)}")


def parse_statuses(text: str | None) -> set[str] | None:
    """`--status on-track,behind` as a set; None for no filter."""
    if not text:
        return None
    wanted = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - set(STATUSES))
    if unknown:
        raise UsageError(
            f"unknown status {', '.join(unknown)}{_did_you_mean(unknown[0], STATUSES)}; use {', '.join(STATUSES)}"
        )
    return wanted


def deadline_years(indicators: Iterable[Indicator]) -> list[int]:
    return sorted({t.deadline.year for i in indicators for t in i.targets})


def indicators_for(catalogue: Catalogue, group: str | None = None, target_year: int | None = None) -> list[Indicator]:
    """The indicators a report covers, in group order: one group's, and only those with a
    target due in `target_year` when it is given."""
    require_group(catalogue, group)
    chosen = [i for i in catalogue.in_group_order() if group is None or i.group == group]
    if target_year is not None:
        chosen = [i for i in chosen if any(t.deadline.year == target_year for t in i.targets)]
        if not chosen:
            years = ", ".join(map(str, deadline_years(catalogue.indicators)))
            raise UsageError(f"no target is due in {target_year}; deadlines: {years}")
    return chosen


def require_target_year(indicator: Indicator, target_year: int | None) -> None:
    if target_year is not None and not any(t.deadline.year == target_year for t in indicator.targets):
        years = ", ".join(map(str, deadline_years([indicator])))
        raise UsageError(f"{indicator.id} has no target due in {target_year} (its deadlines: {years})")


def select_progress(progresses: Sequence, statuses: set[str] | None, worst_first: bool) -> list:
    """The judged indicators a status report shows: those of the wanted statuses, worst first
    when asked (a stable sort: catalogue order within a status)."""
    from sytrack.progress import SEVERITY

    chosen = [p for p in progresses if statuses is None or p.status in statuses]
    if worst_first:
        chosen.sort(key=lambda p: SEVERITY.index(p.status))
    return chosen


def failing_check(progresses: Sequence, threshold: str | None) -> str | None:
    """`--fail-on STATUS`: why the check failed, in one line (the first five ids), or None."""
    from sytrack.progress import is_at_or_worse

    if threshold is None:
        return None
    failing = [p for p in progresses if is_at_or_worse(p.status, threshold)]
    if not failing:
        return None
    return (
        f"{len(failing)} indicator{'s' * (len(failing) != 1)} {threshold} or worse"
        f" (--fail-on {threshold}): {', '.join(p.indicator.id for p in failing[:5])}"
        f"{', ...' if len(failing) > 5 else ''}"
    )


def known_records(records: Iterable[Observation], known: set[str]) -> Iterator[Observation]:
    """Records of indicators the catalogue has, lazily (`check` reports the others)."""
    return (o for o in records if o.indicator in known)


def increment_since(indicator: Indicator, as_of: dt.date, plan) -> dt.date:
    """`record --add`: the value is an increment on the latest total since its target's period began."""
    from sytrack.progress import choose_target, start_point

    if indicator.kind not in ("flow", "level"):
        raise UsageError(f"--add is for counts (flow or level); {indicator.id} is a {indicator.kind}")
    return start_point(indicator, choose_target(indicator, as_of)[0], plan)[0]
