"""`nasalis admin`: what the administrator of a server-mode installation does (clinician accounts)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, command_group, fail, store_for

app = command_group("Administer a server-mode installation: clinician accounts.")
clinician_app = command_group("Clinician accounts: they read the diaries people grant them, never write.")
app.add_typer(clinician_app, name="clinician")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        fail("No clinician was added.", ["password: give --password-stdin to read it from standard input"])
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@clinician_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="The clinician's username (3-60: letters, digits, . _ -).")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a clinician account; the password is asked for (or read with --password-stdin)."""
    from nasalis.diary import accounts, clinic
    from nasalis.diary.records import FieldError

    try:
        username = accounts.check_username(name)
        password = accounts.check_password(_password(password_stdin))
    except FieldError as exc:
        fail("No clinician was added.", [str(exc)])
    password_hash = accounts.hash_password(password)
    store = store_for(db)
    try:
        with store.write() as session:
            clinic.add_clinician(session, username, password_hash)
    except FieldError as exc:
        fail("No clinician was added.", [str(exc)])
    finally:
        store.close()
    typer.echo(f"clinician {username} added: they sign in on the usual page and land on /clinic")


@clinician_app.command("list")
def list_command(db: DbOption = None) -> None:
    """List the clinician accounts and how many people grant each one access."""
    from nasalis.diary import clinic

    store = store_for(db)
    try:
        with store.read() as session:
            found = clinic.list_clinicians(session)
    finally:
        store.close()
    if not found:
        typer.echo("no clinician accounts")
    for row in found:
        typer.echo(f"{row.username}\tsince {row.created_at:%Y-%m-%d}\t{row.people} granting access")


@clinician_app.command("remove")
def remove_command(
    name: Annotated[str, typer.Argument(help="The clinician's username.")],
    db: DbOption = None,
) -> None:
    """Delete a clinician account: its sessions and grants end at once (people's audit logs stay)."""
    from nasalis.diary import clinic
    from nasalis.diary.records import FieldError

    store = store_for(db)
    try:
        with store.write() as session:
            clinic.remove_clinician(session, name.strip().lower())
    except FieldError as exc:
        fail("No clinician was removed.", [str(exc)])
    finally:
        store.close()
    typer.echo(f"clinician {name.strip().lower()} removed")
