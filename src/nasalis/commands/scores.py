"""`nasalis score`: clinician-rated scores copied from a clinic letter, kept as written."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, command_group, fail, store_for

app = command_group("Scores a clinician gave you (copied from a letter); nasalis never computes them.")

FLAG_OF = {"scale": "--scale", "value": "--value", "rated_on": "--on", "rated_by": "--by", "note": "--note"}


@app.command("add")
def score_add(
    scale: Annotated[str, typer.Option("--scale", help="The scale's name, e.g. 'Hemifacial spasm grade'.")],
    value: Annotated[str, typer.Option("--value", help="The score as written, e.g. 2, 'Grade II', 14/30.")],
    on: Annotated[str, typer.Option("--on", help="The date it was rated, YYYY-MM-DD.")],
    by: Annotated[str | None, typer.Option("--by", help="Who rated it, e.g. 'Dr Okafor, neurology'.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Anything else the letter says.")] = None,
    db: DbOption = None,
) -> None:
    """Record a score from a clinic letter (undo takes it back)."""
    from nasalis.diary import clinician_scores
    from nasalis.diary.records import FieldError
    from nasalis.terminal.shown import printable

    try:
        record = clinician_scores.build_score(scale, value, on, by, "letter", note)
    except FieldError as exc:
        fail("Nothing was saved.", [f"{FLAG_OF.get(k, k)}: {m}" for k, m in exc.errors.items()])
    store = store_for(db)
    with store.write() as session:
        clinician_scores.record_score(session, store.person_id(), record)
    typer.echo(
        f"Saved {printable(record.scale)}: {printable(record.value)} on {record.rated_on}."
        " (nasalis undo takes it back)"
    )


@app.command("list")
def score_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The clinician-rated scores you have recorded, oldest first."""
    from nasalis.diary import clinician_scores
    from nasalis.terminal.shown import printable

    store = store_for(db)
    with store.read() as session:
        scores = clinician_scores.scores_of(session, store.person_id())
        shown = [clinician_scores.score_json(x) for x in scores]
    if as_json:
        sys.stdout.write(json.dumps({"clinician_scores": shown}, indent=2, ensure_ascii=False) + "\n")
        return
    if not shown:
        typer.echo("No scores recorded. Add one with: nasalis score add --scale S --value V --on YYYY-MM-DD")
    for x in shown:
        by = f"  ({printable(str(x['rated_by']))})" if x["rated_by"] else ""
        typer.echo(f"{x['rated_on']}  {printable(str(x['scale'])):<36} {printable(str(x['value'])):<12}{by}")
