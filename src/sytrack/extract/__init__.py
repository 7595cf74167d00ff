"""Drafting catalogue entries from a plan's text, by rule: a pipeline of stages, one module each.

layout (text -> blocks) -> clauses (blocks -> spans) -> reading (clauses -> candidates, with numbers,
forms and judging) -> settling (restatements, baselines) -> drafting (candidates -> Drafts) -> writing
(Drafts -> TOML or rows). lexicon holds the word lists every stage reads; naming the English glosses.
"""

from __future__ import annotations

import re
from collections import Counter

from sytrack.errors import SytrackError, UsageError
from sytrack.extract.drafting import Draft, to_drafts
from sytrack.extract.layout import layout_blocks
from sytrack.extract.lexicon import FULL_WIDTH
from sytrack.extract.naming import plan_title, title_in_english
from sytrack.extract.numbers import chinese_number
from sytrack.extract.reading import read_blocks
from sytrack.extract.settling import attach_baselines, attach_stretches, merge_restatements
from sytrack.extract.sources import KINDS, plan_text, read_plan_text
from sytrack.extract.writing import draft_to_toml

__all__ = [
    "GROUP_BY",
    "Draft",
    "chinese_number",
    "draft_to_toml",
    "extract",
    "most_common_year",
    "plan_title",
    "title_in_english",
    "KINDS",
    "plan_text",
    "read_plan_text",
]

GROUP_BY = ("heading", "none")


def most_common_year(text: str) -> int | None:
    """The year a plan text names most often (20XX年), the later on a tie; None if it names none."""
    counts = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text.translate(FULL_WIDTH)))
    if not counts:
        return None
    return max(counts, key=lambda year: (counts[year], year))


def extract(text: str, year: int | None = None, group_by: str = "heading") -> list[Draft]:
    """Draft one entry per quantified target in a plan's text (plain text or Markdown).

    `year` is the plan's year: the deadline of targets whose sentence names none, and the year
    before which figures are results. Without it, the year the text names most often is used.
    """
    if group_by not in GROUP_BY:
        raise UsageError(f"unknown grouping {group_by!r} (use {' or '.join(GROUP_BY)})")
    plan_year = year if year is not None else most_common_year(text)
    if plan_year is None:
        raise SytrackError("the text names no year (such as 2023年): give the plan's year")
    blocks = layout_blocks(text.removeprefix("\ufeff"), plan_year)
    candidates = read_blocks(blocks, plan_year)
    candidates = merge_restatements(candidates)
    candidates = attach_baselines(candidates)
    candidates = attach_stretches(candidates)
    return to_drafts(candidates, group_by, plan_year)
