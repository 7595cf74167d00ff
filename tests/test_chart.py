"""The terminal chart and the SVG chart as pure functions, and `sytrack show` as a user sees it."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from conftest import AS_OF, display_width, in_a_terminal
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sytrack.catalogue import parse_catalogue
from sytrack.chart import (
    ASCII_GLYPHS,
    BASELINE,
    FORECAST,
    OBSERVED,
    PATH,
    TARGET,
    UNICODE_GLYPHS,
    ChartData,
    Glyphs,
    TextChart,
    axis_labels,
    nice_ticks,
    svg_chart,
    text_chart,
    tick_pixels,
    use_ascii,
)
from sytrack.progress import expected_path

D = dt.date
SVG_NS = "http://www.w3.org/2000/svg"

# ---------------------------------------------------------------------------------------------
# 1. The text chart and the SVG chart, pure


def plot_rows(chart: TextChart, height: int = 12) -> list[str]:
    """The plot area of a text chart: what follows the axis bar on each of the first `height` lines."""
    assert all("|" in line for line in chart.lines[:height]), chart.lines
    return [line.split("|", 1)[1] for line in chart.lines[:height]]


def marks(chart: TextChart, role: str, height: int = 12) -> list[tuple[int, int]]:
    """(row, column) in the plot area of every character drawing `role`; row 0 is the top."""
    found = []
    for row, (line, roles) in enumerate(zip(chart.lines[:height], chart.roles[:height], strict=True)):
        bar = line.index("|")
        found += [(row, column - bar - 1) for column, letter in enumerate(roles) if letter == role and column > bar]
    return found


def glyph_of(role: str, glyphs: Glyphs) -> str:
    return {OBSERVED: glyphs.observed, TARGET: glyphs.target, BASELINE: glyphs.baseline}[role]


RISING = ChartData(
    observed=((D(2024, 4, 1), 5.0), (D(2024, 7, 1), 90.0)),
    path=(((D(2024, 1, 1), 0.0), (D(2024, 12, 31), 100.0)),),
    targets=((D(2024, 12, 31), 100.0),),
    forecast=(),
    baseline=(D(2024, 1, 1), 0.0),
)
BOTH = pytest.mark.parametrize("ascii_only", [True, False], ids=["ascii", "unicode"])


@BOTH
def test_text_chart_is_a_grid_of_plot_rows_an_axis_and_the_dates(ascii_only: bool):
    chart = text_chart(RISING, ascii_only=ascii_only)
    assert len(chart.lines) == len(chart.roles) == 12 + 2
    assert all(len(line) == len(roles) for line, roles in zip(chart.lines, chart.roles, strict=True))
    assert all(display_width(row) == 64 for row in plot_rows(chart))
    assert chart.lines[12].split("+", 1)[1] == "-" * 64
    assert chart.lines[13].split() == ["2024-01-01", "2024-12-31"]
    assert not any("\x1b" in line for line in chart.lines), "no colour codes: the text chart is plain"
    labels = [line.split("|", 1)[0].strip() for line in chart.lines[:12]]
    assert [label for label in labels if label] == ["100", "80", "60", "40", "20", "0"], "round values"


@BOTH
def test_each_role_is_its_own_character_so_the_chart_reads_without_colour(ascii_only: bool):
    data = ChartData(
        RISING.observed, RISING.path, RISING.targets, ((D(2024, 7, 1), 90.0), (D(2024, 12, 31), 130.0)), RISING.baseline
    )
    chart = text_chart(data, ascii_only=ascii_only)
    glyphs = ASCII_GLYPHS if ascii_only else UNICODE_GLYPHS
    drawn: dict[str, set[str]] = {}
    for row, column in ((r, c) for role in (OBSERVED, TARGET, BASELINE, PATH, FORECAST) for r, c in marks(chart, role)):
        line, roles = chart.lines[row], chart.roles[row]
        index = line.index("|") + 1 + column
        drawn.setdefault(roles[index], set()).add(line[index])
    for role in (OBSERVED, TARGET, BASELINE):
        assert drawn[role] == {glyph_of(role, glyphs)}, role
    if ascii_only:
        assert drawn[PATH] == {"."} and drawn[FORECAST] == {"~"}
    else:  # braille lines: the path solid, the forecast one dot in three, so it reads dotted
        assert all(0x2800 < ord(char) <= 0x28FF for char in drawn[PATH] | drawn[FORECAST])

        def dots(role: str) -> int:
            return sum(
                bin(ord(char) - 0x2800).count("1")
                for r, c in marks(chart, role)
                for char in [chart.lines[r][chart.lines[r].index("|") + 1 + c]]
            )

        assert dots(PATH) / len(marks(chart, PATH)) > 1.5 * dots(FORECAST) / len(marks(chart, FORECAST))
    legend = chart.legend.split("   ")
    for role in (OBSERVED, TARGET, BASELINE):
        assert any(item.startswith(glyph_of(role, glyphs) + " ") for item in legend), (role, legend)
    assert legend[0].startswith(glyphs.observed) and display_width(chart.legend) <= 80


@BOTH
def test_observations_are_drawn_above_or_below_the_expected_path_as_they_are(ascii_only: bool):
    chart = text_chart(RISING, ascii_only=ascii_only)
    observed = sorted(marks(chart, OBSERVED), key=lambda rc: rc[1])
    assert len(observed) == 2
    (low_row, low_col), (high_row, high_col) = observed
    path_rows_at = lambda col: [r for r, c in marks(chart, PATH) if abs(c - col) <= 1]  # noqa: E731
    assert path_rows_at(high_col) and all(high_row < r for r in path_rows_at(high_col)), (
        "90 on 1 July is above the path"
    )
    assert path_rows_at(low_col) and all(low_row > r for r in path_rows_at(low_col)), "5 on 1 April is below the path"


@BOTH
def test_baseline_bottom_left_target_right_and_highest(ascii_only: bool):
    chart = text_chart(RISING, ascii_only=ascii_only)
    assert marks(chart, BASELINE) == [(11, 0)]
    [(target_row, target_col)] = marks(chart, TARGET)
    assert target_col == 63
    drawn = [rc for role in (OBSERVED, PATH, BASELINE, FORECAST) for rc in marks(chart, role)]
    assert all(target_row <= row for row, _ in drawn), "the target is the highest value drawn"


@BOTH
def test_forecast_runs_from_the_latest_value_to_the_deadline(ascii_only: bool):
    data = ChartData(
        observed=((D(2024, 4, 1), 10.0), (D(2024, 7, 1), 60.0)),
        path=(((D(2024, 1, 1), 0.0), (D(2024, 12, 31), 100.0)),),
        targets=((D(2024, 12, 31), 100.0),),
        forecast=((D(2024, 7, 1), 60.0), (D(2024, 12, 31), 120.0)),
        baseline=(D(2024, 1, 1), 0.0),
    )
    chart = text_chart(data, ascii_only=ascii_only)
    forecast = marks(chart, FORECAST)
    latest_col = max(c for _, c in marks(chart, OBSERVED))
    [(target_row, target_col)] = marks(chart, TARGET)
    assert forecast and all(latest_col < c <= target_col for _, c in forecast)
    near_deadline = [r for r, c in forecast if c >= target_col - 2]
    assert near_deadline and all(r < target_row for r in near_deadline), "a forecast of 120 ends above a target of 100"
    without = text_chart(ChartData(data.observed, data.path, data.targets, (), data.baseline), ascii_only=ascii_only)
    assert not marks(without, FORECAST)


@BOTH
def test_expected_path_through_two_targets_is_a_staircase_through_the_interim_target(
    catalogue_text: str, ascii_only: bool
):
    catalogue, problems = parse_catalogue(catalogue_text, "indicators.toml")
    assert catalogue is not None, problems
    indicator = catalogue.find("cnc-rate")
    segments = expected_path(indicator, catalogue.plan)
    assert segments == [
        [(D(2023, 12, 31), 62.9), (D(2024, 12, 31), 65.0)],
        [(D(2024, 12, 31), 65.0), (D(2025, 12, 31), 70.0)],
    ]

    # Drawn with a steep second step, the path cannot pass near the interim target by chance:
    # a straight line from the start to the last target would be at 50 in the middle, not at 10.
    steps = ChartData(
        observed=(),
        path=(((D(2023, 12, 31), 0.0), (D(2024, 12, 31), 10.0)), ((D(2024, 12, 31), 10.0), (D(2025, 12, 31), 100.0))),
        targets=((D(2024, 12, 31), 10.0), (D(2025, 12, 31), 100.0)),
        forecast=(),
        baseline=(D(2023, 12, 31), 0.0),
    )
    chart = text_chart(steps, ascii_only=ascii_only)
    interim_row, interim_col = min(marks(chart, TARGET), key=lambda rc: rc[1])
    near = [(r, c) for r, c in marks(chart, PATH) if abs(c - interim_col) <= 2]
    assert near and all(abs(r - interim_row) <= 1 for r, _ in near), (interim_row, near, chart.lines)
    left = [r for r, c in marks(chart, PATH) if c < interim_col]
    right = [r for r, c in marks(chart, PATH) if c > interim_col]
    assert max(right) - min(right) > 3 * (max(left) - min(left) + 1), "the second step is the steep one"


@BOTH
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lines_fit_80_columns_with_chinese_axis_labels(ascii_only: bool, lang: str):
    # 万 and 亿 in the axis labels take two columns each: the bar must still line up.
    for low, high in ((30000.0, 42700.0), (-1.5e9, 8.2e10), (0.5, 99.5)):
        data = ChartData(
            observed=((D(2024, 3, 31), low), (D(2024, 6, 30), high)),
            path=(((D(2023, 12, 31), low), (D(2024, 12, 31), high)),),
            targets=((D(2024, 12, 31), high),),
            forecast=(),
            baseline=(D(2023, 12, 31), low),
        )
        for width in (60, 64):
            chart = text_chart(data, width=width, ascii_only=ascii_only, lang=lang)
            assert max(display_width(line) for line in (*chart.lines, chart.legend)) <= 80, chart.lines
            bars = {display_width(line.split("|", 1)[0]) for line in chart.lines[:12]}
            assert len(bars) == 1, f"the axis bar is at one column: {chart.lines}"
            assert display_width(chart.lines[12].split("+", 1)[0]) in bars
            labels = "".join(line.split("|", 1)[0] for line in chart.lines[:12])
            assert ("万" in labels or "亿" in labels) == (lang == "zh" and high > 1e4)


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
    ascii_only=st.booleans(),
    lang=st.sampled_from(["en", "zh"]),
)
def test_any_chart_fits_80_columns_and_shows_every_observation(
    observed, path, targets, forecast, baseline, ascii_only, lang
):
    data = ChartData(tuple(sorted(observed)), tuple(path), tuple(targets), tuple(forecast), baseline)
    chart = text_chart(data, ascii_only=ascii_only, lang=lang)
    if not data.all_points():
        assert len(chart.lines) == 1
        return
    assert max(display_width(line) for line in chart.lines) <= 80, chart.lines
    assert all(display_width(row) == 64 for row in plot_rows(chart))
    assert not any(char < " " for line in chart.lines for char in line)
    if ascii_only:
        assert all(char.isascii() for line in chart.lines for char in line.split("|", 1)[-1])
    if observed:
        assert marks(chart, OBSERVED)


def test_an_empty_chart_is_one_line_saying_so():
    for lang in ("en", "zh"):
        chart = text_chart(ChartData((), (), (), ()), lang=lang)
        assert len(chart.lines) == 1 and "\n" not in chart.lines[0]
    assert "nothing to draw" in text_chart(ChartData((), (), (), ())).lines[0]


@pytest.mark.parametrize(
    ("asked", "terminal", "encoding", "plain"),
    [
        (True, True, "utf-8", True),  # --ascii
        (False, True, "UTF-8", False),
        (False, True, "utf8", False),
        (False, True, "cp936", True),  # a Chinese Windows console
        (False, True, "ascii", True),  # LANG=C
        (False, True, None, True),
        (False, True, "no-such-codec", True),
        (False, False, "ascii", False),  # a pipe or a file is always UTF-8
    ],
)
def test_ascii_when_asked_or_when_the_terminal_does_not_speak_utf8(asked, terminal, encoding, plain):
    assert use_ascii(asked, terminal, encoding) is plain


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
    # Off a terminal the output is UTF-8: braille lines and symbols, as on a UTF-8 terminal.
    assert {"◉", "✦", "⋄"} <= set(plot) and any(0x2800 < ord(char) <= 0x28FF for char in plot)
    assert plot.count("✦") == 2
    assert lines[-1] == UNICODE_GLYPHS.legend["en"]
    assert "\x1b" not in result.stdout
    assert result.stderr == ""


def test_show_ascii_draws_the_chart_in_ascii(run, recorded: Path):
    result = show(run, "cnc-rate", "--as-of", AS_OF, "--ascii")
    assert result.code == 0, result.stderr
    plot = "".join(line.split("|", 1)[1] for line in chart_lines(result.stdout))
    assert {"o", ".", "T", "~", "B"} <= set(plot) and plot.isascii()
    assert plot.count("T") == 2
    assert result.stdout.splitlines()[-1] == ASCII_GLYPHS.legend["en"]


def test_show_in_chinese_labels_its_chart_in_chinese(run, recorded: Path):
    result = show(run, "5g-base-stations", "--as-of", AS_OF, "--lang", "zh")
    assert result.code == 0, result.stderr
    labels = [line.split("|", 1)[0].strip() for line in chart_lines(result.stdout)]
    assert [label for label in labels if label][-1] == "3.0万" and all("万" in l for l in labels if l)  # noqa: E741
    assert result.stdout.splitlines()[-1] == UNICODE_GLYPHS.legend["zh"]


def test_show_on_an_80_column_terminal_uses_braille_in_utf8_and_ascii_otherwise(recorded: Path):
    drawn = in_a_terminal(["show", "cnc-rate", "--as-of", AS_OF], recorded, encoding="utf-8")
    plot = "".join(line.split("|", 1)[1] for line in chart_lines(drawn))
    assert "◉" in plot and any(0x2800 < ord(char) <= 0x28FF for char in plot)
    # The fields table's "defined at" holds this test's long temporary path; every other line fits.
    assert max(display_width(line.rstrip()) for line in drawn.splitlines() if "defined" not in line) <= 80, drawn
    drawn = in_a_terminal(["show", "cnc-rate", "--as-of", AS_OF], recorded, encoding="gbk")  # a Chinese Windows console
    plot = "".join(line.split("|", 1)[1] for line in chart_lines(drawn))
    assert {"o", ".", "T"} <= set(plot) and plot.isascii()
    assert ASCII_GLYPHS.legend["en"] in drawn


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
    count = lambda result: "".join(l.split("|", 1)[1] for l in chart_lines(result.stdout)).count("◉")  # noqa: E731,E741
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
    assert 2 <= len(ticks) <= 7
    assert ticks[0] <= low + span * 1e-9 and ticks[-1] >= high - span * 1e-9
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    step = steps[0]
    assert all(math.isclose(s, step, rel_tol=1e-6) for s in steps) and is_round_step(step), ticks
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks), "each tick a multiple of the step"


@pytest.mark.parametrize(
    ("low", "high", "en", "zh"),
    [
        (30000, 42700, ["30,000", "35,000", "40,000", "45,000"], ["3.0万", "3.5万", "4.0万", "4.5万"]),
        (8500, 10400, ["8,500", "9,000", "9,500", "10,000", "10,500"], ["8,500", "9,000", "9,500", "10,000", "10,500"]),
        (62.9, 70, ["62", "64", "66", "68", "70"], ["62", "64", "66", "68", "70"]),
        (
            1.2e8,
            1.25e8,
            ["120M", "121M", "122M", "123M", "124M", "125M"],
            ["1.20亿", "1.21亿", "1.22亿", "1.23亿", "1.24亿", "1.25亿"],
        ),
        (0, 0.9, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"], ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
    ],
)
def test_axis_labels_speak_the_reports_language(low, high, en, zh):
    ticks = nice_ticks(low, high)
    assert axis_labels(ticks, "en") == en
    assert axis_labels(ticks, "zh") == zh


def svg_ticks(svg: str) -> tuple[float, list[tuple[float, float, str]]]:
    """The value axis's x and each tick label's (x, y, text) in an SVG chart."""
    root = ET.fromstring(svg)
    lines = [e for e in root.iter(f"{{{SVG_NS}}}line") if e.get("class") == "axis"]
    axis_x = min(float(e.get("x1")) for e in lines)
    labels = [
        (float(e.get("x")), float(e.get("y")), e.text)
        for e in root.iter(f"{{{SVG_NS}}}text")
        if e.get("class") == "tick" and e.get("text-anchor") == "end" and not re.match(r"\d{4}-", e.text)
    ]
    return axis_x, labels


@settings(max_examples=80, deadline=None)
@given(observed=st.lists(points, min_size=1, max_size=5), lang=st.sampled_from(["en", "zh"]))
def test_svg_tick_labels_have_room_left_of_the_axis_and_never_overlap(observed, lang):
    data = ChartData(tuple(sorted(observed)), (), (), ())
    axis_x, labels = svg_ticks(svg_chart(data, lang=lang))
    assert 2 <= len(labels) <= 7
    for x, _, text in labels:
        assert x < axis_x and x - tick_pixels(text) >= 0, (text, x, axis_x)  # right-aligned before the axis, inside
    ys = sorted(y for _, y, _ in labels)
    assert all(b - a >= 12 for a, b in itertools.pairwise(ys)), "labels are at least a line of 10px text apart"
    if lang == "en":
        assert not any(re.search("[万亿]", text) for _, _, text in labels)
