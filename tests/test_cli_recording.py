"""Recording through the CLI: record, undo, log, import, export — and nothing ever lost."""

import csv
import io
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture
def unchanged(run, store_env, tmp_path):
    """A snapshot of the stored data to compare later: the data file and its log byte for byte,
    or, on PostgreSQL, every record with every field."""
    db = tmp_path / "indicators.db"

    def snapshot():
        if store_env:
            return run(["export", "--format", "json"]).stdout
        return files_of(db)

    return snapshot


def files_of(db: Path) -> dict[str, bytes | None]:
    """The data file and its write-ahead log, byte for byte (None where absent)."""
    return {
        suffix: (Path(f"{db}{suffix}").read_bytes() if Path(f"{db}{suffix}").exists() else None)
        for suffix in ("", "-wal")
    }


@pytest.fixture
def db(tmp_path, catalogue_file):
    return tmp_path / "indicators.db"


def exported(run) -> list[dict]:
    result = run(["export", "--format", "csv"])
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_record_stores_a_value_and_says_how_it_stands(run, db, store_env):
    result = run(
        [
            "record",
            "5g-base-stations",
            "3.6万",
            "--date",
            "2024-06",
            "--note",
            "Q2 report",
            "--source",
            "bureau",
            "--by",
            "ana",
        ]
    )
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1
    assert "recorded #1: 5g-base-stations = 36,000个 as of 2024-06-30" in result.stdout
    assert "(target > 40,000个 by 2024-12-31)" in result.stdout
    [row] = exported(run)
    assert row | {"recorded_at": ""} == {
        "indicator": "5g-base-stations",
        "value": "36000",
        "date": "2024-06-30",
        "note": "Q2 report",
        "source": "bureau",
        "by": "ana",
        "id": "1",
        "recorded_at": "",
        "supersedes": "",
        "retracts": "",
        "state": "current",
        "org": "",
        "denominator": "",
    }
    assert db.exists() or store_env  # a data file, unless the data is on a server


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "5g-base-stations", "lots"], "is not a number"),
        (["record", "5g-base-stations", "nan"], "NaN and infinity"),
        (["record", "5g-base-stations", "inf"], "NaN and infinity"),
        (["record", "5g-base-stations", "1e999"], "too large to store"),
        (["record", "5g-base-stations", "-5"], "cannot be negative"),
        (["record", "5g-base-stations", "65%"], "is a percentage"),
        (["record", "5g-base-stations", "10人"], "does not match the unit"),
        (["record", "cnc-rate", "101"], "between 0 and 100"),
        (["record", "cnc-rate", "3万"], "is a percentage"),
        (["record", "design-institute", "maybe"], "not a milestone state"),
        (["record", "5g-base-stations", "41000", "--date", "2999-01-01"], "is in the future"),
        (["record", "5g-base-stations", "41000", "--date", "2024-13-01"], "is not a date"),
        (["record", "5g-base-stations", "41000", "--date", "someday"], "is not a date"),
        (["record", "5g-base-stations", "41000", "--date", "2023-06-30"], "before the baseline"),
        (["record", "5g-base-station", "41000"], "did you mean 5g-base-stations"),
        (["record", "cnc-rate", "1", "--add"], "--add is for counts"),
        (["undo", "--id", "99"], "no record #99"),
    ],
)
def test_every_rejected_input_is_one_line_and_changes_nothing(run, db, args, message, unchanged):
    assert run(["record", "5g-base-stations", "35000", "--date", "2024-03"]).code == 0
    before = unchanged()
    result = run(args)
    # An option's value that is not what it must be is bad usage (2); a value a plan refuses is data (1).
    assert result.code == (2 if "--add" in args or message == "is not a date" else 1)
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert unchanged() == before


def test_usage_errors_exit_2(run, db):
    assert run(["record", "5g-base-stations"]).code == 2
    assert run(["record", "5g-base-stations", "1", "--bogus"]).code == 2
    assert not db.exists()


def test_reads_never_create_the_data_file(run, db, store_env):
    for args in (["status"], ["log"], ["export"], ["explain", "cnc-rate"], ["where"]):
        assert run(args).code == 0
    assert not db.exists()
    if store_env:  # on a server: reads create no schema
        assert "schema version: 0" in run(["db", "info"]).stdout
    else:
        assert "not created yet" in run(["where"]).stdout


def test_a_named_data_file_that_does_not_exist_is_noted_not_read_silently(run, tmp_path, store_env):
    if store_env:
        pytest.skip("a server's store has no file to name")
    typo = tmp_path / "typo.db"
    for args in (["--db", str(typo), "status", "--format", "csv"], ["status", "--format", "csv"]):
        env = {"SYTRACK_DB": str(typo)} if args[0] == "status" else {}
        shown = run(args, env=env)
        how = "SYTRACK_DB" if env else "--db"
        assert shown.code == 0 and shown.stdout.startswith("id,group,")
        assert (
            shown.stderr
            == f"sytrack: note: no data file at {typo} ({how}): nothing is recorded there; check the path\n"
        )
        assert not typo.exists()
    run(["--db", str(typo), "record", "5g-base-stations", "41000", "--date", "2023-06"])
    assert typo.exists()
    again = run(["--db", str(typo), "status", "--format", "csv"])
    assert again.code == 0 and "no data file" not in again.stderr
    beside = run(["status", "--format", "csv"])  # the catalogue's own data file, not there yet: no note
    assert beside.code == 0 and beside.stderr == ""


def test_a_correction_supersedes_and_keeps_the_first_value(run, catalogue_file):
    run(["record", "5g-base-stations", "36000", "--date", "2024-06-30"])
    result = run(["record", "5g-base-stations", "37000", "--date", "2024-06-30", "--note", "revised"])
    assert "supersedes #1" in result.stdout
    current = json.loads(run(["log", "--format", "json"]).stdout)
    assert [(r["id"], r["value"], r["state"]) for r in current] == [(2, 37000, "current")]
    everything = json.loads(run(["log", "--all", "--format", "json"]).stdout)
    assert [(r["id"], r["state"], r["supersedes"]) for r in everything] == [(2, "current", 1), (1, "superseded", None)]


def test_undo_retracts_the_latest_and_the_value_before_returns(run, catalogue_file):
    run(["record", "5g-base-stations", "36000", "--date", "2024-06-30"])
    run(["record", "5g-base-stations", "37000", "--date", "2024-06-30"])
    result = run(["undo", "--note", "typo"])
    assert result.code == 0 and "retracted #2" in result.stdout
    rows = exported(run)
    assert [(r["id"], r["state"], r["retracts"]) for r in rows] == [
        ("1", "current", ""),
        ("2", "retracted", ""),
        ("3", "retraction", "2"),
    ]
    status = list(csv.DictReader(io.StringIO(run(["status", "--format", "csv", "--as-of", "2024-06-30"]).stdout)))
    assert {r["id"]: r["latest"] for r in status}["5g-base-stations"] == "36000"


def test_undo_by_id(run, catalogue_file):
    run(["record", "5g-base-stations", "36000", "--date", "2024-03-31"])
    run(["record", "cnc-rate", "64", "--date", "2024-03-31"])
    assert run(["undo", "--id", "1"]).code == 0
    assert run(["undo", "--id", "1"]).code == 1  # already retracted
    assert [r["state"] for r in exported(run)] == ["retracted", "current", "retraction"]


def test_add_counts_up_from_the_latest_total(run, catalogue_file):
    run(["record", "5g-base-stations", "36000", "--date", "2024-03-31"])
    result = run(["record", "5g-base-stations", "2000", "--add", "--date", "2024-04-30"])
    assert "= 38,000个" in result.stdout


def test_log_filters(run, catalogue_file):
    run(["record", "5g-base-stations", "36000", "--date", "2024-03-31"])
    run(["record", "cnc-rate", "64%", "--date", "2024-03-31"])
    only = json.loads(run(["log", "cnc-rate", "--format", "json"]).stdout)
    assert [r["indicator"] for r in only] == ["cnc-rate"]
    assert json.loads(run(["log", "--since", "2999", "--format", "json"]).stdout) == []
    assert len(json.loads(run(["log", "--since", "2020-01-01", "--format", "json"]).stdout)) == 2
    assert run(["log", "nonsense"]).code == 1


IMPORT_OK = 'indicator,value,date,note\n5g-base-stations,"36,000",2024-Q1,from report\ncnc-rate,64%,2024-03,\n'


def test_import_writes_every_row(run, tmp_path, catalogue_file):
    (tmp_path / "in.csv").write_text(IMPORT_OK, encoding="utf-8")
    result = run(["import", "in.csv"])
    assert result.code == 0, result.stderr
    assert "imported 2 records" in result.stdout
    assert [(r["indicator"], r["value"], r["date"]) for r in exported(run)] == [
        ("5g-base-stations", "36000", "2024-03-31"),
        ("cnc-rate", "64", "2024-03-31"),
    ]


def test_import_reads_excel_bom_and_stdin(run, tmp_path, catalogue_file):
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + IMPORT_OK.encode("utf-8"))
    assert run(["import", "bom.csv"]).code == 0
    runner_input = IMPORT_OK.replace("2024-03", "2024-04").replace("2024-Q1", "2024-Q2")
    result = run(["import", "-"], input=runner_input)
    assert result.code == 0, result.stderr
    assert len(exported(run)) == 4


def test_import_reports_every_bad_row_and_writes_nothing(run, db, tmp_path, unchanged):
    run(["record", "5g-base-stations", "35000", "--date", "2024-02"])
    before = unchanged()
    bad = IMPORT_OK + "5g-base-statins,1,2024-03,\ncnc-rate,120,2024-03,\ncnc-rate,64,someday,\n"
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    result = run(["import", "bad.csv"])
    assert result.code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("bad.csv:4: ") and "did you mean 5g-base-stations" in lines[0]
    assert lines[1].startswith("bad.csv:5: ") and "between 0 and 100" in lines[1]
    assert lines[2].startswith("bad.csv:6: ") and "is not a date" in lines[2]
    assert "3 bad rows in bad.csv; nothing was written" in lines[3]
    assert unchanged() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"indicator,value\n", "missing date"),
        (b"indicator,value,date,colour\n", "unknown column colour"),
        (b"\xff\xfe\x00i", "neither UTF-8"),
        (b"indicator,value,date\n5g-base-stations,1\n", "2 cells where the header has 3"),
    ],
)
def test_import_of_a_broken_file(run, tmp_path, db, content, message):
    (tmp_path / "x.csv").write_bytes(content)
    result = run(["import", "x.csv"])
    assert result.code == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not db.exists()


def test_import_dry_run_writes_nothing(run, tmp_path, db):
    (tmp_path / "in.csv").write_text(IMPORT_OK, encoding="utf-8")
    result = run(["import", "in.csv", "--dry-run"])
    assert result.code == 0 and "2 records would be written" in result.stdout
    assert not db.exists()


def test_import_of_a_missing_file(run, catalogue_file):
    result = run(["import", "nowhere.csv"])
    assert result.code == 1 and "nowhere.csv: cannot read" in result.stderr


def test_export_import_export_is_identical(run, tmp_path, catalogue_file):
    run(["record", "5g-base-stations", "36000", "--date", "2024-03-31", "--note", "=cmd|' /C calc'!A0"])
    run(["record", "5g-base-stations", "36500", "--date", "2024-03-31", "--note", 'revised, "quoted"\nnext line'])
    run(["record", "cnc-rate", "63.45", "--date", "2024-06-30", "--source", "统计局"])
    run(["record", "design-institute", "done", "--date", "2024-05"])
    run(["undo", "--id", "3"])
    first = run(["export"]).stdout_bytes
    (tmp_path / "export.csv").write_bytes(first)
    assert run(["--db", str(tmp_path / "copy.db"), "import", "export.csv"]).code == 0
    second = run(["--db", str(tmp_path / "copy.db"), "export"]).stdout_bytes
    assert second == first


def test_db_option_environment_and_packaged_default(run, tmp_path, empty_folder, store_env):
    if store_env:
        pytest.skip("about where data files go")
    run(["--db", str(tmp_path / "a.db"), "record", "5g-base-stations", "1", "--date", "2024-01"])
    assert (tmp_path / "a.db").exists()
    run(["record", "5g-base-stations", "1", "--date", "2024-01"], env={"SYTRACK_DB": str(tmp_path / "b.db")})
    assert (tmp_path / "b.db").exists()
    result = run(["record", "5g-base-stations", "35000", "--date", "2023-06"], cwd=empty_folder)
    assert result.code == 0, result.stderr
    assert (tmp_path / "xdg-data" / "sytrack" / "indicators.db").exists()
    assert not list(empty_folder.iterdir())


def test_completion_offers_ids_and_never_fails(catalogue_file, tmp_path, monkeypatch):
    from sytrack.cli.options import complete_ids

    class Context:
        def find_root(self):
            return self

        params = {"catalog": None}

    monkeypatch.chdir(tmp_path)
    assert [i for i, _ in complete_ids(Context(), "5g")] == ["5g-base-stations"]
    catalogue_file.write_text("not [valid toml", encoding="utf-8")
    assert complete_ids(Context(), "5g") == []


def test_formula_guard_in_an_export_is_undone_on_import(run, tmp_path, catalogue_file):
    notes = ["=1+1", "'quoted", "-minus", "plain"]
    for n, note in enumerate(notes, start=1):
        run(["record", "5g-base-stations", str(30000 + n), "--date", f"2024-0{n}", "--note", note])
    exported_bytes = run(["export"]).stdout_bytes
    assert b",'=1+1," in exported_bytes and b",''quoted," in exported_bytes
    (tmp_path / "export.csv").write_bytes(exported_bytes)
    run(["--db", str(tmp_path / "copy.db"), "import", "export.csv"])
    copied = json.loads(run(["--db", str(tmp_path / "copy.db"), "export", "--format", "json"]).stdout)
    assert [row["note"] for row in copied] == notes


def test_a_hand_made_import_keeps_a_leading_quote(run, tmp_path, catalogue_file):
    (tmp_path / "in.csv").write_text(
        "indicator,value,date,note\n5g-base-stations,1,2024-01,'as typed\n", encoding="utf-8"
    )
    run(["import", "in.csv"])
    assert json.loads(run(["export", "--format", "json"]).stdout)[0]["note"] == "'as typed"


def test_notes_for_values_far_from_the_target_and_whole_counts(run, catalogue_file):
    result = run(["record", "5g-base-stations", "4.1", "--date", "2024-03"])
    assert result.code == 1 and "counts whole things" in result.stderr
    far = run(["record", "5g-base-stations", "41", "--date", "2024-03"])
    assert far.code == 0 and far.stderr == (
        "sytrack: warning: 41个 for 5g-base-stations is far outside the expected "
        "10,000个 to 120,000个 (from its baseline and targets)\n"
    )


def test_an_output_file_s_suffix_chooses_the_format(run, tmp_path, catalogue_file):
    assert run(["status", "-o", "s.csv"]).code == 0
    assert (tmp_path / "s.csv").read_text(encoding="utf-8").startswith("id,group,")
    assert run(["status", "-o", "s.xlsx"]).code == 0
    assert (tmp_path / "s.xlsx").read_bytes().startswith(b"PK")


def test_a_header_only_import_writes_nothing(run, tmp_path, db):
    (tmp_path / "h.csv").write_text("indicator,value,date\n", encoding="utf-8")
    result = run(["import", "h.csv"])
    assert result.code == 1 and "nothing to import" in result.stderr
    assert not db.exists()


def test_writes_against_the_packaged_catalogue_say_so_once(run, empty_folder, catalogue_text, tmp_path):
    packaged = run(["record", "cnc-rate", "64%", "--date", "2023-06-30"], cwd=empty_folder)
    assert packaged.code == 0
    notes = [line for line in packaged.stderr.splitlines() if "packaged catalogue" in line]
    assert len(notes) == 1 and "sytrack init" in notes[0]
    assert packaged.stdout.startswith("recorded #1: cnc-rate")
    reads = run(["status", "--format", "csv"], cwd=empty_folder)
    assert "packaged catalogue" not in reads.stderr  # reading is no surprise; only writes are noted
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "indicators.toml").write_text(catalogue_text, encoding="utf-8")
    own = run(["record", "cnc-rate", "64%", "--date", "2024-06-30"], cwd=mine)
    assert own.code == 0 and "packaged" not in own.stderr
