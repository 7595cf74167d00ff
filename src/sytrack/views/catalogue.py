"""`sytrack list` and `sytrack show`: an indicator's fields, its row, its table, its chart."""

from __future__ import annotations

import re
from typing import Any

from sytrack.model import Catalogue, Indicator
from sytrack.values import format_human, format_plain, target_text
from sytrack.views.columns import Column
from sytrack.views.common import KIND_ZH, reason_text, status_word
from sytrack.views.grid import Cell, Grid, GridColumn, centred, display_width, wrap
from sytrack.views.text import rich_text, visible


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
        "doubt": indicator.doubt_in(lang),
        "source_line": indicator.where.line if indicator.where else None,
    }


def list_table(catalogue: Catalogue, lang: str):
    """`sytrack list` for people: one table, each group's name above its indicators."""

    def build(rows, screen):
        zh = lang == "zh"
        columns = (
            GridColumn("编号" if zh else "id"),
            GridColumn("指标" if zh else "indicator", wrap=1),
            GridColumn("类型" if zh else "kind"),
            GridColumn("基期" if zh else "baseline", wrap=2),
            GridColumn("目标" if zh else "target", wrap=2),
        )
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
            name = indicator.name(lang) + (" (?)" if indicator.doubtful else "")
            kind = KIND_ZH[indicator.kind] if zh else indicator.kind
            body.append(("row", [Cell(visible(text)) for text in (row["id"], name, kind, baseline, targets)]))
        grid = Grid.fitted(
            columns, [cells for kind, cells in body if kind == "row"], screen.width, screen.box(), screen.colour
        )
        for title in wrap(visible(catalogue.plan.title(lang)), grid.width):
            yield centred(title, grid.width)
        yield from grid.header()
        for kind, cells in body:
            yield from (grid.spanning(cells[0].text, "bold") if kind == "group" else grid.body([cells]))
        yield from grid.footer()

    return build


# ---------------------------------------------------------------------------------------------
# sytrack show


SHOW_LABELS_ZH = {
    "id": "编号",
    "name": "名称",
    "group": "分组",
    "kind": "类型",
    "direction": "方向",
    "unit": "单位",
    "baseline": "基期",
    "target": "目标",
    "department": "责任部门",
    "quote": "原文",
    "doubt": "存疑",
    "defined at": "定义位置",
}


def show_fields(catalogue: Catalogue, indicator: Indicator, lang: str) -> list[tuple[str, str]]:
    """The indicator's fields as (label, text) pairs, in the order a reader wants them, labelled
    in the report's language."""
    zh = lang == "zh"
    unit = indicator.unit_in(lang)
    group = catalogue.group(indicator.group)
    if indicator.kind == "milestone":
        direction = "完成即达标" if zh else "done is better"
    else:
        direction = {"increase": "越大越好", "decrease": "越小越好"}[indicator.direction] if zh else indicator.direction
    baseline = "规划未给出" if zh else "none given by the plan"
    if indicator.baseline:
        on = "，" if zh else " on "
        baseline = f"{format_human(indicator.baseline.value, unit)}{on}{indicator.baseline.date}"
    # In Chinese, Chinese only: the English name and unit are the English report's.
    fields = [
        ("id", indicator.id),
        ("name", indicator.name_zh if zh else f"{indicator.name_zh} / {indicator.name_en}"),
        ("group", f"{group.name_zh} ({group.id})" if zh else f"{group.id}: {group.name_zh} / {group.name_en}"),
        ("kind", KIND_ZH[indicator.kind] if zh else indicator.kind),
        ("direction", direction),
        ("unit", f"{indicator.unit} / {indicator.unit_en}" if indicator.unit_en and not zh else indicator.unit),
        ("baseline", baseline),
    ]
    for n, target in enumerate(indicator.targets, start=1):
        number = "" if len(indicator.targets) == 1 else f" {n}"
        fields.append((("目标" if zh else "target") + number, target_text(target, indicator.kind, unit, lang=lang)))
    fields += [
        ("department", indicator.department),
        ("quote", indicator.source_text),
        ("doubt", indicator.doubt_in(lang)),
        ("defined at", str(indicator.where) if indicator.where else ""),
    ]
    label = (lambda key: SHOW_LABELS_ZH.get(key, key)) if zh else (lambda key: key)
    return [(label(key), text) for key, text in fields if text]


class FieldText:
    """A field's text in a Rich table, broken where a reader breaks it: a path only after a '/', any
    other text at spaces and between Chinese characters (grid.wrap), never inside an id, a date or a
    number; inside a word only when the word alone is wider than the column."""

    def __init__(self, text: str, path: bool = False) -> None:
        self.text, self.path = visible(text), path

    def _pieces(self) -> list[str]:
        if self.path:
            return re.findall(r"[^/\\]*[/\\]|[^/\\]+", self.text)
        return self.text.replace("\n", " ").split(" ")

    def lines(self, width: int) -> list[str]:
        if not self.path:
            return wrap(self.text, width)
        lines = [""]
        for piece in self._pieces():
            if lines[-1] and display_width(lines[-1] + piece) > width:
                lines.append("")
            lines[-1] += piece
        return lines

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        widest = max(display_width(line) for line in self.text.split("\n"))
        longest = max(display_width(piece) for piece in self._pieces())
        return Measurement(min(longest, widest), widest).clamp(max_width=options.max_width)

    def __rich_console__(self, console, options):
        from rich.text import Text

        yield Text("\n".join(self.lines(options.max_width)), overflow="fold")


def fields_table(fields: list[tuple[str, str]], title: str = ""):
    from rich.table import Table

    table = Table(show_header=False, box=None, title=rich_text(title) if title else None, title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, text in fields:
        table.add_row(rich_text(label), FieldText(text, path=label in PATH_LABELS))
    return table


PATH_LABELS = ("defined at", SHOW_LABELS_ZH["defined at"])


# ---------------------------------------------------------------------------------------------
# sytrack log / export


def chart_for(indicator: Indicator, series, progress, plan):
    """What a chart of one indicator shows: records, baseline, targets, expected path, forecast."""
    from sytrack.chart import ChartData
    from sytrack.progress import expected_path, forecast_segment

    baseline = (indicator.baseline.date, indicator.baseline.value) if indicator.baseline else None
    targets = (
        ()
        if indicator.kind == "milestone"
        else tuple((t.deadline, t.goal(indicator.direction)) for t in indicator.targets)
    )
    observed = tuple((day, value) for day, value in series if day <= progress.as_of)
    return ChartData(
        observed,
        tuple(tuple(s) for s in expected_path(indicator, plan)),
        targets,
        tuple(forecast_segment(progress)),
        baseline,
        progress.as_of,
        progress.start_date,
    )


def show_view(fields: list[tuple[str, str]], title: str, chart, standing: str, colour: bool):
    """`sytrack show` on a terminal: the fields, where the indicator stands, and its chart (a
    chart.TextChart), coloured by what each character draws when `colour`."""
    from rich.console import Group as RenderGroup
    from rich.text import Text

    from sytrack.chart import BASELINE, FORECAST, OBSERVED, PATH, TARGET

    styles = {OBSERVED: "bold green", TARGET: "bold red", FORECAST: "yellow", PATH: "cyan", BASELINE: "bold blue"}
    picture = Text()
    for number, (line, roles) in enumerate(zip(chart.lines, chart.roles)):
        picture.append("\n" if number else "")
        for char, role in zip(line, roles):
            picture.append(char, styles.get(role, "") if colour else "")
    return RenderGroup(
        fields_table(fields, title), rich_text(""), rich_text(standing, "bold"), picture, rich_text(chart.legend, "dim")
    )


def show_renderable(
    catalogue: Catalogue, indicator: Indicator, series, as_of, lang: str, colour: bool, ascii_only: bool = True
):
    """`sytrack show` on a terminal: the indicator's fields, where it stands, and its chart."""
    from sytrack.chart import text_chart
    from sytrack.progress import evaluate

    progress = evaluate(indicator, series, as_of, catalogue.plan)
    chart = text_chart(
        chart_for(indicator, series, progress, catalogue.plan), width=60, height=10, ascii_only=ascii_only, lang=lang
    )
    zh = lang == "zh"
    done = (
        ""
        if progress.completion is None
        else f"{'，完成' if zh else ', '}{progress.completion:.0%}{'' if zh else ' done'}"
    )
    standing = (
        f"{'截至' if zh else 'as of'} {progress.as_of.isoformat()}{'：' if zh else ': '}"
        f"{status_word(progress.status, lang)}{done} — {reason_text(progress.reason, lang)}"
    )
    return show_view(show_fields(catalogue, indicator, lang), indicator.name(lang), chart, standing, colour)
