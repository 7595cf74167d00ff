"""`sytrack explain` in Chinese: each row's label, reading and rule, from the row explain builds.

Explain's rows are built once, in English (views/explain.py); under `--lang zh` each row is worded
again here, by its label, from the Progress where the figure is at hand and from the row's own
text where it is not (an org's figure, a roll-up). A row this module does not know stays as built,
and the --lang zh tests name it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sytrack.values import format_human, target_text
from sytrack.views.common import KIND_ZH, STATUS_LOOK

LABELS = {
    "indicator": "指标",
    "as of (A)": "截至日 (A)",
    "target (T)": "目标 (T)",
    "deadline (D)": "期限 (D)",
    "start (S)": "起点 (S)",
    "start value (B)": "起点值 (B)",
    "latest (V)": "最新值 (V)",
    "completion (c)": "完成率 (c)",
    "time elapsed (τ)": "序时进度 (τ)",
    "pace": "进度比",
    "thresholds": "阈值",
    "days ahead": "超前天数",
    "required per month": "每月所需",
    "forecast at D": "D 时预测值",
    "status": "状态",
    "stretch (力争)": "力争目标",
    "doubt": "存疑",
    "city's figure (V)": "市级数值 (V)",
    "disagreement": "上下级不一致",
    "org": "单位",
    "disagreement tolerance": "不一致容差",
}

# Every `how` and fixed reading explain writes, in Chinese (the formulas stay as they are).
PHRASES = {
    "--as-of, else today": "--as-of 所给日期，缺省为今天",
    "the latest value in force dated after S and on or before A (before D once D has passed)": (
        "S 之后、A 当日或之前的最新有效值（D 已过则取 D 当日或之前）"
    ),
    "c / τ": "c / τ",
    "catalogue [plan] on_track, off_track": "指标目录设定的进度阈值",
    "(c − τ) × (D − S) in days; negative is behind": "(c − τ) × (D − S)，以天计；负数为滞后",
    "(T − V) / months from A to D": "(T − V) / A 至 D 的月数",
    "least-squares line through the baseline (or a flow's 0 at S) and the values since, read at D": (
        "过基期值（增量指标为 S 时的 0）及其后各值的最小二乘直线，在 D 处的读数"
    ),
    "the further value the plan strives for, with the target's comparison; status judges T, the commitment": (
        "规划力争达到的更高值，比较方式与目标相同；状态按确保目标 T 评价"
    ),
    "the catalogue's doubt about this entry; it changes no figure": "指标目录对该条目的存疑说明，不影响任何数值",
    # Start rules (explain._start_rule)
    "the previous target's deadline: the path is a staircase": "上一目标的期限：路径呈台阶状",
    "the previous target's deadline: the path is a staircase, and a flow restarts at 0": (
        "上一目标的期限：路径呈台阶状，增量指标从 0 重新起算"
    ),
    "the day before the target's start": "目标起始日的前一天",
    "the day before the target's start (a flow counts from 0)": "目标起始日的前一天（增量指标从 0 起算）",
    "the day before the plan's start: a flow counts from 0 within its period": "规划起始日的前一天：增量指标在期内从 0 起算",
    "the baseline's date and value": "基期的日期和数值",
    "the day before the plan's start (no baseline: completion is a plain ratio)": (
        "规划起始日的前一天（无基期值：完成率为简单比值）"
    ),
    # Completion rules (arithmetic.completion_and_rule, progress._judge_milestone)
    "all or nothing: B already meets T": "全有或全无：起点值 B 已满足目标 T",
    "all or nothing: no B, and a goal of 0 gives no ratio": "全有或全无：无起点值 B，目标为 0 无法求比值",
    "V / T (no B: measured from 0)": "V / T（无起点值 B：从 0 起量）",
    "V / T (no B: measured from 0); both below 0": "V / T（无起点值 B：从 0 起量）；二者均小于 0",
    "1: no B, and V is at or past 0, beyond T": "1：无起点值 B，V 已达到或越过 0，超过 T",
    "T / V (no B: lower is better)": "T / V（无起点值 B：越小越好）",
    "T / V (no B: higher is better, T below 0)": "T / V（无起点值 B：越大越好，T 小于 0）",
    "1 when done, 0 when not": "完成为 1，未完成为 0",
    # Roll-ups (explain.rollup_fields, orgs)
    "rolled up from its orgs (Σ)": "由下级单位汇总 (Σ)",
    "the city's own figure": "市级自报数",
    "nothing recorded or rolled up": "无记录，也无汇总",
    "the city's own figure where it has one for a date, else its orgs' roll-up": (
        "某日有市级自报数时取自报数，否则取下级单位汇总"
    ),
    "nothing recorded": "无记录",
    "no figure yet": "尚无数值",
    "no allocation": "未分解任务",
    "rolled up from its orgs": "由下级单位汇总",
    "its own figure": "自报数",
    "the sum of the orgs' figures of the same date": "各下级单位同一日期数值之和",
    "the sum of each org's latest figure on or before the date": "各下级单位在该日或之前最新数值之和",
    "Σ vᵢ·wᵢ / Σ wᵢ over each org's latest figure, weighed by its denominator (else its declared weight)": (
        "各下级单位最新数值的加权平均 Σ vᵢ·wᵢ / Σ wᵢ，以分母为权（否则用声明的权重）"
    ),
    "Σ vᵢ·wᵢ / Σ wᵢ over the orgs' figures of the same date, weighed by denominator (else declared weight)": (
        "各下级单位同一日期数值的加权平均 Σ vᵢ·wᵢ / Σ wᵢ，以分母为权（否则用声明的权重）"
    ),
    "no org has a figure for it": "下级单位均无数值",
    "the denominators or weights add up to zero": "分母或权重之和为 0",
    "a rank is a position, not an amount: ranks of districts do not add up to the city's": (
        "排名是位次而非数量：各区县的排名不能相加为全市排名"
    ),
    "a milestone is done or not: it is not rolled up from the orgs": "里程碑只有完成与否：不由下级单位汇总",
    "own figure and the orgs' roll-up differ by more than 1% of the own figure; the own figure counts": (
        "自报数与下级汇总之差超过自报数的 1%；以自报数为准"
    ),
    "its own figure where it has one for a date, else its orgs' roll-up": "某日有自报数时取自报数，否则取下级单位汇总",
    # The tolerance (explain._tolerance_row) and an org's own rows (explain.org_fields, --org)
    "an own figure and the orgs' roll-up of its date further apart than this disagree": (
        "自报数与同日下级汇总之差超过此值即为不一致"
    ),
    "catalogue [plan] disagreement_tolerance (0.01 unless set)": "指标目录为规划设定的容差（未设定时为 1%）",
    "[[indicator]] disagreement_tolerance": "指标目录为该指标设定的容差",
    "judged on its allocation (T), without the city's baseline": "按分解任务 (T) 评价，不用市级基期值",
    "no allocation: judged on the city's target, as a share or rate compares with the city's": (
        "未分解任务：按市级目标评价（比重、增速可与全市相比）"
    ),
}

# Phrases that carry a name or a figure: (English pattern, Chinese template).
PATTERNS = (
    (re.compile(r"roll-up into the city on (\d{4}-\d{2}-\d{2})"), r"\1 汇总为市级"),
    (re.compile(r"roll-up into the city"), "汇总为市级"),
    (re.compile(r"roll-up into (\S+) on (\d{4}-\d{2}-\d{2})"), r"\2 汇总为 \1"),
    (re.compile(r"roll-up into (\S+)"), r"汇总为 \1"),
    (
        re.compile(r"target (\d+) of (\d+): the first due on or after A"),
        r"第 \1 个目标（共 \2 个）：A 当日或之后最先到期的目标",
    ),
    (re.compile(r"\(A − S\) / \(D − S\), counted in days"), "(A − S) / (D − S)，按日计"),
    (re.compile(r"\(A − S\) / \(D − S\), counted in months"), "(A − S) / (D − S)，按月计"),
    (re.compile(r"([^;]+) on (\d{4}-\d{2}-\d{2}) \(of ([^;]+)\)"), r"\1（\2，分母 \3）"),
    (re.compile(r"([^;]+) on (\d{4}-\d{2}-\d{2})"), r"\1（\2）"),
    (re.compile(r"allocated ([^;]+)"), r"分解任务 \1"),
    (re.compile(r"no figure yet from ([^;]+)"), r"尚无 \1 的数值"),
    (re.compile(r"(\S+)'s figure \(V\)"), r"\1 数值 (V)"),
    (re.compile(r"([\d.]+)% of the own figure"), r"自报数的 \1%"),
    (
        re.compile(
            r"own figure and the orgs' roll-up differ by more than ([\d.]+)% of the own figure; the own figure counts"
        ),
        r"自报数与下级汇总之差超过自报数的 \1%；以自报数为准",
    ),
    (re.compile(r"(\S+)'s denominator is negative"), r"\1 的分母为负数"),
    (re.compile(r"(\S+)'s weight is negative"), r"\1 的权重为负数"),
    (
        re.compile(
            r"(\S+)'s figure has no denominator and its allocation declares no weight; a share or rate is never averaged"
        ),
        r"\1 的数值没有分母，其任务分解也未声明权重；比重或增速不做简单平均",
    ),
    (
        re.compile(
            r"(\S+)'s figure has no denominator and (\S+)'s allocation declares no weight;"
            r" a share or rate is never averaged"
        ),
        r"\1 的数值没有分母，\2 的任务分解未声明权重；比重或增速不做简单平均",
    ),
)


def phrase(text: str) -> str:
    """One English phrase of explain in Chinese; parts joined by '; ' each on their own; else as is."""
    if text in PHRASES:
        return PHRASES[text]
    for pattern, template in PATTERNS:
        if match := pattern.fullmatch(text):
            return match.expand(template)
    if "; " in text:
        return "；".join(phrase(part) for part in text.split("; "))
    return text


def _figures(p) -> dict[str, Callable[[dict[str, Any]], str]]:
    """The readings worded again from the Progress itself, by row label."""
    i = p.indicator
    human = lambda v: format_human(v, i.unit_in("zh"), kind=i.kind, lang="zh")  # noqa: E731
    forecast = "" if p.forecast is None else human(p.forecast) + ("（达标）" if p.forecast_meets else "（不达标）")
    reached = {True: "已达到", False: "未达到", None: "无记录"}[p.stretch_met]
    required = p.required_per_month
    return {
        "target (T)": lambda row: target_text(p.target, i.kind, i.unit_in("zh"), lang="zh"),
        "start value (B)": lambda row: "无" if p.start_value is None else human(p.start_value),
        "latest (V)": lambda row: "无记录" if p.latest is None else f"{human(p.latest)}（{p.latest_date}）",
        "thresholds": lambda row: f"符合进度 ≥ {p.on_track_threshold:g}，严重滞后 < {p.off_track_threshold:g}",
        "required per month": lambda row: (
            "" if required is None else f"{required:.2f} 个百分点" if i.unit == "%" else human(required)
        ),
        "forecast at D": lambda row: forecast,
        "status": lambda row: STATUS_LOOK[p.status][2],
        "stretch (力争)": lambda row: "" if p.stretch is None else f"{human(p.stretch)}：{reached}",
    }


def _how(row: dict[str, Any], p) -> str:
    if row["figure"] == "indicator":
        direction = {"increase": "越大越好", "decrease": "越小越好"}[p.indicator.direction]
        if p.indicator.kind == "milestone":
            direction = "完成即达标"
        return f"类型 {KIND_ZH[p.indicator.kind]}，方向 {direction}"
    return phrase(row["how"])


def in_chinese(rows: list[dict[str, Any]], p) -> list[dict[str, Any]]:
    """Explain's rows for one indicator worded in Chinese: label, reading and rule."""
    figures = _figures(p)
    worded = []
    for row in rows:
        label = row["figure"]
        text = figures[label](row) if label in figures else phrase(row["text"])
        figure = LABELS.get(label) or phrase(label.strip())
        if label.startswith("  "):  # an org under a roll-up, indented as explain indents it
            figure = label
        worded.append({**row, "figure": figure, "text": text, "how": _how(row, p)})
    return worded
