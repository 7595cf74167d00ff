"""The status table on a terminal: 80 and 160 columns, CJK text, ASCII borders."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sytrack.catalogue import PACKAGED_CATALOGUE, load_catalogue, parse_catalogue
from sytrack.progress import evaluate
from sytrack.views.grid import Screen
from sytrack.views.grid import display_width as cell_len
from sytrack.views.status import status_tables

CATALOGUE = load_catalogue(PACKAGED_CATALOGUE)
AS_OF = dt.date(2023, 6, 30)
SERIES = {
    "cnc-rate": [(dt.date(2023, 6, 30), 64.0)],
    "5g-base-stations": [(dt.date(2023, 3, 31), 33000.0), (dt.date(2023, 6, 30), 36000.0)],
    "smart-factories": [(dt.date(2023, 5, 31), 12.0)],
    "construction-output-growth": [(dt.date(2023, 6, 30), 4.2)],
}


def render(width: int, ascii_only: bool = False) -> list[str]:
    progresses = [evaluate(i, SERIES.get(i.id, []), AS_OF, CATALOGUE.plan) for i in CATALOGUE.in_group_order()]
    return list(status_tables(CATALOGUE, progresses, "zh", Screen(width, ascii_only=ascii_only)))


@pytest.mark.parametrize("width", [80, 160])
def test_the_shipped_catalogue_fits_the_terminal_without_breaking_a_row(width):
    lines = render(width)
    assert all(cell_len(line) <= width for line in lines), max(lines, key=cell_len)
    # Every table's header rule spans its table whole: no row was cut or folded past the border.
    rules = [line for line in lines if set(line.strip()) <= {"─"} and line.strip()]
    assert rules and all(cell_len(rule.rstrip()) <= width for rule in rules)
    text = "\n".join(lines)
    for name in ("关键工序数控化率", "5G基站数量", "培育智能工厂"):
        assert name in text or name[:4] in text  # long Chinese names fold, never disappear
    assert "符合进度" in text and "滞后" in text


def test_ascii_borders_and_bars_have_no_ambiguous_width_characters():
    text = "\n".join(render(100, ascii_only=True))
    assert not any(char in text for char in "─━│┃█░▁▂▃▄▅▆▇")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_catalogue_text_gives_problems_never_an_exception(text):
    catalogue, problems = parse_catalogue(text, "fuzz.toml")
    assert (catalogue is None) == bool(problems)
    assert all("\n" not in p.message for p in problems)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["value", "low", "high", "comparison", "deadline", "tolerance", "start"]),
        st.one_of(st.integers(-10, 10**6), st.floats(allow_nan=True), st.text(max_size=8), st.booleans()),
        max_size=5,
    )
)
def test_any_target_table_gives_problems_never_an_exception(table):
    import tomli_w

    head = (
        '[plan]\nid = "p"\ntitle_zh = "p"\ntitle_en = "p"\nstart = 2024-01-01\n'
        '[[group]]\nid = "g"\nname_zh = "g"\nname_en = "g"\n'
    )
    body = {
        "indicator": [
            {
                "id": "x",
                "group": "g",
                "name_zh": "x",
                "name_en": "x",
                "unit": "个",
                "kind": "level",
                "direction": "increase",
                "target": [table],
            }
        ]
    }
    try:
        text = head + tomli_w.dumps(body)
    except (TypeError, ValueError):
        return  # not representable in TOML (NaN is, for tomli-w; other oddities are not)
    parse_catalogue(text, "fuzz.toml")


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_the_fast_paths_of_a_cells_width_and_longest_word_agree_with_the_rules(text):
    """Latin text's longest unbreakable piece, and any text's width, as the character-by-character
    rules give them (grid.py takes shortcuts for ASCII and caches each character's width)."""
    from sytrack.views import grid

    by_rule = max(
        (
            sum(grid.char_width.__wrapped__(c) for c in w.strip())
            for line in text.split("\n")
            for w in grid._words(line)
        ),
        default=0,
    )
    assert grid._longest_word(text) == by_rule
    assert grid.display_width(text) == sum(grid.char_width.__wrapped__(c) for c in text)
