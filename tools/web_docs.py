"""Write docs/web.md: every path the web app answers, read from the app itself.

python -m tools.web_docs --write     # regenerate docs/web.md (a test fails when it is stale)
python -m tools.web_docs --check     # exit 1 when docs/web.md differs from the app
"""

from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tools.generated_page import page_main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "web.md"
HEADER = """# The web app's paths

Generated from the FastAPI app (`nasalis.web.app.create_app`) by `python -m tools.web_docs --write`;
do not edit by hand (a test fails when this page is stale). The JSON API's bodies and answers are
in [schemas/openapi.json](schemas/openapi.json) (also served at `/openapi.json`, with `/docs`); see
[interfaces.md](interfaces.md) for the formats. In server mode (`nasalis serve` on a network
address) every path but sign-in, sign-up, the static files, the app shell (`/manifest.webmanifest`,
`/sw.js`, `/offline`: [pwa.md](pwa.md)), the calendar feed and a share link's report (whose
secret addresses are their credentials: [reminders.md](reminders.md), [sharing.md](sharing.md))
needs a signed-in person: a page sends the browser to `/login`, the API answers 401. A bad form
or body answers 422 and names the
field; nothing is changed.

**Retrying a write: the `Idempotency-Key` header.** Every write of the JSON API (POST, PUT,
PATCH, DELETE under `/api/`) takes an optional `Idempotency-Key` header: 1 to 255 printable ASCII
characters the client chooses once per write (a UUID made on the device). The key is stored, per
person, in the same transaction as the write, so a write and its key commit together or not at
all. A retry with the same key and the same body answers what the first request answered, with
`Idempotent-Replayed: true`, and writes nothing. The same key with another method, path or body is
422 naming the header; so is an empty, too long or non-ASCII key. Two requests with one key at the
same moment (threads, workers) write once: the second waits on the key, then replays the first's
answer (or, if that answer is not ready within 10 s, gets 409 with `Retry-After: 1`). A write that
committed but whose answer was lost (the process died in between) answers 200 "already saved".
Requests that changed nothing (bad input, a refusal, `/api/assess`) keep no key. Keys are
forgotten after 24 hours, deleted when the person next writes; one account's key never matches
another's. The key is never logged.
"""
SECTIONS = (
    ("api", "JSON API"),
    ("page", "Pages (HTML, for browsers and htmx)"),
    ("other", "The API's own documentation and static files"),
)


@contextmanager
def built_app() -> Iterator[FastAPI]:
    """The app in personal mode on a throwaway diary and data folder (nothing of the user's is touched)."""
    from nasalis.config import Settings
    from nasalis.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="nasalis-docs-") as folder:
        saved = os.environ.get("XDG_DATA_HOME")
        os.environ["XDG_DATA_HOME"] = folder  # the CSRF secret is made there
        try:
            app = create_app(Settings(db_url=f"sqlite:///{Path(folder) / 'diary.db'}", accounts=False))
            try:
                yield app
            finally:
                app.state.store.close()
        finally:
            if saved is None:
                del os.environ["XDG_DATA_HOME"]
            else:
                os.environ["XDG_DATA_HOME"] = saved


@dataclass(frozen=True)
class WebPath:
    """One path of the app: its methods, what kind it is, and its handler's first docstring line."""

    path: str
    methods: tuple[str, ...]
    section: str
    says: str


def _flat(routes: list[Any]) -> Iterable[Any]:
    """Each route of the app, with routers included (FastAPI 0.165 keeps them as included routers)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # an older FastAPI: app.routes is already flat
        return routes
    return iter_route_contexts(routes)


def _section(path: str, schema: bool) -> str:
    if path.startswith("/api/"):
        return "api"
    return "page" if not schema and not path.startswith(("/static", "/docs", "/openapi")) else "other"


def paths(app: FastAPI) -> list[WebPath]:
    """Every path the app answers, sorted by path then method."""
    found: list[WebPath] = []
    for route in _flat(list(app.routes)):
        path = getattr(route, "path", None)
        if not path:
            continue
        methods = tuple(sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"}))
        endpoint = getattr(route, "endpoint", None)
        says = inspect.getdoc(endpoint) if endpoint is not None else None
        if path == "/static":
            path, methods, says = (
                "/static/{file}",
                ("GET",),
                "The style sheet, scripts, icons and vendored files.",
            )
        schema = bool(getattr(route, "include_in_schema", False)) and path.startswith("/api/")
        found.append(WebPath(path, methods, _section(path, schema), (says or "").split("\n\n")[0]))
    return sorted(found, key=lambda p: (p.path, p.methods))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(app: FastAPI | None = None) -> str:
    """The page: the API, the pages and the rest, each path with its methods and what it does."""
    if app is None:
        with built_app() as built:
            return render(built)
    found = paths(app)
    out = [HEADER]
    for key, title in SECTIONS:
        rows = [p for p in found if p.section == key]
        if not rows:
            continue
        out += [f"## {title}", "", "| method | path | what it does |", "|---|---|---|"]
        out += [f"| {' '.join(p.methods)} | `{p.path}` | {_cell(p.says)} |" for p in rows]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the page, write it (--write), or say whether it is stale (--check)."""
    return page_main(__doc__, PAGE, render, argv)


if __name__ == "__main__":
    raise SystemExit(main())
