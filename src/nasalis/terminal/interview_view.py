"""Run the adaptive questionnaire at the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from nasalis.assessment import Intake
from nasalis.assessment.answers import choices_of, how_to_answer, parse_answer
from nasalis.assessment.intake import field_spec
from nasalis.assessment.interview import Draft
from nasalis.knowledge.curated import Question
from nasalis.terminal.shown import printable
from nasalis.wording import plural

BACK = "back"
"""Typed instead of an answer: ask the question before again."""


def _said(question: Question, value: Any) -> str:
    """An earlier answer as the person would have typed it."""
    labels = dict(choices_of(question))
    if value is None:
        return "don't know"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(labels.get(v) or v for v in value) or "none"
    return labels.get(value, str(value)) if isinstance(value, str) else f"{value:g}"


def _prompt(question: Question, number: int, left: int, before: Any = ...) -> str:
    spec = field_spec(question.field)
    more = f"up to {plural(left - 1, 'more question', 'more questions')}" if left > 1 else "the last question"
    lines = [f"[bold]{number}. {escape(question.text)}[/bold] [dim]({more})[/dim]"]
    if spec.kind in ("choice", "multi"):
        lines += [f"   {i}. {escape(label)}" for i, (_, label) in enumerate(choices_of(question), 1)]
    lines.append(f"   [dim]({escape(how_to_answer(spec))})[/dim]")
    if before is not ...:
        lines.append(f"   [dim]You answered before: {escape(printable(_said(question, before)))}[/dim]")
    return "\n".join(lines)


def _answer(console: Console, question: Question, draft: Draft) -> bool:
    """Ask until the answer is clear and record it; False when input ended (Ctrl-D)."""
    while True:
        try:
            text = console.input("> ")
        except EOFError:
            return False
        if text.strip().lower() == BACK:
            if draft.back():
                return True
            console.print("[yellow]This is the first question.[/yellow]")
            continue
        try:
            draft.record(question.field, parse_answer(question, text))
            return True
        except ValueError as exc:
            console.print(f"[yellow]{escape(printable(str(exc)))}[/yellow]")


def run_interview(console: Console) -> Intake:
    """Ask only what matters, warning signs first; stop early for an emergency."""
    console.print(
        "[bold]nasalis assessment[/bold] — a few questions about your twitching. "
        'Warning signs come first. Type ? for "don\'t know", back to change your last answer.\n'
        "[bold red]If you think this is an emergency, call emergency services now.[/bold red]\n"
    )
    draft = Draft()
    while (question := draft.next()) is not None:
        before = draft.remembered.get(question.field, ...)
        console.print(_prompt(question, len(draft.asked) + 1, draft.left(), before))
        if not _answer(console, question, draft):
            break
    return Intake.model_validate(draft.answers)
