"""Reports pipe cleanly: one shared set of report options, exact headers, plain cells that the standard
tools parse, quiet ends of pipes, no colour or wrapping off a terminal, user text never read as markup,
formula-guarded CSV, and `-o FILE` written atomically."""

from __future__ import annotations

import csv
import functools
import inspect
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from sytrack.cli import app
from sytrack.files import atomic_writer
from sytrack.views.grid import display_width

AS_OF = "2024-07-01"  # a fixed "today" for status and explain: half of 2024 has elapsed

# A rate indicator (negative values are real data), and user text that looks like markup or a formula.
EXTRA_INDICATOR = textwrap.dedent(
    """
    [[indicator]]
    id = "output-growth"
    group = "parks"
    name_zh = "=产值增长"
    name_en = "bad[/b] growth"
    unit = "%"
    kind = "rate"
    direction = "increase"
    department = "@city bureau"
    quote = "+6% or more in 2024"

    [[indicator.target]]
    comparison = "at-least"
    value = 6
    deadline = 2024-12-31
    """
)
GROUP_NAME = "Parks [/]"  # a closing tag with nothing open: Rich markup would raise on it


@pytest.fixture
def catalogue_text(catalogue_text: str) -> str:
    """conftest's small catalogue, plus the rate indicator, with a group name that looks like markup."""
    assert 'name_en = "Parks"' in catalogue_text
    return catalogue_text.replace('name_en = "Parks"', f'name_en = "{GROUP_NAME}"') + EXTRA_INDICATOR


NAMES_EN = ["5G base stations", "Numerical-control rate", "Industrial design institute founded", "bad[/b] growth"]
NOTE_BOLD = "[bold]x[/bold]"
NOTE_LINK = "[link=http://e.com]y[/link]"


RECORDS = (
    ["record", "5g-base-stations", "41,000", "--date", "2024-06-30", "--note", NOTE_BOLD, "--by", "ana"],
    ["record", "cnc-rate", "63", "--date", "2024-03-31", "--note", NOTE_LINK, "--by", "ana"],
    ["record", "output-growth", "-3.5", "--date", "2024-06-30", "--by", "ana"],
)
DATA_FILES = ("indicators.db", "indicators.db-wal")  # the store and its write-ahead log


@pytest.fixture(scope="module")
def recorded_template(tmp_path_factory) -> Path:
    """Where the first test to need the records leaves a copy of its store, so later ones copy it back."""
    return tmp_path_factory.mktemp("recorded-template")


@pytest.fixture
def recorded(run, catalogue_file: Path, tmp_path: Path, recorded_template: Path) -> Path:
    """RECORDS in tmp_path/indicators.db (next to the catalogue); returns the folder.

    The records go in through the CLI once per module; each test then gets a fresh copy of that store."""
    if not (recorded_template / "indicators.db").exists():
        for args in RECORDS:
            result = run(args)
            assert result.code == 0, result.stderr
        for name in DATA_FILES:
            if (tmp_path / name).exists():
                shutil.copyfile(tmp_path / name, recorded_template / name)
    else:
        for name in DATA_FILES:
            if (recorded_template / name).exists():
                shutil.copyfile(recorded_template / name, tmp_path / name)
    return tmp_path


# ---------------------------------------------------------------------------------------------
# Expected headers: the reports' interface to other tools

STATUS_KEYS = (
    "id,group,name_zh,name_en,unit,kind,direction,baseline,baseline_date,target,target_low,target_high,"
    "deadline,latest,latest_date,completion_pct,time_elapsed_pct,pace,days_ahead,required_per_month,"
    "forecast,forecast_meets,status,comparison,start_date,start_value,reason,stretch,stretch_met,org,rolled_up,disagreement,"
    "warning,escalation,reports_expected,reports_received,reports_on_time"
).split(",")
LIST_KEYS = (
    "id,group,group_name,name_zh,name_en,unit,unit_en,kind,direction,baseline,baseline_date,"
    "targets,department,quote,doubt,source_line"
).split(",")
OBSERVATION_KEYS = "indicator,value,date,note,source,by,id,recorded_at,supersedes,retracts,state,org,denominator".split(
    ","
)

STATUS_NUMBERS = {
    "baseline",
    "target",
    "target_low",
    "target_high",
    "latest",
    "completion_pct",
    "time_elapsed_pct",
    "pace",
    "days_ahead",
    "required_per_month",
    "forecast",
    "start_value",
    "stretch",
    "escalation",
    "reports_expected",
    "reports_received",
    "reports_on_time",
}
STATUS_DATES = {"baseline_date", "deadline", "latest_date", "start_date"}
LIST_NUMBERS = {"baseline", "source_line"}
OBSERVATION_NUMBERS = {"value", "id", "supersedes", "retracts", "denominator"}

REPORTS = {
    "status": (["status", "--as-of", AS_OF], STATUS_KEYS, STATUS_NUMBERS),
    "list": (["list"], LIST_KEYS, LIST_NUMBERS),
    "log": (["log"], OBSERVATION_KEYS, OBSERVATION_NUMBERS),
    "export": (["export"], OBSERVATION_KEYS, OBSERVATION_NUMBERS),
}
MACHINE_FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ANSI = re.compile(r"\x1b\[")


# ---------------------------------------------------------------------------------------------
# 1. Every listing command has the same report options


def cycle_args(recorded: Path) -> dict[str, list[str]]:
    """remind on the recorded catalogue with a monthly cadence (reports expected, none in), and
    diff from before anything was recorded to today (every figure new data)."""
    cycle = recorded / "cycle.toml"
    text = (recorded / "indicators.toml").read_text(encoding="utf-8")
    cycle.write_text(text.replace("[plan]\n", '[plan]\ncadence = "monthly"\n', 1), encoding="utf-8")
    return {
        "remind": ["--catalog", str(cycle), "remind", "--as-of", "2024-06-30"],
        "diff": ["diff", "--from", "2024-01-01"],
    }


LISTING = {
    "status",
    "list",
    "log",
    "export",
    "explain",
    "show",
    "extract",
    "rank",
    "remind",
    "diff",
}  # the commands that list things
FORMAT_CHOICES = ("table", "csv", "tsv", "json", "jsonl", "markdown")
REPORT_OPTIONS = {"format": ["--format", "-f"], "output": ["--output", "-o"], "excel": ["--excel"]}


@functools.cache
def registered_commands() -> dict:
    """Every command, those of sub-command groups (`db info`) included, by name."""
    found = {}
    for name, command in typer.main.get_command(app).commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found.update({f"{name} {sub}": c for sub, c in subcommands.items()})
        else:
            found[name] = command
    return found


def report_option(command, what: str):
    """The command's option for `what` (format, output, excel), found by its long name."""
    long_name = REPORT_OPTIONS[what][0]
    found = [p for p in command.params if long_name in p.opts + p.secondary_opts]
    assert len(found) <= 1, f"{command.name}: {long_name} declared twice"
    return found[0] if found else None


def writes_a_report(command) -> bool:
    """Does the command's code hand rows to the report writer? (inspect follows functools.wraps)"""
    source = inspect.getsource(command.callback)
    return "emit(" in source or "write_report(" in source


def test_the_declared_listing_commands_are_registered():
    assert LISTING <= set(registered_commands()), LISTING - set(registered_commands())


def test_every_command_that_writes_a_report_is_declared_as_listing():
    # A new command that lists things must join LISTING, and so get the option checks below.
    writers = {name for name, command in registered_commands().items() if writes_a_report(command)}
    assert writers == LISTING


@pytest.mark.parametrize("name", sorted(LISTING))
def test_listing_command_has_format_output_and_excel(name):
    command = registered_commands()[name]
    fmt, output, excel = (report_option(command, what) for what in ("format", "output", "excel"))
    assert fmt is not None and output is not None and excel is not None, (name, fmt, output, excel)
    assert sorted(fmt.opts + fmt.secondary_opts) == sorted(REPORT_OPTIONS["format"])
    assert set(FORMAT_CHOICES) <= set(fmt.type.choices), fmt.type.choices
    assert sorted(output.opts + output.secondary_opts) == sorted(REPORT_OPTIONS["output"])
    assert not output.is_flag
    assert excel.opts == REPORT_OPTIONS["excel"] and excel.is_flag and not excel.secondary_opts


def test_format_choices_are_identical_in_every_listing_command():
    choices = {name: tuple(report_option(registered_commands()[name], "format").type.choices) for name in LISTING}
    assert len(set(choices.values())) == 1, choices


def report_kind(param) -> str | None:
    """Which report option a parameter looks like, by any of its spellings or its name, else None."""
    words = [param.name or "", *(s.lstrip("-") for s in param.opts + param.secondary_opts)]
    if any("format" in w or "fmt" in w for w in words) or any(s in ("-f", "-F") for s in param.opts):
        return "format"
    if any(w in ("output", "out", "o", "O") for w in words):
        return "output"
    if any("excel" in w for w in words):
        return "excel"
    return None


def test_no_command_spells_a_report_option_another_way():
    """Found by spelling and parameter name, not only a parameter called `fmt`: `--fmt`, `--output-format`,
    `-F`, `--out` or `--excel/--no-excel` in any command fail here, and a --format outside LISTING too."""
    odd = []
    for name, command in registered_commands().items():
        for param in command.params:
            kind = report_kind(param)
            if kind is None:
                continue
            spellings = sorted(param.opts + param.secondary_opts)
            if spellings != sorted(REPORT_OPTIONS[kind]) or (kind == "format" and name not in LISTING):
                odd.append((name, param.name, spellings))
    assert odd == []


def rank_args(run, folder) -> list[str]:
    """`rank` over the districts catalogue (the small one has no orgs), two districts' figures recorded."""
    catalogue = str(Path(__file__).parent / "data" / "districts.toml")
    common = ["--catalog", catalogue, "--db", str(folder / "districts.db")]
    for org, value in (("tiexi", "7"), ("hunnan", "4")):
        assert run([*common, "record", "smart-factories", value, "--date", "2024-06-30", "--org", org]).code == 0
    return [*common, "rank", "smart-factories", "--as-of", "2024-06-30"]


def write_plan(folder) -> str:
    """A two-target plan text for `extract` to read."""
    path = folder / "plan.md"
    path.write_text("**实施数字赋能工程。**2023年,5G基站力争突破4万个,上云企业突破3000户。\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", sorted(LISTING))
def test_every_listing_command_writes_every_machine_format(run, recorded, name):
    """Behaviour, not declaration: each format of each listing command parses with the standard tools."""
    args = {
        "status": ["status", "--as-of", AS_OF],
        "explain": ["explain", "5g-base-stations", "--as-of", AS_OF],
        "show": ["show", "5g-base-stations"],
        "extract": ["extract", write_plan(recorded)],
        "rank": rank_args(run, recorded) if name == "rank" else [],
        **cycle_args(recorded),
    }.get(name, [name])
    for fmt in MACHINE_FORMATS:
        result = run([*args, "--format", fmt])
        assert result.code == 0 and result.stderr == "", (fmt, result.stderr)
        text = result.stdout
        if fmt in ("csv", "tsv"):
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t"))
            assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows), (fmt, rows)
        elif fmt == "json":
            assert isinstance(json.loads(text), list) and json.loads(text)
        elif fmt == "jsonl":
            assert text.endswith("\n") and all(isinstance(json.loads(line), dict) for line in text.splitlines())
        else:
            lines = text.splitlines()
            assert len(lines) >= 3 and all(
                line.startswith("| ") and line.endswith(" |") for line in [lines[0], *lines[2:]]
            )


# ---------------------------------------------------------------------------------------------
# 2. Exact headers in every format


def header_of(fmt: str, text: str) -> object:
    if fmt == "csv":
        return text[: text.index("\n") + 1]  # with its line end: CSV lines end in CRLF
    if fmt == "tsv":
        return text.split("\n")[0].rstrip("\r")
    if fmt == "json":
        rows = json.loads(text)
        assert rows and all(list(row) == list(rows[0]) for row in rows)
        return list(rows[0])
    if fmt == "jsonl":
        keys = [list(json.loads(line)) for line in text.splitlines()]
        assert keys and all(k == keys[0] for k in keys)
        return keys[0]
    return text.split("\n")[0]


def expected_header(fmt: str, keys: list[str]) -> object:
    return {
        "csv": ",".join(keys) + "\r\n",
        "tsv": "\t".join(keys),
        "json": keys,
        "jsonl": keys,
        "markdown": "| " + " | ".join(keys) + " |",
    }[fmt]


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_exact_header_in_every_format(run, recorded, report):
    args, keys, numbers = REPORTS[report]
    outputs = {fmt: run([*args, "--format", fmt]) for fmt in MACHINE_FORMATS}
    assert {fmt: r.code for fmt, r in outputs.items()} == dict.fromkeys(MACHINE_FORMATS, 0)
    actual = {fmt: header_of(fmt, r.stdout) for fmt, r in outputs.items()}
    assert actual == {fmt: expected_header(fmt, keys) for fmt in MACHINE_FORMATS}
    # Markdown: one alignment cell per column; numbers right-aligned so digits line up.
    separator = outputs["markdown"].stdout.split("\n")[1]
    cells = separator.strip("|").split("|")
    assert len(cells) == len(keys), separator
    assert [cell.endswith(":") for cell in cells] == [key in numbers for key in keys], separator


def test_status_csv_header_begins_as_documented(run, catalogue_file):
    documented = (
        "id,group,name_zh,name_en,unit,kind,direction,baseline,baseline_date,target,target_low,target_high,"
        "deadline,latest,latest_date,completion_pct,time_elapsed_pct,pace,days_ahead,required_per_month,"
        "forecast,forecast_meets,status"
    )
    result = run(["status", "--as-of", AS_OF, "--format", "csv"])
    assert result.stdout.startswith(documented + ",")
    assert result.stdout.split("\r\n")[0].split(",")[22] == "status"  # `cut -d, -f23` is the status


@pytest.mark.parametrize("report", ["log", "export"])
def test_an_empty_history_still_has_its_header(run, catalogue_file, report):
    """A pipeline reading the header by position works before the first record too."""
    args, keys, _ = REPORTS[report]
    got = {fmt: run([*args, "--format", fmt]).stdout for fmt in MACHINE_FORMATS}
    assert got["csv"] == ",".join(keys) + "\r\n"
    assert got["tsv"].rstrip("\r\n") == "\t".join(keys)
    assert json.loads(got["json"]) == []
    assert got["jsonl"] == ""
    assert got["markdown"].split("\n")[0] == "| " + " | ".join(keys) + " |" and got["markdown"].count("\n") == 2


# ---------------------------------------------------------------------------------------------
# Real processes


PRESENTATION_VARIABLES = (
    "FORCE_COLOR",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLUMNS",
    "LINES",
    "TERM",
    "COLORTERM",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
)


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """os.environ without anything that steers colour or width, with home and data folders in tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in PRESENTATION_VARIABLES and not k.startswith("SYTRACK_")}
    env.update(
        HOME=str(tmp_path / "home"), USERPROFILE=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg-data")
    )
    env.update(extra)
    return env


def sytrack_argv(folder: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sytrack",
        "--catalog",
        str(folder / "indicators.toml"),
        "--db",
        str(folder / "indicators.db"),
        *args,
    ]


def run_process(argv: list[str], folder: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=folder, env=process_env(folder, **env), capture_output=True, stdin=subprocess.DEVNULL, timeout=60
    )


def bash() -> str:
    found = shutil.which("bash")
    if found is None or os.name == "nt":
        pytest.skip("needs bash and a POSIX pipe")
    return found


# ---------------------------------------------------------------------------------------------
# 3. What a pipe receives parses with the standard tools


def test_status_csv_from_a_process_parses_with_the_csv_module(recorded):
    result = run_process(sytrack_argv(recorded, "status", "--as-of", AS_OF, "--format", "csv"), recorded)
    assert (result.returncode, result.stderr) == (0, b"")
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"), newline="")))
    assert [row["id"] for row in rows] == ["5g-base-stations", "cnc-rate", "design-institute", "output-growth"]
    stations = rows[0]
    # Recorded as "41,000", reported plain; dates ISO; a missing value is an empty cell; percentages are numbers.
    assert stations["latest"] == "41000" and stations["target"] == "40000" and stations["baseline"] == "30000"
    assert (stations["latest_date"], stations["deadline"], stations["baseline_date"]) == (
        "2024-06-30",
        "2024-12-31",
        "2023-12-31",
    )
    assert (stations["target_low"], stations["target_high"]) == ("", "")
    assert (stations["completion_pct"], stations["time_elapsed_pct"]) == ("110", "50")
    assert stations["forecast_meets"] == "true" and stations["status"] == "achieved"
    growth = rows[3]
    assert (growth["latest"], growth["completion_pct"]) == ("-3.5", "-58.33")
    for row in rows:
        for key in STATUS_NUMBERS:
            assert row[key] == "" or PLAIN_NUMBER.fullmatch(row[key]), (row["id"], key, row[key])
        for key in STATUS_DATES:
            assert row[key] == "" or ISO_DATE.fullmatch(row[key]), (row["id"], key, row[key])
        assert row["forecast_meets"] in ("", "true", "false")


def test_status_csv_through_cut_sort_head(recorded):
    argv = sytrack_argv(recorded, "status", "--as-of", AS_OF, "--format", "csv")
    script = '"$@" | cut -d, -f1,23 | LC_ALL=C sort | head -3'
    result = subprocess.run(
        [bash(), "-c", script, "bash", *argv],
        cwd=recorded,
        env=process_env(recorded),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    full = run_process(argv, recorded).stdout.decode("utf-8")
    by_csv = sorted(f"{row[0]},{row[22]}" for row in csv.reader(io.StringIO(full, newline="")))[:3]
    lines = result.stdout.decode("utf-8").split("\n")
    assert lines[-1] == "" and lines[:-1] == by_csv
    assert lines[0] == "5g-base-stations,achieved"


def test_status_json_and_jsonl_from_a_process(recorded):
    result = run_process(sytrack_argv(recorded, "status", "--as-of", AS_OF, "--format", "json"), recorded)
    assert (result.returncode, result.stderr) == (0, b"")
    rows = json.loads(result.stdout.decode("utf-8"))
    stations = rows[0]
    assert stations["latest"] == 41000 and type(stations["latest"]) is int
    assert stations["latest_date"] == "2024-06-30" and stations["deadline"] == "2024-12-31"
    assert stations["target_low"] is None and stations["completion_pct"] == 110
    assert stations["forecast_meets"] is True
    growth = next(row for row in rows if row["id"] == "output-growth")
    assert growth["latest"] == -3.5 and growth["name_zh"] == "=产值增长" and growth["name_en"] == "bad[/b] growth"
    lines = run_process(sytrack_argv(recorded, "status", "--as-of", AS_OF, "--format", "jsonl"), recorded).stdout
    assert [json.loads(line) for line in lines.decode("utf-8").splitlines()] == rows


# ---------------------------------------------------------------------------------------------
# 4. `| head -1` ends quietly


BIG_CATALOGUE = textwrap.dedent(
    """\
    [plan]
    id = "big-plan"
    title_zh = "大计划"
    title_en = "Big plan"
    start = 2024-01-01
    language = "en"

    [[group]]
    id = "g"
    name_zh = "组"
    name_en = "Group"
    order = 1

    [[indicator]]
    id = "stations"
    group = "g"
    name_zh = "基站"
    name_en = "Stations"
    unit = "个"
    kind = "level"
    direction = "increase"

    [[indicator.target]]
    comparison = "at-least"
    value = 40000
    deadline = 2024-12-31
    """
)
PIPE_BUFFER = 65536  # Linux's default pipe capacity


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    """A store whose export is several pipe buffers long: 150 records with 3,000-character notes rather than
    5,000 short ones, since the table format costs ~2 ms a row and only the size matters here."""
    folder = tmp_path_factory.mktemp("big")
    (folder / "indicators.toml").write_text(BIG_CATALOGUE, encoding="utf-8")
    lines = ["indicator,value,date,note,id"]  # ids order the several values of a date (else import refuses them)
    for n in range(150):
        lines.append(f"stations,{30000 + n},2024-{1 + n % 6:02d}-{1 + n % 28:02d},row {n} {'padding ' * 375},{n + 1}")
    (folder / "big.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = process_env(folder)
    runner = CliRunner()
    base = ["--catalog", str(folder / "indicators.toml"), "--db", str(folder / "indicators.db")]
    imported = runner.invoke(app, [*base, "import", str(folder / "big.csv"), "--by", "bulk"], env=env)
    assert imported.exit_code == 0, imported.stderr
    exported = runner.invoke(app, [*base, "export"], env=env)
    assert len(exported.stdout_bytes) > 4 * PIPE_BUFFER
    return folder


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "markdown", "table"])
def test_export_into_head_ends_quietly_with_status_0(big_store, fmt):
    argv = sytrack_argv(big_store, "export", "--format", fmt)
    script = '"$@" | head -1; exit "${PIPESTATUS[0]}"'  # the exit status of sytrack, not of head
    result = subprocess.run(
        [bash(), "-c", script, "bash", *argv],
        cwd=big_store,
        env=process_env(big_store),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.stderr.decode("utf-8", "replace") == ""  # no BrokenPipeError, no 'Exception ignored'
    first = result.stdout.decode("utf-8")
    assert first.endswith("\n") and first.count("\n") == 1, first[:200]
    assert {
        "csv": first.startswith("indicator,value,date,"),
        "tsv": first.startswith("indicator\tvalue\tdate\t"),
        "json": first == "[\n",
        "jsonl": first.startswith('{"indicator": "stations"'),
        "markdown": first.startswith("| indicator | value |"),
        "table": first.strip() != "",
    }[fmt]
    assert result.returncode == 0, f"sytrack exited {result.returncode} when head closed the pipe"


# ---------------------------------------------------------------------------------------------
# 5. Tables on a pipe: no colour, no wrapping, whatever the environment says


PIPE_ENVIRONMENTS = {
    "FORCE_COLOR": {"FORCE_COLOR": "1"},
    "TERM": {"TERM": "xterm-256color"},
    "COLUMNS": {"COLUMNS": "40"},
    "NO_COLOR": {"NO_COLOR": "1"},
    "all": {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor", "LINES": "10"},
    "all-40": {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLORTERM": "truecolor", "COLUMNS": "40", "LINES": "10"},
}
TABLE_ARGS = {
    "status": ["status", "--as-of", AS_OF],
    "list": ["list"],
    "log": ["log"],
    "show": ["show", "output-growth"],
    "explain": ["explain", "output-growth", "--as-of", AS_OF],
}
# Text each table must hold whole on one line.
WHOLE = {
    "status": NAMES_EN,
    "list": NAMES_EN,
    "log": ["5g-base-stations", "cnc-rate", "output-growth", NOTE_BOLD, NOTE_LINK],
    "show": ["=产值增长 / bad[/b] growth", "+6% or more in 2024"],
    "explain": ["output-growth: bad[/b] growth", "≥ 6% by 2024-12-31"],
}
CASES = [(name, env) for name in TABLE_ARGS for env in PIPE_ENVIRONMENTS if name == "status" or env.startswith("all")]


@pytest.mark.parametrize(("name", "environment"), CASES)
def test_table_on_a_pipe_is_plain_and_unwrapped(recorded, name, environment):
    environ = PIPE_ENVIRONMENTS[environment]
    result = run_process(sytrack_argv(recorded, *TABLE_ARGS[name]), recorded, **environ)
    assert (result.returncode, result.stderr) == (0, b"")
    text = result.stdout.decode("utf-8")
    assert not ANSI.search(text) and "\x1b" not in text, repr(text[:300])
    lines = text.splitlines()
    assert [line for line in lines if line != line.rstrip()] == []  # no trailing padding
    if "COLUMNS" in environ and name != "show":  # a width that is set is honoured, in a pipe too
        assert max(display_width(line) for line in lines) <= int(environ["COLUMNS"]), text
        return
    for whole in WHOLE[name]:
        assert any(whole in line for line in lines), (whole, text)
    if name in ("status", "list", "log"):  # tables: every row as wide as its content
        titles = ("Digital", "Parks [/]")  # status's group titles stand alone
        short = [line for line in lines if len(line) <= 40 and line.strip() and line not in titles]
        assert short == [], short
    if name == "explain":  # every figure has a name: a row with a blank first cell is a wrapped one
        body = [line for line in lines if line.startswith("│")]
        assert len(body) >= 10 and all(line.split("│")[1].strip() for line in body), text


def sgr_colours(text: str) -> set[str]:
    """The colour parameters (foreground or background) of the SGR escape codes in text."""
    colours = set()
    for parameters in re.findall(r"\x1b\[([0-9;]*)m", text):
        for p in filter(None, parameters.split(";")):
            if 30 <= int(p) <= 38 or 40 <= int(p) <= 48 or 90 <= int(p) <= 107:
                colours.add(p)
    return colours


def run_on_terminal(argv: list[str], folder: Path, **env: str) -> tuple[int, str, bytes]:
    """Run with stdout on a pseudo-terminal, as a user at a terminal would."""
    if not hasattr(os, "openpty") or os.name == "nt":
        pytest.skip("needs a pseudo-terminal")
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            argv,
            cwd=folder,
            env=process_env(folder, **env),
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(slave)
    chunks, deadline = [], time.monotonic() + 30
    try:
        while True:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                process.kill()
                pytest.fail("no end of output on the terminal within 30 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    stderr = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace"), stderr


def test_no_color_is_honoured_on_a_terminal(recorded):
    argv = sytrack_argv(recorded, "status", "--as-of", AS_OF)
    terminal = {"TERM": "xterm-256color", "COLUMNS": "200"}
    code, coloured, stderr = run_on_terminal(argv, recorded, **terminal)
    assert (code, stderr) == (0, b"")
    assert sgr_colours(coloured), "control: a terminal without NO_COLOR shows status colours"
    code, plain, stderr = run_on_terminal(argv, recorded, NO_COLOR="1", **terminal)
    assert (code, stderr) == (0, b"")
    assert sgr_colours(plain) == set(), repr(plain[:300])
    assert "achieved" in plain


# ---------------------------------------------------------------------------------------------
# 6. CSV for spreadsheets: BOM on request, CRLF, formulas neutralised, numbers and JSON untouched

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_excel_starts_with_the_bom_and_only_then(run, recorded, fmt):
    for args, keys, _ in (REPORTS["status"], REPORTS["export"]):  # export declares its own --format
        plain = run([*args, "--format", fmt]).stdout_bytes
        excel = run([*args, "--format", fmt, "--excel"]).stdout_bytes
        assert not plain.startswith(BOM) and BOM not in plain
        assert excel == BOM + plain, args
        assert plain.decode("utf-8").startswith(keys[0] + ("," if fmt == "csv" else "\t"))


def test_excel_adds_no_bom_to_json(run, recorded):
    """A BOM would break JSON parsers: --excel is for CSV and TSV only."""
    for fmt in ("json", "jsonl"):
        result = run(["status", "--as-of", AS_OF, "--format", fmt, "--excel"])
        assert result.code == 0 and not result.stdout_bytes.startswith(BOM)
        assert json.loads(result.stdout.splitlines()[0] if fmt == "jsonl" else result.stdout)


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_csv_lines_end_in_crlf(run, recorded, report):
    data = run([*REPORTS[report][0], "--format", "csv"]).stdout_bytes
    assert data.endswith(b"\r\n") and data.count(b"\r\n") >= 2
    assert data.count(b"\n") == data.count(b"\r\n") and data.count(b"\r") == data.count(b"\r\n")


FORMULA_NOTES = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tlead tab", "\rlead return"]


@pytest.fixture
def formula_notes(run, catalogue_file, tmp_path) -> None:
    """The notes as a spreadsheet user might type them, imported in one go (their exact text is kept)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["indicator", "value", "date", "note", "source", "by"])
    for month, note in enumerate(FORMULA_NOTES, start=1):
        writer.writerow(["5g-base-stations", 31000 + month, f"2024-{month:02d}-15", note, "", "ana"])
    writer.writerow(["output-growth", "-3.5", "2024-06-30", "plain", "+bureau", "@me"])
    (tmp_path / "notes.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    result = run(["import", "notes.csv"])
    assert result.code == 0, result.stderr


def parsed(text: str, fmt: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t"))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_formula_text_is_quoted_and_numbers_are_not(run, formula_notes, fmt):
    rows = parsed(run(["export", "--format", fmt]).stdout, fmt)
    assert [row["note"] for row in rows[:6]] == ["'" + note for note in FORMULA_NOTES]
    growth = rows[6]
    assert (growth["value"], growth["note"], growth["source"], growth["by"]) == ("-3.5", "plain", "'+bureau", "'@me")
    status = {row["id"]: row for row in parsed(run(["status", "--as-of", AS_OF, "--format", fmt]).stdout, fmt)}
    assert status["output-growth"]["name_zh"] == "'=产值增长"
    assert (status["output-growth"]["latest"], status["output-growth"]["completion_pct"]) == ("-3.5", "-58.33")
    listed = {row["id"]: row for row in parsed(run(["list", "--format", fmt]).stdout, fmt)}
    assert (
        listed["output-growth"]["name_zh"],
        listed["output-growth"]["department"],
        listed["output-growth"]["quote"],
    ) == ("'=产值增长", "'@city bureau", "'+6% or more in 2024")
    assert listed["5g-base-stations"]["name_zh"] == "5G基站数量"  # ordinary text is left alone


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_text_with_line_breaks_tabs_and_quotes_reads_back_as_one_cell(run, catalogue_file, fmt):
    """A note pasted from a Windows program keeps its CRLF; each record is still one row to a CSV reader."""
    notes = ["first line\r\nsecond line", "old\rMac", "a\tb", 'say "hi", then go', "unix\nline"]
    for day, note in enumerate(notes, start=1):
        result = run(["record", "5g-base-stations", str(31000 + day), "--date", f"2024-02-{day:02d}", f"--note={note}"])
        assert result.code == 0, result.stderr
    rows = parsed(run(["export", "--format", fmt]).stdout, fmt)
    assert [row["note"] for row in rows] == notes
    assert [row["value"] for row in rows] == [str(31000 + day) for day in range(1, len(notes) + 1)]


def test_json_carries_the_text_unchanged(run, formula_notes):
    for fmt in ("json", "jsonl"):
        text = run(["export", "--format", fmt]).stdout
        rows = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
        assert [row["note"] for row in rows[:6]] == FORMULA_NOTES
        assert (rows[6]["value"], rows[6]["source"], rows[6]["by"]) == (-3.5, "+bureau", "@me")
    status = json.loads(run(["status", "--as-of", AS_OF, "--format", "json"]).stdout)
    assert next(r for r in status if r["id"] == "output-growth")["name_zh"] == "=产值增长"


# ---------------------------------------------------------------------------------------------
# 7. User text is never read as markup


@pytest.mark.parametrize("name", sorted(TABLE_ARGS))
def test_table_prints_user_text_exactly_as_typed(run, recorded, name):
    # `run` does not catch exceptions: a MarkupError from `bad[/b]` or `[/]` fails the test as it is.
    result = run(TABLE_ARGS[name])
    assert result.code == 0 and result.stderr == "", result.stderr
    for whole in WHOLE[name]:
        assert whole in result.stdout, (whole, result.stdout)
    if name in ("status", "list"):
        assert GROUP_NAME in result.stdout


def test_terminal_output_prints_user_text_exactly_as_typed(recorded):
    """On a real terminal too, where Rich styles the output: no markup, no hyperlink escape codes."""
    terminal = {"TERM": "xterm-256color", "COLUMNS": "250"}
    code, log, stderr = run_on_terminal(sytrack_argv(recorded, "log"), recorded, **terminal)
    assert (code, stderr) == (0, b"")
    assert NOTE_BOLD in log and NOTE_LINK in log
    assert "\x1b]8;" not in log  # no OSC 8 hyperlink: [link=...] was not read as markup
    code, status, stderr = run_on_terminal(sytrack_argv(recorded, "status", "--as-of", AS_OF), recorded, **terminal)
    assert (code, stderr) == (0, b"")
    assert "bad[/b] growth" in status and GROUP_NAME in status


# ---------------------------------------------------------------------------------------------
# 8. -o FILE: the report in the file, nothing on stdout, written atomically


@pytest.mark.parametrize("name", sorted(LISTING))
def test_output_option_writes_the_report_to_the_file(run, recorded, name):
    args = {
        **TABLE_ARGS,
        "export": ["export"],
        "show": ["show", "5g-base-stations"],
        "extract": ["extract", write_plan(recorded)],
        "rank": rank_args(run, recorded) if name == "rank" else [],
        **cycle_args(recorded),
    }[name]
    for fmt in ("csv", "table"):
        piped = run([*args, "--format", fmt])
        written = run([*args, "--format", fmt, "-o", f"{name}.{fmt}"])
        assert (written.code, written.stdout, written.stderr) == (0, "", ""), fmt
        assert (recorded / f"{name}.{fmt}").read_bytes() == piped.stdout_bytes, fmt
    assert sorted(p.name for p in recorded.iterdir() if p.name.startswith(f"{name}.")) == [
        f"{name}.csv",
        f"{name}.table",
    ]


def test_output_replaces_a_longer_file_entirely(run, recorded):
    target = recorded / "out.csv"
    target.write_bytes(b"old content\r\n" * 10_000)
    result = run(["log", "--format", "csv", "--output", str(target)])
    assert result.code == 0
    assert target.read_bytes() == run(["log", "--format", "csv"]).stdout_bytes


def test_output_into_a_missing_folder_is_a_one_line_error(run, recorded):
    result = run(["status", "--as-of", AS_OF, "--format", "csv", "-o", "no-such-folder/out.csv"])
    assert result.code == 1 and result.stdout == ""
    assert result.stderr.startswith("sytrack: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "no-such-folder" in result.stderr and "Traceback" not in result.stderr
    assert not (recorded / "no-such-folder").exists()


def test_a_report_that_fails_midway_leaves_the_previous_file(run, recorded, monkeypatch):
    import sytrack.writers

    target = recorded / "status.csv"
    target.write_bytes(b"the previous report\r\n")
    real = sytrack.writers.write_report

    def failing(rows, columns, fmt, out, **kwargs):
        real(rows, columns, fmt, out, **kwargs)  # the whole report is written, then something breaks
        raise RuntimeError("disk gone")

    monkeypatch.setattr(sytrack.writers, "write_report", failing)
    with pytest.raises(RuntimeError, match="disk gone"):
        run(["status", "--as-of", AS_OF, "--format", "csv", "-o", str(target)])
    assert target.read_bytes() == b"the previous report\r\n"
    assert [p.name for p in recorded.iterdir() if p.name.startswith(".status.csv")] == []


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("mode", ["w", "wb"])
@pytest.mark.parametrize("error", [Interrupted, KeyboardInterrupt])
def test_atomic_writer_leaves_the_previous_file_when_the_block_fails(tmp_path, mode, error):
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "report.csv"
    previous = b"id,value\r\nold,\xe4\xb8\x87\r\n\x00tail"
    target.write_bytes(previous)
    with pytest.raises(error):
        with atomic_writer(target, mode) as stream:
            stream.write("new,partial\r\n" * 1000 if mode == "w" else b"new,partial\r\n" * 1000)
            assert target.read_bytes() == previous  # nobody sees a half-written report meanwhile
            raise error()
    assert target.read_bytes() == previous
    assert sorted(os.listdir(folder)) == ["report.csv"]


def test_atomic_writer_creates_nothing_when_a_new_file_fails(tmp_path):
    with pytest.raises(Interrupted):
        with atomic_writer(tmp_path / "new.csv") as stream:
            stream.write("half")
            raise Interrupted
    assert sorted(os.listdir(tmp_path)) == []


def test_atomic_writer_replaces_the_file_on_success_and_keeps_newlines(tmp_path):
    target = tmp_path / "report.csv"
    target.write_bytes(b"a much longer previous content" * 100)
    with atomic_writer(target) as stream:
        stream.write("a,b\r\n1,2\r\n")
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"  # no newline translation: CRLF is the CSV's own
    assert sorted(os.listdir(tmp_path)) == ["report.csv"]
