"""`nasalis insights`: personal triggers, with honest statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from nasalis.commands.common import DbOption, SinceOption, print_analysis

if TYPE_CHECKING:
    from rich.console import Console

    from nasalis.insights.analysis import Report


def _render(console: Console, report: Report) -> None:
    """The insights view of one report."""
    from nasalis.terminal.insights_view import render_insights

    render_insights(console, report.insights, report.frame, report.time_of_day)


def insights_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON.")] = False,
    since: SinceOption = None,
    db: DbOption = None,
) -> None:
    """Which factors go with more (or fewer) twitches in your diary — and how sure that is."""
    from nasalis.insights.analysis import load_report

    print_analysis(load_report, _render, as_json=as_json, since=since, db=db, nothing_done="No insights.")
