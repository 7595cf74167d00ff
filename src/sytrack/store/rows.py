"""Stored rows as records: what a user asks to store, and what a read gives back."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sytrack.model import CITY, Observation

COLUMNS = (
    "id, indicator, value, as_of, recorded_at, recorded_by, note, source, supersedes, retracts, in_force,"
    " retracted_by, org, denominator"
)


class NewObservation(NamedTuple):
    """What a user asks to store: a value, or (with `retracts`) the retraction of an earlier record."""

    indicator: str
    as_of: dt.date
    value: float | None
    recorded_by: str
    note: str = ""
    source: str = ""
    retracts: int | None = None
    recorded_at: str | None = None  # kept from an imported export; else the time of writing
    add_since: dt.date | None = None  # --add: the value is an increment on the latest after this date
    org: str = CITY  # who reported it: an org's id, or CITY for the city's own figure
    denominator: float | None = None  # a share's or rate's base, for the city's roll-up


def utc_timestamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Dates(dict):
    """ISO text -> date, each parsed on first use."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day


def state_of(retracts: int | None, retracted_by: int | None, in_force: int) -> str:
    if retracts is not None:
        return "retraction"
    if retracted_by is not None:
        return "retracted"
    return "current" if in_force else "superseded"


def observation(row: tuple, dates: dict | None = None) -> Observation:
    return Observation(
        id=row[0],
        indicator=row[1],
        value=row[2],
        as_of=dates[row[3]] if dates is not None else dt.date.fromisoformat(row[3]),
        recorded_at=row[4],
        recorded_by=row[5],
        note=row[6],
        source=row[7],
        supersedes=row[8],
        retracts=row[9],
        state=state_of(row[9], row[11], row[10]),
        org=row[12],
        denominator=row[13],
    )
