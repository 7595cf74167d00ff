"""Judging a candidate: its deadline, whether it is a past result or quoted speech, its unit, its doubts."""

from __future__ import annotations

import re
from decimal import Decimal

from sytrack.extract.candidates import Candidate, measured_by
from sytrack.extract.clauses import Place, Span
from sytrack.extract.lexicon import PAST_IN_CLAUSE, PAST_IN_PIECE, PERCENT_UNITS, SHARE_WORDS
from sytrack.extract.numbers import SCALED_UNITS, as_float, chinese_number, scale, value_at
from sytrack.values import format_plain, impossible_value

_TIME_MARKS = re.compile(
    r"(?P<abs>(?:19|20)\d{2})年(?:全年|底|末)?|(?P<now>今年|全年|年内|本年|当年)|(?<![比较])(?P<last>去年|上年|上一年)|(?P<next>明年)|"
    r"(?P<span>[一二两三四五六七八九十\d]{1,2})年(?=行动|计划|内|攻坚|倍增|目标|时间)|"
    r"(?P<plan>十[一二三四五六七八九]五)(?=”|\"|规划|时期|期间|末|计划)"
)


def five_year_plan_end(name: str) -> int:
    """The last year of a five-year plan named 十X五: 十三五 -> 2020, 十四五 -> 2025 (the 3rd ran 1966-70)."""
    return 1955 + 5 * (10 + int(chinese_number(name[1])))


def _last_time_mark(text: str, start: int, position: int) -> re.Match | None:
    last = None
    for mark in _TIME_MARKS.finditer(text, start, position):
        last = mark
    return last


def time_of(place: Place, position: int, plan_year: int) -> tuple[int, int | None, bool]:
    """(deadline year, past year or None, whether the text names the year) of a number at `position`:
    the last time word of its sentence before it decides; failing one, the last of the sentences of
    its paragraph before it (“十三五”期间…。森林覆盖率达到23.04%: a result of the 13th plan)."""
    block, text = place.block, place.text
    last = _last_time_mark(text, place.sentence.start, position)
    named = last is not None
    last = last or _last_time_mark(text, 0, place.sentence.start)
    if last is not None:
        deadline, past = _year_of_mark(last, plan_year)
        return deadline, past, named
    if block.past_year is not None:
        return plan_year, block.past_year, False
    if PAST_IN_PIECE.search(text, *place.piece) or PAST_IN_CLAUSE.search(text, place.clause.start, position):
        return plan_year, plan_year - 1, False
    return plan_year, None, False


def _year_of_mark(last: re.Match, plan_year: int) -> tuple[int, int | None]:
    """(deadline year, past year or None) that one time word sets."""
    if last.group("plan"):
        end = five_year_plan_end(last.group("plan"))
        return (plan_year, end) if end < plan_year else (end, None)
    if last.group("abs"):
        year = int(last.group("abs"))
        return (plan_year, year) if year < plan_year else (year, None)
    if last.group("now"):
        return plan_year, None
    if last.group("last"):
        return plan_year, plan_year - 1
    if last.group("next"):
        return plan_year + 1, None
    span = last.group("span")
    years = int(span) if span.isdigit() else int(chinese_number(span))
    return plan_year + max(years, 1) - 1, None


def finish(candidate: Candidate, place: Place, quotes: list[Span], plan_year: int) -> None:
    """Deadline, past results, quoted speech, garbled units, and the unit a catalogue uses."""
    deadline, past, named = time_of(place, candidate.position, plan_year)
    candidate.deadline_year, candidate.past_year = deadline, past
    if past is not None:
        candidate.flag(f"a result for {past}, not a target", cap=0.3, context=True)
    elif not named and not candidate.context:
        candidate.notes.append(f"no year in the sentence: deadline taken as the end of {deadline}")
        candidate.confidence = round(candidate.confidence - 0.05, 2)
    if any(q_start < candidate.position < q_end for q_start, q_end in quotes):
        candidate.flag("inside quoted speech, not a target of the plan", cap=0.2, context=True)
    _add_tolerance(candidate)
    base = candidate.unit
    _scale_to_catalogue_unit(candidate)
    _flag_garbled(candidate, place, base)
    _flag_doubtful_share(candidate)
    for number in (candidate.value, candidate.high):
        if number is not None and (impossible := impossible_value(as_float(number), candidate.kind)):
            candidate.flag(f"{format_plain(as_float(number))} cannot be a target: {impossible}", cap=0.2, context=True)


def _add_tolerance(candidate: Candidate) -> None:
    if candidate.comparison == "about" and candidate.value is not None:
        if candidate.unit in PERCENT_UNITS:
            candidate.tolerance = Decimal("0.5")
        else:
            candidate.tolerance = (abs(candidate.value) * Decimal("0.05")).normalize()
        candidate.notes.append("the tolerance of 左右/约 is a guess: 0.5 points for a percentage, else 5%")


def _scale_to_catalogue_unit(candidate: Candidate) -> None:
    base = candidate.unit
    if candidate.value is None or base not in SCALED_UNITS:
        return
    reference = candidate.high if candidate.high is not None else candidate.value
    scaled_value, scaled_unit = scale(candidate.value, base, reference)
    if candidate.high is not None:
        candidate.high = scale(candidate.high, base, reference)[0]
    if candidate.tolerance is not None and candidate.unit not in ("%",):
        candidate.tolerance = scale(candidate.tolerance, base, reference)[0]
    candidate.value, candidate.unit = scaled_value, scaled_unit


def _flag_garbled(candidate: Candidate, place: Place, base: str) -> None:
    """Money counted in persons, or people counted in yuan: the text is garbled (often a copied phrase)."""
    measured = measured_by(candidate.name)
    if not (measured == "money" and base not in ("元", "%", "个百分点", "") or measured == "people" and base == "元"):
        return
    text = place.text
    value = value_at(text, candidate.position, len(text), True)
    phrase = text[candidate.position : value.end if value else candidate.position + 1]
    said = "an amount of money" if measured == "money" else "a number of people"
    repeated = text.count(phrase, *place.piece) > 1
    candidate.flag(
        f"garbled: {candidate.name} is {said}, but the text gives {phrase}"
        + (
            f" — the same words ({phrase}) recur in this sentence for another indicator, so they were probably copied"
            if repeated
            else ""
        )
        + "; confirm the figure and unit",
        cap=0.2,
    )


def _flag_doubtful_share(candidate: Candidate) -> None:
    if candidate.kind != "share" or candidate.value is None:
        return
    if impossible_value(as_float(candidate.value), "share"):
        candidate.kind = "rate"
        candidate.flag("a percentage above 100 cannot be a share: drafted as a rate", cap=0.5)
    elif not any(word in candidate.name for word in SHARE_WORDS) and not candidate.context:
        candidate.flag("a percentage of what? no 率/比重/占比 in the name: drafted as a share", cap=0.6)
