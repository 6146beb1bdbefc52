"""ASGI middleware: upload size limit, security headers, and the personal-mode CSRF cookie."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
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
# /docs loads Swagger UI from a CDN with an inline script; it gets its own, looser policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "frame-ancestors 'none'"
)


class TooLargeError(Exception):
    """The body grew past the limit while it was being read."""


class Guards:
    """Refuse oversize bodies before reading them; add security headers and the CSRF cookie."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _too_large(self.max_body, scope)(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise TooLargeError()
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                docs = scope["path"] in ("/docs", "/docs/oauth2-redirect")
                for key, value in SECURITY_HEADERS.items():
                    if key not in out:
                        out[key] = DOCS_CSP if docs and key == "content-security-policy" else value
                state: dict[str, Any] = scope.get("state", {})
                new_csrf = state.get("new_csrf")
                if new_csrf:
                    out.append("set-cookie", f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLargeError:
            await _too_large(self.max_body, scope)(scope, receive, send)


FORM_PAGES = frozenset({"/videos"})
"""Upload forms that say the limit beside their file field when sent back with ?too_large=1."""


def _too_large(limit: int, scope: Scope) -> Response:
    accept = dict(scope["headers"]).get(b"accept", b"")
    if scope["method"] == "POST" and scope["path"] in FORM_PAGES and b"text/html" in accept:
        # A person at a form: back to it with the limit named, not a bare text page.
        return RedirectResponse(f"{scope['path']}?too_large=1", 303)
    return PlainTextResponse(f"The upload is larger than the limit of {limit // 1_000_000} MB.", 413)
