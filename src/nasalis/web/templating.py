"""Jinja2 templates shared by the page routes, and `page` to render one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from nasalis import wording
from nasalis.diary import journal
from nasalis.web.country import Emergency, for_request
from nasalis.web.schemas import row_id

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.auto_reload = False  # they ship with the package: no stat() of every file per render
TEMPLATES.env.filters["plural"] = wording.plural
TEMPLATES.env.filters["number"] = wording.number
# A template rendered outside `page` (a test, a fragment) keeps the generic emergency wording.
TEMPLATES.env.globals["emergency"] = Emergency(None, None, True)

MESSAGES = {
    "logged": "Twitch logged.",
    "details": "Details saved.",
    "day": "Check-in saved.",
    "morning": "Morning check-in saved.",
    "no_twitches": "Saved: no twitches today.",
    "saved": "Saved.",
    "deleted": "Deleted.",
    "nothing": "There was nothing to undo.",
    "imported": "Imported.",
    "settings": "Settings saved.",
    "calendar_off": "Calendar feed turned off: its address no longer works.",
    "revoked": "Link revoked: it no longer opens your report.",
    "password": "Password changed. Other devices were signed out.",
    "started": "Experiment planned.",
    "stopped": "Experiment stopped.",
    "kept": "Answer saved.",
    "undone": "Undone.",
    "granted": "Access given: the clinician can now read what you chose.",
    "access_revoked": "Access taken back: the clinician's next request is refused.",
}
"""Messages a redirect may ask a page to show (?msg=key); unknown keys show nothing."""
UNDOABLE = frozenset(
    {"logged", "details", "day", "morning", "no_twitches", "saved", "deleted", "started", "stopped", "kept"}
)
"""The messages that offer Undo for the change they name (?change=id)."""


UNDONE = {
    "add": "Removed again",
    "update": "Put back as it was",
    "delete": "Brought back",
    "import": "Import taken back",
}
"""How the flash after an undo names what happened, by the kind of change undone."""


def _named_change(request: Request, viewer: Any) -> journal.NamedChange | None:
    change = row_id(request.query_params.get("change", ""))
    if viewer is None or change is None:
        return None
    with request.app.state.store.read() as session:
        return journal.named(session, viewer.person_id, change)


def _flash(request: Request, viewer: Any) -> dict[str, Any]:
    """The message a redirect asked for (?msg=) and the change it names (?change=), with its Undo."""
    key = request.query_params.get("msg", "")
    change = _named_change(request, viewer)
    message = MESSAGES.get(key)
    if key == "undone" and change is not None and change.undone:
        message = f"{UNDONE.get(change.action, 'Undone')}: {change.summary}."
    elif key == "not_undone":
        message = "That change can no longer be undone: it was undone already, or a later change altered it."
    elif message and change is not None and change.undone:
        message += " (This was undone later.)"
    undo = change if key in UNDOABLE and change is not None and change.can_undo else None
    return {"message": message, "undo": undo}


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page with what every page needs: the viewer, its CSRF token, a message and its undo."""
    viewer = getattr(request.state, "viewer", None)
    settings = request.app.state.settings
    base = {
        "viewer": viewer,
        "csrf_token": viewer.csrf if viewer else "",
        "accounts": settings.accounts,
        "errors": {},
        "emergency": for_request(request, viewer.person_id if viewer else None),
        **_flash(request, viewer),
    }
    response = TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
    if status_code >= 400 and request.method != "GET":
        # htmx swaps this page in; keep the address bar on the form's page, not the POST target.
        response.headers["HX-Push-Url"] = "false"
    return response
