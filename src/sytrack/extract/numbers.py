"""Numbers with units in a text: Arabic and Chinese numerals, magnitudes, ranges, and the unit a catalogue uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sytrack.extract.lexicon import UNITS

SCALED_UNITS = {
    "元": ((Decimal(10) ** 8, "亿元"), (Decimal(10) ** 4, "万元")),
    "人": ((Decimal(10) ** 4, "万人"),),
    "人次": ((Decimal(10) ** 4, "万人次"),),
    "吨": ((Decimal(10) ** 4, "万吨"),),
    "千瓦": ((Decimal(10) ** 4, "万千瓦"),),
    "千瓦时": ((Decimal(10) ** 8, "亿千瓦时"),),
    "斤": ((Decimal(10) ** 8, "亿斤"), (Decimal(10) ** 4, "万斤")),
    "立方米": ((Decimal(10) ** 8, "亿立方米"), (Decimal(10) ** 4, "万立方米")),
    "平方米": ((Decimal(10) ** 4, "万平方米"),),
    "亩": ((Decimal(10) ** 8, "亿亩"), (Decimal(10) ** 4, "万亩")),
}
MAGNITUDE = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
NUMBER = re.compile(rf"(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<mag>万亿|亿|万|千(?!瓦))?|(?P<cn>[{CN_NUMERAL}]+)")


def number_match(text: str, start: int) -> re.Match[str]:
    """The NUMBER match at `start`, where the caller has read a number already (number_at, value_at)."""
    match = NUMBER.match(text, start)
    assert match is not None, f"no number at {start}, where one was read"
    return match


RANGE_SEPARATOR = re.compile(r"到|至|-|~|—|－")


_FRACTION = re.compile(rf"(百分之|千分之)([{CN_NUMERAL}]+(?:点[{CN_NUMERAL[:-5]}]+)?)")
_CN_DECIMAL_DIGITS = {
    "零": "0",
    "〇": "0",
    "一": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}


def spell_fractions(text: str) -> str:
    """百分之五 -> 5%, 千分之四点五 -> 4.5‰: the written-out forms become the figures the reader reads."""

    def figure(match: re.Match) -> str:
        whole, _, decimals = match.group(2).partition("点")
        try:
            number = chinese_number(whole)
        except (ValueError, KeyError):
            return match.group(0)
        if decimals and any(char not in _CN_DECIMAL_DIGITS for char in decimals):
            return match.group(0)
        digits = "".join(_CN_DECIMAL_DIGITS[char] for char in decimals)
        return f"{number}{'.' + digits if digits else ''}{'%' if match.group(1) == '百分之' else '‰'}"

    return _FRACTION.sub(figure, text)


def chinese_number(text: str) -> Decimal:
    """The value of a Chinese numeral: 一万亿 -> 10^12, 两 -> 2, 一千万 -> 10^7, 二十三 -> 23, 千亿 -> 10^11."""
    if not text or any(char not in CN_NUMERAL for char in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    for big, size in (("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4)):
        position = text.rfind(big) if big == "亿" else text.find(big)
        if position >= 0:
            head, tail = text[:position], text[position + 1 :]
            return (chinese_number(head) if head else Decimal(1)) * size + (chinese_number(tail) if tail else 0)
    total, digit = Decimal(0), None
    for char in text:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * CN_SMALL_UNITS[char]
            digit = None
    return total + (digit or 0)


@dataclass
class Value:
    start: int
    end: int  # after the unit and any 以上/以内/左右
    amount: Decimal  # in the unit's base (元, 人, 个), or the low end of a range
    high: Decimal | None
    unit: str  # as written: 元, 个, %, or "" when none
    postfix: str
    bare_magnitude: bool  # a magnitude with nothing after it: 突破千亿


def number_at(text: str, start: int, end: int, after_comparison: bool) -> tuple[Decimal, int] | None:
    match = NUMBER.match(text, start, end)
    if not match:
        return None
    before = text[start - 1] if start > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if match.group("arabic"):
        if before and (before.isascii() and (before.isalnum() or before in ".+±") or before in "第±"):
            return None
        if after and after.isascii() and (after.isalpha() or after in "+"):
            return None
        amount = Decimal(match.group("arabic").replace(",", ""))
        if match.group("mag"):
            amount *= MAGNITUDE[match.group("mag")]
        return amount, match.end()
    numeral = match.group("cn")
    if before == "第" or numeral == "一" and not after_comparison:
        return None  # an ordinal, or 一 as the article "a"
    if not after_comparison and not any(char in "零〇一二两三四五六七八九十" for char in numeral):
        return None  # 百亿企业, 千亿元链: a class of firm, not a figure
    try:
        return chinese_number(numeral), match.end()
    except (ValueError, KeyError):
        return None


def value_at(text: str, start: int, end: int, after_comparison: bool) -> Value | None:
    number = number_at(text, start, end, after_comparison)
    if number is None:
        return None
    amount, position = number
    unit = next((u for u in UNITS if text.startswith(u, position) and position + len(u) <= end), "")
    position += len(unit)
    high = None
    separator = RANGE_SEPARATOR.match(text, position, end)
    if separator:
        other = number_at(text, separator.end(), end, True)
        if other is not None:
            other_unit = next((u for u in UNITS if text.startswith(u, other[1])), "")
            low = amount
            magnitude = number_match(text, separator.end()).group(0)[-1]
            if not unit and magnitude in "万亿千" and number_match(text, start).group(0)[-1].isdigit():
                low = amount * MAGNITUDE["万亿" if text.startswith("万亿", other[1] - 2) else magnitude]  # 4-6万个
            if other_unit and (not unit or unit == other_unit) and other[0] > low:
                amount, high, unit, position = low, other[0], other_unit, other[1] + len(other_unit)
            elif not unit and text.startswith("年", other[1]):
                return None  # 三年行动计划(2023-2025年): a span of years
    bare = not unit and number_match(text, start).group(0)[-1] in "万亿千"
    if not unit and not bare:
        following = text[position : position + 1]
        if number_match(text, start).group("cn") or following.isalnum():
            return None  # 三年, 提升9位: a number of something that is not a unit we read
    postfix = next((p for p in ("以上", "以内", "以下", "左右") if text.startswith(p, position)), "")
    position += len(postfix)
    return Value(start, position, amount, high, unit, postfix, bare)


def scale(amount: Decimal, unit: str, reference: Decimal) -> tuple[Decimal, str]:
    """Express an amount in the unit a catalogue uses: 10^12 元 -> 10000 亿元; 4万个 -> 40000 个."""
    for size, scaled in SCALED_UNITS.get(unit, ()):
        if abs(reference) >= size:
            return amount / size, scaled
    return amount, unit


def as_float(number: Decimal) -> float:
    return float(number.normalize())
