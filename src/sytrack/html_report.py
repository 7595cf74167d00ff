"""The self-contained HTML report: one page, inline CSS and SVG, no network, prints to A4."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from sytrack.chart import svg_chart
from sytrack.model import Catalogue
from sytrack.progress import Progress, summarise
from sytrack.values import format_human, target_text
from sytrack.views.common import STATUS_LOOK

STATUS_COLOURS = {
    "achieved": "#1a7f37",
    "on-track": "#2da44e",
    "behind": "#bf8700",
    "off-track": "#cf222e",
    "missed": "#82071e",
    "pending": "#0969da",
    "no-data": "#6e7781",
}

WORDS = {  # every word the page itself says, in each language: a report is in one language throughout
    "zh": {
        "as_of": "截至",
        "summary": "总体情况",
        "share": "达进度率",
        "latest": "最新值",
        "target": "目标",
        "done": "完成率",
        "time": "序时进度",
        "ahead": "超前/滞后(天)",
        "forecast": "预测",
        "generated": "生成于",
        "none": "暂无数据",
        "status": "状态",
        "overview": "指标一览",
        "indicator": "指标",
        "group": "分组",
        "warning": "预警",
        "doubt": "存疑",
        "milestone_done": "已完成",
        "milestone_open": "未完成",
        "legend": "● 实际值 ┄ 应达路径 ■ 目标 ╌ 预测 ○ 基期",
        "stretch": "力争目标",
        "stretch_met": "已达到",
        "stretch_open": "未达到",
    },
    "en": {
        "as_of": "As of",
        "summary": "Summary",
        "share": "On track or achieved",
        "latest": "Latest",
        "target": "Target",
        "done": "Done",
        "time": "Time elapsed",
        "ahead": "Days ahead",
        "forecast": "Forecast",
        "generated": "Generated",
        "none": "no data",
        "status": "Status",
        "overview": "Overview",
        "indicator": "Indicator",
        "group": "Group",
        "warning": "Warning",
        "doubt": "Doubt",
        "milestone_done": "done",
        "milestone_open": "not done",
        "legend": "● recorded ┄ expected path ■ target ╌ forecast ○ baseline",
        "stretch": "Stretch",
        "stretch_met": "reached",
        "stretch_open": "not reached",
    },
}

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
       "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem;
     border-bottom: 2px solid #d0d7de; padding-bottom: .25rem; }
.meta { color: #57606a; font-size: .9rem; }
.nowrap, time { white-space: nowrap; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; padding: 0; list-style: none; }
.summary li { border: 1px solid #d0d7de; border-radius: .4rem; padding: .3rem .6rem; }
.scroll { overflow-x: auto; }
table.overview { border-collapse: collapse; width: 100%; font-size: .9rem; }
.overview th, .overview td { border-bottom: 1px solid #d0d7de; padding: .2rem .4rem; text-align: left; vertical-align: top; }
.overview td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.overview a { color: inherit; }
td.warning.on { background: #fff8c5; border-left: 4px solid #bf8700; }
/* On a phone the overview keeps name, status and figures; the group is the heading of each card's section. */
@media (max-width: 40rem) { .overview .col-group { display: none; } .overview { font-size: .85rem; }
                            .overview th, .overview td { padding: .2rem .25rem; } }
.card { border: 1px solid #d0d7de; border-radius: .5rem; padding: .75rem; margin: .75rem 0;
        break-inside: avoid; page-break-inside: avoid; }
.card h3 { font-size: 1rem; margin: 0 0 .4rem; }
.card .body { display: grid; grid-template-columns: 1fr; gap: .5rem; align-items: start; }
@media (min-width: 48rem) { .card .body { grid-template-columns: 1fr 1fr; } }
.status { display: inline-block; color: #fff; border-radius: .3rem; padding: 0 .4rem; font-size: .85rem; white-space: nowrap; }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: .2rem .75rem; margin: 0; }
dt { color: #57606a; font-size: .8rem; } dd { margin: 0; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; max-width: 32rem; height: auto; display: block; }
svg .axis { stroke: #8c959f; stroke-width: 1; } svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .tick { font-size: 10px; fill: #57606a; }
svg .path { fill: none; stroke: #0969da; stroke-width: 1.5; stroke-dasharray: 2 3; }
svg .forecast { fill: none; stroke: #bf8700; stroke-width: 1.5; stroke-dasharray: 6 3; }
svg .observed { fill: none; stroke: #1a7f37; stroke-width: 2; }
svg .point { fill: #1a7f37; } svg .target { fill: #cf222e; } svg .baseline { fill: #fff; stroke: #0969da; stroke-width: 1.5; }
.legend { color: #57606a; font-size: .8rem; }
.doubt { color: #9a6700; font-size: .85rem; }
table.league { border-collapse: collapse; } table.league th, table.league td { border: 1px solid #d0d7de; padding: .2rem .6rem; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; color: #000; }
  h2 { break-after: avoid; page-break-after: avoid; }
  /* A group is printed whole on a page when it fits there, else it starts a new one; a card is never split. */
  .overview-part { break-after: page; page-break-after: always; }
  section.group { break-inside: avoid; page-break-inside: avoid; }
  /* Printers drop background colours: a badge is black on white with a border, its symbol (++, --) tells it apart. */
  .status { color: #000 !important; background: #fff !important; border: 1px solid #000; }
  td.warning.on { border-left: 4px solid #000; background: none; }
  .card { padding: .4rem .6rem; margin: .4rem 0; }
  .card .body { grid-template-columns: 1fr 1fr; }
  .scroll { overflow: visible; }
  .overview tr { break-inside: avoid; }
  .meta, .legend, dt, svg .tick { color: #000; fill: #000; }
}
"""


def _status_badge(status: str, lang: str) -> str:
    symbol, _, zh = STATUS_LOOK[status]
    word = zh if lang == "zh" else status
    return f'<span class="status" style="background:{STATUS_COLOURS[status]}">{escape(symbol)} {escape(word)}</span>'


def _summary(progresses: list[Progress], lang: str) -> str:
    summary = summarise(progresses)
    words = WORDS[lang]
    items = [f"<li>{_status_badge(s, lang)} {summary.counts[s]}</li>" for s in STATUS_LOOK if summary.counts.get(s)]
    if summary.on_schedule_share is not None:
        items.append(f"<li>{escape(words['share'])}: <strong>{summary.on_schedule_share:.0%}</strong></li>")
    return '<ul class="summary">' + "".join(items) + "</ul>"


def _number(value: float | None, p: Progress, unit: str, lang: str) -> str:
    """A value as people read it; a milestone's as done or not, in the report's language."""
    if p.indicator.kind == "milestone" and value is not None:
        return WORDS[lang]["milestone_done" if value >= 1 else "milestone_open"]
    return format_human(value, unit, kind=p.indicator.kind)


def _date(day: dt.date) -> str:
    """A date that never wraps at its hyphens on a narrow screen."""
    return f'<time datetime="{day.isoformat()}">{day.isoformat()}</time>'


_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")  # "2025-12-31前" too: 前 is a word character


def unbroken(text: str) -> str:
    """`text` escaped, each ISO date in it kept whole (a <time>, which does not wrap): '> 40,000 by 2024-12-31'."""
    return _ISO_DATE.sub(lambda m: f"<time>{m.group()}</time>", escape(text))


def doubt_text(indicator, lang: str) -> str:
    """The indicator's doubt in the report's language: `doubt_zh`/`doubt_en` when the catalogue has them
    (a place kept for them), else `doubt` as written."""
    return getattr(indicator, f"doubt_{lang}", "") or indicator.doubt


def _card(p: Progress, svg: str, lang: str) -> str:
    i, words = p.indicator, WORDS[lang]
    unit = i.unit_in(lang)
    latest = escape(words["none"])
    if p.latest is not None:
        latest = f"{escape(_number(p.latest, p, unit, lang))} ({_date(p.latest_date)})"
    figures = [
        (words["latest"], latest),
        (words["target"], unbroken(target_text(p.target, i.kind, unit, lang=lang))),
        (words["stretch"], _stretch(p, unit, lang)),
        (words["done"], "" if p.completion is None else f"{p.completion:.1%}"),
        (words["time"], "" if p.time_elapsed is None else f"{p.time_elapsed:.1%}"),
        (words["ahead"], "" if p.days_ahead is None else f"{p.days_ahead:+.0f}"),
        (words["forecast"], "" if p.forecast is None else escape(_number(round(p.forecast, 1), p, unit, lang))),
    ]
    cells = "".join(f"<div><dt>{escape(label)}</dt><dd>{value}</dd></div>" for label, value in figures if value)
    doubt = doubt_text(i, lang)
    doubt = f'<p class="doubt">{escape(words["doubt"])}: {escape(doubt)}</p>' if doubt else ""
    return (
        f'<section class="card" id="{escape(i.id)}"><h3>{escape(i.name(lang))} {_status_badge(p.status, lang)}</h3>'
        f'<div class="body"><dl>{cells}</dl>{svg}</div>{doubt}</section>'
    )


def _stretch(p: Progress, unit: str, lang: str) -> str:
    """A graded target's stretch (力争) and whether it is reached; status is judged on the commitment."""
    if p.stretch is None:
        return ""
    words = WORDS[lang]
    reached = "" if p.stretch_met is None else f" ({words['stretch_met' if p.stretch_met else 'stretch_open']})"
    return escape(_number(p.stretch, p, unit, lang) + reached)


# The reporting cycle's three colours (docs/progress.md): the cell's tint and its edge.
WARNING_LOOK = {"red": ("#ffebe9", "#cf222e"), "yellow": ("#fff8c5", "#bf8700"), "blue": ("#ddf4ff", "#0969da")}


def warning_cell(p: Progress, lang: str, cycle=None) -> str:
    """The overview's warning cell, coloured by the reporting cycle's warning (`cycle`, a
    `duty.CycleFigures`) with its escalation count; else by a `warning` the Progress carries; else empty."""
    from sytrack.cycle import WARNING_NAMES

    warning = cycle.warning if cycle is not None else getattr(p, "warning", None)
    if not warning:
        return '<td class="warning"></td>'
    if warning not in WARNING_LOOK:
        return f'<td class="warning on">{escape(str(warning))}</td>'
    tint, edge = WARNING_LOOK[warning]
    count = f" ×{cycle.escalation}" if cycle is not None and cycle.escalation else ""
    return (
        f'<td class="warning on" style="background:{tint};border-left-color:{edge}">'
        f"{escape(WARNING_NAMES[lang][warning])}{count}</td>"
    )


def _overview(catalogue: Catalogue, progresses: list[Progress], lang: str, cycle: dict | None = None) -> str:
    """One row per indicator: its name (a link to its card), group, status, completion and time elapsed."""
    words = WORDS[lang]
    heads = ("indicator", "group", "status", "done", "time", "warning")
    rows = []
    for p in progresses:
        i = p.indicator
        done = "" if p.completion is None else f"{p.completion:.1%}"
        time = "" if p.time_elapsed is None else f"{p.time_elapsed:.1%}"
        rows.append(
            f'<tr><td><a href="#{escape(i.id)}">{escape(i.name(lang))}</a></td>'
            f'<td class="col-group">{escape(catalogue.group(i.group).name(lang))}</td><td>{_status_badge(p.status, lang)}</td>'
            f'<td class="number">{done}</td><td class="number">{time}</td>{warning_cell(p, lang, (cycle or {}).get(i.id))}</tr>'
        )
    head = "".join(f'<th scope="col" class="col-{h}">{escape(words[h])}</th>' for h in heads)
    return (
        f'<div class="scroll"><table class="overview"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _league(catalogue: Catalogue, rows, lang: str) -> str:
    """The league of districts and departments (区县赛马): rows of orgs.GroupLeagueRow, best first."""
    zh = lang == "zh"
    heads = (
        ("排名", "单位", "指标数", "达进度率", "滞后")
        if zh
        else ("Rank", "Org", "Indicators", "On track or achieved", "Behind")
    )
    body = []
    for r in rows:
        org = catalogue.org(r.org)
        share = "" if r.on_schedule_share is None else f"{r.on_schedule_share:.0%}"
        cells = (
            "" if r.rank is None else str(r.rank),
            org.name(lang) if org else r.org,
            str(r.indicators),
            share,
            str(r.behind),
        )
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    title = "区县（单位）进度排名" if zh else "League of districts and departments"
    return (
        f'<h2 id="league">{escape(title)}</h2><table class="league"><thead><tr>'
        + "".join(f"<th>{escape(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def render_html(
    catalogue: Catalogue,
    progresses: list[Progress],
    charts: dict[str, object],
    lang: str,
    as_of: dt.date,
    generated_at: str,
    league=None,
    cycle: dict | None = None,
) -> str:
    """The whole page: summary, overview table, then one section per group with its cards. `charts`
    maps an indicator id to its ChartData; `league`, when given, the districts' league
    (districts.groups_league), shown after the overview; `cycle` an id to its `duty.CycleFigures`
    (the warnings)."""
    words = WORDS[lang]
    title = catalogue.plan.title(lang)
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(words["as_of"])} {_date(as_of)} · {escape(words["generated"])} '
        f"{unbroken(generated_at)}</p>",
        f"<h2>{escape(words['summary'])}</h2>",
        _summary(progresses, lang),
        f'<div class="overview-part"><h2>{escape(words["overview"])}</h2>{_overview(catalogue, progresses, lang, cycle)}'
        f'<p class="legend">{escape(words["legend"])}</p></div>',
    ]
    if league:
        body.append(_league(catalogue, league, lang))
    by_group: dict[str, list[Progress]] = {}
    for p in progresses:
        by_group.setdefault(p.indicator.group, []).append(p)
    for group in sorted(catalogue.groups, key=lambda g: g.order):
        members = by_group.get(group.id)
        if not members:
            continue
        cards = []
        for p in members:
            chart = charts.get(p.indicator.id)
            svg = svg_chart(chart, label=p.indicator.name(lang), lang=lang) if chart is not None else ""
            cards.append(_card(p, svg, lang))
        body.append(
            f'<section class="group"><h2 id="group-{escape(group.id)}">{escape(group.name(lang))}</h2>'
            f"{_summary(members, lang)}{''.join(cards)}</section>"
        )
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
