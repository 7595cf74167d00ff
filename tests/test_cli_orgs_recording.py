"""Figures of districts and departments: `record --org/--of`, import's and export's org and denominator columns, undo per org."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

DISTRICTS = Path(__file__).parent / "data" / "districts.toml"


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture(autouse=True)
def districts(tmp_path):
    """The districts catalogue as tmp_path/indicators.toml, where `run` finds it."""
    shutil.copy(DISTRICTS, tmp_path / "indicators.toml")


@pytest.fixture
def snapshot(run, store_env, tmp_path):
    """What is stored, to compare before and after a refused command: the data file and its log
    byte for byte, or, on a server, every record with every field."""

    def take():
        if store_env:
            return run(["export", "--format", "json"]).stdout
        return {
            suffix: (
                Path(f"{tmp_path}/indicators.db{suffix}").read_bytes()
                if Path(f"{tmp_path}/indicators.db{suffix}").exists()
                else None
            )
            for suffix in ("", "-wal")
        }

    return take


def exported(run) -> list[dict]:
    result = run(["export"])
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_record_for_an_org_keeps_it_apart_from_the_city_and_says_how_the_org_stands(run):
    city = run(["record", "smart-factories", "14", "--date", "2024-06-30"])
    tiexi = run(["record", "smart-factories", "7", "--date", "2024-06-30", "--org", "tiexi"])
    assert tiexi.code == 0, tiexi.stderr
    assert tiexi.stdout.startswith("recorded #2: smart-factories for tiexi = 7个 as of 2024-06-30; ")
    assert "target ≥ 12个 by 2024-12-31" in tiexi.stdout  # judged on its allocation, not the city's 30
    # A second figure of tiexi's for the date supersedes tiexi's, never the city's.
    again = run(["record", "smart-factories", "8", "--date", "2024-06-30", "--org", "铁西区"])
    assert again.code == 0 and "for tiexi = 8个" in again.stdout and "supersedes #2" in again.stdout
    rows = exported(run)
    assert [(r["id"], r["org"], r["value"], r["state"]) for r in rows] == [
        ("1", "", "14", "current"),
        ("2", "tiexi", "7", "superseded"),
        ("3", "tiexi", "8", "current"),
    ]
    assert list(rows[0])[-2:] == ["org", "denominator"]  # the new columns come last
    assert city.code == 0


def test_an_unknown_org_is_refused_with_the_closest_ids_and_nothing_is_written(run, snapshot):
    run(["record", "smart-factories", "1", "--date", "2024-03-31"])
    before = snapshot()
    for wrong, hint in (
        ("tiexii", "did you mean tiexi?"),
        ("浑南", "did you mean hunnan?"),
        ("nowhere", "the catalogue's orgs are gxj, tiexi, hunnan, dadong, yanfen, xinghua"),
    ):
        refused = run(["record", "smart-factories", "2", "--date", "2024-03-31", "--org", wrong])
        assert refused.code == 1 and refused.stdout == ""
        assert refused.stderr == f"sytrack: error: unknown org {wrong!r}; {hint}\n"
        assert snapshot() == before


def test_a_share_records_its_denominator_and_only_a_share_or_rate_takes_one(run, snapshot):
    done = run(["record", "cloud-share", "45%", "--of", "1,200", "--date", "2024-06-30", "--org", "hunnan"])
    assert done.code == 0, done.stderr
    assert "cloud-share for hunnan = 45% of 1,200 as of 2024-06-30" in done.stdout
    assert [(r["org"], r["value"], r["denominator"]) for r in exported(run)] == [("hunnan", "45", "1200")]
    before = snapshot()
    for args, message in (
        (["smart-factories", "3", "--of", "10"], "smart-factories is a flow, not a share or rate: it takes no"),
        (["cloud-share", "45", "--of", "-5"], "denominator -5 is not a base a share can have"),
        (["cloud-share", "45", "--of", "many"], "many"),
    ):
        refused = run(["record", *args, "--date", "2024-06-30", "--org", "tiexi"])
        assert refused.code == 1 and message in refused.stderr and refused.stderr.count("\n") == 1
        assert snapshot() == before


def test_undo_of_an_org_s_figure_brings_back_that_org_s_earlier_one(run):
    run(["record", "enterprises", "480", "--date", "2024-06-30", "--org", "tiexi"])
    run(["record", "enterprises", "950", "--date", "2024-06-30"])
    run(["record", "enterprises", "490", "--date", "2024-06-30", "--org", "tiexi"])
    undone = run(["undo", "--id", "3"])
    assert undone.code == 0, undone.stderr
    assert undone.stdout.startswith("retracted #3 (enterprises for tiexi = 490家 as of 2024-06-30) with #4")
    current = {(r["org"], r["value"]) for r in exported(run) if r["state"] == "current"}
    assert current == {("tiexi", "480"), ("", "950")}


def test_log_shows_whose_figure_each_record_is(run):
    run(["record", "cloud-share", "45", "--of", "900", "--date", "2024-06-30", "--org", "hunnan"])
    shown = run(["log"], env={"COLUMNS": "160"})
    assert "cloud-share @hunnan" in shown.stdout and "45% of 900" in shown.stdout
    rows = json.loads(run(["log", "--format", "json"]).stdout)
    assert rows[0]["org"] == "hunnan" and rows[0]["denominator"] == 900


def test_import_reads_org_and_denominator_and_an_export_imports_back_identically(run, tmp_path, store_env):
    (tmp_path / "in.csv").write_text(
        "indicator,value,date,org,denominator\n"
        "smart-factories,5,2024-03-31,tiexi,\n"
        "smart-factories,4,2024-03-31,浑南区,\n"
        "smart-factories,9,2024-03-31,,\n"
        "cloud-share,30,2024-03-31,hunnan,900\n",
        encoding="utf-8",
    )
    done = run(["import", "in.csv"])
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("imported 4 records")
    first = run(["export"]).stdout
    assert [(r["org"], r["value"], r["denominator"]) for r in csv.DictReader(io.StringIO(first))] == [
        ("tiexi", "5", ""),
        ("hunnan", "4", ""),
        ("", "9", ""),
        ("hunnan", "30", "900"),
    ]
    (tmp_path / "export.csv").write_text(first, encoding="utf-8")
    # Into an empty store: the same records, the same columns, byte for byte.
    other = {"SYTRACK_DB": str(tmp_path / "other.db")}
    assert run(["import", "export.csv"], env=other).code == 0
    assert run(["export"], env=other).stdout == first
    # And into the same store again: every row is already recorded.
    again = run(["import", "export.csv"])
    assert again.code == 0 and "4 rows already recorded, skipped" in again.stdout


def test_import_refuses_an_unknown_org_and_a_denominator_where_none_belongs_at_their_lines(run, tmp_path, snapshot):
    run(["record", "smart-factories", "1", "--date", "2024-03-31"])
    before = snapshot()
    (tmp_path / "bad.csv").write_text(
        "indicator,value,date,org,denominator\n"
        "smart-factories,5,2024-03-31,tiexii,\n"
        "smart-factories,5,2024-03-31,tiexi,12\n"
        "smart-factories,6,2024-03-31,hunnan,\n",
        encoding="utf-8",
    )
    refused = run(["import", "bad.csv"])
    assert refused.code == 1 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "bad.csv:2: unknown org 'tiexii'; did you mean tiexi?",
        "bad.csv:3: smart-factories is a flow, not a share or rate: it takes no denominator (--of / the"
        " denominator column); record its value alone",
        "sytrack: error: 2 bad rows in bad.csv; nothing was written",
    ]
    assert snapshot() == before


def test_two_values_of_one_org_for_a_date_that_nothing_orders_are_refused_but_two_orgs_are_not(run, tmp_path):
    (tmp_path / "two.csv").write_text(
        "indicator,value,date,org\n"
        "smart-factories,5,2024-03-31,tiexi\n"
        "smart-factories,4,2024-03-31,hunnan\n"
        "smart-factories,6,2024-03-31,tiexi\n",
        encoding="utf-8",
    )
    refused = run(["import", "two.csv"])
    assert refused.code == 1
    assert "smart-factories (tiexi) 2024-03-31: 6 here but 5 on line 2" in refused.stderr


def test_the_shell_completes_org_after_org(run, tmp_path):
    """What bash gets back from the real command line: the option declares the completer."""

    def completed(words: str) -> list[str]:
        result = run(
            [],
            env={
                "_SYTRACK_COMPLETE": "complete_bash",
                "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
            },
        )
        return result.stdout.split()

    assert completed("sytrack record smart-factories 3 --org h") == ["hunnan"]
    assert completed("sytrack record smart-factories 3 --org ") == [
        "gxj",
        "tiexi",
        "hunnan",
        "dadong",
        "yanfen",
        "xinghua",
    ]
