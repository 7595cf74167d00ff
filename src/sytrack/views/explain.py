"""`sytrack explain`: every figure behind one status, how it reads and how it is computed."""

from __future__ import annotations

from typing import Any

from sytrack.model import Indicator
from sytrack.values import format_human, target_text
from sytrack.views.columns import Column
from sytrack.views.grid import Cell, Grid, GridColumn, wrap
from sytrack.views.text import visible


EXPLAIN_COLUMNS = (
    Column("figure", "项目", "figure"),
    Column("value", "数值", "value", kind="number"),  # the plain number, where the figure is one
    Column("text", "显示", "as shown"),
    Column("how", "算法", "how"),
)


def _start_rule(p) -> str:
    i = p.indicator
    if p.target_number > 1:
        return "the previous target's deadline: the path is a staircase" + (", and a flow restarts at 0" if i.kind == "flow" else "")
    if p.target.start:
        return "the day before the target's start" + (" (a flow counts from 0)" if i.kind == "flow" else "")
    if i.kind == "flow":
        return "the day before the plan's start: a flow counts from 0 within its period"
    if i.baseline:
        return "the baseline's date and value"
    return "the day before the plan's start (no baseline: completion is a plain ratio)"


def _stretch_rows(p, human) -> list[tuple]:
    """A graded target's stretch (力争): its value and whether V reaches it; status stays on T."""
    if p.stretch is None:
        return []
    reached = {True: "reached", False: "not reached", None: "nothing recorded"}[p.stretch_met]
    return [("stretch (力争)", p.stretch, f"{human(p.stretch)}: {reached}",
             "the further value the plan strives for, with the target's comparison; status judges T, the commitment")]


def explain_fields(p, lang: str) -> list[dict[str, Any]]:
    """Every figure behind one indicator's status: its number, how it reads, and how it is computed."""
    i = p.indicator
    unit = i.unit_in(lang)
    percent_points = unit == "%"
    human = lambda v: format_human(v, unit, kind=i.kind)  # noqa: E731
    pct = lambda v: None if v is None else round(v * 100, 4)  # noqa: E731
    rows = [
        ("indicator", None, f"{i.id}: {i.name(lang)}", f"kind {i.kind}, direction {i.direction}"),
        ("as of (A)", None, p.as_of.isoformat(), "--as-of, else today"),
        ("target (T)", p.target.goal(i.direction) if i.kind != "milestone" else None,
         target_text(p.target, i.kind, unit), f"target {p.target_number} of {len(i.targets)}: the first due on or after A"),
        ("deadline (D)", None, p.target.deadline.isoformat(), ""),
        ("start (S)", None, p.start_date.isoformat(), _start_rule(p)),
        ("start value (B)", p.start_value, human(p.start_value) if p.start_value is not None else "none", _start_rule(p)),
        ("latest (V)", p.latest, f"{human(p.latest)} on {p.latest_date}" if p.latest is not None else "nothing recorded",
         "the latest value in force dated after S and on or before A (before D once D has passed)"),
        ("completion (c)", pct(p.completion), "" if p.completion is None else f"{p.completion * 100:.2f}%", p.completion_rule),
        ("time elapsed (τ)", pct(p.time_elapsed), "" if p.time_elapsed is None else f"{p.time_elapsed * 100:.2f}%",
         "(A − S) / (D − S), counted in " + ("months" if p.time_basis == "month" else "days")),
        ("pace", p.pace, "" if p.pace is None else f"{p.pace:.3f}", "c / τ"),
        ("thresholds", None, f"on track ≥ {p.on_track_threshold:g}, off track < {p.off_track_threshold:g}",
         "catalogue [plan] on_track, off_track"),
        ("days ahead", None if p.days_ahead is None else round(p.days_ahead, 1),
         "" if p.days_ahead is None else f"{p.days_ahead:+.1f}", "(c − τ) × (D − S) in days; negative is behind"),
        ("required per month", p.required_per_month,
         "" if p.required_per_month is None else (f"{p.required_per_month:.2f} percentage points" if percent_points else human(p.required_per_month)),
         "(T − V) / months from A to D"),
        ("forecast at D", p.forecast,
         "" if p.forecast is None else human(p.forecast) + (" (meets the target)" if p.forecast_meets else " (falls short)"),
         "least-squares line through the baseline (or a flow's 0 at S) and the values since, read at D"),
        ("status", None, p.status, p.reason),
        *_stretch_rows(p, human),
    ]
    return [{"figure": f, "value": v, "text": t, "how": h} for f, v, t, h in rows]


# ---------------------------------------------------------------------------------------------
# Charts


def explain_table(indicator: Indicator, progress, rows: list[dict[str, Any]], screen, lang: str = "en"):
    """`sytrack explain` for people: figure, value and how it is computed."""
    zh = lang == "zh"
    columns = (GridColumn("项目" if zh else "figure"), GridColumn("数值" if zh else "value", wrap=1),
               GridColumn("算法" if zh else "how", wrap=1, style="dim"))
    cells = [[Cell(visible(row["figure"])), Cell(visible(row["text"])), Cell(visible(row["how"]))] for row in rows]
    grid = Grid.fitted(columns, cells, screen.width, screen.box(), screen.colour)
    yield from wrap(f"{indicator.id} {'截至' if zh else 'as of'} {progress.as_of.isoformat()}", grid.width)
    yield from grid.lines(cells)
