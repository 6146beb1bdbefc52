"""Treatment cycles and medicine changes in the terminal, in plain words."""

from __future__ import annotations

from rich.console import Console

from nasalis.insights.cycles_report import CyclesReport
from nasalis.terminal.shown import printable


def render_cycles(console: Console, report: CyclesReport) -> None:
    """One line per cycle and per medicine change, the comparison, and what the numbers are not."""
    if not report.cycles and not report.medicine_changes:
        console.print(
            "No treatments or medicine changes in the diary yet (nasalis treatment add, nasalis med add)."
        )
        return
    if report.cycles:
        console.print("[bold]Treatment cycles[/bold] (day 0 is the treatment day; 95% intervals in brackets)")
        for cycle in report.cycles:
            what = cycle.kind.replace("_", " ") + (f" ({cycle.product})" if cycle.product else "")
            console.print(f"  {cycle.date.isoformat()} {printable(what)}: {cycle.sentence}", markup=False)
        if report.comparison:
            console.print(f"  {report.comparison}", markup=False)
    if report.medicine_changes:
        console.print("[bold]Medicine changes[/bold]")
        for change in report.medicine_changes:
            console.print(f"  {printable(change.sentence)}", markup=False)
            for warning in change.warnings:
                console.print(f"    note: {warning}", markup=False)
    console.print(report.note, style="dim")
