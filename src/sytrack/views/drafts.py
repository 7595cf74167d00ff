"""`sytrack extract --format ...`: the drafts' rows, their columns and their review table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sytrack.values import format_plain
from sytrack.views.columns import Column
from sytrack.views.text import rich_text

if TYPE_CHECKING:
    from sytrack.extract.drafting import Draft


def draft_row(draft: Draft) -> dict[str, Any]:
    """One draft as plain values, keyed as DRAFT_COLUMNS below (the caller formats them)."""
    if draft.comparison == "between":
        value = f"{format_plain(draft.low)}..{format_plain(draft.high)}"
    else:
        value = format_plain(draft.value)
    baseline = draft.baseline
    return {
        "line": draft.line,
        "id": draft.id,
        "group": draft.group,
        "name_zh": draft.name_zh,
        "value": value,
        "unit": draft.unit,
        "comparison": draft.comparison,
        "tolerance": format_plain(draft.tolerance),
        "kind": draft.kind,
        "direction": draft.direction,
        "deadline": draft.deadline.isoformat(),
        "baseline": f"{format_plain(baseline.value)}@{baseline.date.isoformat()}" if baseline else "",
        "confidence": draft.confidence,
        "review": draft.review,
        "context": draft.context,
        "reason": draft.reason,
        "sentence": draft.sentence,
        "stretch": format_plain(draft.stretch),
    }


def draft_rows(drafts: list[Draft]) -> list[dict[str, Any]]:
    """One row per draft, in the text's order, for a review table."""
    return [draft_row(draft) for draft in drafts]


_NUMBERS, _FLAGS = ("line", "confidence"), ("review", "context")
# Every key of draft_row, in its order (tests/test_extract.py holds the two equal).
DRAFT_COLUMNS = [
    Column(key, kind="number" if key in _NUMBERS else "bool" if key in _FLAGS else "text")
    for key in (
        "line",
        "id",
        "group",
        "name_zh",
        "value",
        "unit",
        "comparison",
        "tolerance",
        "kind",
        "direction",
        "deadline",
        "baseline",
        "confidence",
        "review",
        "context",
        "reason",
        "sentence",
        "stretch",
    )
]


def drafts_table(rows, source: str):
    """`sytrack extract --format table`: the drafts to review, one line each, sentences shortened."""
    from rich.table import Table

    rows = list(rows)
    view = Table(title=rich_text(f"{len(rows)} drafts from {source}"))
    for title in ("line", "name", "value", "unit", "comparison", "kind", "confidence", "review", "sentence"):
        view.add_column(title, overflow="fold")
    for row in rows:
        sentence = row["sentence"] if len(row["sentence"]) <= 60 else row["sentence"][:59] + "…"
        view.add_row(
            *(
                rich_text(str(cell))
                for cell in (
                    row["line"],
                    row["name_zh"],
                    row["value"],
                    row["unit"],
                    row["comparison"],
                    row["kind"],
                    f"{row['confidence']:.2f}",
                    row["reason"],
                    sentence,
                )
            )
        )
    return view
