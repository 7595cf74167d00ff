"""Charts of one indicator's history against its path to target: as text lines and as inline SVG."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sytrack.visible import display_width

Point = tuple[dt.date, float]

# The roles a character of a text chart plays, one letter each: what `TextChart.roles` holds.
OBSERVED, TARGET, BASELINE, PATH, FORECAST, NOTHING = "o", "t", "b", "p", "f", " "


@dataclass(frozen=True)
class Glyphs:
    """The characters of one text chart. With `dots`, lines are braille (2 x 4 dots a character);
    without, a line is a row of its own character."""

    observed: str
    target: str
    baseline: str
    path: str
    forecast: str
    dots: bool
    legend: dict[str, str]


# ASCII for --ascii and terminals that do not speak UTF-8. The Unicode set uses only characters
# one column wide everywhere (East Asian width "neutral", no emoji form): braille for lines, ◉ ✦ ⋄
# for points. Box-drawing and block characters are "ambiguous", drawn double width on Chinese
# terminals, so the axes stay ASCII in both sets.
ASCII_GLYPHS = Glyphs(
    "o",
    "T",
    "B",
    ".",
    "~",
    False,
    {
        "en": "o recorded   . expected path   T target   ~ forecast   B baseline",
        "zh": "o 实际值   . 应达路径   T 目标   ~ 预测   B 基期",
    },
)
UNICODE_GLYPHS = Glyphs(
    "◉",
    "✦",
    "⋄",
    "⠤⠤",
    "⠄⠠⠄",
    True,
    {
        "en": "◉ recorded   ⠤⠤ expected path   ⠄⠠⠄ forecast   ✦ target   ⋄ baseline",
        "zh": "◉ 实际值   ⠤⠤ 应达路径   ⠄⠠⠄ 预测   ✦ 目标   ⋄ 基期",
    },
)


def use_ascii(asked: bool, terminal: bool, encoding: str | None) -> bool:
    """ASCII when asked, or on a terminal whose encoding is not UTF-8 (files and pipes get UTF-8)."""
    import codecs

    if asked:
        return True
    if not terminal:
        return False
    try:
        return codecs.lookup(encoding or "ascii").name != "utf-8"
    except LookupError:
        return True


@dataclass(frozen=True)
class TextChart:
    lines: tuple[str, ...]
    roles: tuple[str, ...]  # for each line, one role letter per character of it (OBSERVED, PATH ...)
    legend: str


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
    """First and last date, lowest and highest value drawn; the value axis then widens to round values."""
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
        low, high = (0.0, high) if high > 0 else (low, 0.0) if low < 0 else (-1.0, 1.0)
    # Rounding outward to the ticks leaves the margin; counts and amounts never reach below zero,
    # since the round value at or below a positive low is zero at the least.
    return first, last, low, high


def nice_ticks(low: float, high: float, most: int = 7) -> list[float]:
    """Round values from at or below `low` to at or above `high`, a step of 1, 2 or 5 times a power
    of ten apart, at most `most` of them: 30,000-42,700 gives 30,000, 35,000, 40,000, 45,000."""
    if not high > low:
        low, high = (low - 1, high + 1) if high == low else (high, low)
    spacing = (high - low) / (most - 1)
    if not 1e-300 < spacing < 1e300:  # a span near no float can step through (5e-324): its two ends
        return [low, high]
    power = 10.0 ** math.floor(math.log10(spacing))
    for multiple in (1, 2, 5, 10, 20):
        step = multiple * power
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
        if last - first + 1 <= most:
            break
    digits = max(0, -math.floor(math.log10(step)))  # what rounding leaves of float noise: 0.30000000000000004
    return [round(n * step, digits) + 0.0 for n in range(first, last + 1)]


MAX_LABEL = 10  # characters a value label may take before it is written as 1.5e+20


def axis_labels(ticks: Sequence[float], lang: str) -> list[str]:
    """One label per tick, all in one unit and with no more decimals than the step needs: 万/亿 in
    Chinese (3.5万, 1.20亿), thousands grouped and M/B in English (35,000; 1.5M), 0 as 0."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    # A unit only where every label is at least one of it: 3.5万 but 9,500, never 0.95万.
    smallest = min((abs(value) for value in ticks if value), default=0.0)
    largest = max(abs(value) for value in ticks) or 1.0
    units = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"))
    size, suffix = next(((size, suffix) for size, suffix in units if smallest >= size), (1.0, ""))
    labels = ["0" if value == 0 else _decimal(value / size, step / size) + suffix for value in ticks]
    if max(len(label) for label in labels) <= MAX_LABEL:
        return labels
    # Far from everyday sizes (1e-280, 1e20): scientific, with the digits that tell two ticks apart.
    digits = max(1, math.floor(math.log10(largest)) - math.floor(math.log10(step)) + 1)
    return ["0" if value == 0 else f"{value:.{min(digits, MAX_LABEL - 6)}g}" for value in ticks]


def _decimal(value: float, step: float) -> str:
    digits = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return f"{value:,.{digits}f}"


def _pad_left(text: str, width: int) -> str:
    return " " * (width - display_width(text)) + text


def _braille(dots: set[tuple[int, int]]) -> str:
    """One braille character with these (column 0-1, row 0-3) dots raised."""
    bits = {
        (0, 0): 0x01,
        (0, 1): 0x02,
        (0, 2): 0x04,
        (1, 0): 0x08,
        (1, 1): 0x10,
        (1, 2): 0x20,
        (0, 3): 0x40,
        (1, 3): 0x80,
    }
    return chr(0x2800 + sum(bits[dot] for dot in dots))


class _Raster:
    """Lines and points on a grid of `width` x `height` characters, each `sx` x `sy` dots."""

    def __init__(self, bounds: tuple[dt.date, dt.date, float, float], width: int, height: int, sx: int, sy: int):
        self.bounds, self.width, self.height, self.sx, self.sy = bounds, width, height, sx, sy
        self.lines: dict[str, set[tuple[int, int]]] = {PATH: set(), FORECAST: set()}
        self.points: dict[tuple[int, int], str] = {}  # (row, column) -> role

    def dot(self, point: Point) -> tuple[int, int]:
        first, last, low, high = self.bounds
        x = round((point[0] - first).days / max(1, (last - first).days) * (self.width * self.sx - 1))
        y = round((high - point[1]) / (high - low) * (self.height * self.sy - 1))
        return x, y

    def line(self, a: Point, b: Point, role: str, every: int = 1) -> None:
        (xa, ya), (xb, yb) = self.dot(a), self.dot(b)
        steps = max(abs(xb - xa), abs(yb - ya), 1)
        for step in range(0, steps + 1, every):
            self.lines[role].add((round(xa + (xb - xa) * step / steps), round(ya + (yb - ya) * step / steps)))

    def point(self, point: Point, role: str) -> None:
        x, y = self.dot(point)
        self.points[(y // self.sy, x // self.sx)] = role

    def cell(self, row: int, column: int, glyphs: Glyphs) -> tuple[str, str]:
        """The character and role of one cell: a point over a line; the path over the forecast."""
        role = self.points.get((row, column))
        if role:
            return {OBSERVED: glyphs.observed, TARGET: glyphs.target, BASELINE: glyphs.baseline}[role], role
        inside = {
            name: {
                (x - column * self.sx, y - row * self.sy)
                for x, y in dots
                if x // self.sx == column and y // self.sy == row
            }
            for name, dots in self.lines.items()
        }
        if not inside[PATH] and not inside[FORECAST]:
            return " ", NOTHING
        role = PATH if len(inside[PATH]) >= len(inside[FORECAST]) else FORECAST
        if glyphs.dots:
            return _braille(inside[PATH] | inside[FORECAST]), role
        return (glyphs.path if role == PATH else glyphs.forecast), role


def _draw(data: ChartData, raster: _Raster, glyphs: Glyphs) -> None:
    for segment in data.path:
        for a, b in itertools.pairwise(segment):
            raster.line(a, b, PATH)
    if len(data.forecast) == 2:  # dotted in braille: one dot in three
        raster.line(data.forecast[0], data.forecast[1], FORECAST, every=3 if glyphs.dots else 1)
    # Drawn last wins a cell: a record over a target over the baseline.
    if data.baseline:
        raster.point(data.baseline, BASELINE)
    for point in data.targets:
        raster.point(point, TARGET)
    for point in data.observed:
        raster.point(point, OBSERVED)


def text_chart(
    data: ChartData, width: int = 64, height: int = 12, ascii_only: bool = True, lang: str = "en"
) -> TextChart:
    """The chart as lines of text, `width` characters of plot right of the value labels (round values,
    in `lang`), an ASCII axis and the first and last date below. Lines in braille unless `ascii_only`."""
    glyphs = ASCII_GLYPHS if ascii_only else UNICODE_GLYPHS
    bounds = _bounds(data)
    if bounds is None:
        nothing = (
            "(nothing to draw: no target, baseline or record)"
            if lang == "en"
            else "(没有可画的内容：无目标、基期或记录)"
        )
        return TextChart((nothing,), (NOTHING * len(nothing),), glyphs.legend[lang])
    first, last, low, high = bounds
    ticks = nice_ticks(low, high)
    raster = _Raster((first, last, ticks[0], ticks[-1]), width, height, *((2, 4) if glyphs.dots else (1, 1)))
    _draw(data, raster, glyphs)
    at_row = {
        round((ticks[-1] - v) / (ticks[-1] - ticks[0]) * (height - 1)): text
        for v, text in zip(ticks, axis_labels(ticks, lang), strict=True)
    }
    label_width = max(display_width(text) for text in at_row.values())
    lines, roles = [], []
    for row in range(height):
        cells = [raster.cell(row, column, glyphs) for column in range(width)]
        label = _pad_left(at_row.get(row, ""), label_width) + " |"
        lines.append(label + "".join(char for char, _ in cells))
        roles.append(NOTHING * len(label) + "".join(role for _, role in cells))
    lines.append(" " * label_width + " +" + "-" * width)
    left, right = first.isoformat(), last.isoformat()
    lines.append(" " * (label_width + 2) + left + " " * max(1, width - len(left) - len(right)) + right)
    roles += [NOTHING * len(line) for line in lines[-2:]]
    return TextChart(tuple(lines), tuple(roles), glyphs.legend[lang])


TICK_FONT_PX = 10  # the CSS's `svg .tick` size; an ASCII glyph is about 0.6 of it wide, a Chinese one twice that


def tick_pixels(text: str) -> int:
    """How wide a tick label is drawn, at most: 6 px a column, so 万 counts 12."""
    return 6 * display_width(text)


def _svg_axes(
    ticks: list[float], labels: list[str], y_of, box: tuple[float, float, float, float], first: dt.date, last: dt.date
) -> list[str]:
    """The two axes, a faint line and a label at each round value, and the first and last date."""
    left, top, right, bottom = box
    parts = [
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>',
    ]
    for value, text in zip(ticks, labels, strict=True):
        y = y_of(value)
        if value != ticks[0]:
            parts.append(f'<line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>')
        parts.append(
            f'<text class="tick" x="{left - 4}" y="{round(y + 3.5, 1)}" text-anchor="end">{html.escape(text)}</text>'
        )
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
