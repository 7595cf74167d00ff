"""A doubt in each language: doubt_zh and doubt_en beside doubt, the language's own field winning,
shown per language in list, show, explain and the HTML report; and show's long paths at 80 columns."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import in_a_terminal

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "src" / "sytrack" / "indicators.toml"
AS_OF = "2024-06-30"
ZH_DOUBT, EN_DOUBT = "期限系推定，请核实。", "The deadline is assumed; confirm it."


def with_doubts(catalogue_text: str, **fields: str) -> str:
    """The small catalogue with the given doubt fields on its milestone."""
    lines = "".join(f'{key} = "{value}"\n' for key, value in fields.items())
    return catalogue_text.replace('kind = "milestone"\n', f'kind = "milestone"\n{lines}')


def doubt_of(run, lang: str) -> str:
    (row,) = json.loads(run(["show", "design-institute", "--format", "json", "--lang", lang]).stdout)
    return row["doubt"]


def test_each_language_shows_its_own_doubt_and_doubt_where_it_has_none(run, catalogue_text: str, tmp_path: Path):
    catalogue = tmp_path / "indicators.toml"
    catalogue.write_text(with_doubts(catalogue_text, doubt="原文未给出期限", doubt_en=EN_DOUBT), encoding="utf-8")
    assert run(["check"]).code == 0
    # doubt is the text as written (here Chinese); English has its own field and shows it.
    assert (doubt_of(run, "zh"), doubt_of(run, "en")) == ("原文未给出期限", EN_DOUBT)
    catalogue.write_text(with_doubts(catalogue_text, doubt=EN_DOUBT, doubt_zh=ZH_DOUBT), encoding="utf-8")
    assert (doubt_of(run, "zh"), doubt_of(run, "en")) == (ZH_DOUBT, EN_DOUBT)
    catalogue.write_text(with_doubts(catalogue_text, doubt_zh=ZH_DOUBT), encoding="utf-8")
    assert (doubt_of(run, "zh"), doubt_of(run, "en")) == (ZH_DOUBT, "")
    listed = run(["list", "--lang", "en"], env={"COLUMNS": "200"}).stdout
    assert "创建工业设计研究院 (?)" not in listed and "Industrial design institute founded (?)" in listed


def test_show_and_explain_print_the_doubt_in_their_language(run, catalogue_text: str, tmp_path: Path):
    text = with_doubts(catalogue_text, doubt=EN_DOUBT, doubt_zh=ZH_DOUBT)
    (tmp_path / "indicators.toml").write_text(text, encoding="utf-8")
    for command in (["show", "design-institute"], ["explain", "design-institute", "--as-of", AS_OF]):
        chinese = run([*command, "--lang", "zh"], env={"COLUMNS": "120"})
        english = run([*command, "--lang", "en"], env={"COLUMNS": "120"})
        assert chinese.code == english.code == 0, chinese.stderr + english.stderr
        assert ZH_DOUBT in chinese.stdout and EN_DOUBT not in chinese.stdout, chinese.stdout
        assert EN_DOUBT in english.stdout and ZH_DOUBT not in english.stdout, english.stdout
    rows = json.loads(run(["explain", "design-institute", "--as-of", AS_OF, "-f", "json", "--lang", "zh"]).stdout)
    assert rows[-1]["figure"] == "存疑" and rows[-1]["text"] == ZH_DOUBT


def test_an_unknown_language_of_doubt_is_a_problem_with_its_line(run, catalogue_text: str, tmp_path: Path):
    text = with_doubts(catalogue_text, doubt_fr="Échéance supposée")
    (tmp_path / "indicators.toml").write_text(text, encoding="utf-8")
    result = run(["check"])
    line = text.splitlines().index('doubt_fr = "Échéance supposée"') + 1
    assert result.code == 1 and f"indicators.toml:{line}: design-institute: unknown field 'doubt_fr'" in result.stdout


def test_the_shipped_catalogue_gives_every_doubt_in_chinese_and_both_copies_agree():
    assert (ROOT / "indicators.toml").read_bytes() == SHIPPED.read_bytes()
    indicators = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))["indicator"]
    doubtful = [i for i in indicators if "doubt" in i]
    assert len(doubtful) >= 18
    for indicator in doubtful:
        chinese = indicator.get("doubt_zh", "")
        assert re.search(r"[\u4e00-\u9fff]", chinese), indicator["id"]
        assert not re.search(r"[A-Za-z]{3,}", chinese), (indicator["id"], chinese)
    assert not any("doubt_zh" in i and "doubt" not in i for i in indicators)


def test_the_chinese_report_carries_the_chinese_doubt_and_the_english_one_the_english(run, empty_folder: Path):
    for lang in ("zh", "en"):
        result = run(["report", "--html", f"{lang}.html", "--lang", lang, "--as-of", "2023-06-30"], cwd=empty_folder)
        assert result.code == 0, result.stderr
    chinese = (empty_folder / "zh.html").read_text(encoding="utf-8")
    english = (empty_folder / "en.html").read_text(encoding="utf-8")
    assert "规划原文有误：一般公共预算收入“突破一千万人”重复了人口规模一句" in chinese
    assert "Garbled in the plan" not in chinese and "the end of the three-year action" not in chinese
    assert "Garbled in the plan" in english and "规划原文有误" not in english


# ---------------------------------------------------------------------------------------------
# show's fields on an 80-column terminal: a path breaks only after a '/'


def in_a_utf8_terminal(args: list[str], folder: Path, columns: int = 80) -> str:
    """What `sytrack ARGS` draws on a UTF-8 pseudo-terminal `columns` wide, styles left out."""
    text = in_a_terminal(args, folder, columns)
    return re.sub(r"\x1b\[[0-9;]*m", "", text)  # bold and dim are styles NO_COLOR leaves: not text


@pytest.mark.parametrize("lang, label", [("en", "defined at"), ("zh", "定义位置")])
def test_show_at_80_columns_breaks_a_long_path_only_after_a_slash(
    catalogue_text: str, tmp_path: Path, lang: str, label: str
):
    from conftest import display_width

    folder = tmp_path / "a-folder-with-a-rather-long-name-for-a-plan" / "and-another-long-one-below-it"
    folder.mkdir(parents=True)
    (folder / "indicators.toml").write_text(catalogue_text, encoding="utf-8")
    path = f"{folder / 'indicators.toml'}:"
    drawn = in_a_utf8_terminal(["show", "5g-base-stations", "--lang", lang], folder)
    lines = drawn.splitlines()
    assert max(display_width(line.rstrip()) for line in lines) <= 80, drawn
    start = next(n for n, line in enumerate(lines) if line.strip().startswith(label))
    after = lines[start].index(label) + len(label)
    indent = after + len(lines[start][after:]) - len(lines[start][after:].lstrip())
    pieces, column = [lines[start][indent:].rstrip()], display_width(lines[start][:indent])  # 定义位置 is wide
    for line in lines[start + 1 :]:
        if line[:column].strip() or not line.strip():
            break
        pieces.append(line[column:].rstrip())
    assert len(pieces) > 1, drawn  # the path did not fit: it was broken...
    assert all(piece.endswith("/") for piece in pieces[:-1]), pieces  # ...only after a '/'
    assert "".join(pieces).startswith(path), pieces  # and reads whole again
