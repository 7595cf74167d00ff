"""The sytrack command line: a thin Typer shell over the domain modules, one module per family of commands."""

# Importing registers the commands, in the order `sytrack --help` lists them.
from sytrack.cli import targets, drafts, records, reports, orgs, cycle, db  # noqa: F401, I001
from sytrack.cli.app import app, main

__all__ = ["app", "main"]
