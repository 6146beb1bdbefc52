"""The command line every generated documentation page shares: print it, write it, or check it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def page_main(doc: str | None, page: Path, render: Callable[[], str], argv: list[str] | None) -> int:
    """Print the page, write it (--write), or exit 1 when the checked-in copy is stale (--check)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {page.name}")
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        return 0 if page.exists() and page.read_text("utf-8") == text else 1
    if args.write:
        page.write_text(text, "utf-8")
        return 0
    print(text, end="")
    return 0
