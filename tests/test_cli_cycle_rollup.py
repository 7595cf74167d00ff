"""Escalation and diff judge a row on the figure status shows (issue 17), through the CLI on both
stores: the city's row of an allocated indicator on its districts' roll-up, a district's row on its
streets' roll-up, diff's city row on the roll-up at each cutoff."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from sytrack.cli.session import Session

DOCS = Path(__file__).resolve().parent.parent / "docs"


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Every command runs at 2023-07-20T02:00:00Z: the rows imported keep their own recorded_at."""
    monkeypatch.setattr(Session, "now_utc", lambda self: dt.datetime(2023, 7, 20, 2, tzinfo=dt.UTC))


def rows(result) -> list[dict]:
    assert (result.code, result.stderr) == (0, ""), result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def imported(run, tmp_path: Path, catalogue: str, lines: list[str]) -> None:
    (tmp_path / "indicators.toml").write_text(catalogue, encoding="utf-8")
    (tmp_path / "reports.csv").write_text("\n".join(["indicator,value,date,org,recorded_at", *lines]) + "\n")
    result = run(["import", str(tmp_path / "reports.csv")])
    assert result.code == 0, result.stderr


def monthly(indicator: str, org: str, months: int, per_month: float) -> list[str]:
    """Month m's figure (the year's total so far, m × per_month) recorded on the 5th of the next
    month at 02:00 UTC: on time (due on the 10th)."""
    found = []
    for m in range(1, months + 1):
        end = dt.date(2023, m + 1, 1) - dt.timedelta(days=1)
        found.append(f"{indicator},{m * per_month:g},{end},{org},{end + dt.timedelta(days=5)}T02:00:00Z")
    return found


@pytest.fixture
def districts(run, tmp_path):
    """docs/districts-example.toml reported monthly, due on the 10th: 30 smart factories in 2023,
    allocated to tiexi (16) and hunnan (14), which report 1 a month each, on time, and the city
    nothing of its own: behind the path (2 a month where 2.5 keep pace)."""
    catalogue = (DOCS / "districts-example.toml").read_text(encoding="utf-8")
    catalogue = catalogue.replace('language = "en"\n', 'language = "en"\ncadence = "monthly"\ndue_days = 10\n', 1)
    imported(
        run, tmp_path, catalogue, monthly("smart-factories", "tiexi", 6, 1) + monthly("smart-factories", "hunnan", 6, 1)
    )
    return run


def test_the_city_row_of_an_allocated_indicator_escalates_on_its_districts_roll_up(districts):
    """As of 20 July the city reads 12 (June's 6 + 6: pace 0.73), behind: yellow. At each month end,
    as known then (the month before rolled up): 30 June 10 of 30 (pace 0.67, behind), 31 May 8
    (0.65), 30 April 6 (0.61), 31 March 4 (0.54, off track), 28 February 2 (0.41, off track); 31
    January nothing known and nothing due: escalation 5. Judged on the city's own series (none),
    every end read no data: 0."""
    [row] = rows(districts(["status", "--format", "csv"]))
    fields = ("latest", "status", "warning", "escalation", "reports_expected", "reports_received", "reports_on_time")
    assert tuple(row[f] for f in fields) == ("12", "behind", "yellow", "5", "12", "12", "12")
    # the same figures as known at the end of 31 May, the bulletin of that day rebuilt
    [then] = rows(districts(["status", "--as-known", "2023-05-31", "--format", "csv"]))
    assert tuple(then[f] for f in fields) == ("8", "behind", "yellow", "4", "8", "8", "8")


def test_diff_judges_the_city_row_on_the_roll_up_at_each_cutoff_and_names_its_districts_data(districts):
    """From the bulletin of 31 May to that of 30 June the city's roll-up moved from 8 (April's) to 10
    (May's), with the districts' new data; each district its own 4 to 5."""
    found = {
        r["org"]: r for r in rows(districts(["diff", "--from", "2023-05-31", "--to", "2023-06-30", "--format", "csv"]))
    }
    fields = ("figure_before", "figure_after", "status_before", "status_after", "warning_before", "warning_after")
    assert {org: (*(row[f] for f in fields), row["causes"]) for org, row in found.items()} == {
        "": ("8", "10", "behind", "behind", "yellow", "yellow", "new-data"),
        "tiexi": ("4", "5", "behind", "behind", "yellow", "yellow", "new-data"),
        "hunnan": ("4", "5", "behind", "behind", "yellow", "yellow", "new-data"),
    }


STREETS = """\
[plan]
id = "streets"
title_zh = "街道"
title_en = "Streets"
start = 2023-01-01
language = "en"
cadence = "monthly"
due_days = 170

[[group]]
id = "g"
name_zh = "组"
name_en = "G"

[[org]]
id = "tiexi"
name_zh = "铁西区"
name_en = "Tiexi"
kind = "district"

[[org]]
id = "yanfen"
name_zh = "艳粉街道"
name_en = "Yanfen"
kind = "other"
parent = "tiexi"

[[indicator]]
id = "smart-factories"
group = "g"
name_zh = "培育智能工厂"
name_en = "Smart factories"
unit = "个"
kind = "flow"
direction = "increase"

[[indicator.target]]
comparison = "at-least"
value = 30
deadline = 2023-12-31

[[indicator.allocation]]
org = "tiexi"
value = 30
"""


def test_a_district_row_escalates_on_its_streets_roll_up(run, tmp_path):
    """tiexi reports nothing of its own; its street yanfen (allocated nothing) reports 2 a month.
    Reports are due 170 days after each month, so none is overdue at any period end so far, and
    January's is due on 20 July itself: the count is the status alone. tiexi, judged on its 30,
    reads June's 12 (pace 0.73), behind; as known at each month end 10 (0.67), 8 (0.65), 6 (0.61),
    4 (0.54, off track), 2 (0.41, off track); at 31 January nothing: escalation 5. On tiexi's own
    series (none), no data at every end: 0."""
    imported(run, tmp_path, STREETS, monthly("smart-factories", "yanfen", 6, 2))
    [row] = rows(run(["status", "--org", "tiexi", "--format", "csv"]))
    fields = ("org", "latest", "status", "warning", "escalation", "reports_expected", "reports_received")
    assert tuple(row[f] for f in fields) == ("tiexi", "12", "behind", "yellow", "5", "1", "0")
