"""`nasalis cycles`: how each treatment's effect came and went, and what followed medicine changes."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from nasalis.commands.common import DbOption, SinceOption, date_option, store_for


def cycles_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the contract's JSON (nasalis.cycles/1).")
    ] = False,
    since: SinceOption = None,
    db: DbOption = None,
) -> None:
    """Each treatment's cycle (onset, best, wear-off) and each medicine change — not a diagnosis."""
    from rich.console import Console

    from nasalis.insights.cycles_report import load_cycles
    from nasalis.terminal.cycles_view import render_cycles

    start = date_option("--since", since, "No cycles.")
    store = store_for(db)
    with store.read() as session:
        report = load_cycles(session, store.person_id(), start)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    render_cycles(Console(), report)
