"""A report's columns: the machine name, the titles people read, and what kind of cell each holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str  # the machine name: CSV/TSV header and JSON key
    title_zh: str = ""
    title_en: str = ""
    kind: str = "text"  # text | number | date | bool: text cells are user text, guarded in CSV
    to_text: Callable[[Any], str] | None = None  # how a structured cell reads in CSV, TSV and Markdown

    def title(self, lang: str) -> str:
        return (self.title_zh if lang == "zh" else self.title_en) or self.key
