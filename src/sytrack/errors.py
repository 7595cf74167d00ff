"""The errors sytrack reports to users, and problems collected while checking."""

from __future__ import annotations

from typing import NamedTuple

from sytrack.model import Where

__all__ = ["CatalogueError", "Problem", "SytrackError", "UsageError", "Where"]


class Problem(NamedTuple):
    """One thing wrong with user data, collected so a run can report all of them."""

    where: Where | None
    subject: str | None  # the indicator or group id the problem belongs to, if any
    message: str

    def __str__(self) -> str:
        prefix = "".join(f"{part}: " for part in (self.where, self.subject) if part)
        return f"{prefix}{self.message}"


class SytrackError(Exception):
    """A user-facing failure: one line of text and the exit code for it (1 = bad data)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(SytrackError):
    """The command line itself is wrong (exit code 2, as Typer's own usage errors)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


class CatalogueError(SytrackError):
    """A catalogue that cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        first = str(problems[0])
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''}; run `sytrack check`)" if more else ""
        super().__init__(first + suffix)
        self.problems = problems
