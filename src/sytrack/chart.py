"""Charts of one indicator's history against its path to target: as text lines and as inline SVG."""

from __future__ import annotations

import datetime as dt
import html
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


def _short(value: float) -> str:
    """Axis labels: compact, with 万/亿 for large numbers as an analyst would write them."""
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{value / 1e8:.3g}亿"
    if magnitude >= 1e4:
        return f"{value / 1e4:.3g}万"
    return f"{value:.4g}"


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


def svg_chart(data: ChartData, width: int = 480, height: int = 180, label: str = "") -> str:
    """The same chart as an inline SVG element: no script, no external reference."""
    bounds = _bounds(data)
    title = f"<title>{html.escape(label)}</title>" if label else ""
    if bounds is None:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="24" role="img">{title}</svg>'
    first, last, low, high = bounds
    pad_left, pad_right, pad_y = 56, 12, 14
    plot_w, plot_h = width - pad_left - pad_right, height - 2 * pad_y - 14

    def xy(point: Point) -> tuple[float, float]:
        x = pad_left + (point[0] - first).days / (last - first).days * plot_w
        y = pad_y + (1 - (point[1] - low) / (high - low)) * plot_h
        return round(x, 1), round(y, 1)

    def polyline(points: Sequence[Point], css: str) -> str:
        coords = " ".join(f"{x},{y}" for x, y in map(xy, points))
        return f'<polyline class="{css}" points="{coords}"/>'

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img">{title}']
    parts.append(f'<line class="axis" x1="{pad_left}" y1="{pad_y + plot_h}" x2="{pad_left + plot_w}" y2="{pad_y + plot_h}"/>')
    parts.append(f'<line class="axis" x1="{pad_left}" y1="{pad_y}" x2="{pad_left}" y2="{pad_y + plot_h}"/>')
    for value in (low, (low + high) / 2, high):
        _, y = xy((first, value))
        parts.append(f'<text class="tick" x="{pad_left - 4}" y="{y + 3}" text-anchor="end">{html.escape(_short(value))}</text>')
    bottom = pad_y + plot_h + 14
    parts.append(f'<text class="tick" x="{pad_left}" y="{bottom}">{first.isoformat()}</text>')
    parts.append(f'<text class="tick" x="{pad_left + plot_w}" y="{bottom}" text-anchor="end">{last.isoformat()}</text>')
    for segment in data.path:
        parts.append(polyline(segment, "path"))
    if len(data.forecast) == 2:
        parts.append(polyline(data.forecast, "forecast"))
    if len(data.observed) > 1:
        parts.append(polyline(data.observed, "observed"))
    for point in data.targets:
        x, y = xy(point)
        parts.append(f'<rect class="target" x="{x - 4}" y="{y - 4}" width="8" height="8"/>')
    if data.baseline:
        x, y = xy(data.baseline)
        parts.append(f'<circle class="baseline" cx="{x}" cy="{y}" r="3.5"/>')
    for point in data.observed:
        x, y = xy(point)
        parts.append(f'<circle class="point" cx="{x}" cy="{y}" r="3"/>')
    parts.append("</svg>")
    return "".join(parts)
