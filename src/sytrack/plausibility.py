"""Plausibility, pure: whether a new value is far outside what the indicator's own figures lead one to expect.

A typed value that is wrong by a power of ten (1130 for 113, 0.025 for 2.5%, 4.1 for 4.1万) is
still recorded, because sytrack never second-guesses a figure; but it gets one warning that names
the range expected, and `--strict` refuses it instead. The range comes from the indicator's recent
history when there is enough of it, else from its baseline and targets:

- counts, amounts, shares and ranks (positive figures): within a third to three times the values
  it is drawn from (a ratio band), widened by a modified z-score of 3.5 on their logarithms when
  the history is noisy; a flow starts again from 0 each period, so its range starts at 0;
- rates and signed figures: the values' own spread plus twice their largest size on either side,
  widened the same way by the modified z-score.

A value 10 times (or a tenth of) a steady history's is always outside the first; 10 times a rate's
is outside the second, but a rate near 0 is a plausible rate, so a tenth of one is not warned.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Iterable, Mapping, Sequence

from sytrack.errors import SytrackError
from sytrack.model import Indicator
from sytrack.values import format_human, format_plain, is_percent_unit

RECENT = 8  # the latest values the range is drawn from
MIN_HISTORY = 3  # with fewer, the baseline and the targets give the range
RATIO = 3.0  # a positive figure within a third to three times the values it is judged by
SIGNED_SPAN = 2.0  # a signed figure within twice the largest size of those values beyond them
Z_LIMIT = 3.5  # the modified z-score (Iglewicz and Hoaglin) beyond which a value is an outlier
_MAD_TO_SIGMA = 0.6745  # the median absolute deviation of a normal sample is 0.6745 σ
_POSITIVE_KINDS = ("level", "flow", "share", "rank")


class Band:
    """The range a new value is expected in, and what it was drawn from (for the message). A plain
    class: a NamedTuple costs `record` about half a millisecond to create at import."""

    __slots__ = ("low", "high", "basis")

    def __init__(self, low: float, high: float, basis: str) -> None:
        self.low, self.high, self.basis = low, high, basis


def _references(indicator: Indicator) -> list[float]:
    """The figures the catalogue gives for an indicator: its baseline and every target's values."""
    figures = [indicator.baseline.value] if indicator.baseline else []
    for target in indicator.targets:
        figures += [v for v in (target.value, target.low, target.high, target.stretch) if v is not None]
    return figures


def _median(values: Iterable[float]) -> float:
    """The median, by hand: the statistics module costs `record` 7 ms to import (fractions, decimal)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _noise(values: Sequence[float]) -> float:
    """The half-width beyond the median at which a value's modified z-score reaches Z_LIMIT."""
    centre = _median(values)
    spread = _median(abs(v - centre) for v in values)
    return Z_LIMIT * spread / _MAD_TO_SIGMA


def _ratio_band(values: Sequence[float]) -> tuple[float, float]:
    """A third of the least to three times the largest, widened in log space for a noisy history."""
    logs = [math.log(v) for v in values]
    centre, noise = _median(logs), _noise(logs)
    widest = 700.0  # e^700 ≈ 1e304: a history spanning hundreds of powers of ten has no useful range
    return (
        min(min(values) / RATIO, math.exp(max(centre - noise, -widest))),
        min(max(max(values) * RATIO, math.exp(min(centre + noise, widest))), sys.float_info.max),
    )


def _signed_band(values: Sequence[float]) -> tuple[float, float] | None:
    """The values' spread and twice their largest size on each side; None when all are 0."""
    size = max(abs(v) for v in values)
    if size == 0:
        return None
    width = max(SIGNED_SPAN * size, _noise(values))
    return min(values) - width, max(values) + width


def expected_band(indicator: Indicator, history: Sequence[float]) -> Band | None:
    """The range expected for a new value of `indicator`, given its history (the values in force
    before the new one, oldest first); None when nothing can be said (a milestone, no figures)."""
    if indicator.kind == "milestone":
        return None
    recent = [v for v in history[-RECENT:] if math.isfinite(v)]
    if len(recent) >= MIN_HISTORY:
        values, basis = recent, f"its last {len(recent)} values"
    else:
        values, basis = recent + _references(indicator), "its baseline and targets"
        if recent:
            basis = "its values, baseline and targets"
    if not values:
        return None
    if indicator.kind in _POSITIVE_KINDS and min(values) > 0:
        low, high = _ratio_band(values)
    else:
        signed = _signed_band(values)
        if signed is None:
            return None
        low, high = signed
    if indicator.kind == "flow":
        low = min(low, 0.0)  # a flow counts from 0 again each period: any small total is plausible
    if indicator.kind == "share":
        high = min(high, 100.0)  # a share beyond 100% is refused anyway; the range says what is possible
    largest = sys.float_info.max  # figures near the float limit must not make an infinite range
    return Band(max(low, -largest), min(high, largest), basis)


def _shown(value: float, unit: str) -> str:
    """A range's end to three significant figures: the range is a judgement, not a figure."""
    return format_human(float(f"{value:.3g}"), unit)


def _as_typed(value: float, unit: str) -> str:
    """The value with every digit it has: 0.025 must not read as 0.03 in a warning about it."""
    if round(value, 2) == value:
        return format_human(value, unit)
    return format_human(1.0, unit).replace("1", format_plain(value), 1)


def _warning(value: float, indicator: Indicator, band: Band, whose: str | None = None) -> str:
    unit = indicator.unit
    text = (
        f"{_as_typed(value, unit)} for {whose or indicator.id} is far outside the expected "
        f"{_shown(band.low, unit)} to {_shown(band.high, unit)} (from {band.basis})"
    )
    if is_percent_unit(unit) and 0 < abs(value) < 1 and band.low <= value * 100 <= band.high:
        text += f"; did you mean {format_human(round(value * 100, 10), unit)}?"
    return text


def plausibility_warning(value: float, indicator: Indicator, history: Sequence[float]) -> str | None:
    """One line saying that `value` is far outside the expected range (and naming it), or None."""
    band = expected_band(indicator, history)
    if band is None or band.low <= value <= band.high:
        return None
    return _warning(value, indicator, band)


def history_before(points: Sequence[tuple[dt.date, float]], as_of: dt.date) -> list[float]:
    """The history a new value dated `as_of` is judged by: the values in force dated before it
    (a value for the same date is the one it replaces)."""
    return [value for day, value in points if day < as_of]


def judge_plausibility(value: float, indicator: Indicator, history: Sequence[float], strict: bool) -> str | None:
    """The warning for `record` to print, or, with --strict, the refusal."""
    warning = plausibility_warning(value, indicator, history)
    if warning and strict:
        raise SytrackError(f"{warning}; --strict refuses it: check the value, or leave out --strict to record it")
    return warning


# What `import` says about its implausible rows: how many, and the first one's warning.
Implausible = tuple[int, str | None]
Reporter = tuple[str, str]  # (indicator id, org): whose figures a row of an import is judged among


def import_bands(
    judged: Mapping[Reporter, Indicator], histories: Mapping[Reporter, Sequence[float]]
) -> dict[Reporter, tuple[Indicator, Band]]:
    """The range each (indicator, org) of an import is expected in: drawn once, by the yardstick
    it is judged by (`judged`: the indicator for the city, an org's allocation for an org, as
    `record --org` judges it) from that reporter's own values stored before the import (oldest
    first); the file's own rows are judged, not used as history. None kept for no range."""
    bands = {}
    for reporter, indicator in judged.items():
        band = expected_band(indicator, histories.get(reporter, ()))
        if band is not None:
            bands[reporter] = (indicator, band)
    return bands


def import_implausible(
    bands: Mapping[Reporter, tuple[Indicator, Band]], outside: tuple[int, tuple[str, str, float] | None]
) -> Implausible:
    """`outside` (how many rows lie outside their band, and the first as (indicator, org, value))
    as the count and the first one's warning, naming its org. Only the first is worded."""
    count, first = outside
    if not count or first is None:
        return 0, None
    indicator_id, org, value = first
    indicator, band = bands[indicator_id, org]
    return count, _warning(value, indicator, band, f"{indicator_id} ({org})" if org else None)


def import_summary(implausible: Implausible, strict: bool) -> str | None:
    """The one line `import` prints for the rows it warned about; with --strict, the refusal."""
    count, first = implausible
    if not count:
        return None
    rows = "1 row is" if count == 1 else f"{count} rows are"
    text = f"{rows} far outside the expected range ({'the first: ' if count > 1 else ''}{first})"
    if strict:
        raise SytrackError(f"{text}; --strict refuses the file: nothing was written")
    return f"{text}; imported as written"
