"""What several reports show alike: status words and colours, bars, sparklines, counts."""

from __future__ import annotations

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


# Each progress reason (model.REASONS) worded per language; its figures fill the {0}, {1} fields.
REASON_WORDS = {
    "target-met": ("target met", "已达到目标"),
    "target-missed": ("deadline passed, target not met", "期限已过，未达到目标"),
    "beyond-far-end": ("past the far end of the target", "已越过目标区间的另一端"),
    "moving-away": ("moving away from the target", "趋势背离目标"),
    "below-start": ("below where the path to this target starts", "低于本阶段目标路径的起点"),
    "nothing-due": ("nothing is due yet", "尚无应完成的进度"),
    "pace-on-track": ("pace {0:.3f} ≥ {1:g}", "进度比 {0:.3f} ≥ {1:g}"),
    "pace-below": ("pace {0:.3f} is below {1:g}", "进度比 {0:.3f} 低于 {1:g}"),
    "rate-reached": ("target rate reached", "已达到目标增速"),
    "rate-reached-so-far": ("target rate reached so far", "目前已达到目标增速"),
    "rate-missed": ("deadline passed, target rate not reached", "期限已过，未达到目标增速"),
    "rate-share": ("latest rate is {0:.1%} of the target rate", "最新增速为目标增速的 {0:.1%}"),
    "rate-share-below": (
        "latest rate is {0:.1%} of the target rate, below {1:.1%}",
        "最新增速为目标增速的 {0:.1%}，低于 {1:.1%}",
    ),
    "late-only": ("nothing recorded by the deadline, only after it", "期限前无记录，仅有期限后的记录"),
    "nothing-after": ("nothing recorded after {0}", "{0} 之后无记录"),
    "nothing-since": ("nothing recorded since {0}", "{0} 以来无记录"),
    "done": ("done", "已完成"),
    "not-yet-due": ("not yet due", "未到期"),
    "deadline-unrecorded": ("deadline passed with nothing recorded", "期限已过，无任何记录"),
    "not-done": ("deadline passed, not done by then", "期限已过，届时未完成"),
}


def reason_text(reason, lang: str) -> str:
    """A progress reason (model.Reason) in words: 'pace 1.070 ≥ 0.95', or under zh '进度比 1.070 ≥ 0.95'."""
    english, chinese = REASON_WORDS[reason.code]
    return (chinese if lang == "zh" else english).format(*reason.figures)


KIND_ZH = {"level": "存量", "flow": "增量", "share": "比重", "rate": "增速", "rank": "排名", "milestone": "里程碑"}


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def status_word(status: str, lang: str) -> str:
    symbol, _, zh = STATUS_LOOK[status]
    return f"{symbol} {zh if lang == 'zh' else status}"


def bar(fraction: float | None, width: int, ascii_only: bool) -> str:
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
