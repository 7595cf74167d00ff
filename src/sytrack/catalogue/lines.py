"""Where things are in a catalogue's text: tomllib gives no line numbers, so index tables and keys ourselves."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sytrack.model import Where

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _code_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) for each line that starts outside a multi-line string.

    Lines end at "\n" only: TOML strings may hold U+2028 and friends, which str.splitlines()
    would count as line ends. Quotes inside comments and one-line strings open nothing.
    """
    open_quote = ""  # '' or the delimiter of the multi-line string we are inside: \"\"\" or \'\'\'
    for number, line in enumerate(text.split("\n"), start=1):
        if not open_quote:
            yield number, line.rstrip("\r")
        position = 0
        while position < len(line):
            if open_quote:
                close = line.find(open_quote, position)
                if close < 0:
                    break
                position, open_quote = close + 3, ""
                continue
            char = line[position]
            if char == "#":
                break
            if line.startswith(('"""', "'''"), position):
                open_quote, position = line[position:position + 3], position + 3
            elif char in "\"'":
                position = _end_of_string(line, position)
            else:
                position += 1


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


class LineIndex:
    """Line numbers of tables (`[[indicator]]` number i, its `[[indicator.target]]` number j) and keys."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tables: dict[tuple, int] = {}
        self.keys: dict[tuple, int] = {}

    @classmethod
    def of(cls, path: str, text: str) -> LineIndex:
        index = cls(path)
        counts: dict[str, int] = {}
        current: tuple = ()
        for number, line in _code_lines(text):
            if header := _HEADER.match(line):
                name = header.group(2).replace(" ", "")
                if header.group(1) == "[[":
                    if name == "indicator.target":
                        counts["target"] = counts.get("target", -1) + 1
                        current = ("indicator", counts.get("indicator", 0), "target", counts["target"])
                    else:
                        counts[name] = counts.get(name, -1) + 1
                        if name == "indicator":
                            counts["target"] = -1
                        current = (name, counts[name])
                elif name == "indicator.baseline":
                    current = ("indicator", counts.get("indicator", 0), "baseline")
                else:
                    current = (name,)
                index.tables.setdefault(current, number)
            elif key := _KEY.match(line):
                index.keys.setdefault((*current, key.group(1)), number)
                if key.group(1) == "target" and current[:1] == ("indicator",):
                    index.tables.setdefault((*current, "target", 0), number)
        return index

    def at(self, table: tuple, key: str | None = None) -> Where:
        """The line of `key` in `table` (a key or a sub-table), else of the table, else of its parent."""
        if key is not None:
            for candidate in (self.keys.get((*table, key)), self.tables.get((*table, key))):
                if candidate is not None:
                    return Where(self.path, candidate)
        while table:
            if table in self.tables:
                return Where(self.path, self.tables[table])
            table = table[:-1]
        return Where(self.path, None)
