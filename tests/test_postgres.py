"""Team mode: the same sytrack on a PostgreSQL server. (Recording tests run on both stores in
test_cli_recording.py and test_store.py; these are about what only a server has.)"""

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest
from test_durability import RECORDS_EACH, WORKERS, _record_many

from sytrack.catalogue import PACKAGED_CATALOGUE
from sytrack.errors import SytrackError
from sytrack.store import SCHEMA_VERSION

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_eight_processes_recording_at_once_on_one_server(postgres_url):
    """Also: the schema is created by whichever of the eight writes first, safely."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        results = pool.map(_record_many, [(str(PACKAGED_CATALOGUE), postgres_url, w) for w in range(WORKERS)])
    assert all(codes == [0] * RECORDS_EACH for codes in results), results
    import psycopg

    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT count(*) FROM observation").fetchone()[0] == WORKERS * RECORDS_EACH
        assert connection.execute("SELECT count(DISTINCT id) FROM observation").fetchone()[0] == WORKERS * RECORDS_EACH


def test_a_process_killed_mid_import_leaves_the_server_as_before(postgres_url, tmp_path):
    common = ("--catalog", str(PACKAGED_CATALOGUE), "--db", postgres_url)
    run = lambda *a, **k: subprocess.run([sys.executable, "-m", "sytrack", *common, *a], capture_output=True, **k)  # noqa: E731
    assert run("record", "5g-base-stations", "35000", "--date", "2023-03-31").returncode == 0
    before = run("export").stdout
    # Many values for each date: their ids say in which order (else import refuses them).
    rows = ["indicator,value,date,id"] + [
        f"smart-factories,{n % 30},2023-{1 + n % 12:02d}-{1 + n % 28:02d},{n + 1}" for n in range(60_000)
    ]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "sytrack", *common, "import", str(tmp_path / "big.csv")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.2)  # checking the rows takes about a second: killed while it checks or writes
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()  # waits, and closes the pipes
    assert run("export").stdout == before


def test_the_same_records_give_the_same_reports_on_both_stores(run, tmp_path, catalogue_file, postgres_url):
    steps = [
        ["record", "5g-base-stations", "33000", "--date", "2024-03-31", "--note", "=q1"],
        ["record", "5g-base-stations", "36000", "--date", "2024-06-30"],
        ["record", "5g-base-stations", "36500", "--date", "2024-06-30", "--note", "revised"],
        ["record", "cnc-rate", "63.7", "--date", "2024-06-30"],
        ["undo"],
        ["record", "design-institute", "done", "--date", "2024-05"],
    ]
    outputs = {}
    for name, env in (("sqlite", {}), ("postgresql", {"SYTRACK_DB": postgres_url})):
        for step in steps:
            assert run(step, env=env).code == 0
        outputs[name] = [
            run(args, env=env).stdout
            for args in (
                ["status", "--format", "csv", "--as-of", "2024-06-30"],
                ["log", "--all", "--format", "csv"],
                ["explain", "5g-base-stations", "--as-of", "2024-06-30", "--format", "json"],
            )
        ]
        outputs[name][1] = [line.split(",")[:7] for line in outputs[name][1].splitlines()]  # recorded_at differs
    assert outputs["sqlite"] == outputs["postgresql"]


def test_passwords_are_never_printed(run, catalogue_file, postgres_url):
    with_password = postgres_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    for args in (["db", "info"], ["where"], ["record", "cnc-rate", "64", "--date", "2024-03"]):
        result = run(["--db", with_password, *args])
        assert result.code == 0, result.stderr
        assert "s3cret-pw" not in result.stdout + result.stderr
    assert "postgres:***@" in run(["--db", with_password, "db", "info"]).stdout
    unreachable = run(["--db", "postgresql://someone:s3cret-pw@127.0.0.1:1/teamdb", "status"])
    assert unreachable.code == 1 and unreachable.stderr.count("\n") == 1
    assert "127.0.0.1:1/teamdb" in unreachable.stderr and "s3cret-pw" not in unreachable.stderr


def test_a_missing_database_is_one_line_naming_host_and_database(run, catalogue_file, postgres_url):
    missing = postgres_url.split("?")[0].rsplit("/", 1)[0] + "/no_such_database_here"
    result = run(["--db", missing, "status"])
    assert result.code == 1 and result.stderr.count("\n") == 1
    assert "no_such_database_here" in result.stderr and "does not exist" in result.stderr


def test_db_copy_to_the_server_and_back(run, tmp_path, catalogue_file, postgres_url):
    run(["record", "5g-base-stations", "33000", "--date", "2024-03-31"])
    run(["record", "5g-base-stations", "34000", "--date", "2024-03-31"])
    run(["undo"])
    local = run(["export"]).stdout
    copied = run(["db", "copy", "--to", postgres_url])
    assert copied.code == 0 and "copied 3 records" in copied.stdout
    assert run(["--db", postgres_url, "export"]).stdout == local
    again = run(["db", "copy", "--to", postgres_url])
    assert again.code == 1 and "nothing was copied" in again.stderr
    back = run(["--db", postgres_url, "db", "copy", "--to", str(tmp_path / "back.db")])
    assert back.code == 0
    assert run(["--db", str(tmp_path / "back.db"), "export"]).stdout == local
    info = run(["--db", postgres_url, "db", "info"]).stdout
    assert (
        "store: postgresql" in info
        and f"schema version: {SCHEMA_VERSION} " in info
        and "records of this plan: 3" in info
    )


def test_without_a_url_the_driver_is_never_imported(tmp_path, catalogue_file):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sytrack", "status", "--format", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path), "SYTRACK_DB": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "psycopg" not in result.stderr


def test_a_missing_driver_says_how_to_install_it(run, catalogue_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = run(["--db", "postgresql://postgres@127.0.0.1:5432/test", "status"])
    assert result.code == 1 and "pip install 'sytrack[postgres]'" in result.stderr


SECRET = "s3cret-pw"


def password_forms(postgres_url: str) -> dict[str, str]:
    """The server's URL with a password in each form a user may write it (trust auth ignores it)."""
    from urllib.parse import quote

    encoded = quote("s3cret/pw@%", safe="")
    return {
        "user part": postgres_url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@"),
        "query": f"{postgres_url}&password={SECRET}",
        "encoded key": f"{postgres_url}&pass%77ord={SECRET}",
        "percent-encoded": postgres_url.replace("postgresql://postgres@", f"postgresql://postgres:{encoded}@"),
    }


@pytest.mark.parametrize("form", ["user part", "query", "encoded key", "percent-encoded"])
def test_no_command_prints_a_password_in_any_form(run, tmp_path, catalogue_file, postgres_url, form):
    url = password_forms(postgres_url)[form]
    (tmp_path / "in.csv").write_text("indicator,value,date\ncnc-rate,64,2024-03-31\n", encoding="utf-8")
    assert run(["record", "cnc-rate", "63", "--date", "2024-02"]).code == 0  # into the local data file
    for args in (
        ["db", "copy", "--to", url],
        ["--db", url, "where"],
        ["--db", url, "db", "info"],
        ["--db", url, "import", "in.csv"],
        ["--db", url, "import", "in.csv", "--dry-run"],
        ["--db", url, "record", "cnc-rate", "64", "--date", "2024-04"],
    ):
        result = run(args)
        assert result.code == 0, (args, result.stderr)
        for shown in (SECRET, "s3cret/pw@%", "s3cret%2Fpw"):
            assert shown not in result.stdout + result.stderr, (args, result.stdout, result.stderr)
        assert ("***" in result.stdout) is ("record" not in args), args  # every other one prints the location


@pytest.mark.parametrize("form", ["user part", "query", "encoded key", "percent-encoded"])
def test_a_failed_connection_prints_no_password(run, catalogue_file, form):
    unreachable = password_forms("postgresql://someone@127.0.0.1:1/teamdb?sslmode=disable")[form]
    for args in (["db", "info"], ["status"], ["db", "copy", "--to", unreachable]):
        result = run(["--db", unreachable, *args])
        assert result.code == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "127.0.0.1:1/teamdb" in result.stderr
        assert SECRET not in result.stderr and "s3cret%2Fpw" not in result.stderr


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("postgresql://ana:s3cret-pw@127.0.0.1:99999/team", "Port out of range"),
        ("postgresql://ana:s3cret-pw@127.0.0.1:port/team", "Port could not be cast"),
        ("postgresql://ana:s3cret-pw@[::1/team", "Invalid IPv6 URL"),
        ("postgresql://ana:s3cret-pw@127.0.0.1/team?colour=blue", "invalid URI query parameter"),
    ],
)
def test_a_malformed_url_is_a_usage_error_of_one_line_on_every_command(run, catalogue_file, tmp_path, url, what):
    (tmp_path / "in.csv").write_text("indicator,value,date\ncnc-rate,64,2024-03-31\n", encoding="utf-8")
    for args in (
        ["db", "info"],
        ["status"],
        ["log"],
        ["export"],
        ["undo"],
        ["import", "in.csv"],
        ["record", "cnc-rate", "64", "--date", "2024-03"],
    ):
        result = run(["--db", url, *args])
        assert result.code == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("sytrack: error: ")
        assert what in result.stderr and "s3cret-pw" not in result.stderr and "***" in result.stderr
    copy = run(["db", "copy", "--to", url])
    assert copy.code == 2 and what in copy.stderr and "s3cret-pw" not in copy.stderr
    where = run(["--db", url, "where"])
    assert where.code == 0 and "s3cret-pw" not in where.stdout


def test_a_connection_string_of_key_value_pairs_never_shows_its_password(postgres_url):
    from sytrack.store import open_store

    conninfo = "host=127.0.0.1 port=1 dbname=teamdb password='s3cret pw' connect_timeout=2"
    store = open_store(conninfo, "plan")
    assert store.location == "host=127.0.0.1 port=1 dbname=teamdb password=*** connect_timeout=2"
    with pytest.raises(SytrackError) as refused:
        store.count()
    assert "127.0.0.1:1/teamdb" in refused.value.message and "s3cret" not in refused.value.message


def test_a_key_value_connection_string_is_a_server_and_its_password_is_never_printed(run, catalogue_file, tmp_path):
    conninfo = "host=127.0.0.1 port=1 dbname=teamdb password='s3cret pw' connect_timeout=2"
    where = run(["--db", conninfo, "where"])
    assert where.code == 0
    assert "data: host=127.0.0.1 port=1 dbname=teamdb password=*** connect_timeout=2 (--db; PostgreSQL)" in where.stdout
    for args in (["db", "info"], ["status"], ["record", "cnc-rate", "64", "--date", "2024-03"]):
        result = run(["--db", conninfo, *args])
        assert result.code == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "127.0.0.1:1/teamdb" in result.stderr and "s3cret" not in result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("home", "xdg"))) == ["indicators.toml"]


def test_import_sends_its_rows_to_the_server_with_copy_not_one_insert_each(
    run, catalogue_file, postgres_url, tmp_path, monkeypatch
):
    """The PostgreSQL import is fast because its rows travel as one COPY stream: an INSERT per row
    (executemany) was many times slower. Every COPY and executemany the driver runs is counted."""
    import psycopg

    copies: list[str] = []
    inserted: list[str] = []
    copy, executemany = psycopg.Cursor.copy, psycopg.Cursor.executemany

    def counted_copy(self, statement, *args, **kwargs):
        copies.append(str(statement))
        return copy(self, statement, *args, **kwargs)

    def counted_executemany(self, query, params_seq, *args, **kwargs):
        rows = list(params_seq)
        if "INSERT INTO observation" in str(query):
            inserted.extend(map(str, rows))
        return executemany(self, query, rows, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", counted_copy)
    monkeypatch.setattr(psycopg.Cursor, "executemany", counted_executemany)
    rows = ["indicator,value,date"] + [f"5g-base-stations,{30000 + n},2024-{1 + n % 12:02d}-28" for n in range(12)]
    rows += [f"cnc-rate,{60 + n % 5},2024-{1 + n:02d}-28" for n in range(12)]
    (tmp_path / "rows.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(["import", str(tmp_path / "rows.csv")], env={"SYTRACK_DB": postgres_url})
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("imported 24 records from ")
    assert copies and all(statement.startswith("COPY observation (") for statement in copies)
    assert inserted == []
    exported = run(["export", "--format", "csv"], env={"SYTRACK_DB": postgres_url}).stdout.splitlines()
    assert len(exported) == 1 + 24 and exported[1].startswith("5g-base-stations,30000,2024-01-28,")
