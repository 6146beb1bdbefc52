"""How a page's form writes: build the record from what was typed, write it with its undo entry,
then redirect with a flash that offers Undo, or show the page again with each bad field's message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.records import FieldError
from nasalis.diary.store import Store
from nasalis.web.deps import Viewer

RecordT = TypeVar("RecordT")


def form_text(form: Any, name: str) -> str:
    """A form field's text, stripped ("" when it is absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def write_with_undo(
    store: Store, viewer: Viewer, write: Callable[[Session], object], back: str, msg: str
) -> RedirectResponse:
    """Run `write` and its journal entry in one transaction; the redirect's flash offers Undo."""
    with store.write() as session:
        write(session)
        change = journal.latest_change_id(session, viewer.person_id)
    return RedirectResponse(f"{back}?msg={msg}&change={change}", 303)


def submit_form(
    store: Store,
    viewer: Viewer,
    build: Callable[[], RecordT],
    write: Callable[[Session, RecordT], object],
    refused: Callable[[dict[str, str]], Response],
    back: str,
) -> Response:
    """A form's record built and written with undo, or `refused` (the page, 422) with each bad field.

    A FieldError from either step refuses: `build` checks what was typed, and `write` what only
    the diary knows (a duplicate, a stop date before the start); the transaction then rolls back.
    """
    try:
        record = build()
        return write_with_undo(store, viewer, lambda session: write(session, record), back, "saved")
    except FieldError as exc:
        return refused(exc.errors)
