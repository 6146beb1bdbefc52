"""`nasalis import` and `nasalis export`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nasalis.commands.common import DbOption, fail, store_for, write_whole
from nasalis.wording import plural

if TYPE_CHECKING:
    from nasalis.diary.bundle import Bundle
    from nasalis.diary.importer import ImportResult


def import_command(
    path: Annotated[
        Path,
        typer.Argument(help="A folder with episodes.csv/days.csv, one of them, or a .json bundle."),
    ],
    db: DbOption = None,
) -> None:
    """Import a diary; all or nothing, and what is already there is not added twice."""
    from nasalis.diary.bundle import InterchangeError
    from nasalis.diary.importer import import_bundle
    from nasalis.diary.interchange import read_any

    try:
        bundle = read_any(path)
    except InterchangeError as exc:
        fail("Nothing was imported:", [str(exc)])
    store = store_for(db)
    result = import_bundle(store, store.person_id(), bundle, label=f"import of {path.name}")
    typer.echo(f"{imported_summary(result)} nasalis undo takes the whole import back.")


def imported_summary(result: ImportResult) -> str:
    """What an import added and what was already there, in words that agree with the numbers."""
    added = [plural(result.episodes_added, "episode"), plural(result.days_added, "day")]
    added += [plural(n, one, many) for n, one, many in result.extras_added]
    skipped = f"{plural(result.episodes_skipped, 'episode')} and {plural(result.days_skipped, 'day')}"
    return f"Imported {_listed(added)} ({skipped} were already there)."


def counted(diary: Bundle, with_extras: bool) -> str:
    """How much an export wrote: episodes and days, and for a bundle its medicines, notes and so on."""
    from nasalis.diary.importer import EXTRA_NOUNS

    parts = [plural(len(diary.episodes), "episode"), plural(len(diary.days), "day")]
    for key, (one, many) in EXTRA_NOUNS.items():
        # The CSV folder carries treatments too (treatments.csv), but no other extra.
        if getattr(diary.extras, key) and (with_extras or key == "treatments"):
            parts.append(plural(len(getattr(diary.extras, key)), one, many))
    return _listed(parts)


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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
    from nasalis.diary.csv_files import write_folder
    from nasalis.diary.json_writer import write_bundle
    from nasalis.diary.transfer import diary_of

    if format_ is not Format.csv and out.is_dir():
        fail("Nothing was exported.", [f"--out: {out} is a folder; {format_.value} export writes a file"])
    if format_ is Format.fhir:
        export_fhir_file(out, db)
        return
    if format_ is Format.csv and out.exists() and not out.is_dir():
        fail("Nothing was exported.", [f"--out: {out} is a file; csv export writes a folder"])
    store = store_for(db)
    with store.read() as session:
        diary = diary_of(session, store.person_id())
    try:
        if format_ is Format.csv:
            write_folder(out, diary.episodes, diary.days, diary.extras.treatments)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_bundle(out, diary.episodes, diary.days, diary.extras)
    except OSError as exc:
        fail("Nothing was exported.", [f"--out: {exc}"])
    typer.echo(f"Exported {counted(diary, with_extras=format_ is Format.json)} to {out}.")


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
