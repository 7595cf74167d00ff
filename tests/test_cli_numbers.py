"""The numbers through the CLI: signs in explain, plausibility warnings and --strict, today, a value dated too late."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from conftest import SMALL_CATALOGUE

from sytrack.cli.session import Session

ENERGY = """
[[indicator]]
id = "energy-intensity"
group = "parks"
name_zh = "单位工业增加值能耗"
name_en = "Energy per unit of industrial value added"
unit = "%"
kind = "rate"
direction = "decrease"
quote = "单位工业增加值能耗下降3%"

[[indicator.target]]
comparison = "at-most"
value = -3
deadline = 2024-12-31
"""


@pytest.fixture
def catalogue_text() -> str:
    return SMALL_CATALOGUE + ENERGY


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data.db"


@pytest.fixture
def sy(run, data, catalogue_file):
    """run() against this test's own data file."""
    return lambda args, **kw: run(args, env={"SYTRACK_DB": str(data), **kw.pop("env", {})}, **kw)


@pytest.fixture
def clock(monkeypatch):
    """Fix the command's clock at 2026-12-03 20:30 UTC, and let a test choose the machine's zone."""
    now = dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(Session, "now_utc", lambda self: now)

    def zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield zone
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


# -- item 1: a target below zero, and explain's formula ----------------------------------------


def test_a_decrease_drafted_below_zero_reads_97_percent_done_and_explain_names_the_formula(sy):
    recorded = sy(["record", "energy-intensity", "-2.9%", "--date", "2024-06-30"])
    assert recorded.code == 0, recorded.stderr
    assert "on 2024-06-30 behind, 97% done" in recorded.stdout
    rows = json.loads(sy(["explain", "energy-intensity", "--as-of", "2024-06-30", "--format", "json"]).stdout)
    by_figure = {row["figure"]: row for row in rows}
    assert by_figure["completion (c)"]["text"] == "96.67%"
    assert by_figure["completion (c)"]["how"] == "V / T (no B: measured from 0); both below 0"
    assert (by_figure["status"]["text"], by_figure["status"]["how"]) == (
        "behind",
        "latest rate is 96.7% of the target rate",
    )
    status = json.loads(sy(["status", "--as-of", "2024-06-30", "--format", "json"]).stdout)
    energy = next(row for row in status if row["id"] == "energy-intensity")
    assert (energy["completion_pct"], energy["status"]) == (96.67, "behind")
    assert (energy["stretch"], energy["stretch_met"]) == (None, None)


# -- item 5: plausibility ----------------------------------------------------------------------


def test_a_value_far_outside_its_range_is_recorded_with_one_warning_line(sy):
    result = sy(["record", "5g-base-stations", "41", "--date", "2024-03"])
    assert result.code == 0
    assert result.stderr == (
        "sytrack: warning: 41个 for 5g-base-stations is far outside the expected 10,000个 to "
        "120,000个 (from its baseline and targets)\n"
    )
    assert result.stdout.startswith("recorded #1: 5g-base-stations = 41个 as of 2024-03-31")
    plausible = sy(["record", "5g-base-stations", "3.3万", "--date", "2024-04"])
    assert plausible.code == 0 and plausible.stderr == ""


def test_strict_refuses_an_implausible_value_and_leaves_the_data_file_as_it_was(sy, data):
    for month, value in (("2024-01", "31000"), ("2024-02", "32000"), ("2024-03", "33000")):
        assert sy(["record", "5g-base-stations", value, "--date", month]).code == 0
    before = data.read_bytes()
    refused = sy(["record", "5g-base-stations", "340000", "--date", "2024-04", "--strict"])
    assert refused.code == 1 and refused.stdout == ""
    assert refused.stderr == (
        "sytrack: error: 340,000个 for 5g-base-stations is far outside the expected 10,300个 to "
        "99,000个 (from its last 3 values); --strict refuses it: check the value, or leave out "
        "--strict to record it\n"
    )
    assert data.read_bytes() == before
    # --add is judged on the total it makes, before anything is written
    assert sy(["record", "5g-base-stations", "300000", "--add", "--date", "2024-04", "--strict"]).code == 1
    assert data.read_bytes() == before
    assert sy(["record", "5g-base-stations", "34000", "--date", "2024-04", "--strict"]).code == 0


def test_a_fraction_typed_for_a_percent_history_is_warned_with_the_percent_meant(sy):
    for month, value in (("2024-01", "63"), ("2024-02", "63.5"), ("2024-03", "64")):
        sy(["record", "cnc-rate", value, "--date", month])
    result = sy(["record", "cnc-rate", "0.645", "--date", "2024-04"])
    assert result.code == 0
    assert result.stderr == (
        "sytrack: warning: 0.645% for cnc-rate is far outside the expected 21% to 100% "
        "(from its last 3 values); did you mean 64.5%?\n"
    )


def test_import_sums_up_implausible_rows_in_one_line_and_strict_refuses_the_file(sy, tmp_path, data):
    (tmp_path / "in.csv").write_text(
        "indicator,value,date\n5g-base-stations,31000,2024-01\n"
        "5g-base-stations,320000,2024-02\n5g-base-stations,3300,2024-03\n",
        encoding="utf-8",
    )
    dry = sy(["import", "in.csv", "--dry-run"])
    assert dry.code == 0 and not data.exists()
    summary = (
        "sytrack: warning: 2 rows are far outside the expected range (the first: 320,000个 for "
        "5g-base-stations is far outside the expected 10,000个 to 120,000个 (from its baseline and targets))"
    )
    assert dry.stderr == summary + "; imported as written\n"
    sy(["record", "cnc-rate", "63", "--date", "2024-01"])
    before = data.read_bytes()
    strict = sy(["import", "in.csv", "--strict"])
    assert strict.code == 1 and strict.stdout == ""
    assert (
        strict.stderr == summary.replace("warning", "error", 1) + "; --strict refuses the file: nothing was written\n"
    )
    assert data.read_bytes() == before
    imported = sy(["import", "in.csv"])
    assert imported.code == 0 and imported.stderr == summary + "; imported as written\n"
    assert imported.stdout.startswith("imported 3 records from in.csv")


# -- item 10: one today, in the machine's zone (or the plan's) ----------------------------------


def test_today_is_the_same_date_for_in_the_future_and_for_status(sy, clock, data):
    clock("UTC")  # 2026-12-03 20:30 in UTC ...
    late = sy(["record", "cnc-rate", "66", "--date", "2026-12-04"])
    assert (late.code, late.stderr) == (1, "sytrack: error: 2026-12-04 is in the future (today is 2026-12-03)\n")
    assert not data.exists()
    clock("Pacific/Kiritimati")  # ... and already 2026-12-04 at UTC+14
    assert sy(["record", "cnc-rate", "66", "--date", "2026-12-04"]).code == 0
    rows = json.loads(sy(["explain", "cnc-rate", "--format", "json"]).stdout)
    assert rows[1]["text"] == "2026-12-04"  # the default as-of is the same today


# -- item 8: a value dated today after the last deadline -----------------------------------------


def test_a_value_recorded_without_a_date_after_the_deadline_says_so(sy, clock):
    clock("UTC")
    result = sy(["record", "cnc-rate", "66"])
    assert result.code == 0
    assert result.stderr == (
        "sytrack: note: the value is dated today, 2026-12-03, after cnc-rate's last deadline "
        "(2025-12-31), so no target counts it; if it is the figure for a period, take this record back "
        "with `sytrack undo` and record it again "
        "with --date (e.g. --date 2025 for 2025)\n"
    )
    assert "as of 2026-12-03" in result.stdout
    dated = sy(["record", "cnc-rate", "66", "--date", "2025"])
    assert dated.code == 0 and dated.stderr == ""


# -- item 6: digits that are not decimal digits --------------------------------------------------


@pytest.mark.parametrize("typed, char", [("10²", "²"), ("4²万", "²"), ("⒈5万", "⒈"), ("①", "①")])
def test_superscripts_and_circled_digits_are_refused_on_record_and_import(sy, tmp_path, data, typed, char):
    result = sy(["record", "5g-base-stations", typed, "--date", "2024-03"])
    assert result.code == 1 and result.stdout == ""
    assert (
        result.stderr.startswith(f"sytrack: error: '{typed}': '{char}' (") and "is not a plain digit" in result.stderr
    )
    assert result.stderr.count("\n") == 1 and not data.exists()
    (tmp_path / "in.csv").write_text(f"indicator,value,date\n5g-base-stations,{typed},2024-03\n", encoding="utf-8")
    imported = sy(["import", "in.csv"])
    assert imported.code == 1 and "in.csv:2" in imported.stderr and "is not a plain digit" in imported.stderr
    assert not data.exists()


# -- graded targets in the views (the catalogue's `stretch` is parsed elsewhere: model objects here) --


def test_status_row_and_explain_show_the_stretch_after_everything_else():
    from sytrack.model import Baseline, Catalogue, Indicator, Plan, Target
    from sytrack.progress import evaluate
    from sytrack.views.explain import explain_fields
    from sytrack.views.status import STATUS_COLUMNS, status_row

    plan = Plan(id="p", title_zh="p", title_en="p", start=dt.date(2024, 1, 1))
    graded = Indicator(
        id="output",
        group="g",
        name_zh="产值",
        name_en="Output",
        unit="亿元",
        kind="level",
        direction="increase",
        baseline=Baseline(80.0, dt.date(2023, 12, 31)),
        targets=(Target(dt.date(2024, 12, 31), "at-least", 100.0, stretch=120.0),),
    )
    catalogue = Catalogue("c.toml", plan, (), indicators=(graded,))
    p = evaluate(graded, [(dt.date(2024, 6, 30), 110.0)], dt.date(2024, 6, 30), plan)
    row = status_row(catalogue, p)
    keys = [c.key for c in STATUS_COLUMNS]
    assert keys[keys.index("reason") :][:3] == ["reason", "stretch", "stretch_met"]  # appended after reason, kept there
    assert list(row) == keys and (row["stretch"], row["stretch_met"]) == (120.0, False)
    assert (row["status"], row["target"]) == ("achieved", 100.0)  # judged on the commitment
    last = explain_fields(p, "en")[-1]
    assert last == {
        "figure": "stretch (力争)",
        "value": 120.0,
        "text": "120亿元: not reached",
        "how": "the further value the plan strives for, with the target's comparison; status judges T, the commitment",
    }
    plain = evaluate(
        graded._replace(targets=(Target(dt.date(2024, 12, 31), "at-least", 100.0),)), [], dt.date(2024, 6, 30), plan
    )
    assert explain_fields(plain, "en")[-1]["figure"] == "status"  # no stretch, no line
