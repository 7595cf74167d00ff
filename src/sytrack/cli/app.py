"""The Typer app: global options, the one error boundary, and the console script's `main`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from sytrack import __version__
from sytrack.cli.options import GLOBAL_VALUE_OPTIONS, CatalogOption, DbOption
from sytrack.cli.session import Session
from sytrack.errors import SytrackError

HELP = """Track the numeric targets of a plan: declare them once, record values, see what is on track.

The catalogue of targets is found like git finds its repository: --catalog PATH, else the
SYTRACK_CATALOG environment variable, else indicators.toml in this folder or any parent,
else the catalogue packaged with sytrack (Shenyang's 2023 industrial plan).
`sytrack where` says which catalogue and data file are in use. Global options go before
the command: `sytrack --catalog plan.toml status`.

Exit codes: 0 ok, 1 bad data or a failed check, 2 bad usage.
"""


def fail(message: str, exit_code: int = 1) -> int:
    """Print one line on standard error; return the exit code."""
    from sytrack.visible import visible

    sys.stderr.write(f"sytrack: error: {visible(message)}\n")
    sys.stderr.flush()
    return exit_code


def _is_usage_error(error: Exception) -> bool:
    # Click's documented error interface (ClickException: exit_code, format_message, show);
    # Typer does not export the class itself.
    return isinstance(getattr(error, "exit_code", None), int) and callable(getattr(error, "format_message", None))


def _usage_line(error: Any) -> str:
    """A usage error in one line, as every other error: what is wrong and where help is."""
    message = error.format_message()
    context = getattr(error, "ctx", None)
    option = getattr(error, "option_name", None)
    if option is not None and option.split("=")[0] in (*GLOBAL_VALUE_OPTIONS, "--version"):
        message += f"; global options go before the command: `sytrack {option} ... COMMAND`"
    hint = f" (see `{context.command_path} --help`)" if context is not None else ""
    return message + hint


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """A command is short and builds up to millions of small objects that live until it ends
    (a million (date, value) pairs for `status`): Python's cycle collector would scan them again
    and again as they pile up, for nothing (a seventh of `status`), since what little is cyclic
    (an xlsx workbook, the session) lives until the end too. It runs again after the command."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _wrapped(text: str, width: int, indent: str) -> str:
    """Help text in lines of `width`, paragraph by paragraph, broken only at spaces: never inside
    `off-track` or `--as-of` as Click's wrapper would."""
    import textwrap

    wrapper = textwrap.TextWrapper(
        max(width, 20), initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
    )
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]
    return "\n\n".join(wrapper.fill(p) for p in paragraphs)


class _HelpFormatter(TyperCommand.context_class.formatter_class):  # Click's HelpFormatter, as Typer uses it
    """Click's help layout, with sytrack's wrapping."""

    def write_text(self, text: str) -> None:
        self.write(_wrapped(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max((len(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            text = _wrapped(second, self.width - self.current_indent - first_width, "").splitlines() or [""]
            if len(first) <= first_width - col_spacing:
                self.write(" " * (first_width - len(first)))
            else:
                self.write("\n" + indent + " " * first_width)
            self.write(text[0] + "\n")
            for line in text[1:]:
                self.write(f"{indent}{' ' * first_width}{line}\n")


class _Context(TyperCommand.context_class):
    formatter_class = _HelpFormatter


class SytrackCommand(TyperCommand):
    """Every command: help wrapped at spaces only."""

    context_class = _Context


def _first_sentence(text: str) -> str:
    line = " ".join(text.strip().split("\n\n")[0].split())
    end = line.find(". ")
    return line if end < 0 else line[: end + 1]


class SytrackGroup(TyperGroup):
    """The one error boundary, through Click's supported non-standalone mode: a SytrackError or a
    usage error becomes one line on standard error and its exit code (1 data, 2 usage). Its help
    lists each command with its whole first sentence, never cut with "..."."""

    context_class = _Context

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [
            (name, _first_sentence(command.help or ""))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(
        self,
        args: Any = None,
        prog_name: Any = None,
        complete_var: Any = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            with cycle_collector_paused():
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except SytrackError as error:
            code = fail(error.message, error.exit_code)
        except typer.Abort:
            code = fail("aborted", 1)
        except Exception as error:
            if not _is_usage_error(error):
                raise  # a bug: its traceback is the report
            code = fail(_usage_line(error), error.exit_code)  # type: ignore[attr-defined]
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


SETTINGS: dict[str, Any] = dict(
    name="sytrack",
    help=HELP,
    cls=SytrackGroup,
    rich_markup_mode=None,  # help text is plain: "[year|quarter]" must not vanish as markup
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app = typer.Typer(**SETTINGS)


def print_help_when_bare(ctx: typer.Context) -> None:
    """`sytrack` (or `sytrack db`) alone: the help is the answer, on stderr, exit 2 as git does 1."""
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        sys.stderr.write(ctx.get_help() + "\n")
        raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        print(f"sytrack {__version__}")
        raise typer.Exit()


# The commands that only read records: from a data file that is not there they show an empty report,
# which deserves a note (a command that writes creates the file; a refused one changes nothing).
REPORTS_FROM_THE_STORE = {"status", "show", "log", "export", "explain", "report", "rank", "remind", "diff"}


def root(
    ctx: typer.Context,
    catalog: CatalogOption = None,
    db: DbOption = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    print_help_when_bare(ctx)
    ctx.obj = Session(catalog, db)
    if ctx.invoked_subcommand in REPORTS_FROM_THE_STORE:
        ctx.call_on_close(ctx.obj.note_if_no_data_file)


app.callback(invoke_without_command=True)(root)


def command(name: str, **settings: Any) -> Callable:
    """Register a command on the app, with sytrack's help layout."""
    return app.command(name, cls=SytrackCommand, **settings)


def session(ctx: typer.Context) -> Session:
    return ctx.find_root().obj


def main() -> None:
    """The console script. Typer turns every registered command into a Click command before it
    runs one; for a command named on the line, only that one is built (start-up is most of a
    `record`). Help, completion and anything unusual go through the full app."""
    name = command_named(sys.argv[1:], {c.name for c in app.registered_commands})
    if name is None:
        app()
        return
    single = typer.Typer(**SETTINGS)
    single.callback(invoke_without_command=True)(root)
    single.registered_commands.append(next(c for c in app.registered_commands if c.name == name))
    single()


def command_named(arguments: list[str], names: set[str]) -> str | None:
    """The command a command line runs, when it is plain: global options, then a command's name."""
    import os

    if "--install-completion" in arguments or "--show-completion" in arguments or "_SYTRACK_COMPLETE" in os.environ:
        return None
    position = 0
    while position < len(arguments):
        word = arguments[position]
        if word in names:
            return word
        if word in GLOBAL_VALUE_OPTIONS:
            position += 2
        elif word.split("=")[0] in GLOBAL_VALUE_OPTIONS and "=" in word:
            position += 1
        else:
            return None  # --help, --version, or a mistake: let the full app answer
    return None
