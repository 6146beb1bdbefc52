"""`nasalis reminders`: send the e-mail reminders that are due (for cron; `serve` does it itself)."""

from __future__ import annotations

from typing import Annotated

import typer

from nasalis.commands.common import DbOption, command_group, fail, store_for

app = command_group("E-mail reminders of the daily check-in (server mode, NASALIS_SMTP_* settings).")


@app.command("send")
def send_command(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Act as if it were this instant (ISO 8601 with its offset, e.g. 2026-03-01T21:05+01:00);"
            " default now.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Send each opted-in person whose reminder time has passed and check-in is missing one e-mail.

    Never twice for a day, even when run twice or beside `nasalis serve`; a message the SMTP
    server refused is tried again at the next run (exit code 1 says one failed).
    """
    import datetime as dt

    from nasalis.config import Settings, app_url
    from nasalis.diary.reminder_mail import Smtp, SmtpSettingsError, send_due

    settings = Settings()
    try:
        smtp = Smtp.from_settings(settings)
    except SmtpSettingsError as exc:
        fail("No e-mail was sent: the SMTP settings are not safe to use.", [str(exc)])
    if smtp is None:
        fail("No e-mail was sent.", ["NASALIS_SMTP_HOST: set the SMTP server reminders go through"])
    now = None
    if at is not None:
        try:
            instant = dt.datetime.fromisoformat(at)
        except ValueError:
            fail("No e-mail was sent.", [f"--at: an instant like 2026-03-01T21:05+01:00, not {at!r}"])
        if instant.tzinfo is None:
            fail("No e-mail was sent.", ["--at: give the offset too, e.g. 2026-03-01T21:05+01:00"])
        now = instant.astimezone(dt.UTC).replace(tzinfo=None)
    store = store_for(db)
    try:
        done = send_due(store, smtp, app_url(settings), now)
    finally:
        store.close()
    typer.echo(f"reminders: {done.sent} sent, {done.failed} not sent (tried again next run)")
    if done.failed:
        raise typer.Exit(1)
