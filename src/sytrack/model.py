"""The records sytrack works with: plans, groups, orgs, indicators, targets, observations.

Records are named tuples rather than frozen dataclasses: as immutable and as typed, but a frozen
dataclass costs about half a millisecond to create at import, and `record` imports a dozen.
This module imports nothing of sytrack's: every other module may import it."""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple, Protocol

KINDS = ("level", "flow", "share", "rate", "rank", "milestone")
DIRECTIONS = ("increase", "decrease")
COMPARISONS = ("at-least", "more-than", "at-most", "less-than", "about", "between")
STATUSES = ("achieved", "on-track", "behind", "off-track", "missed", "pending", "no-data")
ORG_KINDS = ("district", "department", "other")
CADENCES = ("monthly", "quarterly", "half-yearly", "yearly")
WARNINGS = ("red", "yellow", "blue")  # worst first; no warning is ""

# The city itself, in records: a record with no org is the city's own figure.
CITY = ""


class Where(NamedTuple):
    """A place in a file: every problem a user can fix points at one."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


# Kinds whose values are counted things or amounts and can never be negative.
NON_NEGATIVE_KINDS = ("level", "flow", "share", "rank", "milestone")


class Baseline(NamedTuple):
    value: float
    date: dt.date


class Target(NamedTuple):
    deadline: dt.date
    comparison: str
    value: float | None = None  # None for a range ("between") target
    low: float | None = None
    high: float | None = None
    tolerance: float | None = None  # for "about"
    start: dt.date | None = None  # explicit start of the target's period, if the catalogue gives one
    # A graded target (确保 X, 力争 Y): `value` is the commitment that status judges; `stretch` the
    # further value the plan strives for, judged with the same comparison. None: no stretch.
    stretch: float | None = None

    def is_met(self, value: float) -> bool:
        """Whether `value` satisfies this target."""
        if self.comparison == "between":
            assert self.low is not None and self.high is not None
            return self.low <= value <= self.high
        assert self.value is not None
        if self.comparison == "at-least":
            return value >= self.value
        if self.comparison == "more-than":
            return value > self.value
        if self.comparison == "at-most":
            return value <= self.value
        if self.comparison == "less-than":
            return value < self.value
        return abs(value - self.value) <= (self.tolerance or 0.0)

    def goal(self, direction: str) -> float:
        """The single value progress is measured towards: a range's near end."""
        if self.value is not None:
            return self.value
        assert self.low is not None and self.high is not None
        return self.low if direction == "increase" else self.high


# Why a status is what it is (docs/progress.md, section 10), each code with the names of the figures it cites.
REASONS = {
    "target-met": (),
    "target-missed": (),
    "beyond-far-end": (),
    "moving-away": (),
    "below-start": (),
    "nothing-due": (),
    "pace-on-track": ("pace", "on_track"),
    "pace-below": ("pace", "threshold"),
    "rate-reached": (),
    "rate-reached-so-far": (),
    "rate-missed": (),
    "rate-share": ("share",),
    "rate-share-below": ("share", "off_track"),
    "late-only": (),
    "nothing-after": ("start",),
    "nothing-since": ("start",),
    "done": (),
    "not-yet-due": (),
    "deadline-unrecorded": (),
    "not-done": (),
}


class Reason(NamedTuple):
    """Why a status is what it is: a code of REASONS and the figures it cites (a pace, a threshold,
    a date), kept apart from any wording so that each language words it at the view layer."""

    code: str
    figures: tuple[float | dt.date, ...] = ()


class Group(NamedTuple):
    id: str
    name_zh: str
    name_en: str
    order: int
    where: Where | None = None

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


class Org(NamedTuple):
    """A district, county or department (单位) that targets are allocated to and that reports figures.
    `parent` is another org above it; None means directly under the plan, i.e. the city."""

    id: str
    name_zh: str
    name_en: str
    parent: str | None = None
    kind: str = "other"  # one of ORG_KINDS
    where: Where | None = None

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


class Allocation(NamedTuple):
    """An org's share of an indicator's target (任务分解). Deadline and comparison are the final
    target's unless given; `weight` weighs the org in a share's or rate's roll-up."""

    org: str
    value: float
    deadline: dt.date | None = None
    comparison: str | None = None
    weight: float | None = None
    where: Where | None = None


class Indicator(NamedTuple):
    id: str
    group: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    direction: str
    targets: tuple[Target, ...]
    unit_en: str = ""
    baseline: Baseline | None = None
    department: str = ""
    source_text: str = ""
    doubt: str = ""
    where: Where | None = None
    lead: str | None = None  # the org that leads (牵头)
    allocations: tuple[Allocation, ...] = ()
    cadence: str | None = None  # None: the plan's
    due_days: int | None = None  # None: the plan's
    warn_days: int | None = None  # None: the plan's
    # The doubt in each language; `doubt` is the text in whichever language it was written.
    doubt_zh: str = ""
    doubt_en: str = ""
    disagreement_tolerance: float | None = None  # None: the plan's

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def doubt_in(self, lang: str) -> str:
        """The doubt in `lang`: the language's own field when the catalogue gives it, else `doubt`."""
        return (self.doubt_zh if lang == "zh" else self.doubt_en) or self.doubt

    @property
    def doubtful(self) -> bool:
        return bool(self.doubt or self.doubt_zh or self.doubt_en)

    def unit_in(self, lang: str) -> str:
        return self.unit_en if lang == "en" and self.unit_en else self.unit


class Plan(NamedTuple):
    id: str
    title_zh: str
    title_en: str
    start: dt.date
    language: str = "zh"
    time_basis: str = "day"  # or "month"
    on_track: float = 0.95
    off_track: float = 0.6
    source: str = ""
    cadence: str | None = None  # one of CADENCES; None: no reports are expected
    due_days: int = 10  # a period's report is due this many days after the period ends
    warn_days: int = 30  # blue warning when the deadline is this near
    timezone: str | None = None  # IANA name that says what "today" is; None: the machine's local zone
    # How far an own figure and its orgs' roll-up may differ, as a fraction of the own figure, before
    # status and explain say so (statistics bureaus and districts round differently: 1% is not news).
    disagreement_tolerance: float = 0.01

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class CachedIndicators(Protocol):
    """Indicators kept encoded (by the catalogue cache), decoded on demand, in catalogue order."""

    def ids(self) -> list[str]: ...

    def decode(self, indicator_id: str) -> Indicator | None: ...

    def decode_all(self) -> tuple[Indicator, ...]: ...


class Catalogue:
    """A plan, its groups, orgs and indicators. The indicators may come decoded already, or from
    the catalogue cache, which decodes one only when it is asked for: `record` against 10,000
    indicators does not pay for the other 9,999 (decoding them all costs more than the rest of
    the command)."""

    def __init__(
        self,
        path: str,
        plan: Plan,
        groups: tuple[Group, ...],
        indicators: tuple[Indicator, ...] | None = None,
        cached: CachedIndicators | None = None,
        orgs: tuple[Org, ...] = (),
    ) -> None:
        assert (indicators is None) != (cached is None)
        self.path, self.plan, self.groups, self.orgs = path, plan, groups, orgs
        self._cached = cached
        if indicators is not None:
            self.__dict__["indicators"] = indicators

    @functools.cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        assert self._cached is not None
        return self._cached.decode_all()

    @functools.cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    @property
    def ids(self) -> list[str]:
        if self._cached is not None and "indicators" not in self.__dict__:
            return self._cached.ids()
        return [i.id for i in self.indicators]

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def find(self, indicator_id: str) -> Indicator | None:
        if self._cached is not None and "indicators" not in self.__dict__:
            return self._cached.decode(indicator_id)
        return self._by_id.get(indicator_id)

    def org(self, org_id: str) -> Org | None:
        return next((o for o in self.orgs if o.id == org_id), None)

    def in_group_order(self) -> list[Indicator]:
        """Indicators by group order, then file order within a group."""
        rank = {g.id: (g.order, n) for n, g in enumerate(self.groups)}
        return sorted(self.indicators, key=lambda i: rank[i.group])


class Observation(NamedTuple):
    """One stored record: a value as of a date, or the retraction of an earlier record."""

    id: int
    indicator: str
    value: float | None  # None for a retraction
    as_of: dt.date
    recorded_at: str  # ISO 8601 UTC
    recorded_by: str
    note: str = ""
    source: str = ""
    supersedes: int | None = None
    retracts: int | None = None
    state: str = "current"  # current | superseded | retracted | retraction
    org: str = CITY  # the org that reported it; CITY for the city's own figure
    denominator: float | None = None  # a share's or rate's base (the number of enterprises it is a share of)
