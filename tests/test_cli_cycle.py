"""The reporting cycle through the CLI, on both stores: --as-known, warnings and escalation, reports
expected / received / on time, remind and diff; every record made at a clock the test sets."""

import csv
import datetime as dt
import io
import json
import textwrap

import pytest

from sytrack.cli.session import Session

CATALOGUE = textwrap.dedent(
    """\
    [plan]
    id = "cycle-plan"
    title_zh = "周期"
    title_en = "Cycle"
    start = 2023-01-01
    language = "en"
    cadence = "monthly"
    due_days = 10
    timezone = "Asia/Shanghai"

    [[group]]
    id = "g"
    name_zh = "组"
    name_en = "G"
    order = 1

    [[indicator]]
    id = "smart-factories"
    group = "g"
    name_zh = "智能工厂"
    name_en = "Smart factories"
    unit = "个"
    kind = "flow"
    direction = "increase"

    [[indicator.target]]
    comparison = "at-least"
    value = 30
    deadline = 2023-12-31
    """
)
CADENCES = "".join(
    textwrap.dedent(
        f"""
    [[indicator]]
    id = "{cadence}-flow"
    group = "g"
    name_zh = "{cadence}"
    name_en = "{cadence}"
    unit = "个"
    kind = "flow"
    direction = "increase"
    cadence = "{cadence}"

    [[indicator.target]]
    comparison = "at-least"
    value = 30
    deadline = 2023-12-31
    """
    )
    for cadence in ("quarterly", "half-yearly", "yearly")
)


pytestmark = pytest.mark.usefixtures("store_env")  # every test on both stores (conftest)


@pytest.fixture
def clock(monkeypatch):
    """set(ISO UTC time): the time every following command runs at (and records at)."""
    now = [dt.datetime(2023, 1, 1, tzinfo=dt.UTC)]
    monkeypatch.setattr(Session, "now_utc", lambda self: now[0])

    def set_clock(text: str) -> None:
        now[0] = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))

    return set_clock


@pytest.fixture
def sy(run, tmp_path, clock):
    """sy(time, *args): run a command at `time` (UTC); exit code 0 is asserted for records."""
    (tmp_path / "indicators.toml").write_text(CATALOGUE + CADENCES, encoding="utf-8")

    def invoke(at: str, *args: str):
        clock(at)
        result = run(list(args))
        if args[0] in ("record", "undo"):
            assert result.code == 0, result.stderr
        return result

    return invoke


def rows(result) -> list[dict]:
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def status_of(sy, at: str, *args: str, indicator: str = "smart-factories") -> dict:
    return next(r for r in rows(sy(at, "status", "--format", "csv", *args)) if r["id"] == indicator)


def monthly_history(sy, figures: dict[str, int], recorded_on: int = 5) -> None:
    """Each month's figure recorded at 02:00 UTC on day `recorded_on` of the next month."""
    for month, value in figures.items():
        year, number = map(int, month.split("-"))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        sy(f"{year}-{number:02d}-{recorded_on:02d}T02:00:00Z", "record", "smart-factories", str(value), "--date", month)


# -- --as-known ------------------------------------------------------------------------------

REPORTS = {
    "status": ["status", "--format", "csv"],
    "explain": ["explain", "smart-factories", "--format", "json"],
    "log": ["log", "--all", "--format", "csv"],
    "export": ["export", "--format", "csv"],
    "status-table": ["status", "--format", "table"],
}


def test_as_known_reproduces_every_report_byte_for_byte_after_revisions_and_retractions(sy):
    monthly_history(sy, {"2023-05": 14})
    sy("2023-07-05T02:00:00Z", "record", "smart-factories", "10", "--date", "2023-06")
    sent = {name: sy("2023-07-31T15:00:00Z", *args) for name, args in REPORTS.items()}  # 23:00 in Shenyang
    sy("2023-08-03T02:00:00Z", "record", "smart-factories", "14", "--date", "2023-07")
    sy("2023-08-10T02:00:00Z", "record", "smart-factories", "12", "--date", "2023-06", "--note", "revised")
    sy("2023-09-01T02:00:00Z", "undo", "--id", "3", "--note", "wrong month")
    for name, args in REPORTS.items():
        again = sy("2023-12-01T02:00:00Z", *args, "--as-known", "2023-07-31")
        assert (again.code, again.stderr) == (0, "")
        assert again.stdout_bytes == sent[name].stdout_bytes, name
    # and without --as-known the later revision and retraction do count
    assert status_of(sy, "2023-12-01T02:00:00Z", "--as-of", "2023-07-31")["latest"] == "12"


def test_the_end_of_the_day_is_midnight_in_the_plans_timezone(sy):
    # 2023-07-31T16:30Z is 00:30 on 1 August in Shenyang: not known at the end of 31 July
    sy("2023-07-31T15:59:59Z", "record", "smart-factories", "10", "--date", "2023-06")
    sy("2023-07-31T16:30:00Z", "record", "smart-factories", "11", "--date", "2023-06")
    assert status_of(sy, "2023-12-01T00:00:00Z", "--as-known", "2023-07-31")["latest"] == "10"
    assert status_of(sy, "2023-12-01T00:00:00Z", "--as-known", "2023-08-01")["latest"] == "11"


def test_as_known_before_any_record_is_no_data_and_the_html_report_takes_it(sy, tmp_path):
    sy("2023-07-05T02:00:00Z", "record", "smart-factories", "10", "--date", "2023-06")
    assert status_of(sy, "2023-12-01T00:00:00Z", "--as-known", "2023-07-01")["status"] == "no-data"
    result = sy("2023-12-01T00:00:00Z", "report", "--html", str(tmp_path / "r.html"), "--as-known", "2023-07-01")
    assert result.code == 0, result.stderr
    assert "10个" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_as_known_takes_a_period_and_refuses_nonsense(sy):
    bad = sy("2023-12-01T00:00:00Z", "status", "--as-known", "July")
    assert bad.code == 2 and bad.stderr.startswith("sytrack: error: ") and bad.stderr.count("\n") == 1
    assert sy("2023-12-01T00:00:00Z", "status", "--as-known", "2023-Q3", "-f", "csv").code == 0


# -- warnings and escalation -----------------------------------------------------------------

ON_TIME = {
    "2023-01": 3,
    "2023-02": 5,
    "2023-03": 8,
    "2023-04": 13,
    "2023-05": 14,
    "2023-06": 15,
    "2023-07": 17,
    "2023-08": 18,
}


def test_yellow_behind_with_its_escalation_judged_at_each_period_end_as_known_then(sy):
    monthly_history(sy, ON_TIME)
    row = status_of(sy, "2023-09-15T02:00:00Z")
    # May's end on track (pace 1.05); June, July, August ends behind as known then (0.94, 0.86, 0.85)
    assert (row["status"], row["warning"], row["escalation"]) == ("behind", "yellow", "3")
    assert (row["reports_expected"], row["reports_received"], row["reports_on_time"]) == ("8", "8", "8")
    # a revision made with hindsight does not rewrite the count
    sy("2023-09-16T02:00:00Z", "record", "smart-factories", "20", "--date", "2023-07")
    assert status_of(sy, "2023-09-16T03:00:00Z", "--as-of", "2023-09-15")["escalation"] == "3"


def test_red_when_a_report_is_overdue_even_when_on_track(sy):
    monthly_history(sy, {"2023-01": 3, "2023-02": 5, "2023-03": 9})
    sy("2023-05-05T02:00:00Z", "record", "smart-factories", "13", "--date", "2023-04-30")
    assert status_of(sy, "2023-05-10T02:00:00Z")["warning"] == ""  # April due today: not yet overdue
    sy("2023-05-20T02:00:00Z", "record", "smart-factories", "14", "--date", "2023-05-15")
    row = status_of(sy, "2023-06-11T02:00:00Z")  # May's report was due 10 June: a mid-month figure is in
    assert (row["status"], row["warning"]) == ("on-track", "")
    row = status_of(sy, "2023-07-11T02:00:00Z")  # June's report was due 10 July and is not in
    assert (row["status"], row["warning"], row["reports_expected"], row["reports_received"]) == (
        "behind",
        "red",
        "6",
        "5",
    )


def test_red_when_off_track_and_blue_near_the_deadline(sy):
    monthly_history(sy, {"2023-01": 1, "2023-02": 1})
    row = status_of(sy, "2023-03-09T02:00:00Z")
    # red at the end of February (January's 1 known); at the end of January nothing was known yet
    assert (row["status"], row["warning"], row["escalation"]) == ("off-track", "red", "1")
    other = {m: 30 * n // 12 + 2 for n, m in enumerate([f"2023-{k:02d}" for k in range(3, 12)], start=3)}
    monthly_history(sy, other)
    row = status_of(sy, "2023-12-05T02:00:00Z")  # on track, 26 days to the deadline
    assert (row["status"], row["warning"], row["escalation"]) == ("on-track", "blue", "0")
    assert status_of(sy, "2023-11-30T03:00:00Z")["warning"] == ""  # 31 days: no warning yet


def test_the_status_table_shows_the_warning_and_its_count(sy):
    monthly_history(sy, {"2023-01": 1, "2023-02": 1})
    table = sy("2023-03-09T02:00:00Z", "status").stdout
    assert "warning" in table and "red ×1" in table
    assert "红 ×1" in sy("2023-03-09T02:00:00Z", "status", "--lang", "zh").stdout


def test_the_html_report_colours_the_overview_by_warning(sy, tmp_path):
    monthly_history(sy, ON_TIME)
    page = tmp_path / "report.html"
    assert sy("2023-09-15T02:00:00Z", "report", "--html", str(page)).code == 0
    html = page.read_text(encoding="utf-8")
    assert 'style="background:#fff8c5;border-left-color:#bf8700">yellow ×3</td>' in html
    assert sy("2023-09-15T02:00:00Z", "report", "--html", str(page), "--lang", "zh").code == 0
    assert ">黄 ×3</td>" in page.read_text(encoding="utf-8")


def test_a_late_report_is_received_but_not_on_time(sy):
    monthly_history(sy, {"2023-01": 3})
    sy("2023-03-11T00:30:00Z", "record", "smart-factories", "5", "--date", "2023-02")  # 08:30 on 11 March: late
    row = status_of(sy, "2023-03-20T00:00:00Z")
    assert (row["reports_expected"], row["reports_received"], row["reports_on_time"]) == ("2", "2", "1")
    summary = rows(sy("2023-03-20T00:00:00Z", "remind", "--summary", "--format", "csv"))
    assert summary[0] == {
        "org": "",
        "expected": "2",
        "received": "2",
        "on_time": "1",
        "reporting_rate_pct": "100",
        "on_time_rate_pct": "50",
    }


def test_each_cadence_expects_its_periods(sy):
    expected = {r["id"]: r["reports_expected"] for r in rows(sy("2024-02-01T00:00:00Z", "status", "--format", "csv"))}
    assert expected == {"smart-factories": "12", "quarterly-flow": "4", "half-yearly-flow": "2", "yearly-flow": "1"}
    chased = rows(sy("2024-02-01T00:00:00Z", "remind", "--format", "csv"))
    assert [(r["period"], r["due"]) for r in chased if r["indicator"] != "smart-factories"] == [
        ("2023-Q1", "2023-04-10"),
        ("2023-H1", "2023-07-10"),
        ("2023-Q2", "2023-07-10"),
        ("2023-Q3", "2023-10-10"),
        ("2023-H2", "2024-01-10"),
        ("2023-Q4", "2024-01-10"),
        ("2023", "2024-01-10"),
    ]


# -- remind ----------------------------------------------------------------------------------


def test_remind_lists_what_is_not_in_worst_first_and_fails_on_overdue(sy):
    monthly_history(sy, {"2023-01": 3, "2023-03": 8})
    args = ("remind", "--as-of", "2023-04-20", "--format", "csv")
    chased = rows(sy("2023-04-20T00:00:00Z", *args))
    smart = [(r["period"], r["due"], r["days_overdue"]) for r in chased if r["indicator"] == "smart-factories"]
    assert smart == [("2023-02", "2023-03-10", "41")]
    assert chased[0]["indicator"] == "smart-factories" and chased[0]["org"] == ""
    assert sy("2023-04-20T00:00:00Z", *args, "--fail-on", "overdue").code == 1
    markdown = sy("2023-04-20T00:00:00Z", "remind", "--as-of", "2023-04-20", "--format", "markdown").stdout
    assert markdown.splitlines()[0] == "| indicator | org | period | due | days_overdue |"
    data = json.loads(sy("2023-04-20T00:00:00Z", "remind", "--as-of", "2023-04-20", "--format", "json").stdout)
    assert data[0]["days_overdue"] == 41


def test_remind_due_days_cross_month_ends_and_leap_years(sy, tmp_path):
    text = CATALOGUE.replace("due_days = 10", "due_days = 30").replace("start = 2023-01-01", "start = 2023-01-01")
    text = text.replace("deadline = 2023-12-31", "deadline = 2024-12-31")
    (tmp_path / "indicators.toml").write_text(text, encoding="utf-8")
    chased = rows(sy("2024-03-02T00:00:00Z", "remind", "--format", "csv"))
    due = {r["period"]: (r["due"], r["days_overdue"]) for r in chased}
    assert due["2023-01"] == ("2023-03-02", "366")  # 31 January + 30 days in a common year
    assert due["2024-01"] == ("2024-03-01", "1")  # ... and in a leap year (29 February)
    assert "2024-02" not in due  # due 30 March
    assert (
        rows(sy("2024-03-02T00:00:00Z", "remind", "--as-of", "2024-03-01", "--format", "csv"))[-1]["period"]
        == "2024-01"
    )


def test_remind_refuses_an_unknown_org_and_changes_nothing(sy):
    result = sy("2023-04-20T00:00:00Z", "remind", "--org", "tiexi")
    assert result.code == 1 and result.stderr.startswith("sytrack: error: unknown org 'tiexi'")
    assert result.stdout == ""


# -- diff ------------------------------------------------------------------------------------


def diff(sy, at: str, *args: str) -> list[dict]:
    return rows(sy(at, "diff", "--format", "csv", *args))


def test_diff_names_new_data_a_revision_and_a_retraction(sy):
    sy("2023-07-05T02:00:00Z", "record", "smart-factories", "10", "--date", "2023-06")
    sy("2023-08-03T02:00:00Z", "record", "smart-factories", "14", "--date", "2023-07")
    sy("2023-08-10T02:00:00Z", "record", "smart-factories", "12", "--date", "2023-06")
    sy("2023-09-01T02:00:00Z", "undo", "--id", "2")
    now = "2023-12-01T00:00:00Z"
    [row] = [
        r for r in diff(sy, now, "--from", "2023-07-31", "--to", "2023-08-31") if r["indicator"] == "smart-factories"
    ]
    assert (row["figure_before"], row["figure_after"], row["causes"]) == ("10", "14", "new-data,revision")
    [row] = [
        r for r in diff(sy, now, "--from", "2023-08-31", "--to", "2023-09-30") if r["indicator"] == "smart-factories"
    ]
    assert (row["figure_before"], row["figure_after"], row["causes"]) == ("14", "12", "retraction")


def test_diff_names_only_time_passing_and_a_changed_target(sy, tmp_path):
    monthly_history(sy, {"2023-05": 14})
    now = "2023-12-01T00:00:00Z"
    [row] = [
        r for r in diff(sy, now, "--from", "2023-06-10", "--to", "2023-08-31") if r["indicator"] == "smart-factories"
    ]
    assert (row["status_before"], row["status_after"], row["causes"]) == ("on-track", "behind", "time")
    earlier = tmp_path / "before.toml"
    earlier.write_text(
        (CATALOGUE + CADENCES).replace("value = 30\ndeadline = 2023-12-31", "value = 20\ndeadline = 2023-12-31", 1),
        encoding="utf-8",
    )
    changed = diff(sy, now, "--from", "2023-06-10", "--to", "2023-06-11", "--from-catalog", str(earlier))
    assert [(r["indicator"], r["causes"]) for r in changed if r["indicator"] == "smart-factories"] == [
        ("smart-factories", "target")
    ]
    # nothing changed and nothing recorded: no row at all
    assert diff(sy, now, "--from", "2023-06-10", "--to", "2023-06-11", "--group", "g") == []


def test_diff_in_every_format_and_a_refused_order(sy):
    sy("2023-07-05T02:00:00Z", "record", "smart-factories", "10", "--date", "2023-06")
    for fmt in ("table", "csv", "tsv", "json", "jsonl", "markdown"):
        result = sy("2023-12-01T00:00:00Z", "diff", "--from", "2023-07-01", "--to", "2023-07-31", "--format", fmt)
        assert (result.code, result.stderr) == (0, ""), fmt
        assert "smart-factories" in result.stdout
    backwards = sy("2023-12-01T00:00:00Z", "diff", "--from", "2023-08-01", "--to", "2023-07-31")
    assert backwards.code == 2 and "swap them" in backwards.stderr and backwards.stdout == ""


def test_a_cutoff_after_the_newest_record_reads_the_table_itself_and_agrees(sy, tmp_path, store_env):
    """The fast path of --as-known: a cutoff after every record needs no rebuilt table. The test
    fails if the fast path goes (the source is the rebuilt table) or if it changes a figure."""
    from sytrack.catalogue import load_catalogue
    from sytrack.duty import known_by
    from sytrack.store import open_store
    from sytrack.store.records import KNOWN_PLAN

    monthly_history(sy, {"2023-05": 14, "2023-06": 15})
    sy("2023-08-10T02:00:00Z", "undo")
    plan = load_catalogue(tmp_path / "indicators.toml").plan
    store = open_store(store_env.get("SYTRACK_DB") or str(tmp_path / "indicators.db"), plan.id)
    assert store._source(known_by(dt.date(2023, 8, 10), plan))[0] == "observation"
    assert store._source(known_by(dt.date(2023, 8, 9), plan))[0] == KNOWN_PLAN
    now = "2023-12-01T00:00:00Z"
    for args in (
        ["status", "--format", "csv", "--as-of", "2023-08-10"],
        ["log", "--all", "--format", "csv"],
        ["export", "--format", "csv"],
    ):
        assert sy(now, *args, "--as-known", "2023-08-10").stdout_bytes == sy(now, *args).stdout_bytes
    # the day before, the retraction was not yet known: June's figure still stood
    assert status_of(sy, now, "--as-known", "2023-08-09", "--as-of", "2023-08-10")["latest"] == "15"
    assert status_of(sy, now, "--as-of", "2023-08-10")["latest"] == "14"


# -- orgs: who reports, who does not ---------------------------------------------------------

ORGS = textwrap.dedent(
    """
    [[org]]
    id = "tiexi"
    name_zh = "铁西区"
    name_en = "Tiexi District"
    kind = "district"

    [[org]]
    id = "hunnan"
    name_zh = "浑南区"
    name_en = "Hunnan District"
    kind = "district"

    [[org]]
    id = "dadong"
    name_zh = "大东区"
    name_en = "Dadong District"
    kind = "district"

    [[indicator]]
    id = "allocated"
    group = "g"
    name_zh = "分解指标"
    name_en = "Allocated"
    unit = "个"
    kind = "flow"
    direction = "increase"
    cadence = "quarterly"
    due_days = 15

    [[indicator.target]]
    comparison = "at-least"
    value = 30
    deadline = 2023-12-31

    [[indicator.allocation]]
    org = "tiexi"
    value = 12

    [[indicator.allocation]]
    org = "hunnan"
    value = 10

    [[indicator.allocation]]
    org = "dadong"
    value = 8
    """
)


@pytest.fixture
def orgs(sy, tmp_path):
    """The docs' example: as of 2023-10-20, tiexi all on time, hunnan Q1 late and Q3 missing,
    dadong Q1 on time (09:00Z on the due day is 17:00 in Shenyang) and nothing since."""
    (tmp_path / "indicators.toml").write_text(CATALOGUE + ORGS, encoding="utf-8")
    for at, org, value, day in [
        ("2023-04-12T02:00:00Z", "tiexi", 2, "2023-Q1"),
        ("2023-07-14T02:00:00Z", "tiexi", 5, "2023-Q2"),
        ("2023-10-13T02:00:00Z", "tiexi", 9, "2023-Q3"),
        ("2023-04-20T02:00:00Z", "hunnan", 2, "2023-Q1"),
        ("2023-07-10T02:00:00Z", "hunnan", 5, "2023-Q2"),
        ("2023-04-15T09:00:00Z", "dadong", 1, "2023-Q1"),
    ]:
        sy(at, "record", "allocated", str(value), "--date", day, "--org", org)
    return sy


def test_remind_names_the_orgs_that_did_not_report_worst_first(orgs):
    chased = rows(orgs("2023-10-20T02:00:00Z", "remind", "--format", "csv"))
    assert [(r["org"], r["period"], r["days_overdue"]) for r in chased if r["indicator"] == "allocated"] == [
        ("dadong", "2023-Q2", "97"),
        ("dadong", "2023-Q3", "5"),
        ("hunnan", "2023-Q3", "5"),
    ]
    mine = rows(orgs("2023-10-20T02:00:00Z", "remind", "--org", "浑南区", "--format", "csv"))
    assert [(r["indicator"], r["org"], r["period"]) for r in mine] == [("allocated", "hunnan", "2023-Q3")]
    message = orgs("2023-10-20T02:00:00Z", "remind", "--org", "dadong", "--format", "markdown").stdout
    assert message.splitlines()[2:] == [
        "| allocated | dadong | 2023-Q2 | 2023-07-15 | 97 |",
        "| allocated | dadong | 2023-Q3 | 2023-10-15 | 5 |",
    ]
    refused = orgs("2023-10-20T02:00:00Z", "remind", "--org", "tiexi-district")
    assert refused.code == 1 and "did you mean tiexi" in refused.stderr and refused.stdout == ""


def test_remind_summary_and_status_count_each_orgs_reports(orgs):
    summary = {
        r["org"]: (r["expected"], r["received"], r["on_time"], r["reporting_rate_pct"], r["on_time_rate_pct"])
        for r in rows(orgs("2023-10-20T02:00:00Z", "remind", "--summary", "--format", "csv"))
    }
    assert (summary["tiexi"], summary["hunnan"], summary["dadong"]) == (
        ("3", "3", "3", "100", "100"),
        ("3", "2", "1", "66.67", "33.33"),
        ("3", "1", "1", "33.33", "33.33"),
    )
    row = status_of(orgs, "2023-10-20T02:00:00Z", indicator="allocated")
    assert (row["reports_expected"], row["reports_received"], row["reports_on_time"], row["warning"]) == (
        "9",
        "6",
        "5",
        "red",
    )


def test_diff_has_a_row_per_org_with_its_own_cause(orgs):
    orgs(
        "2023-10-25T02:00:00Z", "record", "allocated", "6", "--date", "2023-Q2", "--org", "hunnan", "--note", "revised"
    )
    found = {r["org"]: r for r in diff(orgs, "2023-12-01T00:00:00Z", "--from", "2023-10-12", "--to", "2023-10-31")}
    assert (found["tiexi"]["figure_before"], found["tiexi"]["figure_after"], found["tiexi"]["causes"]) == (
        "5",
        "9",
        "new-data",
    )
    assert (found["hunnan"]["figure_before"], found["hunnan"]["figure_after"], found["hunnan"]["causes"]) == (
        "5",
        "6",
        "revision",
    )
    assert "dadong" not in found  # red, off track and silent in both: nothing changed, nothing recorded


def test_escalation_of_an_allocated_indicator_counts_its_orgs_overdue_reports(orgs):
    # The city's row judged on its orgs' roll-up as known at each quarter end, as status judges it:
    # Q1 end: nothing known, nothing due: no warning; Q2 end (30 June): nothing overdue (Q1, due 15
    # April, was in from all three, hunnan late), but Q1 rolled up to 2 + 2 + 1 = 5 of 30 at half
    # time (pace 0.34): off track, red; Q3 end (30 September): dadong's Q2, due 15 July, overdue: red
    row = status_of(orgs, "2023-10-20T02:00:00Z", indicator="allocated")
    assert (row["latest"], row["status"], row["warning"], row["escalation"]) == ("5", "off-track", "red", "2")


def org_rows(sy, at: str, org: str, *args: str) -> dict:
    return {r["id"]: r for r in rows(sy(at, "status", "--org", org, "--format", "csv", *args))}


CYCLE_FIELDS = ("status", "warning", "escalation", "reports_expected", "reports_received", "reports_on_time")


def test_status_of_an_org_carries_its_own_warning_escalation_and_reports(orgs):
    # As of 20 October, on its allocation, each judged at the ends of June and September as known then
    # (nothing was known at the end of March): tiexi 9 of 12 (pace 0.93), off track at both ends
    # (2 of 12, 5 of 12); hunnan 5 of 10 behind, its Q3 report overdue, off track in June, behind
    # in September; dadong 1 of 8, off track, its Q2 report overdue since 15 July.
    at = "2023-10-20T02:00:00Z"
    found = {org: org_rows(orgs, at, org)["allocated"] for org in ("tiexi", "hunnan", "dadong")}
    assert {org: tuple(row[f] for f in CYCLE_FIELDS) for org, row in found.items()} == {
        "tiexi": ("behind", "yellow", "2", "3", "3", "3"),
        "hunnan": ("behind", "red", "2", "3", "2", "1"),
        "dadong": ("off-track", "red", "2", "3", "1", "1"),
    }
    assert found["tiexi"]["org"] == "tiexi"
    # the same columns as the city's rows, in the same order
    header = orgs(at, "status", "--org", "tiexi", "--format", "csv").stdout.splitlines()[0]
    assert header == orgs(at, "status", "--format", "csv").stdout.splitlines()[0]


def test_status_of_an_org_as_known_and_on_a_table(orgs):
    # The report of 14 October, rebuilt on the 20th: hunnan's Q3 was not yet due (the 15th), so not red
    row = org_rows(orgs, "2023-10-20T02:00:00Z", "hunnan", "--as-known", "2023-10-14")["allocated"]
    assert tuple(row[f] for f in CYCLE_FIELDS) == ("behind", "yellow", "2", "2", "2", "1")
    table = orgs("2023-10-20T02:00:00Z", "status", "--org", "dadong")
    assert table.code == 0 and "red ×2" in table.stdout and table.stderr == ""
    assert "红 ×2" in orgs("2023-10-20T02:00:00Z", "status", "--org", "大东区", "--lang", "zh").stdout


def test_an_org_with_nothing_allocated_expects_no_reports(orgs, tmp_path):
    # smart-factories is the city's own: an org's status leaves it out, and expects nothing of it
    assert "smart-factories" not in org_rows(orgs, "2023-10-20T02:00:00Z", "tiexi")


def test_escalation_of_orgs_reports_reads_no_record_until_one_is_revised(orgs, monkeypatch):
    """Every org reporting once a quarter and nothing revised: the receipts stand for the records,
    and no record is read to judge the city's row at each period end. A revision makes the records
    of its indicator (and only its) needed."""
    from sytrack.store.records import Store

    read: list = []
    real_history = Store.history
    monkeypatch.setattr(Store, "replay_records", lambda self, *a, **k: read.append("all") or {})
    monkeypatch.setattr(
        Store, "history", lambda self, name=None, *a, **k: read.append(name) or real_history(self, name, *a, **k)
    )
    row = status_of(orgs, "2023-10-20T02:00:00Z", indicator="allocated")
    assert (row["warning"], row["escalation"], read) == ("red", "2", [])
    orgs("2023-10-25T02:00:00Z", "record", "allocated", "6", "--date", "2023-Q2", "--org", "hunnan")
    row = status_of(orgs, "2023-10-26T02:00:00Z", indicator="allocated")
    assert (row["warning"], row["escalation"], read) == ("red", "2", ["allocated"])
