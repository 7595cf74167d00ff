"""The records sytrack works with: plans, groups, indicators, targets, observations, progress.

Records are named tuples rather than frozen dataclasses: as immutable and as typed, but a frozen
dataclass costs about half a millisecond to create at import, and `record` imports a dozen."""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple, Protocol

from sytrack.errors import Where

KINDS = ("level", "flow", "share", "rate", "rank", "milestone")
DIRECTIONS = ("increase", "decrease")
COMPARISONS = ("at-least", "more-than", "at-most", "less-than", "about", "between")
STATUSES = ("achieved", "on-track", "behind", "off-track", "missed", "pending", "no-data")

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


class Group(NamedTuple):
    id: str
    name_zh: str
    name_en: str
    order: int
    where: Where | None = None

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


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

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

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

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class CachedIndicators(Protocol):
    """Indicators kept encoded (by the catalogue cache), decoded on demand, in catalogue order."""

    def ids(self) -> list[str]: ...

    def decode(self, indicator_id: str) -> Indicator | None: ...

    def decode_all(self) -> tuple[Indicator, ...]: ...

    def close(self) -> None: ...


class Catalogue:
    """A plan, its groups and its indicators. The indicators may come decoded already, or from the
    catalogue cache, which decodes one only when it is asked for: `record` against 10,000
    indicators does not pay for the other 9,999."""

    def __init__(self, path: str, plan: Plan, groups: tuple[Group, ...],
                 indicators: tuple[Indicator, ...] | None = None, cached: CachedIndicators | None = None) -> None:
        assert (indicators is None) != (cached is None)
        self.path, self.plan, self.groups = path, plan, groups
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

    def close(self) -> None:
        """Let go of the cache file it reads from, if any; it stays usable."""
        if self._cached is not None:
            self._cached.close()

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
