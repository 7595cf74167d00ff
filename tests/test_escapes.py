"""User text never drives the terminal: controls and bidi overrides are shown escaped in what people read,
exact in machine formats; Markdown escapes HTML."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sytrack.visible import visible

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202egnp.exe\r"
UNSAFE_CHARACTERS = ("\x1b", "\x07", "\u202e", "\r")


@pytest.fixture
def hostile_catalogue(tmp_path, catalogue_text):
    text = catalogue_text.replace('name_en = "5G base stations"', 'name_en = "5G \\u001b[31mbase\\u0007 stations"')
    text = text.replace('unit_en = "stations"', 'unit_en = "st\\u202eations"')
    path = tmp_path / "indicators.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _recorded(run) -> None:
    result = run(
        [
            "record",
            "5g-base-stations",
            "35000",
            "--date",
            "2024-06-30",
            "--note",
            HOSTILE,
            "--source",
            HOSTILE,
            "--by",
            HOSTILE,
        ]
    )
    assert result.code == 0, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--all", "--lang", "en"],
        ["status", "--as-of", "2024-06-30", "--lang", "en"],
        ["list", "--lang", "en"],
        ["show", "5g-base-stations", "--lang", "en"],
        ["explain", "5g-base-stations", "--lang", "en"],
        ["log", "--format", "markdown"],
        ["status", "--format", "markdown", "--lang", "en"],
    ],
)
def test_human_outputs_show_controls_escaped(run, hostile_catalogue, args):
    _recorded(run)
    result = run(args)
    assert result.code == 0, result.stderr
    for character in UNSAFE_CHARACTERS:
        assert character not in result.stdout, (args, character)
    assert "\\x1b" in result.stdout or "\\u202e" in result.stdout


def test_the_record_line_and_errors_show_controls_escaped(run, hostile_catalogue):
    result = run(["record", "5g-base-stations", "35000", "--date", "2024-06-30"])
    assert result.code == 0
    for character in UNSAFE_CHARACTERS:
        assert character not in result.stdout + result.stderr
    bad = run(["record", "5g-base-stations", "1\x1b[2J"])
    assert bad.code == 1
    assert "\x1b" not in bad.stderr and "\\x1b[2J" in bad.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_machine_formats_carry_the_exact_text(run, hostile_catalogue, fmt):
    _recorded(run)
    result = run(["log", "--format", fmt])
    assert result.code == 0
    if fmt == "csv":
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        assert rows[0]["note"] == HOSTILE
    else:
        first = json.loads(result.stdout)[0] if fmt == "json" else json.loads(result.stdout.splitlines()[0])
        assert first["note"] == HOSTILE


def test_markdown_escapes_html_in_user_text(run, catalogue_file):
    for note in ("<script>alert(1)</script>", '<img src=x onerror="alert(1)">'):
        assert run(["record", "5g-base-stations", "35000", "--date", "2024-06-30", "--note", note]).code == 0
    result = run(["log", "--all", "--format", "markdown"])
    assert "<script>" not in result.stdout and "<img" not in result.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout


@given(st.text())
def test_visible_leaves_nothing_a_terminal_obeys(text):
    shown = visible(text)
    assert not any(
        ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in shown
    )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_visible_changes_no_ordinary_text(text):
    assert visible(text) == text


@pytest.mark.parametrize("args", [["log", "--all"], ["export"], ["status", "--as-of", "2024-06-30"], ["list"]])
def test_workbooks_hold_control_characters_escaped(run, hostile_catalogue, tmp_path, args):
    from openpyxl import load_workbook

    _recorded(run)
    out = tmp_path / "out.xlsx"
    result = run([*args, "-o", str(out)])
    assert result.code == 0, result.stderr
    cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
    assert not any("\x1b" in c or "\x07" in c for c in cells)
    if args[0] in ("log", "export"):
        assert any("\\x1b]0;pwned\\x07" in c for c in cells)
