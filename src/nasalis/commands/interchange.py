"""`nasalis import` and `nasalis export`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, fail, store_for, write_whole
from nasalis.diary import entries
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import InterchangeError, read_any, write_bundle, write_folder


def import_command(
    path: Annotated[
        Path,
        typer.Argument(help="A folder with episodes.csv/days.csv, one of them, or a .json bundle."),
    ],
    db: DbOption = None,
) -> None:
    """Import a diary; all or nothing, and what is already there is not added twice."""
    try:
        bundle = read_any(path)
    except InterchangeError as exc:
        fail("Nothing was imported:", [str(exc)])
    store = store_for(db)
    result = import_bundle(store, store.person_id(), bundle, label=f"import of {path.name}")
    typer.echo(
        f"Imported {result.episodes_added} episodes and {result.days_added} days"
        f" ({result.episodes_skipped} episodes and {result.days_skipped} days were already there)."
        " nasalis undo takes the whole import back."
    )


class Format(StrEnum):
    """Export formats."""

    csv = "csv"
    json = "json"
    fhir = "fhir"


def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder (csv) or file (json, fhir).")],
    format_: Annotated[Format, typer.Option("--format", help="csv, json or fhir.")] = Format.json,
    db: DbOption = None,
) -> None:
    """Export the whole diary."""
    if format_ is not Format.csv and out.is_dir():
        fail("Nothing was exported.", [f"--out: {out} is a folder; {format_.value} export writes a file"])
    if format_ is Format.fhir:
        export_fhir_file(out, db)
        return
    if format_ is Format.csv and out.exists() and not out.is_dir():
        fail("Nothing was exported.", [f"--out: {out} is a file; csv export writes a folder"])
    store = store_for(db)
    with store.read() as session:
        person = store.person_id()
        eps = [entries.episode_record(e) for e in entries.episodes_between(session, person)]
        days = [entries.day_record(d) for d in entries.days_between(session, person)]
    try:
        if format_ is Format.csv:
            write_folder(out, eps, days)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_bundle(out, eps, days)
    except OSError as exc:
        fail("Nothing was exported.", [f"--out: {exc}"])
    typer.echo(f"Exported {len(eps)} episodes and {len(days)} days to {out}.")


def export_fhir_file(out: Path, db: str | None) -> None:
    """Write the diary as a validated FHIR R4 Bundle."""
    from rich.progress import Progress

    from nasalis.report.fhir import export_fhir  # fhir.resources loads only when asked for

    store = store_for(db)
    with store.read() as session, Progress(transient=True) as bar:
        task = bar.add_task("Checking the FHIR Bundle", total=None)
        data = export_fhir(
            session,
            store.person_id(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    write_whole(out, data, "Nothing was exported.")
    typer.echo(f"Exported a FHIR R4 Bundle ({len(data):,} bytes) to {out}.")
