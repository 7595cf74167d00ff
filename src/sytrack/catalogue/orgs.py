"""The catalogue's orgs and allocations: `[[org]]` tables, `[[indicator.allocation]]` tables, and
whether the allocations of a target cover it, every problem collected with its line."""

from __future__ import annotations

from sytrack.catalogue.fields import ID_PATTERN, _Collector, _tables, shown
from sytrack.catalogue.lines import LineIndex
from sytrack.errors import Problem
from sytrack.model import COMPARISONS, ORG_KINDS, Allocation, Catalogue, Indicator, Org, Target
from sytrack.values import format_human, impossible_value

ORG_FIELDS = {"id", "name_zh", "name_en", "parent", "kind"}
ALLOCATION_FIELDS = {"org", "value", "deadline", "comparison", "weight"}
RISING = ("at-least", "more-than")
FALLING = ("at-most", "less-than")
# An allocation has one value: a range (`between`) has no share to give an org.
ALLOCATION_COMPARISONS = tuple(c for c in COMPARISONS if c != "between")


def build_orgs(data: dict, index: LineIndex, problems: list[Problem]) -> list[Org]:
    """The `[[org]]` tables: ids unique, parents declared, no org its own ancestor."""
    orgs: list[Org] = []
    seen: set[str] = set()
    raw_orgs = _tables(data, "org", problems, index, ())
    declared = {raw["id"] for raw in raw_orgs if isinstance(raw.get("id"), str)}
    for position, raw in enumerate(raw_orgs):
        subject = raw["id"][:60] if isinstance(raw.get("id"), str) and raw["id"] else f"org #{position + 1}"
        fields = _Collector(index, problems, ("org", position), raw, subject)
        fields.unknown_fields(ORG_FIELDS, "[[org]]")
        org_id = fields.text("id")
        if org_id and not ID_PATTERN.fullmatch(org_id):
            fields.problem(f"org id {shown(org_id)} must be lowercase ASCII letters, digits and '-' (e.g. tiexi)", "id")
        if org_id in seen:
            fields.problem(f"duplicate org id {shown(org_id)}", "id")
        seen.add(org_id)
        orgs.append(
            Org(
                org_id,
                fields.text("name_zh"),
                fields.text("name_en"),
                fields.reference("parent", declared, "[[org]]"),
                fields.choice("kind", ORG_KINDS, required=False) or "other",
                index.at(("org", position)),
            )
        )
    problems.extend(parent_cycles(orgs))
    return orgs


def parent_cycles(orgs: list[Org]) -> list[Problem]:
    """One problem per cycle of parents (a -> b -> a, or an org its own parent), at the line of
    the cycle's first org in the file. The cycles are the org tree's own (`sytrack.orgs`), which
    costs a few milliseconds to import: only a parse needs it, never a catalogue from the cache."""
    from sytrack.model import CITY
    from sytrack.orgs import find_cycles

    where = {org.id: org.where for org in orgs}
    problems = []
    for cycle in find_cycles({org.id: org.parent or CITY for org in orgs}):
        problems.append(
            Problem(
                where[cycle[0]],
                cycle[0],
                f"parents form a cycle ({' -> '.join([*cycle, cycle[0]])}): an org cannot be above itself",
            )
        )
    return problems


def build_allocations(
    fields: _Collector, kind: str, direction: str, unit: str, targets: list[Target], org_ids: set[str]
) -> tuple[Allocation, ...]:
    """The `[[indicator.allocation]]` tables of one indicator (`fields`)."""
    tables = fields.tables("allocation", "[[indicator.allocation]]")
    if tables and kind == "milestone":
        tables[0].problem("a milestone cannot be divided among orgs (name the org that leads it in 'lead')")
        return ()
    allocations, seen = [], set()
    for sub in tables:
        sub.unknown_fields(ALLOCATION_FIELDS, "allocation")
        org = sub.reference("org", org_ids, "[[org]]")
        if "org" not in sub.data:
            sub.problem("missing 'org' (the id of an [[org]])")
        value = sub.number("value", unit)
        if value is not None and (reason := impossible_value(value, kind)):
            sub.problem(f"allocation value {value:g}: {reason}", "value")
        deadline = sub.date("deadline", required=False)
        comparison = sub.choice("comparison", ALLOCATION_COMPARISONS, required=False) or None
        if direction == "increase" and comparison in FALLING or direction == "decrease" and comparison in RISING:
            sub.problem(f"comparison {comparison!r} contradicts direction {direction!r}", "comparison")
        weight = sub.number("weight", "", required=False)
        if weight is not None and weight <= 0:
            sub.problem(f"'weight' must be above 0, not {weight:g}", "weight")
        if org is not None and org in seen:  # an org has one share of the final target
            sub.problem(f"org {org!r} has two allocations (an org has one share of the final target)", "org")
        seen.add(org)
        if org is not None and value is not None:
            allocations.append(Allocation(org, value, deadline, comparison, weight, fields.index.at(sub.table)))
    return tuple(allocations)


def coverage(indicator: Indicator) -> tuple[float, float, bool | None] | None:
    """(what the allocations add up to, the final goal, whether they leave part of it to nobody)
    for a flow or level with allocations, else None. "Short" depends on the direction: for a cap (at
    most X) the orgs' shares together must not exceed it. None for `short` when they match it."""
    from sytrack.orgs import allocation_coverage  # the roll-up's own rule (see parent_cycles on why here)

    covered = allocation_coverage(indicator)
    if covered is None:
        return None
    total, goal = covered
    if abs(total - goal) <= 1e-9 * max(1.0, abs(goal)):
        return total, goal, None
    return total, goal, (total < goal) == (indicator.direction == "increase")


def allocation_problems(indicator: Indicator) -> list[Problem]:
    """A flow's or level's final target that its allocations do not cover, at the first allocation."""
    covered = coverage(indicator)
    if covered is None or not covered[2]:
        return []
    total, goal, _ = covered
    unit, deadline = indicator.unit, indicator.targets[-1].deadline
    if indicator.direction == "increase":
        message = (
            f"allocations add up to {format_human(total, unit)} of {format_human(goal, unit)} "
            f"by {deadline}: {format_human(goal - total, unit)} is allocated to no org"
        )
    else:
        message = (
            f"allocations add up to {format_human(total, unit)}, above the target's "
            f"{format_human(goal, unit)} by {deadline}: together the orgs may exceed it"
        )
    return [Problem(indicator.allocations[0].where, indicator.id, message)]


def check_notes(catalogue: Catalogue) -> list[Problem]:
    """What `check` notes but does not fail for, printed as FILE:LINE: ID: note: MESSAGE: allocations
    that go beyond their target (层层加码: each level adds a margin), which is normal."""
    notes = []
    for indicator in catalogue.indicators:
        covered = coverage(indicator)
        if covered is not None and covered[2] is False:
            total, goal, _ = covered
            unit, deadline = indicator.unit, indicator.targets[-1].deadline
            side = "more than" if indicator.direction == "increase" else "less than"
            notes.append(
                Problem(
                    indicator.allocations[0].where,
                    indicator.id,
                    f"note: allocations add up to {format_human(total, unit)}, {side} the target's "
                    f"{format_human(goal, unit)} by {deadline} (层层加码; not a problem)",
                )
            )
    return notes


def catalogue_summary(catalogue: Catalogue, notes: int = 0) -> str:
    """What `check` says of a catalogue without problems: "3 indicators in 2 groups, 13 orgs; 1 note"."""

    def count(number: int, what: str) -> str:
        return f"{number} {what}{'s' * (number != 1)}"

    text = f"{count(len(catalogue.indicators), 'indicator')} in {count(len(catalogue.groups), 'group')}"
    if catalogue.orgs:
        text += f", {count(len(catalogue.orgs), 'org')}"
    return f"{text}; {count(notes, 'note')}" if notes else text
