"""Parsing what users type: forgiving in form, strict in meaning."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sytrack.errors import SytrackError
from sytrack.model import Baseline, Indicator, Target
from sytrack.values import (
    check_recordable_date,
    format_plain,
    parse_date,
    parse_done,
    parse_number,
    parse_value,
    today_in,
)


def indicator(kind="level", unit="个", baseline=None):
    return Indicator(
        id="x",
        group="g",
        name_zh="x",
        name_en="x",
        unit=unit,
        kind=kind,
        direction="increase",
        targets=(Target(dt.date(2023, 12, 31), "at-least", 1.0),),
        baseline=baseline,
    )


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("41000", "个", 41000),
        ("41,000", "个", 41000),
        ("4.1万", "个", 41000),
        ("4.1 万", "个", 41000),
        ("41000个", "个", 41000),
        ("８０００亿", "亿元", 8000),  # full-width digits from a Chinese input method
        ("8000亿", "亿元", 8000),
        ("8000亿元", "亿元", 8000),
        ("8000", "亿元", 8000),
        ("1万亿", "亿元", 10000),
        ("65%", "%", 65),
        ("65", "%", 65),
        ("65％", "%", 65),
        ("-2.5", "%", -2.5),
        ("1,234,567.5", "个", 1234567.5),
        ("1000万", "万人", 1000),
    ],
)
def test_accepted_forms(text, unit, expected):
    assert parse_number(text, unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("abc", "个", "is not a number"),
        ("", "个", "no value given"),
        ("nan", "个", "NaN and infinity"),
        ("inf", "个", "NaN and infinity"),
        ("-Infinity", "个", "NaN and infinity"),
        ("1" + "0" * 400, "个", "too large to store"),
        ("1e400", "个", "too large to store"),
        ("65%", "个", "is a percentage"),
        ("4万", "%", "this indicator is a percentage"),
        ("10人", "个", "does not match the unit"),
        ("100元", "万人", "does not match the unit"),
        ("4,10", "个", "commas may only group thousands"),
        ("1.2.3", "个", "commas may only group thousands"),
    ],
)
def test_rejected_forms(text, unit, message):
    with pytest.raises(SytrackError, match=message):
        parse_number(text, unit)


@pytest.mark.parametrize(
    ("kind", "unit", "text", "message"),
    [
        ("share", "%", "101", "between 0 and 100"),
        ("share", "%", "-1%", "between 0 and 100"),
        ("level", "个", "-5", "cannot be negative"),
        ("flow", "亿元", "-1", "cannot be negative"),
        ("rank", "位", "0", "a rank starts at 1"),
        ("milestone", "", "maybe", "not a milestone state"),
    ],
)
def test_values_a_kind_cannot_take(kind, unit, text, message):
    with pytest.raises(SytrackError, match=message):
        parse_value(text, indicator(kind, unit))


def test_a_rate_may_be_negative():
    assert parse_value("-3.5%", indicator("rate", "%")) == -3.5


@pytest.mark.parametrize("text", ["yes", "Y", "done", "是", "完成", "true", "1"])
def test_milestone_done(text):
    assert parse_value(text, indicator("milestone", "")) == 1.0


@pytest.mark.parametrize("text", ["no", "N", "否", "未完成", "false", "0"])
def test_milestone_not_done(text):
    assert parse_value(text, indicator("milestone", "")) == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-06-30", dt.date(2023, 6, 30)),
        ("2023-06", dt.date(2023, 6, 30)),
        ("2023-02", dt.date(2023, 2, 28)),
        ("2024-02", dt.date(2024, 2, 29)),
        ("2023-Q1", dt.date(2023, 3, 31)),
        ("2023-q2", dt.date(2023, 6, 30)),
        ("2023Q4", dt.date(2023, 12, 31)),
        ("2023-H1", dt.date(2023, 6, 30)),
        ("2023-H2", dt.date(2023, 12, 31)),
        ("2023", dt.date(2023, 12, 31)),
        ("2023/6/30", dt.date(2023, 6, 30)),
        ("2023年6月30日", dt.date(2023, 6, 30)),
        ("2023年6月", dt.date(2023, 6, 30)),
    ],
)
def test_dates_and_periods(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2023-13-01", "2023-02-30", "2023-Q5", "2023-H3", "yesterday", "", "23-06-30", "2023-06-30T10:00"]
)
def test_not_a_date(text):
    with pytest.raises(SytrackError, match="is not a date"):
        parse_date(text)


def test_a_date_in_the_future_or_before_the_baseline_is_refused():
    with_baseline = indicator(baseline=Baseline(30000, dt.date(2022, 12, 31)))
    today = dt.date(2023, 7, 1)
    check_recordable_date(today, with_baseline, today)
    check_recordable_date(dt.date(2022, 12, 31), with_baseline, today)
    with pytest.raises(SytrackError, match="is in the future"):
        check_recordable_date(dt.date(2023, 7, 2), with_baseline, today)
    with pytest.raises(SytrackError, match="before the baseline"):
        check_recordable_date(dt.date(2022, 12, 30), with_baseline, today)


# -- properties -------------------------------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_plain_numbers_read_back_exactly(value):
    assert parse_number(format_plain(value), "个") == value


@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_integers_read_as_written(value):
    assert parse_number(f"{value:,}", "个") == value


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_wan_is_ten_thousand(value):
    assert parse_number(f"{value}万", "个") == pytest.approx(float(value) * 10_000)


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_clear_error(text):
    try:
        value = parse_number(text, "亿元")
    except SytrackError as error:
        assert "\n" not in error.message
    else:
        assert math.isfinite(value)


@given(st.text(max_size=20))
def test_any_text_is_a_date_or_a_clear_error(text):
    try:
        parse_date(text)
    except SytrackError as error:
        assert "is not a date" in error.message


def test_a_year_written_in_chinese_as_a_start_is_its_first_day():
    from sytrack.values import parse_period_start

    assert parse_period_start("2023年") == dt.date(2023, 1, 1)
    assert parse_period_start("2023") == dt.date(2023, 1, 1)
    assert parse_period_start("2023-Q2") == dt.date(2023, 4, 1)


# -- digits that are not decimal digits --------------------------------------------------------

import unicodedata  # noqa: E402

NOT_DECIMAL = [chr(c) for c in range(0x20, 0x30000) if unicodedata.category(chr(c)) in ("No", "Nl")]
# Decimal digits of other scripts, folded as documented: full-width, Arabic-Indic, Devanagari.
DIGIT_ZEROS = [0xFF10, 0x0660, 0x06F0, 0x0966]


@pytest.mark.parametrize(
    "text, char",
    [("10²", "²"), ("4²万", "²"), ("⒈5万", "⒈"), ("①", "①"), ("1₀0", "₀"), ("⑴2", "⑴"), ("½", "½"), ("Ⅻ", "Ⅻ")],
)
def test_superscripts_circled_and_parenthesised_digits_are_refused(text, char):
    with pytest.raises(SytrackError) as caught:
        parse_number(text, "个")
    message = str(caught.value)
    assert f"{char!r}" in message and "is not a plain digit" in message and "0-9" in message


@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=6),
    at=st.integers(min_value=0, max_value=6),
    char=st.sampled_from(NOT_DECIMAL),
    suffix=st.sampled_from(["", "万", "%", "个"]),
)
def test_a_number_character_that_is_not_a_decimal_digit_is_refused_anywhere(digits, at, char, suffix):
    text = digits[:at] + char + digits[at:] + suffix
    unit = "%" if suffix == "%" else "个"
    with pytest.raises(SytrackError, match="is not a plain digit"):
        parse_number(text, unit)
    with pytest.raises(SytrackError, match="is not a plain digit"):
        parse_date("2023-0" + char)
    with pytest.raises(SytrackError, match="is not a plain digit"):
        parse_done(char)


@given(number=st.integers(min_value=0, max_value=10**9), zero=st.sampled_from(DIGIT_ZEROS))
def test_decimal_digits_of_other_scripts_still_read_as_digits(number, zero):
    text = "".join(chr(zero + int(d)) for d in str(number))
    assert parse_number(text, "个") == number
    assert parse_number(text + "万", "个") == number * 10_000


# -- today ----------------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 3, 20, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "zone, expected",
    [
        ("Asia/Shanghai", dt.date(2026, 12, 4)),
        ("UTC", dt.date(2026, 12, 3)),
        ("America/New_York", dt.date(2026, 12, 3)),
        ("Pacific/Kiritimati", dt.date(2026, 12, 4)),
        ("Pacific/Pago_Pago", dt.date(2026, 12, 3)),
    ],
)
def test_today_is_the_date_in_the_plans_timezone(zone, expected):
    assert today_in(zone, NOW) == expected


def test_without_a_timezone_today_is_the_machines_local_date(monkeypatch):
    import time

    for zone, expected in (("Asia/Shanghai", dt.date(2026, 12, 4)), ("America/Los_Angeles", dt.date(2026, 12, 3))):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert today_in(None, NOW) == expected
    monkeypatch.undo()
    time.tzset()


def test_an_unknown_timezone_is_one_clear_error():
    for bad in ("Mars/Olympus", "../etc/passwd", ""):
        with pytest.raises(SytrackError, match=r"unknown timezone .* IANA name such as Asia/Shanghai"):
            today_in(bad, NOW)


def test_in_the_future_is_judged_on_the_same_today():
    # 20:30 UTC is already the 4th in Shanghai: a value dated the 4th is recordable there, not in UTC.
    x = indicator()
    check_recordable_date(dt.date(2026, 12, 4), x, today_in("Asia/Shanghai", NOW))
    with pytest.raises(SytrackError, match="2026-12-04 is in the future \\(today is 2026-12-03\\)"):
        check_recordable_date(dt.date(2026, 12, 4), x, today_in("UTC", NOW))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_one_rule_for_whole_numbers_in_every_format(value):
    import json

    from sytrack.values import format_human, whole_number
    from sytrack.writers import _json_value, _number_cell

    plain = format_plain(value)
    assert _number_cell(value) == plain  # CSV and TSV
    assert json.dumps(_json_value(value)) == (plain if whole_number(value) is not None else json.dumps(value))
    assert float(plain) == value  # it reads back as exactly the stored number
    if whole_number(value) is not None:
        assert "." not in plain and "." not in format_human(value)
