"""Charts of one indicator's history against its path to target: as text lines and as inline SVG."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sytrack.visible import display_width

Point = tuple[dt.date, float]

# Text marks are ASCII: box-drawing and block characters are double width on Chinese Windows terminals.
MARK_PATH, MARK_OBSERVED, MARK_TARGET, MARK_FORECAST, MARK_BASELINE = ".", "o", "T", "~", "B"
LEGEND = "o recorded   . expected path   T target   ~ forecast   B baseline"


@dataclass(frozen=True)
class ChartData:
    observed: tuple[Point, ...]
    path: tuple[tuple[Point, ...], ...]  # segments of the expected path
    targets: tuple[Point, ...]  # (deadline, goal)
    forecast: tuple[Point, ...]  # a segment, or empty
    baseline: Point | None = None
    as_of: dt.date | None = None
    start: dt.date | None = None  # where the time axis begins even with nothing drawn there yet

    def all_points(self) -> list[Point]:
        points = list(self.observed) + list(self.targets) + list(self.forecast)
        points += [p for segment in self.path for p in segment]
        if self.baseline:
            points.append(self.baseline)
        return points


def _bounds(data: ChartData) -> tuple[dt.date, dt.date, float, float] | None:
    points = data.all_points()
    if not points:
        return None
    first, last = min(p[0] for p in points), max(p[0] for p in points)
    if data.start is not None:
        first = min(first, data.start)
    low, high = min(p[1] for p in points), max(p[1] for p in points)
    if last == first:
        last = first + dt.timedelta(days=1)
    if high == low:  # one value only (a target, nothing recorded): show it against zero
        low, high = (0.0, high * 1.1) if high > 0 else (low - 1, high + 1)
    margin = (high - low) * 0.05
    # Counts and amounts never go below zero: keep the axis from suggesting they could.
    return first, last, (low - margin) if low < 0 or low - margin >= 0 else 0.0, high + margin


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values from at or below `low` to at or above `high`, a step of 1, 2 or 5 times a power
    of ten apart, at most `most` of them: 30,000-42,700 gives 30,000, 35,000, 40,000, 45,000."""
    if not high > low:
        low, high = (low - 1, high + 1) if high == low else (high, low)
    power = 10.0 ** math.floor(math.log10((high - low) / (most - 1)))
    for multiple in (1, 2, 5, 10, 20):
        step = multiple * power
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
        if last - first + 1 <= most:
            break
    digits = max(0, -math.floor(math.log10(step)))  # what rounding leaves of float noise: 0.30000000000000004
    return [round(n * step, digits) + 0.0 for n in range(first, last + 1)]


def axis_labels(ticks: Sequence[float], lang: str) -> list[str]:
    """One label per tick, all in one unit and with no more decimals than the step needs: 万/亿 in
    Chinese (3.5万, 1.20亿), thousands grouped and M/B in English (35,000; 1.5M), 0 as 0."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    # A unit only where every label is at least one of it: 3.5万 but 9,500, never 0.95万.
    smallest = min((abs(value) for value in ticks if value), default=0.0)
    units = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"))
    size, suffix = next(((size, suffix) for size, suffix in units if smallest >= size), (1.0, ""))
    return ["0" if value == 0 else _decimal(value / size, step / size) + suffix for value in ticks]


def _short(value: float) -> str:
    """Axis labels: compact, with 万/亿 for large numbers as an analyst would write them."""
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{value / 1e8:.3g}亿"
    if magnitude >= 1e4:
        return f"{value / 1e4:.3g}万"
    return f"{value:.4g}"


def _decimal(value: float, step: float) -> str:
    digits = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return f"{value:,.{digits}f}"


def _pad_left(text: str, width: int) -> str:
    return " " * (width - display_width(text)) + text


def text_chart(data: ChartData, width: int = 64, height: int = 12) -> list[str]:
    """The chart as plain lines, `width` characters of plot plus the axis labels on the left."""
    bounds = _bounds(data)
    if bounds is None:
        return ["(nothing to draw: no target, baseline or record)"]
    first, last, low, high = bounds
    span_days = (last - first).days
    grid = [[" "] * width for _ in range(height)]

    def cell(point: Point) -> tuple[int, int]:
        x = round((point[0] - first).days / span_days * (width - 1))
        y = round((point[1] - low) / (high - low) * (height - 1))
        return height - 1 - y, x

    def line(a: Point, b: Point, mark: str) -> None:
        (row_a, col_a), (row_b, col_b) = cell(a), cell(b)
        steps = max(abs(col_b - col_a), abs(row_b - row_a), 1)
        for step in range(steps + 1):
            row = round(row_a + (row_b - row_a) * step / steps)
            col = round(col_a + (col_b - col_a) * step / steps)
            if grid[row][col] == " ":
                grid[row][col] = mark

    for segment in data.path:
        for a, b in zip(segment, segment[1:]):
            line(a, b, MARK_PATH)
    if len(data.forecast) == 2:
        line(data.forecast[0], data.forecast[1], MARK_FORECAST)
    for point in data.targets:
        row, col = cell(point)
        grid[row][col] = MARK_TARGET
    if data.baseline:
        row, col = cell(data.baseline)
        grid[row][col] = MARK_BASELINE
    for point in data.observed:
        row, col = cell(point)
        grid[row][col] = MARK_OBSERVED

    labels = {0: _short(high), height - 1: _short(low), (height - 1) // 2: _short((high + low) / 2)}
    label_width = max(display_width(text) for text in labels.values())
    lines = [_pad_left(labels.get(r, ""), label_width) + " |" + "".join(row) for r, row in enumerate(grid)]
    lines.append(" " * label_width + " +" + "-" * width)
    left, right = first.isoformat(), last.isoformat()
    lines.append(" " * (label_width + 2) + left + " " * max(1, width - len(left) - len(right)) + right)
    return lines


TICK_FONT_PX = 10  # the CSS's `svg .tick` size; an ASCII glyph is about 0.6 of it wide, a Chinese one twice that


def tick_pixels(text: str) -> int:
    """How wide a tick label is drawn, at most: 6 px a column, so 万 counts 12."""
    return 6 * display_width(text)


def _svg_axes(ticks: list[float], labels: list[str], y_of, box: tuple[float, float, float, float],
              first: dt.date, last: dt.date) -> list[str]:
    """The two axes, a faint line and a label at each round value, and the first and last date."""
    left, top, right, bottom = box
    parts = [f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
             f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>']
    for value, text in zip(ticks, labels):
        y = y_of(value)
        if value != ticks[0]:
            parts.append(f'<line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>')
        parts.append(f'<text class="tick" x="{left - 4}" y="{round(y + 3.5, 1)}" text-anchor="end">{html.escape(text)}</text>')
    parts.append(f'<text class="tick" x="{left}" y="{bottom + 14}">{first.isoformat()}</text>')
    parts.append(f'<text class="tick" x="{right}" y="{bottom + 14}" text-anchor="end">{last.isoformat()}</text>')
    return parts


def _svg_marks(data: ChartData, xy) -> list[str]:
    def polyline(points: Sequence[Point], css: str) -> str:
        coords = " ".join(f"{x},{y}" for x, y in map(xy, points))
        return f'<polyline class="{css}" points="{coords}"/>'

    parts = [polyline(segment, "path") for segment in data.path]
    if len(data.forecast) == 2:
        parts.append(polyline(data.forecast, "forecast"))
    if len(data.observed) > 1:
        parts.append(polyline(data.observed, "observed"))
    for x, y in map(xy, data.targets):
        parts.append(f'<rect class="target" x="{x - 4}" y="{y - 4}" width="8" height="8"/>')
    if data.baseline:
        x, y = xy(data.baseline)
        parts.append(f'<circle class="baseline" cx="{x}" cy="{y}" r="3.5"/>')
    for x, y in map(xy, data.observed):
        parts.append(f'<circle class="point" cx="{x}" cy="{y}" r="3"/>')
    return parts


def svg_chart(data: ChartData, width: int = 480, height: int = 180, label: str = "", lang: str = "en") -> str:
    """The same chart as an inline SVG element: no script, no external reference. The value axis
    runs between round values (1-2-5 steps) labelled in `lang`; the labels get the room they need."""
    bounds = _bounds(data)
    title = f"<title>{html.escape(label)}</title>" if label else ""
    if bounds is None:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="24" role="img">{title}</svg>'
    first, last, low, high = bounds
    ticks = nice_ticks(low, high)
    labels = axis_labels(ticks, lang)
    low, high = ticks[0], ticks[-1]
    pad_left, pad_right, pad_y = max(tick_pixels(text) for text in labels) + 8, 12, 14
    plot_w, plot_h = width - pad_left - pad_right, height - 2 * pad_y - 14

    def y_of(value: float) -> float:
        return round(pad_y + (1 - (value - low) / (high - low)) * plot_h, 1)

    def xy(point: Point) -> tuple[float, float]:
        return round(pad_left + (point[0] - first).days / (last - first).days * plot_w, 1), y_of(point[1])

    box = (pad_left, pad_y, pad_left + plot_w, pad_y + plot_h)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img">{title}']
    parts += _svg_axes(ticks, labels, y_of, box, first, last) + _svg_marks(data, xy)
    parts.append("</svg>")
    return "".join(parts)
