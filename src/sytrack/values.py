"""Parsing what users type: numbers with 万/亿/%/commas, yes/no, and dates or periods (2023-Q2)."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from sytrack.errors import SytrackError
from sytrack.model import NON_NEGATIVE_KINDS, Indicator, Target

MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
# Longest first, so that 万亿 is not read as 万.
_MAGNITUDE_ORDER = sorted(MAGNITUDES, key=len, reverse=True)

_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_YES = {"yes", "y", "done", "true", "1", "是", "完成", "已完成", "建成", "已建成"}
_NO = {"no", "n", "not done", "false", "0", "否", "未完成", "未建成"}
_NOT_FINITE = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}

_PLAIN = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")
DATE_FORMS = "2023-06-30, 2023-06, 2023-Q2, 2023-H1 or 2023"


def normalise(text: str) -> str:
    """Fold full-width digits, commas and percent signs (common in Chinese input) to ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


# Unicode's numbers that are not decimal digits: superscripts and subscripts (10², 4₂), circled
# and parenthesised digits (①, ⑴, ⒈), fractions (½), Roman numerals (Ⅻ). NFKC would fold them
# into plain digits (10² -> 102), so they are refused before folding. Decimal digits of any script
# (full-width, Arabic-Indic, Devanagari: category Nd) are read as digits.
_NOT_DECIMAL = ("No", "Nl")


def check_plain_digits(text: str, what: str = "number") -> None:
    """Refuse a number (or, with what="date", a date) holding a number character that is not a
    decimal digit, naming the character."""
    for char in text:
        if unicodedata.category(char) in _NOT_DECIMAL:
            name = unicodedata.name(char, "a number sign").lower()
            if what == "date":
                raise SytrackError(
                    f"{_shorten(text)!r} is not a date: {char!r} ({name}) is not a plain digit (use {DATE_FORMS})"
                )
            raise SytrackError(
                f"{_shorten(text)!r}: {char!r} ({name}) is not a plain digit; "
                f"type the number with the digits 0-9 (10² as 100)"
            )


def split_unit(unit: str) -> tuple[float, str]:
    """Split a catalogue unit such as 亿元 into its magnitude (1e8) and base (元)."""
    unit = normalise(unit)
    for prefix in _MAGNITUDE_ORDER:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return MAGNITUDES[prefix], unit[len(prefix) :]
    return 1.0, unit


def is_percent_unit(unit: str) -> bool:
    return normalise(unit) == "%"


def parse_number(text: str, unit: str) -> float:
    """Read a number as typed (41,000 / 4.1万 / 8000亿元 / 65%) and return it in `unit`.

    Raises SytrackError with a one-line reason when the text is not a number or its
    suffix contradicts the unit.
    """
    if _PLAIN.fullmatch(text):
        return float(text)  # the common case (and every export): digits in the indicator's unit
    raw = _shorten(text)
    check_plain_digits(text)
    text = normalise(text).replace(" ", "")
    if not text:
        raise SytrackError("no value given")
    if text.lower() in _NOT_FINITE:
        raise SytrackError(f"{raw!r} is not a finite number: NaN and infinity cannot be recorded")
    match = _NUMBER.match(text)
    if not match:
        raise SytrackError(f"{raw!r} is not a number (examples: 41000, 41,000, 4.1万, 65%)")
    number_text, suffix = match.group(0), text[match.end() :]
    if suffix[:1] in (",", "."):
        raise SytrackError(f"{raw!r}: commas may only group thousands (41,000); use . for decimals")
    number = float(number_text.replace(",", ""))
    if not math.isfinite(number):
        raise SytrackError(f"{raw!r} is too large to store")

    unit_magnitude, unit_base = split_unit(unit)
    percent_unit = is_percent_unit(unit)
    if suffix == "%":
        if not percent_unit:
            raise SytrackError(f"{raw!r} is a percentage, but this indicator is counted in {unit}")
        return number
    magnitude = None  # a bare number is already in the indicator's unit
    for prefix in _MAGNITUDE_ORDER:
        if suffix.startswith(prefix):
            magnitude, suffix = MAGNITUDES[prefix], suffix[len(prefix) :]
            break
    if percent_unit and (magnitude is not None or suffix):
        raise SytrackError(f"{raw!r}: this indicator is a percentage; type 65 or 65%")
    if suffix and suffix != unit_base:
        raise SytrackError(f"{raw!r}: the suffix {suffix!r} does not match the unit {unit}")
    if magnitude is None:
        if suffix and unit_magnitude != 1.0:
            raise SytrackError(f"{raw!r}: give the value in {unit} (e.g. {number_text}{unit}) or with 万/亿")
        return number
    value = number * magnitude / unit_magnitude
    if not math.isfinite(value):
        raise SytrackError(f"{raw!r} is too large to store")
    return value


def _shorten(text: str, limit: int = 40) -> str:
    """Keep an echoed input short enough for a one-line message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_done(text: str) -> float:
    """Read a milestone's state: 1.0 for done, 0.0 for not done."""
    check_plain_digits(text)
    folded = normalise(text).lower()
    if folded in _YES:
        return 1.0
    if folded in _NO:
        return 0.0
    raise SytrackError(f"{_shorten(text)!r} is not a milestone state (use yes/no, done, 是/否)")


def parse_value(text: str, indicator: Indicator) -> float:
    """Read a value for `indicator` and check it makes sense for its kind."""
    if indicator.kind == "milestone":
        return parse_done(text)
    value = parse_number(text, indicator.unit)
    check_value(value, indicator, shown=text)
    return value


# Units that count whole things: a fractional smart factory is a typing mistake.
# Units that count whole things (factories, households, stations): a value in one is a whole
# number. The one list: extraction reads these as counts, and a record in one must be whole.
COUNT_UNITS = ("个", "户", "家", "项", "条", "座", "位", "所", "台", "辆", "套", "件", "种", "次", "名", "处")
# Beyond this a float holds no fraction anyway, and int() would print digits it does not have.
_WHOLE_LIMIT = 1e15


def whole_number(value: float) -> int | None:
    """The value as an int when it is a whole number sytrack prints without a fraction (41000, not
    41000.0), else None. The one rule for every format; the store's SQL export spells the same."""
    if value == int(value) and abs(value) < _WHOLE_LIMIT:
        return int(value)
    return None


def impossible_value(value: float, kind: str, unit: str = "") -> str | None:
    """Why a value cannot be one of `kind` (a negative count, a share over 100), or None."""
    if not math.isfinite(value):
        return "not a finite number"
    if kind in ("level", "flow") and unit in COUNT_UNITS and not float(value).is_integer():
        return f"{unit} counts whole things; give a whole number"
    if kind == "milestone" and value not in (0.0, 1.0):
        return "a milestone is done (1) or not done (0)"
    if kind == "share" and not 0 <= value <= 100:
        return "a share must lie between 0 and 100 percent"
    if kind == "rank" and value < 1:
        return "a rank starts at 1"
    if kind in NON_NEGATIVE_KINDS and value < 0:
        return f"a {kind} cannot be negative"
    return None


def check_value(value: float, indicator: Indicator, shown: str | None = None) -> None:
    """Reject a value that the indicator's kind cannot take."""
    reason = impossible_value(value, indicator.kind, indicator.unit)
    if reason:
        shown = shown if shown is not None else format_plain(value)
        raise SytrackError(f"{shown!r}: {reason}")


def _end_of_month(year: int, month: int) -> dt.date:
    import calendar  # only periods (2023-06, 2023-Q2) need it, not the dates most values carry

    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_date(text: str) -> dt.date:
    """Read a date or a period and return the date it ends on (2023-Q2 -> 2023-06-30)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:
            return dt.date.fromisoformat(text)  # the common case, and the form exports use
        except ValueError:
            pass
    check_plain_digits(text, "date")
    folded = normalise(text).upper().replace("/", "-").replace(".", "-")
    folded = re.sub(r"(\d)年(\d)", r"\1-\2", folded)
    folded = re.sub(r"(\d)月(\d)", r"\1-\2", folded).rstrip("年月日")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", folded):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", folded):
            return _end_of_month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", folded):
            return _end_of_month(int(m[1]), int(m[2]) * 3)
        if m := re.fullmatch(r"(\d{4})-?H([12])", folded):
            return _end_of_month(int(m[1]), int(m[2]) * 6)
        if m := re.fullmatch(r"(\d{4})", folded):
            return dt.date(int(m[1]), 12, 31)
    except ValueError:
        pass  # a well-formed but impossible date such as 2023-02-30
    raise SytrackError(f"{_shorten(text)!r} is not a date (use {DATE_FORMS})")


def parse_period_start(text: str) -> dt.date:
    """Read a date or a period and return the day it begins (2023-Q2 -> 2023-04-01)."""
    end = parse_date(text)
    folded = normalise(text).upper().rstrip("年")
    if re.fullmatch(r"\d{4}", folded):
        return dt.date(end.year, 1, 1)
    if re.search(r"Q[1-4]$", folded):
        return dt.date(end.year, end.month - 2, 1)
    if re.search(r"H[12]$", folded):
        return dt.date(end.year, end.month - 5, 1)
    if re.fullmatch(r"\d{4}[-/.年]\d{1,2}月?", folded):
        return end.replace(day=1)
    return end


def today_in(timezone: str | None, now_utc: dt.datetime) -> dt.date:
    """The one "today" of every command: the date at `now_utc` in the plan's `timezone` (an IANA
    name such as Asia/Shanghai), or in the machine's local zone when the plan names none."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=dt.UTC)
    if timezone is None:
        return now_utc.astimezone().date()
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only plans that name a zone need it

    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SytrackError(
            f"unknown timezone {_shorten(timezone)!r} in [plan]; use an IANA name such as "
            f"Asia/Shanghai, or leave it out for this machine's zone"
        ) from None
    return now_utc.astimezone(zone).date()


def check_recordable_date(date: dt.date, indicator: Indicator, today: dt.date) -> None:
    """A value may not be dated in the future, nor before the indicator's baseline. `today` is
    `today_in(plan.timezone, now)`, the same today that status and every other command use."""
    if date > today:
        raise SytrackError(f"{date.isoformat()} is in the future (today is {today.isoformat()})")
    if indicator.baseline and date < indicator.baseline.date:
        raise SytrackError(
            f"{date.isoformat()} is before the baseline of {indicator.id} ({indicator.baseline.date.isoformat()})"
        )


def format_plain(value: float | None) -> str:
    """A number for machines: no grouping, '.' decimal, no trailing zeros, '' for none."""
    if value is None:
        return ""
    whole = whole_number(value)
    return repr(value) if whole is None else str(whole)  # repr: the shortest text that reads back exactly


def format_human(value: float | None, unit: str = "", *, kind: str = "", lang: str = "en") -> str:
    """A number for people: digit grouping, at most two decimals, the unit attached; a milestone's
    state in words, in `lang` (done / not done, 已完成 / 未完成)."""
    if value is None:
        return ""
    if kind == "milestone":
        if lang == "zh":
            return "已完成" if value >= 1 else "未完成"
        return "done" if value >= 1 else "not done"
    whole = whole_number(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if whole is None else f"{whole:,}"
    if not unit:
        return text
    # 64% and 41,000个 are written close; 41,000 stations and 1,000 ×10,000 persons with a space.
    close = unit == "%" or unicodedata.east_asian_width(unit[0]) in "WF"
    return f"{text}{unit}" if close else f"{text} {unit}"


COMPARISON_SIGNS = {"at-least": "≥", "more-than": ">", "at-most": "≤", "less-than": "<", "about": "≈"}


def target_text(
    target: Target, kind: str, unit: str = "", *, human: bool = True, lang: str = "en", short: bool = False
) -> str:
    """One target in a few words: '> 40,000个 by 2023-12-31', or plain for machines."""
    number = (lambda v: format_human(v, unit, kind=kind)) if human else format_plain
    if kind == "milestone":
        what = "done"
    elif target.comparison == "between":
        what = (
            f"{number(target.low)}–{number(target.high)}"
            if human
            else f"between {number(target.low)} and {number(target.high)}"
        )
    else:
        sign = COMPARISON_SIGNS[target.comparison] if human else target.comparison
        what = f"{sign} {number(target.value)}"
        if target.comparison == "about":
            what += f" ± {number(target.tolerance)}"
    deadline = target.deadline
    when = str(deadline.year) if short and (deadline.month, deadline.day) == (12, 31) else deadline.isoformat()
    if lang == "zh":
        return f"{when}前完成" if kind == "milestone" else f"{what}（{when}{'' if short else '前'}）"
    return f"{what} {when}" if short else f"{what} by {when}"
