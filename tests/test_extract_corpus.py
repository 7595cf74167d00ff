"""Recall and precision of `extract` on the plan corpus (tests/plans/), as benchmarks/extract_recall.py counts them."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("extract_recall", ROOT / "benchmarks" / "extract_recall.py")
recall = importlib.util.module_from_spec(_SPEC)
sys.modules["extract_recall"] = recall  # dataclasses look their module up by name
_SPEC.loader.exec_module(recall)

SCORES = {name: recall.score_text(name) for name in recall.texts()}


def test_the_corpus_has_eight_texts_besides_the_seed_each_with_its_source_and_a_key():
    others = [name for name in SCORES if name != recall.SEED]
    assert len(others) >= 8
    for name in others:
        text = (recall.CORPUS / f"{name}.md").read_text(encoding="utf-8")
        assert "来源: http" in text.split("\n\n")[1], name  # the header: source URL and date
        key = tomllib.loads((recall.CORPUS / f"{name}.key.toml").read_text(encoding="utf-8"))
        assert key["target"], name


def test_recall_and_precision_over_the_corpus_meet_the_aim():
    total = recall.total(list(SCORES.values()))
    print("\n" + recall.table(list(SCORES.values())))
    assert total.recall >= 0.95
    assert total.precision >= 0.95


def test_the_seed_plan_stays_at_full_recall_and_precision():
    seed = SCORES[recall.SEED]
    assert (seed.found, seed.claimed) == (seed.targets, seed.live), (seed.missed, seed.extra)


@pytest.mark.parametrize("name", sorted(SCORES))
def test_no_text_falls_far_behind(name):
    score = SCORES[name]
    assert score.recall >= 0.85 and score.precision >= 0.85, (score.missed, score.extra)


def test_the_measure_counts_a_miss_and_an_extra_entry():
    key = [
        recall.KeyTarget("森林覆盖率", "at-least", 24.1, None, None, "%", None),
        recall.KeyTarget("湿地保护率", "at-least", 55, None, None, "%", None),
    ]
    score = recall.score("t", "到2025年,森林覆盖率达到24.1%,草原综合植被盖度达到57%。", 2025, key, [])
    assert (score.targets, score.found, score.live, score.claimed) == (2, 1, 2, 1)
    assert score.missed == ["湿地保护率 at-least 55%"]
