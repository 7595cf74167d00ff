"""Importing a history: a log or an export in any order keeps the value in force; rows already
recorded are skipped; rows nothing can order are refused; recorded_at is a real time."""

import csv
import datetime as dt
import io

import pytest
from conftest import SMALL_CATALOGUE
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli_recording import unchanged  # noqa: F401 (a fixture)

from sytrack.catalogue import parse_catalogue
from sytrack.imports import in_history_order, read_import_file

TODAY = dt.date(2025, 1, 1)


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


def current(run) -> list[tuple[str, str, str]]:
    result = run(["log", "--format", "csv"])
    assert result.code == 0, result.stderr
    return sorted((r["indicator"], r["date"], r["value"]) for r in csv.DictReader(io.StringIO(result.stdout)))


def everything(run) -> list[tuple]:
    result = run(["export", "--format", "csv"])
    return [
        (r["indicator"], r["value"], r["date"], r["note"], r["state"])
        for r in csv.DictReader(io.StringIO(result.stdout))
    ]


def record_a_revision(run):
    assert run(["record", "5g-base-stations", "36000", "--date", "2024-06-30"]).code == 0
    assert run(["record", "5g-base-stations", "36500", "--date", "2024-06-30", "--note", "revised"]).code == 0
    assert run(["record", "cnc-rate", "63", "--date", "2024-06-30"]).code == 0
    assert run(["undo"]).code == 0


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_log_newest_first_imported_into_an_empty_store_keeps_the_revision_in_force(
    run, tmp_path, catalogue_file, suffix, store_env
):
    record_a_revision(run)
    assert run(["log", "--all", "-o", f"log.{suffix}"]).code == 0
    other = {"SYTRACK_DB": str(tmp_path / "other.db")}
    result = run(["import", f"log.{suffix}"], env=other)
    assert result.code == 0, result.stderr
    assert current(lambda args: run(args, env=other)) == [("5g-base-stations", "2024-06-30", "36500")]
    assert everything(lambda args: run(args, env=other)) == everything(run)


def test_rows_recorded_in_the_same_second_are_ordered_by_their_ids(run, tmp_path, catalogue_file):
    same_second = "2024-07-01T08:00:00Z"
    (tmp_path / "log.csv").write_text(
        "indicator,value,date,id,recorded_at,supersedes\n"
        f"5g-base-stations,36500,2024-06-30,2,{same_second},1\n"
        f"5g-base-stations,36000,2024-06-30,1,{same_second},\n",
        encoding="utf-8",
    )
    assert run(["import", "log.csv"]).code == 0
    assert current(run) == [("5g-base-stations", "2024-06-30", "36500")]


def test_a_file_without_recorded_at_is_applied_in_file_order(run, tmp_path, catalogue_file):
    (tmp_path / "in.csv").write_text(
        "indicator,value,date\n5g-base-stations,36000,2024-06-30\n"
        "cnc-rate,63,2024-06-30\n5g-base-stations,36500,2024-07-31\n",
        encoding="utf-8",
    )
    assert run(["import", "in.csv"]).code == 0
    assert [row[:3] for row in everything(run)] == [
        ("5g-base-stations", "36000", "2024-06-30"),
        ("cnc-rate", "63", "2024-06-30"),
        ("5g-base-stations", "36500", "2024-07-31"),
    ]


def test_importing_the_same_file_twice_writes_nothing_the_second_time(run, tmp_path, catalogue_file, unchanged):
    (tmp_path / "in.csv").write_text(
        "indicator,value,date,note\n5g-base-stations,36000,2024-06-30,q2\ncnc-rate,63,2024-06-30,\n", encoding="utf-8"
    )
    assert run(["import", "in.csv"]).code == 0
    before = unchanged()
    dry = run(["import", "in.csv", "--dry-run"])
    assert dry.code == 0 and dry.stdout.startswith("0 records would be written to ")
    assert dry.stdout.endswith(" (dry run: nothing written); 2 rows already recorded, skipped\n")
    again = run(["import", "in.csv"])
    assert again.code == 0, again.stderr
    assert again.stdout.startswith("imported 0 records from in.csv into ")
    assert again.stdout.endswith("; 2 rows already recorded, skipped\n")
    assert unchanged() == before
    (tmp_path / "more.csv").write_text(
        "indicator,value,date,note\n5g-base-stations,36000,2024-06-30,q2\ncnc-rate,64,2024-07-31,\n", encoding="utf-8"
    )
    more = run(["import", "more.csv"])
    assert more.stdout.startswith("imported 1 record from more.csv") and more.stdout.endswith(
        "; 1 row already recorded, skipped\n"
    )


def test_an_export_imported_into_its_own_store_doubles_nothing(run, tmp_path, catalogue_file):
    record_a_revision(run)
    (tmp_path / "export.csv").write_bytes(run(["export"]).stdout_bytes)
    before = run(["export"]).stdout_bytes
    result = run(["import", "export.csv"])
    assert result.code == 0, result.stderr
    assert result.stdout.endswith("; 4 rows already recorded, skipped\n")
    assert run(["export"]).stdout_bytes == before


def test_a_note_that_differs_is_a_new_record(run, tmp_path, catalogue_file):
    (tmp_path / "a.csv").write_text(
        "indicator,value,date,note\n5g-base-stations,36000,2024-06-30,q2\n", encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text(
        "indicator,value,date,note\n5g-base-stations,36000,2024-06-30,q2 final\n", encoding="utf-8"
    )
    assert run(["import", "a.csv"]).code == 0 and run(["import", "b.csv"]).code == 0
    assert [row[3:] for row in everything(run)] == [("q2", "superseded"), ("q2 final", "current")]


def test_two_values_for_one_date_that_nothing_orders_are_refused_naming_both_lines(
    run, tmp_path, catalogue_file, unchanged
):
    assert run(["record", "cnc-rate", "63", "--date", "2024-03-31"]).code == 0
    before = unchanged()
    (tmp_path / "in.csv").write_text(
        "indicator,value,date\n5g-base-stations,36000,2024-06-30\ncnc-rate,64,2024-06-30\n"
        "5g-base-stations,36500,2024-06-30\n",
        encoding="utf-8",
    )
    result = run(["import", "in.csv"])
    assert result.code == 1
    assert result.stderr == (
        "sytrack: error: in.csv:4: 5g-base-stations 2024-06-30: 36500 here but 36000 on line 2,"
        " and nothing says which came later (no recorded_at or id): keep one of the two rows;"
        " nothing was written\n"
    )
    assert unchanged() == before


def test_a_row_repeated_in_one_file_is_written_once(run, tmp_path, catalogue_file):
    (tmp_path / "in.csv").write_text(
        "indicator,value,date\ncnc-rate,64,2024-06-30\ncnc-rate,64%,2024-06-30\n", encoding="utf-8"
    )
    result = run(["import", "in.csv"])
    assert result.code == 0 and result.stdout.endswith("; 1 row already recorded, skipped\n")
    assert everything(run) == [("cnc-rate", "64", "2024-06-30", "", "current")]


@pytest.mark.parametrize(
    "stamp",
    ["2023-13-45T99:99:99Z", "2023-02-29T08:00:00Z", "2023-06-30T24:00:00Z", "2023-06-30 08:00:00", "yesterday"],
)
def test_a_recorded_at_that_is_no_real_time_is_refused_with_its_line(run, tmp_path, catalogue_file, stamp, unchanged):
    before = unchanged()
    (tmp_path / "in.csv").write_text(
        f"indicator,value,date,recorded_at\ncnc-rate,64,2024-06-30,2024-07-01T08:00:00Z\n"
        f"cnc-rate,65,2024-07-31,{stamp}\n",
        encoding="utf-8",
    )
    result = run(["import", "in.csv"])
    assert result.code == 1
    assert result.stderr.startswith(f"sytrack: error: in.csv:3: recorded_at '{stamp}' is not a UTC time")
    assert unchanged() == before


# -- the reading stage, directly ----------------------------------------------------------------------


def read(text: str):
    catalogue, _ = parse_catalogue(SMALL_CATALOGUE, "t.toml")
    return read_import_file(text.encode("utf-8"), "in.csv", catalogue, TODAY, "tester")


def test_reading_counts_repeats_and_orders_a_history():
    result = read(
        "indicator,value,date,id,recorded_at\n"
        "cnc-rate,65,2024-06-30,3,2024-07-02T00:00:00Z\n"
        "cnc-rate,64,2024-06-30,2,2024-07-01T00:00:00Z\n"
        "cnc-rate,63,2024-06-30,,\n"
        "cnc-rate,63,2024-06-30,,\n"
    )
    assert result.problems == [] and result.repeated == 1
    assert [(r[0], r[3]) for r in result.records] == [(2, 64.0), (3, 65.0), (None, 63.0)]


def test_a_retraction_listed_before_its_target_is_read_and_one_of_nothing_is_refused():
    result = read(
        "indicator,value,date,id,retracts,recorded_at\n"
        "cnc-rate,,2024-06-30,2,1,2024-07-02T00:00:00Z\n"
        "cnc-rate,64,2024-06-30,1,,2024-07-01T00:00:00Z\n"
        "cnc-rate,,2024-06-30,4,9,2024-07-03T00:00:00Z\n"
    )
    assert [str(p) for p in result.problems] == ["in.csv:4: retracts #9, which is not a row of this file"]
    assert [r[0] for r in result.records] == [1, 2, 4]


stamps = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
    lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
)
history_rows = st.lists(
    st.tuples(st.one_of(st.none(), stamps), st.integers(1, 50)), max_size=30, unique_by=lambda row: row[1]
)


@given(history_rows)
@settings(max_examples=200)
def test_history_order_is_by_time_then_id_and_keeps_file_order_without_times(rows):
    records = [(file_id, "x", "2024-06-30", 1.0, "t", "", "", None, stamp) for stamp, file_id in rows]
    ordered = [record[:9] for record in in_history_order(list(records))]  # org and denominator added
    assert sorted(ordered) == sorted(records)  # nothing lost, nothing added
    if all(stamp is None for stamp, _ in rows):
        assert ordered == records
        return
    keys = [(r[8] or "~", r[0]) for r in ordered]
    assert keys == sorted(keys)  # every row without a time (recorded now) after every row with one


plain_rows = st.lists(
    st.tuples(
        st.sampled_from(["cnc-rate", "5g-base-stations"]),
        st.sampled_from(["2024-05-31", "2024-06-30"]),
        st.sampled_from(["61", "62", "62.0"]),
        st.sampled_from(["", "q2"]),
    ),
    max_size=12,
)


@given(plain_rows)
@settings(max_examples=200)
def test_rows_without_id_are_kept_once_repeated_or_refused_as_a_model_says(rows):
    # The model: the first row of each indicator and date is kept; a later one with the same value
    # and note is a repeat; any other is refused on its line, naming the first's.
    first: dict[tuple, tuple[int, float, str]] = {}
    kept, repeated, refused = [], 0, []
    for line, (indicator, day, value, note) in enumerate(rows, start=2):
        earlier = first.setdefault((indicator, day), (line, float(value), note))
        if earlier[0] == line:
            kept.append((indicator, day, float(value), note))
        elif earlier[1:] == (float(value), note):
            repeated += 1
        else:
            refused.append(f"in.csv:{line}: {indicator} {day}: ")
    result = read("indicator,value,date,note\n" + "".join(f"{i},{v},{d},{n}\n" for i, d, v, n in rows))
    assert [str(p)[: len(r)] for p, r in zip(result.problems, refused)] == refused
    assert len(result.problems) == len(refused) and result.repeated == repeated
    if not refused:
        assert [(r[1], r[2], r[3], r[5]) for r in result.records] == kept


def test_a_retraction_of_a_retraction_is_refused_and_nothing_is_written(run, tmp_path, catalogue_file):
    assert run(["record", "cnc-rate", "60", "--date", "2024-05-31"]).code == 0
    # Every record with every field (an empty -wal file may appear: SQLite's, as for any refused import).
    before = everything(run)
    (tmp_path / "in.csv").write_text(
        "indicator,value,date,id,retracts\ncnc-rate,60,2024-06-30,1,\n"
        "cnc-rate,,2024-06-30,2,1\ncnc-rate,,2024-06-30,3,2\n",
        encoding="utf-8",
    )
    result = run(["import", "in.csv"])
    assert result.code == 1
    assert result.stderr == (
        "sytrack: error: #2 of the file is itself a retraction, which cannot be retracted;"
        " record the value again instead; nothing was written\n"
    )
    assert everything(run) == before


@pytest.mark.parametrize("text", ["²", "١٢", "99999999999999999999"])
def test_an_id_that_is_no_storable_whole_number_is_refused_with_its_line(run, tmp_path, catalogue_file, text):
    (tmp_path / "in.csv").write_text(f"indicator,value,date,id\ncnc-rate,60,2024-06-30,{text}\n", encoding="utf-8")
    result = run(["import", "in.csv"])
    assert result.code == 1 and result.stderr.startswith(f"sytrack: error: in.csv:2: id '{text}' is ")
    assert "Traceback" not in result.stderr and result.stderr.endswith("; nothing was written\n")
