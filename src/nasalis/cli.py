"""The `nasalis` command: a thin Typer app over the domain packages.

It starts fast: this module and the command modules import only typer and the standard library;
each command loads what it uses when it runs (tests/cli/test_startup.py, bench/cli_bench.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from nasalis import __version__
from nasalis.commands import (
    admin,
    assess,
    backup_restore,
    cycles,
    diary,
    experiment,
    import_export,
    insights,
    phone,
    reminders,
    report,
    scores,
    treatment,
    video,
)
from nasalis.commands.common import DbOption, command_group, error_console, fail

app = command_group("nasalis — assess, track and understand nose and facial twitching. Not a diagnosis.")
app.command("assess")(assess.assess_command)
app.command("learn")(assess.learn_command)
app.command("log")(diary.log_command)
app.command("day")(diary.day_command)
app.command("diary")(diary.diary_command)
app.command("note")(diary.note_command)
app.command("undo")(diary.undo_command)
app.add_typer(diary.med_app, name="med")
app.command("import")(import_export.import_command)
app.command("export")(import_export.export_command)
app.command("insights")(insights.insights_command)
app.command("cycles")(cycles.cycles_command)
app.add_typer(experiment.app, name="experiment")
app.command("report")(report.report_command)
app.add_typer(scores.app, name="score")
app.add_typer(video.app, name="video")
app.command("worker")(video.worker_command)
app.command("backup")(backup_restore.backup_command)
app.command("restore")(backup_restore.restore_command)
app.command("phone")(phone.phone_command)
app.add_typer(reminders.app, name="reminders")
app.add_typer(admin.app, name="admin")
app.add_typer(treatment.app, name="treatment")


def proxy_options(trusted: list[str]) -> dict[str, Any]:
    """uvicorn's proxy settings: forwarded headers believed from these addresses only, else from none."""
    # uvicorn's own default believes any process on loopback, which could then pose as HTTPS
    # (and so get Secure cookies sent over plain HTTP) or as another client's address.
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(trusted)}


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (server mode).")] = 1,
    accounts: Annotated[
        bool | None,
        typer.Option(
            "--accounts/--no-accounts",
            help="Sign-in and one diary per account; on by default for a non-loopback host.",
            show_default=False,
        ),
    ] = None,
    signup: Annotated[
        bool, typer.Option("--signup/--no-signup", help="Let anyone create an account.")
    ] = True,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name (or name:port) people's browsers use for this server; repeat for more."
            " --host itself is always allowed, and in personal mode the loopback names.",
            show_default=False,
        ),
    ] = None,
    proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--proxy",
            help="Address (or network) of the TLS reverse proxy in front, e.g. 127.0.0.1 for Caddy on this"
            " machine: only its X-Forwarded-Proto and X-Forwarded-For are believed; repeat for more."
            " Default: none (also NASALIS_TRUSTED_PROXIES).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="Log one JSON object per line (also NASALIS_LOG_JSON=1).")
    ] = False,
) -> None:
    """Open the web app on http://HOST:PORT (personal mode on loopback, accounts otherwise)."""
    import os

    import uvicorn

    from nasalis import log_setup
    from nasalis.config import Settings, bad_proxies, describe_db, is_loopback, is_unspecified
    from nasalis.diary.reminder_mail import settings_problem
    from nasalis.diary.store import StoreError, resolve_url
    from nasalis.web.app import create_app

    loopback = is_loopback(host)
    if accounts is False and not loopback:
        fail(
            "Refusing to serve health data to a network without a login.",
            [f"--no-accounts: {host} is not a loopback address; drop --no-accounts to turn accounts on"],
        )
    use_accounts = accounts if accounts is not None else not loopback
    settings = Settings(
        host=host, port=port, db_url=resolve_url(db), accounts=use_accounts, signup_open=signup
    )
    settings.log_json = log_json or settings.log_json  # the flag, else NASALIS_LOG_JSON
    log_setup.configure(settings.log_json)
    if allowed_host:  # else NASALIS_ALLOWED_HOSTS, or none
        settings.allowed_hosts = allowed_host
    if proxy:  # else NASALIS_TRUSTED_PROXIES, or none
        settings.trusted_proxies = proxy
    wrong = bad_proxies(settings.trusted_proxies)
    if wrong:
        fail("A trusted proxy must be an IP address or network.", [f"--proxy: {name!r}" for name in wrong])
    if use_accounts and not settings.allowed_hosts and is_unspecified(host):
        fail(
            "Say which host name people will use to reach this server.",
            [f"--allowed-host: {host} listens on every address, so it names none; add --allowed-host NAME"],
        )
    smtp_problem = settings_problem(settings) if settings.smtp_host else None
    if smtp_problem is not None:
        fail("The e-mail reminder settings are not safe to use.", [smtp_problem])
    try:
        app_ = create_app(settings)  # also creates or upgrades the schema once, before any worker
    except StoreError as exc:
        fail("Cannot open the diary.", [str(exc)])
    mode = "server" if use_accounts else "personal"
    log_setup.log_startup(mode, describe_db(settings.db_url), f"{host}:{port}", workers)
    # Our request lines replace uvicorn's access log; log_config=None keeps our handler for its own.
    quiet: dict[str, Any] = {
        "access_log": False,
        "log_config": None,
        **proxy_options(settings.trusted_proxies),
    }
    if workers == 1:
        uvicorn.run(app_, host=host, port=port, **quiet)
        return
    # Workers are separate processes: they build their own app from the environment.
    app_.state.store.close()
    os.environ.update(
        NASALIS_DB_URL=settings.db_url,
        NASALIS_ACCOUNTS=str(use_accounts).lower(),
        NASALIS_SIGNUP_OPEN=str(signup).lower(),
        NASALIS_HOST=host,
        NASALIS_PORT=str(port),
        NASALIS_ALLOWED_HOSTS=",".join(settings.allowed_hosts),
        NASALIS_LOG_JSON=str(settings.log_json).lower(),
        NASALIS_TRUSTED_PROXIES=",".join(settings.trusted_proxies),
    )
    uvicorn.run("nasalis.web.app:app_from_env", factory=True, host=host, port=port, workers=workers, **quiet)


@video.app.command("annotate")
def annotate_command(
    clip: Annotated[Path, typer.Argument(help="The clip to mark: MP4, MOV, WebM or AVI.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="The truth file to write (default: beside the clip, same name, .json)."
            " An existing one is loaded to be edited, and kept as NAME.bak when replaced.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the page's address; do not open a browser.")
    ] = False,
) -> None:
    """Mark the twitches in a clip by hand, on a page in the browser, and save them as a truth file.

    The truth file has the generator's format (tools/twitchclips), so
    `python -m bench.video_bench --truth FOLDER` scores the detector on real recordings.
    """
    import webbrowser

    from nasalis.web.annotate_app import AnnotateError, listen, open_session, serve

    target = out if out is not None else clip.with_suffix(".json")
    try:
        session = open_session(clip, target)
        sock = listen(port)
    except AnnotateError as exc:
        fail("Nothing was opened.", [str(exc)])
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    typer.echo(f"Marking {clip.name}: open {url} (Ctrl+C here stops, after you have saved).")
    typer.echo(f"Truth file: {target}")
    if not no_browser:
        webbrowser.open(url)
    serve(session, sock)


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except Exception as exc:
        if "sqlalchemy" not in sys.modules:
            raise  # no command that touched a database ran, so this is no database failure
        from sqlalchemy.exc import InterfaceError, OperationalError

        if not isinstance(exc, OperationalError | InterfaceError):
            raise
        # Every write is one transaction: when the database fails mid-way, nothing was saved.
        reason = " ".join((str(exc.orig) if exc.orig is not None else str(exc)).split())
        err = error_console()
        err.print("[bold red]The diary could not be read or written; nothing was saved.[/bold red]")
        err.print(f"  - {reason}", markup=False, highlight=False)
        raise SystemExit(1) from None
