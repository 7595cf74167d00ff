"""What each report shows: its columns, its rows as plain values, and its Rich table."""

from __future__ import annotations

import itertools
from typing import Any

from sytrack.model import Catalogue, Indicator
from sytrack.render import Column, rich_text
from sytrack.values import format_human, format_plain, target_text
from sytrack.visible import visible
from sytrack.writers.grid import Cell, Grid, GridColumn, centred, wrap

def _targets_plain(targets: list[dict]) -> str:
    parts = []
    for t in targets:
        if t["comparison"] == "between":
            what = f"between {format_plain(t['low'])} and {format_plain(t['high'])}"
        else:
            what = f"{t['comparison']} {format_plain(t['value'])}"
            if t.get("tolerance") is not None:
                what += f" ± {format_plain(t['tolerance'])}"
        parts.append(f"{what} by {t['deadline']}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# sytrack list

LIST_COLUMNS = (
    Column("id", "编号", "id"),
    Column("group", "分组", "group"),
    Column("group_name", "分组名称", "group name"),
    Column("name_zh", "指标", "name (zh)"),
    Column("name_en", "指标(英文)", "name"),
    Column("unit", "单位", "unit"),
    Column("unit_en", "单位(英文)", "unit (en)"),
    Column("kind", "类型", "kind"),
    Column("direction", "方向", "direction"),
    Column("baseline", "基期值", "baseline", kind="number"),
    Column("baseline_date", "基期日期", "baseline date", kind="date"),
    Column("targets", "目标", "targets", to_text=_targets_plain),
    Column("department", "责任部门", "department"),
    Column("quote", "原文", "quote"),
    Column("doubt", "存疑", "doubt"),
    Column("source_line", "行号", "line", kind="number"),
)


def indicator_row(catalogue: Catalogue, indicator: Indicator, lang: str) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "group": indicator.group,
        "group_name": catalogue.group(indicator.group).name(lang),
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "unit": indicator.unit,
        "unit_en": indicator.unit_en,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "baseline": indicator.baseline.value if indicator.baseline else None,
        "baseline_date": indicator.baseline.date if indicator.baseline else None,
        "targets": [
            {
                "comparison": t.comparison,
                "value": t.value,
                "low": t.low,
                "high": t.high,
                "tolerance": t.tolerance,
                "deadline": t.deadline.isoformat(),
                "start": t.start.isoformat() if t.start else None,
            }
            for t in indicator.targets
        ],
        "department": indicator.department,
        "quote": indicator.source_text,
        "doubt": indicator.doubt,
        "source_line": indicator.where.line if indicator.where else None,
    }


def list_table(catalogue: Catalogue, lang: str):
    """`sytrack list` for people: one table, each group's name above its indicators."""

    def build(rows, screen):
        zh = lang == "zh"
        columns = (GridColumn("编号" if zh else "id"), GridColumn("指标" if zh else "indicator", wrap=1),
                   GridColumn("类型" if zh else "kind"), GridColumn("基期" if zh else "baseline", wrap=2),
                   GridColumn("目标" if zh else "target", wrap=2))
        body: list[tuple[str, list[Cell]]] = []
        current_group = None
        for row in rows:
            if row["group"] != current_group:
                current_group = row["group"]
                body.append(("group", [Cell(visible(row["group_name"]), "bold")]))
            indicator = catalogue.find(row["id"])
            assert indicator is not None
            unit = indicator.unit_in(lang)
            baseline = ""
            if indicator.baseline:
                baseline = f"{format_human(indicator.baseline.value, unit)} ({indicator.baseline.date.year})"
            targets = "\n".join(target_text(t, indicator.kind, unit, lang=lang) for t in indicator.targets)
            name = indicator.name(lang) + (" (?)" if indicator.doubt else "")
            body.append(("row", [Cell(visible(text)) for text in (row["id"], name, indicator.kind, baseline, targets)]))
        grid = Grid.fitted(columns, [cells for kind, cells in body if kind == "row"], screen.width, screen.box(),
                           screen.colour)
        for title in wrap(visible(catalogue.plan.title(lang)), grid.width):
            yield centred(title, grid.width)
        yield from grid.header()
        for kind, cells in body:
            yield from (grid.spanning(cells[0].text, "bold") if kind == "group" else grid.body([cells]))
        yield from grid.footer()

    return build


# ---------------------------------------------------------------------------------------------
# sytrack show


def show_fields(catalogue: Catalogue, indicator: Indicator, lang: str) -> list[tuple[str, str]]:
    """The indicator's fields as (label, text) pairs, in the order a reader wants them."""
    unit = indicator.unit_in(lang)
    group = catalogue.group(indicator.group)
    fields = [
        ("id", indicator.id),
        ("name", f"{indicator.name_zh} / {indicator.name_en}"),
        ("group", f"{group.id}: {group.name_zh} / {group.name_en}"),
        ("kind", indicator.kind),
        ("direction", indicator.direction if indicator.kind != "milestone" else "done is better"),
        ("unit", f"{indicator.unit} / {indicator.unit_en}" if indicator.unit_en else indicator.unit),
    ]
    if indicator.baseline:
        fields.append(("baseline", f"{format_human(indicator.baseline.value, unit)} on {indicator.baseline.date}"))
    else:
        fields.append(("baseline", "none given by the plan"))
    for n, target in enumerate(indicator.targets, start=1):
        label = "target" if len(indicator.targets) == 1 else f"target {n}"
        fields.append((label, target_text(target, indicator.kind, unit, lang=lang)))
    fields += [
        ("department", indicator.department),
        ("quote", indicator.source_text),
    ]
    if indicator.doubt:
        fields.append(("doubt", indicator.doubt))
    if indicator.where:
        fields.append(("defined at", str(indicator.where)))
    return [(label, text) for label, text in fields if text]


def fields_table(fields: list[tuple[str, str]], title: str = ""):
    from rich.table import Table

    table = Table(show_header=False, box=None, title=rich_text(title) if title else None, title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, text in fields:
        table.add_row(rich_text(label), rich_text(text))
    return table


# ---------------------------------------------------------------------------------------------
# sytrack log / export

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
    }


LOG_STATES_ZH = {"current": "有效", "superseded": "已被取代", "retracted": "已撤销", "retraction": "撤销记录"}
# How many of the newest records decide the log's column widths: the table streams, so the first
# lines come at once however long the history; an older, longer note wraps within its column.
LOG_LAYOUT_SAMPLE = 500


def log_table(catalogue: Catalogue, lang: str, show_all: bool = True):
    """`sytrack log` for people, newest first, drawn as the records come. The state column only
    with --all (without it every record shown is in force); on a narrow terminal `by`, then the
    record time, give way before anything is cut."""
    zh = lang == "zh"
    headers = (("序号", "#", "right", 0, 0), ("指标", "indicator", "left", 0, 0),
               ("日期", "as of", "left", 0, 0), ("数值", "value", "left", 2, 0),
               ("状态", "state", "left", 2, 0), ("记录时间(UTC)", "recorded (UTC)", "left", 0, 2),
               ("记录人", "by", "left", 3, 1), ("备注 / 来源", "note / source", "left", 1, 0))
    columns = tuple(GridColumn(h_zh if zh else h_en, justify, wrap, drop)
                    for h_zh, h_en, justify, wrap, drop in headers if show_all or h_en != "state")
    units = {i.id: (i.unit_in(lang), i.kind) for i in catalogue.indicators}

    def cells(row: dict[str, Any]) -> list[Cell]:
        unit, kind = units.get(row["indicator"], ("", ""))
        if row["retracts"] is not None:
            value = f"{'撤销' if zh else 'retracts'} #{row['retracts']}"
        else:
            value = format_human(row["value"], unit, kind=kind) if kind else format_plain(row["value"])
        state = LOG_STATES_ZH[row["state"]] if zh else row["state"]
        if row["supersedes"]:
            state += f" ({'取代' if zh else 'replaces'} #{row['supersedes']})"
        style = "dim" if row["state"] in ("superseded", "retracted") else ""
        why = " / ".join(part for part in (row["note"], row["source"]) if part)
        texts = [str(row["id"]), row["indicator"], str(row["date"]), value, state, row["recorded_at"], row["by"], why]
        if not show_all:
            del texts[4]
        return [Cell(visible(text), style) for text in texts]

    def build(rows, screen):
        rows = iter(rows)
        first = [cells(row) for row in itertools.islice(rows, LOG_LAYOUT_SAMPLE)]
        grid = Grid.fitted(columns, first, screen.width, screen.box(), screen.colour)
        yield from grid.header()
        yield from grid.body(first)
        yield from grid.body(cells(row) for row in rows)
        yield from grid.footer()

    return build


# ---------------------------------------------------------------------------------------------
# sytrack status

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
)

ASCII_SIGNS = str.maketrans({"≥": ">=", "≤": "<=", "≈": "~", "–": "-", "±": "+/-"})

STATUS_LOOK = {  # symbol, colour, Chinese word: the status reads without colour too
    "achieved": ("++", "bold green", "已完成"),
    "on-track": ("+", "green", "符合进度"),
    "behind": ("-", "yellow", "滞后"),
    "off-track": ("--", "red", "严重滞后"),
    "missed": ("x", "bold red", "未完成"),
    "pending": ("..", "cyan", "未到期"),
    "no-data": ("?", "dim", "无数据"),
}


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def status_row(catalogue: Catalogue, p) -> dict[str, Any]:
    indicator, target = p.indicator, p.target
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
        "completion_pct": _rounded(p.completion * 100 if p.completion is not None else None, 2),
        "time_elapsed_pct": _rounded(p.time_elapsed * 100 if p.time_elapsed is not None else None, 2),
        "pace": _rounded(p.pace, 3),
        "days_ahead": None if p.days_ahead is None else round(p.days_ahead),
        "required_per_month": _rounded(p.required_per_month, 4),
        "forecast": _rounded(p.forecast, 4),
        "forecast_meets": p.forecast_meets,
        "status": p.status,
        "comparison": target.comparison,
        "start_date": p.start_date,
        "start_value": p.start_value,
        "reason": p.reason,
    }


def status_word(status: str, lang: str) -> str:
    symbol, _, zh = STATUS_LOOK[status]
    return f"{symbol} {zh if lang == 'zh' else status}"


def _bar(fraction: float | None, width: int, ascii_only: bool) -> str:
    if fraction is None:
        return ""
    filled = round(min(1.0, max(0.0, fraction)) * width)
    full, empty = ("#", "-") if ascii_only else ("█", "░")
    return full * filled + empty * (width - filled)


def sparkline(values: list[float], ascii_only: bool) -> str:
    levels = " .:-=+*#" if ascii_only else "▁▂▃▄▅▆▇█"
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return levels[len(levels) // 2] * len(values)
    return "".join(levels[round((v - low) / (high - low) * (len(levels) - 1))] for v in values[-12:])


def summary_text(summary, lang: str) -> str:
    parts = [f"{status_word(s, lang)}: {summary.counts[s]}" for s in STATUS_LOOK if summary.counts.get(s)]
    share = "" if summary.on_schedule_share is None else f"{summary.on_schedule_share:.0%}"
    label = "达进度率" if lang == "zh" else "on track or achieved"
    return "  ".join(parts) + (f"   {label} {share}" if share else "")


STATUS_HEADERS = (("指标", "indicator"), ("最新", "latest"), ("目标", "target"), ("完成", "done"), ("序时", "time"),
                  ("状态", "status"), ("超前/滞后", "ahead"), ("预测", "forecast"), ("趋势", "trend"))


def _status_cells(p, lang: str, wide: bool, ascii_only: bool) -> list[Cell]:
    indicator = p.indicator
    unit = indicator.unit_in(lang)
    latest = ""
    if p.latest is not None:
        latest = format_human(p.latest, unit, kind=indicator.kind)
        if wide:
            latest += f" ({p.latest_date.isoformat()})"
    _, colour, _ = STATUS_LOOK[p.status]
    done = "" if p.completion is None else f"{_bar(p.completion, 8 if wide else 5, ascii_only)} {p.completion:.0%}"
    # Narrow terminals: "≥ 30个 2023", a year-end deadline as just its year.
    target = target_text(p.target, indicator.kind, unit, lang=lang, short=not wide)
    if ascii_only:  # ≥ ≤ ≈ – ± are drawn double width on Chinese terminals too
        target = target.translate(ASCII_SIGNS)
    texts = [indicator.name(lang) + (" (?)" if indicator.doubt else ""), latest, target, done,
             "" if p.time_elapsed is None else f"{p.time_elapsed:.0%}"]
    cells = [Cell(visible(text)) for text in texts] + [Cell(status_word(p.status, lang), colour)]
    if wide:
        ahead = "" if p.days_ahead is None else f"{p.days_ahead:+.0f}d"
        forecast = ""
        if p.forecast is not None:
            # A projection is an estimate: no more digits than the reader needs.
            rounded = round(p.forecast) if abs(p.forecast) >= 100 else round(p.forecast, 1)
            meets = ("达标" if p.forecast_meets else "不达标") if lang == "zh" else (
                "meets" if p.forecast_meets else "falls short")
            forecast = f"{format_human(rounded, unit, kind=indicator.kind)} ({meets})"
        cells += [Cell(ahead), Cell(visible(forecast)), Cell(sparkline([v for _, v in p.points], ascii_only))]
    return cells


def status_tables(catalogue: Catalogue, progresses: list, lang: str, screen, judged: list | None = None):
    """`sytrack status` for people: per group its title, its indicators and its counts, then the
    total, in one layout so that columns line up from group to group. Counts are of everything
    `judged`, not only the rows shown (--status filters rows, not counts)."""
    from sytrack.progress import summarise

    judged = progresses if judged is None else judged
    wide = screen.width is None or screen.width >= 140
    zh = lang == "zh"
    columns = [GridColumn(zh_header if zh else en_header, "right" if en_header in ("time", "ahead") else "left",
                          wrap={"indicator": 1, "latest": 2, "target": 2, "forecast": 2}.get(en_header, 0))
               for zh_header, en_header in STATUS_HEADERS[:9 if wide else 6]]
    by_group: dict[str, list] = {}
    for p in progresses:
        by_group.setdefault(p.indicator.group, []).append(_status_cells(p, lang, wide, screen.ascii_only))
    grid = Grid.fitted(columns, [cells for rows in by_group.values() for cells in rows], screen.width,
                       screen.box(simple=True), screen.colour)
    def text_lines(text: str, bold: bool = False) -> list[str]:
        lines = wrap(text, screen.width) if screen.width else [text]
        return [f"\x1b[1m{line}\x1b[0m" if bold and screen.colour else line for line in lines]

    shown_groups = [g for g in sorted(catalogue.groups, key=lambda g: g.order) if g.id in by_group]
    for group in shown_groups:
        yield from text_lines(visible(group.name(lang)), bold=True)
        yield from grid.header()
        yield from grid.body(by_group[group.id])
        yield from text_lines(summary_text(summarise(p for p in judged if p.indicator.group == group.id), lang))
        yield ""
    if len(shown_groups) > 1:
        yield from text_lines(f"{'合计' if zh else 'All'}: {summary_text(summarise(judged), lang)}", bold=True)


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


def explain_fields(p, lang: str) -> list[dict[str, Any]]:
    """Every figure behind one indicator's status: its number, how it reads, and how it is computed."""
    i = p.indicator
    unit = i.unit_in(lang)
    percent_points = unit == "%"
    human = lambda v: format_human(v, unit, kind=i.kind)  # noqa: E731
    pct = lambda v: None if v is None else round(v * 100, 4)  # noqa: E731
    if p.start_value is None:
        completion_rule = "V / T" if i.direction == "increase" else "T / V (lower is better)"
    else:
        completion_rule = "(V − B) / (T − B); all or nothing when B already meets T"
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
        ("completion (c)", pct(p.completion), "" if p.completion is None else f"{p.completion * 100:.2f}%", completion_rule),
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
    ]
    return [{"figure": f, "value": v, "text": t, "how": h} for f, v, t, h in rows]


# ---------------------------------------------------------------------------------------------
# Charts


def chart_for(indicator: Indicator, series, progress, plan):
    """What a chart of one indicator shows: records, baseline, targets, expected path, forecast."""
    from sytrack.chart import ChartData
    from sytrack.progress import expected_path, forecast_segment

    baseline = (indicator.baseline.date, indicator.baseline.value) if indicator.baseline else None
    targets = () if indicator.kind == "milestone" else tuple(
        (t.deadline, t.goal(indicator.direction)) for t in indicator.targets)
    observed = tuple((day, value) for day, value in series if day <= progress.as_of)
    return ChartData(observed, tuple(tuple(s) for s in expected_path(indicator, plan)), targets,
                     tuple(forecast_segment(progress)), baseline, progress.as_of, progress.start_date)


def show_view(fields: list[tuple[str, str]], title: str, chart_lines: list[str], standing: str, colour: bool):
    """`sytrack show` on a terminal: the fields, where the indicator stands, and its chart."""
    from rich.console import Group as RenderGroup
    from rich.text import Text

    from sytrack.chart import LEGEND

    styles = {"o": "bold green", "T": "bold red", "~": "yellow", ".": "cyan", "B": "bold blue"}
    chart = Text()
    for line in chart_lines:
        label, bar, plot = line.partition("|")
        chart.append(label + bar)
        for char in plot:
            chart.append(char, styles.get(char, "") if colour and bar else "")
        chart.append("\n")
    return RenderGroup(fields_table(fields, title), rich_text(""), rich_text(standing, "bold"), chart,
                       rich_text(LEGEND, "dim"))


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


def record_notes(value: float | None, indicator: Indicator) -> list[str]:
    """The notes a recorded value earns on stderr: a fraction typed for a percent, a scale slip, a doubt."""
    from sytrack.values import percent_fraction_hint, scale_hint

    notes = [percent_fraction_hint(value, indicator), scale_hint(value, indicator),
             f"{indicator.id} carries a doubt: {indicator.doubt}" if indicator.doubt else None]
    return [note for note in notes if note]


def show_renderable(catalogue: Catalogue, indicator: Indicator, series, as_of, lang: str, colour: bool):
    """`sytrack show` on a terminal: the indicator's fields, where it stands, and its chart."""
    from sytrack.chart import text_chart
    from sytrack.progress import evaluate

    progress = evaluate(indicator, series, as_of, catalogue.plan)
    chart = text_chart(chart_for(indicator, series, progress, catalogue.plan), width=60, height=10)
    done = "" if progress.completion is None else f", {progress.completion:.0%} done"
    standing = f"as of {progress.as_of.isoformat()}: {status_word(progress.status, lang)}{done} — {progress.reason}"
    return show_view(show_fields(catalogue, indicator, lang), indicator.name(lang), chart, standing, colour)


def explain_table(indicator: Indicator, progress, rows: list[dict[str, Any]], screen, lang: str = "en"):
    """`sytrack explain` for people: figure, value and how it is computed."""
    zh = lang == "zh"
    columns = (GridColumn("项目" if zh else "figure"), GridColumn("数值" if zh else "value", wrap=1),
               GridColumn("算法" if zh else "how", wrap=1, style="dim"))
    cells = [[Cell(visible(row["figure"])), Cell(visible(row["text"])), Cell(visible(row["how"]))] for row in rows]
    grid = Grid.fitted(columns, cells, screen.width, screen.box(), screen.colour)
    yield from wrap(f"{indicator.id} {'截至' if zh else 'as of'} {progress.as_of.isoformat()}", grid.width)
    yield from grid.lines(cells)


DRAFT_COLUMNS = [
    Column(key, kind="number" if key in ("line", "confidence") else "bool" if key in ("review", "context") else "text")
    for key in ("line", "id", "group", "name_zh", "value", "unit", "comparison", "tolerance", "kind", "direction",
                "deadline", "baseline", "confidence", "review", "context", "reason", "sentence")
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
        view.add_row(*(rich_text(str(cell)) for cell in (
            row["line"], row["name_zh"], row["value"], row["unit"], row["comparison"], row["kind"],
            f"{row['confidence']:.1f}", row["reason"], sentence)))
    return view
