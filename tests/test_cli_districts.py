"""The city's figure rolled up from its districts in status and explain, status --org, and rank: through the CLI, both stores."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

DISTRICTS = Path(__file__).parent / "data" / "districts.toml"
AS_OF = "2024-06-30"


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture(autouse=True)
def districts(tmp_path):
    shutil.copy(DISTRICTS, tmp_path / "indicators.toml")


def record(run, *args: str) -> None:
    result = run(["record", *args])
    assert result.code == 0, result.stderr


def status(run, *args: str) -> dict[str, dict]:
    result = run(["status", "--as-of", AS_OF, "--format", "json", *args])
    assert result.code == 0, result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)}


def explained(run, indicator: str) -> dict[str, dict]:
    result = run(["explain", indicator, "--as-of", AS_OF, "--format", "json"])
    assert result.code == 0, result.stderr
    return {row["figure"].strip(): row for row in json.loads(result.stdout)}


def test_a_flow_with_no_city_figure_is_the_sum_of_its_districts_of_the_same_date(run):
    for org, value in (("tiexi", "7"), ("hunnan", "5"), ("dadong", "1")):
        record(run, "smart-factories", value, "--date", AS_OF, "--org", org)
    record(run, "smart-factories", "3", "--date", "2024-05-31", "--org", "tiexi")  # an earlier month: not summed in
    row = status(run)["smart-factories"]
    assert (row["latest"], row["latest_date"], row["rolled_up"], row["disagreement"]) == (13, AS_OF, True, "")
    assert (row["completion_pct"], row["status"]) == (43.33, "behind")
    table = run(["status", "--as-of", AS_OF], env={"COLUMNS": "150"}).stdout
    assert "Σ 13个" in table and "Σ rolled up from the orgs" in table
    rows = explained(run, "smart-factories")
    assert rows["city's figure (V)"]["text"] == "rolled up from its orgs (Σ)"
    assert rows[f"roll-up into the city on {AS_OF}"]["text"] == "7 + 5 + 1 = 13个"
    assert rows["Tiexi District (tiexi)"]["text"] == f"7个 on {AS_OF}"
    assert rows["Tiexi District (tiexi)"]["how"] == "allocated 12个; its own figure"


def test_a_date_a_district_has_not_reported_does_not_roll_up(run):
    record(run, "smart-factories", "7", "--date", AS_OF, "--org", "tiexi")
    record(run, "smart-factories", "5", "--date", AS_OF, "--org", "hunnan")
    row = status(run)["smart-factories"]
    assert (row["latest"], row["status"]) == (None, "no-data")  # a partial sum would pass for the city's
    rows = explained(run, "smart-factories")
    assert rows[f"roll-up into the city on {AS_OF}"]["text"] == "no figure yet from dadong"


def test_a_level_sums_each_district_s_latest_figure(run):
    record(run, "enterprises", "480", "--date", "2024-03-31", "--org", "tiexi")
    record(run, "enterprises", "450", "--date", "2024-05-31", "--org", "hunnan")
    record(run, "enterprises", "490", "--date", AS_OF, "--org", "tiexi")
    row = status(run)["enterprises"]
    assert (row["latest"], row["latest_date"], row["rolled_up"]) == (940, AS_OF, True)  # 490 + hunnan's 450


def test_a_share_rolls_up_weighted_by_denominators_never_averaged(run):
    record(run, "cloud-share", "10", "--of", "900", "--date", AS_OF, "--org", "tiexi")
    record(run, "cloud-share", "50", "--of", "100", "--date", AS_OF, "--org", "hunnan")
    row = status(run)["cloud-share"]
    assert row["latest"] == 14 and row["rolled_up"]  # (90 + 50) / 1000, not the 30 average
    rows = explained(run, "cloud-share")
    assert rows[f"roll-up into the city on {AS_OF}"]["text"] == "(10 × 900 + 50 × 100) / 1000 = 14%"


def test_a_share_without_denominators_or_weights_is_not_rolled_up_and_says_why(run):
    record(run, "cloud-share", "10", "--date", AS_OF, "--org", "tiexi")
    record(run, "cloud-share", "50", "--of", "100", "--date", AS_OF, "--org", "hunnan")
    assert status(run)["cloud-share"]["latest"] is None
    rows = explained(run, "cloud-share")
    assert rows[f"roll-up into the city on {AS_OF}"]["text"] == (
        "tiexi's figure has no denominator and its allocation declares no weight; a share or rate is never averaged"
    )


def test_a_rate_rolls_up_by_the_allocations_declared_weights(run):
    record(run, "output-growth", "12", "--date", AS_OF, "--org", "tiexi")
    record(run, "output-growth", "4", "--date", AS_OF, "--org", "hunnan")
    assert status(run)["output-growth"]["latest"] == 10  # (12 × 3 + 4 × 1) / 4


def test_a_rank_is_never_rolled_up(run):
    record(run, "city-rank", "3", "--date", AS_OF, "--org", "tiexi")
    assert status(run)["city-rank"]["latest"] is None
    rows = explained(run, "city-rank")
    assert "a rank is a position, not an amount" in rows["roll-up into the city"]["text"]


def test_the_city_s_own_figure_counts_and_a_disagreement_with_its_districts_is_shown(run):
    for org, value in (("tiexi", "7"), ("hunnan", "5"), ("dadong", "1")):
        record(run, "smart-factories", value, "--date", AS_OF, "--org", org)
    record(run, "smart-factories", "14", "--date", AS_OF)
    row = status(run)["smart-factories"]
    assert (row["latest"], row["rolled_up"]) == (14, False)
    assert row["disagreement"] == "2024-06-30: the city's own figure 14个, its orgs add up to 13个 (-1, -7.1%)"
    table = run(["status", "--as-of", AS_OF], env={"COLUMNS": "150"}).stdout
    assert "! smart-factories 2024-06-30: the city's own figure 14个, its orgs add up to 13个 (-1, -7.1%)" in table
    assert explained(run, "smart-factories")["disagreement"]["value"] == -1
    # Within the tolerance (1% of the own figure) nothing is said.
    record(run, "enterprises", "500", "--date", AS_OF, "--org", "tiexi")
    record(run, "enterprises", "500", "--date", AS_OF, "--org", "hunnan")
    record(run, "enterprises", "1005", "--date", AS_OF)
    assert status(run)["enterprises"]["disagreement"] == ""


def test_streets_roll_up_into_their_district_and_districts_into_the_city(run):
    record(run, "smart-factories", "3", "--date", AS_OF, "--org", "yanfen")
    record(run, "smart-factories", "4", "--date", AS_OF, "--org", "xinghua")
    record(run, "smart-factories", "5", "--date", AS_OF, "--org", "hunnan")
    record(run, "smart-factories", "1", "--date", AS_OF, "--org", "dadong")
    assert status(run)["smart-factories"]["latest"] == 13  # (3 + 4) + 5 + 1
    rows = explained(run, "smart-factories")
    assert rows[f"roll-up into tiexi on {AS_OF}"]["text"] == "3 + 4 = 7个"
    assert rows["Tiexi District (tiexi)"]["how"] == "allocated 12个; rolled up from its orgs"
    tiexi = status(run, "--org", "tiexi")["smart-factories"]
    assert (tiexi["latest"], tiexi["target"], tiexi["org"]) == (7, 12, "tiexi")
    # tiexi's own figure, where it gives one, counts for it and is compared with its streets'.
    record(run, "smart-factories", "8", "--date", AS_OF, "--org", "tiexi")
    assert status(run)["smart-factories"]["latest"] == 14
    assert "tiexi's own figure 8个, its orgs add up to 7个" in status(run)["smart-factories"]["disagreement"]


def test_status_for_an_org_shows_its_indicators_against_its_allocations(run):
    record(run, "smart-factories", "7", "--date", AS_OF, "--org", "tiexi")
    record(run, "enterprises", "510", "--date", AS_OF, "--org", "tiexi")
    rows = status(run, "--org", "铁西区")
    assert list(rows) == ["smart-factories", "enterprises", "cloud-share", "output-growth"]  # city-rank: no allocation
    assert [(r["target"], r["latest"], r["org"]) for r in rows.values()] == [
        (12, 7, "tiexi"),
        (500, 510, "tiexi"),
        (40, None, "tiexi"),
        (10, None, "tiexi"),
    ]
    assert rows["enterprises"]["status"] == "achieved" and rows["enterprises"]["baseline"] is None
    csv_rows = list(csv.reader(io.StringIO(run(["status", "--as-of", AS_OF, "--org", "tiexi", "-f", "csv"]).stdout)))
    # the org columns, then the reporting cycle's five, appended after them
    assert csv_rows[0][-8:-5] == ["org", "rolled_up", "disagreement"] and csv_rows[1][-8] == "tiexi"
    table = run(["status", "--as-of", AS_OF, "--org", "tiexi"]).stdout
    assert table.startswith("Tiexi District (tiexi)\n")
    refused = run(["status", "--org", "tiexii"])
    assert refused.code == 1 and refused.stderr == "sytrack: error: unknown org 'tiexii'; did you mean tiexi?\n"


def test_rank_one_indicator_best_pace_first_with_shared_and_missing_ranks(run):
    record(run, "smart-factories", "6", "--date", AS_OF, "--org", "tiexi")
    record(run, "smart-factories", "5", "--date", AS_OF, "--org", "hunnan")
    result = run(["rank", "smart-factories", "--as-of", AS_OF, "--format", "csv"])
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "rank,org,name,value,allocation,completion_pct,time_elapsed_pct,pace,status",
        "1,tiexi,Tiexi District,6,12,50,49.73,1.005,on-track",
        "1,hunnan,Hunnan District,5,10,50,49.73,1.005,on-track",
        ",dadong,Dadong District,,8,,49.73,,no-data",
    ]
    zh = run(["rank", "smart-factories", "--as-of", AS_OF, "--lang", "zh"], env={"COLUMNS": "120"})
    assert zh.stdout.startswith("培育智能工厂 (smart-factories) 截至 2024-06-30\n") and "铁西区" in zh.stdout
    for fmt in ("json", "jsonl", "tsv", "markdown"):
        assert run(["rank", "smart-factories", "--as-of", AS_OF, "--format", fmt]).code == 0
    # --as-of reads the history as of then: before any figure, nobody is ranked.
    early = json.loads(run(["rank", "smart-factories", "--as-of", "2024-03-31", "-f", "json"]).stdout)
    assert [r["rank"] for r in early] == [None, None, None]


def test_rank_a_group_by_share_on_schedule_then_fewest_behind(run):
    record(run, "smart-factories", "7", "--date", AS_OF, "--org", "tiexi")
    record(run, "enterprises", "100", "--date", AS_OF, "--org", "tiexi")
    record(run, "smart-factories", "5", "--date", AS_OF, "--org", "hunnan")
    record(run, "enterprises", "500", "--date", AS_OF, "--org", "hunnan")
    record(run, "smart-factories", "1", "--date", AS_OF, "--org", "dadong")
    rows = json.loads(run(["rank", "--group", "industry", "--as-of", AS_OF, "-f", "json"]).stdout)
    assert [(r["rank"], r["org"], r["indicators"], r["on_schedule_pct"], r["behind"]) for r in rows] == [
        (1, "hunnan", 2, 100.0, 0),
        (2, "tiexi", 2, 50.0, 1),
        (3, "dadong", 1, 0.0, 1),
    ]


def test_rank_needs_an_indicator_or_a_group_and_refuses_unknown_ones(run):
    for args in ([], ["smart-factories", "--group", "industry"]):
        refused = run(["rank", *args])
        assert refused.code == 2 and "rank takes an indicator's ID or --group GROUP" in refused.stderr
    assert run(["rank", "--group", "nope"]).code == 2
    unknown = run(["rank", "smart-factory"])
    assert unknown.code == 1 and "did you mean smart-factories" in unknown.stderr


def test_the_bulletin_is_a_word_document_with_overview_groups_league_and_who_is_behind(run, tmp_path):
    from docx import Document

    for org, value in (("tiexi", "7"), ("hunnan", "5"), ("dadong", "1")):
        record(run, "smart-factories", value, "--date", AS_OF, "--org", org)
    record(run, "enterprises", "520", "--date", AS_OF, "--org", "tiexi")
    record(run, "enterprises", "500", "--date", AS_OF, "--org", "hunnan")
    done = run(["report", "--docx", "通报.docx", "--html", "report.html", "--as-of", AS_OF])
    assert done.code == 0, done.stderr
    assert done.stderr == "wrote report.html\nwrote 通报.docx\n"
    document = Document(str(tmp_path / "通报.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "区县测试计划进展情况通报" and paragraphs[1] == "（截至2024年6月30日）"
    assert (
        "本期纳入监测的指标共5项，其中已完成1项，符合序时进度0项，滞后1项，严重滞后0项；另有无数据3项。"
        "达进度率（已完成及符合序时进度的指标占可评价指标的比例）为50.0%。"
    ) in paragraphs
    assert "培育智能工厂（滞后，完成率43.3%，序时进度49.7%）；牵头单位：市工信局；滞后单位：大东区。" in paragraphs
    industry, digital, league = document.tables
    assert [c.text for c in industry.rows[1].cells] == [
        "培育智能工厂",
        "13个",
        "≥ 30个（2024-12-31前）",
        "43.3%",
        "49.7%",
        "滞后",
        "市工信局",
    ]
    shading = industry.rows[1].cells[5]._tc.xpath("./w:tcPr/w:shd")[0]
    assert shading.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill") == "FFE8A3"
    assert [[c.text for c in row.cells] for row in league.rows] == [
        ["排名", "单位", "指标数", "达进度率", "滞后指标数"],
        ["1", "铁西区", "4", "100.0%", "0"],
        ["1", "浑南区", "4", "100.0%", "0"],
        ["3", "大东区", "1", "0.0%", "1"],
    ]
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="league">League of districts and departments</h2>' in html
    assert "<td>1</td><td>Tiexi District</td><td>4</td><td>100%</td><td>0</td>" in html


def test_report_needs_a_file_to_write(run, tmp_path):
    refused = run(["report"])
    assert refused.code == 2 and "report writes --html FILE, --docx FILE, or both" in refused.stderr
    assert not any(tmp_path.glob("*.docx"))


def test_python_docx_is_imported_only_by_the_bulletin(run):
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from sytrack.cli import app; "
        "CliRunner().invoke(app, ['status']); print('docx' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_status_reads_every_figure_in_one_query_and_keeps_no_series_once_judged(run, monkeypatch):
    """The benchmark's guarantees, held by a test: one streamed read for the city and all its orgs
    (not one per org or per indicator), and only slim figures kept while 10,000 indicators roll up."""
    from sytrack.store import Store

    for org, value in (("tiexi", "7"), ("hunnan", "5"), ("dadong", "1")):
        record(run, "smart-factories", value, "--date", AS_OF, "--org", org)
    calls = []
    streamed = Store.current_with_orgs
    for name in ("current", "current_of_orgs"):
        monkeypatch.setattr(Store, name, lambda self, *a, _n=name, **k: calls.append(_n) or {})
    monkeypatch.setattr(
        Store, "current_with_orgs", lambda self, *a, **k: calls.append("stream") or streamed(self, *a, **k)
    )
    assert status(run)["smart-factories"]["latest"] == 13
    assert calls == ["stream"]


def test_judging_the_city_keeps_only_slim_figures_for_status():
    import datetime as dt

    from sytrack.catalogue import load_catalogue
    from sytrack.districts import judge_city

    catalogue = load_catalogue(DISTRICTS)
    day = dt.date(2024, 6, 30)
    stream = iter([("smart-factories", [], {"tiexi": [(day, 7.0)], "hunnan": [(day, 5.0)], "dadong": [(day, 1.0)]})])
    progresses, figures = judge_city(catalogue, catalogue.indicators, stream, day)
    assert progresses[0].latest == 13.0
    assert (figures["smart-factories"].series, figures["smart-factories"].nodes) == ((), None)
    assert figures["smart-factories"].rolled_up_at(day)
