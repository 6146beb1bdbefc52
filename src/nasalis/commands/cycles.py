"""`nasalis cycles`: how each treatment's effect came and went, and what followed medicine changes."""

from __future__ import annotations

from typing import Annotated

import typer

from nasalis.commands.common import DbOption, SinceOption, print_analysis


def cycles_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the contract's JSON (nasalis.cycles/1).")
    ] = False,
    since: SinceOption = None,
    db: DbOption = None,
) -> None:
    """Each treatment's cycle (onset, best, wear-off) and each medicine change — not a diagnosis."""
    from nasalis.insights.cycles_report import load_cycles
    from nasalis.terminal.cycles_view import render_cycles

    print_analysis(load_cycles, render_cycles, as_json=as_json, since=since, db=db, nothing_done="No cycles.")
