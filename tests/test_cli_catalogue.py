"""The catalogue commands through the CLI: check, list, show, where, init, add; exit codes and streams apart."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import typer.main

from sytrack import __version__
from sytrack.catalogue import PACKAGED_CATALOGUE, load_catalogue
from sytrack.cli import app

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "indicators.toml"
STARTER = PACKAGED_CATALOGUE.with_name("starter.toml")

LIST_HEADER = (
    "id,group,group_name,name_zh,name_en,unit,unit_en,kind,direction,baseline,baseline_date,"
    "targets,department,quote,doubt,source_line"
)


def shipped_data() -> dict:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    (number,) = [n for n, line in enumerate(lines, start=1) if fragment in line]
    return number


def one_error_line(stderr: str) -> str:
    """stderr must be exactly one `sytrack: error: ...` line, without a traceback; return the message."""
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert stderr.startswith("sytrack: error: ")
    return stderr[len("sytrack: error: ") : -1]


def write_catalogue(path: Path, text: str, marker: str = "5g-base-stations") -> Path:
    """Write the small catalogue (see conftest) at `path`, its first indicator renamed to `marker`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace('id = "5g-base-stations"', f'id = "{marker}"'), encoding="utf-8")
    return path


def listed_ids(result) -> list[str]:
    assert result.code == 0, result.stderr
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


# ---------------------------------------------------------------------------------------------
# The shipped catalogue


def test_repo_catalogue_and_packaged_copy_are_byte_identical():
    assert SHIPPED.read_bytes() == (REPO / "src" / "sytrack" / "indicators.toml").read_bytes()


def test_check_accepts_the_shipped_catalogue(run):
    data = shipped_data()
    result = run(["--catalog", str(SHIPPED), "check"])
    assert result.code == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"ok: {len(data['indicator'])} indicators in {len(data['group'])} groups, {len(data['org'])} orgs ({SHIPPED})\n"
    )


SHENYANG_DISTRICTS = {
    "heping": ("和平区", "Heping District"),
    "shenhe": ("沈河区", "Shenhe District"),
    "dadong": ("大东区", "Dadong District"),
    "huanggu": ("皇姑区", "Huanggu District"),
    "tiexi": ("铁西区", "Tiexi District"),
    "hunnan": ("浑南区", "Hunnan District"),
    "yuhong": ("于洪区", "Yuhong District"),
    "shenbei": ("沈北新区", "Shenbei New District"),
    "sujiatun": ("苏家屯区", "Sujiatun District"),
    "liaozhong": ("辽中区", "Liaozhong District"),
    "xinmin": ("新民市", "Xinmin City"),
    "kangping": ("康平县", "Kangping County"),
    "faku": ("法库县", "Faku County"),
}


def test_the_shipped_catalogue_has_shenyang_s_districts_and_its_two_bureaus_but_no_invented_allocations():
    catalogue = load_catalogue(SHIPPED)
    districts = {o.id: (o.name_zh, o.name_en) for o in catalogue.orgs if o.kind == "district"}
    assert districts == SHENYANG_DISTRICTS
    assert all(o.parent is None for o in catalogue.orgs)
    bureaus = {o.name_zh: o.id for o in catalogue.orgs if o.kind == "department"}
    assert bureaus == {"沈阳市工信局": "gxj", "沈阳市科技局": "kjj"}
    assert not any(i.allocations for i in catalogue.indicators)  # the plan divides no target among districts
    for indicator in catalogue.indicators:  # every indicator a bureau is responsible for names it as lead
        assert indicator.lead == bureaus.get(indicator.department), indicator.id


def test_check_accepts_the_packaged_default(run, empty_folder):
    result = run(["check"], cwd=empty_folder)
    assert result.code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("ok: ") and str(PACKAGED_CATALOGUE) in result.stderr


def test_list_json_from_an_empty_folder_lists_the_packaged_catalogue(run, empty_folder):
    result = run(["list", "--format", "json"], cwd=empty_folder)

    assert result.code == 0
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    declared = [entry["id"] for entry in shipped_data()["indicator"]]
    assert len(rows) == len(declared) == 42
    assert sorted(row["id"] for row in rows) == sorted(declared)
    assert {row["id"]: row["baseline"] for row in rows if row["baseline"] is not None} == {
        "5g-base-stations": 30000,
        "cnc-rate": 62.9,
        "rd-design-tools": 76.4,
        "high-end-equipment-share": 34,
        "new-industry-share": 24.1,
        "top100-rank": 25,
    }
    assert {row["baseline_date"] for row in rows if row["baseline"] is not None} == {"2022-12-31"}
    # Rows come in the groups' order.
    group_order = {g["id"]: g["order"] for g in shipped_data()["group"]}
    orders = [group_order[row["group"]] for row in rows]
    assert orders == sorted(orders)


def test_list_csv_has_the_header_and_one_row_per_indicator(run, empty_folder):
    result = run(["list", "--format", "csv"], cwd=empty_folder)

    assert result.code == 0
    assert result.stdout.startswith(LIST_HEADER + "\r\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == len(shipped_data()["indicator"])
    stations = next(row for row in rows if row["id"] == "5g-base-stations")
    assert (stations["baseline"], stations["baseline_date"]) == ("30000", "2022-12-31")
    assert stations["targets"] == "more-than 40000 by 2023-12-31"
    assert stations["name_zh"] == "5G基站数量"
    assert stations["source_line"] == str(line_of(SHIPPED, 'id = "5g-base-stations"') - 1)


# ---------------------------------------------------------------------------------------------
# check on a bad catalogue

BAD = textwrap.dedent(
    """\
    [plan]
    id = "bad-plan"
    title_zh = "计划"
    title_en = "Plan"
    start = 2024-01-01

    [[group]]
    id = "digital"
    name_zh = "数字"
    name_en = "Digital"

    [[indicator]]
    id = "stations"
    group = "digital"
    name_zh = "基站"
    name_en = "Stations"
    unit = "个"
    kind = "levl"
    direction = "increase"

    [[indicator.target]]
    comparison = "at-least"
    value = 40000
    deadline = 2024-12-31

    [[indicator]]
    id = "cnc-rate"
    group = "digtal"
    name_zh = "数控化率"
    name_en = "CNC rate"
    unit = "%"
    kind = "share"
    direction = "increase"

    [[indicator.target]]
    comparison = "at-least"
    value = 65
    deadline = 2024-12-31

    [[indicator]]
    id = "rank"
    group = "digital"
    name_zh = "排名"
    name_en = "Rank"
    unit = "位"
    kind = "rank"
    direction = "decrease"

    [[indicator.target]]
    comparison = "at-most"
    value = "top ten"
    deadline = 2024-12-31
    """
)


def test_check_prints_every_problem_as_file_line_id_message(run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD, encoding="utf-8")

    kind, group, value = line_of(bad, 'kind = "levl"'), line_of(bad, 'group = "digtal"'), line_of(bad, "top ten")

    result = run(["--catalog", "bad.toml", "check"])

    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"bad.toml:{kind}: stations: unknown kind 'levl' (use one of level, flow, share, rate, rank, milestone)",
        f"bad.toml:{group}: cnc-rate: unknown group 'digtal' (did you mean 'digital'?)",
        f"bad.toml:{value}: rank: 'value' is not a number: 'top ten' is not a number (examples: 41000, 41,000, 4.1万, 65%)",
    ]
    assert one_error_line(result.stderr) == "3 problems in bad.toml"


def test_check_reports_a_toml_syntax_error_with_line_and_column(run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD.replace("value = 65", "value = 65 %"), encoding="utf-8")

    result = run(["--catalog", "bad.toml", "check"])

    assert result.code == 1
    number = line_of(bad, "value = 65 %")
    assert result.stdout.startswith(f"bad.toml:{number}:12: TOML syntax error: ")
    assert result.stdout.count("\n") == 1
    assert one_error_line(result.stderr) == "1 problem in bad.toml"


def test_other_commands_on_a_bad_catalogue_give_one_line_and_point_to_check(run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD, encoding="utf-8")

    result = run(["--catalog", "bad.toml", "list"])

    assert result.code == 1
    assert result.stdout == ""
    message = one_error_line(result.stderr)
    kind = line_of(bad, 'kind = "levl"')
    assert message.startswith(f"bad.toml:{kind}: stations: unknown kind 'levl'")
    assert message.endswith("(and 2 more problems; run `sytrack check`)")


def test_a_missing_catalogue_is_a_one_line_error(run):
    result = run(["--catalog", "missing.toml", "list"])
    assert result.code == 1
    assert result.stdout == ""
    assert (
        one_error_line(result.stderr) == "missing.toml: no such catalogue (create one with `sytrack init missing.toml`)"
    )


# ---------------------------------------------------------------------------------------------
# Hostile catalogue paths and contents: one line and exit 1, never a hang, a flood or a traceback


@contextlib.contextmanager
def no_hang(seconds: int = 20):
    """Fail the test, rather than the whole run, when a command blocks (a pipe waiting for a writer)."""

    def stop(*_):
        raise AssertionError(f"the command was still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def not_a_file(kind: str, folder: Path) -> Path:
    """A path of the given kind in `folder`: a folder, a FIFO, a socket, or /dev/zero."""
    path = folder / kind
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        with contextlib.chdir(folder):  # a socket's path is limited to about 100 bytes
            server.bind(kind)
        return path
    else:
        return Path("/dev/zero")
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs, sockets and /dev/zero are POSIX")
@pytest.mark.parametrize(
    ("kind", "what"),
    [("folder", "a folder"), ("fifo", "a named pipe (FIFO)"), ("socket", "a socket"), ("device", "a device")],
)
@pytest.mark.parametrize("command", [["check"], ["list"]])
def test_a_catalogue_path_that_is_not_a_regular_file_is_refused_at_once(run, tmp_path, kind, what, command):
    path = not_a_file(kind, tmp_path)
    with no_hang():
        result = run(["--catalog", str(path), *command])
    assert result.code == 1 and result.stdout == ""
    assert one_error_line(result.stderr) == f"{path}: is {what}, not a catalogue file; give the path of a TOML file"


@pytest.mark.parametrize("command", [["check"], ["list"]])
def test_a_catalogue_over_16_mib_is_refused_saying_the_cap(run, tmp_path, command):
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as stream:  # sparse: no 16 MB written to the test machine's disk
        stream.truncate((16 << 20) + 1)
    result = run(["--catalog", "huge.toml", *command])
    assert result.code == 1 and result.stdout == ""
    assert one_error_line(result.stderr) == (
        "huge.toml: larger than 16 MiB, the most a catalogue may be; give the path of the catalogue itself"
    )


def test_a_catalogue_of_exactly_16_mib_is_read(run, tmp_path, catalogue_text):
    """The cap is on what is read, not a guess: a file at the cap is a catalogue like any other."""
    body = catalogue_text.encode()
    padded = tmp_path / "padded.toml"
    padded.write_bytes(body + b"#" * ((16 << 20) - len(body)))
    assert run(["--catalog", "padded.toml", "check"]).code == 0


DEEP = {"arrays": "[" * 2000 + "]" * 2000, "inline tables": "{a=" * 2000 + "1" + "}" * 2000}


@pytest.mark.parametrize("nesting", sorted(DEEP))
def test_nesting_thousands_deep_is_one_problem_not_a_recursion_error(run, tmp_path, catalogue_text, nesting):
    deep = tmp_path / "deep.toml"
    deep.write_text(
        catalogue_text.replace('language = "en"\n', f'language = "en"\nx = {DEEP[nesting]}\n'), encoding="utf-8"
    )
    assert len(deep.read_bytes()) < 12_000  # a few KB is all it takes
    message = (
        "values nested too deeply (arrays or tables within each other hundreds of times): "
        "a catalogue needs at most a few levels"
    )

    checked = run(["--catalog", "deep.toml", "check"])
    assert checked.code == 1
    assert checked.stdout == f"deep.toml: {message}\n"
    assert one_error_line(checked.stderr) == "1 problem in deep.toml"

    listed = run(["--catalog", "deep.toml", "list"])
    assert listed.code == 1 and listed.stdout == ""
    assert one_error_line(listed.stderr) == f"deep.toml: {message}"


def test_merging_a_draft_nested_thousands_deep_is_one_line_and_changes_nothing(run, catalogue_file):
    draft = catalogue_file.with_name("draft.toml")
    draft.write_text(f"x = {DEEP['arrays']}\n", encoding="utf-8")
    before = catalogue_file.read_bytes()
    result = run(["merge", "draft.toml"])
    assert result.code == 1 and result.stdout == ""
    assert "values nested too deeply" in one_error_line(result.stderr)
    assert catalogue_file.read_bytes() == before


def test_a_huge_wrong_value_is_quoted_cut_short(run, tmp_path, catalogue_text):
    bad = tmp_path / "bad.toml"
    bad.write_text(catalogue_text.replace('kind = "level"', f'kind = "{"x" * 100_000}"'), encoding="utf-8")
    result = run(["--catalog", "bad.toml", "check"])
    assert result.code == 1
    [line] = result.stdout.splitlines()
    number = line_of(bad, 'kind = "xxx')
    assert line.startswith(f"bad.toml:{number}: 5g-base-stations: unknown kind 'xxx")
    assert len(line) < 200 and "…" in line


# ---------------------------------------------------------------------------------------------
# list and show on the small catalogue


def test_list_json_gives_every_field(run, catalogue_file):
    result = run(["list", "--format", "json"])

    assert result.code == 0
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == ["5g-base-stations", "cnc-rate", "design-institute"]
    assert rows[1] == {
        "id": "cnc-rate",
        "group": "digital",
        "group_name": "Digital",
        "name_zh": "关键工序数控化率",
        "name_en": "Numerical-control rate",
        "unit": "%",
        "unit_en": "",
        "kind": "share",
        "direction": "increase",
        "baseline": 62.9,
        "baseline_date": "2023-12-31",
        "targets": [
            {
                "comparison": "at-least",
                "value": 65,
                "low": None,
                "high": None,
                "tolerance": None,
                "deadline": "2024-12-31",
                "start": None,
            },
            {
                "comparison": "at-least",
                "value": 70,
                "low": None,
                "high": None,
                "tolerance": None,
                "deadline": "2025-12-31",
                "start": None,
            },
        ],
        "department": "",
        "quote": "",
        "doubt": "",
        "source_line": line_of(catalogue_file, 'id = "cnc-rate"') - 1,
    }


@pytest.mark.parametrize(
    ("group", "ids"), [("digital", ["5g-base-stations", "cnc-rate"]), ("parks", ["design-institute"])]
)
def test_list_group_keeps_only_that_group(run, catalogue_file, group, ids):
    result = run(["list", "--group", group, "--format", "csv"])
    assert result.code == 0
    lines = result.stdout.split("\r\n")
    assert lines[0] == LIST_HEADER
    assert [line.split(",")[0] for line in lines[1:-1]] == ids
    assert lines[-1] == ""


def test_list_unknown_group_is_an_error(run, catalogue_file):
    result = run(["list", "--group", "nope"])
    assert result.code == 2  # an option naming no group is bad usage, like --status fine
    assert result.stdout == ""
    assert one_error_line(result.stderr) == "unknown group 'nope'; groups: digital, parks"


def test_list_table_shows_ids_and_group_names(run, catalogue_file):
    result = run(["list"])
    assert result.code == 0
    assert result.stderr == ""
    for text in (
        "Test plan",
        "Digital",
        "Parks",
        "5g-base-stations",
        "30,000 stations (2023)",
        "> 40,000 stations by 2024-12-31",
    ):
        assert text in result.stdout


def test_show_gives_one_indicator_in_full(run, catalogue_file):
    result = run(["show", "cnc-rate"])

    assert result.code == 0
    assert result.stderr == ""
    assert "62.9% on 2023-12-31" in result.stdout
    assert "≥ 65% by 2024-12-31" in result.stdout
    assert "≥ 70% by 2025-12-31" in result.stdout
    header = line_of(catalogue_file, 'id = "cnc-rate"') - 1
    assert f"defined at  {catalogue_file.resolve()}:{header}" in result.stdout

    as_json = run(["show", "cnc-rate", "--format", "json"])
    assert as_json.code == 0
    (row,) = json.loads(as_json.stdout)
    assert row["id"] == "cnc-rate" and [t["value"] for t in row["targets"]] == [65, 70]


def test_show_unknown_id_suggests_the_close_one(run, catalogue_file):
    result = run(["show", "cnc-rat"])
    assert result.code == 1
    assert result.stdout == ""
    assert one_error_line(result.stderr) == "unknown indicator 'cnc-rat'; did you mean cnc-rate?"


# ---------------------------------------------------------------------------------------------
# Finding the catalogue, each rule checked with `where` and with what `list` actually loads


def where_line(result) -> str:
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    return next(line for line in result.stdout.splitlines() if line.startswith("catalogue: "))


def test_discovery_catalog_option(run, tmp_path, catalogue_text):
    write_catalogue(tmp_path / "plans" / "other.toml", catalogue_text, "from-option")
    assert where_line(run(["--catalog", "plans/other.toml", "where"])) == "catalogue: plans/other.toml (--catalog)"
    assert "from-option" in listed_ids(run(["--catalog", "plans/other.toml", "list", "-f", "jsonl"]))


def test_discovery_environment_variable(run, tmp_path, catalogue_text):
    path = write_catalogue(tmp_path / "plans" / "env.toml", catalogue_text, "from-env")
    env = {"SYTRACK_CATALOG": str(path)}
    assert where_line(run(["where"], env=env)) == f"catalogue: {path} (SYTRACK_CATALOG)"
    assert "from-env" in listed_ids(run(["list", "-f", "jsonl"], env=env))


def test_discovery_in_the_current_folder(run, tmp_path, catalogue_text):
    project = (tmp_path / "project").resolve()
    write_catalogue(project / "indicators.toml", catalogue_text, "from-here")
    result = run(["where"], cwd=project)
    assert where_line(result) == f"catalogue: {project / 'indicators.toml'} (found in {project})"
    assert "from-here" in listed_ids(run(["list", "-f", "jsonl"], cwd=project))


def test_discovery_in_a_parent_folder(run, tmp_path, catalogue_text):
    project = (tmp_path / "project").resolve()
    write_catalogue(project / "indicators.toml", catalogue_text, "from-parent")
    deeper = project / "reports" / "2024"
    deeper.mkdir(parents=True)
    assert where_line(run(["where"], cwd=deeper)) == f"catalogue: {project / 'indicators.toml'} (found in {project})"
    assert "from-parent" in listed_ids(run(["list", "-f", "jsonl"], cwd=deeper))


def test_discovery_falls_back_to_the_packaged_default(run, empty_folder):
    assert where_line(run(["where"], cwd=empty_folder)) == f"catalogue: {PACKAGED_CATALOGUE} (packaged default)"
    assert "5g-base-stations" in listed_ids(run(["list", "-f", "jsonl"], cwd=empty_folder))


def test_discovery_order_option_then_environment_then_folder(run, tmp_path, catalogue_text):
    project = (tmp_path / "project").resolve()
    write_catalogue(project / "indicators.toml", catalogue_text, "from-here")
    from_env = write_catalogue(tmp_path / "env.toml", catalogue_text, "from-env")
    from_option = write_catalogue(tmp_path / "option.toml", catalogue_text, "from-option")
    env = {"SYTRACK_CATALOG": str(from_env)}

    assert (
        listed_ids(run(["--catalog", str(from_option), "list", "-f", "jsonl"], env=env, cwd=project))[0]
        == "from-option"
    )
    assert listed_ids(run(["list", "-f", "jsonl"], env=env, cwd=project))[0] == "from-env"
    assert listed_ids(run(["list", "-f", "jsonl"], cwd=project))[0] == "from-here"


# ---------------------------------------------------------------------------------------------
# init


def test_init_writes_a_starter_that_check_accepts(run, tmp_path):
    result = run(["init"])

    assert result.code == 0
    assert result.stdout == "wrote indicators.toml: edit it, then run `sytrack check`\n"
    written = tmp_path / "indicators.toml"
    assert written.read_bytes() == STARTER.read_bytes()
    checked = run(["check"])
    assert checked.code == 0, checked.stdout
    assert checked.stderr.startswith("ok: 2 indicators")


def test_init_at_a_path_then_check_it(run, tmp_path):
    assert run(["init", "plans/2025.toml"], cwd=tmp_path).code == 1  # no such folder: an error, not a traceback
    (tmp_path / "plans").mkdir()
    assert run(["init", "plans/2025.toml"]).code == 0
    assert run(["--catalog", "plans/2025.toml", "check"]).code == 0


def test_init_never_overwrites(run, tmp_path):
    existing = tmp_path / "indicators.toml"
    existing.write_bytes(b"# my own plan\r\n")

    result = run(["init"])

    assert result.code == 1
    assert result.stdout == ""
    assert "already exists" in one_error_line(result.stderr)
    assert existing.read_bytes() == b"# my own plan\r\n"


# ---------------------------------------------------------------------------------------------
# add

ADD = [
    "add",
    "--id",
    "smart-factories",
    "--group",
    "digital",
    "--name-zh",
    "智能工厂",
    "--name-en",
    "Smart factories",
    "--kind",
    "flow",
    "--direction",
    "increase",
    "--unit",
    "个",
    "--target",
    "30@2024-12-31",
    "--target",
    "4.5万@2025",
    "--baseline",
    "10@2023-12-31",
    "--quote",
    "培育智能工厂30个",
]


# A group and a comment after the indicators, and an inline table spaced by hand: a TOML editor
# that rewrites the document moves the indicators after the group and respaces the table.
GROUP_AFTER = """
[[group]]
id = "later"   # declared after the indicators, as TOML allows
name_zh = "后加"
name_en = "Added later"
# A closing comment.
"""


@pytest.mark.parametrize("form", ["lf", "crlf", "no-final-newline", "utf8-bom", "utf8-bom-crlf", "groups-after"])
def test_add_appends_keeping_every_original_byte(run, tmp_path, catalogue_text, form):
    path = tmp_path / "indicators.toml"
    original = catalogue_text.encode("utf-8")
    if form in ("crlf", "utf8-bom-crlf"):
        original = original.replace(b"\n", b"\r\n")
    elif form == "no-final-newline":
        original = original.rstrip(b"\n")
    elif form == "groups-after":
        original = original.replace(b"{ value = 30000, date = 2023-12-31 }", b"{value=30000 ,date = 2023-12-31}")
        original += GROUP_AFTER.encode()
    if form.startswith("utf8-bom"):
        original = b"\xef\xbb\xbf" + original
    path.write_bytes(original)

    result = run(ADD)

    assert result.code == 0, result.stderr
    assert result.stdout == f"added smart-factories to {path.resolve()}\n"
    new = path.read_bytes()
    assert new.startswith(original)
    assert b"# A small catalogue for tests" in new
    if "crlf" in form:
        assert b"\n" not in new.replace(b"\r\n", b""), "a bare LF in a CRLF file"
    assert run(["check"]).code == 0
    assert listed_ids(run(["list", "-f", "jsonl"])) == [
        "5g-base-stations",
        "cnc-rate",
        "smart-factories",
        "design-institute",
    ]
    (row,) = json.loads(run(["show", "smart-factories", "-f", "json"]).stdout)
    assert (row["baseline"], row["baseline_date"]) == (10, "2023-12-31")
    assert [(t["comparison"], t["value"], t["deadline"]) for t in row["targets"]] == [
        ("at-least", 30, "2024-12-31"),
        ("at-least", 45000, "2025-12-31"),
    ]
    assert row["quote"] == "培育智能工厂30个"


def test_add_writes_every_sub_table_under_its_own_header(run, catalogue_file):
    before = catalogue_file.read_text(encoding="utf-8")
    assert run(ADD).code == 0
    assert catalogue_file.read_text(encoding="utf-8") == before + textwrap.dedent(
        """
        [[indicator]]
        id = "smart-factories"
        group = "digital"
        name_zh = "智能工厂"
        name_en = "Smart factories"
        unit = "个"
        kind = "flow"
        direction = "increase"
        quote = "培育智能工厂30个"

        [indicator.baseline]
        value = 10
        date = 2023-12-31

        [[indicator.target]]
        comparison = "at-least"
        value = 30
        deadline = 2024-12-31

        [[indicator.target]]
        comparison = "at-least"
        value = 45000
        deadline = 2025-12-31
        """
    )


def test_add_writes_text_with_quotes_controls_and_newlines_so_that_it_reads_back(run, catalogue_file):
    quote = 'a "quoted" \\ back\\slash,\na new line, a tab\t and \u2028 a separator'
    assert run([*ADD[:-1], quote]).code == 0
    (row,) = json.loads(run(["show", "smart-factories", "-f", "json"]).stdout)
    assert row["quote"] == quote


@pytest.mark.parametrize(("command", "loads"), [(["list", "--format", "csv"], False), (["check"], False), (ADD, True)])
def test_tomlkit_is_imported_only_by_commands_that_edit_the_catalogue(tmp_path, catalogue_text, command, loads):
    (tmp_path / "indicators.toml").write_text(catalogue_text, encoding="utf-8")
    result = run_process([sys.executable, "-X", "importtime", "-m", "sytrack", *command], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (b" tomlkit\n" in result.stderr) is loads


def test_add_a_milestone_and_a_range(run, catalogue_file):
    milestone = [
        "add",
        "--id",
        "data-centre",
        "--group",
        "parks",
        "--name-zh",
        "数据中心",
        "--name-en",
        "Data centre",
        "--kind",
        "milestone",
        "--target",
        "done@2025",
    ]
    labs = [
        "add",
        "--id",
        "key-labs",
        "--group",
        "parks",
        "--name-zh",
        "重点实验室",
        "--name-en",
        "Key labs",
        "--kind",
        "level",
        "--direction",
        "increase",
        "--unit",
        "个",
        "--target",
        "4..6@2025",
    ]
    assert run(milestone).code == 0
    assert run(labs).code == 0
    rows = {row["id"]: row for row in json.loads(run(["list", "-f", "json"]).stdout)}
    assert rows["data-centre"]["kind"] == "milestone"
    assert rows["data-centre"]["targets"][0]["deadline"] == "2025-12-31"
    assert (rows["key-labs"]["targets"][0]["low"], rows["key-labs"]["targets"][0]["high"]) == (4, 6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--target": "abc@2024-12-31"}, "'abc' is not a number"),
        ({"--target": "30"}, "needs VALUE@DATE"),
        ({"--target": "30@someday"}, "'someday' is not a date"),
        ({"--group": "nope"}, "unknown group 'nope'"),
        ({"--id": "cnc-rate"}, "duplicate id"),
        ({"--id": "Smart Factories"}, "must be lowercase ASCII"),
        ({"--kind": "share", "--unit": "%", "--target": "120@2025"}, "a share must lie between 0 and 100 percent"),
        ({"--direction": "up"}, "unknown direction 'up'"),
    ],
    ids=[
        "bad-value",
        "no-date",
        "bad-date",
        "unknown-group",
        "duplicate-id",
        "bad-id",
        "share-over-100",
        "bad-direction",
    ],
)
def test_add_refuses_bad_input_and_leaves_the_file_unchanged(run, tmp_path, catalogue_file, change, message):
    before = catalogue_file.read_bytes()
    files_before = sorted(os.listdir(tmp_path))
    args = [
        "add",
        "--id",
        "smart-factories",
        "--group",
        "digital",
        "--name-zh",
        "智能工厂",
        "--name-en",
        "Smart factories",
        "--kind",
        "flow",
        "--direction",
        "increase",
        "--unit",
        "个",
        "--target",
        "30@2024-12-31",
    ]
    for option, value in change.items():
        args[args.index(option) + 1] = value

    result = run(args)

    assert result.code == 2  # every value here is an option's: bad usage, as in every command
    assert result.stdout == ""
    assert message in one_error_line(result.stderr)
    assert catalogue_file.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == files_before  # no temporary file left behind


def test_add_refuses_a_catalogue_that_already_has_problems(run, tmp_path):
    bad = tmp_path / "indicators.toml"
    bad.write_text(BAD, encoding="utf-8")
    result = run(ADD)
    assert result.code == 1
    assert "has problems" in one_error_line(result.stderr)
    assert bad.read_text(encoding="utf-8") == BAD


def test_add_refuses_the_packaged_catalogue(run, empty_folder):
    before = PACKAGED_CATALOGUE.read_bytes()
    result = run(ADD, cwd=empty_folder)
    assert result.code == 1
    assert result.stdout == ""
    assert "packaged catalogue cannot be changed" in one_error_line(result.stderr)
    assert PACKAGED_CATALOGUE.read_bytes() == before
    assert os.listdir(empty_folder) == []


# ---------------------------------------------------------------------------------------------
# Version, usage errors, help


def test_version(run):
    result = run(["--version"])
    assert result.code == 0
    assert result.stdout == f"sytrack {__version__}\n"
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["list", "--bogus"], ["list", "--format", "xml"], ["show"], ["no-such-command"]],
    ids=["unknown-global-option", "unknown-option", "bad-choice", "missing-argument", "unknown-command"],
)
def test_bad_usage_exits_2_with_the_message_on_stderr(run, catalogue_file, args):
    result = run(args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("sytrack: error: ") and result.stderr.count("\n") == 1
    assert "--help" in result.stderr  # the one line says where to look
    assert "Traceback" not in result.stderr


def registered_commands():
    return typer.main.get_command(app).commands  # name -> click command


@pytest.mark.parametrize("name", sorted(registered_commands()))
def test_every_command_has_help(run, name):
    command = registered_commands()[name]
    assert (command.help or "").strip(), f"{name} has no help text"
    result = run([name, "--help"])
    assert result.code == 0
    assert result.stdout.startswith(f"Usage: sytrack {name}")


def test_every_format_option_is_spelled_the_same():
    spellings = {
        name: param.opts
        for name, command in registered_commands().items()
        for param in command.params
        if param.name == "fmt"
    }
    assert spellings, "no command has a --format option"
    assert all(opts == ["--format", "-f"] for opts in spellings.values()), spellings


# ---------------------------------------------------------------------------------------------
# A few real processes: the installed console script and `python -m sytrack`


def installed_script() -> str:
    """The `sytrack` console script installed next to this Python (Scripts\\ on Windows), else on PATH."""
    folder = Path(sys.executable).parent
    found = shutil.which("sytrack", path=str(folder)) or shutil.which("sytrack")
    if found is None:
        pytest.fail(f"no `sytrack` console script next to {sys.executable} or on PATH: is the package installed?")
    return found


def run_process(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # os.environ is already isolated by conftest's autouse fixture.
    return subprocess.run(args, cwd=cwd, capture_output=True, timeout=60, env=dict(os.environ))


def test_console_script_lists_the_packaged_catalogue_as_utf8_csv(empty_folder):
    result = run_process([installed_script(), "list", "--format", "csv"], empty_folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    text = result.stdout.decode("utf-8")
    assert text.startswith(LIST_HEADER + "\r\n")
    assert "5G基站数量" in text
    assert len(list(csv.DictReader(io.StringIO(text, newline="")))) == len(shipped_data()["indicator"])


def test_console_script_check_on_a_bad_catalogue(tmp_path):
    (tmp_path / "bad.toml").write_text(BAD, encoding="utf-8")
    result = run_process([installed_script(), "--catalog", "bad.toml", "check"], tmp_path)
    assert result.returncode == 1
    assert len(result.stdout.decode("utf-8").splitlines()) == 3
    assert result.stderr.decode("utf-8") == "sytrack: error: 3 problems in bad.toml\n"


def test_python_dash_m(empty_folder):
    version = run_process([sys.executable, "-m", "sytrack", "--version"], empty_folder)
    assert (version.returncode, version.stdout, version.stderr) == (0, f"sytrack {__version__}\n".encode(), b"")
    where = run_process([sys.executable, "-m", "sytrack", "where"], empty_folder)
    assert where.returncode == 0
    assert f"catalogue: {PACKAGED_CATALOGUE} (packaged default)" in where.stdout.decode("utf-8")
