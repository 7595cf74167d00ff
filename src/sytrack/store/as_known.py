"""The SQL of two reads: the export's columns, and the observation table as it was known at a moment."""

from __future__ import annotations


def _whole(column: str) -> str:
    """values.whole_number in SQL, for the million-row export: a whole number as an integer (41000, not 41000.0), any other
    as the exact float."""
    return (
        f"CASE WHEN abs({column}) >= 1e15 THEN {column} WHEN {column} = CAST({column} AS BIGINT)"
        f" THEN CAST({column} AS BIGINT) ELSE {column} END"
    )


# The export's column order: the import's six first, org and denominator last (see views.OBSERVATION_COLUMNS).
EXPORT_SELECT = (
    f"SELECT indicator, {_whole('value')}, as_of, note, source, recorded_by, id, recorded_at, supersedes,"
    " retracts, CASE WHEN retracts IS NOT NULL THEN 'retraction' WHEN retracted_by IS NOT NULL THEN 'retracted'"
    f" WHEN in_force = 1 THEN 'current' ELSE 'superseded' END, org, {_whole('denominator')}"
    # "plan || ''" keeps SQLite from choosing an index on plan and then sorting a million ids:
    # reading the table in id order and skipping other plans is faster.
    " FROM observation WHERE plan || '' = ?"
)
# The observation table as it stood when everything recorded before a cutoff (`cycle.day_end`) was
# known and nothing after: later rows left out, a retraction recorded later not yet seen, and the
# record in force per (indicator, org, date) the latest value not retracted then, as `_retract` chooses.
# It has the table's columns and name, so every read query runs on it unchanged; its parameters
# (cutoff five times, plan, cutoff) come before the query's own. A value is in force then when it
# was not retracted by then and no later value of its date was: `superseded_at` (schema 5) says at
# once that none was for all but the revised dates and the retracted values, and only those probe
# the index for one.
_KNOWN_TABLE = (
    "(SELECT o.id, o.plan{whole} AS plan, o.indicator, o.value, o.as_of, o.recorded_at, o.recorded_by, o.note, o.source,"
    " o.supersedes, o.retracts, o.org, o.denominator, o.superseded_at, o.retracted_at,"
    " CASE WHEN o.value IS NOT NULL AND (o.retracted_at IS NULL OR o.retracted_at >= ?)"
    " AND ((o.retracted_at IS NULL AND (o.superseded_at IS NULL OR o.superseded_at >= ?)) OR NOT EXISTS (SELECT 1"
    "  FROM observation k"
    "  WHERE k.plan = o.plan AND k.indicator = o.indicator AND k.org = o.org AND k.as_of = o.as_of AND k.id > o.id"
    "  AND k.value IS NOT NULL AND k.recorded_at < ? AND (k.retracted_at IS NULL OR k.retracted_at >= ?)))"
    " THEN 1 ELSE 0 END AS in_force,"
    " CASE WHEN o.retracted_at < ? THEN o.retracted_by END AS retracted_by"
    " FROM observation o WHERE o.plan{whole} = ? AND o.recorded_at || '' < ?) AS observation"
)
# Read for one indicator, the table is searched by its index; for the whole plan, read in order and
# sorted once: three times faster on 3 million records than an index's order, which costs a page
# read per row. ("plan || ''", inside and as the column the caller's query filters on, keeps SQLite
# off every index on plan; "recorded_at || ''" off the index by time, which would read every record
# made before the cutoff to find one indicator's.)
KNOWN_TABLE = _KNOWN_TABLE.format(whole="")
KNOWN_PLAN = _KNOWN_TABLE.format(whole=" || ''")


def known_parameters(known_by: str, plan: str) -> list:
    """The parameters KNOWN_TABLE and KNOWN_PLAN take, in their order."""
    return [known_by] * 5 + [plan, known_by]
