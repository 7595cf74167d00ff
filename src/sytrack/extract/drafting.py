"""Drafting: settled candidates -> Draft records, and Drafts -> a draft catalogue (TOML) or review rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sytrack.extract.candidates import Candidate
from sytrack.extract.naming import gloss, slug_of, unit_in_english
from sytrack.extract.numbers import as_float
from sytrack.model import Baseline


@dataclass(frozen=True)
class Draft:
    """One quantified target read from the text, or a number the reader judged to be context."""

    id: str
    name_zh: str
    name_en: str
    group: str
    group_name: str
    kind: str  # level, flow, share, rate or rank
    direction: str
    comparison: str  # one of model.COMPARISONS; "" for a qualitative target, which has no number
    value: float | None
    low: float | None
    high: float | None
    tolerance: float | None
    unit: str
    unit_en: str
    deadline: dt.date
    baseline: Baseline | None
    sentence: str  # the text between 。!?; around the number
    clause: str  # the clause the number was read from
    line: int  # 1-based line of the number in the text
    confidence: float
    review: bool
    reason: str  # why it needs review; "" when review is False
    context: bool  # probably not a target at all (a past result, a count of the plan's own parts)
    notes: tuple[str, ...] = ()  # remarks that need no review: an assumed deadline, a merged restatement
    baseline_line: int | None = None
    quote: str = ""  # the clause that states the target, for the catalogue's quote
    stretch: float | None = None  # 力争 Y beside 确保 X: the further value, same comparison; value is X

    @property
    def writable(self) -> bool:
        """Whether the draft becomes a live catalogue entry (others are written commented out)."""
        return not self.context and self.comparison != "" and self.unit != ""


def group_ids(candidates: list[Candidate], group_by: str) -> dict[str, str]:
    """An id for each group name, from its gloss, unique; "all" for the unnamed group."""
    groups: dict[str, str] = {}
    taken: set[str] = set()
    for candidate in candidates:
        group_name = candidate.block.group_name if group_by == "heading" else ""
        if group_name not in groups:
            slug = slug_of(gloss(group_name, for_id=True), f"section-{len(groups) + 1}") if group_name else "all"
            groups[group_name] = unique(slug, taken)
    return groups


def unique(slug: str, taken: set[str]) -> str:
    """slug, or slug-2, slug-3, … : the first not yet taken (which it then takes)."""
    candidate, suffix = slug, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{slug}-{suffix}"
    taken.add(candidate)
    return candidate


def draft_id(name: str, kind: str, unit: str, taken: set[str]) -> str:
    """An id from the English gloss of the name (gdp, surveyed-urban-unemployment), else from what it
    measures (share-percent): never a bare number such as target-4."""
    fallback = slug_of([kind, unit_in_english(unit, name)], kind)
    return unique(slug_of(gloss(name, for_id=True), fallback), taken)


def quote_of(candidate: Candidate, name: str) -> str:
    """The clause that states the target; the whole piece when the clause does not hold the name
    (增长6% after GDP达到12000亿元)."""
    clause = candidate.clause_text
    return clause if name[:2] in clause else candidate.sentence_text


def to_draft(candidate: Candidate, identifier: str, group: str, group_name: str, plan_year: int) -> Draft:
    """The Draft record of one settled candidate."""
    name = candidate.name or candidate.clause_text
    reasons = candidate.reasons
    baseline = None
    if candidate.baseline is not None:
        past_value, past_year, _ = candidate.baseline
        baseline = Baseline(as_float(past_value), dt.date(past_year, 12, 31))
    value, low, high = _amounts(candidate)
    return Draft(
        id=identifier,
        name_zh=name,
        name_en=" ".join(gloss(name)) or "(to translate)",
        group=group,
        group_name=group_name or "全部目标",
        kind=candidate.kind,
        direction=candidate.direction,
        comparison="" if candidate.value is None else candidate.comparison,
        value=value,
        low=low,
        high=high,
        tolerance=as_float(candidate.tolerance) if candidate.tolerance is not None else None,
        unit=candidate.unit if candidate.value is not None else "",
        unit_en=unit_in_english(candidate.unit, name),
        deadline=dt.date(candidate.deadline_year or plan_year, 12, 31),
        baseline=baseline,
        sentence=candidate.sentence_text,
        clause=candidate.clause_text,
        line=candidate.line,
        confidence=round(max(0.0, min(1.0, candidate.confidence)), 2),
        review=bool(reasons),
        reason="; ".join(reasons),
        context=candidate.context,
        notes=tuple(candidate.notes),
        baseline_line=candidate.baseline[2] if candidate.baseline else None,
        quote=quote_of(candidate, name),
        stretch=as_float(candidate.stretch) if candidate.stretch is not None else None,
    )


def _amounts(candidate: Candidate) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) of a draft: a range (2-3%) has its two ends and no value."""
    if candidate.value is None:
        return None, None, None
    if candidate.high is not None:
        return None, as_float(candidate.value), as_float(candidate.high)
    return as_float(candidate.value), None, None


def to_drafts(candidates: list[Candidate], group_by: str, plan_year: int) -> list[Draft]:
    groups = group_ids(candidates, group_by)
    drafts: list[Draft] = []
    taken: set[str] = set()
    for candidate in candidates:
        group_name = candidate.block.group_name if group_by == "heading" else ""
        identifier = draft_id(candidate.name or candidate.clause_text, candidate.kind, candidate.unit, taken)
        drafts.append(to_draft(candidate, identifier, groups[group_name], group_name, plan_year))
    return drafts
