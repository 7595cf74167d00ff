"""`sytrack remind` and `sytrack diff`: their columns, plain rows, and the tables built from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sytrack.cycle import WARNING_NAMES
from sytrack.views.columns import Column
from sytrack.views.common import rounded
from sytrack.views.grid import Cell, Grid, GridColumn
from sytrack.views.text import visible

REMIND_COLUMNS = (
    Column("indicator", "指标", "indicator"),
    Column("org", "单位", "org"),
    Column("period", "报告期", "period"),
    Column("due", "截止日期", "due", kind="date"),
    Column("days_overdue", "逾期天数", "days overdue", kind="number"),
)
SUMMARY_COLUMNS = (
    Column("org", "单位", "org"),
    Column("expected", "应报", "expected", kind="number"),
    Column("received", "已报", "received", kind="number"),
    Column("on_time", "按时报", "on time", kind="number"),
    Column("reporting_rate_pct", "报送率%", "reporting rate %", kind="number"),
    Column("on_time_rate_pct", "及时率%", "on-time rate %", kind="number"),
)
DIFF_COLUMNS = (
    Column("indicator", "指标", "indicator"),
    Column("org", "单位", "org"),
    Column("figure_before", "原数值", "figure before", kind="number"),
    Column("figure_after", "新数值", "figure after", kind="number"),
    Column("status_before", "原状态", "status before"),
    Column("status_after", "新状态", "status after"),
    Column("warning_before", "原预警", "warning before"),
    Column("warning_after", "新预警", "warning after"),
    Column("causes", "原因", "causes"),
)
# The diff for people: each before and after in one cell ("no-data → achieved"), so that nine
# columns become six and fit 80 columns without breaking an id.
DIFF_TABLE_COLUMNS = (
    Column("indicator", "指标", "indicator"),
    Column("org", "单位", "org"),
    Column("figure", "数值", "figure", kind="number"),
    Column("status", "状态", "status"),
    Column("warning", "预警", "warning"),
    Column("causes", "原因", "causes"),
)
CAUSE_WORDS_ZH = {
    "new-data": "新数据",
    "revision": "修订",
    "retraction": "撤销",
    "target": "目标变更",
    "time": "时间推移",
}


def org_name(org: str, names: dict[str, str], lang: str) -> str:
    """An org's name as people read it; the city's own figure has no org (empty in machine formats)."""
    if not org:
        return "市本级" if lang == "zh" else "city"
    return names.get(org, org)


def remind_row(chase) -> dict[str, Any]:
    return {
        "indicator": chase.indicator,
        "org": chase.org,
        "period": chase.period,
        "due": chase.due,
        "days_overdue": chase.days_overdue,
    }


def _percent(rate: float | None) -> float | None:
    return rounded(None if rate is None else rate * 100, 2)


def summary_row(org_tally) -> dict[str, Any]:
    reports = org_tally.reports
    return {
        "org": org_tally.org,
        "expected": reports.expected,
        "received": reports.received,
        "on_time": reports.on_time,
        "reporting_rate_pct": _percent(reports.reporting_rate),
        "on_time_rate_pct": _percent(reports.on_time_rate),
    }


class RemindReport(NamedTuple):
    rows: list[dict[str, Any]]
    columns: tuple[Column, ...]
    overdue: bool  # whether a report is past its due date and not in (`remind --fail-on overdue`)


def remind_report(indicators, plan, receipts, as_of, org: str | None, summary: bool) -> RemindReport:
    """remind's rows: the chase list, or with `summary` the tally per org (`duty`), and whether
    anything is overdue either way."""
    from sytrack.duty import chase_list, org_summary

    chase = chase_list(indicators, plan, receipts, as_of, org)
    overdue = any(c.days_overdue > 0 for c in chase)
    if summary:
        tallies = org_summary(indicators, plan, receipts, as_of, org)
        return RemindReport([summary_row(t) for t in tallies], SUMMARY_COLUMNS, overdue)
    return RemindReport([remind_row(c) for c in chase], REMIND_COLUMNS, overdue)


def diff_row_dict(row) -> dict[str, Any]:
    return {
        "indicator": row.indicator,
        "org": row.org,
        "figure_before": row.figure_before,
        "figure_after": row.figure_after,
        "status_before": row.status_before,
        "status_after": row.status_after,
        "warning_before": row.warning_before,
        "warning_after": row.warning_after,
        "causes": ",".join(row.causes),
    }


WRAPPING = ("org", "causes", "figure", "status", "warning")


def plain_table(columns: Sequence[Column], lang: str, names: dict[str, str], words: dict[str, dict[str, str]]):
    """A table for people of any of these reports: the columns' titles, user text shown never obeyed,
    org ids as names, and `words` translating the cells of some columns (warnings, causes) in Chinese."""
    # Names and causes wrap at their spaces; ids, periods, dates and numbers never break.
    grid_columns = [
        GridColumn(c.title(lang), "right" if c.kind == "number" else "left", wrap=1 if c.key in WRAPPING else 0)
        for c in columns
    ]

    def text(column: Column, value: Any) -> str:
        if value is None:
            return ""
        if column.key == "org":
            return org_name(value, names, lang)
        if column.kind == "number" and isinstance(value, float):
            return f"{value:g}"
        table = words.get(column.key)
        if table and lang == "zh":
            return "、".join(table.get(part, part) for part in str(value).split(","))
        if table:  # a list of causes breaks after its commas on a narrow terminal
            return ", ".join(str(value).split(","))
        return str(value)

    def build(rows, screen):
        cells = [[Cell(visible(text(c, row[c.key]))) for c in columns] for row in rows]
        grid = Grid.fitted(grid_columns, cells, screen.width, screen.box(), screen.colour)
        yield from grid.lines(cells)

    return build


def diff_table(lang: str, names: dict[str, str]):
    """The diff's table: figure, status and warning as "before → after", in the report's language."""
    words = diff_words() if lang == "zh" else {}

    def shown(key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, float):
            return f"{value:g}"
        return words.get(key, {}).get(str(value), str(value))

    def paired(row: dict[str, Any]) -> dict[str, Any]:
        pairs = {
            key: f"{shown(f'{key}_before', row[f'{key}_before'])} → {shown(f'{key}_after', row[f'{key}_after'])}"
            for key in ("figure", "status", "warning")
        }
        return {"indicator": row["indicator"], "org": row["org"], **pairs, "causes": row["causes"]}

    build = plain_table(DIFF_TABLE_COLUMNS, lang, names, {"causes": CAUSE_WORDS_ZH})
    return lambda rows, screen: build([paired(row) for row in rows], screen)


def diff_words() -> dict[str, dict[str, str]]:
    """How the diff's warnings, statuses and causes read in Chinese."""
    from sytrack.views.common import STATUS_LOOK

    zh, statuses = WARNING_NAMES["zh"], {status: look[2] for status, look in STATUS_LOOK.items()}
    return {
        "warning_before": zh,
        "warning_after": zh,
        "status_before": statuses,
        "status_after": statuses,
        "causes": CAUSE_WORDS_ZH,
    }
