"""POST /settings/country: the country whose emergency number every page shows (Today's banner
and the Settings section both send it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import RedirectResponse, Response

from nasalis.diary import preferences
from nasalis.diary.records import FieldError
from nasalis.web.deps import StoreDep, WriterDep

router = APIRouter(include_in_schema=False)

BACK = {"/": "/?msg=saved", "/settings": "/settings?msg=settings#country"}
"""Where each form goes back to (nowhere else: an open redirect is refused by construction)."""


@router.post("/settings/country")
def save_country(
    store: StoreDep,
    viewer: WriterDep,
    country: Annotated[str, Form(max_length=10)],
    back: Annotated[str, Form(max_length=20)] = "/settings",
) -> Response:
    """Store the person's country (an ISO code of the table, or "other")."""
    try:
        with store.write() as session:
            preferences.save(session, viewer.person_id, {"country": country})
    except FieldError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(BACK.get(back, BACK["/settings"]), 303)
