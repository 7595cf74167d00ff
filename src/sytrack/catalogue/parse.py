"""Catalogue text -> (Catalogue, problems): the records built from the parsed TOML, every problem collected."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import NamedTuple

from sytrack.catalogue.fields import ID_PATTERN, SHOWN_LENGTH, _close_matches, _Collector, _tables, shown
from sytrack.catalogue.lines import LineIndex
from sytrack.catalogue.orgs import FALLING, RISING, allocation_problems, build_allocations, build_orgs
from sytrack.errors import Problem, Where
from sytrack.model import CADENCES, COMPARISONS, DIRECTIONS, KINDS, Baseline, Catalogue, Group, Indicator, Plan, Target
from sytrack.values import impossible_value, is_percent_unit

CATALOGUE_NAME = "indicators.toml"

PLAN_FIELDS = {
    "id",
    "title_zh",
    "title_en",
    "start",
    "language",
    "time_basis",
    "on_track",
    "off_track",
    "source",
    "cadence",
    "due_days",
    "warn_days",
    "timezone",
    "disagreement_tolerance",
}
GROUP_FIELDS = {"id", "name_zh", "name_en", "order"}
INDICATOR_FIELDS = {
    "id",
    "group",
    "name_zh",
    "name_en",
    "unit",
    "unit_en",
    "kind",
    "direction",
    "baseline",
    "target",
    "department",
    "quote",
    "doubt",
    "doubt_zh",
    "doubt_en",
    "lead",
    "allocation",
    "cadence",
    "due_days",
    "warn_days",
    "disagreement_tolerance",
}
BASELINE_FIELDS = {"value", "date"}
TARGET_FIELDS = {"value", "low", "high", "comparison", "deadline", "tolerance", "start", "stretch"}
TABLES = ("plan", "group", "org", "indicator")
# An indicator's free texts, in the order they are checked: each key and the Indicator field it fills.
_TEXT_KEYS = ("name_zh", "name_en", "unit_en", "department", "quote", "doubt", "doubt_zh", "doubt_en")
TEXT_FIELDS = {key: "source_text" if key == "quote" else key for key in _TEXT_KEYS}


def _build_plan(data: dict, index: LineIndex, problems: list[Problem]) -> Plan | None:
    raw = data.get("plan")
    if not isinstance(raw, dict):
        problems.append(Problem(Where(index.path, None), None, "missing [plan] table (id, title_zh, title_en, start)"))
        return None
    fields = _Collector(index, problems, ("plan",), raw, "plan")
    fields.unknown_fields(PLAN_FIELDS, "[plan]")
    plan_id = fields.text("id")
    if plan_id and not ID_PATTERN.fullmatch(plan_id):
        fields.problem(f"plan id {shown(plan_id)} must be lowercase ASCII letters, digits and '-'", "id")
    start = fields.date("start", period_start=True)
    thresholds = {}
    for key, default in (("on_track", 0.95), ("off_track", 0.6)):
        value = fields.number(key, "", required=False)
        thresholds[key] = default if value is None else value
        if value is not None and not 0 < value <= 10:
            fields.problem(f"{key!r} is a pace such as 0.95, not {shown(value)}", key)
    if thresholds["off_track"] > thresholds["on_track"]:
        fields.problem("off_track must not exceed on_track", "off_track")
    due_days, warn_days = fields.whole("due_days"), fields.whole("warn_days", high=3660)
    tolerance = fields.fraction("disagreement_tolerance")
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
        cadence=fields.choice("cadence", CADENCES, required=False) or None,
        due_days=10 if due_days is None else due_days,
        warn_days=30 if warn_days is None else warn_days,
        timezone=_timezone(fields),
        disagreement_tolerance=Plan._field_defaults["disagreement_tolerance"] if tolerance is None else tolerance,
    )
    return plan


def _timezone(fields: _Collector) -> str | None:
    """An IANA time zone name (Asia/Shanghai) that this machine knows, or None when not given."""
    name = fields.text("timezone", required=False)
    if not name:
        return None
    import zoneinfo  # only a catalogue that names a zone pays for it

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        fields.problem(f"unknown timezone {shown(name)} (an IANA name such as 'Asia/Shanghai' or 'UTC')", "timezone")
        return None
    return name


def _build_groups(data: dict, index: LineIndex, problems: list[Problem]) -> list[Group]:
    groups: list[Group] = []
    seen: set[str] = set()
    for position, raw in enumerate(_tables(data, "group", problems, index, ())):
        fields = _Collector(index, problems, ("group", position), raw, subject_of(raw, None))
        fields.unknown_fields(GROUP_FIELDS, "[[group]]")
        group_id = fields.text("id")
        if group_id and not ID_PATTERN.fullmatch(group_id):
            fields.problem(f"group id {shown(group_id)} must be lowercase ASCII letters, digits and '-'", "id")
        if group_id in seen:
            fields.problem(f"duplicate group id {shown(group_id)}", "id")
        seen.add(group_id)
        order = raw.get("order", position + 1)
        if isinstance(order, bool) or not isinstance(order, int):
            fields.problem(f"'order' must be a whole number, not {shown(order)}", "order")
            order = position + 1
        groups.append(
            Group(group_id, fields.text("name_zh"), fields.text("name_en"), order, index.at(("group", position)))
        )
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
    if "allocation" in sub.data:  # `allocation = [...]` after a [[indicator.target]] header is the target's
        sub.problem(
            "'allocation' written here belongs to this target: write `allocation = [...]` before the"
            " indicator's first [[indicator.target]], or use [[indicator.allocation]] tables",
            "allocation",
        )
    sub.unknown_fields(TARGET_FIELDS | {"allocation"}, "target")
    deadline = sub.date("deadline")
    start = sub.date("start", required=False, period_start=True)
    if start and deadline and start > deadline:
        sub.problem(f"start {start} is after the deadline {deadline}", "start")
    if kind == "milestone":
        if sub.data.get("value", True) is not True:
            sub.problem("a milestone's target has no value other than true (it is done or not)", "value")
        for key in ("comparison", "low", "high", "tolerance", "stretch"):
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
    stretch = _stretch(sub, kind, direction, comparison, value, unit)
    if deadline is None or not comparison or (value is None and (low is None or high is None)):
        return None
    return Target(deadline, comparison, value, low, high, tolerance, start, stretch)


def _stretch(
    sub: _Collector, kind: str, direction: str, comparison: str, value: float | None, unit: str
) -> float | None:
    """A graded target's further value (确保 X, 力争 Y): read as `value` is, and beyond it in the
    direction that is better, or it would be no stretch at all."""
    if "stretch" in sub.data and comparison == "between":
        sub.problem("a 'between' target has no stretch (give the range the plan strives for instead)", "stretch")
        return None
    stretch = sub.number("stretch", unit, required=False)
    if stretch is None:
        return None
    if reason := impossible_value(stretch, kind):
        sub.problem(f"stretch {stretch:g}: {reason}", "stretch")
    if value is not None and (stretch <= value if direction == "increase" else stretch >= value):
        side = "above" if direction == "increase" else "below"
        sub.problem(
            f"stretch {stretch:g} is not beyond the commitment {value:g}: for direction {direction!r} "
            f"it must be {side} it",
            "stretch",
        )
    return stretch


class Known(NamedTuple):
    """The ids an indicator may name: its group, its lead and allocations' orgs."""

    groups: set[str]
    orgs: set[str]


def _build_indicator(
    raw: dict, position: int, index: LineIndex, problems: list[Problem], known: Known
) -> Indicator | None:
    subject = subject_of(raw, f"indicator #{position + 1}")
    fields = _Collector(index, problems, ("indicator", position), raw, subject)
    fields.unknown_fields(INDICATOR_FIELDS, "[[indicator]]")
    before = len(problems)
    indicator_id, group, kind, direction, unit = _identity(fields, known.groups)
    baseline = _build_baseline(fields, unit)
    if baseline and (reason := impossible_value(baseline.value, kind)):
        fields.problem(f"baseline {baseline.value:g}: {reason}", "baseline")
    targets = _build_targets(fields, kind, direction, unit)
    if baseline and targets and baseline.date >= targets[0].deadline:
        fields.problem(
            f"baseline dated {baseline.date} is not before the first deadline {targets[0].deadline}", "baseline"
        )
    lead = fields.reference("lead", known.orgs, "[[org]]")
    allocations = build_allocations(fields, kind, direction, unit, targets, known.orgs)
    cadence = fields.choice("cadence", CADENCES, required=False) or None
    due_days, warn_days = fields.whole("due_days"), fields.whole("warn_days", high=3660)
    tolerance = fields.fraction("disagreement_tolerance")
    texts = {field: fields.text(key, required=key in ("name_zh", "name_en")) for key, field in TEXT_FIELDS.items()}
    if len(problems) > before:
        return None
    indicator = Indicator(
        id=indicator_id,
        group=group,
        unit=unit,
        kind=kind,
        direction=direction,
        targets=tuple(targets),
        baseline=baseline,
        where=index.at(("indicator", position)),
        lead=lead,
        allocations=allocations,
        cadence=cadence,
        due_days=due_days,
        warn_days=warn_days,
        disagreement_tolerance=tolerance,
        **texts,
    )
    if shortfalls := allocation_problems(indicator):
        problems.extend(shortfalls)
        return None
    return indicator


def _identity(fields: _Collector, group_ids: set[str]) -> tuple[str, str, str, str, str]:
    """An indicator's id, group, kind, direction and unit, each checked."""
    indicator_id = fields.text("id")
    if indicator_id and not ID_PATTERN.fullmatch(indicator_id):
        fields.problem(
            f"id {shown(indicator_id)} must be lowercase ASCII letters, digits and '-' (e.g. 5g-base-stations)", "id"
        )
    group = fields.text("group")
    if group and group not in group_ids:
        close = _close_matches(group, sorted(group_ids), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (declare it in a [[group]] table)"
        fields.problem(f"unknown group {shown(group)}{hint}", "group")
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
        fields.problem(f"a share is counted in '%', not {shown(unit)}", "unit")
    return indicator_id, group, kind, direction, unit


def _build_targets(fields: _Collector, kind: str, direction: str, unit: str) -> list[Target]:
    """An indicator's targets, which must be in deadline order."""
    if fields.data.get("target") is None:
        fields.problem("missing target (add a [[indicator.target]] table with a deadline)")
    targets: list[tuple[_Collector, Target]] = []
    for sub in fields.tables("target", "[[indicator.target]]"):
        if (target := _build_target(sub, kind, direction, unit)) is not None:
            targets.append((sub, target))
    for (_, earlier), (sub, later) in itertools.pairwise(targets):
        if later.deadline <= earlier.deadline:
            sub.problem(
                f"targets must be in deadline order ({later.deadline} is not after {earlier.deadline})", "deadline"
            )
    return [target for _, target in targets]


def subject_of(raw: dict, otherwise: str | None) -> str | None:
    """The id a table's problems are filed under, as written (cut short), else `otherwise`."""
    raw_id = raw.get("id")
    return raw_id[:SHOWN_LENGTH] if isinstance(raw_id, str) and raw_id else otherwise


def read_toml(text: str, path: str) -> dict | Problem:
    """The parsed TOML, or the one problem that stops it: a syntax error at its line and column,
    or nesting so deep (`a = [[[[...` a few thousand times) that the parser runs out of stack."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where, message = _toml_error_where(path, error)
        return Problem(where, None, f"TOML syntax error: {message}")
    except RecursionError:
        return Problem(
            Where(path, None),
            None,
            "values nested too deeply (arrays or tables within each other"
            " hundreds of times): a catalogue needs at most a few levels",
        )


def _toml_error_where(path: str, error: Exception) -> tuple[Where, str]:
    message = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        return Where(path, int(match[1]), int(match[2])), message[: match.start()].strip()
    return Where(path, None), message


def parse_catalogue(text: str, path: str = CATALOGUE_NAME) -> tuple[Catalogue | None, list[Problem]]:
    """Parse and validate catalogue text; return the catalogue (None if unusable) and every problem."""
    data = read_toml(text, path)
    if isinstance(data, Problem):
        return None, [data]
    index = LineIndex.of(path, text)
    problems: list[Problem] = []
    for key in data:
        if key not in TABLES:
            problems.append(
                Problem(
                    index.at((key,)),
                    None,
                    f"unknown table {shown(key)} (use [plan], [[group]], [[org]], [[indicator]])",
                )
            )
    plan = _build_plan(data, index, problems)
    groups = _build_groups(data, index, problems)
    orgs = build_orgs(data, index, problems)
    known = Known({g.id for g in groups}, {o.id for o in orgs})
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(_tables(data, "indicator", problems, index, ())):
        indicator = _build_indicator(raw, position, index, problems, known)
        raw_id = raw.get("id")
        if isinstance(raw_id, str) and raw_id:
            if raw_id in seen:
                first = index.at(("indicator", seen[raw_id]), "id").line or 0
                problems.append(
                    Problem(
                        index.at(("indicator", position), "id"),
                        subject_of(raw, None),
                        f"duplicate id (first used on line {first})",
                    )
                )
            else:
                seen[raw_id] = position  # its line is looked up only for a duplicate
        if indicator is not None:
            indicators.append(indicator)
    if not problems and not indicators:
        problems.append(Problem(Where(path, None), None, "no indicators: add an [[indicator]] table"))
    if problems or plan is None:
        return None, sorted(problems, key=lambda p: (p.where.line or 0) if p.where else 0)
    return Catalogue(path, plan, tuple(groups), tuple(indicators), orgs=tuple(orgs)), problems
