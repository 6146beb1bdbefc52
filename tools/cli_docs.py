"""Write docs/cli.md: every `nasalis` command, argument and option, read from the Typer app itself.

python -m tools.cli_docs --write     # regenerate docs/cli.md (a test fails when it is stale)
python -m tools.cli_docs --check     # exit 1 when docs/cli.md differs from the app
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from tools.generated_page import page_main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# The `nasalis` command

Generated from the Typer app (`src/nasalis/cli.py`) by `python -m tools.cli_docs --write`; do not
edit by hand (a test fails when this page is stale). `nasalis COMMAND --help` says the same in the
terminal. Bad input exits with code 2 and names the bad argument or field; see
[interfaces.md](interfaces.md) for the JSON the `--json` options print.
"""


# Typer builds its commands on the click it vendors (typer._click), so this reads them by duck
# typing (the attributes click documents) rather than by isinstance against the public click.
Command = Any
Param = Any


def root() -> Command:
    """The `nasalis` command as click sees it (Typer builds it from nasalis.cli.app)."""
    from nasalis.cli import app

    return typer.main.get_command(app)


def _context(command: Command, name: str) -> Any:
    return command.context_class(command, info_name=name)


def walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command under `command`, depth first, in the order `--help` lists them."""
    yield path, command
    if hasattr(command, "list_commands"):
        context = _context(command, " ".join(("nasalis", *path)))
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, (*path, name))


def _help(command: Command) -> str:
    return str(inspect.cleandoc(command.help or command.short_help or "")).strip()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(param: Param, context: Any) -> str:
    """One argument or option as `--help` says it: its spelling, then its help, default and range."""
    record = param.get_help_record(context)
    if record is None:  # an argument with no help of its own
        record = (str(param.name or "").upper(), str(getattr(param, "help", None) or ""))
    spelled, helped = record
    return f"| `{_cell(spelled)}` | {_cell(helped)} |"


def _section(path: tuple[str, ...], command: Command) -> list[str]:
    name = " ".join(("nasalis", *path))
    context = _context(command, name)
    usage = " ".join([name, *command.collect_usage_pieces(context)])
    out = [f"{'#' * min(len(path) + 2, 4)} `{name}`", "", "```", usage, "```", ""]
    if _help(command):
        out += [_help(command), ""]
    params = [p for p in command.params if not getattr(p, "hidden", False) and p.name != "help"]
    if params:
        out += ["| argument or option | what it does |", "|---|---|"]
        out += [_row(p, context) for p in params]
        out.append("")
    return out


def render(command: Command | None = None) -> str:
    """The whole page: an index of the commands, then each with its arguments and options."""
    top = command or root()
    commands = list(walk(top))
    out = [HEADER]
    out += ["| command | what it does |", "|---|---|"]
    for path, sub in commands[1:]:
        anchor = "-".join(("nasalis", *path))
        first = _help(sub).split("\n\n")[0]
        out.append(f"| [`{' '.join(path)}`](#{anchor}) | {_cell(first)} |")
    out.append("")
    for path, sub in commands:
        out += _section(path, sub)
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the page, write it (--write), or say whether it is stale (--check)."""
    return page_main(__doc__, PAGE, render, argv)


if __name__ == "__main__":
    raise SystemExit(main())
