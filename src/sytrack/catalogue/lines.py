"""Where things are in a catalogue's text: tomllib gives no line numbers, so index tables and keys ourselves.

The index is built by a few regular-expression scans of the whole text, each linear: table headers
and keys can only start a line, and the only thing that can make a line that looks like one not
one is a multi-line string around it. Headers are indexed at once (every indicator records its
line); keys only when a problem asks where one is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from sytrack.model import Where

# A header is alone on its line (but for a comment): a line `[1]` inside a multi-line array ends
# with a comma or more values. The name's characters include the spaces around it, so that no two
# parts of the pattern compete for the same spaces: a line of a million blanks is still one pass.
_HEADER = re.compile(r"^[ \t]*(\[\[?)([A-Za-z0-9_.\-\"' \t]+)\]\]?[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_KEY = re.compile(r"^[ \t]*([A-Za-z0-9_\-]+)[ \t]*=", re.MULTILINE)
_TRIPLE_QUOTE = re.compile(r"\"\"\"|'''")
# An indicator's keys that may hold its sub-tables written inline (`target = [{...}, {...}]`).
INLINE_ARRAYS = ("target", "allocation")


def _string_lines(text: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of every run of lines that start inside a multi-line string.

    Only lines holding a triple quote can open or close one, so only those are read character by
    character; a triple quote inside a one-line string or a comment opens nothing."""
    inside: list[tuple[int, int]] = []
    open_quote, opened_on = "", 0
    line_start, line_number = 0, 1
    for match in _TRIPLE_QUOTE.finditer(text):
        if match.start() < line_start:
            continue  # on a line already read
        line_number += text.count("\n", line_start, match.start())
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end < 0 else line_end
        was_open = open_quote
        open_quote = _quote_open_after(text[line_start:line_end], open_quote)
        if open_quote and not was_open:
            opened_on = line_number
        elif was_open and not open_quote:
            inside.append((opened_on + 1, line_number))
        elif was_open and open_quote != was_open:  # closed one and opened another on this line
            inside.append((opened_on + 1, line_number))
            opened_on = line_number
        line_start = line_end + 1
        line_number += 1
    if open_quote:  # never closed: tomllib refuses the file before anyone asks
        inside.append((opened_on + 1, text.count("\n") + 1))
    return inside


def _quote_open_after(line: str, open_quote: str) -> str:
    """The delimiter of the multi-line string still open at the end of `line`, or "" (given the
    one open at its start). Quotes inside comments and one-line strings open nothing."""
    position = 0
    while position < len(line):
        if open_quote:
            close = line.find(open_quote, position)
            if close < 0:
                return open_quote
            position, open_quote = close + 3, ""
            continue
        char = line[position]
        if char == "#":
            break
        if line.startswith(('"""', "'''"), position):
            open_quote, position = line[position : position + 3], position + 3
        elif char in "\"'":
            position = _end_of_string(line, position)
        else:
            position += 1
    return open_quote


def _end_of_string(line: str, position: int) -> int:
    """The position after a one-line string starting at `position` (basic strings honour \\ escapes)."""
    quote, position = line[position], position + 1
    while position < len(line):
        if quote == '"' and line[position] == "\\":
            position += 2
            continue
        if line[position] == quote:
            return position + 1
        position += 1
    return position


def _numbered(pattern: re.Pattern, text: str, inside: list[tuple[int, int]]) -> Iterator[tuple[int, re.Match]]:
    """(line number, match) of each match of `pattern` on a line that does not start inside a
    multi-line string. Lines end at "\\n" only: TOML strings may hold U+2028 and friends."""
    line, counted_to = 1, 0
    firsts = [first for first, _ in inside]
    for match in pattern.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        run = bisect.bisect_right(firsts, line) - 1
        if run >= 0 and line <= inside[run][1]:
            continue
        yield line, match


class LineIndex:
    """Line numbers of tables (`[[indicator]]` number i, its `[[indicator.target]]` number j) and keys."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self._text = text
        self._inside = _string_lines(text)
        self.tables: dict[tuple, int] = {}
        self._headers: list[tuple[int, tuple]] = []  # (line, table) in file order
        self._keys: dict[tuple, int] | None = None
        self._index_headers()

    @classmethod
    def of(cls, path: str, text: str) -> LineIndex:
        return cls(path, text)

    def _index_headers(self) -> None:
        counts: dict[str, int] = {}
        for number, header in _numbered(_HEADER, self._text, self._inside):
            name = header.group(2).replace(" ", "").replace("\t", "").replace('"', "").replace("'", "")
            outer, dot, inner = name.partition(".")
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                if not dot:
                    table: tuple = (name, counts[name])
                    for nested in [key for key in counts if key.startswith(f"{name}.")]:
                        del counts[nested]  # a new [[indicator]] numbers its targets from 0
                else:
                    table = (outer, counts.get(outer, 0), inner, counts[name])
            else:
                table = (outer, counts.get(outer, 0), inner) if dot and outer in counts else (name,)
            self.tables.setdefault(table, number)
            self._headers.append((number, table))

    @property
    def keys(self) -> dict[tuple, int]:
        """(*table, key) -> line of every key that starts a line; read when first asked for."""
        if self._keys is None:
            self._keys = {}
            lines = [line for line, _ in self._headers]
            for number, key in _numbered(_KEY, self._text, self._inside):
                at = bisect.bisect_left(lines, number) - 1
                table = self._headers[at][1] if at >= 0 else ()
                self._keys.setdefault((*table, key.group(1)), number)
                if key.group(1) in INLINE_ARRAYS and table[:1] == ("indicator",) and len(table) == 2:
                    self.tables.setdefault((*table, key.group(1), 0), number)
        return self._keys

    def at(self, table: tuple, key: str | None = None) -> Where:
        """The line of `key` in `table` (a key or a sub-table), else of the table, else of its parent."""
        if key is not None or table not in self.tables:
            keys = self.keys  # also adds the tables written inline
            if key is not None:
                for candidate in (keys.get((*table, key)), self.tables.get((*table, key))):
                    if candidate is not None:
                        return Where(self.path, candidate)
        while table:
            if table in self.tables:
                return Where(self.path, self.tables[table])
            table = table[:-1]
        return Where(self.path, None)
