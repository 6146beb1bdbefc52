"""`nasalis log`, `day`, `diary`, `undo` and `med`: the diary from the terminal."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nasalis.commands.common import DbOption, command_group, date_option, fail, store_for
from nasalis.commands.experiment import reminder
from nasalis.diary.factors import FACTORS, MORNING_CHECK_IN
from nasalis.diary.records import FieldError, build_day, build_episode, typed_tags

if TYPE_CHECKING:  # the rest loads inside each command: `nasalis --help` needs none of it
    from rich.console import Console

    from nasalis.diary.store import Store

FLAG_OF = {
    "started_at": "--at",
    "duration_s": "--duration",
    "intensity": "--intensity",
    "side": "--side",
    "areas": "--areas",
    "note": "--note",
    "date": "--date",
    **{f.name: f.flag for f in FACTORS},
    "tags": "--tag",
    "morning_at": "--at",
    "no_twitches": "--no-twitches",
}


def _bad(exc: FieldError) -> None:
    fail("Nothing was saved.", [f"{FLAG_OF.get(exc.field, exc.field)}: {exc.message}"])


def _remind(store: Store) -> None:
    """Print today's experiment instruction, if an experiment is running."""
    message = reminder(store)
    if message:
        typer.echo(message)


def parse_when(text: str | None, now: dt.datetime | None = None) -> str:
    """An ISO instant with offset from --at: full ISO, a local date-time, or HH:MM today."""
    now = now or dt.datetime.now().astimezone()
    if text is None:
        return now.isoformat()  # microseconds: two taps in one second are two twitches
    value = text.strip()
    if len(value) <= 5 and ":" in value:
        value = f"{now.date().isoformat()}T{value}"
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # let the record's own check name the problem
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=now.tzinfo)
    return parsed.isoformat()


def log_command(
    at: Annotated[str | None, typer.Option("--at", help="When it started: ISO time, or HH:MM today.")] = None,
    duration: Annotated[str | None, typer.Option("--duration", help="Seconds it lasted.")] = None,
    intensity: Annotated[str | None, typer.Option("--intensity", help="1 (faint) to 10 (strongest).")] = None,
    side: Annotated[str | None, typer.Option("--side", help="left, right, both or middle.")] = None,
    areas: Annotated[str | None, typer.Option("--areas", help="e.g. nose,cheek")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Anything worth remembering.")] = None,
    db: DbOption = None,
) -> None:
    """Log one twitch (now, unless --at says when)."""
    values = {
        "started_at": parse_when(at),
        "duration_s": duration,
        "intensity": intensity,
        "side": side,
        "areas": areas.replace(",", ";") if areas else None,
        "note": note,
    }
    try:
        record = build_episode({k: v for k, v in values.items() if v is not None}, text=True)
    except FieldError as exc:
        _bad(exc)
    from nasalis.diary import episode_writer

    store = store_for(db)
    with store.write() as session:
        episode_writer.log_episode(session, store.person_id(), record)
    _remind(store)
    typer.echo(
        f"Logged a twitch at {record.started_at.strftime('%Y-%m-%d %H:%M %z')}. (nasalis undo takes it back)"
    )


DAY_LONG = tuple(f for f in FACTORS if f.recorded == "day")
"""What the evening's questions ask: the factors of the whole day."""


def _ask_day(console: Console, morning: bool = False) -> dict[str, str]:
    from rich.markup import escape

    from nasalis.terminal.shown import printable

    questions = {
        # The evening asks the whole day's factors (sleep too: skipped if the morning gave it).
        **{f.name: f.question for f in (MORNING_CHECK_IN if morning else DAY_LONG)},
        **({} if morning else {"tags": "Tags, separated by commas (e.g. cheese, long drive)"}),
    }
    console.print(f"{'This morning' if morning else 'Today'}'s check-in. Press Enter to skip a question.")
    answers: dict[str, str] = {}
    for field, text in questions.items():
        while True:
            try:
                answer = console.input(f"{text}: ").strip()
            except EOFError:
                return answers
            if field == "tags":
                answer = typed_tags(answer)
            try:
                build_day({"date": "2000-01-01", field: answer}, text=True)
            except FieldError as exc:
                console.print(f"[yellow]{escape(printable(exc.message))}[/yellow]")  # it quotes the answer
                continue
            if answer:
                answers[field] = answer
            break
    return answers


def day_command(
    date: str | None = None,
    tag: list[str] | None = None,
    factor: list[str] | None = None,
    morning: bool = False,
    at: str | None = None,
    no_twitches: bool = False,
    db: str | None = None,
    **given: str | None,
) -> None:
    """Today's check-in: flags, or questions when no flag is given."""
    if tag:
        given["tags"] = typed_tags(";".join(tag))
    values: dict[str, str] = {k: v for k, v in given.items() if v is not None}
    custom: dict[str, str] = {}
    for item in factor or []:
        name, sep, number = item.partition("=")
        if not sep:
            fail("Nothing was saved.", [f"--factor: write NAME=NUMBER (got {item!r})"])
        custom[name.strip()] = number.strip()
    if at is not None and not morning:
        fail("Nothing was saved.", ["--at: is the time of a morning check-in; give --morning too"])
    if not values and not custom and not no_twitches:
        from rich.console import Console

        values = _ask_day(Console(), morning)
    now = dt.datetime.now().astimezone()
    values["date"] = date or now.date().isoformat()
    if morning:  # made now unless --at says when, on this computer's clock
        values["morning_at"] = at if at is not None else now.strftime("%H:%M")
    if no_twitches:
        values["no_twitches"] = "1"
    try:
        record = build_day({**values, **custom}, text=True, local_now=now)
    except FieldError as exc:
        _bad(exc)
    from nasalis.diary import entries

    store = store_for(db)
    try:
        with store.write() as session:
            entries.save_day(session, store.person_id(), record)
    except entries.TwitchesLoggedError as exc:
        fail("Nothing was saved.", [f"--no-twitches: {str(exc).partition(': ')[2]}"])
    what = "the morning check-in" if morning else "the check-in"
    typer.echo(f"Saved {what} for {record.date}. (nasalis undo takes it back)")
    _remind(store)


def _option(name: str, kind: Any, flag: str, help_text: str) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[kind, typer.Option(flag, help=help_text)],
    )


def _flag(name: str, flag: str, help_text: str) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option(flag, help=help_text)],
    )


# Typer reads a command's flags from its signature: `nasalis day` has one flag per declared
# day factor, so a factor added to nasalis.diary.factors is a flag without another line here.
day_command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        _option("date", str | None, "--date", "YYYY-MM-DD (default today)."),
        *(_option(f.name, str | None, f.flag, f.help) for f in FACTORS),
        _option("tag", list[str] | None, "--tag", "A label; repeat for more."),
        _option("factor", list[str] | None, "--factor", "NAME=NUMBER; repeat."),
        _flag("morning", "--morning", "The morning check-in (asks sleep, stress and coffees so far)."),
        _option("at", str | None, "--at", "With --morning: when it was made, HH:MM (default now)."),
        _flag("no_twitches", "--no-twitches", "No twitches today: a known day with none."),
        inspect.Parameter("db", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DbOption),
    ]
)


def diary_command(
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=260, help="How many weeks back.")] = 4,
    db: DbOption = None,
) -> None:
    """Recent weeks: a calendar heat-map and a table of days."""
    from rich.console import Console

    from nasalis.diary import entries, local_dates
    from nasalis.terminal.diary_view import render_diary

    store = store_for(db)
    today = dt.date.today()
    start = today - dt.timedelta(days=7 * weeks - 1)
    with store.read() as session:
        person = store.person_id()
        eps = local_dates.episodes_on(session, person, start, today)
        days = entries.days_between(session, person, start, today)
    render_diary(Console(), start, today, eps, days)


def note_command(
    text: Annotated[str, typer.Argument(help="Anything worth remembering, e.g. 'new glasses today'.")],
    db: DbOption = None,
) -> None:
    """Keep a free-text note in the diary."""
    from nasalis.diary import entries

    store = store_for(db)
    try:
        with store.write() as session:
            entries.add_note(session, store.person_id(), text)
    except ValueError as exc:
        fail("Nothing was saved.", [str(exc)])
    typer.echo("Saved the note. (nasalis undo takes it back)")


def undo_command(db: DbOption = None) -> None:
    """Take back the last entry (a twitch, a check-in, a medicine, a note or a whole import)."""
    from nasalis.diary import journal
    from nasalis.terminal.shown import printable

    store = store_for(db)
    with store.write() as session:
        summary = journal.undo_last(session, store.person_id())
    typer.echo(printable(summary) if summary else "Nothing to undo.")  # a summary quotes typed names


med_app = command_group("Medicines you take.")


@med_app.command("add")
def med_add(
    name: Annotated[str, typer.Argument(help="Generic or brand name.")],
    dose: Annotated[str | None, typer.Option("--dose", help="e.g. '100 mcg twice a day'.")] = None,
    started: Annotated[str | None, typer.Option("--started", help="YYYY-MM-DD.")] = None,
    stopped: Annotated[str | None, typer.Option("--stopped", help="YYYY-MM-DD.")] = None,
    db: DbOption = None,
) -> None:
    """Record a medicine (matched against the lexicon of twitch-related medicines)."""
    from nasalis.diary import entries
    from nasalis.terminal.shown import printable

    start = date_option("--started", started, "Nothing was saved.")
    stop = date_option("--stopped", stopped, "Nothing was saved.")
    store = store_for(db)
    try:
        with store.write() as session:
            med = entries.add_medication(session, store.person_id(), name, dose, start, stop)
    except ValueError as exc:
        fail("Nothing was saved.", [f"--{exc}"])
    if med.matched:
        typer.echo(
            f"Saved {printable(med.name)} ({med.matched}, {med.drug_class}). Talk to your prescriber "
            "before changing any medicine."
        )
    else:
        typer.echo(f"Saved {printable(med.name)} (not in nasalis's list of twitch-related medicines).")


@med_app.command("list")
def med_list(db: DbOption = None) -> None:
    """The medicines you have recorded."""
    from nasalis.diary import entries
    from nasalis.terminal.shown import printable

    store = store_for(db)
    with store.read() as session:
        meds = entries.medications_of(session, store.person_id())
    if not meds:
        typer.echo("No medicines recorded. Add one with: nasalis med add NAME")
    for m in meds:
        span = f"{m.started_on or '?'} to {m.stopped_on or 'now'}"
        name, dose = printable(m.name), printable(m.dose or "")
        typer.echo(f"{m.id:>4}  {name:<24} {dose:<18} {span:<26} {m.drug_class or ''}")
