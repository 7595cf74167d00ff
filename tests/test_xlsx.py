"""Excel workbooks out (read back with openpyxl, as a user's spreadsheet would see them) and in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import AS_OF, display_width
from hypothesis import given
from hypothesis import strategies as st

from sytrack.formula_guard import guard_formula
from sytrack.values import format_plain
from sytrack.views.catalogue import LIST_COLUMNS
from sytrack.views.records import OBSERVATION_COLUMNS
from sytrack.views.status import STATUS_COLUMNS
from sytrack.xlsx import STATUS_FILLS, cell_text, number_cell

# ---------------------------------------------------------------------------------------------
# 5. Excel out


def as_csv_text(cell, key: str, kind: str) -> str:
    """What the CSV writes for the value in this cell, asserting the cell's type: numbers as numbers
    (a `*_pct` column the same percent number as in CSV), dates as dates, record times as times,
    booleans as booleans, everything else as text (never a formula)."""
    value = cell.value
    if value is None:
        return ""
    if kind == "number":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        return format_plain(float(value))
    if kind == "bool":
        assert isinstance(value, bool) and cell.data_type == "b", (key, value)
        return "true" if value else "false"
    if kind == "date":
        assert isinstance(value, dt.datetime), (key, value)  # a date cell, whichever command wrote it
        if key == "recorded_at":
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert value.time() == dt.time(), (key, value)
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
    "export": (["export"], OBSERVATION_COLUMNS),
}


@pytest.mark.parametrize("name", REPORT_COMMANDS)
def test_xlsx_has_the_same_cells_as_csv(run, recorded: Path, name: str):
    args, columns = REPORT_COMMANDS[name]
    as_csv = run([*args, "--format", "csv"])
    written = run([*args, "--format", "xlsx", "-o", f"{name}.xlsx"])
    assert as_csv.code == written.code == 0, written.stderr
    assert written.stdout == ""
    assert_workbook_matches_csv(recorded / f"{name}.xlsx", as_csv.stdout, columns, sheet=name)


def cell_types(path: Path) -> dict[str, set[str]]:
    """{column: the kinds of its non-empty cells}: date, time, number, bool or text."""
    import openpyxl

    worksheet = openpyxl.load_workbook(path).active
    rows = list(worksheet.iter_rows())
    kinds: dict[str, set[str]] = {}
    for cells in rows[1:]:
        for header, cell in zip(rows[0], cells):
            if cell.value is None:
                continue
            if isinstance(cell.value, dt.datetime):
                kind = "time" if "h" in cell.number_format else "date"
            else:
                kind = {bool: "bool", int: "number", float: "number", str: "text"}[type(cell.value)]
            kinds.setdefault(header.value, set()).add(kind)
    return kinds


def test_the_same_column_is_the_same_cell_type_in_every_workbook(run, recorded: Path):
    seen: dict[str, set[str]] = {}
    for name, (args, _) in REPORT_COMMANDS.items():
        assert run([*args, "-o", f"{name}.xlsx"]).code == 0
        for column, kinds in cell_types(recorded / f"{name}.xlsx").items():
            assert len(kinds) == 1, (name, column, kinds)
            seen.setdefault(column, set()).update(kinds)
    # `id` names two things in the published columns: an indicator's id (list, status), a record's number (log).
    assert {column: kinds for column, kinds in seen.items() if len(kinds) > 1} == {"id": {"number", "text"}}
    assert seen["date"] == seen["deadline"] == seen["latest_date"] == {"date"}
    assert seen["recorded_at"] == {"time"}
    assert seen["forecast_meets"] == {"bool"}
    assert seen["completion_pct"] == seen["value"] == {"number"}


def test_percent_columns_are_the_same_number_in_csv_json_and_xlsx(run, recorded: Path):
    import openpyxl

    rows = json.loads(run(["status", "--as-of", AS_OF, "--format", "json"]).stdout)
    as_csv = list(csv.DictReader(io.StringIO(run(["status", "--as-of", AS_OF, "--format", "csv"]).stdout)))
    assert run(["status", "--as-of", AS_OF, "-o", "status.xlsx"]).code == 0
    sheet = list(openpyxl.load_workbook(recorded / "status.xlsx").active.iter_rows(values_only=True))
    in_xlsx = [dict(zip(sheet[0], values)) for values in sheet[1:]]
    keys = [key for key in rows[0] if key.endswith("_pct")]
    assert keys == ["completion_pct", "time_elapsed_pct"]
    for key in keys:
        from_json = [row[key] for row in rows]
        assert [float(row[key]) if row[key] else None for row in as_csv] == from_json
        assert [row[key] for row in in_xlsx] == from_json
    assert any(49 < (row["time_elapsed_pct"] or 0) < 50 for row in rows), "percent numbers, not fractions"


values = st.one_of(st.integers(-(10**14), 10**14), st.floats(-1e12, 1e12, allow_nan=False).map(lambda v: round(v, 6)))


@given(values, st.booleans())
def test_a_number_shows_what_was_recorded_and_reads_back_exactly(value, percent):
    cell = number_cell(value, percent)
    assert cell.value == value
    shown = cell.shown.removesuffix("%") if percent else cell.shown
    assert float(shown.replace(",", "")) == value, "the text shown reads back as the value itself"
    assert not ("." in shown and shown.endswith("0")), "no padding zeros: 77.1, not 77.10"
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    codes = cell.number_format.replace('"%"', "")
    assert codes.count("0") - 1 == decimals and ("." in codes) == bool(decimals), cell.number_format
    assert ("," in shown) == (abs(value) >= 1000), "whole thousands grouped"


@pytest.mark.parametrize(
    ("value", "number_format", "as_time", "read"),
    [
        (dt.datetime(2024, 6, 30), "yyyy-mm-dd h:mm:ss", False, "2024-06-30"),  # a date typed with a time of 0:00
        (dt.datetime(2024, 6, 30), "yyyy-mm-dd hh:mm:ss", True, "2024-06-30T00:00:00Z"),  # recorded at midnight
        (dt.datetime(2024, 6, 30, 8, 0, 59, 999_700), "yyyy-mm-dd hh:mm:ss", True, "2024-06-30T08:01:00Z"),
        (0.635, "0.0%", False, "63.5"),
        (63.5, '#,##0.0"%"', False, "63.5"),  # a literal % is no percent format
        (63.5, "0.0\\%", False, "63.5"),
        (0.5, "[Red]0%", False, "50"),
        (True, '"TRUE";"TRUE";"FALSE"', False, "yes"),
    ],
)
def test_cells_read_back_as_typed(value, number_format, as_time, read):
    assert cell_text(value, number_format, as_time) == read


def test_columns_are_as_wide_as_their_text_on_screen(run, recorded: Path, catalogue_text: str):
    import openpyxl

    assert run(["list", "-o", "list.xlsx"]).code == 0
    worksheet = openpyxl.load_workbook(recorded / "list.xlsx").active
    rows = list(worksheet.iter_rows(values_only=True))
    header = rows[0]
    width = lambda key: worksheet.column_dimensions[chr(ord("A") + header.index(key))].width  # noqa: E731
    longest = lambda key: max(display_width(str(row[header.index(key)] or "")) for row in rows)  # noqa: E731
    # "创建工业设计研究院" is 9 characters and 18 columns wide: cut at 9 + 2 it would show half.
    assert longest("name_zh") == 18
    assert longest("name_zh") < width("name_zh") <= longest("name_zh") + 4
    assert longest("id") < width("id") <= longest("id") + 4
    assert all(width(key) <= 40 for key in header), "longer text wraps in its cell"


def test_printing_is_landscape_fit_to_width_with_the_header_on_every_page(run, recorded: Path):
    import openpyxl

    assert run(["status", "--as-of", AS_OF, "-o", "status.xlsx"]).code == 0
    worksheet = openpyxl.load_workbook(recorded / "status.xlsx").active
    setup = worksheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), "9 is A4 in the OOXML paper sizes"
    assert worksheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), "one page wide, as many down as needed"
    assert worksheet.print_title_rows == "$1:$1"
    assert worksheet.freeze_panes == "A2"


def soffice(*args: str, cwd: Path) -> None:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.skip("no LibreOffice (soffice) on PATH")
    subprocess.run(
        [binary, f"-env:UserInstallation={(cwd / 'lo-profile').as_uri()}", "--headless", *args],
        cwd=cwd,
        capture_output=True,
        timeout=180,
        check=True,
    )


def test_libreoffice_shows_what_was_recorded_and_prints_status_on_one_page_wide(run, recorded: Path):
    assert run(["record", "cnc-rate", "63.1", "--date", "2024-05-31", "--by", "tester"]).code == 0
    assert run(["status", "--as-of", AS_OF, "-o", "status.xlsx"]).code == 0
    # LibreOffice's CSV filter in UTF-8 (76), each cell written as shown (the ninth option).
    soffice(
        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "status.xlsx", cwd=recorded
    )
    shown = {row["id"]: row for row in csv.DictReader(io.StringIO((recorded / "status.csv").read_text("utf-8")))}
    data = {row["id"]: row for row in json.loads(run(["status", "--as-of", AS_OF, "--format", "json"]).stdout)}
    assert shown["cnc-rate"]["latest"] == "63.1", "77.1 shows as 77.1, not 77.10"
    assert shown["5g-base-stations"]["target"] == "40,000"
    assert shown["5g-base-stations"]["deadline"] == "2024-12-31"
    assert shown["5g-base-stations"]["forecast_meets"] == str(data["5g-base-stations"]["forecast_meets"]).upper()
    assert shown["cnc-rate"]["completion_pct"] == f"{data['cnc-rate']['completion_pct']}%"
    soffice("--convert-to", "pdf", "status.xlsx", cwd=recorded)
    info = subprocess.run(["pdfinfo", "status.pdf"], cwd=recorded, capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    assert pages == 1 and width > height, info


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
def test_import_with_one_bad_row_writes_nothing_and_names_sheet_and_row(
    run, catalogue_file: Path, tmp_path: Path, data_before: bool
):
    if data_before:
        assert run(["record", "cnc-rate", "63", "--date", "2024-03-31", "--by", "tester"]).code == 0
    before = data_files(tmp_path)
    assert bool(before) == data_before
    bad = {
        **GOOD_SHEETS,
        "Parks": [
            *GOOD_SHEETS["Parks"],
            ["design-institute", "done", dt.date(2024, 10, 31)],
            ["no-such-indicator", 1, dt.date(2024, 9, 30)],
        ],
    }
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
        "Parks": [
            ["indicator", "value", "date"],
            [],
            ["design-institute", "done", dt.date(2099, 12, 31)],
        ],  # a date in the future
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


def test_a_record_made_at_midnight_utc_survives_an_xlsx_round_trip(run, catalogue_file: Path, tmp_path: Path):
    # A time cell at 00:00:00 looks like a plain date to a spreadsheet; under recorded_at it stays a time.
    export = (
        "indicator,value,date,note,source,by,id,recorded_at,supersedes,retracts,state,org,denominator\r\n"
        "cnc-rate,63.5,2024-06-30,,,tester,1,2024-07-01T00:00:00Z,,,current,,\r\n"
        "cnc-rate,64,2024-09-30,,,tester,2,2024-10-01T08:30:05Z,,,current,,\r\n"
    )
    (tmp_path / "all.csv").write_text(export, encoding="utf-8", newline="")
    assert run(["import", "all.csv"]).code == 0
    assert run(["export", "-o", "all.xlsx"]).code == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copyfile(catalogue_file, fresh / "indicators.toml")
    result = run(["import", str(tmp_path / "all.xlsx")], cwd=fresh)
    assert result.code == 0, result.stderr
    # An export made before schema 3 imports as it was; exported again it ends with the org and
    # denominator columns, empty: the city's own figures.
    upgraded = export.replace("state\r\n", "state,org,denominator\r\n").replace("current\r\n", "current,,\r\n")
    assert run(["export"], cwd=fresh).stdout == upgraded


@given(st.text(alphabet=st.characters(blacklist_categories=("Mn", "Me", "Cs"))))
def test_display_width_counts_wide_characters_two_and_others_one(text):
    from sytrack.visible import display_width as measured

    assert measured(text) == display_width(text)  # conftest's plain per-character definition
    assert measured("关键工序" + text) == 8 + display_width(text)
