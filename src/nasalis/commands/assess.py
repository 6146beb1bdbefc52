"""`nasalis assess` and `nasalis learn`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, fail, store_for


def assess_command(
    input_: Annotated[
        str | None,
        typer.Option("--input", "-i", help="Intake JSON file, or - for standard input."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    save: Annotated[
        bool | None,
        typer.Option(
            "--save/--no-save",
            help="Keep the result in the diary for the doctor's report (default: yes for the interview).",
            show_default=False,
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            help="ISO country code (DE, GB, US...) whose emergency number to show; default: the diary's "
            "country setting, else the region of LANG.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """How serious is it, what is behind it, what to do. Without --input: an interview."""
    from rich.console import Console

    from nasalis.assessment import IntakeError, assess, parse_intake_json
    from nasalis.diary import assessments, preferences
    from nasalis.knowledge.emergency import guess, load_numbers
    from nasalis.terminal.assessment_view import render_result
    from nasalis.terminal.interview_view import run_interview

    book = load_numbers()
    chosen = book.country(country) if country else None
    if country and chosen is None:
        raise typer.BadParameter(
            "not a country code of the list (such as DE, GB or US)", param_hint="--country"
        )
    console = Console()
    if input_ is None:
        intake = run_interview(console)
    else:
        try:
            text = sys.stdin.read() if input_ == "-" else Path(input_).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail("Cannot read the intake.", [f"{input_}: {exc}"])
        try:
            intake = parse_intake_json(text)
        except IntakeError as exc:
            fail("The intake was not assessed:", exc.problems)
    result = assess(intake)
    if save if save is not None else input_ is None:
        store = store_for(db)
        with store.write() as session:
            assessments.save(
                session, store.person_id(), intake.model_dump(mode="json", exclude_none=True), result
            )
            if chosen is None:
                chosen = book.country(preferences.get(session, store.person_id()).get("country"))
    sure = chosen is not None  # named with --country or chosen in the diary's settings
    if chosen is None:
        chosen = guess(_locale_region())
    if as_json:
        sys.stdout.write(result.dumps())
    else:
        render_result(result, console, chosen, sure=sure)


def _locale_region() -> str:
    """LANG's language and region as an Accept-Language tag (de_DE.UTF-8 -> de-DE)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return value.split(".")[0].replace("_", "-")
    return ""


def learn_command(
    topic: Annotated[str | None, typer.Argument(help="A topic id, or words to search.")] = None,
) -> None:
    """Browse and search the knowledge base, with its sources."""
    from rich.console import Console

    from nasalis.knowledge import load_knowledge, search
    from nasalis.terminal.learn_view import render_entry, render_index, render_matches

    kb = load_knowledge()
    console = Console()
    if topic is None:
        render_index(kb, console)
        return
    matches = search(topic, kb)
    exact = [e for e in matches if topic.strip().lower() in (e.id, e.name.lower())]
    if exact or len(matches) == 1:
        render_entry((exact or matches)[0], kb, console)
    elif matches:
        render_matches(topic, matches[:15], console)
    else:
        fail(f"Nothing matches {topic!r}.", ["try 'nasalis learn' for every topic"])
