"""Graded targets (确保 X, 力争 Y) from the catalogue through status and explain to the HTML report."""

from __future__ import annotations

import csv
import io

GRADED = """
[[indicator]]
id = "output-growth"
group = "digital"
name_zh = "规上工业增加值增速"
name_en = "Industrial output growth"
unit = "%"
kind = "rate"
direction = "increase"

[[indicator.target]]
comparison = "at-least"
value = 5
stretch = 6
deadline = 2024-12-31
"""


def status_row(run, indicator: str) -> dict:
    result = run(["status", "--as-of", "2024-12-31", "--format", "csv"])
    assert result.code == 0, result.stderr
    return next(row for row in csv.DictReader(io.StringIO(result.stdout)) if row["id"] == indicator)


def test_status_judges_the_commitment_and_says_whether_the_stretch_is_reached(run, tmp_path, catalogue_text):
    (tmp_path / "indicators.toml").write_text(catalogue_text + GRADED, encoding="utf-8")
    assert run(["record", "output-growth", "5.5%", "--date", "2024-12-31"]).code == 0
    row = status_row(run, "output-growth")
    assert (row["status"], row["stretch"], row["stretch_met"]) == ("achieved", "6", "false")
    assert run(["record", "output-growth", "6.2%", "--date", "2024-12-31"]).code == 0
    row = status_row(run, "output-growth")
    assert (row["status"], row["stretch_met"]) == ("achieved", "true")
    explained = run(["explain", "output-growth", "--as-of", "2024-12-31", "--format", "csv"]).stdout
    assert "stretch (力争)" in explained and "reached" in explained
    assert run(["report", "--html", "r.html", "--as-of", "2024-12-31", "--lang", "zh"]).code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "力争目标" in page and "已达到" in page


def test_a_stretch_short_of_the_commitment_is_a_problem_at_its_line(run, tmp_path, catalogue_text):
    (tmp_path / "indicators.toml").write_text(
        catalogue_text + GRADED.replace("stretch = 6", "stretch = 4"), encoding="utf-8"
    )
    result = run(["check"])
    assert result.code == 1
    assert "output-growth" in result.stdout and "stretch" in result.stdout
