"""ASGI middleware: allowed Host names, upload size limit, security and cache headers, and the
personal-mode CSRF cookie."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nasalis.web.deps import CSRF_COOKIE

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
CACHEABLE = "/static/"
"""The one prefix whose answers hold no health data (the app's own files): browsers may keep them.
Everything else (pages, the API, exports, the report, video frames) is never stored, so nothing
from a diary survives a sign-out in the cache of a shared computer."""
NO_STORE = "no-store"
WRONG_HOST = "This server does not answer to that host name. Open it by the address it was started on."


class TooLargeError(Exception):
    """The body grew past the limit while it was being read."""


class Guards:
    """Refuse unknown Host names and oversize bodies before reading them; add security and cache
    headers and the CSRF cookie."""

    def __init__(
        self, app: ASGIApp, max_body: int, hosts: frozenset[str], secure_cookies: bool = False
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.hosts = hosts
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if host not in self.hosts:
            # A DNS-rebound page reaches us under its own name: answer nothing of the diary.
            await self._refuse(PlainTextResponse(WRONG_HOST, 421), scope, receive, send)
            return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse(_too_large(self.max_body, scope), scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise TooLargeError()
            return message

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = _secured(message, scope)
                state: dict[str, Any] = scope.get("state", {})
                new_csrf = state.get("new_csrf")
                if new_csrf:
                    # Over HTTPS (directly, or from a trusted proxy) a cookie never travels in clear.
                    secure = "; Secure" if self.secure_cookies or scope.get("scheme") == "https" else ""
                    out.append(
                        "set-cookie", f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; SameSite=Strict{secure}"
                    )
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLargeError:
            await self._refuse(_too_large(self.max_body, scope), scope, receive, send)
        except Exception as exc:
            # Starlette's outermost error middleware would answer without these headers and
            # re-raise to the server's log, message (which may quote a note) and all; the
            # app's own Exception handler logs without it and answers a plain 500 here.
            handler = getattr(scope.get("app"), "exception_handlers", {}).get(Exception)
            if handler is None:
                raise
            response = await handler(Request(scope), exc)
            if not started:
                await response(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                _secured(message, scope)
            await send(message)

        await response(scope, receive, secured_send)


def _secured(message: Message, scope: Scope) -> MutableHeaders:
    """Add the security headers, and no-store to every answer but the app's static files."""
    out = MutableHeaders(scope=message)
    for key, value in SECURITY_HEADERS.items():
        if key not in out:
            out[key] = value
    if not scope["path"].startswith(CACHEABLE):
        out["cache-control"] = NO_STORE
    return out


FORM_PAGES = frozenset({"/videos"})
"""Upload forms that say the limit beside their file field when sent back with ?too_large=1."""


def _too_large(limit: int, scope: Scope) -> Response:
    accept = dict(scope["headers"]).get(b"accept", b"")
    if scope["method"] == "POST" and scope["path"] in FORM_PAGES and b"text/html" in accept:
        # A person at a form: back to it with the limit named, not a bare text page.
        return RedirectResponse(f"{scope['path']}?too_large=1", 303)
    return PlainTextResponse(f"The upload is larger than the limit of {limit // 1_000_000} MB.", 413)
