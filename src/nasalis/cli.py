"""The `nasalis` command: thin wrappers that parse flags and call the domain packages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nasalis import __version__
from nasalis.assessment import IntakeError, assess, parse_intake_json
from nasalis.config import Settings, is_loopback
from nasalis.knowledge import load_knowledge, search
from nasalis.terminal.assessment_view import render_result
from nasalis.terminal.interview_view import run_interview
from nasalis.terminal.learn_view import render_entry, render_index, render_matches

app = typer.Typer(
    help="nasalis — assess, track and understand nose and facial twitching. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

EXIT_BAD_INPUT = 2


def _fail(lines: list[str], title: str) -> typer.Exit:
    err.print(f"[bold red]{title}[/bold red]")
    for line in lines:
        err.print(f"  - {line}", markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command("assess")
def assess_command(
    input_: Annotated[
        str | None,
        typer.Option("--input", "-i", help="Intake JSON file, or - for standard input."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """How serious is it, what is behind it, what to do. Without --input: an interview."""
    console = Console()
    if input_ is None:
        intake = run_interview(console)
    else:
        try:
            text = sys.stdin.read() if input_ == "-" else Path(input_).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail([f"{input_}: {exc}"], "Cannot read the intake.") from None
        try:
            intake = parse_intake_json(text)
        except IntakeError as exc:
            raise _fail(exc.problems, "The intake was not assessed:") from None
    result = assess(intake)
    if as_json:
        sys.stdout.write(result.dumps())
    else:
        render_result(result, console)


@app.command("learn")
def learn_command(
    topic: Annotated[str | None, typer.Argument(help="A topic id, or words to search.")] = None,
) -> None:
    """Browse and search the knowledge base, with its sources."""
    kb = load_knowledge()
    console = Console()
    if topic is None:
        render_index(kb, console)
        return
    matches = search(topic, kb)
    exact = [e for e in matches if topic.strip().lower() in (e.id, e.name.lower())]
    if exact or len(matches) == 1:
        render_entry((exact or matches)[0], kb, console)
    elif matches:
        render_matches(topic, matches[:15], console)
    else:
        raise _fail([f"nothing matches {topic!r}; try 'nasalis learn' for all topics"], "")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="SQLAlchemy database URL.")] = None,
) -> None:
    """Open the web app on http://HOST:PORT (personal mode on loopback)."""
    import uvicorn

    from nasalis.web.app import create_app

    if not is_loopback(host):
        raise _fail(
            [f"{host} is not a loopback address; accounts (server mode) come in a later release"],
            "Refusing to serve health data to a network without a login.",
        )
    settings = Settings(host=host, port=port, db_url=db or Settings().db_url)
    uvicorn.run(create_app(settings), host=host, port=port)


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
