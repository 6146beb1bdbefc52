"""The `nasalis` command: a thin Typer app over the domain packages."""

from __future__ import annotations

from typing import Annotated

import typer

from nasalis import __version__
from nasalis.commands import assess, diary, experiment, insights, interchange
from nasalis.commands.common import DbOption, fail
from nasalis.config import Settings, is_loopback
from nasalis.diary.store import StoreError, resolve_url

app = typer.Typer(
    help="nasalis — assess, track and understand nose and facial twitching. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("assess")(assess.assess_command)
app.command("learn")(assess.learn_command)
app.command("log")(diary.log_command)
app.command("day")(diary.day_command)
app.command("diary")(diary.diary_command)
app.command("note")(diary.note_command)
app.command("undo")(diary.undo_command)
app.add_typer(diary.med_app, name="med")
app.command("import")(interchange.import_command)
app.command("export")(interchange.export_command)
app.command("insights")(insights.insights_command)
app.add_typer(experiment.app, name="experiment")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Open the web app on http://HOST:PORT (personal mode on loopback)."""
    import uvicorn

    from nasalis.web.app import create_app

    if not is_loopback(host):
        fail(
            "Refusing to serve health data to a network without a login.",
            [f"{host} is not a loopback address; accounts (server mode) are not built yet"],
        )
    settings = Settings(host=host, port=port, db_url=resolve_url(db))
    try:
        app_ = create_app(settings)
    except StoreError as exc:
        fail("Cannot open the diary.", [str(exc)])
    typer.echo(f"nasalis on http://{host}:{port} — diary: {settings.db_url}")
    uvicorn.run(app_, host=host, port=port)


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
