"""User text made safe for a terminal: control characters and bidi overrides shown, never obeyed."""

from __future__ import annotations

import functools
import re

# C0 and C1 controls (ESC starts terminal sequences, BEL rings, CR overwrites), DEL, the bidi
# embeddings, overrides, isolates and marks (they reorder what a reader sees, "Trojan Source"),
# and the Unicode line and paragraph separators (a one-line message must stay one line).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every unsafe character written as its escape (ESC as \\x1b, U+202E as \\u202e).
    Tabs and newlines too: in a table cell or a one-line message they would break the layout."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def display_width(text: str) -> int:
    """Columns a terminal or a spreadsheet gives the text: wide and full-width characters (Chinese,
    万, full-width punctuation) take two, combining marks none, everything else one."""
    if text.isascii():  # the common case, and a workbook of a million rows measures every cell
        return len(text)
    return _wide_text_width(text)


@functools.cache  # a table of 10,000 rows asks about the same few hundred characters millions of times
def char_width(char: str) -> int:
    import unicodedata

    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


@functools.lru_cache(maxsize=65536)  # the same names (orgs, groups, units) fill whole columns
def _wide_text_width(text: str) -> int:
    return sum(map(char_width, text))
