"""The command that drafts a catalogue from a plan's text: extract."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from sytrack.cli.app import command
from sytrack.cli.options import ExcelOption, Format, OutputOption
from sytrack.cli.output import (
    emit,
    notify,
    read_input,
    report_stream,
    tell,
    write_text_atomic,
)
from sytrack.errors import UsageError

PlanFile = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="The plan: plain text or Markdown (UTF-8), a Word document (.docx) or a PDF; - reads standard input.",
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", help="The year of targets whose sentence names none (default: the year the text names)."),
]
GroupByOption = Annotated[
    str,
    typer.Option(
        "--group-by", help="heading: group entries by the nearest heading or bold project name; none: one group."
    ),
]
PlanIdOption = Annotated[
    str | None, typer.Option("--plan-id", help="The draft's plan id (default: from the file name).")
]
DraftFormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Without it, a draft catalogue (TOML); with it, the drafts as a report to review: "
        "table, csv, tsv, json, jsonl, markdown, xlsx.",
    ),
]


@command("extract")
def extract_command(
    file: PlanFile,
    year: YearOption = None,
    group_by: GroupByOption = "heading",
    plan_id: PlanIdOption = None,
    fmt: DraftFormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
) -> None:
    """Draft a catalogue from a plan's text: one indicator per quantified target, with the sentence it
    came from. Entries the rules are unsure of carry a doubt; numbers that look like context (a
    2022 result, a count of actions) are listed at the end, commented out. Review, then `sytrack check`.
    """
    from sytrack.extract import GROUP_BY, KINDS, extract, plan_text
    from sytrack.views.drafts import DRAFT_COLUMNS, draft_rows, drafts_table

    if group_by not in GROUP_BY:
        raise UsageError(f"--group-by must be one of {', '.join(GROUP_BY)}")
    data, _ = read_input(file, "stdin")
    text, kind = plan_text(data, file)
    if kind in ("docx", "pdf"):  # text is read as it is; a converted file says what it was read as
        notify(f"read {'standard input' if file == '-' else file} as {KINDS[kind]}")
    drafts = extract(text, year, group_by)
    if fmt is None:
        write_draft_catalogue(drafts, text, file, plan_id, output)
        return
    emit(
        draft_rows(drafts), DRAFT_COLUMNS, fmt, output, excel, lambda rows, _: drafts_table(rows, file), sheet="drafts"
    )


def write_draft_catalogue(drafts: list, text: str, file: str, plan_id: str | None, output: Path | None) -> None:
    """The draft catalogue, on stdout or into `output`; its plan id from --plan-id or the file's name."""
    from sytrack.extract import draft_to_toml, plan_title

    name = "stdin" if file == "-" else Path(file).stem
    slug = plan_id or (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "draft")
    toml = draft_to_toml(drafts, slug, plan_title(text, slug), source=file)
    if output is None:
        with report_stream(None, Format.csv) as (stream, _terminal):
            stream.write(toml)
        return
    write_text_atomic(output, toml)
    tell(f"wrote {output}: {len(drafts)} drafts; review them, then `sytrack check --catalog {output}`")
