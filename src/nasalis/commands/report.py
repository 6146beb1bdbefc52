"""`nasalis report`: one page for the doctor, as PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, SinceOption, date_option, fail, store_for, write_whole
from nasalis.wording import plural


def report_command(
    out: Annotated[Path, typer.Option("--out", help="report.pdf or report.html")],
    since: SinceOption = None,
    db: DbOption = None,
) -> None:
    """Write the doctor's report: page 1 reads in a minute, then the daily table and sources."""
    # Imported here, as in every command: matplotlib and the report's templates are slow to load.
    from nasalis.report.data import gather
    from nasalis.report.render import PdfUnavailableError, to_html, to_pdf

    start = date_option("--since", since, "No report was written.")
    kind = out.suffix.lower()
    if kind not in (".pdf", ".html", ".htm"):
        fail("No report was written.", [f"--out: name a .pdf or .html file (got {out.name!r})"])
    if out.is_dir():
        fail("No report was written.", [f"--out: {out} is a folder"])
    store = store_for(db)
    with store.read() as session:
        data = gather(session, store.person_id(), start)
    html = to_html(data)
    try:
        content = to_pdf(html) if kind == ".pdf" else html.encode("utf-8")
    except PdfUnavailableError as exc:
        fail("No report was written.", [str(exc), "or write --out report.html"])
    write_whole(out, content, "No report was written.")
    typer.echo(
        f"Wrote {out} ({plural(len(data.episodes), 'twitch', 'twitches')},"
        f" {plural(data.days_with_check_in, 'day')} with a check-in)."
    )
