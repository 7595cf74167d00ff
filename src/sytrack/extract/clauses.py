"""Clauses: a block's text -> typed spans of sentences, pieces (between ;) and clauses (between , and :)."""

from __future__ import annotations

import re
from typing import NamedTuple

from sytrack.extract.layout import Block


class Span(NamedTuple):
    """A half-open range [start, end) of a block's text."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


class Place(NamedTuple):
    """Where a number sits: its block, sentence (between 。!?), piece (between ;) and clause."""

    block: Block
    sentence: Span
    piece: Span
    clause: Span

    @property
    def text(self) -> str:
        return self.block.text


def split_spans(text: str, span: Span, separators: str, protect: bool) -> list[Span]:
    """Split text[span] at separators; with protect, not inside () or “”."""
    spans, depth, begin = [], 0, span.start
    for position in range(span.start, span.end):
        char = text[position]
        if protect and char in "(“「":
            depth += 1
        elif protect and char in ")”」" and depth:
            depth -= 1
        elif char in separators and depth == 0 and not thousands_comma(text, position):
            if position > begin:
                spans.append(Span(begin, position))
            begin = position + 1
    if span.end > begin:
        spans.append(Span(begin, span.end))
    return spans


def thousands_comma(text: str, position: int) -> bool:
    """Whether the comma at `position` groups digits (41,000) rather than ending a clause."""
    return (
        text[position] == ","
        and position > 0
        and text[position - 1].isdigit()
        and re.match(r"\d{3}(?!\d)", text[position + 1 : position + 5]) is not None
    )


def long_quotes(text: str) -> list[Span]:
    """Spans of quoted speech (“...” long enough to hold a clause), as opposed to quoted labels."""
    spans = []
    for match in re.finditer(r"“([^“”]*)”", text):
        if len(match.group(1)) >= 15 and re.search(r"[,。]", match.group(1)):
            spans.append(Span(*match.span()))
    return spans


def places(block: Block):
    """Every clause of a block with its sentence and piece, in reading order, grouped by piece:
    yields (piece's places) so a reader can carry a list's verb from one clause to the next."""
    whole = Span(0, len(block.text))
    for sentence in split_spans(block.text, whole, "。!?", protect=False):
        for piece in split_spans(block.text, sentence, ";", protect=False):
            yield [
                Place(block, sentence, piece, clause) for clause in split_spans(block.text, piece, ",:", protect=True)
            ]
