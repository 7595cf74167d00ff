"""The self-contained HTML report: one page, inline CSS and SVG, no network, prints to A4."""

from __future__ import annotations

import datetime as dt
from html import escape

from sytrack.chart import svg_chart
from sytrack.model import Catalogue
from sytrack.progress import Progress, summarise
from sytrack.values import format_human
from sytrack.values import target_text
from sytrack.views.common import STATUS_LOOK

STATUS_COLOURS = {
    "achieved": "#1a7f37", "on-track": "#2da44e", "behind": "#bf8700", "off-track": "#cf222e",
    "missed": "#82071e", "pending": "#0969da", "no-data": "#6e7781",
}

WORDS = {
    "zh": {"as_of": "截至", "summary": "总体情况", "share": "达进度率", "latest": "最新值", "target": "目标",
           "done": "完成率", "time": "序时进度", "ahead": "超前/滞后(天)", "forecast": "预测", "generated": "生成于",
           "none": "暂无数据", "status": "状态", "legend": "● 实际值 ┄ 应达路径 ■ 目标 ╌ 预测 ○ 基期"},
    "en": {"as_of": "As of", "summary": "Summary", "share": "On track or achieved", "latest": "Latest",
           "target": "Target", "done": "Done", "time": "Time elapsed", "ahead": "Days ahead", "forecast": "Forecast",
           "generated": "Generated", "none": "no data", "status": "Status",
           "legend": "● recorded ┄ expected path ■ target ╌ forecast ○ baseline"},
}

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
       "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem;
     border-bottom: 2px solid #d0d7de; padding-bottom: .25rem; }
.meta { color: #57606a; font-size: .9rem; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; padding: 0; list-style: none; }
.summary li { border: 1px solid #d0d7de; border-radius: .4rem; padding: .3rem .6rem; }
.card { border: 1px solid #d0d7de; border-radius: .5rem; padding: .75rem; margin: .75rem 0;
        break-inside: avoid; page-break-inside: avoid; }
.card h3 { font-size: 1rem; margin: 0 0 .4rem; }
.card .body { display: grid; grid-template-columns: 1fr; gap: .5rem; align-items: start; }
@media (min-width: 48rem) { .card .body { grid-template-columns: 1fr 1fr; } }
.status { display: inline-block; color: #fff; border-radius: .3rem; padding: 0 .4rem; font-size: .85rem; }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: .2rem .75rem; margin: 0; }
dt { color: #57606a; font-size: .8rem; } dd { margin: 0; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; max-width: 32rem; height: auto; display: block; }
svg .axis { stroke: #8c959f; stroke-width: 1; } svg .tick { font-size: 10px; fill: #57606a; }
svg .path { fill: none; stroke: #0969da; stroke-width: 1.5; stroke-dasharray: 2 3; }
svg .forecast { fill: none; stroke: #bf8700; stroke-width: 1.5; stroke-dasharray: 6 3; }
svg .observed { fill: none; stroke: #1a7f37; stroke-width: 2; }
svg .point { fill: #1a7f37; } svg .target { fill: #cf222e; } svg .baseline { fill: #fff; stroke: #0969da; stroke-width: 1.5; }
.legend { color: #57606a; font-size: .8rem; }
.doubt { color: #9a6700; font-size: .85rem; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .status { color: #000; border: 1px solid #000; }
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


def _card(p: Progress, svg: str, lang: str) -> str:
    i, words = p.indicator, WORDS[lang]
    unit = i.unit_in(lang)
    latest = words["none"]
    if p.latest is not None:
        latest = f"{format_human(p.latest, unit, kind=i.kind)} ({p.latest_date.isoformat()})"
    figures = [
        (words["latest"], latest),
        (words["target"], target_text(p.target, i.kind, unit, lang=lang)),
        (words["done"], "" if p.completion is None else f"{p.completion:.1%}"),
        (words["time"], "" if p.time_elapsed is None else f"{p.time_elapsed:.1%}"),
        (words["ahead"], "" if p.days_ahead is None else f"{p.days_ahead:+.0f}"),
        (words["forecast"], "" if p.forecast is None else format_human(round(p.forecast, 1), unit, kind=i.kind)),
    ]
    cells = "".join(f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>" for label, value in figures if value)
    doubt = f'<p class="doubt">? {escape(i.doubt)}</p>' if i.doubt else ""
    return (f'<section class="card" id="{escape(i.id)}"><h3>{escape(i.name(lang))} {_status_badge(p.status, lang)}</h3>'
            f'<div class="body"><dl>{cells}</dl>{svg}</div>{doubt}</section>')


def render_html(catalogue: Catalogue, progresses: list[Progress], charts: dict[str, object], lang: str,
                as_of: dt.date, generated_at: str) -> str:
    """The whole page. `charts` maps an indicator id to its ChartData."""
    words = WORDS[lang]
    title = catalogue.plan.title(lang)
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="meta">{escape(words["as_of"])} {as_of.isoformat()} · {escape(words["generated"])} {escape(generated_at)}</p>',
            f"<h2>{escape(words['summary'])}</h2>", _summary(progresses, lang),
            f'<p class="legend">{escape(words["legend"])}</p>']
    by_group: dict[str, list[Progress]] = {}
    for p in progresses:
        by_group.setdefault(p.indicator.group, []).append(p)
    for group in sorted(catalogue.groups, key=lambda g: g.order):
        members = by_group.get(group.id)
        if not members:
            continue
        body.append(f'<h2 id="group-{escape(group.id)}">{escape(group.name(lang))}</h2>')
        body.append(_summary(members, lang))
        for p in members:
            svg = svg_chart(charts[p.indicator.id], label=p.indicator.name(lang)) if p.indicator.id in charts else ""
            body.append(_card(p, svg, lang))
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
