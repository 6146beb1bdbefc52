"""`nasalis treatment add` and `list`: botulinum toxin injections and procedures, the start of each cycle."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, command_group, fail, store_for
from nasalis.diary.records import FieldError
from nasalis.diary.vocab import TREATMENT_KINDS

app = command_group(
    "Treatments given on a day (a botulinum toxin injection, a procedure): each starts a cycle."
)

FLAG_OF = {
    "date": "--on",
    "kind": "KIND",
    "product": "--product",
    "units": "--units",
    "sites": "--sites",
    "side": "--side",
    "note": "--note",
}


def _bad(exc: FieldError) -> None:
    fail(
        "Nothing was saved.",
        [f"{FLAG_OF.get(name, name)}: {message}" for name, message in exc.errors.items()],
    )


@app.command("add")
def treatment_add(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(TREATMENT_KINDS)}.", show_default=False)],
    on: Annotated[str, typer.Option("--on", help="The day it was given, YYYY-MM-DD.", show_default=False)],
    product: Annotated[str | None, typer.Option("--product", help="e.g. 'Botox', 'Dysport'.")] = None,
    units: Annotated[str | None, typer.Option("--units", help="The dose in units, e.g. 25.")] = None,
    sites: Annotated[
        str | None, typer.Option("--sites", help="Where, comma-separated, e.g. 'eyelid,cheek'.")
    ] = None,
    side: Annotated[str | None, typer.Option("--side", help="left, right, both or middle.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Anything worth remembering.")] = None,
    db: DbOption = None,
) -> None:
    """Record a treatment; `nasalis undo` takes it back."""
    from nasalis.diary.treatment_records import build_treatment

    values = {"date": on, "kind": kind, "product": product, "units": units, "side": side, "note": note}
    if sites is not None:
        values["sites"] = ";".join(part for part in sites.split(",") if part.strip())
    try:
        rec = build_treatment({k: v for k, v in values.items() if v is not None}, text=True)
    except FieldError as exc:
        _bad(exc)
    from nasalis.diary.treatments import DuplicateTreatmentError, add_treatment, label
    from nasalis.terminal.shown import printable

    store = store_for(db)
    try:
        with store.write() as session:
            add_treatment(session, store.person_id(), rec)
    except DuplicateTreatmentError as exc:
        _bad(exc)
    typer.echo(f"Saved the {printable(label(rec))}. (nasalis undo takes it back)")


@app.command("list")
def treatment_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The treatments you have recorded, oldest first."""
    from nasalis.diary.treatment_records import treatment_json
    from nasalis.diary.treatments import list_treatments
    from nasalis.terminal.shown import printable

    store = store_for(db)
    with store.read() as session:
        listed = list_treatments(session, store.person_id())
    if as_json:
        typer.echo(
            json.dumps({"treatments": [{"id": t.id, **treatment_json(t.record)} for t in listed]}, indent=1)
        )
        return
    if not listed:
        typer.echo(
            "No treatments recorded. Add one with: nasalis treatment add botulinum_toxin --on YYYY-MM-DD"
        )
    for t in listed:
        rec = t.record
        units = f"{rec.units:g} units" if rec.units is not None else ""
        where = ", ".join(rec.sites or ())
        product, side = rec.product or "", rec.side or ""
        line = f"{t.id:>4}  {rec.date}  {rec.kind:<16} {product:<14} {units:<10} {where} {side}"
        typer.echo(printable(line.rstrip()))
