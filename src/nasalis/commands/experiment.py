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
    "pairs": "--pairs",
    "block_days": "--block-days",
    "washout_days": "--washout-days",
    "planned_change": "--change",
    "weeks": "--weeks",
    "date": "--date",
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
    change: Annotated[
        float | None,
        typer.Option(
            "--change",
            help="The fall in twitches to size it for: 0.5, 0.3 or 0.2 (0.3 = 30% fewer). With it,"
            " the length and block default to the shortest plan with an 80% chance (see `size`).",
        ),
    ] = None,
    weeks: Annotated[int | None, typer.Option("--weeks", help="Length: 4, 8 or 12 weeks.")] = None,
    pairs: Annotated[
        int | None,
        typer.Option("--pairs", help="Pairs of blocks (AB or BA, at random); overrides --weeks."),
    ] = None,
    block_days: Annotated[
        int | None, typer.Option("--block-days", help="Days per block (default 7).")
    ] = None,
    washout_days: Annotated[
        int | None,
        typer.Option(
            "--washout-days", help="Settling-in days after each switch (default 2; 1 for 3-day blocks)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Plan a randomised experiment: blocks with and without the change, in random AB/BA pairs."""
    from nasalis.insights import nof1power, running
    from nasalis.terminal.shown import printable

    nothing = "No experiment was started."
    given = date_option("--start", start, nothing)
    if weeks is not None and weeks not in nof1power.WEEKS:
        fail(nothing, ["--weeks: choose 4, 8 or 12"])
    if change is not None and change not in nof1power.EFFECTS:
        fail(nothing, ["--change: choose 0.5, 0.3 or 0.2"])
    today = dt.date.today()
    first = given or today + dt.timedelta(days=1)
    store = store_for(db)
    sized: nof1power.Suggestion | None = None
    try:
        with store.write() as session:
            if pairs is None and change is not None:
                w, b = running.sized_plan(session, store.person_id(), today, change, weeks, block_days)
                block_days, pairs = b, nof1power.pairs_for(w, b)
            block_days = 7 if block_days is None else block_days
            if pairs is None:  # 0 is a choice (refused below, naming --pairs), not "unset"
                pairs = nof1power.pairs_for(weeks, block_days) if weeks and block_days > 0 else 2
            p = running.start(
                session, store.person_id(), title, first, pairs, block_days, washout_days, today, change
            )
            planned = running.under_way(session, store.person_id(), today)
            said = running.state_sentence(planned, today) if planned else ""
            if change is not None:
                table = running.power_of(running.recent_frame(session, store.person_id(), today), today)
                sized = nof1power.suggest(table, change)
    except running.ExperimentError as exc:
        where = FLAGS.get(exc.field or "", "")
        fail(nothing, [f"{where}: {exc}" if where else str(exc)])
    blocks = " ".join(p.schedule)
    typer.echo(
        f"'{printable(p.title)}' is {printable(said)}: {p.start} to {p.end},"
        f" blocks of {p.block_days} days in the order {blocks}"
    )
    typer.echo("(B = do the change, A = live as usual; the order was drawn at random).")
    if sized is not None:
        typer.echo(sized.sentence)
    typer.echo(
        "Log every day, including days without twitches. nasalis experiment status says what today is."
    )


@app.command("size")
def size_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Before starting: the chance of detecting 50%, 30% and 20% fewer twitches, by length and block."""
    from nasalis.insights import nof1power, running

    store = store_for(db)
    with store.read() as session:
        sizing = running.load_sizing(session, store.person_id(), dt.date.today())
    if as_json:
        sys.stdout.write(json.dumps(sizing, indent=2) + "\n")
        return
    v = sizing["variation"]
    assert isinstance(v, dict)
    if sizing["from_diary"]:
        typer.echo(
            f"At your own twitching: about {v['rate']:.1f} a day over {plural(v['days_used'], 'logged day')}."
        )
    else:
        typer.echo("Your diary is short, so cautious typical figures are used.")
    cells = {(r["fall"], r["weeks"], r["block_days"]): r["power"] for r in sizing["power"]}  # type: ignore[attr-defined]
    for fall in nof1power.EFFECTS:
        typer.echo(f"\n{fall:.0%} fewer twitches: chance of detecting it")
        typer.echo("          " + "".join(f"{b}-day blocks ".rjust(15) for b in nof1power.BLOCK_DAYS))
        for w in nof1power.WEEKS:
            row = "".join(f"{cells[(fall, w, b)]:.0%}".rjust(15) for b in nof1power.BLOCK_DAYS)
            typer.echo(f"{w:>2} weeks  {row}")
    typer.echo("")
    for s in sizing["suggested"]:  # type: ignore[attr-defined]
        typer.echo(s["sentence"])
    typer.echo('Start one sized for 30% fewer twitches: nasalis experiment start "..." --change 0.3')


@app.command("kept")
def kept_command(
    answer: Annotated[str, typer.Argument(help="yes or no: did you keep the change that day?")],
    on: Annotated[
        str | None, typer.Option("--date", help="The change day, YYYY-MM-DD (default today).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Answer the day's question: was the change kept? (asked on each change day; undo takes it back)."""
    from nasalis.insights import running
    from nasalis.terminal.shown import printable

    nothing = "Nothing was saved."
    if answer.strip().lower() not in ("yes", "no", "y", "n"):
        fail(nothing, [f"ANSWER: say yes or no, not {answer!r}"])
    kept = answer.strip().lower().startswith("y")
    today = dt.date.today()
    day = date_option("--date", on, nothing) or today
    store = store_for(db)
    try:
        with store.write() as session:
            e = running.record_kept(session, store.person_id(), day, kept, today)
            title = e.title
    except running.ExperimentError as exc:
        fail(nothing, [f"{FLAGS.get(exc.field or '', '--date')}: {exc}"])
    typer.echo(printable(f"'{title}': change {'kept' if kept else 'not kept'} on {day.isoformat()}."))


@app.command("status")
def status_command(db: DbOption = None) -> None:
    """What today is in the planned or running experiment."""
    store = store_for(db)
    message = reminder(store)
    typer.echo(
        message or 'No experiment is planned or running. Start one with: nasalis experiment start "..."'
    )
    if message:
        from nasalis.insights import running

        with store.read() as session:
            asks = running.asks_today(session, store.person_id(), dt.date.today())
        if asks:
            typer.echo("Did you keep the change today? Answer with: nasalis experiment kept yes (or no)")


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
    """The result of every experiment: B against A, a 95% interval, P(worthwhile) and a plain verdict."""
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
        for key in ("interim", "reading"):
            if r.get(key):
                typer.echo(printable(f"  {r[key]}"))
        pp = r.get("per_protocol")
        if isinstance(pp, dict) and pp.get("days_left_out"):
            left = f"  Per protocol (leaving out {plural(int(pp['days_left_out']), 'change day')} not kept)"
            if pp.get("rate_ratio") is None:
                typer.echo(f"{left}: too few days to tell.")
            else:
                typer.echo(f"{left}: x{pp['rate_ratio']:.2f} ({pp['ci_low']:.2f}-{pp['ci_high']:.2f}).")
