"""`log` streams: the store reads the newest records a page at a time, and the table draws rows as they come."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from sytrack.catalogue import PACKAGED_CATALOGUE, load_catalogue
from sytrack.store import open_store
from sytrack.views.grid import Screen
from sytrack.views.records import log_table

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return open_store(str(tmp_path / "data.db"), "plan")
    return open_store(request.getfixturevalue("postgres_url"), "plan")


def _filled(store, count: int):
    first = dt.date(2020, 1, 1)
    store.import_records(
        [
            (None, f"i{n % 7}", (first + dt.timedelta(days=n)).isoformat(), float(n), "t", "", "", None, None)
            for n in range(count)
        ],
        NOW,
    )
    return store


def test_newest_first_pages_through_every_record_in_order(store):
    _filled(store, 450)  # past the first page of 200 and into the next of 5,000
    store.undo(None, "t", NOW)
    ids = [o.id for o in store.newest_first()]
    assert ids == sorted(ids, reverse=True) and len(ids) == 451
    current = [o for o in store.newest_first(in_force_only=True)]
    assert len(current) == 449 and all(o.state == "current" for o in current)
    one = [o.indicator for o in store.newest_first("i3")]
    assert set(one) == {"i3"} and len(one) == len([n for n in range(450) if n % 7 == 3])


def test_the_first_records_come_without_reading_the_rest(store, monkeypatch):
    _filled(store, 3000)
    fetched: list[int] = []
    real = store.reading

    def counting():
        context = real()

        class Counting:
            def __enter__(self):
                connection = context.__enter__()

                class Wrapped:
                    def execute(self, *args):
                        cursor = connection.execute(*args)
                        rows = cursor.fetchall()
                        fetched.append(len(rows))
                        return type("Rows", (), {"fetchall": lambda self: rows})()

                return Wrapped()

            def __exit__(self, *exc):
                return context.__exit__(*exc)

        return Counting()

    monkeypatch.setattr(store, "reading", counting)
    first = list(itertools.islice(store.newest_first(), 5))
    assert [o.id for o in first] == [3000, 2999, 2998, 2997, 2996]
    assert sum(fetched) <= 200  # one small page, not the whole history


def test_the_log_table_draws_its_first_rows_before_the_history_ends():
    catalogue = load_catalogue(PACKAGED_CATALOGUE)

    def endless():  # a history that never ends: a table that waited for it would never print
        for n in itertools.count(1):
            yield {
                "indicator": "cnc-rate",
                "value": 60.0,
                "date": dt.date(2023, 6, 30),
                "note": "",
                "source": "",
                "by": "t",
                "id": n,
                "recorded_at": "2023-07-01T00:00:00Z",
                "supersedes": None,
                "retracts": None,
                "state": "current",
            }

    lines = list(itertools.islice(log_table(catalogue, "en", show_all=False)(endless(), Screen(120)), 8))
    assert lines[0].startswith("┏") and "cnc-rate" in lines[3]
