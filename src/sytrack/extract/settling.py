"""Settling: restatements merged into the first statement, last year's figures attached as baselines."""

from __future__ import annotations

from decimal import Decimal

from sytrack.extract.candidates import Candidate
from sytrack.extract.lexicon import COMPARISON_WORDS
from sytrack.extract.numbers import as_float
from sytrack.values import format_plain


def common_run(a: str, b: str) -> int:
    """The length of the longest run of characters a and b share (a binary search over run lengths)."""
    if len(a) > len(b):
        a, b = b, a
    low, high = 0, len(a)
    while low < high:
        middle = (low + high + 1) // 2
        if any(a[i : i + middle] in b for i in range(len(a) - middle + 1)):
            low = middle
        else:
            high = middle - 1
    return low


def restatement_key(candidate: Candidate) -> tuple:
    return (
        candidate.unit,
        candidate.value,
        candidate.high,
        candidate.comparison,
        candidate.deadline_year,
        candidate.context,
        candidate.past_year,
    )


def same_target(a: Candidate, b: Candidate) -> bool:
    """Whether b restates a (same key), in another sentence, for a name that shares a run of at least
    half the shorter one once their growth words are gone (百亿企业 and 百亿元企业, but not
    地方财政收入增长 and 农村居民人均纯收入增长, which share only 收入 besides 增长)."""
    if a.value is None or (a.block is b.block and a.sentence == b.sentence):
        return False
    return same_subject(a, b)


def same_subject(a: Candidate, b: Candidate) -> bool:
    """Whether b's name is a's (a run of at least half the shorter one in common), or b has none."""
    if not b.name:
        return True  # 实现9.5%左右的增长: a figure with no subject that repeats a target's key restates it
    a_name, b_name = _without_growth_word(a.name), _without_growth_word(b.name)
    shared = common_run(a_name, b_name)
    return shared >= 2 and 2 * shared >= min(len(a_name), len(b_name))


def _without_growth_word(name: str) -> str:
    """地方财政收入增长 -> 地方财政收入: the growth word is shared by every rate, so it says nothing."""
    return next(
        (name[: -len(w)] for w, _, _, g in COMPARISON_WORDS if g and name.endswith(w) and len(name) > len(w)), name
    )


def merge_restatements(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the first statement of each target; note where the text repeats it."""
    kept: list[Candidate] = []
    by_key: dict[tuple, list[Candidate]] = {}
    for candidate in candidates:
        same_key = by_key.setdefault(restatement_key(candidate), [])
        earlier = next((k for k in same_key if same_target(k, candidate)), None)
        if earlier is None:
            kept.append(candidate)
            same_key.append(candidate)
            continue
        earlier.notes.append(f"also stated on line {candidate.line}: {candidate.clause_text}")
        if not earlier.context:
            earlier.confidence = min(0.95, round(earlier.confidence + 0.05, 2))
    return kept


def attach_baselines(candidates: list[Candidate]) -> list[Candidate]:
    """Give a target last year's figure for the same measure, when the text states it; the figure then
    leaves the list. The same measure: same unit and kind, and a run of 4 characters shared between the
    target's name and the figure's clause (or, failing that, its sentence up to the figure)."""
    # Each past figure with its value and year, read once: (candidate, value, year).
    past: dict[tuple[str, str], list[tuple[Candidate, Decimal, int]]] = {}
    for candidate in candidates:
        if candidate.context and candidate.past_year is not None and candidate.value is not None:
            past.setdefault((candidate.unit, candidate.kind), []).append(
                (candidate, candidate.value, candidate.past_year)
            )
    taken: set[int] = set()
    for target in candidates:
        if target.context or target.value is None or target.high is not None or target.kind not in ("level", "share"):
            continue
        best, best_score = None, (0, 0)
        for entry in past.get((target.unit, target.kind), ()):
            figure, _, year = entry
            if id(figure) in taken or year >= target.deadline_year:
                continue
            before = common_run(target.name, figure.block.text[figure.sentence.start : figure.position])
            if before < 4:
                continue  # the clause is part of the sentence, so it shares no more
            own = common_run(target.name, figure.block.text[figure.clause.start : figure.position])
            if (own, before) > best_score:
                best, best_score = entry, (own, before)
        if best is not None:
            figure, value, year = best
            taken.add(id(figure))
            target.baseline = (value, year, figure.line)
            target.notes.append(f"baseline from line {figure.line}: {figure.clause_text}")
    return [c for c in candidates if id(c) not in taken]


def _grades(commit: Candidate, stretch: Candidate) -> bool:
    """Whether `stretch` (力争 Y) grades `commit` (确保 X, or X with no hedge): the same sentence, unit,
    kind and deadline, the same indicator (its own name, or none: 力争7%), and Y beyond X."""
    if commit.block is not stretch.block or commit.sentence != stretch.sentence or commit.context:
        return False
    if commit.hedge == "stretch" or stretch.hedge != "stretch" or stretch.context or commit.value is None:
        return False
    if (commit.unit, commit.deadline_year) != (stretch.unit, stretch.deadline_year):
        return False
    if stretch.value is None or commit.high is not None or stretch.high is not None:
        return False
    beyond = stretch.value < commit.value if commit.direction == "decrease" else stretch.value > commit.value
    # 力争7% has no subject, and so no kind of its own: it takes the commitment's
    borrowed = any(reason.startswith("no subject before the figure") for reason in stretch.reasons)
    return beyond and (borrowed or commit.kind == stretch.kind and same_subject(commit, stretch))


def attach_stretches(candidates: list[Candidate]) -> list[Candidate]:
    """确保增长6%、力争增长7%: one graded target, value 6 (what status judges) and stretch 7. A 力争 figure
    alone stays the value (5G基站力争突破4万个)."""
    kept: list[Candidate] = []
    for candidate in candidates:
        commit = kept[-1] if kept else None
        if commit is not None and commit.stretch is None and _grades(commit, candidate):
            assert commit.value is not None and candidate.value is not None, "_grades holds both to a value"
            commit.stretch = candidate.value
            commit.notes.append(
                f"graded: the value ({format_plain(as_float(commit.value))}) is the commitment, "
                f"stretch ({format_plain(as_float(candidate.value))}) the 力争 figure"
            )
            continue
        kept.append(candidate)
    return kept
