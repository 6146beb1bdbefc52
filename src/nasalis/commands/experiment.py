"""`nasalis experiment`: plan, follow and analyse an N-of-1 experiment."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from nasalis.commands.common import DbOption, command_group, date_option, fail, store_for
from nasalis.wording import plural

if TYPE_CHECKING:
    from nasalis.diary.store import Store

FLAGS = {
    "title": "TITLE",
    "start": "--start",
    "pairs/block_days/washout_days": "--pairs/--block-days/--washout-days",
}
"""The option a person typed for each field an experiment can be refused on."""

app = command_group("N-of-1 experiments: test a suspected trigger in randomised weeks.")


def reminder(store: Store, today: dt.date | None = None) -> str | None:
    """Today's instruction of the running experiment, if there is one."""
    from nasalis.diary import experiments as stored

    today = today or dt.date.today()
    with store.read() as session:
        if stored.current(session, store.person_id(), today) is None:
            return None  # the usual case: `nasalis log` need not load pandas and SciPy to say nothing
        from nasalis.insights import running

        said = running.instruction(session, store.person_id(), today)
    from nasalis.terminal.shown import printable

    return printable(said) if said else None  # it quotes the typed title


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
    from nasalis.insights import running
    from nasalis.terminal.shown import printable

    given = date_option("--start", start, "No experiment was started.")
    today = dt.date.today()
    first = given or today + dt.timedelta(days=1)
    store = store_for(db)
    try:
        with store.write() as session:
            p = running.start(
                session, store.person_id(), title, first, pairs, block_days, washout_days, today
            )
            planned = running.under_way(session, store.person_id(), today)
            said = running.state_sentence(planned, today) if planned else ""
    except running.ExperimentError as exc:
        where = FLAGS.get(exc.field or "", "")
        fail("No experiment was started.", [f"{where}: {exc}" if where else str(exc)])
    blocks = " ".join(p.schedule)
    typer.echo(
        f"'{printable(p.title)}' is {printable(said)}: {p.start} to {p.end},"
        f" blocks of {p.block_days} days in the order {blocks}"
    )
    typer.echo("(B = do the change, A = live as usual; the order was drawn at random).")
    typer.echo(
        "Log every day, including days without twitches. nasalis experiment status says what today is."
    )


@app.command("status")
def status_command(db: DbOption = None) -> None:
    """What today is in the planned or running experiment."""
    message = reminder(store_for(db))
    typer.echo(
        message or 'No experiment is planned or running. Start one with: nasalis experiment start "..."'
    )


def _agreed(question: str) -> bool:
    """Ask yes/no; anything but a yes, or no answer at all (end of input), is a no."""
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:
        typer.echo("")
        return False


@app.command("stop")
def stop_command(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Stop without asking.")] = False,
    db: DbOption = None,
) -> None:
    """End the planned or running experiment early (it asks first; --yes does not)."""
    from nasalis.insights import running
    from nasalis.terminal.shown import printable

    store = store_for(db)
    today = dt.date.today()
    with store.read() as session:
        found = running.under_way(session, store.person_id(), today)
        said = running.state_sentence(found, today) if found else ""
    if found is None:
        fail("Nothing was stopped.", ["no experiment is planned or running"])
    question = (
        f"Stop '{printable(found.title)}' ({printable(said)})?"
        " The days so far stay in your diary and are analysed."
    )
    if not yes and not _agreed(question):
        typer.echo("Nothing was stopped.")
        return
    try:
        with store.write() as session:
            stopped = running.stop(session, store.person_id(), today)
            ended = running.state_sentence(stopped, today)
    except running.ExperimentError as exc:
        fail("Nothing was stopped.", [str(exc)])
    typer.echo(f"'{printable(stopped.title)}' is {printable(ended)}. nasalis undo takes that back.")


@app.command("result")
def result_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The result of every experiment: B against A, with a 95% interval and a plain verdict."""
    from nasalis.insights import running
    from nasalis.terminal.shown import printable

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
        days_b, days_a = int(str(r["days_b"])), int(str(r["days_a"]))
        counted = f"{plural(days_b, 'change day')} and {plural(days_a, 'usual day')} counted"
        heading = f"{r['title']} ({r['start']} to {r['end']}, {r['status']})"
        typer.echo(printable(f"{heading}: {r['verdict']} — {effect}; {counted}."))
