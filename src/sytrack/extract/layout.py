"""Layout: a plan's text -> blocks of prose, each with its source lines, group name and reporting year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sytrack.extract.lexicon import FULL_WIDTH, LIST_ITEM, PAST_HEADING, TERMINAL
from sytrack.extract.numbers import spell_fractions

# One item of the text's layout: ("heading", (level, title)), ("para", [(raw line, line number), ...]),
# or ("title", line): a plain-text title, a line standing alone with no punctuation (我国森林覆盖率提高至24.1%).
# The payload's type follows from the kind, which a type checker cannot see through a tuple: hence Any.
Item = tuple[str, Any]
# A title restates what its section says, as a Markdown heading does; it is not read for targets either.
# It names no group: a photo caption (本报记者 万重 摄) has the same shape.
_TITLE = re.compile(r"[^,。;:!?…]{1,40}")


@dataclass
class Block:
    text: str
    lines: list[int]  # the source line of each character of text
    group_name: str
    past_year: int | None  # set when the section reports an earlier year (2022“成绩单”, 盘点成绩)


def clean_line(line: str) -> str:
    line = spell_fractions(line.translate(FULL_WIDTH).rstrip())
    return LIST_ITEM.sub("", line).replace("**", "").replace("__", "")


def bold_lead(line: str) -> str:
    """The bolded project name a paragraph opens with, cut at its first comma (实施产业链提升工程)."""
    match = re.match(r"^\s*\*\*(.+?)\*\*", line.translate(FULL_WIDTH))
    return re.split(r"[,。;:]", match.group(1).strip())[0].strip() if match else ""


def layout_items(text: str) -> list[Item]:
    """Headings and paragraphs, in order; a list item is a paragraph of its own."""
    items: list[Item] = []
    paragraph: list[tuple[str, int]] = []

    def flush() -> None:
        if len(paragraph) == 1 and _TITLE.fullmatch(clean_line(paragraph[0][0]).strip()):
            items.append(("title", paragraph[0][0]))
        elif paragraph:
            items.append(("para", list(paragraph)))
        paragraph.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            flush()
        elif heading := re.match(r"^(#{1,6})\s+(.*)$", stripped):
            flush()
            items.append(("heading", (len(heading.group(1)), clean_line(heading.group(2)).strip())))
        elif LIST_ITEM.match(stripped):
            flush()
            items.append(("para", [(line, number)]))
        else:
            paragraph.append((line, number))
    flush()
    return items


def _is_broken(parts: list[tuple[str, int]]) -> bool:
    """A prose paragraph that stops mid-sentence (no terminal mark, at least one comma)."""
    joined = "".join(clean_line(part) for part, _ in parts)
    return bool(joined) and joined[-1] not in TERMINAL and "," in joined and not LIST_ITEM.match(parts[0][0])


def join_broken_paragraphs(items: list[Item]) -> list[Item]:
    """A prose paragraph that stops mid-sentence continues in the next one, even across a heading
    the page layout dropped in between; the heading then applies after the joined paragraph."""
    merged: list[Item] = []
    index = 0
    while index < len(items):
        kind, payload = items[index]
        index += 1
        if kind != "para":
            merged.append((kind, payload))
            continue
        parts, deferred = list(payload), []
        while _is_broken(parts):
            look = index
            while look < len(items) and items[look][0] != "para":
                look += 1
            if look >= len(items) or LIST_ITEM.match(items[look][1][0][0]):
                break
            deferred.extend(items[index:look])
            parts.extend(items[look][1])
            index = look + 1
        merged.append(("para", parts))
        merged.extend(deferred)
    return merged


def _past_year(headings: list[tuple[int, str]], plan_year: int) -> int | None:
    """The earlier year a section reports on, from its headings (2022年成绩单, 盘点成绩)."""
    past_year = None
    for _, title in headings:
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", title)]
        if years and max(years) < plan_year:  # 2022年成绩单, but not 三年行动计划(2023-2025年)
            past_year = min(years)
        elif PAST_HEADING.search(title) and past_year is None:
            past_year = plan_year - 1
    return past_year


def layout_blocks(text: str, plan_year: int) -> list[Block]:
    """The text's prose blocks, each under the headings and bold project name in force."""
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    lead = ""
    for kind, payload in join_broken_paragraphs(layout_items(text)):
        if kind == "title":
            continue
        if kind == "heading":
            level, title = payload
            headings = [h for h in headings if h[0] < level] + [(level, title)]
            lead = ""
            continue
        lead = bold_lead(payload[0][0]) or lead
        chars: list[str] = []
        lines: list[int] = []
        for raw, number in payload:
            cleaned = clean_line(raw).strip()
            chars.append(cleaned)
            lines.extend([number] * len(cleaned))
        group_name = lead or (headings[-1][1] if headings else "")
        blocks.append(Block("".join(chars), lines, group_name, _past_year(headings, plan_year)))
    return blocks
