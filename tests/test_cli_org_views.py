"""`--org` on log, export and explain: an org's records, and its figure against its allocation; both stores."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

DISTRICTS = Path(__file__).parent / "data" / "districts.toml"
AS_OF = "2024-06-30"
FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown", "xlsx")


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture(autouse=True)
def districts(tmp_path):
    shutil.copy(DISTRICTS, tmp_path / "indicators.toml")


@pytest.fixture
def history(run):
    """#1 the city's 14; #2 tiexi's 7, superseded by #4 tiexi's 8; #3 hunnan's 5, retracted by #6; #5 a
    street's 3 (yanfen, under tiexi); #7 dadong's 1, in another indicator."""
    for args in (
        ["smart-factories", "14"],
        ["smart-factories", "7", "--org", "tiexi"],
        ["smart-factories", "5", "--org", "hunnan"],
        ["smart-factories", "8", "--org", "tiexi", "-m", "revised"],
        ["smart-factories", "3", "--org", "yanfen"],
    ):
        done = run(["record", *args, "--date", AS_OF])
        assert done.code == 0, done.stderr
    assert run(["undo", "--id", "3"]).code == 0
    assert run(["record", "enterprises", "400", "--date", AS_OF, "--org", "dadong"]).code == 0


def ids_shown(run, tmp_path, command: list[str], fmt: str) -> list[int]:
    """The record ids a command shows, in its order, read from its output as a user's tool would."""
    if fmt == "xlsx":
        from openpyxl import load_workbook

        result = run([*command, "-f", "xlsx", "-o", "out.xlsx"])
        assert result.code == 0, result.stderr
        rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
        column = rows[0].index("id")
        return [int(row[column]) for row in rows[1:]]
    result = run([*command, "-f", fmt], env={"COLUMNS": "200"})
    assert result.code == 0, result.stderr
    text = result.stdout
    if fmt in ("csv", "tsv"):
        return [int(r["id"]) for r in csv.DictReader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t")]
    if fmt == "json":
        return [r["id"] for r in json.loads(text)]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in text.splitlines()]
    if fmt == "markdown":
        lines = [line.split("|")[1:-1] for line in text.splitlines()]
        column = [cell.strip() for cell in lines[0]].index("id")
        return [int(cells[column]) for cells in lines[2:]]
    return [int(m[1]) for m in re.finditer(r"^│ +(\d+) │", text, re.MULTILINE)]  # the table's # column


@pytest.mark.parametrize("fmt", FORMATS)
def test_log_of_one_org_shows_only_its_records_in_every_format(run, tmp_path, history, fmt):
    assert ids_shown(run, tmp_path, ["log", "--org", "tiexi"], fmt) == [4]  # in force only, as log
    assert ids_shown(run, tmp_path, ["log", "--all", "--org", "铁西区"], fmt) == [4, 2]
    assert ids_shown(run, tmp_path, ["log", "--all", "--org", "hunnan"], fmt) == [6, 3]  # the retraction is hunnan's
    assert ids_shown(run, tmp_path, ["log", "--all", "--org", ""], fmt) == [1]  # '': the city's own
    assert ids_shown(run, tmp_path, ["log", "smart-factories", "--all", "--org", "dadong"], fmt) == []
    assert ids_shown(run, tmp_path, ["log", "--all"], fmt) == [7, 6, 5, 4, 3, 2, 1]  # without --org: everyone's


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_of_one_org_writes_all_its_records_oldest_first_in_every_format(run, tmp_path, history, fmt):
    assert ids_shown(run, tmp_path, ["export", "--org", "tiexi"], fmt) == [2, 4]
    assert ids_shown(run, tmp_path, ["export", "--org", "Hunnan District"], fmt) == [3, 6]
    assert ids_shown(run, tmp_path, ["export", "--org", ""], fmt) == [1]
    assert ids_shown(run, tmp_path, ["export", "--org", "gxj"], fmt) == []


def test_an_org_s_export_is_an_import_file_of_its_records(run, tmp_path, history):
    exported = run(["export", "--org", "tiexi"])
    assert exported.code == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["org"], r["value"], r["state"], r["note"]) for r in rows] == [
        ("tiexi", "7", "superseded", ""),
        ("tiexi", "8", "current", "revised"),
    ]
    (tmp_path / "tiexi.csv").write_text(exported.stdout, encoding="utf-8")
    other = {"SYTRACK_DB": str(tmp_path / "other.db")}
    assert run(["import", "tiexi.csv"], env=other).code == 0
    again = list(csv.DictReader(io.StringIO(run(["export"], env=other).stdout)))
    # The same records, numbered afresh in the new store.
    kept = lambda r: {k: v for k, v in r.items() if k not in ("id", "supersedes")}  # noqa: E731
    assert [kept(r) for r in again] == [kept(r) for r in rows] and again[1]["supersedes"] == again[0]["id"]


def test_as_known_and_since_narrow_an_org_s_log_as_they_do_everyone_s(run, tmp_path, history):
    assert ids_shown(run, tmp_path, ["export", "--org", "hunnan", "--as-known", "2000-01-01"], "csv") == []
    assert ids_shown(run, tmp_path, ["log", "--org", "tiexi", "--since", "2000-01-01", "--all"], "json") == [4, 2]


@pytest.mark.parametrize("command", (["log"], ["export"], ["explain", "smart-factories"]))
def test_an_unknown_org_is_refused_in_one_line_with_the_closest_ids(run, tmp_path, history, command):
    refused = run([*command, "--org", "tiexii", "-o", "out.csv"])
    assert (refused.code, refused.stdout) == (1, "")
    assert refused.stderr == "sytrack: error: unknown org 'tiexii'; did you mean tiexi?\n"
    assert not (tmp_path / "out.csv").exists()
    far = run([*command, "--org", "nowhere"])
    assert far.code == 1 and far.stderr == (
        "sytrack: error: unknown org 'nowhere'; the catalogue's orgs are gxj, tiexi, hunnan, dadong, yanfen, xinghua\n"
    )


def explained(run, *args: str, as_of: str = AS_OF) -> dict[str, dict]:
    result = run(["explain", *args, "--as-of", as_of, "--format", "json"])
    assert result.code == 0, result.stderr
    return {row["figure"].strip(): row for row in json.loads(result.stdout)}


def test_explain_for_an_org_judges_its_figure_on_its_allocation_and_shows_the_roll_up_below_it(run, history):
    assert run(["record", "smart-factories", "4", "--date", AS_OF, "--org", "xinghua"]).code == 0
    rows = explained(run, "smart-factories", "--org", "tiexi")
    assert list(rows)[:3] == ["indicator", "org", "as of (A)"]
    assert rows["org"]["text"] == "Tiexi District (tiexi)"
    assert (rows["target (T)"]["value"], rows["target (T)"]["text"]) == (12, "≥ 12个 by 2024-12-31")
    assert (rows["start value (B)"]["value"], rows["latest (V)"]["value"]) == (0, 8)  # no city baseline; its own 8
    assert (rows["completion (c)"]["value"], rows["status"]["text"]) == (66.6667, "on-track")
    assert rows["tiexi's figure (V)"]["text"] == "its own figure"
    assert rows["Yanfen Street (yanfen)"]["text"] == f"3个 on {AS_OF}"
    assert rows[f"roll-up into tiexi on {AS_OF}"]["text"] == "3 + 4 = 7个"
    assert rows["disagreement"]["text"] == f"{AS_OF}: tiexi's own figure 8个, its orgs add up to 7个 (-1, -12.5%)"
    # Only what is below tiexi: not the city's roll-up, not its fellow districts.
    assert "roll-up into the city" not in " ".join(rows) and "Hunnan District (hunnan)" not in rows


def test_explain_for_an_org_rolled_up_from_its_streets_says_so(run, history):
    assert run(["record", "smart-factories", "4", "--date", "2024-05-31", "--org", "yanfen"]).code == 0
    assert run(["record", "smart-factories", "2", "--date", "2024-05-31", "--org", "xinghua"]).code == 0
    rows = explained(run, "smart-factories", "--org", "tiexi", as_of="2024-05-31")
    assert rows["latest (V)"]["value"] == 6 and rows["tiexi's figure (V)"]["text"] == "rolled up from its orgs (Σ)"


def test_explain_for_an_org_without_orgs_below_has_the_city_s_shape_and_no_roll_up(run, history):
    rows = explained(run, "smart-factories", "--org", "dadong")
    assert (rows["target (T)"]["value"], rows["latest (V)"]["text"], rows["status"]["text"]) == (
        8,
        "nothing recorded",
        "no-data",
    )
    city = explained(run, "smart-factories")
    assert list(rows) == [*list(city)[:1], "org", *list(city)[1 : list(city).index("city's figure (V)")]]
    table = run(["explain", "smart-factories", "--org", "dadong", "--as-of", AS_OF], env={"COLUMNS": "120"})
    assert table.stdout.startswith(f"smart-factories @dadong as of {AS_OF}\n")
    assert explained(run, "smart-factories", "--org", "") == city  # '': the city, as without --org


def test_explain_for_an_org_of_a_share_without_an_allocation_judges_it_on_the_city_s_target(run):
    assert run(["record", "cloud-share", "30", "--of", "100", "--date", AS_OF, "--org", "dadong"]).code == 0
    rows = explained(run, "cloud-share", "--org", "dadong")
    assert rows["target (T)"]["value"] == 40 and rows["latest (V)"]["value"] == 30
    assert rows["org"]["how"].startswith("no allocation: judged on the city's target")


def test_explain_refuses_an_org_that_only_counts_in_a_roll_up(run):
    refused = run(["explain", "city-rank", "--org", "tiexi"])
    assert (refused.code, refused.stdout) == (1, "")
    assert refused.stderr == (
        "sytrack: error: tiexi has no allocation of city-rank: its figure counts in the city's roll-up"
        " (`sytrack explain city-rank` shows it)\n"
    )


@pytest.mark.parametrize("fmt", ("csv", "tsv", "jsonl", "markdown"))
def test_explain_for_an_org_in_the_other_formats(run, history, fmt):
    result = run(["explain", "smart-factories", "--org", "tiexi", "--as-of", AS_OF, "-f", fmt])
    assert result.code == 0, result.stderr
    assert "Tiexi District (tiexi)" in result.stdout
    assert "roll-up into tiexi" in result.stdout and "roll-up into the city" not in result.stdout


def test_the_shell_completes_org_on_log_export_and_explain(run):
    def completed(words: str) -> list[str]:
        environment = {
            "_SYTRACK_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        return run([], env=environment).stdout.split()

    assert completed("sytrack log --org h") == ["hunnan"]
    assert completed("sytrack export --org x") == ["xinghua"]
    assert completed("sytrack explain smart-factories --org t") == ["tiexi"]


def test_explain_for_an_org_and_its_tolerance_are_worded_in_chinese_under_zh(run, history):
    assert run(["record", "smart-factories", "4", "--date", AS_OF, "--org", "xinghua"]).code == 0
    result = run(
        ["explain", "smart-factories", "--org", "tiexi", "--as-of", AS_OF, "--lang", "zh"], env={"COLUMNS": "160"}
    )
    assert result.code == 0, result.stderr
    assert "单位" in result.stdout and "不一致容差" in result.stdout and "自报数的 1%" in result.stdout
    ids = {"smart-factories", "tiexi", "yanfen", "xinghua"}  # and the option explain names, --as-of
    words = re.findall(r"[A-Za-z][A-Za-z_-]{2,}", result.stdout.replace("--as-of", ""))
    assert [w for w in words if w not in ids] == [], result.stdout
