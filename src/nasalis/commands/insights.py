"""`nasalis insights`: personal triggers, with honest statistics."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, SinceOption, date_option, store_for


def insights_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON.")] = False,
    since: SinceOption = None,
    db: DbOption = None,
) -> None:
    """Which factors go with more (or fewer) twitches in your diary — and how sure that is."""
    from rich.console import Console

    from nasalis.insights.analysis import load_report
    from nasalis.terminal.insights_view import render_insights

    start = date_option("--since", since, "No insights.")
    store = store_for(db)
    with store.read() as session:
        report = load_report(session, store.person_id(), start)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    render_insights(Console(), report.insights, report.frame, report.time_of_day)
