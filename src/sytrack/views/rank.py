"""`sytrack rank`: the league of districts and departments (区县赛马), for one indicator or for a group."""

from __future__ import annotations

from typing import Any

from sytrack.model import Catalogue, Indicator
from sytrack.values import format_human
from sytrack.views.columns import Column
from sytrack.views.common import STATUS_LOOK, rounded, status_word
from sytrack.views.grid import Cell, Grid, GridColumn, wrap
from sytrack.views.text import visible

INDICATOR_RANK_COLUMNS = (
    Column("rank", "排名", "rank", kind="number"),
    Column("org", "单位编号", "org"),
    Column("name", "单位", "name"),
    Column("value", "最新值", "value", kind="number"),
    Column("allocation", "分解目标", "allocation", kind="number"),
    Column("completion_pct", "完成率%", "done %", kind="number"),
    Column("time_elapsed_pct", "序时进度%", "time %", kind="number"),
    Column("pace", "进度比", "pace", kind="number"),
    Column("status", "状态", "status"),
)

GROUP_RANK_COLUMNS = (
    Column("rank", "排名", "rank", kind="number"),
    Column("org", "单位编号", "org"),
    Column("name", "单位", "name"),
    Column("indicators", "指标数", "indicators", kind="number"),
    Column("on_schedule_pct", "达进度率%", "on track or achieved %", kind="number"),
    Column("behind", "滞后指标数", "behind", kind="number"),
)


def _name(catalogue: Catalogue, org_id: str, lang: str) -> str:
    org = catalogue.org(org_id)
    return org.name(lang) if org else org_id


def indicator_rank_rows(catalogue: Catalogue, rows, lang: str) -> list[dict[str, Any]]:
    """One indicator's league as rows: best first, as orgs.league orders them."""
    return [
        {
            "rank": r.rank,
            "org": r.org,
            "name": _name(catalogue, r.org, lang),
            "value": r.value,
            "allocation": r.allocation,
            "completion_pct": rounded(r.completion * 100 if r.completion is not None else None, 2),
            "time_elapsed_pct": rounded(r.time_elapsed * 100 if r.time_elapsed is not None else None, 2),
            "pace": rounded(r.pace, 3),
            "status": r.status,
        }
        for r in rows
    ]


def group_rank_rows(catalogue: Catalogue, rows, lang: str) -> list[dict[str, Any]]:
    """A group's league as rows: 达进度率 and how many indicators are behind, best first."""
    return [
        {
            "rank": r.rank,
            "org": r.org,
            "name": _name(catalogue, r.org, lang),
            "indicators": r.indicators,
            "on_schedule_pct": rounded(r.on_schedule_share * 100 if r.on_schedule_share is not None else None, 2),
            "behind": r.behind,
        }
        for r in rows
    ]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def indicator_rank_table(indicator: Indicator, title: str, rows: list[dict[str, Any]], lang: str):
    """The league for people: rank, org, value against allocation, done, time, pace, status."""
    zh = lang == "zh"
    unit = indicator.unit_in(lang)
    headers = (
        ("排名", "rank", "right"),
        ("单位", "org", "left"),
        ("最新值", "value", "right"),
        ("分解目标", "allocation", "right"),
        ("完成", "done", "right"),
        ("序时", "time", "right"),
        ("进度比", "pace", "right"),
        ("状态", "status", "left"),
    )
    columns = [
        GridColumn(h_zh if zh else h_en, justify, wrap=1 if h_en == "org" else 0) for h_zh, h_en, justify in headers
    ]

    def cells(row: dict[str, Any]) -> list[Cell]:
        human = lambda v: "" if v is None else format_human(v, unit, kind=indicator.kind)  # noqa: E731
        texts = [
            "" if row["rank"] is None else str(row["rank"]),
            f"{row['name']}",
            human(row["value"]),
            human(row["allocation"]),
            _percent(row["completion_pct"]),
            _percent(row["time_elapsed_pct"]),
            "" if row["pace"] is None else f"{row['pace']:.2f}",
        ]
        return [Cell(visible(t)) for t in texts] + [
            Cell(status_word(row["status"], lang), STATUS_LOOK[row["status"]][1])
        ]

    return _table(title, columns, [cells(r) for r in rows], lang)


def group_rank_table(title: str, rows: list[dict[str, Any]], lang: str):
    zh = lang == "zh"
    headers = (
        ("排名", "rank", "right"),
        ("单位", "org", "left"),
        ("指标数", "indicators", "right"),
        ("达进度率", "on track or achieved", "right"),
        ("滞后", "behind", "right"),
    )
    columns = [
        GridColumn(h_zh if zh else h_en, justify, wrap=1 if h_en == "org" else 0) for h_zh, h_en, justify in headers
    ]
    body = [
        [
            Cell(visible(t))
            for t in (
                "" if r["rank"] is None else str(r["rank"]),
                r["name"],
                str(r["indicators"]),
                _percent(r["on_schedule_pct"]),
                str(r["behind"]),
            )
        ]
        for r in rows
    ]
    return _table(title, columns, body, lang)


def _table(title: str, columns, body, lang: str):
    def build(_rows, screen):
        grid = Grid.fitted(columns, body, screen.width, screen.box(), screen.colour)
        yield from wrap(visible(title), grid.width)
        if not body:
            yield (
                "没有可排名的单位"
                if lang == "zh"
                else "no org to rank: nothing is allocated to an org and no org reports it"
            )
            return
        yield from grid.lines(body)

    return build
