"""Every option and argument that more than one command takes, declared once as an Annotated alias."""

from __future__ import annotations

import datetime as dt
import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from sytrack.errors import SytrackError


class Format(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    xlsx = "xlsx"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class FailOn(str, Enum):
    behind = "behind"
    off_track = "off-track"
    missed = "missed"


class SortBy(str, Enum):
    catalogue = "catalogue"
    status = "status"


def _date(text: str) -> dt.date:
    """An option's date, or bad usage (exit 2): the same rule as every other option value."""
    from sytrack.values import parse_date

    try:
        return parse_date(text)
    except SytrackError as error:
        raise typer.BadParameter(error.message) from None


def _period_start(text: str) -> dt.date:
    """A period's first day (`--since 2023-Q2` starts on 1 April), or bad usage."""
    from sytrack.values import parse_period_start

    try:
        return parse_period_start(text)
    except SytrackError as error:
        raise typer.BadParameter(error.message) from None


def _completion_catalogue(ctx: typer.Context):
    """The catalogue the command line names, for completion; None when it cannot be read."""
    from sytrack.catalogue import load_catalogue, locate_catalogue

    try:
        located = locate_catalogue(ctx.find_root().params.get("catalog"), os.environ.get("SYTRACK_CATALOG"), Path.cwd())
        return load_catalogue(located.path)
    except Exception:  # noqa: BLE001 - completion runs inside the user's shell and must never print an error
        return None


def complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    catalogue = _completion_catalogue(ctx)
    if catalogue is None:
        return []
    return [(i.id, i.name_zh) for i in catalogue.indicators if i.id.startswith(incomplete)]


def complete_groups(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    catalogue = _completion_catalogue(ctx)
    if catalogue is None:
        return []
    return [(g.id, g.name_zh) for g in catalogue.groups if g.id.startswith(incomplete)]


def complete_orgs(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """`--org tie<TAB>` completes the catalogue's org ids (each shown with its Chinese name)."""
    catalogue = _completion_catalogue(ctx)
    if catalogue is None:
        return []
    return [(o.id, o.name_zh) for o in catalogue.orgs if o.id.startswith(incomplete)]


def complete_statuses(incomplete: str) -> list[str]:
    """`--status on-track,beh<TAB>` completes the last of the comma-separated statuses."""
    from sytrack.model import STATUSES

    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [prefix + status for status in STATUSES if status.startswith(last)]


# Global options: given before the command (`sytrack --catalog X status`).
CatalogOption = Annotated[
    str | None,
    typer.Option(
        "--catalog",
        "-c",
        metavar="PATH",
        help="The catalogue to use (else SYTRACK_CATALOG, else indicators.toml here or above, else the packaged one).",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH|URL",
        help="The data file or postgresql:// URL to use (else SYTRACK_DB, else next to the catalogue).",
    ),
]
# The global options that take a value, for the start-up fast path in `app.main`; a test holds
# this equal to what the root callback declares.
GLOBAL_VALUE_OPTIONS = ("--catalog", "-c", "--db")

# Reports.
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table for people; csv, tsv, json, jsonl, markdown for tools; "
        "xlsx (with -o FILE) for Excel.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write the report to FILE (atomically) instead of standard output; FILE.xlsx, .csv ... pick that format.",
    ),
]
ExcelOption = Annotated[
    bool, typer.Option("--excel", help="CSV/TSV: start with the byte-order mark Excel needs for Chinese text.")
]
LangOption = Annotated[
    Lang | None, typer.Option("--lang", help="Language of names: zh or en (default: the catalogue's).")
]

# What to judge, and when.
AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        parser=_date,
        help="Judge as things stood on this date, from the recorded history "
        "(2023-06-30, 2023-06, 2023-Q2, 2023-H1, 2023). Default: today.",
    ),
]
DateOption = Annotated[
    dt.date | None,
    typer.Option(
        "--date",
        "-d",
        metavar="DATE",
        parser=_date,
        help="As-of date: 2023-06-30, 2023-06, 2023-Q2, 2023-H1 or 2023 (the period's last day). Default: today.",
    ),
]
AsKnownOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-known",
        metavar="DATE",
        parser=_date,
        help="Count only what had been recorded by the end of this date (in the plan's timezone, else "
        "UTC): later values, revisions and retractions are ignored, so a past report comes out "
        "as it was. A command that takes --as-of defaults it to this date.",
    ),
]
GroupOption = Annotated[
    str | None,
    typer.Option("--group", "-g", metavar="GROUP", autocompletion=complete_groups, help="Only this group (its id)."),
]
TargetYearOption = Annotated[
    int | None,
    typer.Option(
        "--target-year",
        metavar="YEAR",
        help="Judge against the target due in this year (e.g. 2025) instead of the current one.",
    ),
]
SinceOption = Annotated[
    dt.date | None,
    typer.Option(
        "--since",
        metavar="DATE",
        parser=_period_start,
        help="Only records made on or after this date (2023-06-30; a period means its first day).",
    ),
]

# Indicators and records.
IdArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        autocompletion=complete_ids,
        help="The indicator's id, e.g. 5g-base-stations (see `sytrack list`).",
    ),
]
OrgOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        autocompletion=complete_orgs,
        help="A district or department (its id or name, see the catalogue's [[org]]); "
        "without it, the city's own figure.",
    ),
]
OrgRecordsOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        autocompletion=complete_orgs,
        help="Only the records of this district or department (its id or name); --org '' the city's own. "
        "Default: every record.",
    ),
]
OrgJudgedOption = Annotated[
    str | None,
    typer.Option(
        "--org",
        metavar="ORG",
        autocompletion=complete_orgs,
        help="This district or department (its id or name): its figure against its allocation, and the "
        "roll-up of the orgs under it. Default: the city.",
    ),
]
ByOption = Annotated[str | None, typer.Option("--by", help="Who records it (default: your login name).")]
NoteOption = Annotated[str, typer.Option("--note", "-m", help="Why: e.g. 'revised by the bureau'.")]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Refuse a value far outside the indicator's expected range (see docs/progress.md) "
        "instead of recording it with a warning.",
    ),
]
