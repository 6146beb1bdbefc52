"""Options and helpers every command shares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from nasalis.diary.atomic_file import write_atomically
from nasalis.diary.records import FieldError, parse_date
from nasalis.diary.store import Store, StoreError, open_store
from nasalis.terminal.shown import printable

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

err = Console(stderr=True)


def fail(title: str, lines: list[str] | None = None) -> NoReturn:
    """Print a clear error (naming what was wrong) and exit with code 2."""
    err.print(f"[bold red]{title}[/bold red]", highlight=False)
    for line in lines or []:
        err.print(f"  - {printable(line)}", markup=False, highlight=False)  # lines quote what was typed
    raise typer.Exit(EXIT_BAD_INPUT)


def store_for(db: str | None) -> Store:
    """Open the diary named by --db / NASALIS_DB_URL / the default, or exit 2 saying why."""
    try:
        return open_store(db)
    except StoreError as exc:
        fail("Cannot open the diary.", [str(exc)])


def date_option(flag: str, raw: str | None, nothing_done: str) -> dt.date | None:
    """A date flag's value, or exit 2 naming the flag (`nothing_done` says what did not happen)."""
    try:
        return parse_date(flag, raw)
    except FieldError as exc:
        fail(nothing_done, [str(exc)])


def write_whole(out: Path, content: bytes, nothing_done: str) -> None:
    """Write a file whole or not at all (a crash leaves the old file or none, never half)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, content)
    except OSError as exc:
        fail(nothing_done, [f"--out: {exc}"])
