"""Every command spells its shared options the same way, and a bad option value is bad usage (exit 2) everywhere."""

from __future__ import annotations

import pytest
import typer

from sytrack.cli import app
from sytrack.cli.options import GLOBAL_VALUE_OPTIONS


def _commands() -> dict[str, object]:
    """Every runnable command by its words (`status`, `db info`), from the app as Click sees it."""
    found: dict[str, object] = {}

    def walk(prefix: tuple[str, ...], command) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            found[" ".join(prefix)] = command
            return
        for name, sub in subcommands.items():
            walk((*prefix, name), sub)

    walk((), typer.main.get_command(app))
    return found


COMMANDS = _commands()
# What each command needs besides the option under test, to reach its option handling.
ARGUMENTS = {
    "show": ["cnc-rate"],
    "explain": ["cnc-rate"],
    "record": ["cnc-rate", "64%"],
    "import": ["-"],
    "extract": ["-"],
    "merge": ["draft.toml"],
    "report": ["--html", "out.html"],
    "db copy": ["--to", "x.db"],
    "add": [
        "--id",
        "x",
        "--group",
        "digital",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--kind",
        "flow",
        "--target",
        "1@2024",
    ],
}
SPELLING = {
    "as_of": ["--as-of"],
    "lang": ["--lang"],
    "output": ["--output", "-o"],
    "fmt": ["--format", "-f"],
    "group": ["--group", "-g"],
    "target_year": ["--target-year"],
    "excel": ["--excel"],
}
BAD_VALUES = {
    "--as-of": "yesterday",
    "--lang": "fr",
    "--format": "yaml",
    "--group": "nope",
    "--status": "behnd",
    "--since": "last-week",
    "--sort": "name",
    "--fail-on": "late",
    "--target-year": "1999",
}


def _options_of(command) -> dict[str, list[str]]:
    return {p.name: list(p.opts) for p in command.params if p.opts and p.opts[0].startswith("-")}


def test_every_command_has_help_text():
    for name, command in COMMANDS.items():
        assert command.help and command.help.strip(), f"`sytrack {name}` has no help text"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_shared_options_are_spelled_alike(name):
    for parameter, opts in _options_of(COMMANDS[name]).items():
        if parameter in SPELLING:
            assert opts == SPELLING[parameter], f"`sytrack {name}` spells {parameter} as {opts}"


CASES = [
    (name, option)
    for name, command in sorted(COMMANDS.items())
    for option in BAD_VALUES
    if any(option in opts for opts in _options_of(command).values())
]


@pytest.mark.parametrize(("name", "option"), CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_a_bad_option_value_is_bad_usage_in_every_command(run, catalogue_file, name, option):
    before = catalogue_file.read_bytes()
    result = run([*name.split(), *ARGUMENTS.get(name, []), option, BAD_VALUES[option]], input="")
    assert result.code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("sytrack: error: "), result.stderr
    assert catalogue_file.read_bytes() == before
    assert not (catalogue_file.parent / "indicators.db").exists()


def test_the_global_option_list_matches_the_root_callback():
    root = typer.main.get_command(app)
    taking_values = {
        opt
        for p in root.params
        if not getattr(p, "is_flag", False) and p.opts[0] != "--help"
        for opt in p.opts
        if p.name not in ("install_completion", "show_completion", "version")
    }
    assert taking_values == set(GLOBAL_VALUE_OPTIONS)


@pytest.mark.parametrize("option", ["--catalog", "--db", "-c"])
def test_a_global_option_after_the_command_says_where_it_goes(run, catalogue_file, option):
    result = run(["status", option, "other.toml"])
    assert result.code == 2
    assert "global options go before the command" in result.stderr
    assert result.stderr.count("\n") == 1


def test_bare_sytrack_prints_its_help_and_exits_2(run):
    result = run([])
    assert result.code == 2
    assert "Usage: sytrack" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("name", ["", *sorted(COMMANDS)])
def test_help_reads_whole_at_80_columns(run, name):
    result = run([*name.split(), "--help"], env={"COLUMNS": "80"})
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    if name in ("", "db"):  # no command's description cut short in the list of commands
        assert "..." not in result.stdout.partition("Commands:")[2]
    broken = [line for line in lines if line.rstrip().endswith("-") and line.rstrip()[-2:-1].isalpha()]
    assert broken == [], broken  # no word split at its hyphen (off-/track)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("sytrack record 5g", ["5g-base-stations"]),
        ("sytrack status --group di", ["digital"]),
        ("sytrack status --status on-track,be", ["on-track,behind"]),
        ("sytrack log cnc", ["cnc-rate"]),
    ],
)
def test_the_shell_completes_ids_groups_and_statuses(catalogue_file, tmp_path, words, expected):
    """The installed script answers the shell's completion request (what `--install-completion` sets up)."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "sytrack"
    if not script.exists():
        script = Path(shutil.which("sytrack") or "sytrack")
    environment = {
        **os.environ,
        "_SYTRACK_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
        "HOME": str(tmp_path),
    }
    environment.pop("SYTRACK_CATALOG", None)
    result = subprocess.run([str(script)], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.split() == expected
