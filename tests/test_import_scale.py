"""Import at scale: the bulk load (a larger page cache, indexes rebuilt when an import at least doubles
the table) gives the same store as row-by-row inserts would, and happens only when it pays."""

import datetime as dt
import sqlite3
from pathlib import Path

from sytrack.store import Store
from sytrack.store.sqlite import IMPORT_CACHE_KIB, rebuild_indexes

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def records(count: int, first_day: int = 0) -> list[tuple]:
    start = dt.date(2020, 1, 1)
    return [
        (
            None,
            f"ind-{n % 7}",
            (start + dt.timedelta(days=first_day + n // 7)).isoformat(),
            float(n),
            "t",
            "",
            "",
            None,
            None,
        )
        for n in range(count)
    ]


def indexes(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM observation ORDER BY id").fetchall()


def test_indexes_are_rebuilt_only_when_the_import_at_least_doubles_the_table():
    assert rebuild_indexes(0, 1) and rebuild_indexes(1000, 1000) and rebuild_indexes(10, 1_000_000)
    assert not rebuild_indexes(1001, 1000) and not rebuild_indexes(2_000_000, 1_000_000)
    assert not rebuild_indexes(0, 0)


def test_an_import_into_an_empty_store_rebuilds_the_indexes_and_ends_with_the_same_ones(tmp_path, statements):
    from sytrack.store import NewObservation

    # The indexes an ordinary write leaves (the schema's own) are what the bulk load must leave.
    Store(tmp_path / "made.db", "p").record(NewObservation("ind-0", dt.date(2020, 1, 1), 1.0, "t"), NOW)
    expected = indexes(tmp_path / "made.db")
    statements.clear()
    store = Store(tmp_path / "bulk.db", "p")
    assert store.import_counted(records(500), NOW).written == 500
    dropped = [s for s in statements if s.startswith("DROP INDEX")]
    assert sorted(dropped) == sorted(f'DROP INDEX "{name}"' for name, _ in expected)
    assert sorted(s for s in statements if s.startswith("CREATE INDEX")) == sorted(sql for _, sql in expected)
    assert f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}" in statements
    assert indexes(tmp_path / "bulk.db") == expected
    with sqlite3.connect(tmp_path / "bulk.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_small_import_into_a_larger_store_keeps_the_indexes_and_gives_the_same_rows(tmp_path, statements):
    for name in ("a.db", "b.db"):
        Store(tmp_path / name, "p").import_counted(records(300), NOW)
    statements.clear()
    # The same later import, once as a bulk load would not do (into a), once row by row (b).
    Store(tmp_path / "a.db", "p").import_counted(records(70, first_day=500), NOW)
    assert not [s for s in statements if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    store_b = Store(tmp_path / "b.db", "p")
    for record in records(70, first_day=500):
        store_b.import_counted([record], NOW)
    assert rows(tmp_path / "a.db") == rows(tmp_path / "b.db")


def test_an_import_that_rebuilds_gives_the_rows_and_states_that_row_by_row_imports_give(tmp_path):
    # Revisions of dates already stored: supersession and in-force flags across the rebuild.
    first, revised = records(60), [(None, r[1], r[2], r[3] + 0.5, *r[4:]) for r in records(60)[::3]]
    bulk = Store(tmp_path / "bulk.db", "p")
    bulk.import_counted(first, NOW)
    bulk.import_counted(revised + records(80, first_day=20), NOW)  # 100 new rows: at least doubles 60
    one = Store(tmp_path / "one.db", "p")
    for record in first + revised + records(80, first_day=20):
        one.import_counted([record], NOW)
    assert rows(tmp_path / "bulk.db") == rows(tmp_path / "one.db")
    assert indexes(tmp_path / "bulk.db") == indexes(tmp_path / "one.db")


def test_an_import_that_writes_nothing_touches_no_index(tmp_path, statements):
    store = Store(tmp_path / "d.db", "p")
    store.import_counted(records(100), NOW)
    before = (tmp_path / "d.db").read_bytes()
    statements.clear()
    assert store.import_counted(records(100), NOW) == (0, 100)
    assert not [s for s in statements if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    assert (tmp_path / "d.db").read_bytes() == before


def test_reading_a_file_holds_neither_its_text_nor_its_records(tmp_path, monkeypatch):
    """The memory Python allocates while a file is read and its records given back stays a small
    fraction of the file: the text is decoded as it is read and the records are spooled to disk
    (a list of them, or the decoded text, would each be several times the file)."""
    import tracemalloc

    from conftest import SMALL_CATALOGUE

    from sytrack import encodings
    from sytrack.catalogue import parse_catalogue
    from sytrack.imports import read_import_file
    from sytrack.store import spool

    # What is held at a time is a chunk: rows waiting for SQLite, bytes whose encoding is checked.
    monkeypatch.setattr(spool, "_CHUNK", 500)
    monkeypatch.setattr(encodings, "_CHUNK", 1 << 16)
    catalogue, _ = parse_catalogue(SMALL_CATALOGUE, "t.toml")
    start = dt.datetime(2024, 7, 1)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("indicator,value,date,recorded_at\n")
        for n in range(30_000):  # newest first, as a log lists them: the spool sorts them back
            out.write(f"cnc-rate,{n % 90},2024-06-30,{start + dt.timedelta(seconds=30_000 - n):%Y-%m-%dT%H:%M:%SZ}\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            result = read_import_file(source, "big.csv", catalogue, dt.date(2025, 1, 1), "t")
            stamps, count = [], 0
            for record in result.records:  # read back in history order, one at a time
                stamps, count = (stamps + [record[8]])[:3], count + 1
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.records) == count == 30_000 and not result.problems
    assert stamps == ["2024-07-01T00:00:01Z", "2024-07-01T00:00:02Z", "2024-07-01T00:00:03Z"]
    assert peak < size / 2, f"{peak:,} bytes allocated reading a {size:,}-byte file"
