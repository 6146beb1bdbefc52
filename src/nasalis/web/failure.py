"""The answer to an unexpected error: a plain 500, logged without anything from the diary."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

LOG = logging.getLogger("nasalis.web")
DETAIL = (
    "The server hit an unexpected error and logged it, without anything from your diary."
    " Please try again in a minute."
)
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error 500 · nasalis</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<main>
<h1>Something went wrong</h1>
<p>{DETAIL}</p>
<p><a href="/">Back to Today</a></p>
</main>
</body>
</html>
"""
"""Plain HTML, no template: the error may have come from the templates or the database."""
MAX_FRAMES = 12


def describe(exc: BaseException) -> str:
    """The exception's types and code locations, never its message (SQL errors quote the values)."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 4:
        frames = _frames(seen)
        parts.append(f"{type(seen).__module__}.{type(seen).__qualname__} at {frames}")
        seen = seen.__cause__ or seen.__context__
    return " <- ".join(parts)


def _frames(exc: BaseException) -> str:
    where: list[str] = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        where.append(f"{Path(code.co_filename).name}:{tb.tb_lineno} {code.co_name}")
        tb = tb.tb_next
    return ", ".join(where[-MAX_FRAMES:]) or "unknown"


def unexpected_error(request: Request, exc: Exception) -> Response:
    """Log an unexpected error by type and place only, and answer a plain 500."""
    route = request.scope.get("route")
    # The route's pattern, not the URL: a path or query may carry a date or a search.
    where = getattr(route, "path", "an unknown route")
    LOG.error("unexpected error on %s %s: %s", request.method, where, describe(exc))
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": DETAIL}, 500)
    return HTMLResponse(PAGE, 500)
