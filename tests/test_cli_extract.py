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
    assert {(r["value"], r["unit"], r["comparison"]) for r in rows} >= {
        ("40000", "个", "more-than"),
        ("3000", "户", "more-than"),
        ("150", "亿元", "at-least"),
    }
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
    wanted = next(i for i in draft_ids if i.startswith("cloud"))  # 5g-base-stations is in the catalogue already
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
        added = run(
            [
                "add",
                "--id",
                "parks",
                "--group",
                "digital",
                "--name-zh",
                "园区",
                "--name-en",
                "Parks",
                "--unit",
                "个",
                "--kind",
                "level",
                "--direction",
                "increase",
                "--target",
                "10@2025",
            ]
        )
        assert added.code == 0, added.stderr
    # the starter catalogue holds 5g-base-stations already: a draft of it would be refused
    (tmp_path / "plan.md").write_text("2024年,智能工厂力争突破40个。\n", encoding="utf-8")
    assert run(["extract", "plan.md", "--year", "2024", "-o", "draft.toml"]).code == 0
    result = run(["merge", "draft.toml"])
    assert result.code == 0, result.stderr
    assert run(["check"]).code == 0
    catalogue = tomllib.loads((tmp_path / "indicators.toml").read_text(encoding="utf-8"))
    assert [g["id"] for g in catalogue["group"]][-1] == "all"


def test_the_draft_takes_the_plans_title_and_glosses_it(run, tmp_path):
    (tmp_path / "report.txt").write_text(
        "应勇作政府工作报告提出今年上海主要预期目标\n\n今年预期目标\n\n■全市生产总值增长6%-6.5%,地方一般公共预算收入增长5%。\n",
        encoding="utf-8",
    )
    result = run(["extract", "report.txt", "--year", "2019"])
    assert result.code == 0, result.stderr
    plan = tomllib.loads(result.stdout)["plan"]
    assert plan["title_zh"] == "应勇作政府工作报告提出今年上海主要预期目标"
    assert plan["title_en"] != plan["title_zh"] and plan["title_en"].isascii()
