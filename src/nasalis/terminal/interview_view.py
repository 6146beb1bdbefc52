"""Run the adaptive questionnaire at the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from nasalis.assessment import Intake, next_question
from nasalis.assessment.answers import UNKNOWN, choices_of, parse_answer
from nasalis.assessment.intake import field_spec
from nasalis.knowledge.models import Question

_HINT = {
    "bool": "y / n / ? (don't know)",
    "int": "a number, or ?",
    "number": "a number, or ?",
    "text_list": "comma-separated, 'none', or ?",
}


def _prompt(question: Question, number: int) -> str:
    spec = field_spec(question.field)
    lines = [f"[bold]{number}. {question.text}[/bold]"]
    if spec.kind in ("choice", "multi"):
        lines += [f"   {i}. {label}" for i, (_, label) in enumerate(choices_of(question), 1)]
        hint = "a number" if spec.kind == "choice" else "numbers separated by commas, or 'none'"
        lines.append(f"   [dim]({hint}, or ? if you don't know)[/dim]")
    else:
        lines.append(f"   [dim]({_HINT[spec.kind]})[/dim]")
    return "\n".join(lines)


def run_interview(console: Console) -> Intake:
    """Ask only what matters, warning signs first; stop early for an emergency."""
    console.print(
        "[bold]nasalis assessment[/bold] — a few questions about your twitching. "
        'Warning signs come first. Type ? for "don\'t know".\n'
        "[bold red]If you think this is an emergency, call emergency services now.[/bold red]\n"
    )
    answers: dict[str, Any] = {}
    asked: list[str] = []
    while (question := next_question(answers, asked)) is not None:
        console.print(_prompt(question, len(asked) + 1))
        while True:
            try:
                text = console.input("> ")
            except EOFError:
                return Intake.model_validate(answers)
            try:
                value = parse_answer(question, text)
                break
            except ValueError as exc:
                console.print(f"[yellow]{exc}[/yellow]")
        asked.append(question.field)
        if value is not UNKNOWN:
            answers[question.field] = value
    return Intake.model_validate(answers)
