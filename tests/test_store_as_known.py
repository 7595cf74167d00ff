"""The store "as known at a moment" against its definition (sytrack.replay, on the full history).

The store answers as-known reads from two derived columns (superseded_at, retracted_at, schema
5) kept by every write; `replay` works from the facts alone. Random histories mix records written
now, records carrying an earlier recorded_at (as `import` keeps a file's), revisions, retractions
and imports, so that ids and recorded_at disagree in order; each store read as known before
every instant that matters must equal the definition. A write path that stopped keeping the
columns, or a read that stopped using them right, fails here.
"""

from __future__ import annotations

import collections
import datetime as dt
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sytrack.errors import SytrackError
from sytrack.replay import in_force_as_known, receipts_as_known
from sytrack.store import NewObservation, Store, open_store

D = dt.date
START = dt.datetime(2024, 3, 1, 8, tzinfo=dt.UTC)
DAYS = (D(2024, 1, 31), D(2024, 2, 29))
# recorded_at a record may carry: some before, some among, some after the ones written "now"
CARRIED = ("2024-02-10T00:00:00Z", "2024-03-01T12:00:00Z", "2024-03-02T09:30:00Z", "2024-03-05T00:00:00Z")

writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("record"),
            st.sampled_from(["a", "b"]),
            st.sampled_from(["", "tiexi"]),
            st.sampled_from(DAYS),
            st.integers(0, 9),
            st.none() | st.sampled_from(CARRIED),
        ),
        st.tuples(st.just("undo"), st.integers(0, 20)),
        st.tuples(
            st.just("import"),
            st.lists(
                st.tuples(
                    st.sampled_from(["a", "b"]),
                    st.sampled_from(["", "tiexi"]),
                    st.sampled_from(DAYS),
                    st.integers(0, 9),
                    st.sampled_from(CARRIED),
                ),
                min_size=1,
                max_size=4,
            ),
        ),
    ),
    min_size=1,
    max_size=12,
)


def _write(store: Store, operations) -> None:
    ids: list[int] = []
    for n, op in enumerate(operations):
        now = START + dt.timedelta(hours=5 * n)
        try:
            if op[0] == "record":
                _, indicator, org, day, value, carried = op
                new = NewObservation(indicator, day, float(value), "li", org=org, recorded_at=carried)
                ids.append(store.record(new, now).id)
            elif op[0] == "undo":
                store.undo(ids[op[1] % len(ids)] if ids else None, "li", now)
            else:
                rows = [
                    (None, indicator, day.isoformat(), float(value), "li", "", "", None, carried, org, None)
                    for indicator, org, day, value, carried in op[1]
                ]
                store.import_records(rows, now)
        except SytrackError:
            pass  # nothing to undo, or already retracted: refused, nothing written


def _cutoffs(history) -> list[str]:
    """Every instant at which what is known can change, and the instants either side of them."""
    moments = set()
    for record in history:
        at = dt.datetime.strptime(record.recorded_at, "%Y-%m-%dT%H:%M:%SZ")
        for shift in (-1, 0, 1):
            moments.add((at + dt.timedelta(seconds=shift)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return sorted(moments)


def _assert_as_known_matches_the_definition(store: Store) -> None:
    history = store.history()
    for known_by in _cutoffs(history):
        expected = {key: record.value for key, record in in_force_as_known(history, known_by).items()}
        found = {}
        for indicator, own, orgs in store.current_with_orgs(known_by=known_by):
            for org, points in [("", own), *orgs.items()]:
                found.update({(indicator, org, point[0]): point[1] for point in points})
        assert found == expected, known_by
        own = {(i, "", p[0]): p[1] for i, points in store.current(known_by=known_by).items() for p in points}
        assert own == {key: value for key, value in expected.items() if key[1] == ""}
        receipts = {
            (indicator, org): days
            for indicator, by_org in store.receipts(known_by).items()
            for org, days in by_org.items()
        }
        assert receipts == receipts_as_known(history, known_by), known_by
        counted = collections.Counter(r.indicator for r in history if r.recorded_at < known_by)
        assert store.records_per_indicator(known_by=known_by) == dict(counted)
        states = {r.id: r.state for r in store.history(known_by=known_by)}
        in_force = {r.id for r in in_force_as_known(history, known_by).values()}
        assert {i for i, state in states.items() if state == "current"} == in_force
        for indicator in ("a", "b"):
            one = {r.id: r.state for r in store.history(indicator, known_by=known_by)}
            assert one == {i: s for i, s in states.items() if i in one}


@settings(max_examples=150, deadline=None)
@given(writes)
def test_a_data_file_as_known_at_any_moment_is_its_history_replayed(operations):
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "data.db", "p")
        _write(store, operations)
        _assert_as_known_matches_the_definition(store)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=writes)
def test_a_postgresql_store_as_known_at_any_moment_is_its_history_replayed(postgres_url, operations):
    store = open_store(postgres_url, f"p-{uuid.uuid4().hex[:8]}")  # one plan per example, one schema
    _write(store, operations)
    _assert_as_known_matches_the_definition(store)


def test_a_revision_carrying_an_earlier_recorded_at_is_in_force_from_that_moment(tmp_path):
    """Ids and times disagree: #2 was written after #1 but says it was recorded before it."""
    store = Store(tmp_path / "data.db", "p")
    store.record(NewObservation("a", DAYS[0], 5.0, "li", recorded_at="2024-03-01T12:00:00Z"), START)
    store.record(NewObservation("a", DAYS[0], 7.0, "li", recorded_at="2024-02-10T00:00:00Z"), START)
    store.record(NewObservation("b", DAYS[0], 1.0, "li"), START + dt.timedelta(days=30))  # the table as known is read
    assert store.current(known_by="2024-02-11T00:00:00Z") == {"a": [(DAYS[0], 7.0)]}
    assert store.current(known_by="2024-03-02T00:00:00Z") == {"a": [(DAYS[0], 7.0)]}
    assert store.current("a", known_by="2024-03-02T00:00:00Z") == {"a": [(DAYS[0], 7.0)]}
    assert store.current(known_by="2024-02-10T00:00:00Z") == {}


@pytest.mark.parametrize("undone", [2, 1])
def test_a_retracted_revision_brings_the_earlier_value_back_only_from_the_retraction(tmp_path, undone):
    store = Store(tmp_path / "data.db", "p")
    for n, value in enumerate((5.0, 7.0)):
        store.record(NewObservation("a", DAYS[0], value, "li"), START + dt.timedelta(days=n))
    store.undo(undone, "li", START + dt.timedelta(days=2))
    day = {n: (START + dt.timedelta(days=n, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(3)}
    assert store.current(known_by=day[0]) == {"a": [(DAYS[0], 5.0)]}
    assert store.current(known_by=day[1]) == {"a": [(DAYS[0], 7.0)]}
    assert store.current(known_by=day[2]) == {"a": [(DAYS[0], 12.0 - (7.0 if undone == 2 else 5.0))]}


def test_a_data_file_at_schema_four_is_upgraded_with_the_columns_filled_from_its_facts(tmp_path):
    """The upgrade derives superseded_at and retracted_at from the records already there."""
    import sqlite3

    path = tmp_path / "data.db"
    store = Store(path, "p")
    _write(
        store,
        [
            ("record", "a", "", DAYS[0], 5, "2024-03-01T12:00:00Z"),
            ("record", "a", "", DAYS[0], 7, "2024-02-10T00:00:00Z"),
            ("record", "a", "tiexi", DAYS[1], 1, None),
            ("record", "a", "tiexi", DAYS[1], 2, None),
            ("undo", 3),
            ("record", "b", "", DAYS[1], 3, None),
        ],
    )
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP INDEX observation_by_recorded_at")
    connection.execute("ALTER TABLE observation DROP COLUMN superseded_at")
    connection.execute("ALTER TABLE observation DROP COLUMN retracted_at")
    connection.execute("PRAGMA user_version = 4")
    connection.close()
    upgraded = Store(path, "p")
    _assert_as_known_matches_the_definition(upgraded)
    assert upgraded.schema_version() == 5


def test_a_value_written_after_its_dates_only_value_was_retracted_but_carrying_an_earlier_time(tmp_path):
    """#1 retracted on the 3rd; #3 written after that, so it supersedes nothing, but it says it
    was recorded on the 2nd: as known on the 2nd, before the retraction, #3 is the one in force."""
    store = Store(tmp_path / "data.db", "p")
    day = [(START + dt.timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(5)]
    store.record(NewObservation("a", DAYS[0], 5.0, "li"), START)
    store.undo(1, "li", START + dt.timedelta(days=2))
    store.record(NewObservation("a", DAYS[0], 7.0, "li", recorded_at=day[1]), START + dt.timedelta(days=3))
    store.record(NewObservation("b", DAYS[0], 1.0, "li"), START + dt.timedelta(days=4))  # the table as known is read
    assert store.current(known_by=day[1]) == {"a": [(DAYS[0], 5.0)]}
    assert store.current(known_by=day[2]) == {"a": [(DAYS[0], 7.0)]}
    assert store.current("a", known_by=day[2]) == {"a": [(DAYS[0], 7.0)]}
