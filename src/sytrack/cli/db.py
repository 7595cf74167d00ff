"""Commands about the data store itself: db info, db copy."""

from __future__ import annotations

from typing import Annotated

import typer

from sytrack.cli.app import SytrackCommand, SytrackGroup, app, print_help_when_bare, session
from sytrack.cli.output import say
from sytrack.cli.session import open_store

db_app = typer.Typer(
    name="db",
    help="The data store: which one is in use, and copying it to another.",
    cls=SytrackGroup,
    rich_markup_mode=None,
)
db_app.callback(invoke_without_command=True)(print_help_when_bare)
app.add_typer(db_app)


@db_app.command("info", cls=SytrackCommand)
def db_info_command(ctx: typer.Context) -> None:
    """Say which store is in use (a data file or a PostgreSQL database), its schema version, and
    how many records this plan has there. Passwords are never printed."""
    from sytrack.store import SCHEMA_VERSION

    store = session(ctx).store
    say(f"store: {store.kind} {store.location}")
    say(f"plan: {store.plan}")
    say(f"schema version: {store.schema_version()} (this sytrack writes {SCHEMA_VERSION})")
    say(f"records of this plan: {store.count()}")


@db_app.command("copy", cls=SytrackCommand)
def db_copy_command(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="LOCATION", help="A data file path or a postgresql:// URL.")],
) -> None:
    """Copy this plan's every record to another store (SQLite to PostgreSQL, or back), all or nothing,
    and check the counts. The other store must not hold records of this plan yet."""
    state = session(ctx)
    source, target = state.store, open_store(to, state.catalogue.plan.id)
    copied = source.copy_to(target)
    say(f"copied {copied} records of {source.plan} from {source.location} to {target.location}")
