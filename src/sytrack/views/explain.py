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


def explain_rows(indicator: Indicator, catalogue, progress, figures, lang: str, org: str = "") -> list[dict[str, Any]]:
    """Every row of `explain`: the figures behind the status, whose figure it is (--org), and the
    roll-up below it."""
    rows = explain_fields(progress, lang)
    rows[1:1] = _worded(org_fields(indicator, catalogue, org, lang), progress, lang)
    return rows + rollup_fields(indicator, catalogue, figures, progress, lang, org)


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
    human = lambda v: format_human(v, unit, kind=i.kind)  # noqa: E731
    rows = [
        *_path_rows(p, lang, unit, human),
        *_pace_rows(p),
        *_ahead_rows(p, unit, human),
        ("status", None, p.status, reason_text(p.reason, lang)),
        *_stretch_rows(p, human),
        *_doubt_rows(i, lang),
    ]
    return _worded([{"figure": f, "value": v, "text": t, "how": h} for f, v, t, h in rows], p, lang)


def _pct(value: float | None) -> float | None:
    """A fraction as the percent the value column holds."""
    return None if value is None else round(value * 100, 4)


def _path_rows(p, lang: str, unit: str, human) -> list[tuple]:
    """What is measured, from where to where: the indicator, A, T, D, S, B and V."""
    i = p.indicator
    latest = f"{human(p.latest)} on {p.latest_date}" if p.latest is not None else "nothing recorded"
    return [
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
            latest,
            "the latest value in force dated after S and on or before A (before D once D has passed)",
        ),
    ]


def _pace_rows(p) -> list[tuple]:
    """Completion, time elapsed, pace and the thresholds pace is judged by."""
    basis = "months" if p.time_basis == "month" else "days"
    return [
        ("completion (c)", _pct(p.completion), _percent_text(p.completion), p.completion_rule),
        (
            "time elapsed (τ)",
            _pct(p.time_elapsed),
            _percent_text(p.time_elapsed),
            f"(A − S) / (D − S), counted in {basis}",
        ),
        ("pace", p.pace, "" if p.pace is None else f"{p.pace:.3f}", "c / τ"),
        (
            "thresholds",
            None,
            f"on track ≥ {p.on_track_threshold:g}, off track < {p.off_track_threshold:g}",
            "catalogue [plan] on_track, off_track",
        ),
    ]


def _percent_text(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def _ahead_rows(p, unit: str, human) -> list[tuple]:
    """How far ahead or behind, what is still needed each month, and where the line leads by D."""
    days_ahead = None if p.days_ahead is None else round(p.days_ahead, 1)
    return [
        (
            "days ahead",
            days_ahead,
            "" if p.days_ahead is None else f"{p.days_ahead:+.1f}",
            "(c − τ) × (D − S) in days; negative is behind",
        ),
        ("required per month", p.required_per_month, _per_month_text(p, unit, human), "(T − V) / months from A to D"),
        (
            "forecast at D",
            p.forecast,
            _forecast_text(p, human),
            "least-squares line through the baseline (or a flow's 0 at S) and the values since, read at D",
        ),
    ]


def _per_month_text(p, unit: str, human) -> str:
    """A share's monthly need in percentage points (a percent of a percent would mislead), else in its unit."""
    if p.required_per_month is None:
        return ""
    return f"{p.required_per_month:.2f} percentage points" if unit == "%" else human(p.required_per_month)


def _forecast_text(p, human) -> str:
    if p.forecast is None:
        return ""
    return human(p.forecast) + (" (meets the target)" if p.forecast_meets else " (falls short)")


# ---------------------------------------------------------------------------------------------
# Charts


def org_fields(indicator: Indicator, catalogue, org: str, lang: str) -> list[dict[str, Any]]:
    """`explain --org`: the row that says whose figure is judged, and against what."""
    from sytrack.orgs import allocated_target

    if not org:
        return []
    found = catalogue.org(org)
    how = (
        "judged on its allocation (T), without the city's baseline"
        if allocated_target(indicator, org) is not None
        else "no allocation: judged on the city's target, as a share or rate compares with the city's"
    )
    return [{"figure": "org", "value": None, "text": f"{found.name(lang) if found else org} ({org})", "how": how}]


def explain_table(indicator: Indicator, progress, rows: list[dict[str, Any]], screen, lang: str = "en", org: str = ""):
    """`sytrack explain` for people: figure, value and how it is computed (--org: the org's id in the title)."""
    zh = lang == "zh"
    columns = (
        GridColumn("项目" if zh else "figure"),
        GridColumn("数值" if zh else "value", wrap=1),
        GridColumn("算法" if zh else "how", wrap=1, style="dim"),
    )
    cells = [[Cell(visible(row["figure"])), Cell(visible(row["text"])), Cell(visible(row["how"]))] for row in rows]
    grid = Grid.fitted(columns, cells, screen.width, screen.box(), screen.colour)
    whose = f" @{org}" if org else ""
    yield from wrap(f"{indicator.id}{whose} {'截至' if zh else 'as of'} {progress.as_of.isoformat()}", grid.width)
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


def _member_row(indicator, catalogue, member: str, figures, as_of, human, lang: str) -> tuple:
    """One org under a node: its latest figure by the date, its allocation, and whose figure it is."""
    from sytrack.orgs import allocated_target

    org = catalogue.org(member)
    known = [p for p in figures.nodes[member].effective if p[0] <= as_of]
    target = allocated_target(indicator, member)
    allocation = f"allocated {human(target.value)}" if target is not None else "no allocation"
    if not known:
        return (
            f"  {org.name(lang) if org else member} ({member})",
            None,
            "nothing recorded",
            f"{allocation}; no figure yet",
        )
    latest = known[-1]
    whose = "rolled up from its orgs" if figures.rolled_up_at(latest[0], member) else "its own figure"
    text = f"{human(latest[1])} on {latest[0]}" + (f" (of {latest[2]:g})" if len(latest) > 2 else "")
    return (f"  {org.name(lang) if org else member} ({member})", latest[1], text, f"{allocation}; {whose}")


def _node_rows(indicator, catalogue, node: str, figures, as_of, human, lang: str) -> list[tuple]:
    """One node's (the city's or an org's) figures: each org under it, then its roll-up at the latest date."""
    rolled = figures.nodes[node].rolled
    if rolled is None:
        return []
    rows = [_member_row(indicator, catalogue, member, figures, as_of, human, lang) for member in rolled.members]
    dated = [row for row in rolled.rows if row[0] <= as_of]
    label = "the city" if node == "" else node
    if not dated:
        rows.append((f"roll-up into {label}", None, rolled.reason or "no figure yet", _HOW.get(indicator.kind, "")))
        return rows
    last = dated[-1]
    how = _HOW.get(indicator.kind, rolled.reason)
    rows.append((f"roll-up into {label} on {last[0]}", last[1], _combination(indicator.kind, last, human), how))
    return rows


def _source_row(figures, progress, node: str) -> tuple:
    """Where the figure judged (the city's, or the org's) comes from: its own, or the roll-up below it."""
    if progress.latest is None:
        source = "nothing recorded or rolled up"
    elif figures.rolled_up_at(progress.latest_date, node):
        source = "rolled up from its orgs (Σ)"
    else:
        source = "the city's own figure" if node == "" else "its own figure"
    if node == "":
        return (
            "city's figure (V)",
            None,
            source,
            "the city's own figure where it has one for a date, else its orgs' roll-up",
        )
    return (f"{node}'s figure (V)", None, source, "its own figure where it has one for a date, else its orgs' roll-up")


def _tolerance_row(indicator: Indicator, tolerance: float) -> tuple:
    """How far an own figure and the roll-up may differ before they disagree, and which setting says so."""
    where = (
        "[[indicator]] disagreement_tolerance"
        if indicator.disagreement_tolerance is not None
        else "catalogue [plan] disagreement_tolerance (0.01 unless set)"
    )
    return (
        "disagreement tolerance",
        round(tolerance * 100, 4),
        f"{tolerance * 100:g}% of the own figure",
        f"an own figure and the orgs' roll-up of its date further apart than this disagree; {where}",
    )


def rollup_fields(indicator: Indicator, catalogue, figures, progress, lang: str, org: str = "") -> list[dict[str, Any]]:
    """The explain rows a roll-up adds: where the city's (or the org's) figure comes from, every
    org's figure below it, how they combine (deepest level last, as the city's own first), and
    every disagreement. An org with no orgs under it adds none."""
    from sytrack.districts import tolerance_for
    from sytrack.views.status import disagreement_text

    nodes = figures.nodes_from(catalogue, org) if figures is not None else []
    if not nodes or (org and figures.nodes[org].rolled is None):
        return []
    unit = indicator.unit_in(lang)
    human = lambda v: format_human(v, unit, kind=indicator.kind)  # noqa: E731
    rows = [_source_row(figures, progress, org)]
    for node in nodes:
        rows += _node_rows(indicator, catalogue, node, figures, progress.as_of, human, lang)
    tolerance = tolerance_for(indicator, catalogue.plan)
    if figures.compared(nodes):
        rows.append(_tolerance_row(indicator, tolerance))
    for node, d in figures.disagreements:
        if node in nodes:
            rows.append(
                (
                    "disagreement",
                    d.difference,
                    disagreement_text(node, d, indicator, lang),
                    f"own figure and the orgs' roll-up differ by more than {tolerance * 100:g}% of the own figure;"
                    " the own figure counts",
                )
            )
    return _worded([{"figure": f, "value": v, "text": t, "how": h} for f, v, t, h in rows], progress, lang)
