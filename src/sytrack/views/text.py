"""User text for Rich views: never read as markup, never obeyed by the terminal."""

from __future__ import annotations

from typing import Any

from sytrack.visible import visible

__all__ = ["rich_text", "visible"]


def rich_text(value: str, style: str = "") -> Any:
    """User text for a Rich table: never read as markup, and its control characters shown, not obeyed."""
    from rich.text import Text

    return Text(visible(value), style=style)
