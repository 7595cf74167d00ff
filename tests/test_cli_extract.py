"""`sytrack extract` drafts a catalogue from a plan's text; `sytrack merge` brings reviewed entries in."""

import json
import tomllib
from pathlib import Path

import pytest

PLAN = Path(__file__).resolve().parent / "plans" / "shenyang-2023-industrial-plan.md"
TEXT = """# 某市行动方案

**实施数字赋能工程。**2023年,5G基站力争突破4万个,上云企业突破3000户。

**实施园区工程。**新增园区投资达到150亿元。
"""


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_extract_writes_a_draft_that_check_accepts(run, tmp_path, plan_file):
    result = run(["extract", "plan.md", "--year", "2023", "-o", "draft.toml"])
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    check = run(["--catalog", "draft.toml", "check"])
    assert check.code == 0, check.stdout
    rows = json.loads(run(["extract", "plan.md", "--format", "json"]).stdout)
    assert {(r["value"], r["unit"], r["comparison"]) for r in rows} >= {("40000", "个", "more-than"), ("3000", "户", "more-than"), ("150", "亿元", "at-least")}
    assert all(r["sentence"] for r in rows)


def test_extract_to_standard_output_and_from_standard_input(run, plan_file):
    result = run(["extract", "-", "--year", "2023"], input=TEXT)
    assert result.code == 0 and "[plan]" in result.stdout
    assert run(["extract", "plan.md", "--group-by", "chapter"]).code == 2
    assert run(["extract", "nowhere.md"]).code == 1


def test_extract_on_the_real_plan_flags_the_garbled_goal(run, tmp_path):
    result = run(["extract", str(PLAN), "--year", "2023", "--format", "json"])
    rows = json.loads(result.stdout)
    garbled = [r for r in rows if "一般公共预算收入" in r["name_zh"]]
    assert garbled and all(r["review"] for r in garbled)


def test_merge_brings_reviewed_entries_and_keeps_every_byte(run, tmp_path, catalogue_file, plan_file):
    run(["extract", "plan.md", "--year", "2023", "-o", "draft.toml"])
    before = catalogue_file.read_bytes()
    draft_ids = [r["id"] for r in json.loads(run(["extract", "plan.md", "--year", "2023", "--format", "json"]).stdout)]
    wanted = next(i for i in draft_ids if i.startswith("5g"))
    result = run(["merge", "draft.toml", "--only", wanted])
    assert result.code == 0, result.stderr
    after = catalogue_file.read_bytes()
    assert after.startswith(before)
    assert run(["check"]).code == 0
    assert wanted in [r["id"] for r in json.loads(run(["list", "--format", "json"]).stdout)]
    again = run(["merge", "draft.toml", "--only", wanted])
    assert again.code == 1 and "already in the catalogue" in again.stderr
    assert catalogue_file.read_bytes() == after


@pytest.mark.parametrize("after", ["a target", "an added indicator"])
def test_merge_appends_a_new_short_group_as_a_table_of_its_own(run, tmp_path, after):
    """tomli_w writes a short array of tables inline (`group = [...]`): appended after the last
    table of the file, that would have been a key of it, and merge refused its own result."""
    assert run(["init"]).code == 0
    if after == "an added indicator":
        added = run(["add", "--id", "parks", "--group", "digital", "--name-zh", "园区", "--name-en", "Parks",
                     "--unit", "个", "--kind", "level", "--direction", "increase", "--target", "10@2025"])
        assert added.code == 0, added.stderr
    (tmp_path / "plan.md").write_text("2024年,5G基站力争突破4万个。\n", encoding="utf-8")
    assert run(["extract", "plan.md", "--year", "2024", "-o", "draft.toml"]).code == 0
    result = run(["merge", "draft.toml"])
    assert result.code == 0, result.stderr
    assert run(["check"]).code == 0
    catalogue = tomllib.loads((tmp_path / "indicators.toml").read_text(encoding="utf-8"))
    assert [g["id"] for g in catalogue["group"]][-1] == "all"
