"""Options and helpers every command shares.

Every command module is imported to build `nasalis --help`, so they import only typer and the
standard library at the top; the diary, SQLAlchemy, pydantic and the rest load inside the command
that uses them (tests/cli/test_startup.py keeps it so).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

if TYPE_CHECKING:
    from rich.console import Console

    from nasalis.diary.store import Store
    from nasalis.insights.json_report import Loader, ReportT

EXIT_BAD_INPUT = 2

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLAlchemy URL of the diary (else $NASALIS_DB_URL, else a SQLite file in your data folder).",
        show_default=False,
    ),
]

SinceOption = Annotated[str | None, typer.Option("--since", help="Only days from YYYY-MM-DD.")]


class ListedGroup(typer.core.TyperGroup):
    """A command group whose list gives each command's first paragraph whole (click would cut it)."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The "Commands" section of --help: each name with its first paragraph of help."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                text = inspect.cleandoc(command.short_help or command.help or "")
                rows.append((name, " ".join(text.split("\n\n")[0].split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def command_group(help_text: str) -> typer.Typer:
    """A Typer app or sub-app with plain help, as every `nasalis` group is."""
    # Plain click help and errors (rich_markup_mode=None): Typer's Rich formatter alone takes
    # longer to load than the goal for `nasalis --help` (0.3 s). The words are the same.
    return typer.Typer(
        help=help_text, no_args_is_help=True, add_completion=False, rich_markup_mode=None, cls=ListedGroup
    )


@functools.cache
def error_console() -> Console:
    """The console on standard error that every error message goes to."""
    from rich.console import Console

    return Console(stderr=True)


def fail(title: str, lines: list[str] | None = None) -> NoReturn:
    """Print a clear error (naming what was wrong) and exit with code 2."""
    from nasalis.terminal.shown import printable

    err = error_console()
    err.print(f"[bold red]{title}[/bold red]", highlight=False)
    for line in lines or []:
        err.print(f"  - {printable(line)}", markup=False, highlight=False)  # lines quote what was typed
    raise typer.Exit(EXIT_BAD_INPUT)


def store_for(db: str | None) -> Store:
    """Open the diary named by --db / NASALIS_DB_URL / the default, or exit 2 saying why."""
    from nasalis.diary.store import StoreError, open_store

    try:
        return open_store(db)
    except StoreError as exc:
        fail("Cannot open the diary.", [str(exc)])


def date_option(flag: str, raw: str | None, nothing_done: str) -> dt.date | None:
    """A date flag's value, or exit 2 naming the flag (`nothing_done` says what did not happen)."""
    from nasalis.diary.records import FieldError, parse_date

    try:
        return parse_date(flag, raw)
    except FieldError as exc:
        fail(nothing_done, [str(exc)])


def write_whole(out: Path, content: bytes, nothing_done: str) -> None:
    """Write a file whole or not at all (a crash leaves the old file or none, never half)."""
    from nasalis.diary.atomic_file import write_atomically

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, content)
    except OSError as exc:
        fail(nothing_done, [f"--out: {exc}"])


def print_analysis(
    load: Loader[ReportT],
    render: Callable[[Console, ReportT], None],
    *,
    as_json: bool,
    since: str | None,
    db: str | None,
    nothing_done: str,
) -> None:
    """One analysis of the diary from --since, printed as its contract's JSON or drawn by `render`."""
    from rich.console import Console

    start = date_option("--since", since, nothing_done)
    store = store_for(db)
    with store.read() as session:
        report = load(session, store.person_id(), start)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    render(Console(), report)
