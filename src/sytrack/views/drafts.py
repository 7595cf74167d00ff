"""`sytrack extract --format ...`: the drafts' columns and their review table."""

from __future__ import annotations

from sytrack.views.columns import Column
from sytrack.views.text import rich_text

DRAFT_COLUMNS = [
    Column(key, kind="number" if key in ("line", "confidence") else "bool" if key in ("review", "context") else "text")
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
