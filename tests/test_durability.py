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
        result = runner.invoke(app, ["--catalog", catalogue, "--db", db, "record", "smart-factories", str(n), "--date", day,
                                     "--by", f"worker-{worker}"])
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
    return subprocess.Popen([sys.executable, "-m", "sytrack", *arguments], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


@pytest.mark.parametrize("attempt", range(3))
def test_a_process_killed_mid_import_leaves_the_store_as_before(tmp_path, attempt):
    catalogue, db = str(PACKAGED_CATALOGUE), tmp_path / "data.db"
    common = ("--catalog", catalogue, "--db", str(db))
    recorded = _sytrack(*common, "record", "5g-base-stations", "35000", "--date", "2023-03-31")
    recorded.communicate()  # waits, and closes the pipes
    assert recorded.returncode == 0
    before = _sytrack(*common, "export").communicate()[0]

    rows = ["indicator,value,date"] + [f"smart-factories,{n % 30},2023-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(60_000)]
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
