"""Pictures for people: the text chart and the SVG chart, `sytrack show`, the self-contained HTML report
(parsed with html.parser, and rendered by headless Chromium when there is one), and Excel out and in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import struct
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sytrack.catalogue import parse_catalogue
from sytrack.chart import LEGEND, ChartData, svg_chart, text_chart
from sytrack.progress import expected_path
from sytrack.formula_guard import guard_formula
from sytrack.values import format_plain
from sytrack.views.catalogue import LIST_COLUMNS
from sytrack.views.records import OBSERVATION_COLUMNS
from sytrack.views.status import STATUS_COLUMNS
from sytrack.xlsx import STATUS_FILLS

D = dt.date
AS_OF = "2024-06-30"  # half of 2024 has elapsed; the cnc-rate record of 2024-09-30 lies after it
RECORDS = (
    ["record", "5g-base-stations", "33000", "--date", "2024-03-31", "--by", "tester"],
    ["record", "5g-base-stations", "36000", "--date", "2024-06-30", "--by", "tester"],
    ["record", "cnc-rate", "63", "--date", "2024-03-31", "--by", "tester"],
    ["record", "cnc-rate", "64", "--date", "2024-09-30", "--by", "tester", "--note", "=1+1"],
)
STORE_FILES = ("indicators.db", "indicators.db-wal")  # the store and its write-ahead log
MARKUP = '<b>&"x"</b>'  # user text that must come out as text, never as an element
SVG_NS = "http://www.w3.org/2000/svg"


def display_width(text: str) -> int:
    """Columns a terminal gives the text: wide and full-width characters (Chinese) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@pytest.fixture(scope="module")
def recorded_template(tmp_path_factory) -> Path:
    """Where the first test to need the records leaves a copy of its store, for the later ones."""
    return tmp_path_factory.mktemp("pictures-template")


@pytest.fixture
def recorded(run, catalogue_file: Path, tmp_path: Path, recorded_template: Path) -> Path:
    """The small catalogue with RECORDS stored next to it (recorded once, then copied); returns the folder."""
    if not (recorded_template / "indicators.db").exists():
        for args in RECORDS:
            result = run(args)
            assert result.code == 0, result.stderr
        for name in STORE_FILES:
            if (tmp_path / name).exists():
                shutil.copyfile(tmp_path / name, recorded_template / name)
    else:
        for name in STORE_FILES:
            if (recorded_template / name).exists():
                shutil.copyfile(recorded_template / name, tmp_path / name)
    return tmp_path


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
# 3. The HTML report


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def find_all(self, tag: str, css: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and (css is None or css in n.classes())]


class TreeBuilder(HTMLParser):
    """A small DOM from the standard library's parser: enough to count and read elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def report(run, tmp_path: Path, *options: str) -> tuple[str, Node]:
    result = run(["report", "--html", "out.html", *options])
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    text = (tmp_path / "out.html").read_text(encoding="utf-8")
    return text, parse_html(text)


def summary_counts(ul: Node) -> tuple[dict[str, int], str | None]:
    """{status: count} and the share line's percentage from a <ul class="summary">."""
    counts, share = {}, None
    for li in ul.find_all("li"):
        text = " ".join(li.text().split())
        if badge := li.find_all("span", "status"):
            symbol_and_word = " ".join(badge[0].text().split())
            status = symbol_and_word.split(" ", 1)[1]
            counts[status] = int(text[len(symbol_and_word):].strip())
        else:
            share = re.search(r"(\d+%)", text).group(1)
    return counts, share


def expected_summary(rows: list[dict]) -> tuple[dict[str, int], str | None]:
    counts = Counter(row["status"] for row in rows)
    judged = len(rows) - counts["no-data"] - counts["pending"]
    share = None if not judged else f"{(counts['achieved'] + counts['on-track']) / judged:.0%}"
    return {s: n for s, n in counts.items() if n}, share


def test_report_has_one_chart_per_indicator_and_points_where_there_is_history(run, recorded: Path):
    _, page = report(run, recorded, "--as-of", AS_OF)
    cards = {section.attrs["id"]: section for section in page.find_all("section", "card")}
    assert list(cards) == ["5g-base-stations", "cnc-rate", "design-institute"]
    assert len(page.find_all("svg")) == len(cards)
    for section in cards.values():
        assert len(section.find_all("svg")) == 1
    points = {i: len(section.find_all("circle", "point")) for i, section in cards.items()}
    assert points == {"5g-base-stations": 2, "cnc-rate": 1, "design-institute": 0}, "records after --as-of are not drawn"
    assert cards["5g-base-stations"].find_all("polyline", "observed")
    assert len(cards["cnc-rate"].find_all("polyline", "path")) == 2
    assert len(cards["cnc-rate"].find_all("rect", "target")) == 2


def test_report_summary_counts_match_status(run, recorded: Path):
    rows = json.loads(run(["status", "--format", "json", "--as-of", AS_OF]).stdout)
    _, page = report(run, recorded, "--as-of", AS_OF)
    summaries = page.find_all("ul", "summary")
    assert summary_counts(summaries[0]) == expected_summary(rows)
    assert summary_counts(summaries[0])[0] == {"on-track": 1, "off-track": 1, "pending": 1}
    # Then one summary per group, after the group's heading, counting that group's rows.
    group_ids = [h2.attrs["id"].removeprefix("group-") for h2 in page.find_all("h2") if h2.attrs.get("id")]
    assert group_ids == ["digital", "parks"]
    for group_id, ul in zip(group_ids, summaries[1:], strict=True):
        assert summary_counts(ul) == expected_summary([r for r in rows if r["group"] == group_id]), group_id


def test_report_needs_no_network_and_runs_no_script(run, recorded: Path):
    text, page = report(run, recorded, "--as-of", AS_OF)
    tags = Counter(node.tag for node in page.iter())
    for tag in ("script", "link", "iframe", "object", "embed", "img", "base", "frame"):
        assert tags[tag] == 0, tag
    for node in page.iter():
        for name, value in node.attrs.items():
            if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster", "background"):
                assert "://" not in (value or "") and not (value or "").startswith("//"), (node.tag, name, value)
            assert not name.startswith("on"), f"event handler {name} on <{node.tag}>"
    styles = [node.text() for node in page.find_all("style")]
    styles += [node.attrs["style"] or "" for node in page.iter() if "style" in node.attrs]
    assert styles
    for css in styles:
        assert "@import" not in css and "url(" not in css and "@font-face" not in css
    # The only URL in the page is the SVG namespace, which is a name, not a fetch.
    assert set(re.findall(r"""https?://[^\s"'<>)]+""", text)) <= {SVG_NS}
    assert "<script" not in text.lower()


def test_report_escapes_user_text(run, catalogue_text: str, tmp_path: Path):
    hostile = catalogue_text
    for before in ('title_en = "Test plan"', 'name_en = "5G base stations"', 'name_en = "Digital"'):
        assert before in hostile
        hostile = hostile.replace(before, before.split("=")[0] + f"= '{MARKUP}'")
    (tmp_path / "indicators.toml").write_text(hostile, encoding="utf-8")
    assert run(["check"]).code == 0
    assert run(["record", "5g-base-stations", "36000", "--date", AS_OF, "--by", "tester"]).code == 0
    text, page = report(run, tmp_path, "--as-of", AS_OF, "--lang", "en")
    assert not page.find_all("b"), "user text became an element"
    assert "<b>" not in text
    assert page.find_all("h1")[0].text() == MARKUP
    assert page.find_all("title")[0].text() == MARKUP
    assert any(h2.text() == MARKUP for h2 in page.find_all("h2"))
    card = [s for s in page.find_all("section", "card") if s.attrs["id"] == "5g-base-stations"][0]
    assert card.find_all("h3")[0].text().startswith(MARKUP + " ")
    assert card.find_all("svg")[0].find_all("title")[0].text() == MARKUP


def test_report_language_changes_the_headings(run, recorded: Path):
    _, english = report(run, recorded, "--as-of", AS_OF, "--lang", "en")
    _, chinese = report(run, recorded, "--as-of", AS_OF, "--lang", "zh")
    headings = lambda page: [node.text() for node in page.iter() if node.tag in ("h1", "h2")]  # noqa: E731
    assert headings(english) == ["Test plan", "Summary", "Digital", "Parks"]
    assert headings(chinese) == ["测试计划", "总体情况", "数字赋能", "园区"]
    assert english.find_all("html")[0].attrs["lang"] == "en"
    assert chinese.find_all("html")[0].attrs["lang"].startswith("zh")
    assert "符合进度" in chinese.find_all("ul", "summary")[0].text()


def test_report_prints_to_a4_and_fits_a_phone(run, recorded: Path):
    _, page = report(run, recorded, "--as-of", AS_OF)
    css = "".join(node.text() for node in page.find_all("style"))
    assert "@media print" in css
    assert "@page" in css.split("@media print", 1)[1]
    assert "A4" in css.split("@page", 1)[1].split("}", 1)[0]
    metas = {node.attrs.get("name"): node.attrs.get("content") for node in page.find_all("meta")}
    assert "width=device-width" in (metas.get("viewport") or "")
    assert any((node.attrs.get("charset") or "").lower() == "utf-8" for node in page.find_all("meta"))


def test_report_is_written_atomically(run, recorded: Path):
    (recorded / "out.html").write_text("old", encoding="utf-8")
    report(run, recorded, "--as-of", AS_OF)
    assert (recorded / "out.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    leftovers = [p.name for p in recorded.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".out.html")]
    assert leftovers == []


def test_report_to_a_folder_that_does_not_exist_is_one_line_exit_1(run, recorded: Path):
    result = run(["report", "--html", "no-such-folder/out.html", "--as-of", AS_OF])
    assert result.code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("sytrack: error: ") and "no-such-folder" in line
    assert not (recorded / "no-such-folder").exists()


# ---------------------------------------------------------------------------------------------
# 4. The report in a real browser


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_rows(data: bytes, max_rows: int) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the first `max_rows` unfiltered rows of an 8-bit RGB(A) PNG."""
    position, idat, header = 8, [], None
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    assert header is not None, "no IHDR chunk"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    assert len(raw) == height * (stride + 1)
    previous, rows = bytearray(stride), []
    for y in range(min(height, max_rows)):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + previous[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                a, b = (line[i - bpp] if i >= bpp else 0), previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def test_report_renders_in_headless_chromium(run, recorded: Path, tmp_path: Path):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary: none of chromium, chromium-browser, google-chrome is on PATH")
    report(run, recorded, "--as-of", AS_OF)
    png = tmp_path / "shot.png"
    subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=800,1200", f"--screenshot={png}",
         (recorded / "out.html").as_uri()],
        env={**os.environ, "HOME": str(tmp_path / "home")}, capture_output=True, timeout=90, check=False,
    )
    assert png.is_file(), "Chromium wrote no screenshot"
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 20_000, "a blank 800x1200 page compresses to a few kilobytes"
    width, height, bpp, rows = png_rows(data, max_rows=600)
    assert (width, height) == (800, 1200)
    colours = {row[i:i + 3] for row in rows for i in range(0, len(row), bpp)}
    assert len(colours) > 16, "text and charts draw in many shades; a blank page has one"
    # The inline CSS is applied: the summary's on-track badge is drawn in its colour (#2da44e).
    assert any(max(abs(p - q) for p, q in zip(colour, (0x2D, 0xA4, 0x4E))) <= 3 for colour in colours)


# ---------------------------------------------------------------------------------------------
# 5. Excel out


def as_csv_text(cell, key: str, kind: str) -> str:
    """What the CSV writes for the value in this cell, asserting how xlsx.py stores each kind:
    percent columns as fractions with a % format, other numbers as numbers with a grouping format,
    dates as dates, booleans as booleans, and everything else as text (never a formula)."""
    value = cell.value
    if value is None:
        return ""
    if kind == "number":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        if key.endswith("_pct"):
            assert cell.number_format == "0.0%", key
            return format_plain(round(value * 100, 8))
        assert cell.number_format == ("#,##0" if float(value).is_integer() else "#,##0.00##"), (key, cell.number_format)
        return format_plain(float(value))
    if kind == "bool":
        assert isinstance(value, bool), (key, value)
        return "true" if value else "false"
    if kind == "date" and not isinstance(value, str):
        assert isinstance(value, dt.datetime) and value.time() == dt.time(), (key, value)
        assert cell.number_format == "yyyy-mm-dd", key
        return value.date().isoformat()
    assert isinstance(value, str) and cell.data_type == "s", (key, value, cell.data_type)
    return guard_formula(value) if kind == "text" else value


def assert_workbook_matches_csv(path: Path, csv_text: str, columns, sheet: str):
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [sheet]
    worksheet = workbook[sheet]
    assert worksheet.freeze_panes == "A2"
    expected = list(csv.reader(io.StringIO(csv_text, newline="")))
    rows = list(worksheet.iter_rows())
    assert len(rows) == len(expected) > 1
    header = [cell.value for cell in rows[0]]
    assert header == expected[0]
    assert all(cell.font.bold for cell in rows[0])
    kinds = {column.key: column.kind for column in columns}
    for number, (cells, wanted) in enumerate(zip(rows[1:], expected[1:]), start=2):
        got = [as_csv_text(cell, key, kinds[key]) for key, cell in zip(header, cells)]
        assert got == wanted, f"row {number}"
    return worksheet


REPORT_COMMANDS = {
    "status": (["status", "--as-of", AS_OF], STATUS_COLUMNS),
    "list": (["list"], LIST_COLUMNS),
    "log": (["log"], OBSERVATION_COLUMNS),
}


@pytest.mark.parametrize("name", REPORT_COMMANDS)
def test_xlsx_has_the_same_cells_as_csv(run, recorded: Path, name: str):
    args, columns = REPORT_COMMANDS[name]
    as_csv = run([*args, "--format", "csv"])
    written = run([*args, "--format", "xlsx", "-o", f"{name}.xlsx"])
    assert as_csv.code == written.code == 0, written.stderr
    assert written.stdout == ""
    assert_workbook_matches_csv(recorded / f"{name}.xlsx", as_csv.stdout, columns, sheet=name)


def test_xlsx_status_cells_are_coloured(run, recorded: Path):
    assert run(["status", "--as-of", AS_OF, "--format", "xlsx", "-o", "s.xlsx"]).code == 0
    import openpyxl

    worksheet = openpyxl.load_workbook(recorded / "s.xlsx")["status"]
    rows = list(worksheet.iter_rows())
    column = [cell.value for cell in rows[0]].index("status")
    seen = {}
    for row in rows[1:]:
        cell = row[column]
        assert cell.fill.fill_type == "solid", cell.value
        seen[cell.value] = cell.fill.fgColor.rgb[-6:].upper()
        assert seen[cell.value] == STATUS_FILLS[cell.value]
        assert all(other.fill.fill_type is None for other in row if other is not cell)
    assert set(seen) == {"on-track", "off-track", "pending"}
    assert len(set(seen.values())) == len(seen), "each status has its own colour"


def test_xlsx_text_starting_with_equals_is_text_not_a_formula(run, recorded: Path):
    assert run(["log", "--format", "xlsx", "-o", "log.xlsx"]).code == 0
    import openpyxl

    worksheet = openpyxl.load_workbook(recorded / "log.xlsx")["log"]
    notes = [row[3] for row in worksheet.iter_rows(min_row=2)]
    [formula_like] = [cell for cell in notes if cell.value == "=1+1"]
    assert formula_like.data_type == "s"
    with zipfile.ZipFile(recorded / "log.xlsx") as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(re.search(rb"<f[ >]", archive.read(name)) for name in sheets)


@pytest.mark.parametrize("args", [["status"], ["list"], ["log"], ["show", "cnc-rate"]])
def test_xlsx_without_output_file_is_a_usage_error(run, recorded: Path, args: list[str]):
    result = run([*args, "--format", "xlsx"])
    assert result.code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("sytrack: error: ") and "-o" in line


# ---------------------------------------------------------------------------------------------
# 5. Excel in


def workbook(path: Path, sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, cell), number_format in (formats or {}).items():
        book[title][cell].number_format = number_format
    book.save(path)
    return path


HEADER = ["indicator", "value", "date", "note"]
GOOD_SHEETS = {
    "Digital": [
        HEADER,
        ["5g-base-stations", 33000, dt.date(2024, 3, 31), "typed as numbers and dates"],
        ["cnc-rate", 63.5, dt.datetime(2024, 6, 30), None],
        [],
        ["5g-base-stations", "3.6万", "2024-06-30", "typed as text"],
    ],
    "Parks": [["indicator", "value", "date"], ["design-institute", "done", dt.date(2024, 9, 30)]],
}
GOOD_EXPORT = [
    "5g-base-stations,33000,2024-03-31,typed as numbers and dates",
    "cnc-rate,63.5,2024-06-30,",
    "5g-base-stations,36000,2024-06-30,typed as text",
    "design-institute,1,2024-09-30,",
]


def data_files(folder: Path) -> dict[str, bytes]:
    """The store's bytes: the database and its write-ahead log (the shared-memory index is not data)."""
    return {p.name: p.read_bytes() for p in folder.glob("indicators.db*") if not p.name.endswith("-shm")}


def exported_rows(run) -> list[str]:
    result = run(["export", "--format", "csv"])
    assert result.code == 0, result.stderr
    return [",".join(row[:4]) for row in csv.reader(io.StringIO(result.stdout, newline=""))][1:]


def test_import_of_a_good_workbook_takes_every_row_of_every_sheet(run, catalogue_file: Path, tmp_path: Path):
    workbook(tmp_path / "book.xlsx", GOOD_SHEETS)
    result = run(["import", "book.xlsx", "--by", "tester"])
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("imported 4 records from book.xlsx")
    assert exported_rows(run) == GOOD_EXPORT


@pytest.mark.parametrize("data_before", [False, True], ids=["no-data-file", "data-file"])
def test_import_with_one_bad_row_writes_nothing_and_names_sheet_and_row(run, catalogue_file: Path, tmp_path: Path,
                                                                         data_before: bool):
    if data_before:
        assert run(["record", "cnc-rate", "63", "--date", "2024-03-31", "--by", "tester"]).code == 0
    before = data_files(tmp_path)
    assert bool(before) == data_before
    bad = {**GOOD_SHEETS, "Parks": [*GOOD_SHEETS["Parks"], ["design-institute", "done", dt.date(2024, 10, 31)],
                                     ["no-such-indicator", 1, dt.date(2024, 9, 30)]]}
    workbook(tmp_path / "book.xlsx", bad)
    result = run(["import", "book.xlsx", "--by", "tester"])
    assert result.code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()  # one bad row: one line, naming the sheet and the row
    assert line.startswith("sytrack: error: book.xlsx[Parks]:4: ") and "no-such-indicator" in line
    assert line.endswith("nothing was written")
    assert data_files(tmp_path) == before


def test_import_reports_every_bad_row_of_every_sheet(run, catalogue_file: Path, tmp_path: Path):
    bad = {
        "Digital": [HEADER, ["cnc-rate", "lots", dt.date(2024, 3, 31)], ["5g-base-stations", 1, dt.date(2024, 3, 31)]],
        "Parks": [["indicator", "value", "date"], [], ["design-institute", "done", dt.date(2099, 12, 31)]],  # a date in the future
    }
    workbook(tmp_path / "book.xlsx", bad)
    result = run(["import", "book.xlsx", "--by", "tester"])
    assert result.code == 1
    places = [line.split(" ", 1)[0] for line in result.stderr.splitlines()[:-1]]
    assert places == ["book.xlsx[Digital]:2:", "book.xlsx[Parks]:3:"]
    assert data_files(tmp_path) == {}


def test_import_reads_a_percentage_typed_in_excel_as_percent(run, catalogue_file: Path, tmp_path: Path):
    # In Excel, typing 63.5% into a cell stores 0.635 shown with a % format, the very way
    # `status --format xlsx` writes its percent columns. It is 63.5 percent, not 0.635 percent.
    sheets = {"Digital": [["indicator", "value", "date"], ["cnc-rate", 0.635, dt.date(2024, 6, 30)]]}
    workbook(tmp_path / "book.xlsx", sheets, formats={("Digital", "B2"): "0.0%"})
    result = run(["import", "book.xlsx", "--by", "tester"])
    assert result.code == 0, result.stderr
    assert exported_rows(run) == ["cnc-rate,63.5,2024-06-30,"]


@pytest.mark.parametrize("content", ["zip-without-workbook", "zip-magic-then-garbage"])
def test_import_of_a_zip_that_is_not_a_workbook_is_one_line(run, catalogue_file: Path, tmp_path: Path, content: str):
    path = tmp_path / "book.xlsx"
    if content == "zip-without-workbook":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    result = run(["import", "book.xlsx", "--by", "tester"])
    assert result.code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sytrack: error: ") and "book.xlsx" in lines[0]
    assert data_files(tmp_path) == {}


@pytest.mark.parametrize("name", ["all.xlsx", "ALL.XLSX"])
def test_export_to_a_file_named_xlsx_writes_a_workbook_not_csv(run, recorded: Path, name: str):
    """Without --format, the file's name says what to write, as for every report."""
    assert run(["export", "-o", name]).code == 0
    assert zipfile.is_zipfile(recorded / name)
    assert run(["export", "-o", "all.tsv"]).code == 0
    assert (recorded / "all.tsv").read_text(encoding="utf-8").splitlines()[0].startswith("indicator\tvalue\tdate")
    assert run(["export", "-o", "all.txt"]).code == 0
    assert (recorded / "all.txt").read_text(encoding="utf-8").startswith("indicator,value,date")


def test_xlsx_export_imports_back_to_the_same_records(run, recorded: Path, tmp_path: Path):
    # An export is itself an import file, in Excel too: text that starts with a quote or "=" survives.
    assert run(["record", "cnc-rate", "63.5", "--date", "2024-06-30", "--by", "tester", "--note", "'tis so"]).code == 0
    assert run(["undo", "--by", "tester"]).code == 0
    original = run(["export", "--format", "csv"]).stdout
    assert run(["export", "--format", "xlsx", "-o", "all.xlsx"]).code == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copyfile(recorded / "indicators.toml", fresh / "indicators.toml")
    result = run(["import", str(recorded / "all.xlsx")], cwd=fresh)
    assert result.code == 0, result.stderr
    assert run(["export", "--format", "csv"], cwd=fresh).stdout == original
