"""Text tables drawn fast, row by row: display widths that know Chinese, wrapping that never splits an
id, a date or a number, and the box styles of Rich's tables, without Rich's per-cell cost."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from sytrack.visible import char_width, display_width

# Rich's box styles, as its tables draw them: (top, header row, header rule, row, bottom) as
# (left, fill, between, right) each. HEAVY_HEAD is Rich's default; SIMPLE_HEAD has only a rule.
BOXES = {
    "heavy_head": ("┏━┳┓", "┃ ┃┃", "┡━╇┩", "│ ││", "└─┴┘"),
    "simple_head": ("    ", "    ", " ── ", "    ", "    "),
    "ascii": ("+-++", "| ||", "|-+|", "| ||", "+-++"),
    "ascii_simple": ("    ", "    ", " -- ", "    ", "    "),
}
STYLES = {"bold": "1", "dim": "2", "green": "32", "yellow": "33", "red": "31", "cyan": "36", "blue": "34"}


class GridColumn(NamedTuple):
    header: str
    justify: str = "left"  # or "right"
    wrap: int = 0  # 0: never wraps (ids, dates, numbers); else wraps at spaces and between Chinese
    # characters, the columns of wrap 1 giving way first when the table is too wide, then 2, ...
    drop: int = 0  # 0: always shown; else dropped, lowest first, when the terminal is too narrow
    style: str = ""


class Cell(NamedTuple):
    text: str
    style: str = ""


# Chinese line-breaking rules (禁则): these never begin a line, those never end one.
_NO_LINE_START = set("，。、；：？！）》」』】〉”’%％·…")
_NO_LINE_END = set("（《「『【〈“‘")


def _words(line: str) -> Iterator[str]:
    """Pieces a line may break between: runs of Latin text with the space before them, and single
    Chinese characters (Chinese breaks between any two), closing punctuation kept with what it
    closes and opening punctuation with what it opens."""
    piece = ""
    for char in line:
        if char in _NO_LINE_START or (piece and piece[-1] in _NO_LINE_END):
            piece += char
        elif char == " " or char_width(char) == 2:
            if piece:
                yield piece
            piece = char
        else:
            if piece and char_width(piece[-1]) == 2:
                yield piece
                piece = ""
            piece += char
    if piece:
        yield piece


def _fold(word: str, width: int) -> Iterator[str]:
    """A single word longer than the column: cut by width, the last resort."""
    part, used = "", 0
    for char in word:
        w = char_width(char)
        if used + w > width and part:
            yield part
            part, used = "", 0
        part, used = part + char, used + w
    if part:
        yield part


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines at most `width` columns wide, broken at spaces or between Chinese characters,
    and inside a word only when the word alone is wider than the column."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in _words(paragraph):
            w = display_width(word)
            if used + w <= width:
                line, used = line + word, used + w
                continue
            if line.strip():
                lines.append(line.rstrip())
            word = word.lstrip(" ")
            line, used = "", 0
            for part in _fold(word, width) if display_width(word) > width else [word]:
                if used:
                    lines.append(line)
                line, used = part, display_width(part)
        lines.append(line.rstrip())
    return lines or [""]


def _longest_word(text: str) -> int:
    if text.isascii():  # Latin text breaks only at spaces (its one unbreakable mark, %, follows a word)
        return max((len(word.strip()) for line in text.split("\n") for word in line.split(" ")), default=0)
    return _longest_wide_word(text)


@functools.lru_cache(maxsize=65536)
def _longest_wide_word(text: str) -> int:
    return max((display_width(w.strip()) for line in text.split("\n") for w in _words(line)), default=0)


def layout(
    columns: Sequence[GridColumn], rows: Sequence[Sequence[Cell]], width: int | None, box: str
) -> tuple[list[int], list[int]]:
    """The shown columns (indexes) and their widths. Without a width, every column as wide as its
    content. Within one: wrapping columns give way first, down to their longest word; then columns
    are dropped by their `drop` order; cells that still do not fit fold as a last resort."""
    cell_widths = [0] * len(columns)
    shortest = [display_width(c.header) for c in columns]
    wrapping = [bool(column.wrap) for column in columns]
    for row in rows:
        for n, cell in enumerate(row):
            text = cell.text
            wide = max(map(display_width, text.split("\n"))) if "\n" in text else display_width(text)
            if wide > cell_widths[n]:
                cell_widths[n] = wide
            if wrapping[n] and wide > shortest[n]:  # a cell no wider than the shortest has no longer word
                shortest[n] = max(shortest[n], min(_longest_word(text), 20))
    natural = [max(cells, display_width(c.header)) for cells, c in zip(cell_widths, columns)]
    for n, column in enumerate(columns):
        if not column.wrap:
            shortest[n] = natural[n]
    shown = list(range(len(columns)))
    if width is None:
        return shown, natural

    def overhead(count: int) -> int:
        return 3 * count + 1 if box in ("heavy_head", "ascii") else 2 * count + 2

    while sum(shortest[n] for n in shown) + overhead(len(shown)) > width:
        droppable = [n for n in shown if columns[n].drop]
        if not droppable:
            break
        shown.remove(min(droppable, key=lambda n: columns[n].drop))
    room = width - overhead(len(shown))
    widths = {n: natural[n] for n in shown}
    excess = sum(widths.values()) - room
    for order in sorted({columns[n].wrap for n in shown if columns[n].wrap}):
        wrapping = [n for n in shown if columns[n].wrap == order]
        while excess > 0:
            # Within one order, the column with the most to give gives: they narrow together.
            widest = max(wrapping, key=lambda n: widths[n] - shortest[n])
            if widths[widest] <= shortest[widest]:
                break
            widths[widest] -= 1
            excess -= 1
    if excess > 0:  # then headers wrap at their spaces ("figure before" over two lines), cells kept whole
        excess = _wrap_headers(columns, cell_widths, shown, widths, excess)
    if excess > 0:  # the last resort: fold the widest columns
        _fold_widest(shown, widths, excess)
    return shown, [widths[n] for n in shown]


def _fold_widest(shown: Sequence[int], widths: dict[int, int], excess: int) -> None:
    for n in sorted(shown, key=lambda n: -widths[n]):
        give = min(excess, widths[n] - 4)
        if give > 0:
            widths[n] -= give
            excess -= give
        if excess <= 0:
            break


def _wrap_headers(
    columns: Sequence[GridColumn], cell_widths: Sequence[int], shown: Sequence[int], widths: dict[int, int], excess: int
) -> int:
    """Narrow the columns whose header is wider than every cell, down to the header's longest word:
    the excess left."""
    for n in sorted(shown, key=lambda n: -widths[n]):
        give = min(excess, widths[n] - max(cell_widths[n], _longest_word(columns[n].header)))
        if give > 0:
            widths[n] -= give
            excess -= give
        if excess <= 0:
            break
    return excess


def _paint(text: str, style: str, colour: bool) -> str:
    if not colour or not style or not text:
        return text
    codes = ";".join(STYLES[part] for part in style.split() if part in STYLES)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def _fit(text: str, width: int, justify: str) -> str:
    pad = width - display_width(text)
    return (" " * pad + text) if justify == "right" else (text + " " * pad)


class Grid:
    """A table laid out once, then drawn line by line: `lines(rows)` may be a stream."""

    def __init__(
        self,
        columns: Sequence[GridColumn],
        widths: Sequence[int],
        shown: Sequence[int],
        box: str = "heavy_head",
        colour: bool = False,
    ) -> None:
        self.columns, self.widths, self.shown, self.colour = columns, list(widths), list(shown), colour
        self.box = BOXES[box]
        self.simple = box in ("simple_head", "ascii_simple")

    @classmethod
    def fitted(
        cls,
        columns: Sequence[GridColumn],
        rows: Sequence[Sequence[Cell]],
        width: int | None,
        box: str = "heavy_head",
        colour: bool = False,
    ) -> Grid:
        shown, widths = layout(columns, rows, width, box)
        return cls(columns, widths, shown, box, colour)

    @property
    def width(self) -> int:
        return sum(self.widths) + (2 * len(self.widths) + 2 if self.simple else 3 * len(self.widths) + 1)

    def _rule(self, parts: str) -> str:
        left, fill, between, right = parts
        if self.simple:
            return (" " + fill * (self.width - 2)).rstrip() if fill.strip() else ""
        return left + between.join(fill * (w + 2) for w in self.widths) + right

    def _line(self, texts: Sequence[str], styles: Sequence[str], parts: str) -> str:
        left, _, between, right = parts
        cells = [
            _paint(_fit(text, width, self.columns[n].justify), style, self.colour)
            for text, width, style, n in zip(texts, self.widths, styles, self.shown)
        ]
        if self.simple:
            return (" " + "".join(f" {cell} " for cell in cells)).rstrip()
        return left + " " + f" {between} ".join(cells) + " " + right

    def _row_lines(self, row: Sequence[Cell], parts: str) -> Iterator[str]:
        texts = [row[n].text if n < len(row) else "" for n in self.shown]
        styles = [(row[n].style or self.columns[n].style) if n < len(row) else "" for n in self.shown]
        if all("\n" not in text and display_width(text) <= width for text, width in zip(texts, self.widths)):
            yield self._line(texts, styles, parts)  # most rows: one line each, nothing to wrap
            return
        wrapped = [
            [text] if "\n" not in text and display_width(text) <= width else wrap(text, width)
            for text, width in zip(texts, self.widths)
        ]
        height = max(map(len, wrapped))
        for k in range(height):
            yield self._line([lines[k] if k < len(lines) else "" for lines in wrapped], styles, parts)

    def header(self) -> Iterator[str]:
        top, head, rule, _, _ = self.box
        if not self.simple:
            yield self._rule(top)
        yield from self._row_lines([Cell(c.header, "bold") for c in self.columns], head)
        yield self._rule(rule)

    def body(self, rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
        row_parts = self.box[3]
        for row in rows:
            yield from self._row_lines(row, row_parts)

    def footer(self) -> Iterator[str]:
        if not self.simple:
            yield self._rule(self.box[4])

    def lines(self, rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
        yield from self.header()
        yield from self.body(rows)
        yield from self.footer()

    def spanning(self, text: str, style: str = "") -> Iterator[str]:
        """A row across the whole table (a group's name above its members)."""
        left, _, _, right = self.box[3]
        inner = self.width - 4
        for line in wrap(text, inner):
            yield f"{left} {_paint(_fit(line, inner, 'left'), style, self.colour)} {right}"


def centred(text: str, width: int) -> str:
    """A title centred over a table `width` columns wide, as Rich places it."""
    pad = max(0, width - display_width(text))
    return (" " * (pad // 2) + text).rstrip()


class Screen(NamedTuple):
    """Where a table is drawn: its width (None: as wide as its content), colour, ASCII only."""

    width: int | None = None
    colour: bool = False
    ascii_only: bool = False
    terminal: bool = False

    def box(self, simple: bool = False) -> str:
        if self.ascii_only:
            return "ascii_simple" if simple else "ascii"
        return "simple_head" if simple else "heavy_head"
