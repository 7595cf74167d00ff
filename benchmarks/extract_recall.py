"""Recall and precision of `sytrack extract` on the plan corpus in tests/plans/, against answer keys written by hand.

    python benchmarks/extract_recall.py            # the table, one row per text and the total
    python benchmarks/extract_recall.py --detail   # and, per text, the targets missed and the extra entries

A key target is found when one live draft (an entry `extract` writes uncommented) has the same value
(after unit scaling: 1.3万亿斤 = 1.3e12 斤), the same base unit and the same comparison class (at-least and
more-than are one class, at-most and less-than another; about and between are their own). Each draft
claims at most one target, the one whose name is closest. Recall = targets found / key targets;
precision = live drafts that claim a target / live drafts. A number the key lists as context that
`extract` drafts live therefore costs precision, and so does a restatement left unmerged. Qualitative
targets (no number) are counted apart: found when a draft without a number quotes the phrase.

The seed plan's key is the shipped catalogue (indicators.toml), less `top100-rank`: the plan states only
the 2022 rank (位列第25名), and the shipped hold-or-improve target is the curator's choice.
"""

from __future__ import annotations

import argparse
import difflib
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "plans"
SEED = "shenyang-2023-industrial-plan"
SEED_NOT_IN_TEXT = {"top100-rank"}

sys.path.insert(0, str(ROOT / "src"))

from sytrack.extract import Draft, extract  # noqa: E402
from sytrack.values import split_unit  # noqa: E402

CLASS = {"at-least": "rising", "more-than": "rising", "at-most": "falling", "less-than": "falling"}


@dataclass(frozen=True)
class KeyTarget:
    name: str
    comparison: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    deadline: object


@dataclass
class Score:
    text: str
    targets: int
    found: int
    live: int
    claimed: int
    qualitative: int
    qualitative_found: int
    deadlines_right: int
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.targets if self.targets else 1.0

    @property
    def precision(self) -> float:
        return self.claimed / self.live if self.live else 1.0


def _base(amount: float | None, unit: str) -> tuple[float | None, str]:
    magnitude, base = split_unit(unit)
    return (None if amount is None else amount * magnitude), base


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def fits(target: KeyTarget, draft: Draft) -> bool:
    """Whether a draft states the key target: value, base unit and comparison class."""
    if _base(1, draft.unit)[1] != _base(1, target.unit)[1]:
        return False
    if CLASS.get(target.comparison, target.comparison) != CLASS.get(draft.comparison, draft.comparison):
        return False
    if target.comparison == "between":
        return _same(_base(target.low, target.unit)[0], _base(draft.low, draft.unit)[0]) and _same(
            _base(target.high, target.unit)[0], _base(draft.high, draft.unit)[0]
        )
    return _same(_base(target.value, target.unit)[0], _base(draft.value, draft.unit)[0])


def match(targets: list[KeyTarget], drafts: list[Draft]) -> list[tuple[KeyTarget, Draft | None]]:
    """Each key target paired with the live draft that states it (one to one, closest name first)."""
    used: set[int] = set()
    pairs = []
    for target in targets:
        fitting = [d for d in drafts if id(d) not in used and fits(target, d)]
        best = max(fitting, key=lambda d: difflib.SequenceMatcher(None, d.name_zh, target.name).ratio(), default=None)
        if best is not None:
            used.add(id(best))
        pairs.append((target, best))
    return pairs


def quotes_phrase(draft: Draft, phrase: str) -> bool:
    return draft.comparison == "" and (phrase in draft.clause or draft.clause.strip("。,;") in phrase)


def score(name: str, text: str, year: int, targets: list[KeyTarget], phrases: list[str]) -> Score:
    drafts = extract(text, year)
    live = [d for d in drafts if d.writable]
    pairs = match(targets, live)
    claimed = {id(d) for _, d in pairs if d is not None}
    return Score(
        text=name,
        targets=len(targets),
        found=len(claimed),
        live=len(live),
        claimed=len(claimed),
        qualitative=len(phrases),
        qualitative_found=sum(any(quotes_phrase(d, p) for d in drafts) for p in phrases),
        deadlines_right=sum(1 for t, d in pairs if d is not None and d.deadline == t.deadline),
        missed=[
            f"{t.name} {t.comparison} {t.value if t.comparison != 'between' else (t.low, t.high)}{t.unit}"
            for t, d in pairs
            if d is None
        ],
        extra=[
            f"line {d.line}: {d.name_zh} {d.comparison} {d.value if d.comparison != 'between' else (d.low, d.high)}"
            f"{d.unit}"
            for d in live
            if id(d) not in claimed
        ],
    )


def key_of(path: Path) -> tuple[int, list[KeyTarget], list[str]]:
    """The plan year, the numeric targets and the qualitative phrases of an answer key."""
    key = tomllib.loads(path.read_text(encoding="utf-8"))
    targets = [
        KeyTarget(t["name"], t["comparison"], t.get("value"), t.get("low"), t.get("high"), t["unit"], t["deadline"])
        for t in key.get("target", [])
    ]
    return key["year"], targets, [q["phrase"] for q in key.get("qualitative", [])]


def seed_key() -> tuple[int, list[KeyTarget], list[str]]:
    from sytrack.catalogue import parse_catalogue

    catalogue, problems = parse_catalogue((ROOT / "indicators.toml").read_text(encoding="utf-8"), "indicators.toml")
    assert catalogue is not None, problems
    targets = [
        KeyTarget(i.name_zh, t.comparison, t.value, t.low, t.high, i.unit, t.deadline)
        for i in catalogue.indicators
        if i.kind != "milestone" and i.id not in SEED_NOT_IN_TEXT
        for t in i.targets
    ]
    return 2023, targets, []


def texts() -> list[str]:
    """The corpus's texts: every plan with an answer key, then the seed plan."""
    return sorted(p.name.removesuffix(".key.toml") for p in CORPUS.glob("*.key.toml")) + [SEED]


def score_text(name: str) -> Score:
    year, targets, phrases = seed_key() if name == SEED else key_of(CORPUS / f"{name}.key.toml")
    return score(name, (CORPUS / f"{name}.md").read_text(encoding="utf-8"), year, targets, phrases)


def total(scores: list[Score]) -> Score:
    return Score(
        "all texts",
        *(
            sum(getattr(s, f) for s in scores)
            for f in ("targets", "found", "live", "claimed", "qualitative", "qualitative_found", "deadlines_right")
        ),
    )


def table(scores: list[Score]) -> str:
    """A Markdown table: one row per text and the total."""
    lines = [
        "| text | targets | found | recall | live entries | right | precision | deadline right | in words |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in [*scores, total(scores)]:
        lines.append(
            f"| {s.text} | {s.targets} | {s.found} | {s.recall:.1%} | {s.live} | {s.claimed} | "
            f"{s.precision:.1%} | {s.deadlines_right}/{s.found} | {s.qualitative_found}/{s.qualitative} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="list the targets missed and the extra entries")
    args = parser.parse_args(argv)
    scores = [score_text(name) for name in texts()]
    print(table(scores))
    if args.detail:
        for s in scores:
            for line in s.missed:
                print(f"{s.text}: missed {line}")
            for line in s.extra:
                print(f"{s.text}: extra  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
