"""`sytrack status`: its columns, a judged indicator's row, and the tables by group."""

from __future__ import annotations

from typing import Any

from sytrack.model import Catalogue
from sytrack.values import format_human, target_text
from sytrack.views.columns import Column
from sytrack.views.common import (
    ASCII_SIGNS,
    STATUS_LOOK,
    bar,
    reason_text,
    rounded,
    sparkline,
    status_word,
    summary_text,
)
from sytrack.views.grid import Cell, Grid, GridColumn, wrap
from sytrack.views.text import visible

STATUS_COLUMNS = (
    Column("id", "编号", "id"),
    Column("group", "分组", "group"),
    Column("name_zh", "指标", "name (zh)"),
    Column("name_en", "指标(英文)", "name"),
    Column("unit", "单位", "unit"),
    Column("kind", "类型", "kind"),
    Column("direction", "方向", "direction"),
    Column("baseline", "基期值", "baseline", kind="number"),
    Column("baseline_date", "基期日期", "baseline date", kind="date"),
    Column("target", "目标值", "target", kind="number"),
    Column("target_low", "目标下限", "target low", kind="number"),
    Column("target_high", "目标上限", "target high", kind="number"),
    Column("deadline", "期限", "deadline", kind="date"),
    Column("latest", "最新值", "latest", kind="number"),
    Column("latest_date", "最新日期", "latest date", kind="date"),
    Column("completion_pct", "完成率%", "completion %", kind="number"),
    Column("time_elapsed_pct", "序时进度%", "time elapsed %", kind="number"),
    Column("pace", "进度比", "pace", kind="number"),
    Column("days_ahead", "超前天数", "days ahead", kind="number"),
    Column("required_per_month", "每月所需", "required per month", kind="number"),
    Column("forecast", "预测值", "forecast", kind="number"),
    Column("forecast_meets", "预测达标", "forecast meets", kind="bool"),
    Column("status", "状态", "status"),
    Column("comparison", "比较", "comparison"),
    Column("start_date", "起点日期", "start date", kind="date"),
    Column("start_value", "起点值", "start value", kind="number"),
    Column("reason", "说明", "reason"),
    # Appended, never inserted: scripts read these columns by position too.
    Column("stretch", "力争值", "stretch", kind="number"),
    Column("stretch_met", "达到力争", "stretch met", kind="bool"),
    # Districts and departments: whose figure the row judges ('' the city), whether the latest figure
    # is the orgs' roll-up, and where an own figure and its orgs' roll-up disagree.
    Column("org", "单位", "org"),
    Column("rolled_up", "汇总自下级", "rolled up", kind="bool"),
    Column("disagreement", "上下级不一致", "disagreement"),
    # The reporting cycle (docs/progress.md): red, yellow, blue or empty, and its reports.
    Column("warning", "预警", "warning"),
    Column("escalation", "连续预警", "escalation", kind="number"),
    Column("reports_expected", "应报", "reports expected", kind="number"),
    Column("reports_received", "已报", "reports received", kind="number"),
    Column("reports_on_time", "按时报", "reports on time", kind="number"),
)


def disagreement_text(node: str, d, indicator, lang: str = "en") -> str:
    """One disagreement in words: whose figure, the date, both figures and the difference."""
    unit = indicator.unit_in(lang)
    own, rolled = format_human(d.own, unit, kind=indicator.kind), format_human(d.rolled, unit, kind=indicator.kind)
    share = f", {d.difference / d.own:+.1%}" if d.own else ""
    who = node or ("市级" if lang == "zh" else "the city")
    if lang == "zh":
        return f"{d.date.isoformat()} {who}自报 {own}，下级汇总 {rolled}（差 {d.difference:+g}{share}）"
    return f"{d.date.isoformat()}: {who}'s own figure {own}, its orgs add up to {rolled} ({d.difference:+g}{share})"


def status_row(catalogue: Catalogue, p, org: str = "", figures=None, cycle=None, lang: str = "en") -> dict[str, Any]:
    """One judged indicator's row; `figures` (districts.Figures) says what its orgs add, `cycle`
    (duty.CycleFigures) its warning and reports (None: no warning, no reports); its words in `lang`."""
    indicator, target = p.indicator, p.target
    disagreements = figures.disagreements if figures is not None else ()
    return {
        "id": indicator.id,
        "group": indicator.group,
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "baseline": indicator.baseline.value if indicator.baseline else None,
        "baseline_date": indicator.baseline.date if indicator.baseline else None,
        "target": target.value,
        "target_low": target.low,
        "target_high": target.high,
        "deadline": target.deadline,
        "latest": p.latest,
        "latest_date": p.latest_date,
        "completion_pct": rounded(p.completion * 100 if p.completion is not None else None, 2),
        "time_elapsed_pct": rounded(p.time_elapsed * 100 if p.time_elapsed is not None else None, 2),
        "pace": rounded(p.pace, 3),
        "days_ahead": None if p.days_ahead is None else round(p.days_ahead),
        "required_per_month": rounded(p.required_per_month, 4),
        "forecast": rounded(p.forecast, 4),
        "forecast_meets": p.forecast_meets,
        "status": p.status,
        "comparison": target.comparison,
        "start_date": p.start_date,
        "start_value": p.start_value,
        "reason": reason_text(p.reason, lang),
        "stretch": p.stretch,
        "stretch_met": p.stretch_met,
        "org": org,
        "rolled_up": figures.rolled_up_at(p.latest_date) if figures is not None else False,
        "disagreement": "; ".join(disagreement_text(n, d, indicator, lang) for n, d in disagreements),
        "warning": cycle.warning if cycle else "",
        "escalation": cycle.escalation if cycle else 0,
        "reports_expected": cycle.reports.expected if cycle else 0,
        "reports_received": cycle.reports.received if cycle else 0,
        "reports_on_time": cycle.reports.on_time if cycle else 0,
    }


STATUS_HEADERS = (
    ("指标", "indicator"),
    ("最新", "latest"),
    ("目标", "target"),
    ("完成", "done"),
    ("序时", "time"),
    ("状态", "status"),
    ("预警", "warning"),
    ("超前/滞后", "ahead"),
    ("预测", "forecast"),
    ("趋势", "trend"),
)
WARNING_COLOURS = {"red": "bold red", "yellow": "yellow", "blue": "blue", "": ""}


def warning_text(warning: str, escalation: int, lang: str) -> str:
    """ "red ×3" (红 ×3): the colour, and how many period ends in a row it has been yellow or red."""
    from sytrack.cycle import WARNING_NAMES

    word = WARNING_NAMES["zh" if lang == "zh" else "en"][warning]
    return f"{word} ×{escalation}" if word and escalation else word


def _status_cells(p, lang: str, wide: bool, ascii_only: bool, rolled: bool = False, cycle=None) -> list[Cell]:
    indicator = p.indicator
    unit = indicator.unit_in(lang)
    latest = ""
    if p.latest is not None:
        # Σ: the figure is the orgs' roll-up, the city has none of its own for that date.
        latest = ("Σ " if rolled else "") + format_human(p.latest, unit, kind=indicator.kind, lang=lang)
        if wide:
            latest += f" ({p.latest_date.isoformat()})"
    _, colour, _ = STATUS_LOOK[p.status]
    done = "" if p.completion is None else f"{bar(p.completion, 8 if wide else 5, ascii_only)} {p.completion:.0%}"
    # Narrow terminals: "≥ 30个 2023", a year-end deadline as just its year.
    target = target_text(p.target, indicator.kind, unit, lang=lang, short=not wide)
    if ascii_only:  # ≥ ≤ ≈ – ± are drawn double width on Chinese terminals too
        target = target.translate(ASCII_SIGNS)
    texts = [
        indicator.name(lang) + (" (?)" if indicator.doubtful else ""),
        latest,
        target,
        done,
        "" if p.time_elapsed is None else f"{p.time_elapsed:.0%}",
    ]
    cells = [Cell(visible(text)) for text in texts] + [Cell(status_word(p.status, lang), colour)]
    warning = cycle.warning if cycle else ""
    cells.append(Cell(warning_text(warning, cycle.escalation if cycle else 0, lang), WARNING_COLOURS[warning]))
    if wide:
        ahead = "" if p.days_ahead is None else f"{p.days_ahead:+.0f}d"
        forecast = ""
        if p.forecast is not None:
            # A projection is an estimate: no more digits than the reader needs.
            rounded = round(p.forecast) if abs(p.forecast) >= 100 else round(p.forecast, 1)
            meets = (
                ("达标" if p.forecast_meets else "不达标")
                if lang == "zh"
                else ("meets" if p.forecast_meets else "falls short")
            )
            forecast = f"{format_human(rounded, unit, kind=indicator.kind)} ({meets})"
        cells += [Cell(ahead), Cell(visible(forecast)), Cell(sparkline([v for _, v in p.points], ascii_only))]
    return cells


def status_tables(
    catalogue: Catalogue,
    progresses: list,
    lang: str,
    screen,
    judged: list | None = None,
    figures: dict | None = None,
    title: str = "",
    cycle: dict | None = None,
):
    """`sytrack status` for people: per group its title, its indicators and its counts, then the
    total, in one layout so that columns line up from group to group. Counts are of everything
    `judged`, not only the rows shown (--status filters rows, not counts). `figures` (per indicator
    id, districts.Figures) marks rolled-up figures with Σ and lists disagreements at the end; `cycle`
    holds each indicator's `duty.CycleFigures` by id, for the warning column."""
    from sytrack.progress import summarise

    judged = progresses if judged is None else judged
    wide = screen.width is None or screen.width >= 140
    # The warning column goes only where it can be read: below 60 columns, seven would wrap to slivers.
    shown = 10 if wide else 7 if screen.width >= 60 else 6
    zh = lang == "zh"
    columns = _grid_columns(shown, zh)
    by_group = _cells_by_group(progresses, lang, wide, screen.ascii_only, shown, figures, cycle)
    grid = Grid.fitted(
        columns,
        [cells for rows in by_group.values() for cells in rows],
        screen.width,
        screen.box(simple=True),
        screen.colour,
    )

    def text_lines(text: str, bold: bool = False) -> list[str]:
        lines = wrap(text, screen.width) if screen.width else [text]
        return [f"\x1b[1m{line}\x1b[0m" if bold and screen.colour else line for line in lines]

    if title:
        yield from text_lines(visible(title), bold=True)
    shown_groups = [g for g in sorted(catalogue.groups, key=lambda g: g.order) if g.id in by_group]
    for group in shown_groups:
        yield from text_lines(visible(group.name(lang)), bold=True)
        yield from grid.header()
        yield from grid.body(by_group[group.id])
        yield from text_lines(summary_text(summarise(p for p in judged if p.indicator.group == group.id), lang))
        yield ""
    if len(shown_groups) > 1:
        yield from text_lines(f"{'合计' if zh else 'All'}: {summary_text(summarise(judged), lang)}", bold=True)
    yield from _figure_notes(progresses, figures, lang, text_lines)


def _grid_columns(shown: int, zh: bool) -> list[GridColumn]:
    return [
        GridColumn(
            zh_header if zh else en_header,
            "right" if en_header in ("time", "ahead") else "left",
            wrap={"indicator": 1, "latest": 2, "target": 2, "forecast": 2}.get(en_header, 0),
        )
        for zh_header, en_header in STATUS_HEADERS[:shown]
    ]


def _cells_by_group(
    progresses: list, lang: str, wide: bool, ascii_only: bool, shown: int, figures: dict | None, cycle: dict | None
) -> dict[str, list]:
    """Each shown row's cells (its first `shown`), by group, in the order given."""
    by_group: dict[str, list] = {}
    for p in progresses:
        rolled = (
            figures is not None and p.indicator.id in figures and figures[p.indicator.id].rolled_up_at(p.latest_date)
        )
        cells = _status_cells(p, lang, wide, ascii_only, rolled, (cycle or {}).get(p.indicator.id))[:shown]
        by_group.setdefault(p.indicator.group, []).append(cells)
    return by_group


def _figure_notes(progresses: list, figures: dict | None, lang: str, text_lines):
    """Under the tables: what Σ means, and every disagreement between an own figure and its orgs'."""
    if not figures:
        return
    zh = lang == "zh"
    shown = [p for p in progresses if p.indicator.id in figures]
    if any(figures[p.indicator.id].rolled_up_at(p.latest_date) for p in shown):
        yield from text_lines(
            "Σ 由下级单位汇总(市级无自报数)"
            if zh
            else "Σ rolled up from the orgs (the city has no figure of its own for that date)"
        )
    for p in shown:
        for node, d in figures[p.indicator.id].disagreements:
            yield from text_lines(visible(f"! {p.indicator.id} {disagreement_text(node, d, p.indicator, lang)}"))
