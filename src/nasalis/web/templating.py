"""Jinja2 templates shared by the page routes, and `page` to render one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.auto_reload = False  # they ship with the package: no stat() of every file per render

MESSAGES = {
    "logged": "Twitch logged.",
    "details": "Details saved.",
    "day": "Check-in saved.",
    "saved": "Saved.",
    "deleted": "Deleted.",
    "undone": "Undone.",
    "nothing": "There was nothing to undo.",
    "imported": "Imported.",
    "settings": "Settings saved.",
    "password": "Password changed. Other devices were signed out.",
    "started": "Experiment planned.",
    "stopped": "Experiment stopped.",
}
"""Messages a redirect may ask a page to show (?msg=key); unknown keys show nothing."""


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with what every page needs: the viewer, its CSRF token, a message."""
    viewer = getattr(request.state, "viewer", None)
    settings = request.app.state.settings
    base = {
        "viewer": viewer,
        "csrf_token": viewer.csrf if viewer else "",
        "accounts": settings.accounts,
        "message": MESSAGES.get(request.query_params.get("msg", "")),
        "can_undo": request.query_params.get("msg") in ("logged", "details", "day", "saved", "deleted"),
    }
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
