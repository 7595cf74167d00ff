"""Schemas 3 and 4 (org and denominator; the in-force index by indicator, org): an upgrade killed at any moment
leaves the old schema whole or the new one whole."""

from __future__ import annotations

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
from sytrack.store.schema import MIGRATIONS, POSTGRES_TYPES, SCHEMA_VERSION, SQLITE_TYPES

ROWS = 100_000  # enough that rebuilding the indexes takes a noticeable moment, to be killed in


def _version_two_statements(types) -> list[str]:
    return [statement.format(**types._asdict()) for migration in MIGRATIONS[:2] for statement in migration]


def _rows() -> list[tuple]:
    """Values for the packaged catalogue's smart-factories, each date once, all in force."""
    return [
        (
            n,
            "shenyang-2023",
            "smart-factories",
            float(n % 40),
            f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "2023-07-01T08:00:00Z",
            "t",
            1,
        )
        for n in range(1, ROWS + 1)
    ]


def _v2_data_file(path: Path) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN")
    for statement in _version_two_statements(SQLITE_TYPES):
        connection.execute(statement)
    rows = _rows()
    connection.executemany(
        "INSERT INTO observation (id, plan, indicator, value, as_of, recorded_at, recorded_by,"
        " in_force) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    # Several values for one date: only the last is in force, as schema 2 keeps it.
    connection.execute(
        "UPDATE observation SET in_force = 0 WHERE id NOT IN (SELECT max(id) FROM observation"
        " GROUP BY plan, indicator, as_of)"
    )
    connection.execute("PRAGMA user_version = 2")
    connection.execute("COMMIT")
    connection.close()


def _sytrack(*arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sytrack", "--catalog", str(PACKAGED_CATALOGUE), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _export(db: str) -> bytes:
    process = _sytrack("--db", db, "export")
    out, err = process.communicate()
    assert process.returncode == 0, err
    return out


def _facts(db: Path) -> list[tuple]:
    """Every record's facts and state as schema 2 held them (what the upgrade must keep)."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT id, plan, indicator, value, as_of, recorded_at, recorded_by, in_force,"
            " retracted_by FROM observation ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def _in_force_index(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return [row[2] for row in connection.execute("PRAGMA index_info(observation_in_force)")]
    finally:
        connection.close()


def test_a_store_at_schema_three_gets_the_in_force_index_by_indicator_then_org(tmp_path):
    """Status streams one indicator at a time in this index's order; a store made at schema 3
    (org first) is brought to it, its records untouched."""
    db = tmp_path / "v3.db"
    connection = sqlite3.connect(db, isolation_level=None)
    for statement in [s.format(**SQLITE_TYPES._asdict()) for m in MIGRATIONS[:3] for s in m]:
        connection.execute(statement)
    connection.execute(
        "INSERT INTO observation (id, plan, indicator, value, as_of, recorded_at, recorded_by, in_force,"
        " org) VALUES (1, 'shenyang-2023', 'smart-factories', 7, '2023-06-30', '2023-07-01T08:00:00Z',"
        " 't', 1, 'tiexi')"
    )
    connection.execute("PRAGMA user_version = 3")
    connection.close()
    assert _in_force_index(db)[2:4] == ["org", "indicator"]
    exported = _export(str(db))
    assert exported.splitlines()[1].endswith(b",current,tiexi,")
    assert _in_force_index(db) == ["plan", "in_force", "indicator", "org", "as_of", "value", "denominator"]
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    connection.close()


def test_an_upgrade_killed_at_any_moment_leaves_one_whole_schema(tmp_path):
    original = tmp_path / "v2.db"
    _v2_data_file(original)
    facts = _facts(original)
    reference = tmp_path / "reference.db"
    reference.write_bytes(original.read_bytes())
    expected = _export(str(reference))  # upgraded without a kill
    assert expected.count(b"\n") == ROWS + 1 and b",current,,\r\n" in expected  # org '' and no denominator
    outcomes = {2: 0, SCHEMA_VERSION: 0}
    assert _in_force_index(reference) == ["plan", "in_force", "indicator", "org", "as_of", "value", "denominator"]
    for attempt in range(5):
        db = tmp_path / f"kill-{attempt}.db"
        db.write_bytes(original.read_bytes())
        process = _sytrack("--db", str(db), "status", "--format", "csv")  # a read upgrades first
        time.sleep(0.3 + random.uniform(0, 0.4) * (attempt % 3))  # start-up, then somewhere in the upgrade
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        connection = sqlite3.connect(db)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        columns = [row[1] for row in connection.execute("PRAGMA table_info(observation)")]
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
        # Either schema 2 whole (no org column) or the current one whole: never a column without its version.
        assert (version, "org" in columns, "denominator" in columns) in (
            (2, False, False),
            (SCHEMA_VERSION, True, True),
        )
        outcomes[version] += 1
        assert _facts(db) == facts
        # Every command can use it at once (a whole export, compared, on some of the attempts: it is slow).
        status = _sytrack("--db", str(db), "status", "--format", "csv")
        assert status.communicate()[0].startswith(b"id,") and status.returncode == 0
        if attempt % 3 == 0:
            assert _export(str(db)) == expected
    assert outcomes[2] > 0, outcomes  # at least one kill landed before the upgrade committed


def test_a_server_upgrade_killed_midway_leaves_schema_two_whole(postgres_url):
    import psycopg

    from sytrack.store.postgres import _Connection  # noqa: F401 - the driver sytrack uses is installed

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for statement in _version_two_statements(POSTGRES_TYPES):
            connection.execute(statement)
        connection.execute("CREATE TABLE sytrack_schema (version INTEGER NOT NULL)")
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY observation (id, plan, indicator, value, as_of, recorded_at, recorded_by, in_force) FROM STDIN"
            ) as copy:
                for n, plan, ind, value, day, at, by, _force in _rows():
                    copy.write_row((n, plan, ind, value, day, at, by, 0))
        connection.execute(
            "UPDATE observation SET in_force = 1 WHERE id IN (SELECT max(id) FROM observation"
            " GROUP BY plan, indicator, as_of)"
        )
        connection.execute("INSERT INTO sytrack_schema VALUES (2)")
        before = connection.execute(
            "SELECT md5(string_agg(id::text || ':' || value::text || ':' || in_force::text, ',' ORDER BY id))"
            " FROM observation"
        ).fetchone()[0]
    process = _sytrack("--db", postgres_url, "status", "--format", "csv")
    time.sleep(1.0)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        version = connection.execute("SELECT version FROM sytrack_schema").fetchone()[0]
        columns = {
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'observation'"
                " AND table_schema = current_schema()"
            )
        }
        assert (version, "org" in columns) in ((2, False), (SCHEMA_VERSION, True))
    assert _export(postgres_url).count(b"\n") == ROWS + 1
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        assert connection.execute("SELECT version FROM sytrack_schema").fetchone()[0] == SCHEMA_VERSION
        after = connection.execute(
            "SELECT md5(string_agg(id::text || ':' || value::text || ':' || in_force::text, ',' ORDER BY id))"
            " FROM observation"
        ).fetchone()[0]
        assert after == before
        assert (
            connection.execute(
                "SELECT count(*) FROM observation WHERE org <> '' OR denominator IS NOT NULL"
            ).fetchone()[0]
            == 0
        )


@pytest.fixture(autouse=True)
def _not_under_a_catalogue(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
