"""Shared fixtures: an isolated environment, a CLI runner with stdout and stderr apart, a small catalogue."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sytrack.cli import app

# Typer 0.28 vendors its own Click: its CliRunner takes no `mix_stderr` (passing it is a TypeError)
# and always keeps `result.stdout` and `result.stderr` apart. Its `.stdout` folds CRLF to LF, so the
# helper below decodes the raw bytes instead: CSV's CRLF line ends are part of what is tested.

SMALL_CATALOGUE = textwrap.dedent(
    """\
    # A small catalogue for tests: two groups, a level, a share with two targets, a milestone.
    [plan]
    id = "test-plan"
    title_zh = "测试计划"
    title_en = "Test plan"
    start = 2024-01-01
    language = "en"

    [[group]]
    id = "digital"
    name_zh = "数字赋能"
    name_en = "Digital"
    order = 1

    [[group]]
    id = "parks"
    name_zh = "园区"
    name_en = "Parks"
    order = 2

    # A level with a baseline.
    [[indicator]]
    id = "5g-base-stations"
    group = "digital"
    name_zh = "5G基站数量"
    name_en = "5G base stations"
    unit = "个"
    unit_en = "stations"
    kind = "level"
    direction = "increase"
    department = "市工信局"
    quote = "5G基站力争突破4万个"
    baseline = { value = 30000, date = 2023-12-31 }

    [[indicator.target]]
    comparison = "more-than"
    value = 40000
    deadline = 2024-12-31

    [[indicator]]
    id = "cnc-rate"
    group = "digital"
    name_zh = "关键工序数控化率"
    name_en = "Numerical-control rate"
    unit = "%"
    kind = "share"
    direction = "increase"
    baseline = { value = 62.9, date = 2023-12-31 }

    [[indicator.target]]
    comparison = "at-least"
    value = 65
    deadline = 2024-12-31

    [[indicator.target]]
    comparison = "at-least"
    value = 70
    deadline = 2025-12-31

    [[indicator]]
    id = "design-institute"
    group = "parks"
    name_zh = "创建工业设计研究院"
    name_en = "Industrial design institute founded"
    kind = "milestone"

    [[indicator.target]]
    deadline = 2024-12-31
    """
)


@dataclass(frozen=True)
class Run:
    """What one CLI invocation did."""

    code: int
    stdout: str
    stderr: str
    stdout_bytes: bytes


def isolated_environment(tmp_path: Path) -> dict[str, str | None]:
    """Environment overrides that keep sytrack away from the user's real folders and settings.

    None removes a variable: a SYTRACK_CATALOG or SYTRACK_DB in the developer's shell must not leak in.
    """
    return {
        "HOME": str(tmp_path / "home"),
        "USERPROFILE": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "LOCALAPPDATA": str(tmp_path / "localappdata"),
        "APPDATA": str(tmp_path / "appdata"),
        "SYTRACK_CATALOG": None,
        "SYTRACK_DB": None,
    }


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test, not only CLI tests, runs with home and data folders inside its tmp_path."""
    for name, value in isolated_environment(tmp_path).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment of a test run on each kind of store: a data file, then a PostgreSQL
    database (SYTRACK_DB). A module runs every test on both with
    `pytestmark = pytest.mark.usefixtures("store_env")`; `run` applies it to every command."""
    if request.param == "sqlite":
        return {}
    return {"SYTRACK_DB": request.getfixturevalue("postgres_url")}


@pytest.fixture
def run(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Run]:
    """run(args, env=None, cwd=tmp_path, input=None) -> Run(code, stdout, stderr, stdout_bytes).

    Unexpected exceptions are not caught: a traceback from the CLI fails the test that caused it.
    A test that uses `store_env` (SYTRACK_DB pointing at PostgreSQL, or nothing) has it applied to
    every run.
    """
    runner = CliRunner()
    store_env = request.getfixturevalue("store_env") if "store_env" in request.fixturenames else {}

    def invoke(
        args: Sequence[str],
        env: Mapping[str, str | None] | None = None,
        cwd: Path | None = None,
        input: str | bytes | None = None,  # what the command reads on stdin
    ) -> Run:
        environment = isolated_environment(tmp_path)
        environment.update(store_env)
        environment.update(env or {})
        with contextlib.chdir(cwd if cwd is not None else tmp_path):
            result = runner.invoke(app, list(args), input=input, env=environment, catch_exceptions=False)
        return Run(
            code=result.exit_code,
            stdout=result.stdout_bytes.decode("utf-8"),
            stderr=result.stderr_bytes.decode("utf-8"),
            stdout_bytes=result.stdout_bytes,
        )

    return invoke


@pytest.fixture
def catalogue_text() -> str:
    return SMALL_CATALOGUE


@pytest.fixture
def catalogue_file(tmp_path: Path, catalogue_text: str) -> Path:
    """The small catalogue written as tmp_path/indicators.toml, where `run` finds it by default."""
    path = tmp_path / "indicators.toml"
    path.write_bytes(catalogue_text.encode("utf-8"))
    return path


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    """A folder with no catalogue in it or above it, so discovery falls through to the packaged one."""
    folder = tmp_path / "empty"
    folder.mkdir()
    for parent in (folder, *folder.parents):
        if (parent / "indicators.toml").is_file():
            pytest.skip(f"{parent / 'indicators.toml'} exists above the test folder; discovery would find it")
    return folder


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a schema of this test's own, dropped afterwards.

    The server comes from SYTRACK_TEST_POSTGRES (a URL); without it these tests are skipped
    with that reason. .ci/run always sets it, so CI never skips them.
    """
    import uuid
    from urllib.parse import quote

    base = os.environ.get("SYTRACK_TEST_POSTGRES")
    if not base:
        pytest.skip("SYTRACK_TEST_POSTGRES is not set: no PostgreSQL server to test against")
    psycopg = pytest.importorskip("psycopg")
    schema = f"sytrack_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


# ---------------------------------------------------------------------------------------------
# A store with a few records, shared by the chart, report and workbook tests

AS_OF = "2024-06-30"  # half of 2024 has elapsed; the cnc-rate record of 2024-09-30 lies after it
RECORDS = (
    ["record", "5g-base-stations", "33000", "--date", "2024-03-31", "--by", "tester"],
    ["record", "5g-base-stations", "36000", "--date", "2024-06-30", "--by", "tester"],
    ["record", "cnc-rate", "63", "--date", "2024-03-31", "--by", "tester"],
    ["record", "cnc-rate", "64", "--date", "2024-09-30", "--by", "tester", "--note", "=1+1"],
)
STORE_FILES = ("indicators.db", "indicators.db-wal")  # the store and its write-ahead log


def display_width(text: str) -> int:
    """Columns a terminal gives the text: wide and full-width characters (Chinese) take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@pytest.fixture(scope="session")
def recorded_template(tmp_path_factory) -> Path:
    """Where the first test to need the records leaves a copy of its store, for the later ones."""
    return tmp_path_factory.mktemp("recorded-template")


@pytest.fixture
def recorded(run, catalogue_file: Path, tmp_path: Path, recorded_template: Path) -> Path:
    """The small catalogue with RECORDS stored next to it (recorded once, then copied); returns the folder."""
    import shutil

    if not (recorded_template / "indicators.db").exists():
        for args in RECORDS:
            result = run(args)
            assert result.code == 0, result.stderr
        for name in STORE_FILES:
            if (tmp_path / name).exists():
                shutil.copyfile(tmp_path / name, recorded_template / name)
    else:
        for name in STORE_FILES:
            if (recorded_template / name).exists():
                shutil.copyfile(recorded_template / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the data file's connections run, in order."""
    from sytrack.store.sqlite import SQLiteBackend

    seen: list[str] = []
    original = SQLiteBackend._connect

    def traced(self, read_only):
        connection = original(self, read_only)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(SQLiteBackend, "_connect", traced)
    return seen


def in_a_terminal(args: Sequence[str], folder: Path, columns: int = 80, encoding: str = "utf-8") -> str:
    """What the installed `sytrack ARGS` draws on a pseudo-terminal `columns` wide whose encoding is
    `encoding`, run in `folder` (skipped where the script is not installed next to this Python)."""
    import fcntl
    import pty
    import shutil
    import struct
    import subprocess
    import sys
    import termios

    sytrack = shutil.which("sytrack", path=str(Path(sys.executable).parent))
    if sytrack is None:
        pytest.skip("the sytrack script is not installed next to this Python")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {
        **os.environ,
        "HOME": str(folder / "home"),
        "COLUMNS": str(columns),
        "TERM": "xterm-256color",
        "PYTHONIOENCODING": encoding,
        "NO_COLOR": "1",
    }
    env.pop("SYTRACK_DB", None)
    process = subprocess.Popen([sytrack, *args], cwd=folder, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0, b"".join(chunks)
    return b"".join(chunks).decode(encoding).replace("\r\n", "\n")
