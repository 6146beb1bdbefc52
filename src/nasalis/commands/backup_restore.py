"""`nasalis backup` and `nasalis restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, fail, store_for


def backup_command(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
    db: DbOption = None,
) -> None:
    """A consistent copy of the whole diary, safe to take while the app is running."""
    from nasalis.diary.backup import BackupError, backup

    store = store_for(db)
    try:
        copied = backup(store, out)
    except BackupError as exc:
        fail("No backup was made.", [str(exc)])
    finally:
        store.close()
    typer.echo(f"Backed up {copied.total} rows ({copied.kind}) to {copied.path}.")


def restore_command(
    path: Annotated[Path, typer.Argument(help="A file written by nasalis backup.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a diary that is not empty (back it up first).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Put a backup into the diary named by --db; refuses a non-empty diary unless --force."""
    from nasalis.diary.backup import BackupError, restore
    from nasalis.diary.store import StoreError, resolve_url

    try:
        copied = restore(resolve_url(db), path, force=force)
    except (BackupError, StoreError) as exc:
        fail("Nothing was restored.", [str(exc)])
    typer.echo(f"Restored {copied.total} rows ({copied.kind}) from {copied.path}.")
