"""The data file: history that never loses a value, migrations, and the data file's location."""

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sytrack.errors import SytrackError
from sytrack.paths import data_path_for, user_data_dir
from sytrack.store import SCHEMA_VERSION, NewObservation, Store, open_store
from sytrack.store.importing import ImportCounts
from sytrack.store.ledger import InForce

D = dt.date
NOW = dt.datetime(2023, 7, 1, 8, 0, tzinfo=dt.UTC)


def new(indicator="a", day=D(2023, 6, 30), value=1.0, **fields):
    return NewObservation(indicator, day, value, "tester", **fields)


@pytest.fixture
def sqlite_store(tmp_path):
    return Store(tmp_path / "data.db", "plan")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The same tests on both kinds of store: a data file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return open_store(str(tmp_path / "data.db"), "plan")
    return open_store(request.getfixturevalue("postgres_url"), "plan")


@pytest.fixture
def other_store(store, tmp_path):
    """A second store of the same kind as `store`, empty."""
    if store.kind == "sqlite":
        return Store(tmp_path / "other.db", "plan")
    return Store(store.backend, "other-plan")


def test_reading_never_creates_the_data_file(sqlite_store):
    store = sqlite_store
    assert store.history() == [] and store.current() == {}
    assert not store.backend.path.exists()


def test_first_write_creates_a_wal_file_at_the_current_schema(sqlite_store):
    store = sqlite_store
    store.record(new(), NOW)
    connection = sqlite3.connect(store.backend.path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_second_value_for_the_same_date_supersedes_and_keeps_the_first(store):
    first = store.record(new(value=1.0, note="first"), NOW)
    second = store.record(new(value=2.0, note="revised"), NOW)
    assert second.supersedes == first.id
    states = {o.id: o.state for o in store.history()}
    assert states == {first.id: "superseded", second.id: "current"}
    assert store.current() == {"a": [(D(2023, 6, 30), 2.0)]}


def test_undo_retracts_without_deleting_and_restores_what_was_superseded(store):
    store.record(new(value=1.0), NOW)
    second = store.record(new(value=2.0), NOW)
    undone, retraction = store.undo(None, "tester", NOW)
    assert undone.id == second.id and retraction.retracts == second.id and retraction.value is None
    assert [o.state for o in store.history()] == ["current", "retracted", "retraction"]
    assert store.current() == {"a": [(D(2023, 6, 30), 1.0)]}
    assert len(store.history()) == 3  # nothing was deleted


def test_undo_by_id_and_its_refusals(store):
    first = store.record(new(value=1.0), NOW)
    store.record(new("b", value=5.0), NOW)
    _, retraction = store.undo(first.id, "tester", NOW)
    with pytest.raises(SytrackError, match="already retracted"):
        store.undo(first.id, "tester", NOW)
    with pytest.raises(SytrackError, match="is itself a retraction"):
        store.undo(retraction.id, "tester", NOW)
    with pytest.raises(SytrackError, match="no record #99"):
        store.undo(99, "tester", NOW)


def test_undo_with_no_data_file_creates_nothing(sqlite_store):
    store = sqlite_store
    with pytest.raises(SytrackError, match="nothing to undo"):
        store.undo(None, "tester", NOW)
    assert not store.backend.path.exists()


def test_add_increments_the_latest_value_since_a_date(store):
    store.record(new(day=D(2023, 3, 31), value=10.0), NOW)
    added = store.record(new(day=D(2023, 6, 30), value=3.0, add_since=D(2023, 1, 1)), NOW)
    assert added.value == 13.0
    fresh_period = store.record(new(day=D(2024, 3, 31), value=2.0, add_since=D(2024, 1, 1)), NOW)
    assert fresh_period.value == 2.0


def test_a_refused_value_writes_nothing(store):
    store.record(new(value=1.0), NOW)
    before = store.history()

    def refuse(value):
        raise SytrackError("no")

    with pytest.raises(SytrackError):
        store.record(new(value=2.0), NOW, validate=refuse)
    assert store.history() == before


def test_plans_sharing_a_store_do_not_mix(store):
    one, two = store, Store(store.backend, "two")
    one.record(new(value=1.0), NOW)
    assert two.history() == [] and len(one.history()) == 1


def test_import_is_all_or_nothing(store):
    store.record(new(value=1.0), NOW)
    before = store.history()
    with pytest.raises(SytrackError, match="not earlier in the file"):
        store.import_records(
            [
                (None, "b", "2023-06-30", 1.0, "t", "", "", None, None),
                (7, "c", "2023-06-30", None, "t", "", "", 99, None),
            ],
            NOW,
        )
    assert store.history() == before


def test_a_newer_schema_is_refused(sqlite_store):
    store = sqlite_store
    store.record(new(), NOW)
    connection = sqlite3.connect(store.backend.path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(SytrackError, match="newer sytrack"):
        store.history()
    with pytest.raises(SytrackError, match="newer sytrack"):
        store.record(new(), NOW)


def test_a_file_that_is_not_a_database_gets_a_clear_error(sqlite_store):
    store = sqlite_store
    store.backend.path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SytrackError, match="not a usable sytrack data file"):
        store.history()
    with pytest.raises(SytrackError, match="not a usable sytrack data file"):
        store.record(new(), NOW)


def test_where_the_data_file_lives(tmp_path):
    home = Path("/home/ana")
    assert user_data_dir("linux", {}, home) == home / ".local/share/sytrack"
    assert user_data_dir("linux", {"XDG_DATA_HOME": "/data"}, home) == Path("/data/sytrack")
    assert user_data_dir("darwin", {}, home) == home / "Library/Application Support/sytrack"
    assert (
        user_data_dir("win32", {"LOCALAPPDATA": r"C:\Users\ana\AppData\Local"}, home)
        == Path(r"C:\Users\ana\AppData\Local") / "sytrack"
    )
    assert (
        data_path_for(tmp_path / "plan" / "indicators.toml", False, tmp_path / "u")
        == tmp_path / "plan" / "indicators.db"
    )
    assert data_path_for(tmp_path / "pkg" / "indicators.toml", True, tmp_path / "u") == tmp_path / "u" / "indicators.db"


def row(file_id, value, day="2023-06-30", retracts=None, indicator="a", note="", recorded_at=None):
    return (file_id, indicator, day, value, "t", note, "", retracts, recorded_at)


def test_import_supersedes_and_retracts_like_records_one_by_one(store, other_store):
    stored = store.record(new(value=1.0), NOW)
    count = store.import_records(
        [
            row(1, 2.0),  # supersedes the stored 1.0
            row(2, 3.0),  # supersedes 2.0
            row(3, None, retracts=2),  # retracts 3.0: 2.0 is in force again
            row(4, 9.0, day="2023-07-31"),
            row(5, None, day="2023-07-31", retracts=4),  # nothing left in force for July
        ],
        NOW,
    )
    assert count == 5
    states = [(o.id, o.value, o.state, o.supersedes, o.retracts) for o in store.history()]
    assert states == [
        (stored.id, 1.0, "superseded", None, None),
        (2, 2.0, "current", 1, None),
        (3, 3.0, "retracted", 2, None),
        (4, None, "retraction", None, 3),
        (5, 9.0, "retracted", None, None),
        (6, None, "retraction", None, 5),
    ]
    assert store.current() == {"a": [(D(2023, 6, 30), 2.0)]}
    # The same history made record by record gives the same states.
    other = other_store
    other.record(new(value=1.0), NOW)
    other.record(new(value=2.0), NOW)
    other.record(new(value=3.0), NOW)
    third = other.history()[-1].id
    other.undo(third, "t", NOW)
    july = other.record(new(day=D(2023, 7, 31), value=9.0), NOW)
    other.undo(july.id, "t", NOW)
    assert [o.state for o in other.history()] == [s for _, _, s, _, _ in states]


def test_import_retracting_the_first_record_of_a_date_leaves_nothing_in_force(store):
    store.import_records([row(1, 5.0), row(2, None, retracts=1)], NOW)
    assert store.current() == {}


def test_copy_between_kinds_of_store_keeps_every_record(store, tmp_path):
    store.record(new(value=1.0, note="first"), NOW)
    store.record(new(value=2.0), NOW)
    store.undo(None, "t", NOW)
    copy = Store(tmp_path / "copy.db", "plan")
    assert store.copy_to(copy) == 3
    strip = lambda records: [(o.indicator, o.value, o.as_of, o.note, o.state) for o in records]  # noqa: E731
    assert strip(copy.history()) == strip(store.history())
    with pytest.raises(SytrackError, match="already holds 3 records"):
        store.copy_to(copy)


def test_add_on_a_new_period_does_not_count_the_last_period_s_total(store):
    store.record(new(day=D(2023, 12, 31), value=30.0), NOW)  # the 2023 total, dated on the 2024 start point
    added = store.record(new(day=D(2024, 3, 31), value=5.0, add_since=D(2023, 12, 31)), NOW)
    assert added.value == 5.0


def test_import_counts_rows_already_recorded_and_a_dry_run_counts_the_same(store):
    first = store.import_counted([row(1, 2.0, recorded_at="2023-07-01T08:00:00Z"), row(2, 3.0, day="2023-07-31")], NOW)
    assert first == ImportCounts(written=2, skipped=0)
    before = store.history()
    again = [
        row(1, 2.0, recorded_at="2023-07-01T08:00:00Z"),
        row(2, 3.0, day="2023-07-31"),
        row(3, 4.0, day="2023-08-31"),
    ]
    assert store.import_counted(again, NOW, dry_run=True) == ImportCounts(written=1, skipped=2)
    assert store.history() == before
    assert store.import_counted(again, NOW) == ImportCounts(written=1, skipped=2)
    assert len(store.history()) == 3


def test_a_dry_run_on_no_data_file_creates_nothing(sqlite_store):
    assert sqlite_store.import_counted([row(1, 2.0), row(2, None, retracts=1)], NOW, dry_run=True) == (2, 0)
    assert not sqlite_store.backend.path.exists()


def test_a_row_at_another_recorded_at_is_not_the_same_record(store):
    store.import_counted([row(1, 2.0, recorded_at="2023-07-01T08:00:00Z")], NOW)
    assert store.import_counted([row(1, 2.0, recorded_at="2023-07-02T08:00:00Z")], NOW) == (1, 0)


def test_importing_the_retraction_of_a_stored_record_brings_back_the_stored_value_before_it(store):
    store.record(new(value=1.0), NOW)
    second = store.record(new(value=2.0), NOW)
    # An export of the two, then a retraction of the second: the stored 1.0 is in force again.
    counts = store.import_counted([row(1, 1.0), row(2, 2.0), row(3, None, retracts=2)], NOW)
    assert counts == (1, 2)
    assert store.current() == {"a": [(D(2023, 6, 30), 1.0)]}
    assert [o.state for o in store.history()] == ["current", "retracted", "retraction"]
    assert store.history()[-1].retracts == second.id


def test_an_import_that_retracts_a_record_already_retracted_is_refused(store):
    store.record(new(value=1.0), NOW)
    store.undo(None, "tester", NOW, note="wrong")
    before = store.history()
    with pytest.raises(SytrackError, match="already retracted"):
        store.import_counted([row(1, 1.0), row(2, None, retracts=1)], NOW)
    assert store.history() == before
    # ...unless it is that very retraction, already recorded.
    assert store.import_counted([row(1, 1.0), row(2, None, retracts=1, note="wrong")], NOW) == (0, 2)


# -- the in-force ledger, directly ----------------------------------------------------------------------


def no_store_below(key, below, retracted):
    return None


def stored(*rows):
    """What a store held in force, as the ledger asks it: key -> id."""
    return {(indicator, org, as_of): record_id for indicator, org, as_of, record_id in rows}.get


def test_the_ledger_supersedes_and_steps_back_past_retracted_records():
    ledger = InForce(stored(("a", "", "d1", 5)), first_new_id=10, restore=no_store_below)
    assert ledger.supersede(("a", "", "d1"), 10) == 5
    assert ledger.supersede(("a", "", "d1"), 11) == 10
    assert ledger.supersede(("b", "", "d1"), 12) is None
    ledger.retract(11, ("a", "", "d1"), 13)
    assert ledger.in_force(("a", "", "d1")) == 10
    ledger.retract(10, ("a", "", "d1"), 14)
    assert ledger.in_force(("a", "", "d1")) == 5
    assert ledger.left_force == {10, 11} and ledger.came_back == {5}
    assert sorted(ledger.retractions()) == [(13, 11), (14, 10)]


def test_the_ledger_asks_the_store_below_a_stored_record_and_refuses_a_second_retraction():
    asked = []

    def restore(key, below, retracted):
        asked.append((key, below, 3 in retracted))
        return 3

    ledger = InForce(stored(("a", "", "d1", 5)), first_new_id=10, restore=restore)
    ledger.retract(5, ("a", "", "d1"), 10)
    assert ledger.in_force(("a", "", "d1")) == 3 and ledger.came_back == {3} and ledger.left_force == {5}
    assert asked == [(("a", "", "d1"), 5, False)]
    with pytest.raises(SytrackError, match="retracted twice"):
        ledger.retract(5, ("a", "", "d1"), 11)


def test_the_ledger_leaves_nothing_in_force_when_nothing_is_left():
    ledger = InForce(stored(), first_new_id=1, restore=no_store_below)
    ledger.supersede(("a", "", "d1"), 1)
    ledger.retract(1, ("a", "", "d1"), 2)
    assert ledger.in_force(("a", "", "d1")) is None and ledger.left_force == {1}
    ledger.retract(7, ("z", "", "d9"), 3)  # not in force: only marked retracted
    assert ledger.in_force(("z", "", "d9")) is None


def test_the_ledger_keeps_each_org_s_figure_for_a_date_apart_from_the_city_s():
    ledger = InForce(stored(("a", "", "d1", 5), ("a", "tiexi", "d1", 6)), first_new_id=10, restore=no_store_below)
    assert ledger.supersede(("a", "tiexi", "d1"), 10) == 6
    assert ledger.supersede(("a", "hunnan", "d1"), 11) is None
    assert ledger.in_force(("a", "", "d1")) == 5 and ledger.left_force == {6}


def test_the_ledger_holds_only_the_dates_something_later_touches_and_hands_over_what_left_force():
    asked = []

    def lookup(key):
        asked.append(key)
        return {("a", "", "d1"): 5, ("a", "", "d2"): 6}.get(key)

    tracked = {("a", "", "d1")}
    ledger = InForce(lookup, first_new_id=10, restore=no_store_below, tracked=tracked)
    assert ledger.supersede(("a", "", "d2"), 10) == 6  # untracked: the stored one leaves force
    assert ledger.supersede(("a", "", "d1"), 11) == 5
    assert sorted(ledger.flushed()) == [5, 6]
    assert ledger.left_force == set() and ledger.flushed() == []
    assert ledger.supersede(("a", "", "d1"), 12) == 11  # from memory: the store is not asked again
    assert asked == [("a", "", "d2"), ("a", "", "d1")]
    # A written value that left force in a chunk already written comes back when its successor goes.
    ledger.retract(12, ("a", "", "d1"), 13)
    assert ledger.in_force(("a", "", "d1")) == 11 and 11 in ledger.came_back


# -- one schema, two backends ---------------------------------------------------------------------------


def test_parameters_become_the_format_style_outside_quotes_and_a_literal_percent_is_doubled():
    from sytrack.store.backend import format_style

    assert format_style("SELECT id FROM observation WHERE plan = ? AND note = '?' AND source LIKE '5%' AND id = ?") == (
        "SELECT id FROM observation WHERE plan = %s AND note = '?' AND source LIKE '5%%' AND id = %s"
    )
    assert format_style('SELECT "a?b" FROM t WHERE x = ?') == 'SELECT "a?b" FROM t WHERE x = %s'


@given(st.lists(st.sampled_from(["?", "'?'", "'it''s'", "%", " x ", '"q?"']), max_size=12))
def test_format_style_turns_exactly_the_parameters_outside_quotes(parts):
    from sytrack.store.backend import format_style

    sql = "".join(parts)
    text, placeholders = as_psycopg_reads_it(format_style(sql))
    assert text == sql and placeholders == parts.count("?")  # the quoted '?' and "q?" stay text


def as_psycopg_reads_it(sql: str) -> tuple[str, int]:
    """The format style read back: %% is a literal %, %s a parameter (shown as ?)."""
    out, placeholders, position = [], 0, 0
    while position < len(sql):
        if sql[position] == "%":
            assert sql[position + 1] in "%s", sql
            placeholders += sql[position + 1] == "s"
            out.append("%" if sql[position + 1] == "%" else "?")
            position += 2
        else:
            out.append(sql[position])
            position += 1
    return "".join(out), placeholders


def test_both_backends_take_the_same_statements_with_their_own_types():
    from sytrack.store.schema import MIGRATIONS, POSTGRES_TYPES, SQLITE_TYPES, statements

    lite, server = statements(SQLITE_TYPES), statements(POSTGRES_TYPES)
    assert len(lite) == len(server) == sum(len(m) for m in MIGRATIONS)
    assert [s.replace("DOUBLE PRECISION", "REAL").replace("BIGINT", "INTEGER") for s in server] == lite
    assert statements(SQLITE_TYPES, from_version=1) == lite[len(MIGRATIONS[0]) :]


@contextlib.contextmanager
def at_version(store, version):
    """A write to a store whose table is as sytrack of schema `version` made it: the same
    statements the upgrade runs, on either backend."""
    from sytrack.store.schema import MIGRATIONS

    backend = store.backend
    with backend.writing() as connection:  # creates it at the current schema: go back
        connection.execute("DROP TABLE observation")
        for migration in MIGRATIONS[:version]:
            for statement in migration:
                connection.execute(statement.format(**backend.types._asdict()))
        yield connection
        backend.set_version(connection, version)


def stored_at_version_one(store):
    """A store as sytrack of schema 1 left it: two values for a date and a retraction."""
    from sytrack.store.schema import statements

    backend = store.backend
    with at_version(store, 1) as connection:
        for row in ((1, 1.0, None), (2, 2.0, None), (3, None, 2)):
            connection.execute(
                "INSERT INTO observation (id, plan, indicator, value, as_of, recorded_at, recorded_by,"
                " retracts) VALUES (?, 'plan', 'a', ?, '2023-06-30', '2023-07-01T08:00:00Z', 't', ?)",
                (row[0], row[1], row[2]),
            )
        backend.set_version(connection, 1)
    assert statements  # the upgrade below runs the same statements on either backend


def test_a_store_at_schema_one_is_upgraded_once_on_either_backend(store):
    stored_at_version_one(store)
    assert store.schema_version() == 1
    assert [o.state for o in store.history()] == ["current", "retracted", "retraction"]
    assert store.schema_version() == SCHEMA_VERSION
    assert store.current() == {"a": [(D(2023, 6, 30), 1.0)]}
