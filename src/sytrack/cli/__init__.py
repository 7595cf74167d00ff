"""The sytrack command line: a thin Typer shell over the domain modules, one module per family of commands."""

from sytrack.cli import db, drafts, records, reports, targets  # noqa: F401 - importing registers the commands
from sytrack.cli.app import app, main

__all__ = ["app", "main"]
