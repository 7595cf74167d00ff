"""Reading: blocks -> candidates, one per number a clause states as a target (or as context)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sytrack.extract.candidates import Candidate, Comparison, comparison_before, frame_verb, kind_of, strip_name
from sytrack.extract.clauses import Place, Span, long_quotes, places
from sytrack.extract.forms import (
    growth_named,
    guess_unit,
    inside_plus,
    qualitative_candidate,
    qualitative_match,
    read_plus,
    read_rank,
    read_respectively,
    settle_comparison,
)
from sytrack.extract.judging import finish, time_of
from sytrack.extract.layout import Block
from sytrack.extract.lexicon import (
    COMPARISON_WORDS,
    CONNECTIVES,
    FOCUS_WORDS,
    FRAME_VERBS,
    HEDGE_WORDS,
    HEDGES,
    HYPOTHETICAL,
    INDICATOR_HEADS,
    PERCENT_UNITS,
    PRESENT_WORDS,
    RELATIVE_TO_LAST_YEAR,
    STRUCTURE_NOUNS,
)
from sytrack.extract.numbers import NUMBER, Value, value_at

_CONFIDENCE = {"comparison": 0.9, "respectively": 0.85, "verb": 0.8, "verb-after": 0.8, "verb-inside": 0.7, "bare": 0.7}
# Frames whose verb a following list item may continue (培育智能工厂30个、数字化车间60个).
_LIST_FRAMES = ("verb", "verb-after", "attribute")


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
    parts: tuple[str, ...] = ()  # the indicators of a shared subject (A和B均增长10%)


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
        candidate, list_verb, parts = read
        if candidate.name in ("", *(w for w, *_ in COMPARISON_WORDS)):
            borrow_subject(reading, candidate, found)
        if candidate.frame == "respectively":  # 分别达到78%、65%: read the values that follow
            position = read_respectively(candidate, value, found)
        else:
            found.extend(split_subject(candidate, parts))
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
    parts = subject_parts(name, subject)
    if growth:
        name += word
        parts = tuple(part + word for part in parts)
    elif value.unit in PERCENT_UNITS:  # 进口增长不低于5%: the name says it is a growth rate
        growth = growth_named(name)
    return Named(name, frame, "", growth, comparison_name, direction, parts)


def subject_parts(name: str, subject: str) -> tuple[str, ...]:
    """The indicators a subject joins with 和/与/及/、 when one figure is set for each: the subject says
    均/都 (城镇居民人均可支配收入和农民人均纯收入均增长10%左右), or every part is an indicator's name
    (城镇调查失业率和登记失业率稳定在4.3%左右). Otherwise () : 高端装备、汽车等产业链规模 is one figure."""
    parts = tuple(part for part in re.split(r"和|与|及|、", name) if part)
    if len(parts) < 2 or "等" in name:
        return ()
    each = subject.rstrip().endswith(("均", "都"))
    return parts if each or all(part.endswith(INDICATOR_HEADS) for part in parts) else ()


def split_subject(candidate: Candidate, parts: tuple[str, ...]) -> list[Candidate]:
    """One candidate per indicator of a shared subject, or the candidate itself."""
    return [
        replace(candidate, name=part, reasons=list(candidate.reasons), notes=list(candidate.notes)) for part in parts
    ] or [candidate]


def name_from_frame(text: str, item_start: int, value: Value, place: Place, inherited_verb: str) -> Named | None:
    """A value with no comparison word: a target when a frame verb governs it, context when it counts
    the plan's own parts or what the work is organised around, else nothing."""
    after = text[value.end : place.clause.end]
    item_end = not after or not after[0].isalnum() or after[0] in "和及与的"
    opening = CONNECTIVES.sub("", text[item_start : value.start].strip(" 、,")).removeprefix("的")
    if opening in HEDGES and value.unit and item_end:
        return Named("", "bare")  # 确保300个,力争350个: the second figure continues the first's subject
    opening = opening.removeprefix("力争")
    about = opening.endswith("约")  # 完成约1亿人居住的棚户区改造
    opening = opening.removesuffix("约")
    comparison = "about" if about else "at-least"
    split = re.fullmatch(r"(.*?)(“[^”]*”)?", opening)
    assert split is not None, "the pattern matches any one line"
    head, quoted = split.groups()
    # 五莲县计划招引20个以上过亿项目: the actor before the verb is not part of the name
    verb_after = head if head in FRAME_VERBS else next((v for v in FRAME_VERBS if head.endswith(v)), "")
    if not item_end and (verb_after or not opening and inherited_verb):
        # VERB [label] 30个 NAME: 组织100个服务型制造项目, 打造“5+3+7+5”20条产业链
        verb = verb_after or inherited_verb
        rest = re.split(r"、(?=[\d一二两三四五六七八九十])|(?=\d+(?:\.\d+)?[个项条种家户座所台])", after)[0]
        name = ("" if verb == "争取" else verb) + (quoted or "") + strip_name(rest)
        return Named(name, "verb-after", verb, comparison=comparison)
    if item_end and (frame_verb(opening) or opening and inherited_verb):
        # VERB NAME 30个: 计划培育智能工厂30个、数字化车间60个
        verb = frame_verb(opening) or inherited_verb
        name = strip_name(opening)
        if verb != "争取" and not name.startswith(verb):
            name = verb + name
        # 实施总投资35亿元的80项工程: a figure before 的 describes what follows; the verb goes on to it
        return Named(name, "attribute" if after.startswith("的") else "verb", verb, comparison=comparison)
    if item_end and (inner := next((v for v in FRAME_VERBS if v in opening), "")):
        return Named(strip_name(opening), "verb-inside", inner)  # NAME-WITH-VERB 5万人: 城镇新增就业5万人
    structure = any(after.startswith(noun) for noun in STRUCTURE_NOUNS)
    if structure or FOCUS_WORDS.search(text, place.clause.start, value.start) and not item_end:
        return Named(strip_name(opening) + re.split(r"[、,]", after)[0], "context")
    return _name_without_verb(opening, value, after, item_end)


def _name_without_verb(opening: str, value: Value, after: str, item_end: bool) -> Named | None:
    """NAME 5.5%左右: a figure with a unit right after an indicator's name is a target with no verb
    when 以上/以内/左右 says how it compares or the name ends as indicators do (失业率, 比重, 就业)."""
    name = strip_name(opening)
    if not (item_end and name and value.unit and not after.startswith("的")) or HYPOTHETICAL.match(name):
        return None
    if name.endswith(("为", "是", "在")):  # 比重为30%, 强度在2%左右; but not 目标确定为9.5%左右
        name = name[:-1]
        return Named(name, "bare") if name.endswith(INDICATOR_HEADS) else None
    if value.postfix or name.endswith(INDICATOR_HEADS):
        return Named(name, "bare")
    return None


def read_value(
    place: Place, item_start: int, value: Value, comparison: Comparison | None, inherited_verb: str
) -> tuple[Candidate, str, tuple[str, ...]] | None:
    """The candidate one value makes, and the frame verb a list item after it may continue."""
    text = place.text
    named: Named | None
    if comparison is not None:
        named = name_after_comparison(text, item_start, value, comparison)
    else:
        named = name_from_frame(text, item_start, value, place, inherited_verb)
    if named is None:
        return None
    candidate = Candidate.at(
        place,
        value.start,
        name=named.name,
        frame=named.frame,
        comparison=named.comparison,
        direction=named.direction,
        kind="level",
        value=value.amount,
        high=value.high,
        unit=value.unit,
        confidence=_CONFIDENCE.get(named.frame, 0.5),
    )
    candidate.hedge = hedge_before(text, item_start, value.start)
    if named.verb and named.verb == inherited_verb:
        candidate.confidence = 0.75  # a list item that continues the verb of the item before it
    candidate.kind = kind_of(named.name, value.unit, named.growth, named.verb)
    settle_comparison(candidate, value, named.growth, value.postfix)
    if value.bare_magnitude or not value.unit:
        guess_unit(candidate, value)
    _flag_context(candidate, place, value, comparison)
    if named.frame == "bare" and not value.postfix and value.high is None:
        candidate.flag("no comparison word: at-least assumed", cap=0.6)
    return candidate, named.verb if named.frame in _LIST_FRAMES else "", named.parts


def hedge_before(text: str, start: int, end: int) -> str:
    """The grade the nearest hedge before a figure gives it: commit (确保), stretch (力争), or ""."""
    hedges = HEDGE_WORDS.findall(text, start, end)
    return HEDGES[hedges[-1]] if hedges else ""


def _flag_context(candidate: Candidate, place: Place, value: Value, comparison: Comparison | None) -> None:
    """A count of the plan's own parts (三大行动), or what the work is organised around (围绕21条产业链)."""
    text = place.text
    after = text[value.end : place.clause.end]
    structure = next((noun for noun in STRUCTURE_NOUNS if after.startswith(noun)), "")
    focus = FOCUS_WORDS.search(text, place.clause.start, value.start)
    figure = text[value.start : value.end]
    if structure:
        candidate.flag(f"counts the plan's own parts ({figure}{structure}), not a target", cap=0.1, context=True)
    elif (
        comparison is not None
        and comparison[3]
        and value.unit not in PERCENT_UNITS
        and RELATIVE_TO_LAST_YEAR.search(text, place.clause.start, comparison[4])
    ):
        candidate.flag(
            f"an amount relative to last year ({text[place.clause.start : value.end].strip()}): track "
            "the level it gives, not the change",
            cap=0.2,
            context=True,
        )
    elif candidate.frame == "attribute":
        candidate.flag(f"describes what follows ({figure}的…), not a target", cap=0.2, context=True)
    elif HYPOTHETICAL.match(place.clause.of(text).strip()):
        candidate.flag("a supposition (如果…), not a target", cap=0.1, context=True)
    elif present := _present_word(text, place, value):
        candidate.flag(f"today's level ({present}…{figure}), not a target", cap=0.2, context=True)
    elif focus and comparison is None:
        candidate.flag(
            f"names what the work is organised around ({text[focus.start() : value.end]}…), not a target",
            cap=0.1,
            context=True,
        )


def _present_word(text: str, place: Place, value: Value) -> str:
    """目前/当前 before the figure in its clause, or as the whole clause before it (目前,我国…在2%左右)."""
    if found := PRESENT_WORDS.search(text, place.clause.start, value.start):
        return found.group(0)
    before = text[place.piece.start : place.clause.start].rstrip(",:")
    found = PRESENT_WORDS.search(before)
    return (
        found.group(0)
        if found and before.endswith(found.group(0)) and (found.start() == 0 or before[found.start() - 1] in ",:")
        else ""
    )


def borrow_subject(reading: Reading, candidate: Candidate, found: list[Candidate]) -> None:
    """GDP达到12000亿元,增长6%: a clause with no subject continues the indicator before it."""
    earlier = [
        c for c in (*reading.candidates, *found) if c.block is candidate.block and c.sentence == candidate.sentence
    ]
    if not earlier:
        candidate.flag("no subject before the figure: name it by hand", cap=0.5)
        return
    subject = earlier[-1].name
    subject = next((subject[: -len(w)] for w, _, _, g in COMPARISON_WORDS if g and subject.endswith(w)), subject)
    candidate.name = subject + candidate.name
    candidate.flag(f"no subject before the figure: {subject} taken from the clause before", cap=0.7)
