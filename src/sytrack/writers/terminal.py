"""Rich renderables onto a terminal or, plain, onto a pipe."""

from __future__ import annotations

import io
from typing import IO, Any


def print_rich(renderable: Any, out: IO[str], *, terminal: bool, width: int | None = None) -> None:
    """Print a Rich renderable: fitted to a terminal; for a pipe, plain, as wide as its content
    (or as COLUMNS says, `width`), and without the padding Rich adds at the ends of lines."""
    from rich.console import Console

    if terminal:
        Console(file=out).print(renderable)
        return
    # Not a terminal: no colour, and no wrapping or truncation whatever terminal is attached elsewhere.
    if width is None:
        measuring = Console(width=100_000, color_system=None, force_terminal=False)
        width = max(measuring.measure(renderable).maximum, 1)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        no_color=True,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    console.print(renderable, crop=False)
    out.writelines(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
