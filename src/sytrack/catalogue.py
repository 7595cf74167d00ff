"""The catalogue: TOML text -> (Catalogue, problems), the file's discovery, and appending to it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from sytrack.errors import CatalogueError, Problem, SytrackError, Where
from sytrack.model import COMPARISONS, DIRECTIONS, KINDS, Baseline, Catalogue, Group, Indicator, Plan, Target
from sytrack.values import impossible_value, is_percent_unit, parse_date, parse_number, parse_period_start

CATALOGUE_NAME = "indicators.toml"
PACKAGED_CATALOGUE = Path(__file__).with_name(CATALOGUE_NAME)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")

PLAN_FIELDS = {"id", "title_zh", "title_en", "start", "language", "time_basis", "on_track", "off_track", "source"}
GROUP_FIELDS = {"id", "name_zh", "name_en", "order"}
INDICATOR_FIELDS = {
    "id", "group", "name_zh", "name_en", "unit", "unit_en", "kind", "direction", "baseline",
    "target", "department", "quote", "doubt",
}
BASELINE_FIELDS = {"value", "date"}
TARGET_FIELDS = {"value", "low", "high", "comparison", "deadline", "tolerance", "start"}
RISING = ("at-least", "more-than")
FALLING = ("at-most", "less-than")


def _close_matches(word: str, choices: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    import difflib  # only a mistake needs it

    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


# ---------------------------------------------------------------------------------------------
# Where things are: tomllib gives no line numbers, so index the text's tables and keys ourselves.

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _code_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) for each line that starts outside a multi-line string.

    Lines end at "\n" only: TOML strings may hold U+2028 and friends, which str.splitlines()
    would count as line ends. Quotes inside comments and one-line strings open nothing.
    """
    open_quote = ""  # '' or the delimiter of the multi-line string we are inside: \"\"\" or \'\'\'
    for number, line in enumerate(text.split("\n"), start=1):
        if not open_quote:
            yield number, line.rstrip("\r")
        position = 0
        while position < len(line):
            if open_quote:
                close = line.find(open_quote, position)
                if close < 0:
                    break
                position, open_quote = close + 3, ""
                continue
            char = line[position]
            if char == "#":
                break
            if line.startswith(('"""', "'''"), position):
                open_quote, position = line[position:position + 3], position + 3
            elif char in "\"'":
                position = _end_of_string(line, position)
            else:
                position += 1


def _end_of_string(line: str, position: int) -> int:
    """The position after a one-line string starting at `position` (basic strings honour \\ escapes)."""
    quote, position = line[position], position + 1
    while position < len(line):
        if quote == '"' and line[position] == "\\":
            position += 2
            continue
        if line[position] == quote:
            return position + 1
        position += 1
    return position


class LineIndex:
    """Line numbers of tables (`[[indicator]]` number i, its `[[indicator.target]]` number j) and keys."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tables: dict[tuple, int] = {}
        self.keys: dict[tuple, int] = {}

    @classmethod
    def of(cls, path: str, text: str) -> LineIndex:
        index = cls(path)
        counts: dict[str, int] = {}
        current: tuple = ()
        for number, line in _code_lines(text):
            if header := _HEADER.match(line):
                name = header.group(2).replace(" ", "")
                if header.group(1) == "[[":
                    if name == "indicator.target":
                        counts["target"] = counts.get("target", -1) + 1
                        current = ("indicator", counts.get("indicator", 0), "target", counts["target"])
                    else:
                        counts[name] = counts.get(name, -1) + 1
                        if name == "indicator":
                            counts["target"] = -1
                        current = (name, counts[name])
                elif name == "indicator.baseline":
                    current = ("indicator", counts.get("indicator", 0), "baseline")
                else:
                    current = (name,)
                index.tables.setdefault(current, number)
            elif key := _KEY.match(line):
                index.keys.setdefault((*current, key.group(1)), number)
                if key.group(1) == "target" and current[:1] == ("indicator",):
                    index.tables.setdefault((*current, "target", 0), number)
        return index

    def at(self, table: tuple, key: str | None = None) -> Where:
        """The line of `key` in `table` (a key or a sub-table), else of the table, else of its parent."""
        if key is not None:
            for candidate in (self.keys.get((*table, key)), self.tables.get((*table, key))):
                if candidate is not None:
                    return Where(self.path, candidate)
        while table:
            if table in self.tables:
                return Where(self.path, self.tables[table])
            table = table[:-1]
        return Where(self.path, None)


# ---------------------------------------------------------------------------------------------
# Building records from the parsed TOML, collecting every problem on the way.


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
                self.problem(f"unknown field {key!r} in {what}{hint}", key)

    def text(self, key: str, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r}")
            return ""
        if not isinstance(value, str):
            self.problem(f"{key!r} must be text, not {value!r}", key)
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
            self.problem(f"unknown {key} {value!r} (use one of {', '.join(options)})", key)
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
        self.problem(f"{key!r} must be a date such as 2023-12-31, not {value!r}", key)
        return None

    def number(self, key: str, unit: str, required: bool = True) -> float | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.problem(f"{key!r} must be a number, not {value!r}", key)
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


def _build_plan(data: dict, index: LineIndex, problems: list[Problem]) -> Plan | None:
    raw = data.get("plan")
    if not isinstance(raw, dict):
        problems.append(Problem(Where(index.path, None), None, "missing [plan] table (id, title_zh, title_en, start)"))
        return None
    fields = _Collector(index, problems, ("plan",), raw, "plan")
    fields.unknown_fields(PLAN_FIELDS, "[plan]")
    plan_id = fields.text("id")
    if plan_id and not ID_PATTERN.fullmatch(plan_id):
        fields.problem(f"plan id {plan_id!r} must be lowercase ASCII letters, digits and '-'", "id")
    start = fields.date("start", period_start=True)
    thresholds = {}
    for key, default in (("on_track", 0.95), ("off_track", 0.6)):
        value = fields.number(key, "", required=False)
        thresholds[key] = default if value is None else value
        if value is not None and not 0 < value <= 10:
            fields.problem(f"{key!r} is a pace such as 0.95, not {value!r}", key)
    if thresholds["off_track"] > thresholds["on_track"]:
        fields.problem("off_track must not exceed on_track", "off_track")
    plan = Plan(
        id=plan_id,
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        start=start or dt.date(1970, 1, 1),
        language=fields.choice("language", ("zh", "en"), required=False) or "zh",
        time_basis=fields.choice("time_basis", ("day", "month"), required=False) or "day",
        on_track=thresholds["on_track"],
        off_track=thresholds["off_track"],
        source=fields.text("source", required=False),
    )
    return plan


def _build_groups(data: dict, index: LineIndex, problems: list[Problem]) -> list[Group]:
    groups: list[Group] = []
    seen: set[str] = set()
    for position, raw in enumerate(_tables(data, "group", problems, index, ())):
        fields = _Collector(index, problems, ("group", position), raw, raw.get("id") if isinstance(raw.get("id"), str) else None)
        fields.unknown_fields(GROUP_FIELDS, "[[group]]")
        group_id = fields.text("id")
        if group_id and not ID_PATTERN.fullmatch(group_id):
            fields.problem(f"group id {group_id!r} must be lowercase ASCII letters, digits and '-'", "id")
        if group_id in seen:
            fields.problem(f"duplicate group id {group_id!r}", "id")
        seen.add(group_id)
        order = raw.get("order", position + 1)
        if isinstance(order, bool) or not isinstance(order, int):
            fields.problem(f"'order' must be a whole number, not {order!r}", "order")
            order = position + 1
        groups.append(Group(group_id, fields.text("name_zh"), fields.text("name_en"), order, index.at(("group", position))))
    return groups


def _build_baseline(fields: _Collector, unit: str) -> Baseline | None:
    sub = fields.subtable("baseline")
    if sub is None:
        return None
    sub.unknown_fields(BASELINE_FIELDS, "baseline")
    value, date = sub.number("value", unit), sub.date("date")
    if value is None or date is None:
        return None
    return Baseline(value, date)


def _build_target(sub: _Collector, kind: str, direction: str, unit: str) -> Target | None:
    sub.unknown_fields(TARGET_FIELDS, "target")
    deadline = sub.date("deadline")
    start = sub.date("start", required=False, period_start=True)
    if start and deadline and start > deadline:
        sub.problem(f"start {start} is after the deadline {deadline}", "start")
    if kind == "milestone":
        if sub.data.get("value", True) is not True:
            sub.problem("a milestone's target has no value other than true (it is done or not)", "value")
        for key in ("comparison", "low", "high", "tolerance"):
            if key in sub.data:
                sub.problem(f"a milestone's target has only a deadline (and start), not {key!r}", key)
        if deadline is None:
            return None
        return Target(deadline=deadline, comparison="at-least", value=1.0, start=start)
    comparison = sub.choice("comparison", COMPARISONS)
    if comparison == "between":
        low, high = sub.number("low", unit), sub.number("high", unit)
        if "value" in sub.data:
            sub.problem("a 'between' target has low and high, not value", "value")
        if low is not None and high is not None and low > high:
            sub.problem(f"range low end {low:g} is above its high end {high:g}", "low")
        value = None
    else:
        value, low, high = sub.number("value", unit), None, None
        for key in ("low", "high"):
            if key in sub.data:
                sub.problem(f"{key!r} belongs to a 'between' target", key)
    tolerance = sub.number("tolerance", unit, required=comparison == "about")
    if tolerance is not None and tolerance < 0:
        sub.problem("tolerance must not be negative", "tolerance")
    if tolerance is not None and comparison and comparison != "about":
        sub.problem(f"a tolerance belongs to an 'about' target, not to {comparison!r}", "tolerance")
    if direction == "increase" and comparison in FALLING or direction == "decrease" and comparison in RISING:
        sub.problem(f"comparison {comparison!r} contradicts direction {direction!r}", "comparison")
    for key, number in (("value", value), ("low", low), ("high", high)):
        if number is not None and (reason := impossible_value(number, kind)):
            sub.problem(f"target {key} {number:g}: {reason}", key)
    if deadline is None or not comparison or (value is None and (low is None or high is None)):
        return None
    return Target(deadline, comparison, value, low, high, tolerance, start)


def _build_indicator(raw: dict, position: int, index: LineIndex, problems: list[Problem], group_ids: set[str]) -> Indicator | None:
    subject = raw.get("id") if isinstance(raw.get("id"), str) else f"indicator #{position + 1}"
    fields = _Collector(index, problems, ("indicator", position), raw, subject)
    fields.unknown_fields(INDICATOR_FIELDS, "[[indicator]]")
    before = len(problems)
    indicator_id = fields.text("id")
    if indicator_id and not ID_PATTERN.fullmatch(indicator_id):
        fields.problem(f"id {indicator_id!r} must be lowercase ASCII letters, digits and '-' (e.g. 5g-base-stations)", "id")
    group = fields.text("group")
    if group and group not in group_ids:
        close = _close_matches(group, sorted(group_ids), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (declare it in a [[group]] table)"
        fields.problem(f"unknown group {group!r}{hint}", "group")
    kind = fields.choice("kind", KINDS)
    if kind == "milestone":
        direction = fields.choice("direction", ("increase",), required=False) or "increase"
        unit = fields.text("unit", required=False)
    else:
        direction = fields.choice("direction", DIRECTIONS)
        unit = fields.text("unit")
    if kind == "rank" and direction == "increase":
        fields.problem("a rank is better when lower: its direction must be 'decrease'", "direction")
    if kind == "share" and unit and not is_percent_unit(unit):
        fields.problem(f"a share is counted in '%', not {unit!r}", "unit")
    baseline = _build_baseline(fields, unit)
    if baseline and (reason := impossible_value(baseline.value, kind)):
        fields.problem(f"baseline {baseline.value:g}: {reason}", "baseline")
    targets: list[tuple[int, Target]] = []
    raw_targets = raw.get("target")
    if raw_targets is None:
        fields.problem("missing target (add a [[indicator.target]] table with a deadline)")
    else:
        if isinstance(raw_targets, dict):
            raw_targets = [raw_targets]
        if not isinstance(raw_targets, list) or not all(isinstance(t, dict) for t in raw_targets):
            fields.problem("'target' must be a list of tables ([[indicator.target]])", "target")
            raw_targets = []
        for number, raw_target in enumerate(raw_targets):
            sub = _Collector(index, problems, ("indicator", position, "target", number), raw_target, subject)
            if (target := _build_target(sub, kind, direction, unit)) is not None:
                targets.append((number, target))
    for (_, earlier), (number, later) in zip(targets, targets[1:]):
        if later.deadline <= earlier.deadline:
            problems.append(Problem(index.at(("indicator", position, "target", number), "deadline"), subject,
                                    f"targets must be in deadline order ({later.deadline} is not after {earlier.deadline})"))
    if baseline and targets and baseline.date >= targets[0][1].deadline:
        fields.problem(
            f"baseline dated {baseline.date} is not before the first deadline {targets[0][1].deadline}", "baseline"
        )
    texts = {key: fields.text(key, required=key in ("name_zh", "name_en"))
             for key in ("name_zh", "name_en", "unit_en", "department", "quote", "doubt")}
    if len(problems) > before:
        return None
    return Indicator(
        id=indicator_id,
        group=group,
        name_zh=texts["name_zh"],
        name_en=texts["name_en"],
        unit=unit,
        unit_en=texts["unit_en"],
        kind=kind,
        direction=direction,
        targets=tuple(target for _, target in targets),
        baseline=baseline,
        department=texts["department"],
        source_text=texts["quote"],
        doubt=texts["doubt"],
        where=index.at(("indicator", position)),
    )


def _toml_error_where(path: str, error: Exception) -> tuple[Where, str]:
    message = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        return Where(path, int(match[1]), int(match[2])), message[: match.start()].strip()
    return Where(path, None), message


def parse_catalogue(text: str, path: str = CATALOGUE_NAME) -> tuple[Catalogue | None, list[Problem]]:
    """Parse and validate catalogue text; return the catalogue (None if unusable) and every problem."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where, message = _toml_error_where(path, error)
        return None, [Problem(where, None, f"TOML syntax error: {message}")]
    index = LineIndex.of(path, text)
    problems: list[Problem] = []
    for key in data:
        if key not in ("plan", "group", "indicator"):
            problems.append(Problem(index.at((key,)), None, f"unknown table {key!r} (use [plan], [[group]], [[indicator]])"))
    plan = _build_plan(data, index, problems)
    groups = _build_groups(data, index, problems)
    group_ids = {g.id for g in groups}
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(_tables(data, "indicator", problems, index, ())):
        indicator = _build_indicator(raw, position, index, problems, group_ids)
        raw_id = raw.get("id")
        if isinstance(raw_id, str) and raw_id:
            if raw_id in seen:
                problems.append(Problem(index.at(("indicator", position), "id"), raw_id,
                                        f"duplicate id (first used on line {seen[raw_id]})"))
            else:
                seen[raw_id] = index.at(("indicator", position), "id").line or 0
        if indicator is not None:
            indicators.append(indicator)
    if not problems and not indicators:
        problems.append(Problem(Where(path, None), None, "no indicators: add an [[indicator]] table"))
    if problems or plan is None:
        return None, sorted(problems, key=lambda p: (p.where.line or 0) if p.where else 0)
    return Catalogue(path, plan, tuple(groups), tuple(indicators)), problems


def read_catalogue_bytes(path: Path) -> bytes:
    """The catalogue file's bytes; a missing or unreadable file is a one-line error."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SytrackError(f"{path}: no such catalogue (create one with `sytrack init {path}`)") from None
    except IsADirectoryError:
        raise SytrackError(f"{path}: is a folder, not a catalogue file") from None
    except OSError as error:
        raise SytrackError(f"{path}: cannot read: {error.strerror}") from None


def decode_catalogue(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SytrackError(f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8") from None


def read_catalogue_text(path: Path) -> str:
    """The catalogue file's text; a missing, unreadable or non-UTF-8 file is a one-line error."""
    return decode_catalogue(read_catalogue_bytes(path), path)


def load_catalogue(path: Path, cache_dir: Path | None = None) -> Catalogue:
    """Read and validate a catalogue; any problem raises CatalogueError.

    With a cache folder, a catalogue already validated is loaded from there instead of parsed again.
    The cache holds the exact bytes it was made from and is used only when the file's bytes, read
    once here, are the same: an edited file is parsed again, so the cache can never serve stale
    targets, and one command never mixes an old and a new version of the file.
    """
    data = read_catalogue_bytes(path)

    def parse() -> Catalogue:
        catalogue, problems = parse_catalogue(decode_catalogue(data, path), str(path))
        if catalogue is None:
            raise CatalogueError(problems)
        return catalogue

    if cache_dir is None:
        return parse()
    from sytrack.catalogue_cache import cache_file, read_cache, write_cache

    cached = cache_file(cache_dir, path)
    catalogue = None if cached is None else read_cache(cached, str(path), data, parse)
    if catalogue is None:
        catalogue = parse()
        if cached is not None:
            write_cache(cached, catalogue, data)
    return catalogue


# ---------------------------------------------------------------------------------------------
# Finding the catalogue, as git finds its repository.


class Located(NamedTuple):
    path: Path
    how: str  # "--catalog", "SYTRACK_CATALOG", "found in <folder>", "packaged default"

    @property
    def is_packaged(self) -> bool:
        return self.how == "packaged default"


def locate_catalogue(option: str | None, environment: str | None, cwd: Path) -> Located:
    """--catalog, else SYTRACK_CATALOG, else indicators.toml here or in a parent, else the packaged one."""
    if option:
        return Located(Path(option), "--catalog")
    if environment:
        return Located(Path(environment), "SYTRACK_CATALOG")
    for folder in (cwd, *cwd.parents):
        candidate = folder / CATALOGUE_NAME
        if candidate.is_file():
            return Located(candidate, f"found in {folder}")
    return Located(PACKAGED_CATALOGUE, "packaged default")


def suggest_ids(catalogue: Catalogue, wrong: str, limit: int = 3) -> list[str]:
    """The ids closest to a mistyped one, including ids whose names match what was typed."""
    by_name = [i.id for i in catalogue.indicators if wrong in (i.name_zh, i.name_en.lower())]
    close = _close_matches(wrong.lower(), [i.id for i in catalogue.indicators], n=limit, cutoff=0.5)
    contains = [i.id for i in catalogue.indicators if wrong.lower() in i.id or wrong in i.name_zh]
    return list(dict.fromkeys(by_name + close + contains))[:limit]


def require_indicator(catalogue: Catalogue, indicator_id: str) -> Indicator:
    indicator = catalogue.find(indicator_id)
    if indicator is None:
        close = suggest_ids(catalogue, indicator_id)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `sytrack list` shows the ids"
        raise SytrackError(f"unknown indicator {indicator_id!r}{hint}")
    return indicator


# ---------------------------------------------------------------------------------------------
# Appending an indicator without touching a byte of what the user wrote.


def append_indicator_text(text: str, entry: dict[str, Any], dumps: Callable[[dict], str]) -> str:
    """`text` with one `[[indicator]]` table appended; every existing byte stays as it was."""
    return append_tables_text(text, [], [entry], dumps)


def append_tables_text(text: str, groups: list[dict], indicators: list[dict], dumps: Callable[[dict], str]) -> str:
    """`text` with `[[group]]` and `[[indicator]]` tables appended; every existing byte stays as it was.
    TOML lets arrays of tables continue anywhere in a file, so appending is always valid."""
    newline = "\r\n" if "\r\n" in text else "\n"
    parts = [_array_table(name, entry, dumps) for name, entries in (("group", groups), ("indicator", indicators))
             for entry in entries]
    addition = "\n".join(parts).replace("\n", newline)
    separator = "" if not text or text.endswith(newline * 2) else (newline if text.endswith(("\n", "\r")) else newline * 2)
    return text + separator + addition


def _array_table(name: str, entry: dict[str, Any], dumps: Callable[[dict], str]) -> str:
    """One `[[name]]` table. tomli_w writes an array of short tables inline (`group = [{...}]`),
    which at the end of a file would be a key of the table before it, not a new table."""
    text = dumps({name: [entry]})
    if text.startswith(f"[[{name}]]"):
        return text
    # Short enough to be written inline, so its values are plain or inline, but for a sub-table,
    # which needs its own header under this one.
    plain = {key: value for key, value in entry.items() if not isinstance(value, dict)}
    subtables = "".join(f"\n[{name}.{key}]\n{dumps(value)}" for key, value in entry.items() if isinstance(value, dict))
    return f"[[{name}]]\n{dumps(plain)}{subtables}"


def draft_tables(draft_text: str, catalogue: Catalogue, only: list[str] | None) -> tuple[list[dict], list[dict]]:
    """The groups and indicators of a draft catalogue to bring into `catalogue`: every indicator (or
    those named in `only`) and the groups they need that the catalogue lacks. Raises on clashes."""
    import tomllib

    try:
        draft = tomllib.loads(draft_text)
    except tomllib.TOMLDecodeError as error:
        raise SytrackError(f"the draft is not valid TOML: {error}") from None
    indicators = [i for i in draft.get("indicator", []) if only is None or i.get("id") in only]
    if only is not None:
        missing = sorted(set(only) - {i.get("id") for i in indicators})
        if missing:
            raise SytrackError(f"not in the draft: {', '.join(missing)}")
    if not indicators:
        raise SytrackError("the draft has no [[indicator]] to bring in")
    clashes = [i["id"] for i in indicators if catalogue.find(str(i.get("id"))) is not None]
    if clashes:
        raise SytrackError(f"already in the catalogue: {', '.join(clashes)}; leave them out with --only")
    needed = {i.get("group") for i in indicators}
    known = {g.id for g in catalogue.groups}
    order = max((g.order for g in catalogue.groups), default=0)
    groups = []
    for group in draft.get("group", []):
        if group.get("id") in needed and group.get("id") not in known:
            order += 1
            groups.append({**group, "order": order})
    return groups, indicators


def _split_at(text: str, what: str) -> tuple[str, dt.date]:
    value, separator, date = text.rpartition("@")
    if not separator:
        raise SytrackError(f"{what} {text!r} needs VALUE@DATE, e.g. 40000@2023-12-31")
    return value.strip(), parse_date(date)


def indicator_entry(
    *, indicator_id: str, group: str, name_zh: str, name_en: str, unit: str, unit_en: str, kind: str,
    direction: str | None, comparison: str | None, targets: list[str], baseline: str | None,
    department: str, quote: str, tolerance: str | None = None,
) -> dict[str, Any]:
    """The TOML table for a new indicator, from what a user typed; values are read as `record` reads them."""
    entry: dict[str, Any] = {"id": indicator_id, "group": group, "name_zh": name_zh, "name_en": name_en}
    if unit:
        entry["unit"] = unit
    if unit_en:
        entry["unit_en"] = unit_en
    entry["kind"] = kind
    if direction:
        entry["direction"] = direction
    if department:
        entry["department"] = department
    if quote:
        entry["quote"] = quote
    if baseline:
        value, date = _split_at(baseline, "--baseline")
        entry["baseline"] = {"value": _number(parse_number(value, unit)), "date": date}
    if comparison is None and kind != "milestone":
        comparison = "at-most" if direction == "decrease" else "at-least"
    entry["target"] = []
    for text in targets:
        value, deadline = _split_at(text, "--target")
        if kind == "milestone":
            entry["target"].append({"deadline": deadline})
        elif ".." in value:
            low, _, high = value.partition("..")
            entry["target"].append({"comparison": "between", "low": _number(parse_number(low, unit)),
                                    "high": _number(parse_number(high, unit)), "deadline": deadline})
        else:
            table = {"comparison": comparison, "value": _number(parse_number(value, unit)), "deadline": deadline}
            if tolerance is not None:
                table["tolerance"] = _number(parse_number(tolerance, unit))
            entry["target"].append(table)
    return entry


def _number(value: float) -> int | float:
    """Whole numbers are written as TOML integers (40000, not 40000.0)."""
    return int(value) if value == int(value) and abs(value) < 2**53 else value
