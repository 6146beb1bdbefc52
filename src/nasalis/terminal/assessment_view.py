"""Show an assessment result as a clear Rich panel, emergency advice first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nasalis.assessment.result import AssessmentResult
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.emergency import Country, localise, numbers
from nasalis.knowledge.loader import Said
from nasalis.terminal.shown import printable, typed

STYLE = {
    "emergency": ("bold white on red", "EMERGENCY — CALL EMERGENCY SERVICES NOW"),
    "urgent": ("bold black on dark_orange", "URGENT — BE SEEN BY A DOCTOR TODAY"),
    "appointment": ("bold black on yellow", "SEE A DOCTOR — BOOK AN APPOINTMENT"),
    "self_care": ("bold black on green", "SELF-CARE — MANAGE AT HOME"),
}


def _bullets(title: str, lines: Sequence[str | Text]) -> Group:
    """A bold title over bullet points whose wrapped lines hang under their text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    for line in lines:
        grid.add_row("•", line)
    return Group(Text(f"\n{title}", style="bold"), grid)


def _said(said: Said, style: str = "") -> Text:
    """A plain sentence with its sources by title under it."""
    text = Text(said.text, style=style)
    text.append(f"\nsources: {'; '.join(said.sources)}", style="dim")
    return text


def render_result(
    result: AssessmentResult, console: Console, country: Country | None = None, *, sure: bool = True
) -> None:
    """Print the result: level and headline first, then why, what to do, and sources.

    With a country, its emergency number replaces the generic "999, 112 or 911" (a country only
    guessed, `sure=False`, keeps the generic numbers after its own).
    """
    kb = load_knowledge()
    style, banner = STYLE[result.level]
    parts: list[Text | Table | Group] = [Text(f" {banner} ", style=style)]
    contributors = [c.id for c in result.contributors]
    reassurance = kb.reassurance(result.level, contributors, bool(result.unchecked_warning_signs))
    if reassurance:  # said first, and only where it is true for this result
        parts.append(Text("\n").append_text(_said(reassurance, "bold")))
    parts.append(typed(f"\n{localise(result.headline, country, sure=sure)}\n"))
    means = kb.level_means(result.level)
    if means:
        parts.append(_said(Said(localise(means.text, country, sure=sure), means.sources)))
    if result.unchecked_warning_signs:
        parts.append(
            _bullets(
                "What could not be checked — if any of these is true:",
                # A sign can name a medicine as it was typed.
                [typed(f"{u.sign}: {u.then}", style="bold") for u in result.unchecked_warning_signs],
            )
        )
    if result.reasons:
        why: list[str | Text] = []
        for r in result.reasons:
            line = typed(localise(r.says, country, sure=sure))
            line.append(f"\nbecause: {printable(', '.join(r.because))}", style="dim")
            line.append(f"\nsources: {'; '.join(kb.source_title(s) for s in r.sources)}", style="dim")
            why.append(line)
        parts.append(_bullets("Why", why))
    if result.contributors:
        table = Table(title="Likely contributors", title_justify="left", expand=True)
        table.add_column("contributor")
        table.add_column("score", justify="right")
        table.add_column("why")
        for c in result.contributors:
            table.add_row(c.id.replace("_", " "), f"{c.score:.2f}", typed(c.says))
        parts.append(table)
    if result.medications:
        parts.append(
            _bullets(
                "Your medicines",
                [typed(f"{m.name} ({m.matched}): {m.says}") for m in result.medications],
            )
        )
    if result.unrecognised_medications:
        unlisted = typed(", ".join(result.unrecognised_medications))  # as typed: never markup
        parts.append(_bullets("Medicines not in our list", [unlisted]))
    parts.append(
        _bullets(f"Call emergency services ({numbers(country, sure=sure)}) for", result.get_help.emergency)
    )
    parts.append(_bullets("Be seen by a doctor the same day for", result.get_help.urgent))
    parts.append(_bullets("What you can do", [localise(s, country, sure=sure) for s in result.steps]))
    parts.append(_bullets("What a doctor may do", result.doctor_may))
    if result.missing_that_would_change_this:
        missing = ", ".join(f.replace("_", " ") for f in result.missing_that_would_change_this)
        parts.append(_bullets("Questions left unanswered that could change this", [missing]))
    parts.append(Text(f"\n{result.disclaimer}", style="italic"))
    console.print(Panel(Group(*parts), title="nasalis assessment", border_style=style.split()[-1]))
