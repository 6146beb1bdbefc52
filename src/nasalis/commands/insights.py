"""`nasalis insights`: personal triggers, with honest statistics."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from nasalis.commands.common import DbOption, fail, store_for
from nasalis.diary.entries import insight_inputs
from nasalis.insights.frames import daily_frame
from nasalis.insights.report import insights_json
from nasalis.insights.timeofday import profile
from nasalis.insights.triggers import analyse
from nasalis.terminal.insights_view import render_insights


def insights_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON.")] = False,
    since: Annotated[str | None, typer.Option("--since", help="Only days from YYYY-MM-DD.")] = None,
    db: DbOption = None,
) -> None:
    """Which factors go with more (or fewer) twitches in your diary — and how sure that is."""
    start = None
    if since is not None:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            fail("No insights.", [f"--since: must be a date YYYY-MM-DD (got {since!r})"])
    store = store_for(db)
    with store.read() as session:
        days, starts = insight_inputs(session, store.person_id(), start)
    if as_json:
        sys.stdout.write(json.dumps(insights_json(days, starts), indent=2) + "\n")
        return
    frame = daily_frame(days, [s.date() for s in starts])
    render_insights(Console(), analyse(frame), frame, profile(starts))
