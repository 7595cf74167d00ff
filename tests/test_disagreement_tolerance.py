"""The disagreement tolerance between an own figure and its orgs' roll-up: a setting of the plan and of each indicator."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from sytrack.catalogue.parse import parse_catalogue
from sytrack.districts import tolerance_for

DISTRICTS = Path(__file__).parent / "data" / "districts.toml"
AS_OF = "2024-06-30"


def districts_with(plan_line: str = "", indicator_lines: dict[str, str] | None = None) -> str:
    """The districts catalogue with a line added to [plan] and lines to some [[indicator]]s."""
    text = DISTRICTS.read_text(encoding="utf-8")
    if plan_line:
        text = text.replace('language = "en"\n', f'language = "en"\n{plan_line}\n', 1)
    for indicator, line in (indicator_lines or {}).items():
        text = text.replace(f'id = "{indicator}"\n', f'id = "{indicator}"\n{line}\n', 1)
    return text


# --- the setting, as the catalogue gives it ----------------------------------------------------


def test_the_plan_s_tolerance_is_one_percent_unless_set_and_an_indicator_may_override_it():
    catalogue, problems = parse_catalogue(DISTRICTS.read_text(encoding="utf-8"))
    assert problems == [] and catalogue.plan.disagreement_tolerance == 0.01
    assert {tolerance_for(i, catalogue.plan) for i in catalogue.indicators} == {0.01}
    text = districts_with("disagreement_tolerance = 0.02", {"enterprises": "disagreement_tolerance = 0"})
    catalogue, problems = parse_catalogue(text)
    assert problems == []
    by_id = {i.id: i for i in catalogue.indicators}
    assert catalogue.plan.disagreement_tolerance == 0.02
    assert tolerance_for(by_id["smart-factories"], catalogue.plan) == 0.02  # the plan's
    assert tolerance_for(by_id["enterprises"], catalogue.plan) == 0.0  # its own, 0 kept as 0
    assert by_id["smart-factories"].disagreement_tolerance is None


@pytest.mark.parametrize(
    ("value", "message"),
    (
        ("-0.01", "'disagreement_tolerance' must not be negative, not -0.01"),
        ('"2%"', "'disagreement_tolerance' must be a number such as 0.02 (a fraction: 2%), not '2%'"),
        ("true", "'disagreement_tolerance' must be a number such as 0.02 (a fraction: 2%), not True"),
        ("nan", "'disagreement_tolerance' must be a number such as 0.02 (a fraction: 2%), not nan"),
        ("1", "'disagreement_tolerance' is a fraction of the own figure, below 1 (0.02 for 2%), not 1"),
        ("5.0", "'disagreement_tolerance' is a fraction of the own figure, below 1 (0.02 for 2%), not 5.0"),
    ),
)
def test_a_tolerance_that_is_not_a_fraction_below_1_is_a_problem_at_its_line(value, message):
    text = districts_with(f"disagreement_tolerance = {value}", {"cloud-share": f"disagreement_tolerance = {value}"})
    catalogue, problems = parse_catalogue(text, "d.toml")
    lines = text.splitlines()
    at = [n for n, line in enumerate(lines, 1) if line.startswith("disagreement_tolerance")]
    assert catalogue is None
    assert [(p.where.line, p.subject, p.message) for p in problems] == [
        (at[0], "plan", message),
        (at[1], "cloud-share", message),
    ]


def test_check_reports_a_bad_tolerance_with_file_and_line(run, tmp_path):
    (tmp_path / "indicators.toml").write_text(
        districts_with("disagreement_tolerance = 2", {"enterprises": 'disagreement_tolerance = "1%"'}), encoding="utf-8"
    )
    checked = run(["check"])
    path, indicator_line = tmp_path / "indicators.toml", _line_of(tmp_path, 'disagreement_tolerance = "1%"')
    assert checked.code == 1 and checked.stdout.splitlines() == [
        f"{path}:9: plan: 'disagreement_tolerance' is a fraction of the own figure, below 1 (0.02 for 2%), not 2",
        f"{path}:{indicator_line}: enterprises: 'disagreement_tolerance' must be a number such as 0.02"
        " (a fraction: 2%), not '1%'",
    ]
    good = districts_with("disagreement_tolerance = 0.02", {"enterprises": "disagreement_tolerance = 0.5"})
    (tmp_path / "indicators.toml").write_text(good, encoding="utf-8")
    assert run(["check"]).code == 0


def _line_of(tmp_path: Path, text: str) -> int:
    lines = (tmp_path / "indicators.toml").read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def test_a_misspelt_tolerance_is_an_unknown_field_with_a_suggestion():
    _, problems = parse_catalogue(districts_with("disagreement_tolerence = 0.02"))
    assert [p.message for p in problems] == [
        "unknown field 'disagreement_tolerence' in [plan] (did you mean 'disagreement_tolerance'?)"
    ]


def test_figures_are_compared_within_the_tolerance_of_the_indicator_else_of_the_plan():
    import datetime as dt

    from sytrack.districts import figures_for
    from sytrack.orgs import build_tree

    catalogue, _ = parse_catalogue(districts_with("disagreement_tolerance = 0.1"))
    indicator = next(i for i in catalogue.indicators if i.id == "smart-factories")
    day = dt.date(2024, 6, 30)
    own, of_orgs = [(day, 15.0)], {"tiexi": [(day, 8.0)], "hunnan": [(day, 5.0)], "dadong": [(day, 1.0)]}
    tree = build_tree(catalogue.orgs)
    within = figures_for(indicator, tree, own, of_orgs, catalogue.plan)  # |14 − 15| = 1 ≤ 0.1 × 15
    assert within.disagreements == () and within.compared([""]) and not within.compared(["tiexi"])
    strict = figures_for(indicator._replace(disagreement_tolerance=0.05), tree, own, of_orgs, catalogue.plan)
    assert [(node, d.difference) for node, d in strict.disagreements] == [("", -1.0)]  # 1 > 0.05 × 15
    assert strict.nodes_from(catalogue) == ["", "gxj", "tiexi", "hunnan", "dadong", "yanfen", "xinghua"]
    assert strict.nodes_from(catalogue, "tiexi") == ["tiexi", "yanfen", "xinghua"]  # below tiexi only


# --- the setting at work: status and explain, both stores ---------------------------------------


def disagree(run, tmp_path, catalogue: str) -> tuple[dict, dict]:
    """The city's own 15 against its districts' 8 + 5 + 1 = 14 (6.7% apart; tiexi's own 8 counts for
    it), tiexi's own 8 against its streets' 3 + 4 = 7 (12.5% apart): status's row and explain's, under
    `catalogue`."""
    (tmp_path / "indicators.toml").write_text(catalogue, encoding="utf-8")
    for org, value in (("yanfen", "3"), ("xinghua", "4"), ("tiexi", "8"), ("hunnan", "5"), ("dadong", "1"), ("", "15")):
        done = run(["record", "smart-factories", value, "--date", AS_OF, *(["--org", org] if org else [])])
        assert done.code == 0, done.stderr
    status = run(["status", "--as-of", AS_OF, "-f", "json"])
    explain = run(["explain", "smart-factories", "--as-of", AS_OF, "-f", "json"])
    assert status.code == 0 and explain.code == 0, status.stderr + explain.stderr
    rows = {row["id"]: row for row in json.loads(status.stdout)}
    return rows["smart-factories"], {row["figure"].strip(): row for row in json.loads(explain.stdout)}


def test_by_default_one_percent_apart_is_a_disagreement(run, tmp_path, store_env):
    row, explained = disagree(run, tmp_path, districts_with())
    assert row["disagreement"].count("own figure") == 2  # the city's (6.7%) and tiexi's (12.5%)
    tolerance = explained["disagreement tolerance"]
    assert (tolerance["value"], tolerance["text"]) == (1, "1% of the own figure")
    assert tolerance["how"].endswith("catalogue [plan] disagreement_tolerance (0.01 unless set)")
    hows = [r["how"] for figure, r in explained.items() if figure == "disagreement"]
    assert hows and all("differ by more than 1% of the own figure" in how for how in hows)


def test_the_plan_s_tolerance_decides_what_disagrees_for_every_indicator(run, tmp_path, store_env):
    row, explained = disagree(run, tmp_path, districts_with("disagreement_tolerance = 0.1"))
    # The city's 6.7% is within 10%; tiexi's 12.5% is not.
    assert row["disagreement"] == "2024-06-30: tiexi's own figure 8个, its orgs add up to 7个 (-1, -12.5%)"
    assert explained["disagreement tolerance"]["text"] == "10% of the own figure"
    assert "differ by more than 10% of the own figure" in explained["disagreement"]["how"]
    row, _ = disagree(run, tmp_path, districts_with("disagreement_tolerance = 0.2"))
    assert row["disagreement"] == ""


def test_an_indicator_s_own_tolerance_overrides_the_plan_s(run, tmp_path, store_env):
    catalogue = districts_with("disagreement_tolerance = 0.2", {"smart-factories": "disagreement_tolerance = 0.05"})
    row, explained = disagree(run, tmp_path, catalogue)
    assert row["disagreement"].count("own figure") == 2
    assert explained["disagreement tolerance"]["how"].endswith("[[indicator]] disagreement_tolerance")
    as_org = run(["explain", "smart-factories", "--org", "tiexi", "--as-of", AS_OF, "-f", "csv"])
    assert re.search(r"^disagreement tolerance,5,5% of the own figure,", as_org.stdout, re.MULTILINE)


def test_a_tolerance_of_zero_makes_any_difference_a_disagreement(run, tmp_path, store_env):
    (tmp_path / "indicators.toml").write_text(
        districts_with(indicator_lines={"enterprises": "disagreement_tolerance = 0"}), encoding="utf-8"
    )
    for org, value in (("tiexi", "500"), ("hunnan", "500"), ("", "1005")):
        assert run(["record", "enterprises", value, "--date", AS_OF, *(["--org", org] if org else [])]).code == 0
    rows = {r["id"]: r for r in json.loads(run(["status", "--as-of", AS_OF, "-f", "json"]).stdout)}
    assert rows["enterprises"]["disagreement"].endswith("(-5, -0.5%)")  # within 1%, but not within 0


def test_explain_shows_no_tolerance_where_nothing_is_compared(run, tmp_path):
    (tmp_path / "indicators.toml").write_text(districts_with(), encoding="utf-8")
    assert run(["record", "smart-factories", "7", "--date", AS_OF, "--org", "tiexi"]).code == 0
    explained = json.loads(run(["explain", "smart-factories", "--as-of", AS_OF, "-f", "json"]).stdout)
    figures = [row["figure"] for row in explained]
    assert "city's figure (V)" in figures and "disagreement tolerance" not in figures


def test_the_inline_toml_of_docs_catalogue_md_reads():
    text = textwrap.dedent(
        """\
        [plan]
        id = "p"
        title_zh = "计划"
        title_en = "Plan"
        start = 2024-01-01
        disagreement_tolerance = 0.02

        [[group]]
        id = "g"
        name_zh = "组"
        name_en = "Group"

        [[indicator]]
        id = "gdp"
        group = "g"
        name_zh = "地区生产总值"
        name_en = "GDP"
        unit = "亿元"
        kind = "flow"
        direction = "increase"
        disagreement_tolerance = 0.005

        [[indicator.target]]
        comparison = "at-least"
        value = 8000
        deadline = 2024-12-31
        """
    )
    catalogue, problems = parse_catalogue(text)
    assert problems == []
    assert (catalogue.plan.disagreement_tolerance, catalogue.indicators[0].disagreement_tolerance) == (0.02, 0.005)
