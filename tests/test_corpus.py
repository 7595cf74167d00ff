"""A corpus of bad input across every command: each gets exit 1 or 2, one line on stderr, no
traceback, and leaves the data file and the catalogue byte for byte as they were."""

from pathlib import Path

import pytest

BAD = [
    # record: values
    ["record", "5g-base-stations", "abc"],
    ["record", "5g-base-stations", "nan"],
    ["record", "5g-base-stations", "inf"],
    ["record", "5g-base-stations", "-inf"],
    ["record", "5g-base-stations", "1e999"],
    ["record", "5g-base-stations", ""],
    ["record", "5g-base-stations", "4,10"],
    ["record", "5g-base-stations", "1.2.3"],
    ["record", "5g-base-stations", "65%"],
    ["record", "5g-base-stations", "10人"],
    ["record", "5g-base-stations", "-5"],
    ["record", "cnc-rate", "101"],
    ["record", "cnc-rate", "3万"],
    ["record", "cnc-rate", "-0.5"],
    ["record", "design-institute", "maybe"],
    ["record", "design-institute", "2"],
    ["record", "5g-base-stations", "４万个人"],
    # record: number characters that are not decimal digits (issue 13 item 6), a value --strict refuses (item 5)
    ["record", "5g-base-stations", "10²"],
    ["record", "5g-base-stations", "4²万"],
    ["record", "5g-base-stations", "⒈5万"],
    ["record", "5g-base-stations", "①"],
    ["record", "5g-base-stations", "3₅000"],
    ["record", "design-institute", "①"],
    ["record", "5g-base-stations", "41000", "--date", "2024-0³"],
    ["record", "5g-base-stations", "350000", "--date", "2024-04", "--strict"],
    ["record", "cnc-rate", "0.645", "--date", "2024-04", "--strict"],
    # record: dates, ids, options
    ["record", "5g-base-stations", "41000", "--date", "2999"],
    ["record", "5g-base-stations", "41000", "--date", "2024-13-01"],
    ["record", "5g-base-stations", "41000", "--date", "2024-02-30"],
    ["record", "5g-base-stations", "41000", "--date", "someday"],
    ["record", "5g-base-stations", "41000", "--date", ""],
    ["record", "5g-base-stations", "41000", "--date", "2023-06-30"],
    ["record", "5g-base-station", "41000"],
    ["record", "", "41000"],
    ["record", "cnc-rate", "1", "--add"],
    ["record", "5g-base-stations", "1", "--bogus"],
    ["record", "5g-base-stations"],
    ["record"],
    # undo, log, status, explain, show, list
    ["undo", "--id", "999"],
    ["undo", "--id", "abc"],
    ["undo", "--id", "-1"],
    ["log", "nonsense"],
    ["log", "--since", "whenever"],
    ["log", "--format", "xml"],
    ["status", "--as-of", "soon"],
    ["status", "--group", "nope"],
    ["status", "--status", "fine"],
    ["status", "--sort", "random"],
    ["status", "--fail-on", "sometimes"],
    ["status", "--target-year", "1999"],
    ["status", "--format", "xml"],
    ["status", "--format", "xlsx"],
    ["explain", "nope"],
    ["explain", "cnc-rate", "--as-of", "later"],
    ["explain", "cnc-rate", "--target-year", "1999"],
    ["show", "nope"],
    ["show", "cnc-rate", "--as-of", "later"],
    ["list", "--group", "nope"],
    ["list", "--lang", "fr"],
    # files in and out
    ["import", "missing.csv"],
    ["import", "empty.csv"],
    ["import", "header.csv"],
    ["import", "row.csv"],
    ["import", "latin1.csv"],
    ["import", "folder"],
    ["import", "junk.xlsx"],
    ["export", "--format", "xml"],
    ["export", "-o", "no/such/folder/out.csv"],
    ["report", "--html", "no/such/folder/r.html"],
    ["report", "--html", "r.html", "--as-of", "never"],
    ["report"],
    ["extract", "missing.md"],
    ["extract", "plan.md", "--group-by", "chapter"],
    ["extract", "latin1.csv"],
    ["merge", "missing.toml"],
    ["merge", "broken.toml"],
    # the catalogue
    [
        "add",
        "--id",
        "x",
        "--group",
        "digital",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--kind",
        "level",
        "--direction",
        "increase",
        "--target",
        "lots@2024",
    ],
    [
        "add",
        "--id",
        "x",
        "--group",
        "nowhere",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--kind",
        "level",
        "--direction",
        "increase",
        "--target",
        "1@2024",
    ],
    [
        "add",
        "--id",
        "x",
        "--group",
        "digital",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--kind",
        "levle",
        "--direction",
        "increase",
        "--target",
        "1@2024",
    ],
    [
        "add",
        "--id",
        "cnc-rate",
        "--group",
        "digital",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--kind",
        "level",
        "--direction",
        "increase",
        "--target",
        "1@2024",
    ],
    [
        "add",
        "--id",
        "x",
        "--group",
        "digital",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--kind",
        "level",
        "--direction",
        "increase",
        "--target",
        "1@2024",
        "--baseline",
        "2@2030",
    ],
    ["add", "--id", "x", "--group", "digital"],
    ["init", "indicators.toml"],
    # global options
    ["--catalog", "missing.toml", "status"],
    ["--db", "notadb.db", "status"],
    ["--db", "notadb.db", "record", "cnc-rate", "64"],
    ["--db", "folder", "record", "cnc-rate", "64"],
    ["nosuchcommand"],
    ["--bogus"],
    # issue 13: history files, connection strings with secrets, hostile catalogues and outputs, option placement
    ["import", "bad-time.csv"],
    ["import", "unordered.csv"],
    ["import", "fifo"],
    ["--db", "postgresql://ana:secret@127.0.0.1:99999/test", "status"],
    ["--db", "postgresql://ana@127.0.0.1:99999/test?password=secret", "record", "cnc-rate", "64"],
    ["--db", "host=127.0.0.1 port=99999 password=secret dbname=test", "log"],
    ["--db", "/dev/null", "record", "cnc-rate", "64"],
    ["--db", "fifo", "status"],
    ["--catalog", "fifo", "status"],
    ["--catalog", "/dev/zero", "list"],
    ["--catalog", "deep.toml", "check"],
    ["--catalog", "folder", "status"],
    ["list", "--format", "csv", "-o", "folder"],
    ["status", "--catalog", "indicators.toml"],
    ["status", "--as-of", "yesterday"],
    ["log", "--since", "last-week"],
]
SECRET = "secret"


@pytest.fixture
def prepared(run, tmp_path, catalogue_file):
    """A store with records, and the bad files the corpus refers to."""
    assert run(["record", "5g-base-stations", "35000", "--date", "2024-03"]).code == 0
    assert run(["record", "cnc-rate", "64", "--date", "2024-03"]).code == 0
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text("indicator,amount,date\n", encoding="utf-8")
    (tmp_path / "row.csv").write_text("indicator,value,date\ncnc-rate,lots,2024-04\n", encoding="utf-8")
    (tmp_path / "latin1.csv").write_bytes("indicator,value,date\ncnc-rate,64,2024-04\n# é".encode("latin-1"))
    (tmp_path / "folder").mkdir()
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "notadb.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50 + b"garbage" * 100)
    (tmp_path / "plan.md").write_text("5G基站力争突破4万个。", encoding="utf-8")
    (tmp_path / "broken.toml").write_text("[[indicator]\nid =", encoding="utf-8")
    (tmp_path / "bad-time.csv").write_text(
        "indicator,value,date,recorded_at\ncnc-rate,64,2024-04,2023-13-45T99:99:99Z\n", encoding="utf-8"
    )
    (tmp_path / "unordered.csv").write_text(
        "indicator,value,date\ncnc-rate,64,2024-04\ncnc-rate,65,2024-04\n", encoding="utf-8"
    )
    (tmp_path / "deep.toml").write_text("x = " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    import os

    os.mkfifo(tmp_path / "fifo")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_fifo()}


def test_the_corpus_has_at_least_fifty_inputs():
    assert len(BAD) >= 50


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a)[:60] for a in BAD])
def test_bad_input_is_one_line_and_changes_nothing(run, prepared, args):
    before = snapshot(prepared)
    result = run(args)
    assert result.code in (1, 2), (result.code, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("sytrack: error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert SECRET not in result.stderr + result.stdout  # a password is never printed
    assert snapshot(prepared) == before
