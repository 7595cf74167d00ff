"""Excel workbooks out (read back with openpyxl, as a user's spreadsheet would see them) and in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import AS_OF

from sytrack.formula_guard import guard_formula
from sytrack.values import format_plain
from sytrack.views.catalogue import LIST_COLUMNS
from sytrack.views.records import OBSERVATION_COLUMNS
from sytrack.views.status import STATUS_COLUMNS
from sytrack.xlsx import STATUS_FILLS

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
