"""Special forms of a target: 分别 lists, “12+24” sums, ranks, qualitative targets, and what a falling word does."""

from __future__ import annotations

import re
from decimal import Decimal

from sytrack.extract.candidates import Candidate, comparison_before, head_noun, kind_of, measured_by, strip_name
from sytrack.extract.clauses import Place
from sytrack.extract.lexicon import COMPARISON_WORDS, NOUNS, PERCENT_UNITS, QUALITATIVE
from sytrack.extract.numbers import CN_NUMERAL, Value, chinese_number, number_match, value_at


def settle_comparison(candidate: Candidate, value: Value, growth: int, postfix: str) -> None:
    """The comparison from the word after the number, and what a falling word does to the value."""
    if value.high is not None:
        candidate.comparison = "between"
    elif postfix == "左右":
        candidate.comparison = "about"
    elif postfix in ("以内", "以下"):
        candidate.comparison, candidate.direction = "at-most", "decrease"
    # 以上 changes nothing: 达到…以上 and a bare frame are at-least already, 突破…以上 keeps its strict
    # reading, and after a falling word (不超过…以上) it contradicts the word, which wins.
    if growth < 0 and candidate.unit in PERCENT_UNITS:
        # a fall by 2.5% is a growth rate of at most -2.5%; a fall by 2-3% lies between -3% and -2%
        low = candidate.value
        assert low is not None, "a candidate read from a number has a value"
        candidate.value = -(candidate.high if candidate.high is not None else low)
        candidate.high = -low if candidate.high is not None else None
        candidate.direction = "decrease"
        if candidate.comparison not in ("about", "between"):
            candidate.comparison = "at-most"
    elif growth < 0:
        if candidate.name.endswith(("减少", "下降", "降低", "压减", "缩减")):
            candidate.name += "量"
        candidate.direction, candidate.kind = "increase", "flow"
        if candidate.comparison not in ("about", "between"):
            candidate.comparison = "at-least"
        candidate.flag(
            "an absolute reduction: drafted as the amount cut (a flow); it may be better tracked "
            "as the level, at most the baseline minus the cut",
            cap=0.5,
        )
    if candidate.unit == "个百分点":
        candidate.flag("a change in percentage points: track the share itself if the plan gives its level", cap=0.5)


def guess_unit(candidate: Candidate, value: Value) -> None:
    noun = head_noun(candidate.name)
    magnitude = number_match(candidate.block.text, value.start).group(0)
    counted = re.split(r"[,、;]", candidate.block.text[value.end : candidate.clause.end])[0]
    if value.bare_magnitude and measured_by(candidate.name + counted) == "people":
        candidate.unit = "人"  # 实现一亿左右农业转移人口在城镇落户
        candidate.flag(f"no unit after {magnitude}: 人 assumed from the people it counts", cap=0.6)
    elif value.bare_magnitude and magnitude[-1] == "亿":
        candidate.unit = "元"
        candidate.flag(f"no unit after {magnitude}: 元 assumed", cap=0.6)
    elif noun:
        candidate.unit = NOUNS[noun][0]
        candidate.flag(f"no unit in the text: {candidate.unit} guessed from {noun}", cap=0.6)
    else:
        candidate.flag("no unit in the text, and none could be guessed", cap=0.4)


def growth_named(name: str) -> int:
    """+1 or -1 when a name ends in a word of growth or fall (进口增长), else 0."""
    return next((g for w, _, _, g in COMPARISON_WORDS if g and name.endswith(w)), 0)


def read_respectively(first: Candidate, value: Value, found: list[Candidate]) -> int:
    """A、B分别达到78%、65%: pair the names before 分别 with the values after it."""
    text, (_, end) = first.block.text, first.clause
    values = [value]
    position = value.end
    while position < end and text[position] in "、和":
        following = value_at(text, position + 1, end, after_comparison=True)
        if following is None:
            break
        values.append(following)
        position = following.end
    names = [n for n in re.split(r"[、和]", first.name) if n]
    paired = len(names) == len(values)
    growth = growth_named(first.name)
    for index, item in enumerate(values):
        candidate = Candidate(
            block=first.block,
            position=item.start,
            sentence=first.sentence,
            clause=first.clause,
            name=names[index] if paired else first.name,
            frame="respectively",
            comparison=first.comparison,
            direction=first.direction,
            kind=first.kind,
            value=item.amount,
            high=item.high,
            unit=item.unit,
            confidence=0.85,
        )
        candidate.kind = kind_of(candidate.name, candidate.unit, growth, "")
        settle_comparison(candidate, item, growth, item.postfix)
        if not paired:
            candidate.flag(f"{len(names)} names and {len(values)} values around 分别: pair them by hand", cap=0.5)
        found.append(candidate)
    return position


def inside_plus(text: str, at: int, start: int, end: int) -> bool:
    return (at > start and text[at - 1] == "+") or bool(re.match(r"\d+\+", text[at:end]))


def _plus_names(subject: str) -> list[str]:
    """The names a “12+24” sum pairs with: A和B数量 -> A数量, B数量."""
    names = [n for n in re.split(r"[和与及、]", subject) if n]
    measure = re.search(r"(数量|总数|个数|规模)$", names[-1]) if names else None
    if measure:
        names = [n if n.endswith(measure.group(1)) else n + measure.group(1) for n in names]
    return names


def read_plus(place: Place, found: list[Candidate]) -> None:
    """头部企业配套园区和重点特色产业园区数量达到“12+24”: one target per name and number."""
    text, (start, end) = place.text, place.clause
    for match in re.finditer(r"“(\d+(?:\+\d+)+)”", text[start:end]):
        at = start + match.start()
        comparison = comparison_before(text, start, at + 1)
        if comparison is None:
            continue
        word, comparison_name, direction, growth, word_start = comparison
        subject = strip_name(text[start:word_start])
        names, numbers = _plus_names(subject), match.group(1).split("+")
        paired = len(names) == len(numbers)
        offset = at + 1
        for index, number in enumerate(numbers):
            name = names[index] if paired else subject
            noun = head_noun(name)
            candidate = Candidate.at(
                place,
                offset,
                name=name,
                frame="plus",
                comparison=comparison_name,
                direction=direction,
                kind="level",
                value=Decimal(number),
                high=None,
                unit=NOUNS[noun][0] if noun else "",
                confidence=0.6,
            )
            candidate.kind = kind_of(name, candidate.unit, growth, "")
            if noun:
                candidate.flag(f"no unit in the text: {candidate.unit} guessed from {noun}", cap=0.6)
            else:
                candidate.flag("no unit in the text, and none could be guessed", cap=0.4)
            if not paired:
                candidate.flag(
                    f"“{match.group(1)}” has {len(numbers)} parts but the subject names "
                    f"{len(names)}: pair them by hand",
                    cap=0.4,
                )
            found.append(candidate)
            offset += len(number) + 1


def read_rank(place: Place, found: list[Candidate]) -> None:
    """位列第25名, 进入前20位: a rank, where lower is better."""
    text, (start, end) = place.text, place.clause
    for match in re.finditer(rf"(第|前)(\d+|[{CN_NUMERAL}]+)(名|位|强)", text[start:end]):
        if match.group(3) == "强" and match.group(1) == "第":
            continue
        at = start + match.start(2)
        try:
            number = Decimal(match.group(2)) if match.group(2).isdigit() else chinese_number(match.group(2))
        except (ValueError, KeyError):
            continue
        if number < 1:
            continue
        subject = strip_name(
            re.sub(r"(位列|位居|排名|排在|进入|保持|稳居|跻身|晋升|居|列)$", "", text[start : start + match.start()])
        )
        candidate = Candidate.at(
            place,
            at,
            name=(subject or "") + "排名",
            frame="rank",
            comparison="at-most",
            direction="decrease",
            kind="rank",
            value=number,
            high=None,
            unit="位",
            confidence=0.6,
        )
        candidate.flag("a rank: drafted as 'hold or improve' (at most this place); confirm the plan sets it", cap=0.6)
        found.append(candidate)


def qualitative_match(place: Place) -> re.Match | None:
    """与经济增长同步, 快于全省平均水平: a target stated in words, in a clause with no number."""
    text, (start, end) = place.text, place.clause
    match = QUALITATIVE.search(text, start, end)
    return None if not match or re.search(r"\d", text[start:end]) else match


def qualitative_candidate(place: Place, match: re.Match, deadline: int) -> Candidate:
    text, (start, end) = place.text, place.clause
    candidate = Candidate.at(
        place,
        match.start(),
        name=strip_name(text[start:end]),
        frame="qualitative",
        comparison="",
        direction="increase",
        kind="level",
        value=None,
        high=None,
        unit="",
        deadline_year=deadline,
        confidence=0.3,
    )
    candidate.flag(f"a qualitative target ({match.group(0)}): no number to track; add it by hand if wanted", cap=0.3)
    return candidate
