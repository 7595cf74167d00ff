"""`sytrack explain`: every figure behind one status, how it reads and how it is computed."""

from __future__ import annotations

from typing import Any

from sytrack.model import Indicator
from sytrack.values import format_human, target_text
from sytrack.views.columns import Column
from sytrack.views.common import reason_text
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
        return "the previous target's deadline: the path is a staircase" + (
            ", and a flow restarts at 0" if i.kind == "flow" else ""
        )
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
    return [
        (
            "stretch (力争)",
            p.stretch,
            f"{human(p.stretch)}: {reached}",
            "the further value the plan strives for, with the target's comparison; status judges T, the commitment",
        )
    ]


def _worded(rows: list[dict[str, Any]], p, lang: str) -> list[dict[str, Any]]:
    """The rows in the report's language: built in English, worded again in Chinese under zh."""
    from sytrack.views.explain_zh import in_chinese

    return in_chinese(rows, p) if lang == "zh" else rows


def _doubt_rows(indicator: Indicator, lang: str) -> list[tuple]:
    """The catalogue's doubt about the entry, in the report's language: it changes no figure."""
    doubt = indicator.doubt_in(lang)
    return [("doubt", None, doubt, "the catalogue's doubt about this entry; it changes no figure")] if doubt else []


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
        (
            "target (T)",
            p.target.goal(i.direction) if i.kind != "milestone" else None,
            target_text(p.target, i.kind, unit),
            f"target {p.target_number} of {len(i.targets)}: the first due on or after A",
        ),
        ("deadline (D)", None, p.target.deadline.isoformat(), ""),
        ("start (S)", None, p.start_date.isoformat(), _start_rule(p)),
        (
            "start value (B)",
            p.start_value,
            human(p.start_value) if p.start_value is not None else "none",
            _start_rule(p),
        ),
        (
            "latest (V)",
            p.latest,
            f"{human(p.latest)} on {p.latest_date}" if p.latest is not None else "nothing recorded",
            "the latest value in force dated after S and on or before A (before D once D has passed)",
        ),
        (
            "completion (c)",
            pct(p.completion),
            "" if p.completion is None else f"{p.completion * 100:.2f}%",
            p.completion_rule,
        ),
        (
            "time elapsed (τ)",
            pct(p.time_elapsed),
            "" if p.time_elapsed is None else f"{p.time_elapsed * 100:.2f}%",
            "(A − S) / (D − S), counted in " + ("months" if p.time_basis == "month" else "days"),
        ),
        ("pace", p.pace, "" if p.pace is None else f"{p.pace:.3f}", "c / τ"),
        (
            "thresholds",
            None,
            f"on track ≥ {p.on_track_threshold:g}, off track < {p.off_track_threshold:g}",
            "catalogue [plan] on_track, off_track",
        ),
        (
            "days ahead",
            None if p.days_ahead is None else round(p.days_ahead, 1),
            "" if p.days_ahead is None else f"{p.days_ahead:+.1f}",
            "(c − τ) × (D − S) in days; negative is behind",
        ),
        (
            "required per month",
            p.required_per_month,
            ""
            if p.required_per_month is None
            else (f"{p.required_per_month:.2f} percentage points" if percent_points else human(p.required_per_month)),
            "(T − V) / months from A to D",
        ),
        (
            "forecast at D",
            p.forecast,
            ""
            if p.forecast is None
            else human(p.forecast) + (" (meets the target)" if p.forecast_meets else " (falls short)"),
            "least-squares line through the baseline (or a flow's 0 at S) and the values since, read at D",
        ),
        ("status", None, p.status, reason_text(p.reason, lang)),
        *_stretch_rows(p, human),
        *_doubt_rows(i, lang),
    ]
    return _worded([{"figure": f, "value": v, "text": t, "how": h} for f, v, t, h in rows], p, lang)


# ---------------------------------------------------------------------------------------------
# Charts


def explain_table(indicator: Indicator, progress, rows: list[dict[str, Any]], screen, lang: str = "en"):
    """`sytrack explain` for people: figure, value and how it is computed."""
    zh = lang == "zh"
    columns = (
        GridColumn("项目" if zh else "figure"),
        GridColumn("数值" if zh else "value", wrap=1),
        GridColumn("算法" if zh else "how", wrap=1, style="dim"),
    )
    cells = [[Cell(visible(row["figure"])), Cell(visible(row["text"])), Cell(visible(row["how"]))] for row in rows]
    grid = Grid.fitted(columns, cells, screen.width, screen.box(), screen.colour)
    yield from wrap(f"{indicator.id} {'截至' if zh else 'as of'} {progress.as_of.isoformat()}", grid.width)
    yield from grid.lines(cells)


# ---------------------------------------------------------------------------------------------
# Districts and departments: how the orgs' figures make the city's

_HOW = {
    "flow": "the sum of the orgs' figures of the same date",
    "level": "the sum of each org's latest figure on or before the date",
    "share": "Σ vᵢ·wᵢ / Σ wᵢ over each org's latest figure, weighed by its denominator (else its declared weight)",
    "rate": "Σ vᵢ·wᵢ / Σ wᵢ over the orgs' figures of the same date, weighed by denominator (else declared weight)",
}


def _combination(kind: str, row: tuple, human) -> str:
    """How one date's figures combine, written out: 7 + 5 + 2 = 14, or (45 × 1200 + 30 × 900) / 2100 = 38.6%."""
    _day, total, values, weights, note = row
    if total is None:
        return note
    if weights is None:
        return " + ".join(f"{v:g}" for v in values) + f" = {human(total)}"
    terms = " + ".join(f"{v:g} × {w:g}" for v, w in zip(values, weights))
    return f"({terms}) / {sum(weights):g} = {human(total)}"


def _node_rows(indicator, catalogue, node: str, figures, as_of, human, lang: str) -> list[tuple]:
    """One node's (the city's or an org's) figures: each org under it, then its roll-up at the latest date."""
    from sytrack.orgs import allocated_target

    rolled = figures.nodes[node].rolled
    if rolled is None:
        return []
    rows = []
    for member in rolled.members:
        org = catalogue.org(member)
        known = [p for p in figures.nodes[member].effective if p[0] <= as_of]
        target = allocated_target(indicator, member)
        allocation = f"allocated {human(target.value)}" if target is not None else "no allocation"
        whose = (
            "rolled up from its orgs"
            if figures.nodes[member].rolled is not None
            and known
            and known[-1][0] not in {p[0] for p in figures.nodes[member].own}
            else "its own figure"
        )
        text = f"{human(known[-1][1])} on {known[-1][0]}" if known else "nothing recorded"
        if known and len(known[-1]) > 2:
            text += f" (of {known[-1][2]:g})"
        rows.append(
            (
                f"  {org.name(lang) if org else member} ({member})",
                known[-1][1] if known else None,
                text,
                f"{allocation}; {whose if known else 'no figure yet'}",
            )
        )
    dated = [row for row in rolled.rows if row[0] <= as_of]
    label = "the city" if node == "" else node
    if not dated:
        rows.append((f"roll-up into {label}", None, rolled.reason or "no figure yet", _HOW.get(indicator.kind, "")))
        return rows
    last = dated[-1]
    rows.append(
        (
            f"roll-up into {label} on {last[0]}",
            last[1],
            _combination(indicator.kind, last, human),
            _HOW.get(indicator.kind, rolled.reason),
        )
    )
    return rows


def rollup_fields(indicator: Indicator, catalogue, figures, progress, lang: str) -> list[dict[str, Any]]:
    """The explain rows a roll-up adds: where the city's figure comes from, every org's figure, how
    they combine (deepest level last, as the city's own first), and every disagreement."""
    from sytrack.views.status import disagreement_text

    if figures is None or figures.nodes is None:
        return []
    unit = indicator.unit_in(lang)
    human = lambda v: format_human(v, unit, kind=indicator.kind)  # noqa: E731
    rolled = figures.rolled_up_at(progress.latest_date)
    source = (
        ("rolled up from its orgs (Σ)" if rolled else "the city's own figure")
        if progress.latest is not None
        else "nothing recorded or rolled up"
    )
    rows = [
        ("city's figure (V)", None, source, "the city's own figure where it has one for a date, else its orgs' roll-up")
    ]
    nodes = [""] + [org.id for org in catalogue.orgs if org.id in figures.nodes]
    for node in nodes:
        rows += _node_rows(indicator, catalogue, node, figures, progress.as_of, human, lang)
    for node, d in figures.disagreements:
        rows.append(
            (
                "disagreement",
                d.difference,
                disagreement_text(node, d, indicator, lang),
                "own figure and the orgs' roll-up differ by more than 1% of the own figure; the own figure counts",
            )
        )
    return _worded([{"figure": f, "value": v, "text": t, "how": h} for f, v, t, h in rows], progress, lang)
