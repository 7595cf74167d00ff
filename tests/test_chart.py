"""The terminal chart and the SVG chart as pure functions, and `sytrack show` as a user sees it."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from conftest import AS_OF, display_width
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sytrack.catalogue import parse_catalogue
from sytrack.chart import LEGEND, ChartData, axis_labels, nice_ticks, svg_chart, text_chart, tick_pixels
from sytrack.progress import expected_path

D = dt.date
SVG_NS = "http://www.w3.org/2000/svg"

# ---------------------------------------------------------------------------------------------
# 1. The text chart and the SVG chart, pure


def plot_rows(lines: list[str], height: int) -> list[str]:
    """The plot area of a text chart: what follows the axis bar on each of the first `height` lines."""
    assert all("|" in line for line in lines[:height]), lines
    return [line.split("|", 1)[1] for line in lines[:height]]


def marks(lines: list[str], mark: str, height: int = 12) -> list[tuple[int, int]]:
    """(row, column) of every `mark` in the plot area; row 0 is the top."""
    return [(r, c) for r, row in enumerate(plot_rows(lines, height)) for c, char in enumerate(row) if char == mark]


RISING = ChartData(
    observed=((D(2024, 4, 1), 5.0), (D(2024, 7, 1), 90.0)),
    path=(((D(2024, 1, 1), 0.0), (D(2024, 12, 31), 100.0)),),
    targets=((D(2024, 12, 31), 100.0),),
    forecast=(),
    baseline=(D(2024, 1, 1), 0.0),
)


def test_text_chart_is_a_grid_of_plot_rows_an_axis_and_the_dates():
    lines = text_chart(RISING)
    assert len(lines) == 12 + 2
    assert all(len(row) == 64 for row in plot_rows(lines, 12))
    assert lines[12].split("+", 1)[1] == "-" * 64
    assert lines[13].split() == ["2024-01-01", "2024-12-31"]
    assert not any("\x1b" in line for line in lines), "no colour codes: the text chart is plain"


def test_observations_are_drawn_above_or_below_the_expected_path_as_they_are():
    lines = text_chart(RISING)
    observed = sorted(marks(lines, "o"), key=lambda rc: rc[1])
    assert len(observed) == 2
    (low_row, low_col), (high_row, high_col) = observed
    path_rows_at = lambda col: [r for r, c in marks(lines, ".") if c == col]  # noqa: E731
    assert path_rows_at(high_col) and all(high_row < r for r in path_rows_at(high_col)), "90 on 1 July is above the path"
    assert path_rows_at(low_col) and all(low_row > r for r in path_rows_at(low_col)), "5 on 1 April is below the path"


def test_baseline_bottom_left_target_right_and_highest():
    lines = text_chart(RISING)
    assert marks(lines, "B") == [(11, 0)]
    [(target_row, target_col)] = marks(lines, "T")
    assert target_col == 63
    drawn = [rc for mark in "o.B~" for rc in marks(lines, mark)]
    assert all(target_row <= row for row, _ in drawn), "the target is the highest value drawn"


def test_forecast_runs_from_the_latest_value_to_the_deadline():
    data = ChartData(
        observed=((D(2024, 4, 1), 10.0), (D(2024, 7, 1), 60.0)),
        path=(((D(2024, 1, 1), 0.0), (D(2024, 12, 31), 100.0)),),
        targets=((D(2024, 12, 31), 100.0),),
        forecast=((D(2024, 7, 1), 60.0), (D(2024, 12, 31), 120.0)),
        baseline=(D(2024, 1, 1), 0.0),
    )
    lines = text_chart(data)
    forecast = marks(lines, "~")
    latest_col = max(c for _, c in marks(lines, "o"))
    [(target_row, target_col)] = marks(lines, "T")
    assert forecast and all(latest_col < c <= target_col for _, c in forecast)
    at_deadline = [r for r, c in forecast if c == target_col - 1]
    assert at_deadline and all(r < target_row for r in at_deadline), "a forecast of 120 ends above a target of 100"
    without = text_chart(ChartData(data.observed, data.path, data.targets, (), data.baseline))
    assert not marks(without, "~")


def test_expected_path_through_two_targets_is_a_staircase_through_the_interim_target(catalogue_text: str):
    catalogue, problems = parse_catalogue(catalogue_text, "indicators.toml")
    assert catalogue is not None, problems
    indicator = catalogue.find("cnc-rate")
    segments = expected_path(indicator, catalogue.plan)
    assert segments == [[(D(2023, 12, 31), 62.9), (D(2024, 12, 31), 65.0)],
                        [(D(2024, 12, 31), 65.0), (D(2025, 12, 31), 70.0)]]

    # Drawn with a steep second step, the path cannot pass near the interim target by chance:
    # a straight line from the start to the last target would be at 50 in the middle, not at 10.
    steps = ChartData(
        observed=(),
        path=(((D(2023, 12, 31), 0.0), (D(2024, 12, 31), 10.0)), ((D(2024, 12, 31), 10.0), (D(2025, 12, 31), 100.0))),
        targets=((D(2024, 12, 31), 10.0), (D(2025, 12, 31), 100.0)),
        forecast=(),
        baseline=(D(2023, 12, 31), 0.0),
    )
    lines = text_chart(steps)
    interim_row, interim_col = min(marks(lines, "T"), key=lambda rc: rc[1])
    near = [(r, c) for r, c in marks(lines, ".") if abs(c - interim_col) <= 2]
    assert near and all(abs(r - interim_row) <= 1 for r, _ in near), (interim_row, near, lines)
    left = [r for r, c in marks(lines, ".") if c < interim_col]
    right = [r for r, c in marks(lines, ".") if c > interim_col]
    assert max(right) - min(right) > 3 * (max(left) - min(left) + 1), "the second step is the steep one"


def test_lines_fit_80_columns_with_chinese_axis_labels():
    # 万 and 亿 in the axis labels take two columns each: the bar must still line up.
    for low, high in ((30000.0, 42700.0), (-1.5e9, 8.2e10), (0.5, 99.5)):
        data = ChartData(
            observed=((D(2024, 3, 31), low), (D(2024, 6, 30), high)),
            path=(((D(2023, 12, 31), low), (D(2024, 12, 31), high)),),
            targets=((D(2024, 12, 31), high),), forecast=(), baseline=(D(2023, 12, 31), low),
        )
        for width in (60, 64):
            lines = text_chart(data, width=width)
            assert max(display_width(line) for line in lines) <= 80, lines
            bars = {display_width(line.split("|", 1)[0]) for line in lines[:12]}
            assert len(bars) == 1, f"the axis bar is at one column: {lines}"
            assert display_width(lines[12].split("+", 1)[0]) in bars


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))
values = st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False)
points = st.tuples(dates, values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    observed=st.lists(points, max_size=6),
    path=st.lists(st.tuples(points, points), max_size=3),
    targets=st.lists(points, max_size=3),
    forecast=st.one_of(st.just(()), st.tuples(points, points)),
    baseline=st.one_of(st.none(), points),
)
def test_any_chart_fits_80_columns_and_shows_every_observation(observed, path, targets, forecast, baseline):
    data = ChartData(tuple(sorted(observed)), tuple(path), tuple(targets), tuple(forecast), baseline)
    lines = text_chart(data)
    if not data.all_points():
        assert len(lines) == 1
        return
    assert max(display_width(line) for line in lines) <= 80, lines
    assert all(len(row) == 64 for row in plot_rows(lines, 12))
    assert not any(char < " " for line in lines for char in line)
    if observed:
        assert marks(lines, "o")


def test_an_empty_chart_is_one_line_saying_so():
    lines = text_chart(ChartData((), (), (), ()))
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "nothing to draw" in lines[0]


def test_svg_chart_is_well_formed_with_no_reference_out_and_an_escaped_label():
    label = "<script>alert(1)</script> & 名称"
    svg = svg_chart(RISING, label=label)
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert "<script" not in svg.lower() and "javascript:" not in svg.lower()
    assert root.find(f"{{{SVG_NS}}}title").text == label
    for element in root.iter():
        assert element.tag.split("}")[-1] not in {"script", "foreignObject", "image", "a", "use", "style"}
        for name, value in element.attrib.items():
            assert "href" not in name.lower() and "src" not in name.lower(), (element.tag, name)
            assert "url(" not in value
    classes = Counter(element.get("class") for element in root.iter())
    assert classes["point"] == len(RISING.observed)
    assert classes["target"] == len(RISING.targets)
    assert classes["path"] == len(RISING.path)
    assert classes["baseline"] == 1


def test_svg_of_nothing_is_well_formed_too():
    svg = svg_chart(ChartData((), (), (), ()), label='a "b" <c>')
    root = ET.fromstring(svg)
    assert root.find(f"{{{SVG_NS}}}title").text == 'a "b" <c>'


# ---------------------------------------------------------------------------------------------
# 2. sytrack show


def show(run, indicator_id: str, *options: str):
    return run(["show", indicator_id, *options])


def chart_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"^\s*\S*\s\|", line)]


def test_show_prints_fields_status_chart_and_legend(run, recorded: Path):
    result = show(run, "cnc-rate", "--as-of", AS_OF)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "Numerical-control rate"
    fields = {line.split(None, 1)[0]: line for line in lines[1:] if line.strip()}
    assert "cnc-rate" in fields["id"] and "关键工序数控化率 / Numerical-control rate" in fields["name"]
    assert any("target 1" in line and "≥ 65% by 2024-12-31" in line for line in lines)
    assert any("target 2" in line and "≥ 70% by 2025-12-31" in line for line in lines)
    assert any("baseline" in line and "62.9% on 2023-12-31" in line for line in lines)

    status = {row["id"]: row for row in json.loads(run(["status", "--format", "json", "--as-of", AS_OF]).stdout)}
    [standing] = [line for line in lines if line.startswith("as of ")]
    assert standing.startswith(f"as of {AS_OF}: ") and status["cnc-rate"]["status"] in standing
    assert status["cnc-rate"]["reason"] in standing

    chart = chart_lines(result.stdout)
    assert len(chart) == 10
    axis = lines.index(chart[-1]) + 1
    assert lines[axis].strip() == "+" + "-" * 60
    assert lines[axis + 1].split() == ["2023-12-31", "2025-12-31"]
    plot = "".join(line.split("|", 1)[1] for line in chart)
    assert {"o", ".", "T", "~", "B"} <= set(plot)
    assert plot.count("T") == 2
    assert lines[-1] == LEGEND
    assert "\x1b" not in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("indicator_id", ["5g-base-stations", "cnc-rate", "design-institute"])
def test_show_fits_80_columns(run, recorded: Path, indicator_id: str):
    result = show(run, indicator_id, "--as-of", AS_OF)
    assert result.code == 0, result.stderr
    # Off a terminal the fields table is as wide as its widest cell and pads every row to it: the
    # "defined at" path (a temporary folder here) can be long, so rows are measured without padding.
    lines = [line.rstrip() for line in result.stdout.splitlines() if "defined at" not in line]
    assert max(display_width(line) for line in lines) <= 80, result.stdout
    bars = {display_width(line.split("|", 1)[0]) for line in chart_lines(result.stdout)}
    assert len(bars) <= 1, result.stdout


def test_show_as_of_changes_what_is_drawn(run, recorded: Path):
    before = show(run, "cnc-rate", "--as-of", AS_OF)
    after = show(run, "cnc-rate", "--as-of", "2024-10-31")
    assert before.code == after.code == 0
    count = lambda result: "".join(l.split("|", 1)[1] for l in chart_lines(result.stdout)).count("o")  # noqa: E731,E741
    assert count(before) == 1, "the record of 2024-09-30 is not drawn as of 2024-06-30"
    assert count(after) == 2
    assert "as of 2024-10-31: " in after.stdout and "as of 2024-10-31: " not in before.stdout


def test_show_format_json_is_still_the_one_row(run, recorded: Path):
    result = run(["show", "cnc-rate", "--format", "json", "--as-of", AS_OF])
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1 and rows[0]["id"] == "cnc-rate"
    assert [t["deadline"] for t in rows[0]["targets"]] == ["2024-12-31", "2025-12-31"]




# ---------------------------------------------------------------------------------------------
# Axis ticks: round values, labelled in the report's language, with room to be read


def is_round_step(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 5, 10))


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e12, 1e12, allow_nan=False), st.floats(1e-3, 1e12, allow_nan=False))
def test_ticks_are_round_values_that_cover_the_range(low, span):
    assume(span >= abs(low) * 1e-6)  # below that, a difference of two ticks is float noise, not a step
    high = low + span
    ticks = nice_ticks(low, high)
    assert 2 <= len(ticks) <= 6
    assert ticks[0] <= low + span * 1e-9 and ticks[-1] >= high - span * 1e-9
    steps = [b - a for a, b in zip(ticks, ticks[1:])]
    step = steps[0]
    assert all(math.isclose(s, step, rel_tol=1e-6) for s in steps) and is_round_step(step), ticks
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks), "each tick a multiple of the step"


@pytest.mark.parametrize(("low", "high", "en", "zh"), [
    (30000, 42700, ["30,000", "35,000", "40,000", "45,000"], ["3.0万", "3.5万", "4.0万", "4.5万"]),
    (8500, 10400, ["8,500", "9,000", "9,500", "10,000", "10,500"], ["8,500", "9,000", "9,500", "10,000", "10,500"]),
    (62.9, 70, ["62", "64", "66", "68", "70"], ["62", "64", "66", "68", "70"]),
    (1.2e8, 1.25e8, ["120M", "121M", "122M", "123M", "124M", "125M"], ["1.20亿", "1.21亿", "1.22亿", "1.23亿", "1.24亿", "1.25亿"]),
    (0, 0.9, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"], ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
])
def test_axis_labels_speak_the_reports_language(low, high, en, zh):
    ticks = nice_ticks(low, high)
    assert axis_labels(ticks, "en") == en
    assert axis_labels(ticks, "zh") == zh


def svg_ticks(svg: str) -> tuple[float, list[tuple[float, float, str]]]:
    """The value axis's x and each tick label's (x, y, text) in an SVG chart."""
    root = ET.fromstring(svg)
    lines = [e for e in root.iter(f"{{{SVG_NS}}}line") if e.get("class") == "axis"]
    axis_x = min(float(e.get("x1")) for e in lines)
    labels = [(float(e.get("x")), float(e.get("y")), e.text) for e in root.iter(f"{{{SVG_NS}}}text")
              if e.get("class") == "tick" and e.get("text-anchor") == "end" and not re.match(r"\d{4}-", e.text)]
    return axis_x, labels


@settings(max_examples=80, deadline=None)
@given(observed=st.lists(points, min_size=1, max_size=5), lang=st.sampled_from(["en", "zh"]))
def test_svg_tick_labels_have_room_left_of_the_axis_and_never_overlap(observed, lang):
    data = ChartData(tuple(sorted(observed)), (), (), ())
    axis_x, labels = svg_ticks(svg_chart(data, lang=lang))
    assert 2 <= len(labels) <= 6
    for x, _, text in labels:
        assert x < axis_x and x - tick_pixels(text) >= 0, (text, x, axis_x)  # right-aligned before the axis, inside
    ys = sorted(y for _, y, _ in labels)
    assert all(b - a >= 12 for a, b in zip(ys, ys[1:])), "labels are at least a line of 10px text apart"
    if lang == "en":
        assert not any(re.search("[万亿]", text) for _, _, text in labels)
