"""`nasalis experiment`: plan, follow and analyse an N-of-1 experiment."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, date_option, fail, store_for
from nasalis.diary.store import Store
from nasalis.insights import running

app = typer.Typer(
    help="N-of-1 experiments: test a suspected trigger in randomised weeks.", no_args_is_help=True
)


def reminder(store: Store, today: dt.date | None = None) -> str | None:
    """Today's instruction of the running experiment, if there is one."""
    with store.read() as session:
        return running.instruction(session, store.person_id(), today or dt.date.today())


@app.command("start")
def start_command(
    title: Annotated[str, typer.Argument(help='The change to try, e.g. "no caffeine after noon".')],
    start: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default tomorrow).")
    ] = None,
    pairs: Annotated[int, typer.Option("--pairs", help="Pairs of blocks (AB or BA, drawn at random).")] = 2,
    block_days: Annotated[int, typer.Option("--block-days", help="Days per block.")] = 7,
    washout_days: Annotated[int, typer.Option("--washout-days", help="Settling-in days per block.")] = 2,
    db: DbOption = None,
) -> None:
    """Plan a randomised ABAB experiment of 1-week blocks."""
    given = date_option("--start", start, "No experiment was started.")
    first = given or dt.date.today() + dt.timedelta(days=1)
    store = store_for(db)
    try:
        with store.write() as session:
            p = running.start(session, store.person_id(), title, first, pairs, block_days, washout_days)
    except running.ExperimentError as exc:
        flags = {"title": "TITLE", "pairs/block_days/washout_days": "--pairs/--block-days/--washout-days"}
        where = flags.get(exc.field or "", "")
        fail("No experiment was started.", [f"{where}: {exc}" if where else str(exc)])
    blocks = " ".join(p.schedule)
    typer.echo(
        f"Planned '{p.title}': {p.start} to {p.end}, blocks of {p.block_days} days in the order {blocks}"
    )
    typer.echo("(B = do the change, A = live as usual; the order was drawn at random).")
    typer.echo(
        "Log every day, including days without twitches. nasalis experiment status says what today is."
    )


@app.command("status")
def status_command(db: DbOption = None) -> None:
    """What today is in the running experiment."""
    message = reminder(store_for(db))
    typer.echo(message or 'No experiment is running. Start one with: nasalis experiment start "..."')


@app.command("stop")
def stop_command(db: DbOption = None) -> None:
    """End the running experiment early."""
    store = store_for(db)
    try:
        with store.write() as session:
            stopped = running.stop(session, store.person_id(), dt.date.today())
    except running.ExperimentError as exc:
        fail("Nothing was stopped.", [str(exc)])
    typer.echo(f"Stopped '{stopped.title}'. nasalis undo takes that back.")


@app.command("result")
def result_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The result of every experiment: B against A, with a 95% interval and a plain verdict."""
    store = store_for(db)
    today = dt.date.today()
    with store.read() as session:
        results = running.load_results(session, store.person_id(), today)
    if as_json:
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
        return
    if not results:
        typer.echo("No experiments yet.")
    for r in results:
        effect = "not enough days yet"
        if r["rate_ratio"] is not None:
            interval = f"{r['ci_low']:.2f}-{r['ci_high']:.2f}"
            effect = f"twitches x{r['rate_ratio']:.2f} with the change (95% interval {interval})"
        typer.echo(
            f"{r['title']} ({r['start']} to {r['end']}): {r['verdict']} — {effect}; "
            f"{r['days_b']} change days and {r['days_a']} usual days counted."
        )
