"""Several writers at once, and a process killed mid-import: nothing lost, nothing half-written."""

import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sytrack.catalogue import PACKAGED_CATALOGUE

WORKERS, RECORDS_EACH = 8, 50


def _record_many(arguments: tuple[str, str, int]) -> list[int]:
    """One process recording 50 values in turn, each through the whole CLI as a user would."""
    from typer.testing import CliRunner

    from sytrack.cli import app

    catalogue, db, worker = arguments
    runner = CliRunner()
    codes = []
    for n in range(RECORDS_EACH):
        day = f"2023-{1 + n % 12:02d}-{1 + worker:02d}"
        result = runner.invoke(
            app,
            [
                "--catalog",
                catalogue,
                "--db",
                db,
                "record",
                "smart-factories",
                str(n),
                "--date",
                day,
                "--by",
                f"worker-{worker}",
            ],
        )
        codes.append(result.exit_code)
        if result.exit_code != 0:
            codes.append(result.stderr)  # shows the failure in the assertion message
    return codes


def test_eight_processes_recording_at_once_lose_nothing(tmp_path):
    db = tmp_path / "shared.db"
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        results = pool.map(_record_many, [(str(PACKAGED_CATALOGUE), str(db), w) for w in range(WORKERS)])
    assert all(codes == [0] * RECORDS_EACH for codes in results), results
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT count(*) FROM observation").fetchone()[0] == WORKERS * RECORDS_EACH
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _sytrack(*arguments: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sytrack", *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    )


@pytest.mark.parametrize("attempt", range(3))
def test_a_process_killed_mid_import_leaves_the_store_as_before(tmp_path, attempt):
    catalogue, db = str(PACKAGED_CATALOGUE), tmp_path / "data.db"
    common = ("--catalog", catalogue, "--db", str(db))
    recorded = _sytrack(*common, "record", "5g-base-stations", "35000", "--date", "2023-03-31")
    recorded.communicate()  # waits, and closes the pipes
    assert recorded.returncode == 0
    before = _sytrack(*common, "export").communicate()[0]

    # Many values for each date: their ids say in which order (else import refuses them).
    rows = ["indicator,value,date,id"] + [
        f"smart-factories,{n % 30},2023-{1 + n % 12:02d}-{1 + n % 28:02d},{n + 1}" for n in range(60_000)
    ]
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    process = _sytrack(*common, "import", str(tmp_path / "big.csv"))
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 60
    while not wal.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # the write-ahead log appears when the import starts writing
    time.sleep(random.uniform(0, 0.3))
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"

    after = _sytrack(*common, "export").communicate()[0]
    assert after == before
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


KILLS = 16


def test_a_first_record_killed_at_any_point_leaves_a_store_every_command_can_use(tmp_path, run, catalogue_file):
    """The data file appears whole or not at all: whatever the moment of the kill, reading commands
    and undo work at once (issue 13, item 20: 1 in 30 such kills used to leave a file they refused)."""
    kills = {"before creating": 0, "while creating": 0, "after": 0}
    for attempt in range(KILLS):
        folder = tmp_path / f"kill-{attempt}"
        folder.mkdir()
        db = folder / "data.db"
        process = _sytrack(
            "--catalog", str(catalogue_file), "--db", str(db), "record", "cnc-rate", "64", "--date", "2024-03"
        )
        deadline = time.monotonic() + 30
        while not any(folder.iterdir()) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)  # the first file beside the data file: creation has begun
        time.sleep(random.uniform(0, 0.02) * (attempt % 4))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        kills[
            "after" if process.returncode == 0 else "while creating" if any(folder.iterdir()) else "before creating"
        ] += 1
        environment = {"SYTRACK_DB": str(db)}
        for args in (["status", "--format", "csv"], ["log", "--format", "csv"], ["export"], ["db", "info"]):
            result = run(args, env=environment)
            assert result.code == 0, (attempt, args, result.stderr)
        undone = run(["undo"], env=environment)
        assert undone.code == 0 or "nothing to undo" in undone.stderr, (attempt, undone.stderr)
        again = run(["record", "cnc-rate", "65", "--date", "2024-04"], env=environment)
        assert again.code == 0, (attempt, again.stderr)
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
    assert kills["while creating"] + kills["after"] > 0, kills


def test_a_new_data_file_is_created_beside_under_a_temporary_name(tmp_path, monkeypatch):
    """Seen from outside, the data file never exists without its schema."""
    from sytrack.store import SCHEMA_VERSION, Store, datafile
    from sytrack.store.sqlite import SQLiteBackend

    db = tmp_path / "data.db"
    seen = []
    real_build = SQLiteBackend._build

    def watching(self, connection):
        seen.append(db.exists())
        real_build(self, connection)
        seen.append(db.exists())

    monkeypatch.setattr(SQLiteBackend, "_build", watching)
    Store(db, "plan").count()  # a read creates nothing
    assert not db.exists()
    with Store(db, "plan").writing():
        pass
    assert seen == [False, False]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.db"]  # no temporary file left
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    connection.close()
    assert datafile.is_data_file(db)


def _not_regular_files(folder: Path) -> dict[str, Path]:
    import socket

    fifo, directory, sock = folder / "fifo", folder / "folder", folder / "s"
    os.mkfifo(fifo)
    directory.mkdir()
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(sock))
    listener.close()
    device = folder / "null-link"
    device.symlink_to("/dev/null")
    return {"a character device": device, "a named pipe (FIFO)": fifo, "a folder": directory, "a socket": sock}


def test_a_data_path_that_is_not_a_regular_file_is_refused_and_nothing_appears_beside_it(catalogue_file):
    import tempfile

    folder = Path(tempfile.mkdtemp(dir="/tmp"))  # a socket's path must be short
    (folder / "in.csv").write_text("indicator,value,date\ncnc-rate,64,2024-03\n", encoding="utf-8")
    try:
        paths = _not_regular_files(folder)
        before = sorted(p.name for p in folder.iterdir())
        for kind, path in paths.items():
            for args in (
                ["record", "cnc-rate", "64", "--date", "2024-03"],
                ["status"],
                ["log"],
                ["export"],
                ["undo"],
                ["db", "info"],
                ["import", str(folder / "in.csv")],
            ):
                result = subprocess.run(
                    [sys.executable, "-m", "sytrack", "--catalog", str(catalogue_file), "--db", str(path), *args],
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                assert result.returncode == 2, (kind, args, result.stderr)
                assert result.stderr == (
                    f"sytrack: error: {path} is {kind}, not a data file: give the path of a file"
                    f"{f' such as {path}/plan.db' if kind == 'a folder' else ''} (--db or SYTRACK_DB)\n"
                )
            assert sorted(p.name for p in folder.iterdir()) == before
            assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()
    finally:
        import shutil

        shutil.rmtree(folder)


def test_a_symlink_to_a_data_file_is_followed(tmp_path, run, catalogue_file):
    (tmp_path / "real").mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "real" / "data.db")  # points at nothing yet: the first record creates it
    assert run(["--db", str(link), "record", "cnc-rate", "64", "--date", "2024-03"]).code == 0
    assert link.is_symlink() and (tmp_path / "real" / "data.db").is_file()
    assert run(["--db", str(link), "record", "cnc-rate", "65", "--date", "2024-04"]).code == 0
    assert run(["--db", str(tmp_path / "real" / "data.db"), "export"]).stdout.count("\n") == 3


def test_temporary_files_left_by_a_killed_creation_are_removed_by_the_next_one(tmp_path):
    from sytrack.store import Store, datafile

    db = tmp_path / "data.db"
    stale, fresh = tmp_path / ".data.db.abc123.new", tmp_path / ".data.db.def456.new"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"")
    old = time.time() - datafile.STALE_SECONDS - 60
    os.utime(stale, (old, old))
    with Store(db, "plan").writing():
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, "data.db"]  # a fresh one may be another's
