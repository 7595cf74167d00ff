"""Candidates: what one number in a clause says, before ids, restatements and baselines are settled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from sytrack.extract.clauses import Place, Span
from sytrack.extract.layout import Block
from sytrack.extract.lexicon import (
    COMPARISON_WORDS,
    COUNT_UNITS,
    FLOW_VERBS,
    FLOW_WORDS,
    FRAME_VERBS,
    LEADING_FILLER,
    MONEY_WORDS,
    NOUNS,
    PEOPLE_WORDS,
    PERCENT_UNITS,
    STOCK_WORDS,
    TRAILING_FILLER,
)

# A comparison word found before a number: (word, comparison, direction, growth, where the word starts)
Comparison = tuple[str, str, str, int, int]


@dataclass
class Candidate:
    block: Block
    position: int  # offset of the number in block.text
    sentence: Span  # the piece of the sentence (between ;) the number is in
    clause: Span
    name: str
    frame: str  # comparison, respectively, verb, verb-after, verb-inside, context, plus, rank, qualitative
    comparison: str
    direction: str
    kind: str
    value: Decimal | None
    high: Decimal | None
    unit: str
    tolerance: Decimal | None = None
    deadline_year: int = 0
    past_year: int | None = None
    confidence: float = 0.9
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    context: bool = False
    baseline: tuple[Decimal, int, int] | None = None  # value, year, line
    hedge: str = ""  # "commit" after 确保, "stretch" after 力争/争取/努力, else ""
    stretch: Decimal | None = None  # the 力争 value of a graded target; value is then the 确保 one

    @classmethod
    def at(cls, place: Place, position: int, **fields) -> Candidate:
        return cls(block=place.block, position=position, sentence=place.piece, clause=place.clause, **fields)

    @property
    def line(self) -> int:
        return self.block.lines[min(self.position, len(self.block.lines) - 1)]

    @property
    def sentence_text(self) -> str:
        return self.sentence.of(self.block.text).strip()

    @property
    def clause_text(self) -> str:
        return self.clause.of(self.block.text).strip()

    def flag(self, reason: str, cap: float | None = None, context: bool = False) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if cap is not None:
            self.confidence = min(self.confidence, cap)
        self.context = self.context or context


def comparison_before(text: str, start: int, end: int) -> Comparison | None:
    """The comparison word ending at `end` (allowing 约 or an opening quote after it)."""
    about = False
    while end > start and text[end - 1] in "约“":
        about = about or text[end - 1] == "约"
        end -= 1
    for word, comparison, direction, growth in COMPARISON_WORDS:
        if text.startswith(word, end - len(word)) and end - len(word) >= start:
            return word, ("about" if about else comparison), direction, growth, end - len(word)
    return None


def strip_name(text: str) -> str:
    text = text.strip(" 、,")
    previous = None
    while previous != text:
        previous = text
        text = LEADING_FILLER.sub("", text)
        text = TRAILING_FILLER.sub("", text).strip(" 、,")
    return text


def frame_verb(subject: str) -> str:
    return next((verb for verb in FRAME_VERBS if subject.startswith(verb)), "")


def head_noun(name: str) -> str:
    bare = re.sub(r"\([^)]*\)", "", name)
    found = [(bare.rfind(noun), -len(noun), noun) for noun in NOUNS if noun in bare]
    return max(found)[2] if found else ""


def measured_by(name: str) -> str:
    """What a name's head measures: "money" (一般公共预算收入), "people" (人口规模), or "" for anything else,
    such as a counted noun after the money word (投资项目)."""

    def last_end(words) -> int:
        return max((name.rfind(w) + len(w) for w in words if w in name), default=-1)

    heads = {"money": last_end(MONEY_WORDS), "people": last_end(PEOPLE_WORDS), "": last_end(NOUNS)}
    best = max(heads, key=lambda key: heads[key])
    return best if heads[best] >= 0 else ""


def kind_of(name: str, unit: str, growth: int, verb: str) -> str:
    """level, flow, share, rate or rank, from the unit, the comparison word and the name."""
    if unit in PERCENT_UNITS:
        return "rate" if growth or unit in ("个百分点", "‰") else "share"
    if unit == "位":
        return "rank"
    made = verb in FLOW_VERBS or frame_verb(name) in FLOW_VERBS or name.startswith(("新增", "新建"))
    if unit in COUNT_UNITS:  # counted things are a stock, unless the verb says they are made this year
        return "flow" if made or growth else "level"
    if any(word in name for word in STOCK_WORDS):
        return "level"
    if made or growth or unit == "元" or any(word in name for word in FLOW_WORDS):
        return "flow"
    return "level"
