"""ASGI middleware: one log line per request, and its id in the X-Request-ID response header.

The line has the method, the route's template (/diary/day/{day}, never the path with its
values, never the query string), the status, the duration and the request id: nothing a
person typed. An incoming X-Request-ID (from a proxy) is kept only when it is a short safe
token, so a header cannot smuggle text into the log; otherwise a new id is made.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nasalis.log_setup import request_id

LOG = logging.getLogger("nasalis.request")
HEADER = "x-request-id"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""An incoming request id this server repeats; anything else is replaced."""
NO_ROUTE = "(unmatched)"


def incoming_id(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a safe token, else a fresh random one."""
    for key, value in scope["headers"]:
        if key == HEADER.encode():
            sent: str = value.decode("latin-1")
            if SAFE_ID.fullmatch(sent):
                return sent
            break
    return secrets.token_hex(8)


async def note_route(request: Request) -> None:
    """A dependency of every route: keep its template where the middleware can read it.

    FastAPI hands an included router's route a copy of the scope, so the middleware never sees
    scope["route"]; the per-request state dict is shared by every copy.
    """
    template = getattr(request.scope.get("route"), "path_format", None)
    if isinstance(template, str):
        request.state.route_template = template


def mount_template(scope: Scope) -> str | None:
    """The template of the mount (the static files) this request goes to, read before routing
    (a mount rewrites the scope's root path); mounts run no dependency. One regex: one mount."""
    app = scope.get("app")
    for route in getattr(getattr(app, "router", None), "routes", ()):
        if isinstance(route, Mount) and route.matches(scope)[0] is Match.FULL:
            return route.path_format
    return None


def route_template(scope: Scope, mount: str | None) -> str:
    """The matched route's path template (/static/{path} for the files), or NO_ROUTE."""
    template = scope.get("state", {}).get("route_template")
    if isinstance(template, str):
        return template
    return mount or NO_ROUTE


class RequestLog:
    """Log each HTTP request once, when it ends, and tag its answer with the request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = incoming_id(scope)
        scope.setdefault("state", {})  # before any copy of the scope, so note_route's note reaches us
        token = request_id.set(rid)
        started = time.perf_counter()
        mount = mount_template(scope)
        status = 500  # what the server answers when the app raises before it starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = round((time.perf_counter() - started) * 1000, 1)
            method, template = scope["method"], route_template(scope, mount)
            LOG.info(
                "%s %s %s %.1f ms",
                method,
                template,
                status,
                duration,
                extra={
                    "method": method,
                    "route": template,
                    "status": status,
                    "duration_ms": duration,
                    "request_id": rid,
                },
            )
            request_id.reset(token)
