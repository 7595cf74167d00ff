"""`sytrack log`, `export` and the `record` line: a record's row, the log's table, a standing in words."""

from __future__ import annotations

import itertools
from typing import Any

from sytrack.model import Catalogue, Indicator
from sytrack.values import format_human, format_plain, target_text
from sytrack.views.columns import Column
from sytrack.views.grid import Cell, Grid, GridColumn
from sytrack.views.text import visible

OBSERVATION_COLUMNS = (
    # The first six are the import's columns, so an export is itself an import file.
    Column("indicator", "指标", "indicator"),
    Column("value", "数值", "value", kind="number"),
    Column("date", "日期", "date", kind="date"),
    Column("note", "备注", "note"),
    Column("source", "来源", "source"),
    Column("by", "记录人", "by"),
    Column("id", "序号", "id", kind="number"),
    Column("recorded_at", "记录时间(UTC)", "recorded at (UTC)", kind="date"),
    Column("supersedes", "取代", "supersedes", kind="number"),
    Column("retracts", "撤销", "retracts", kind="number"),
    Column("state", "状态", "state"),
    # Added with districts and departments, at the end so that every earlier column keeps its place.
    Column("org", "单位", "org"),
    Column("denominator", "分母", "denominator", kind="number"),
)


def observation_row(observation) -> dict[str, Any]:
    return {
        "indicator": observation.indicator,
        "value": observation.value,
        "date": observation.as_of,
        "note": observation.note,
        "source": observation.source,
        "by": observation.recorded_by,
        "id": observation.id,
        "recorded_at": observation.recorded_at,
        "supersedes": observation.supersedes,
        "retracts": observation.retracts,
        "state": observation.state,
        "org": observation.org,
        "denominator": observation.denominator,
    }


LOG_STATES_ZH = {"current": "有效", "superseded": "已被取代", "retracted": "已撤销", "retraction": "撤销记录"}
# The log table's columns: (Chinese header, English header, justify, wrap, drop). On a narrow
# terminal `by`, then the record time, give way (drop 1, 2) before anything is cut.
LOG_HEADERS = (
    ("序号", "#", "right", 0, 0),
    ("指标", "indicator", "left", 0, 0),
    ("日期", "as of", "left", 0, 0),
    ("数值", "value", "left", 2, 0),
    ("状态", "state", "left", 2, 0),
    ("记录时间(UTC)", "recorded (UTC)", "left", 0, 2),
    ("记录人", "by", "left", 3, 1),
    ("备注 / 来源", "note / source", "left", 1, 0),
)
# How many of the newest records decide the log's column widths: the table streams, so the first
# lines come at once however long the history; an older, longer note wraps within its column.
LOG_LAYOUT_SAMPLE = 500


def log_table(catalogue: Catalogue, lang: str, show_all: bool = True):
    """`sytrack log` for people, newest first, drawn as the records come. The state column only
    with --all (without it every record shown is in force)."""
    zh = lang == "zh"
    columns = tuple(
        GridColumn(h_zh if zh else h_en, justify, wrap, drop)
        for h_zh, h_en, justify, wrap, drop in LOG_HEADERS
        if show_all or h_en != "state"
    )
    unit_of = _units_of(catalogue, lang)

    def cells(row: dict[str, Any]) -> list[Cell]:
        return _log_cells(row, *unit_of(row["indicator"]), lang, show_all)

    def build(rows, screen):
        rows = iter(rows)
        first = [cells(row) for row in itertools.islice(rows, LOG_LAYOUT_SAMPLE)]
        grid = Grid.fitted(columns, first, screen.width, screen.box(), screen.colour)
        yield from grid.header()
        yield from grid.body(first)
        yield from grid.body(cells(row) for row in rows)
        yield from grid.footer()

    return build


def _units_of(catalogue: Catalogue, lang: str):
    """indicator id -> (unit, kind), ("", "") for one the catalogue lacks; looked up as indicators
    appear, since a long log names few of 10,000."""
    units: dict[str, tuple[str, str]] = {}

    def unit_of(indicator_id: str) -> tuple[str, str]:
        if indicator_id not in units:
            indicator = catalogue.find(indicator_id)
            units[indicator_id] = (indicator.unit_in(lang), indicator.kind) if indicator else ("", "")
        return units[indicator_id]

    return unit_of


def _log_cells(row: dict[str, Any], unit: str, kind: str, lang: str, show_all: bool) -> list[Cell]:
    """One record's line of the log; superseded and retracted ones dim."""
    zh = lang == "zh"
    style = "dim" if row["state"] in ("superseded", "retracted") else ""
    why = " / ".join(part for part in (row["note"], row["source"]) if part)
    about = f"{row['indicator']} @{row['org']}" if row.get("org") else row["indicator"]
    value, state = _log_value(row, unit, kind, lang), _log_state(row, zh)
    texts = [str(row["id"]), about, str(row["date"]), value, state, row["recorded_at"], row["by"], why]
    if not show_all:
        del texts[4]
    return [Cell(visible(text), style) for text in texts]


def _log_value(row: dict[str, Any], unit: str, kind: str, lang: str) -> str:
    """A record's value as people read it (with its unit, and its base), or which record it retracts."""
    zh = lang == "zh"
    if row["retracts"] is not None:
        value = f"{'撤销' if zh else 'retracts'} #{row['retracts']}"
    else:
        value = format_human(row["value"], unit, kind=kind, lang=lang) if kind else format_plain(row["value"])
    if row.get("denominator") is not None:
        value += f" {'分母' if zh else 'of'} {format_plain(row['denominator'])}"
    return value


def _log_state(row: dict[str, Any], zh: bool) -> str:
    state = LOG_STATES_ZH[row["state"]] if zh else row["state"]
    if row["supersedes"]:
        state += f" ({'取代' if zh else 'replaces'} #{row['supersedes']})"
    return state


# ---------------------------------------------------------------------------------------------
# sytrack status


def standing_text(indicator: Indicator, series, as_of, today, plan) -> str:
    """How one indicator stands, in a few words, for the end of a `record` or `undo` line: as of
    the value's date, and today too when that differs (back-filled figures meet passed deadlines)."""
    from sytrack.progress import evaluate

    def judged(day) -> tuple[str, str]:
        progress = evaluate(indicator, series, day, plan)
        done = "" if progress.completion is None else f", {progress.completion:.0%} done"
        return f"{progress.status}{done}", target_text(progress.target, indicator.kind, indicator.unit)

    then, target = judged(as_of)
    if as_of >= today:
        return f"now {then} (target {target})"
    now, _ = judged(today)
    return f"on {as_of.isoformat()} {then} (target {target}); today {now}"


def recorded_text(stored, indicator: Indicator, new, standing: str) -> str:
    """`record`'s one line: what was written, for whom, of what base, superseding what; then how it stands."""
    replaced = f", supersedes #{stored.supersedes}" if stored.supersedes else ""
    whose = f" for {new.org}" if new.org else ""
    base = f" of {format_human(new.denominator)}" if new.denominator is not None else ""
    shown = format_human(stored.value, indicator.unit, kind=indicator.kind)
    return f"recorded #{stored.id}: {indicator.id}{whose} = {shown}{base} as of {new.as_of.isoformat()}{replaced}; {standing}"


def record_notes(value: float | None, indicator: Indicator) -> list[str]:
    """The notes a recorded value earns on stderr: the indicator's doubt. (A value far from its
    expected range, a fraction typed for a percent among them, gets plausibility's warning.)"""
    return [f"{indicator.id} carries a doubt: {indicator.doubt}"] if indicator.doubt else []
