"""Reading: blocks -> candidates, one per number a clause states as a target (or as context)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sytrack.extract.candidates import Candidate, Comparison, comparison_before, frame_verb, kind_of, strip_name
from sytrack.extract.clauses import Place, Span, long_quotes, places
from sytrack.extract.forms import (
    growth_named, guess_unit, inside_plus, qualitative_candidate, qualitative_match, read_plus, read_rank,
    read_respectively, settle_comparison,
)
from sytrack.extract.judging import finish, time_of
from sytrack.extract.layout import Block
from sytrack.extract.lexicon import COMPARISON_WORDS, CONNECTIVES, FOCUS_WORDS, FRAME_VERBS, STRUCTURE_NOUNS
from sytrack.extract.numbers import NUMBER, Value, value_at

_CONFIDENCE = {"comparison": 0.9, "respectively": 0.85, "verb": 0.8, "verb-after": 0.8, "verb-inside": 0.7}


@dataclass
class Reading:
    """The candidates read so far from one text for one plan year."""

    plan_year: int
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class Named:
    """How a value is named: the indicator's name, the frame it was read in, and the verb of a list."""

    name: str
    frame: str
    verb: str = ""
    growth: int = 0
    comparison: str = "at-least"
    direction: str = "increase"


def read_blocks(blocks: list[Block], plan_year: int) -> list[Candidate]:
    """Every candidate of the text, in reading order."""
    reading = Reading(plan_year)
    for block in blocks:
        quotes = long_quotes(block.text)
        for piece_places in places(block):
            verb_from_last_clause = ""
            for place in piece_places:
                verb_from_last_clause = read_clause(reading, place, quotes, verb_from_last_clause)
    return reading.candidates


def read_clause(reading: Reading, place: Place, quotes: list[Span], inherited_verb: str) -> str:
    """Read one clause; return the frame verb a following clause may continue (8个数字经济园区)."""
    text, (start, end) = place.text, place.clause
    found: list[Candidate] = []
    read_plus(place, found)
    read_rank(place, found)
    consumed = {c.position for c in found}
    item_start, list_verb, position = start, "", start
    while position < end:
        match = NUMBER.search(text, position, end)
        if not match:
            break
        at = match.start()
        if at in consumed or inside_plus(text, at, start, end):
            position = match.end()
            continue
        comparison = comparison_before(text, item_start, at)
        value = value_at(text, at, end, after_comparison=comparison is not None)
        if value is None:
            position = max(match.end(), at + 1)
            continue
        position = value.end
        read = read_value(place, item_start, value, comparison, list_verb or (inherited_verb if not found else ""))
        if read is None:
            continue
        candidate, list_verb = read
        if candidate.name in ("", *(w for w, *_ in COMPARISON_WORDS)):
            borrow_subject(reading, candidate, found)
        if candidate.frame == "respectively":  # 分别达到78%、65%: read the values that follow
            position = read_respectively(candidate, value, found)
        else:
            found.append(candidate)
        item_start = position
    for candidate in found:
        finish(candidate, place, quotes, reading.plan_year)
    reading.candidates.extend(sorted(found, key=lambda c: c.position))
    if not found and (match := qualitative_match(place)):
        deadline, past, _ = time_of(place, match.start(), reading.plan_year)
        if past is None:  # a result described in words is neither target nor number
            reading.candidates.append(qualitative_candidate(place, match, deadline))
    return list_verb if found else ""


def name_after_comparison(text: str, item_start: int, value: Value, comparison: Comparison) -> Named:
    """NAME 达到 35%: the subject before the comparison word is the indicator."""
    word, comparison_name, direction, growth, word_start = comparison
    subject = text[item_start:word_start]
    name = strip_name(subject)
    frame = "respectively" if subject.rstrip().endswith("分别") else "comparison"
    if growth:
        name += word
    elif value.unit in ("%", "个百分点"):  # 进口增长不低于5%: the name says it is a growth rate
        growth = growth_named(name)
    return Named(name, frame, "", growth, comparison_name, direction)


def name_from_frame(text: str, item_start: int, value: Value, place: Place, inherited_verb: str) -> Named | None:
    """A value with no comparison word: a target when a frame verb governs it, context when it counts
    the plan's own parts or what the work is organised around, else nothing."""
    after = text[value.end:place.clause.end]
    item_end = not after or not after[0].isalnum() or after[0] in "和及与的"
    opening = CONNECTIVES.sub("", text[item_start:value.start].strip(" 、,")).removeprefix("力争")
    head, quoted = re.fullmatch(r"(.*?)(“[^”]*”)?", opening).groups()
    if not item_end and (head in FRAME_VERBS or not opening and inherited_verb):
        # VERB [label] 30个 NAME: 组织100个服务型制造项目, 打造“5+3+7+5”20条产业链
        verb = head or inherited_verb
        rest = re.split(r"、(?=[\d一二两三四五六七八九十])|(?=\d+(?:\.\d+)?[个项条种家户座所台])", after)[0]
        return Named(("" if verb == "争取" else verb) + (quoted or "") + strip_name(rest), "verb-after", verb)
    if item_end and (frame_verb(opening) or opening and inherited_verb):
        # VERB NAME 30个: 计划培育智能工厂30个、数字化车间60个
        verb = frame_verb(opening) or inherited_verb
        name = strip_name(opening)
        if verb != "争取" and not name.startswith(verb):
            name = verb + name
        return Named(name, "verb", verb)
    if item_end and (inner := next((v for v in FRAME_VERBS if v in opening), "")):
        return Named(strip_name(opening), "verb-inside", inner)  # NAME-WITH-VERB 5万人: 城镇新增就业5万人
    structure = any(after.startswith(noun) for noun in STRUCTURE_NOUNS)
    if structure or FOCUS_WORDS.search(text, place.clause.start, value.start) and not item_end:
        return Named(strip_name(opening) + re.split(r"[、,]", after)[0], "context")
    return None


def read_value(place: Place, item_start: int, value: Value, comparison: Comparison | None,
               inherited_verb: str) -> tuple[Candidate, str] | None:
    """The candidate one value makes, and the frame verb a list item after it may continue."""
    text = place.text
    if comparison is not None:
        named = name_after_comparison(text, item_start, value, comparison)
    elif (named := name_from_frame(text, item_start, value, place, inherited_verb)) is None:
        return None
    candidate = Candidate.at(
        place, value.start, name=named.name, frame=named.frame, comparison=named.comparison,
        direction=named.direction, kind="level", value=value.amount, high=value.high, unit=value.unit,
        confidence=_CONFIDENCE.get(named.frame, 0.5),
    )
    if named.verb and named.verb == inherited_verb:
        candidate.confidence = 0.75  # a list item that continues the verb of the item before it
    candidate.kind = kind_of(named.name, value.unit, named.growth, named.verb)
    settle_comparison(candidate, value, named.growth, value.postfix)
    if value.bare_magnitude or not value.unit:
        guess_unit(candidate, value)
    _flag_context(candidate, place, value, comparison)
    return candidate, named.verb if named.frame in ("verb", "verb-after") else ""


def _flag_context(candidate: Candidate, place: Place, value: Value, comparison: Comparison | None) -> None:
    """A count of the plan's own parts (三大行动), or what the work is organised around (围绕21条产业链)."""
    text = place.text
    after = text[value.end:place.clause.end]
    structure = next((noun for noun in STRUCTURE_NOUNS if after.startswith(noun)), "")
    focus = FOCUS_WORDS.search(text, place.clause.start, value.start)
    if structure:
        candidate.flag(f"counts the plan's own parts ({text[value.start:value.end]}{structure}), not a target",
                       cap=0.1, context=True)
    elif focus and comparison is None:
        candidate.flag(f"names what the work is organised around ({text[focus.start():value.end]}…), "
                       "not a target", cap=0.1, context=True)


def borrow_subject(reading: Reading, candidate: Candidate, found: list[Candidate]) -> None:
    """GDP达到12000亿元,增长6%: a clause with no subject continues the indicator before it."""
    earlier = [c for c in (*reading.candidates, *found)
               if c.block is candidate.block and c.sentence == candidate.sentence]
    if not earlier:
        candidate.flag("no subject before the figure: name it by hand", cap=0.5)
        return
    subject = earlier[-1].name
    subject = next((subject[:-len(w)] for w, _, _, g in COMPARISON_WORDS if g and subject.endswith(w)), subject)
    candidate.name = subject + candidate.name
    candidate.flag(f"no subject before the figure: {subject} taken from the clause before", cap=0.7)
