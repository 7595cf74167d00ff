"""Reading the fields of one parsed TOML table, collecting every problem with its line."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sytrack.catalogue.lines import LineIndex
from sytrack.errors import Problem, SytrackError
from sytrack.values import parse_date, parse_number, parse_period_start

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
SHOWN_LENGTH = 60  # of a wrong value quoted in a problem: enough to recognise it, never a screenful


def shown(value: Any) -> str:
    """A value as a problem quotes it: its repr, cut short; a file may hold a megabyte-long string
    or a list nested hundreds deep where a name belongs."""
    try:
        text = repr(value)
    except RecursionError:
        text = f"a {type(value).__name__} nested too deeply to show"
    return text if len(text) <= SHOWN_LENGTH else f"{text[: SHOWN_LENGTH - 1]}…"


def _close_matches(word: str, choices: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    import difflib  # only a mistake needs it

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


class _Collector:
    """Reads fields of one TOML table, noting each problem with its line."""

    def __init__(self, index: LineIndex, problems: list[Problem], table: tuple, data: dict, subject: str | None):
        self.index, self.problems, self.table, self.data, self.subject = index, problems, table, data, subject

    def problem(self, message: str, key: str | None = None) -> None:
        self.problems.append(Problem(self.index.at(self.table, key), self.subject, message))

    def unknown_fields(self, allowed: set[str], what: str) -> None:
        for key in self.data:
            if key not in allowed:
                close = _close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(f"unknown field {shown(key)} in {what}{hint}", key)

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r}")
            return ""
        if not isinstance(value, str):
            self.problem(f"{key!r} must be text, not {shown(value)}", key)
            return ""
        if required and not value.strip():
            self.problem(f"{key!r} is empty", key)
        return value

    def choice(self, key: str, options: tuple[str, ...], required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r} (one of {', '.join(options)})")
            return ""
        if value not in options:
            self.problem(f"unknown {key} {shown(value)} (use one of {', '.join(options)})", key)
            return ""
        return value

    def date(self, key: str, required: bool = True, period_start: bool = False) -> dt.date | None:
        """A date; a period written as text (2023, 2023-Q2) means its last day, or its first day
        when the field is a start."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r}")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return parse_period_start(value) if period_start else parse_date(value)
            except SytrackError as error:
                self.problem(f"{key!r}: {error.message}", key)
                return None
        self.problem(f"{key!r} must be a date such as 2023-12-31, not {shown(value)}", key)
        return None

    def number(self, key: str, unit: str, required: bool = True) -> float | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.problem(f"{key!r} must be a number, not {shown(value)}", key)
            return None
        if isinstance(value, str):
            try:
                return parse_number(value, unit)
            except SytrackError as error:
                self.problem(f"{key!r} is not a number: {error.message}", key)
                return None
        if value != value or value in (float("inf"), float("-inf")):
            self.problem(f"{key!r} must be a finite number", key)
            return None
        return float(value)

    def whole(self, key: str, low: int = 0, high: int = 366) -> int | None:
        """A whole number from `low` to `high` (days, mostly), or None when not given."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(f"{key!r} must be a whole number from {low} to {high}, not {shown(value)}", key)
            return None
        return value

    def fraction(self, key: str) -> float | None:
        """A fraction from 0 up to, not including, 1 (0.02 for 2%), or None when not given."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            self.problem(f"{key!r} must be a number such as 0.02 (a fraction: 2%), not {shown(value)}", key)
            return None
        if value < 0:
            self.problem(f"{key!r} must not be negative, not {shown(value)}", key)
            return None
        if value >= 1:
            self.problem(f"{key!r} is a fraction of the own figure, below 1 (0.02 for 2%), not {shown(value)}", key)
            return None
        return float(value)

    def reference(self, key: str, known: set[str], what: str) -> str | None:
        """The id of an org (or another declared thing) this table names in `key`, or None; an id
        not declared is a problem, with the nearest declared one."""
        value = self.text(key, required=False)
        if not value:
            return None
        if value not in known:
            close = _close_matches(value, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (declare it in a {what} table)"
            self.problem(f"unknown {what.strip('[]')} {shown(value)}{hint}", key)
            return None
        return value

    def tables(self, key: str, header: str) -> list[_Collector]:
        """A collector for each table of the list in `key` (`[[indicator.target]]` tables, or
        `target = [{...}]` written inline); none when the key is absent."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(f"{key!r} must be a list of tables ({header})", key)
            return []
        return [
            _Collector(self.index, self.problems, (*self.table, key, number), item, self.subject)
            for number, item in enumerate(value)
        ]

    def subtable(self, key: str, *suffix: Any) -> _Collector | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(f"{key!r} must be a table such as {{ value = 1, date = 2022-12-31 }}", key)
            return None
        return _Collector(self.index, self.problems, (*self.table, key, *suffix), value, self.subject)


def _tables(collector_data: dict, key: str, problems: list[Problem], index: LineIndex, where: tuple) -> list[dict]:
    value = collector_data.get(key, [])
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problems.append(Problem(index.at(where, key), None, f"{key!r} must be a list of tables ([[{key}]])"))
        return []
    return value
