"""The catalogue's orgs, allocations, reporting cycle and stretch targets through `sytrack check`: every problem at its line."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from sytrack.catalogue import parse_catalogue
from sytrack.model import Allocation, Org, Target

ORGS = textwrap.dedent(
    """\
    [plan]
    id = "org-plan"
    title_zh = "测试计划"
    title_en = "Test plan"
    start = 2023-01-01
    cadence = "monthly"
    due_days = 10
    warn_days = 30
    timezone = "Asia/Shanghai"

    [[group]]
    id = "digital"
    name_zh = "数字赋能"
    name_en = "Digital"

    [[org]]
    id = "shenhe"
    name_zh = "沈河区"
    name_en = "Shenhe District"
    kind = "district"

    [[org]]
    id = "tiexi"
    name_zh = "铁西区"
    name_en = "Tiexi District"
    parent = "shenhe"
    kind = "district"

    [[org]]
    id = "gxj"
    name_zh = "市工信局"
    name_en = "Municipal Bureau of Industry and Information Technology"
    kind = "department"

    [[indicator]]
    id = "smart-factories"
    group = "digital"
    name_zh = "培育智能工厂"
    name_en = "Smart factories"
    unit = "个"
    kind = "flow"
    direction = "increase"
    lead = "gxj"
    cadence = "quarterly"
    due_days = 15

    [[indicator.target]]
    comparison = "at-least"
    value = 30
    stretch = 35
    deadline = 2023-12-31

    [[indicator.allocation]]
    org = "tiexi"
    value = 18

    [[indicator.allocation]]
    org = "shenhe"
    value = 12
    deadline = 2023-12-31
    comparison = "at-least"

    [[indicator]]
    id = "cnc-rate"
    group = "digital"
    name_zh = "关键工序数控化率"
    name_en = "Numerical-control rate"
    unit = "%"
    kind = "share"
    direction = "increase"

    [[indicator.target]]
    comparison = "at-least"
    value = "65%"
    deadline = 2023-12-31

    [[indicator.allocation]]
    org = "tiexi"
    value = "60%"
    weight = 2

    [[indicator]]
    id = "energy-use"
    group = "digital"
    name_zh = "能耗总量"
    name_en = "Energy use"
    unit = "万吨标准煤"
    kind = "level"
    direction = "decrease"

    [[indicator.target]]
    comparison = "at-most"
    value = 100
    stretch = 95
    deadline = 2023-12-31

    [[indicator.allocation]]
    org = "tiexi"
    value = 60

    [[indicator.allocation]]
    org = "shenhe"
    value = 40
    """
)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    numbers = [n for n, line in enumerate(text.split("\n"), start=1) if fragment in line]
    return numbers[occurrence - 1]


def check(run, tmp_path: Path, text: str):
    path = tmp_path / "orgs.toml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    result = run(["--catalog", "orgs.toml", "check"])
    assert path.read_bytes() == before
    return result


def test_every_new_field_is_read_into_the_model():
    catalogue, problems = parse_catalogue(ORGS, "orgs.toml")
    assert problems == []
    plan = catalogue.plan
    assert (plan.cadence, plan.due_days, plan.warn_days, plan.timezone) == ("monthly", 10, 30, "Asia/Shanghai")
    assert [o[:5] for o in catalogue.orgs] == [
        ("shenhe", "沈河区", "Shenhe District", None, "district"),
        ("tiexi", "铁西区", "Tiexi District", "shenhe", "district"),
        ("gxj", "市工信局", "Municipal Bureau of Industry and Information Technology", None, "department"),
    ]
    assert catalogue.orgs[1].where.line == line_of(ORGS, "[[org]]", 2)
    factories = catalogue.find("smart-factories")
    assert (factories.lead, factories.cadence, factories.due_days, factories.warn_days) == (
        "gxj",
        "quarterly",
        15,
        None,
    )
    assert factories.targets == (Target(dt.date(2023, 12, 31), "at-least", 30.0, stretch=35.0),)
    assert [a[:5] for a in factories.allocations] == [
        ("tiexi", 18.0, None, None, None),
        ("shenhe", 12.0, dt.date(2023, 12, 31), "at-least", None),
    ]
    assert factories.allocations[0].where.line == line_of(ORGS, "[[indicator.allocation]]")
    rate = catalogue.find("cnc-rate")
    assert rate.allocations[0][:5] == ("tiexi", 60.0, None, None, 2.0)  # "60%" read as the target's "65%"
    assert isinstance(rate.allocations[0], Allocation) and isinstance(catalogue.orgs[0], Org)


def test_a_catalogue_without_the_new_fields_has_their_defaults():
    catalogue, _ = parse_catalogue(
        ORGS.replace('cadence = "monthly"\ndue_days = 10\nwarn_days = 30\ntimezone = "Asia/Shanghai"\n', ""),
        "orgs.toml",
    )
    assert (catalogue.plan.cadence, catalogue.plan.due_days, catalogue.plan.warn_days, catalogue.plan.timezone) == (
        None,
        10,
        30,
        None,
    )


def test_check_accepts_the_catalogue_and_counts_its_orgs(run, tmp_path):
    result = check(run, tmp_path, ORGS)
    assert (result.code, result.stdout) == (0, "")
    assert result.stderr == "ok: 3 indicators in 1 group, 3 orgs (orgs.toml)\n"


# (what to replace, with what; the line the problem is at: a fragment and which occurrence; the id; the message)
PROBLEMS = [
    (
        'org = "tiexi"\nvalue = 18',
        'org = "tiexl"\nvalue = 18',
        'org = "tiexl"',
        1,
        "smart-factories",
        "unknown org 'tiexl' (did you mean 'tiexi'?)",
    ),
    (
        'lead = "gxj"',
        'lead = "kjj"',
        'lead = "kjj"',
        1,
        "smart-factories",
        "unknown org 'kjj' (declare it in a [[org]] table)",
    ),
    (
        'kind = "department"\n',
        'kind = "department"\n\n[[org]]\nid = "gxj"\nname_zh = "工信局"\nname_en = "Bureau"\n',
        'id = "gxj"',
        2,
        "gxj",
        "duplicate org id 'gxj'",
    ),
    (
        'name_en = "Shenhe District"\n',
        'name_en = "Shenhe District"\nparent = "tiexi"\n',
        "[[org]]",
        1,
        "shenhe",
        "parents form a cycle (shenhe -> tiexi -> shenhe): an org cannot be above itself",
    ),
    (
        'parent = "shenhe"',
        'parent = "tiexi"',
        "[[org]]",
        2,
        "tiexi",
        "parents form a cycle (tiexi -> tiexi): an org cannot be above itself",
    ),
    (
        'parent = "shenhe"',
        'parent = "hunnan"',
        'parent = "hunnan"',
        1,
        "tiexi",
        "unknown org 'hunnan' (declare it in a [[org]] table)",
    ),
    (
        'kind = "department"',
        'kind = "bureau"',
        'kind = "bureau"',
        1,
        "gxj",
        "unknown kind 'bureau' (use one of district, department, other)",
    ),
    (
        'cadence = "monthly"',
        'cadence = "weekly"',
        'cadence = "weekly"',
        1,
        "plan",
        "unknown cadence 'weekly' (use one of monthly, quarterly, half-yearly, yearly)",
    ),
    (
        'cadence = "quarterly"',
        'cadence = "quartely"',
        'cadence = "quartely"',
        1,
        "smart-factories",
        "unknown cadence 'quartely' (use one of monthly, quarterly, half-yearly, yearly)",
    ),
    (
        'timezone = "Asia/Shanghai"',
        'timezone = "Asia/Shenyang"',
        "timezone",
        1,
        "plan",
        "unknown timezone 'Asia/Shenyang' (an IANA name such as 'Asia/Shanghai' or 'UTC')",
    ),
    (
        'timezone = "Asia/Shanghai"',
        'timezone = "../../etc/passwd"',
        "timezone",
        1,
        "plan",
        "unknown timezone '../../etc/passwd' (an IANA name such as 'Asia/Shanghai' or 'UTC')",
    ),
    (
        "due_days = 10",
        "due_days = -1",
        "due_days",
        1,
        "plan",
        "'due_days' must be a whole number from 0 to 366, not -1",
    ),
    (
        "due_days = 15",
        "due_days = 1.5",
        "due_days = 1.5",
        1,
        "smart-factories",
        "'due_days' must be a whole number from 0 to 366, not 1.5",
    ),
    (
        "warn_days = 30",
        'warn_days = "30"',
        "warn_days",
        1,
        "plan",
        "'warn_days' must be a whole number from 0 to 3660, not '30'",
    ),
    (
        "stretch = 35",
        "stretch = 30",
        "stretch = 30",
        1,
        "smart-factories",
        "stretch 30 is not beyond the commitment 30: for direction 'increase' it must be above it",
    ),
    (
        "stretch = 95",
        "stretch = 105",
        "stretch = 105",
        1,
        "energy-use",
        "stretch 105 is not beyond the commitment 100: for direction 'decrease' it must be below it",
    ),
    (
        'org = "tiexi"\nvalue = 18',
        'org = "tiexi"\nvalue = 15',
        "[[indicator.allocation]]",
        1,
        "smart-factories",
        "allocations add up to 27个 of 30个 by 2023-12-31: 3个 is allocated to no org",
    ),
    (
        "value = 60\n",
        "value = 70\n",
        "[[indicator.allocation]]",
        4,
        "energy-use",
        "allocations add up to 110万吨标准煤, above the target's 100万吨标准煤 by 2023-12-31: together the orgs may exceed it",
    ),
    (
        'org = "tiexi"\nvalue = 18',
        'org = "tiexi"\nvalue = 18\ncomparison = "between"',
        'comparison = "between"',
        1,
        "smart-factories",
        "unknown comparison 'between' (use one of at-least, more-than, at-most, less-than, about)",
    ),
    (
        'org = "tiexi"\nvalue = 18',
        'org = "tiexi"\nvalue = 18\ncomparison = "at-most"',
        'comparison = "at-most"',
        1,
        "smart-factories",
        "comparison 'at-most' contradicts direction 'increase'",
    ),
    (
        'org = "shenhe"\nvalue = 12\ndeadline = 2023-12-31',
        'org = "tiexi"\nvalue = 12',
        'org = "tiexi"',
        2,
        "smart-factories",
        "org 'tiexi' has two allocations (an org has one share of the final target)",
    ),
    (
        'value = "60%"\nweight = 2',
        'value = "60%"\nweight = 0',
        "weight = 0",
        1,
        "cnc-rate",
        "'weight' must be above 0, not 0",
    ),
    (
        'org = "tiexi"\nvalue = 18',
        "value = 18",
        "[[indicator.allocation]]",
        1,
        "smart-factories",
        "missing 'org' (the id of an [[org]])",
    ),
    (
        'org = "tiexi"\nvalue = 18',
        'org = "tiexi"\nvalue = 18\nshare = 1',
        "share = 1",
        1,
        "smart-factories",
        "unknown field 'share' in allocation",
    ),
    (
        "stretch = 35",
        'stretch = "3.5"',
        'stretch = "3.5"',
        1,
        "smart-factories",
        "stretch 3.5 is not beyond the commitment 30: for direction 'increase' it must be above it",
    ),
    (
        "value = 60\n",
        "value = -60\n",
        "value = -60",
        1,
        "energy-use",
        "allocation value -60: a level cannot be negative",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "fragment", "occurrence", "subject", "message"), PROBLEMS, ids=[p[5][:60] for p in PROBLEMS]
)
def test_check_reports_each_problem_at_its_line(run, tmp_path, old, new, fragment, occurrence, subject, message):
    assert old in ORGS
    text = ORGS.replace(old, new, 1)
    result = check(run, tmp_path, text)
    assert result.code == 1
    assert result.stdout == f"orgs.toml:{line_of(text, fragment, occurrence)}: {subject}: {message}\n"
    assert result.stderr == "sytrack: error: 1 problem in orgs.toml\n"


@pytest.mark.parametrize(
    ("old", "new"),
    [("value = 60\n", "value = -60\n"), ('value = "60%"', 'value = "6成"'), ("stretch = 35", "stretch = -1")],
)
def test_allocation_and_stretch_values_follow_the_number_rules_of_targets(run, tmp_path, old, new):
    result = check(run, tmp_path, ORGS.replace(old, new, 1))
    assert result.code == 1 and result.stdout.count("\n") >= 1
    assert result.stdout.startswith(f"orgs.toml:{line_of(ORGS.replace(old, new, 1), new.strip())}:")


def test_allocations_beyond_the_target_are_a_note_and_check_still_passes(run, tmp_path):
    text = ORGS.replace('org = "tiexi"\nvalue = 18', 'org = "tiexi"\nvalue = 20', 1)
    result = check(run, tmp_path, text)
    assert result.code == 0
    line = line_of(text, "[[indicator.allocation]]")
    assert result.stdout == (
        f"orgs.toml:{line}: smart-factories: note: allocations add up to 32个, more than the "
        "target's 30个 by 2023-12-31 (层层加码; not a problem)\n"
    )
    assert result.stderr == "ok: 3 indicators in 1 group, 3 orgs; 1 note (orgs.toml)\n"


def test_a_cap_allocated_below_itself_is_a_note(run, tmp_path):
    text = ORGS.replace("value = 60\n", "value = 50\n", 1)
    result = check(run, tmp_path, text)
    assert result.code == 0
    assert (
        ": energy-use: note: allocations add up to 90万吨标准煤, less than the target's 100万吨标准煤" in result.stdout
    )


def test_shares_and_rates_are_not_summed(run, tmp_path):
    """Two districts at 60% each do not make a city at 120%: a share's allocations are never added up."""
    text = ORGS.replace(
        'value = "60%"\nweight = 2', 'value = "60%"\n\n[[indicator.allocation]]\norg = "shenhe"\nvalue = "70%"'
    )
    result = check(run, tmp_path, text)
    assert (result.code, result.stdout) == (0, "")


def test_a_milestone_is_not_divided_among_orgs(run, tmp_path):
    text = ORGS + textwrap.dedent(
        """
        [[indicator]]
        id = "design-institute"
        group = "digital"
        name_zh = "创建工业设计研究院"
        name_en = "Design institute"
        kind = "milestone"
        lead = "gxj"

        [[indicator.target]]
        deadline = 2023-12-31

        [[indicator.allocation]]
        org = "tiexi"
        value = 1
        """
    )
    result = check(run, tmp_path, text)
    assert result.code == 1
    line = line_of(text, "[[indicator.allocation]]", 6)
    assert result.stdout == (
        f"orgs.toml:{line}: design-institute: a milestone cannot be divided among orgs"
        " (name the org that leads it in 'lead')\n"
    )


def test_allocations_written_inline_point_at_their_key(run, tmp_path):
    old = (
        '[[indicator.allocation]]\norg = "tiexi"\nvalue = 18\n\n'
        '[[indicator.allocation]]\norg = "shenhe"\nvalue = 12\ndeadline = 2023-12-31\ncomparison = "at-least"\n'
    )
    assert old in ORGS
    text = ORGS.replace(old, "").replace(
        "due_days = 15\n",
        'due_days = 15\nallocation = [{ org = "tiexi", value = 18 }, { org = "shenhe", value = 10 }]\n',
    )
    result = check(run, tmp_path, text)
    assert result.code == 1
    assert result.stdout == (
        f"orgs.toml:{line_of(text, 'allocation = [')}: smart-factories: allocations add up to "
        "28个 of 30个 by 2023-12-31: 2个 is allocated to no org\n"
    )


def test_allocations_written_inline_after_a_target_are_pointed_out(run, tmp_path):
    text = ORGS.replace("stretch = 35\n", 'stretch = 35\nallocation = [{ org = "tiexi", value = 1 }]\n')
    result = check(run, tmp_path, text)
    assert result.code == 1
    assert result.stdout == (
        f"orgs.toml:{line_of(text, 'allocation = [')}: smart-factories: 'allocation' written here "
        "belongs to this target: write `allocation = [...]` before the indicator's first "
        "[[indicator.target]], or use [[indicator.allocation]] tables\n"
    )


def test_every_problem_of_the_new_fields_is_reported_in_one_run(run, tmp_path):
    text = (
        ORGS.replace('lead = "gxj"', 'lead = "kjj"')
        .replace('cadence = "monthly"', 'cadence = "daily"')
        .replace('parent = "shenhe"', 'parent = "tiexi"')
    )
    result = check(run, tmp_path, text)
    assert result.code == 1 and result.stdout.count("\n") == 3
    assert result.stderr == "sytrack: error: 3 problems in orgs.toml\n"
