"""The import written in SQL from the attached spool (store/direct.py): used exactly when no record
needs the plan, and giving the very rows the plan gives row by row."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sytrack.store import Store
from sytrack.store.spool import spooled

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def records(count: int, first_day: int = 0, timed: bool = False, org: str = "") -> list[tuple]:
    start = dt.date(2020, 1, 1)
    return [
        (
            None,
            f"ind-{n % 7}",
            (start + dt.timedelta(days=first_day + n // 7)).isoformat(),
            float(n),
            "t",
            f"note {n}" if n % 3 else "",
            "",
            None,
            f"2024-01-01T00:{(count - n) // 60 % 60:02d}:{(count - n) % 60:02d}Z" if timed else None,
            org,
            None if n % 2 else 0.5 * n,
        )
        for n in range(count)
    ]


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM observation ORDER BY id").fetchall()


def selected(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("INSERT INTO observation") and "spool.record" in s]


def one_by_one(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("INSERT INTO observation") and "VALUES" in s]


def imported(path: Path, batches: list[list[tuple]], spool: bool) -> list[tuple]:
    store = Store(path, "p")
    for batch in batches:
        # The plan is given the records as the spool gives them, in history order, as a list.
        store.import_counted(spooled(batch) if spool else list(spooled(batch)), NOW)
    return rows(path)


@pytest.mark.parametrize("timed", [False, True], ids=["file order", "history order"])
def test_independent_records_are_written_in_sql_as_the_plan_would_write_them(tmp_path, statements, timed):
    batch = records(3000, timed=timed) + records(40, first_day=900, org="tiexi")
    statements.clear()
    direct = imported(tmp_path / "direct.db", [batch], spool=True)
    assert len(selected(statements)) == 1 and not one_by_one(statements)
    statements.clear()
    planned = imported(tmp_path / "planned.db", [batch], spool=False)  # a list has no spool: the plan
    assert one_by_one(statements) and not selected(statements)
    assert direct == planned and len(direct) == 3040
    if timed:  # the newest first in the file, the oldest first in the store
        assert [row[0] for row in direct[:2]] == [1, 2] and direct[0][3] == 2999.0


@pytest.mark.parametrize("timed", [False, True], ids=["file order", "history order"])
def test_new_dates_revisions_and_rows_already_recorded_go_in_sql_as_the_plan_would_write_them(
    tmp_path, statements, timed
):
    first, later = records(300, timed=timed), records(70, first_day=500, timed=timed)
    revised = [(None, r[1], r[2], r[3] + 0.5, *r[4:]) for r in first[::3]]
    statements.clear()
    direct = imported(tmp_path / "a.db", [first, later], spool=True)
    assert len(selected(statements)) == 2 and not one_by_one(statements)
    assert direct == imported(tmp_path / "b.db", [first, later], spool=False)
    # Revisions of stored dates, mixed with rows already recorded and one new date.
    mixed = revised + first[1::3] + records(1, first_day=900, timed=timed)
    statements.clear()
    store = Store(tmp_path / "a.db", "p")
    assert store.import_counted(spooled(mixed), NOW, dry_run=True) == (101, 100)
    assert store.import_counted(spooled(mixed), NOW) == (101, 100)
    assert selected(statements) and not one_by_one(statements)
    planned = Store(tmp_path / "b.db", "p")
    assert planned.import_counted(list(spooled(mixed)), NOW) == (101, 100)
    assert rows(tmp_path / "a.db") == rows(tmp_path / "b.db")
    assert sum(row[11] for row in rows(tmp_path / "a.db")) == 371  # in force: one record per date


def test_a_file_imported_again_is_skipped_in_sql_and_changes_no_byte(tmp_path, statements):
    store = Store(tmp_path / "again.db", "p")
    assert store.import_counted(spooled(records(400)), NOW) == (400, 0)
    before = (tmp_path / "again.db").read_bytes()
    statements.clear()
    assert store.import_counted(spooled(records(400)), NOW) == (0, 400)
    assert not one_by_one(statements) and not [s for s in statements if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    assert (tmp_path / "again.db").read_bytes() == before


def test_a_dry_run_of_independent_records_counts_what_the_import_writes(tmp_path):
    store = Store(tmp_path / "d.db", "p")
    assert store.import_counted(spooled(records(500)), NOW, dry_run=True) == (500, 0)
    assert not (tmp_path / "d.db").exists()
    assert store.import_counted(spooled(records(500)), NOW) == (500, 0)
    assert store.import_counted(spooled(records(20, first_day=400)), NOW, dry_run=True) == (20, 0)
    assert store.import_counted(spooled(records(500)), NOW, dry_run=True) == (0, 500)  # all recorded


def test_the_spool_is_removed_after_an_import_and_a_killed_import_s_by_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"sytrack-import-{dead.stdout.strip()}-abc.db"
    stale.write_bytes(b"left by a killed import")
    ours = tmp_path / f"sytrack-import-{os.getpid()}-keep.db"
    ours.write_bytes(b"")
    spool = spooled(records(10))
    assert not stale.exists() and ours.exists() and Path(spool.path).exists()
    Store(tmp_path / "s.db", "p").import_counted(spool, NOW)
    spool.close()
    assert not Path(spool.path).exists()
