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
