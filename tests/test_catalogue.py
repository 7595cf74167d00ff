"""The catalogue parser, pure: inline TOML in, (catalogue, problems) out, every problem with its line."""

from __future__ import annotations

import datetime as dt
import textwrap
import time
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sytrack.catalogue import LineIndex, append_indicator_text, indicator_entry, lines, parse_catalogue
from sytrack.model import Baseline, Target

PATH = "plan.toml"

HEAD = textwrap.dedent(
    """\
    [plan]
    id = "test-plan"
    title_zh = "测试计划"
    title_en = "Test plan"
    start = 2024-01-01

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
    """
)


def catalogue_text(*bodies: str) -> str:
    """A whole catalogue: the plan and groups above, then the indicators in `bodies`."""
    return HEAD + "".join(textwrap.dedent(body) for body in bodies)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding `fragment` (the n-th such line)."""
    numbers = [n for n, line in enumerate(text.split("\n"), start=1) if fragment in line]
    assert len(numbers) >= occurrence, f"{fragment!r} occurs on {len(numbers)} lines"
    return numbers[occurrence - 1]


def the_problem(text: str):
    """Parse `text`, which must be rejected for exactly one problem, and return that problem."""
    catalogue, problems = parse_catalogue(text, PATH)
    assert catalogue is None
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.where is not None and problem.where.path == PATH
    return problem


LEVEL = textwrap.dedent(
    """
    [[indicator]]
    id = "stations"
    group = "digital"
    name_zh = "5G基站数量"
    name_en = "5G base stations"
    unit = "个"
    kind = "level"
    direction = "increase"
    baseline = { value = 30000, date = 2023-12-31 }

    [[indicator.target]]
    comparison = "more-than"
    value = 40000
    deadline = 2024-12-31
    """
)


# ---------------------------------------------------------------------------------------------
# What parses


def test_every_kind_and_target_form_parses():
    text = catalogue_text(
        LEVEL,
        """
        [[indicator]]
        id = "new-factories"
        group = "digital"
        name_zh = "培育智能工厂"
        name_en = "Smart factories"
        unit = "个"
        kind = "flow"
        direction = "increase"

        [[indicator.target]]
        comparison = "at-least"
        value = 30
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
        id = "output-growth"
        group = "parks"
        name_zh = "产值增长"
        name_en = "Output growth"
        unit = "%"
        kind = "rate"
        direction = "increase"

        [[indicator.target]]
        comparison = "about"
        value = 6
        tolerance = 0.5
        deadline = 2024-12-31

        [[indicator]]
        id = "city-rank"
        group = "parks"
        name_zh = "百强市排名"
        name_en = "City rank"
        unit = "位"
        kind = "rank"
        direction = "decrease"
        baseline = { value = 25, date = 2023-12-31 }

        [[indicator.target]]
        comparison = "at-most"
        value = 20
        deadline = 2024-12-31

        [[indicator]]
        id = "institute"
        group = "parks"
        name_zh = "创建工业设计研究院"
        name_en = "Design institute founded"
        kind = "milestone"

        [[indicator.target]]
        deadline = 2024-06-30

        [[indicator]]
        id = "key-labs"
        group = "parks"
        name_zh = "全国重点实验室"
        name_en = "National key laboratories"
        unit = "个"
        kind = "level"
        direction = "increase"

        [[indicator.target]]
        comparison = "between"
        low = 4
        high = 6
        deadline = 2024-12-31
        """,
    )
    catalogue, problems = parse_catalogue(text, PATH)

    assert problems == []
    assert catalogue is not None
    assert catalogue.plan.id == "test-plan" and catalogue.plan.start == dt.date(2024, 1, 1)
    assert [g.id for g in catalogue.groups] == ["digital", "parks"]
    by_id = {i.id: i for i in catalogue.indicators}
    assert list(by_id) == [
        "stations",
        "new-factories",
        "cnc-rate",
        "output-growth",
        "city-rank",
        "institute",
        "key-labs",
    ]
    assert {i.id: i.kind for i in catalogue.indicators} == {
        "stations": "level",
        "new-factories": "flow",
        "cnc-rate": "share",
        "output-growth": "rate",
        "city-rank": "rank",
        "institute": "milestone",
        "key-labs": "level",
    }
    end_2024, end_2025 = dt.date(2024, 12, 31), dt.date(2025, 12, 31)

    stations = by_id["stations"]
    assert (stations.unit, stations.direction, stations.group) == ("个", "increase", "digital")
    assert stations.baseline == Baseline(30000.0, dt.date(2023, 12, 31))
    assert stations.targets == (Target(end_2024, "more-than", 40000.0),)

    assert by_id["new-factories"].targets == (Target(end_2024, "at-least", 30.0),)
    assert by_id["new-factories"].baseline is None

    assert by_id["cnc-rate"].baseline == Baseline(62.9, dt.date(2023, 12, 31))
    assert by_id["cnc-rate"].targets == (Target(end_2024, "at-least", 65.0), Target(end_2025, "at-least", 70.0))

    assert by_id["output-growth"].targets == (Target(end_2024, "about", 6.0, tolerance=0.5),)

    assert by_id["city-rank"].direction == "decrease"
    assert by_id["city-rank"].targets == (Target(end_2024, "at-most", 20.0),)

    institute = by_id["institute"]
    assert (institute.unit, institute.direction) == ("", "increase")
    assert institute.targets == (Target(dt.date(2024, 6, 30), "at-least", 1.0),)

    assert by_id["key-labs"].targets == (Target(end_2024, "between", None, low=4.0, high=6.0),)

    # Every indicator knows the line of its [[indicator]] table.
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if line == "[[indicator]]"]
    assert [i.where.line for i in catalogue.indicators] == headers
    assert all(i.where.path == PATH for i in catalogue.indicators)


def test_values_and_dates_written_as_text_are_read_as_a_user_types_them():
    text = catalogue_text(
        """
        [[indicator]]
        id = "stations"
        group = "digital"
        name_zh = "5G基站数量"
        name_en = "5G base stations"
        unit = "个"
        kind = "level"
        direction = "increase"
        baseline = { value = "3万", date = "2023" }

        [[indicator.target]]
        comparison = "more-than"
        value = "40,000"
        deadline = "2024-Q4"
        """
    )
    catalogue, problems = parse_catalogue(text, PATH)

    assert problems == []
    assert catalogue is not None
    (stations,) = catalogue.indicators
    assert stations.baseline == Baseline(30000.0, dt.date(2023, 12, 31))
    assert stations.targets == (Target(dt.date(2024, 12, 31), "more-than", 40000.0),)


def test_crlf_text_parses_with_the_same_line_numbers():
    text = catalogue_text(LEVEL.replace('direction = "increase"', 'direction = "up"'))
    lf_problem = the_problem(text)
    crlf_problem = the_problem(text.replace("\n", "\r\n"))
    assert crlf_problem == lf_problem
    assert lf_problem.where.line == line_of(text, 'direction = "up"')


def test_line_numbers_survive_multiline_strings_that_look_like_tables():
    text = catalogue_text(
        '''
        [[indicator]]
        id = "stations"
        group = "digital"
        name_zh = "5G基站数量"
        name_en = "5G base stations"
        unit = "个"
        quote = """
        [[indicator]]
        kind = "flow"
        """
        kind = "levl"
        direction = "increase"

        [[indicator.target]]
        comparison = "more-than"
        value = 40000
        deadline = 2024-12-31
        '''
    )
    problem = the_problem(text)
    assert "unknown kind 'levl'" in problem.message
    assert problem.where.line == line_of(text, 'kind = "levl"')


def test_a_comment_mentioning_triple_quotes_does_not_lose_the_line_numbers_after_it():
    text = catalogue_text(
        '# A long quote opens with """ and closes on a later line.\n', LEVEL.replace('kind = "level"', 'kind = "levl"')
    )
    problem = the_problem(text)
    assert "unknown kind 'levl'" in problem.message
    assert problem.where.line == line_of(text, 'kind = "levl"')


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_only_newlines_end_lines_not_unicode_separators_inside_strings(separator):
    # TOML ends a line only at LF (or CRLF); text pasted from a web page may hold other separators.
    text = catalogue_text(
        LEVEL.replace('kind = "level"', 'kind = "levl"').replace('unit = "个"', f'quote = "a{separator}b"\nunit = "个"')
    )
    problem = the_problem(text)
    assert "unknown kind 'levl'" in problem.message
    assert problem.where.line == text.split("\n").index('kind = "levl"') + 1


# Lines a multi-line string may hold that look like a header or a key, and must not count as one.
FAKE_LINES = [
    "[[indicator]]",
    "[[indicator.target]]",
    "[plan]",
    'id = "fake"',
    "kind = 1",
    "# not a comment",
    "'x'",
    '"y"',
    "plain words",
]


@st.composite
def indexed_text(draw):
    """TOML text of [[indicator]] tables whose keys hold one-line, multi-line and commented values,
    with the line of every header and key it holds."""
    lines: list[str] = []
    tables: dict[tuple, int] = {}
    keys: dict[tuple, int] = {}
    for position in range(draw(st.integers(1, 4))):
        lines.append("[[indicator]]")
        tables[("indicator", position)] = len(lines)
        for number in range(draw(st.integers(0, 4))):
            keys[("indicator", position, f"k{number}")] = len(lines) + 1
            body = draw(st.lists(st.sampled_from(FAKE_LINES), max_size=4))
            value = draw(st.sampled_from(["multi-basic", "multi-literal", "one-line", "commented"]))
            if value == "multi-basic":  # may hold ''' but not an unescaped """
                lines.extend([f'k{number} = """', *body, "'''", '"""'])
            elif value == "multi-literal":
                lines.extend([f"k{number} = '''", *body, '"""', "'''"])
            elif value == "one-line":
                lines.append(f'k{number} = "a \'\'\' or \\" \\"\\" b"')
            else:
                lines.append(f"k{number} = 1  # a comment with \"\"\" or ''' in it")
    crlf = draw(st.booleans())
    return ("\r\n" if crlf else "\n").join(lines) + "\n", tables, keys


@settings(max_examples=200, deadline=None)
@given(indexed_text())
def test_the_line_index_finds_every_header_and_key_and_nothing_inside_strings(case):
    text, tables, keys = case
    tomllib.loads(text)  # the generated text is TOML
    index = LineIndex.of(PATH, text)
    assert index.keys == keys
    assert index.tables == tables


@pytest.mark.parametrize(
    "line",
    [" " * 1_000_000, "[" + " " * 1_000_000 + "x", "a" * 1_000_000, '"""' * 300_000],
    ids=["blanks", "open-bracket-and-blanks", "letters", "triple-quotes"],
)
def test_the_line_index_reads_a_hostile_line_in_one_pass(line):
    """A pattern whose parts compete for the same characters takes quadratic time on such a line:
    a million blanks would take hours, not the fraction of a second a linear scan takes."""
    started = time.perf_counter()
    index = LineIndex.of(PATH, f"[plan]\n{line}\n[[indicator]]\nid = 1\n")
    assert index.at(("indicator", 0), "id").line == 4 or line.startswith('"""')
    assert time.perf_counter() - started < 2


def test_keys_are_indexed_only_when_a_problem_asks_where_one_is(monkeypatch):
    """A correct catalogue needs the line of every table (each indicator keeps its own), never of a key."""

    class NoKeys:
        def finditer(self, text):
            raise AssertionError("keys were indexed for a catalogue without problems")

    monkeypatch.setattr(lines, "_KEY", NoKeys())
    text = catalogue_text(LEVEL)
    catalogue, problems = parse_catalogue(text, PATH)
    assert problems == [] and catalogue.find("stations").where.line == line_of(text, "[[indicator]]")


# ---------------------------------------------------------------------------------------------
# Each problem: its message and its line


def test_toml_syntax_error_gives_line_and_column():
    text = catalogue_text(LEVEL.replace("value = 40000", "value = 40000 x"))
    catalogue, problems = parse_catalogue(text, PATH)

    assert catalogue is None
    assert len(problems) == 1
    (problem,) = problems
    assert problem.message.startswith("TOML syntax error: ")
    assert "(at line" not in problem.message  # the position is in `where`, not repeated in the text
    bad_line = line_of(text, "value = 40000 x")
    assert problem.where.line == bad_line
    assert problem.where.column == text.splitlines()[bad_line - 1].index("x") + 1
    assert str(problem).startswith(f"{PATH}:{bad_line}:{problem.where.column}: TOML syntax error: ")


def test_unknown_kind():
    text = catalogue_text(LEVEL.replace('kind = "level"', 'kind = "levl"'))
    problem = the_problem(text)
    assert problem.message == "unknown kind 'levl' (use one of level, flow, share, rate, rank, milestone)"
    assert problem.subject == "stations"
    assert problem.where.line == line_of(text, 'kind = "levl"')


def test_unknown_direction():
    text = catalogue_text(LEVEL.replace('direction = "increase"', 'direction = "up"'))
    problem = the_problem(text)
    assert problem.message == "unknown direction 'up' (use one of increase, decrease)"
    assert problem.where.line == line_of(text, 'direction = "up"')


@pytest.mark.parametrize("kind", ["level", "flow", "share", "rate", "rank"])
def test_missing_direction_is_never_defaulted(kind):
    unit = "%" if kind in ("share", "rate") else "个"
    body = LEVEL.replace('direction = "increase"\n', "").replace('kind = "level"', f'kind = "{kind}"')
    body = body.replace('unit = "个"', f'unit = "{unit}"').replace("value = 40000", "value = 40")
    body = body.replace("value = 30000", "value = 30")
    text = catalogue_text(body)
    problem = the_problem(text)
    assert problem.message == "missing 'direction' (one of increase, decrease)"
    assert problem.where.line == line_of(text, "[[indicator]]")


def test_target_without_deadline_points_at_that_target():
    text = catalogue_text(
        LEVEL,
        """
        [[indicator.target]]
        comparison = "more-than"
        value = 50000
        """,
    )
    problem = the_problem(text)
    assert problem.message == "missing 'deadline'"
    assert problem.where.line == line_of(text, "[[indicator.target]]", occurrence=2)


def test_duplicate_id_points_at_the_second_and_names_the_first():
    text = catalogue_text(LEVEL, LEVEL.replace("value = 40000", "value = 45000"))
    problem = the_problem(text)
    first, second = line_of(text, 'id = "stations"'), line_of(text, 'id = "stations"', occurrence=2)
    assert problem.subject == "stations"
    assert problem.message == f"duplicate id (first used on line {first})"
    assert problem.where.line == second


def test_baseline_dated_after_the_first_deadline():
    text = catalogue_text(LEVEL.replace("date = 2023-12-31", "date = 2025-06-30"))
    problem = the_problem(text)
    assert problem.message == "baseline dated 2025-06-30 is not before the first deadline 2024-12-31"
    assert problem.where.line == line_of(text, "baseline = {")


def test_baseline_written_as_a_table_is_pointed_at_too():
    # `sytrack add` writes a baseline as an [indicator.baseline] table after the targets.
    body = LEVEL.replace("baseline = { value = 30000, date = 2023-12-31 }\n", "")
    text = catalogue_text(body, "\n[indicator.baseline]\nvalue = 30000\ndate = 2025-06-30\n")
    problem = the_problem(text)
    assert problem.message == "baseline dated 2025-06-30 is not before the first deadline 2024-12-31"
    assert problem.where.line in (line_of(text, "[indicator.baseline]"), line_of(text, "date = 2025-06-30"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"lots"', "'value' is not a number: 'lots' is not a number"),
        ("true", "'value' must be a number, not True"),
        ("[1, 2]", "'value' must be a number, not [1, 2]"),
        ("nan", "'value' must be a finite number"),
    ],
)
def test_non_numeric_target_value(value, message):
    text = catalogue_text(LEVEL.replace("value = 40000", f"value = {value}"))
    problem = the_problem(text)
    assert problem.message.startswith(message)
    assert problem.where.line == line_of(text, f"value = {value}")


def test_unknown_group_suggests_the_close_one():
    text = catalogue_text(LEVEL.replace('group = "digital"', 'group = "digtal"'))
    problem = the_problem(text)
    assert problem.message == "unknown group 'digtal' (did you mean 'digital'?)"
    assert problem.where.line == line_of(text, 'group = "digtal"')


def test_unknown_group_with_nothing_close_says_to_declare_it():
    text = catalogue_text(LEVEL.replace('group = "digital"', 'group = "zzz"'))
    problem = the_problem(text)
    assert problem.message == "unknown group 'zzz' (declare it in a [[group]] table)"


def test_share_target_above_100_percent():
    text = catalogue_text(
        """
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
        value = 65
        deadline = 2024-12-31

        [[indicator.target]]
        comparison = "at-least"
        value = 120
        deadline = 2025-12-31
        """
    )
    problem = the_problem(text)
    assert problem.message == "target value 120: a share must lie between 0 and 100 percent"
    assert problem.where.line == line_of(text, "value = 120")


def test_range_with_low_above_high():
    text = catalogue_text(
        """
        [[indicator]]
        id = "key-labs"
        group = "parks"
        name_zh = "全国重点实验室"
        name_en = "National key laboratories"
        unit = "个"
        kind = "level"
        direction = "increase"

        [[indicator.target]]
        comparison = "between"
        low = 6
        high = 4
        deadline = 2024-12-31
        """
    )
    problem = the_problem(text)
    assert problem.message == "range low end 6 is above its high end 4"
    assert problem.where.line == line_of(text, "low = 6")


def test_unknown_indicator_field_suggests_the_close_one():
    text = catalogue_text(LEVEL.replace('direction = "increase"', 'direction = "increase"\ndepartmnt = "市工信局"'))
    problem = the_problem(text)
    assert problem.message == "unknown field 'departmnt' in [[indicator]] (did you mean 'department'?)"
    assert problem.where.line == line_of(text, "departmnt =")


def test_unknown_target_field_suggests_the_close_one():
    text = catalogue_text(LEVEL.replace("deadline = 2024-12-31", "deadlin = 2024-12-31"))
    catalogue, problems = parse_catalogue(text, PATH)
    assert catalogue is None
    messages = {p.message: p.where.line for p in problems}
    assert messages["unknown field 'deadlin' in target (did you mean 'deadline'?)"] == line_of(text, "deadlin =")
    assert messages["missing 'deadline'"] == line_of(text, "[[indicator.target]]")


def test_rank_must_decrease():
    text = catalogue_text(
        """
        [[indicator]]
        id = "city-rank"
        group = "parks"
        name_zh = "百强市排名"
        name_en = "City rank"
        unit = "位"
        kind = "rank"
        direction = "increase"

        [[indicator.target]]
        comparison = "about"
        value = 20
        tolerance = 2
        deadline = 2024-12-31
        """
    )
    problem = the_problem(text)
    assert problem.message == "a rank is better when lower: its direction must be 'decrease'"
    assert problem.where.line == line_of(text, 'direction = "increase"')


def test_targets_out_of_deadline_order_point_at_the_target_out_of_place():
    text = catalogue_text(
        LEVEL,
        """
        [[indicator.target]]
        comparison = "more-than"
        value = 35000
        deadline = 2024-06-30
        """,
    )
    problem = the_problem(text)
    assert problem.message == "targets must be in deadline order (2024-06-30 is not after 2024-12-31)"
    assert problem.where.line == line_of(text, "deadline = 2024-06-30")


def test_every_problem_is_reported_not_only_the_first():
    share = """
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
        value = 165
        deadline = 2024-12-31
    """
    text = catalogue_text(
        LEVEL.replace('kind = "level"', 'kind = "levl"'),
        share,
        LEVEL.replace('id = "stations"', 'id = "stations-2"').replace('group = "digital"', 'group = "digtal"'),
    )
    catalogue, problems = parse_catalogue(text, PATH)

    assert catalogue is None
    assert sorted((p.where.line, p.subject, p.message.split(" (")[0]) for p in problems) == [
        (line_of(text, 'kind = "levl"'), "stations", "unknown kind 'levl'"),
        (line_of(text, "value = 165"), "cnc-rate", "target value 165: a share must lie between 0 and 100 percent"),
        (line_of(text, 'group = "digtal"'), "stations-2", "unknown group 'digtal'"),
    ]


def test_a_catalogue_without_a_plan_is_rejected():
    catalogue, problems = parse_catalogue(textwrap.dedent(LEVEL), PATH)
    assert catalogue is None
    assert any(p.message.startswith("missing [plan] table") for p in problems)


# ---------------------------------------------------------------------------------------------
# Appending what `sytrack add` writes keeps every byte and reads back as typed

names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    indicator_id=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True).filter(lambda s: s != "stations"),
    name_zh=names,
    name_en=names,
    value=st.integers(min_value=0, max_value=10**12) | st.floats(min_value=0, max_value=1e12, allow_nan=False),
    year=st.integers(min_value=2024, max_value=2040),
    crlf=st.booleans(),
)
def test_an_appended_indicator_keeps_the_text_before_it_and_reads_back(
    indicator_id, name_zh, name_en, value, year, crlf
):
    original = catalogue_text(LEVEL)
    if crlf:
        original = original.replace("\n", "\r\n")
    entry = indicator_entry(
        indicator_id=indicator_id,
        group="parks",
        name_zh=name_zh,
        name_en=name_en,
        unit="个",
        unit_en="",
        kind="level",
        direction="increase",
        comparison=None,
        targets=[f"{value!r}@{year}"],
        baseline=None,
        department="",
        quote="",
    )
    new_text = append_indicator_text(original, entry)

    assert new_text.startswith(original)
    if crlf:
        assert "\n" not in new_text.replace("\r\n", "")
    catalogue, problems = parse_catalogue(new_text, PATH)
    assert problems == []
    assert catalogue is not None
    added = catalogue.find(indicator_id)
    assert added is not None
    assert (added.name_zh, added.name_en, added.group) == (name_zh, name_en, "parks")
    assert added.targets == (Target(dt.date(year, 12, 31), "at-least", float(value)),)
    assert tomllib.loads(new_text)["indicator"][-1]["id"] == indicator_id
    # Its line is counted as TOML counts lines: only "\n" ends one, whatever the names hold.
    header = new_text.index("[[indicator]]", len(original))
    assert added.where.line == new_text[:header].count("\n") + 1


# ---------------------------------------------------------------------------------------------
# Values a kind cannot take, starts, and milestones


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("value = 40000", "value = -1", "target value -1: a level cannot be negative"),
        ("baseline = { value = 30000", "baseline = { value = -5", "baseline -5: a level cannot be negative"),
        (
            "deadline = 2024-12-31",
            "deadline = 2024-12-31\nstart = 2025-01-01",
            "start 2025-01-01 is after the deadline 2024-12-31",
        ),
    ],
)
def test_values_and_starts_the_kind_cannot_take(replace, by, message):
    text = catalogue_text(LEVEL.replace(replace, by))
    problem = the_problem(text)
    assert problem.message == message
    assert problem.where.line == line_of(text, by.splitlines()[-1])


def test_a_rank_starts_at_1():
    rank = LEVEL.replace('kind = "level"', 'kind = "rank"').replace('direction = "increase"', 'direction = "decrease"')
    rank = rank.replace('comparison = "more-than"', 'comparison = "at-most"').replace("value = 40000", "value = 0")
    rank = rank.replace(
        "baseline = { value = 30000, date = 2023-12-31 }", "baseline = { value = 25, date = 2023-12-31 }"
    )
    assert the_problem(catalogue_text(rank)).message == "target value 0: a rank starts at 1"


def test_a_milestone_target_has_no_comparison():
    milestone = """
    [[indicator]]
    id = "centre"
    group = "digital"
    name_zh = "数据交易中心"
    name_en = "Data exchange centre"
    kind = "milestone"

    [[indicator.target]]
    comparison = "at-most"
    deadline = 2024-12-31
    """
    problem = the_problem(catalogue_text(milestone))
    assert problem.message == "a milestone's target has only a deadline (and start), not 'comparison'"


def test_a_period_as_a_start_means_its_first_day():
    text = catalogue_text(LEVEL.replace("deadline = 2024-12-31", 'deadline = 2024-12-31\nstart = "2024-Q2"'))
    text = text.replace("start = 2024-01-01", 'start = "2024"')
    catalogue, problems = parse_catalogue(text, PATH)
    assert problems == []
    assert catalogue.plan.start == dt.date(2024, 1, 1)
    assert catalogue.indicators[0].targets[0].start == dt.date(2024, 4, 1)


def test_names_are_checked_even_when_other_fields_are_wrong():
    text = catalogue_text(
        LEVEL.replace('kind = "level"', 'kind = "levl"').replace('name_en = "5G base stations"\n', "")
    )
    _, problems = parse_catalogue(text, PATH)
    messages = [p.message for p in problems]
    assert "missing 'name_en'" in messages and any("unknown kind 'levl'" in m for m in messages)


def test_a_tolerance_belongs_to_an_about_target():
    text = catalogue_text(LEVEL.replace("deadline = 2024-12-31", "deadline = 2024-12-31\ntolerance = 5"))
    assert the_problem(text).message == "a tolerance belongs to an 'about' target, not to 'more-than'"
