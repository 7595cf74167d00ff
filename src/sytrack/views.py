"""What each report shows: its columns, its rows as plain values, and its Rich table."""

from __future__ import annotations

from typing import Any

from sytrack.model import Catalogue, Indicator, Target
from sytrack.render import Column, rich_text
from sytrack.values import format_human, format_plain

COMPARISON_SIGNS = {"at-least": "≥", "more-than": ">", "at-most": "≤", "less-than": "<", "about": "≈"}


def target_text(target: Target, kind: str, unit: str = "", *, human: bool = True) -> str:
    """One target in a few words: '> 40,000个 by 2023-12-31', or plain for machines."""
    number = (lambda v: format_human(v, unit, kind=kind)) if human else format_plain
    if kind == "milestone":
        what = "done"
    elif target.comparison == "between":
        what = f"{number(target.low)}–{number(target.high)}" if human else f"between {number(target.low)} and {number(target.high)}"
    else:
        sign = COMPARISON_SIGNS[target.comparison] if human else target.comparison
        what = f"{sign} {number(target.value)}"
        if target.comparison == "about":
            what += f" ± {number(target.tolerance)}"
    return f"{what} by {target.deadline.isoformat()}"


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
    def build(rows: list[dict]):
        from rich.table import Table

        zh = lang == "zh"
        table = Table(title=rich_text(catalogue.plan.title(lang)), show_lines=False)
        for header in (("编号", "id"), ("指标", "indicator"), ("类型", "kind"), ("基期", "baseline"), ("目标", "target")):
            table.add_column(header[0] if zh else header[1], overflow="fold")
        current_group = None
        for row in rows:
            if row["group"] != current_group:
                current_group = row["group"]
                table.add_row(rich_text(row["group_name"], "bold"), end_section=False)
            indicator = catalogue.find(row["id"])
            assert indicator is not None
            unit = indicator.unit_in(lang)
            baseline = ""
            if indicator.baseline:
                baseline = f"{format_human(indicator.baseline.value, unit)} ({indicator.baseline.date.year})"
            targets = "\n".join(target_text(t, indicator.kind, unit) for t in indicator.targets)
            name = indicator.name(lang) + (" (?)" if indicator.doubt else "")
            table.add_row(rich_text(row["id"]), rich_text(name), rich_text(indicator.kind),
                          rich_text(baseline), rich_text(targets))
        return table

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
        fields.append((label, target_text(target, indicator.kind, unit)))
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
