"""/import, /export and /settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import make_url

from nasalis.config import default_db_url
from nasalis.diary import journal, preferences
from nasalis.diary.bundle import InterchangeError
from nasalis.diary.import_formats import bundle_formats, formats
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import FieldError
from nasalis.diary.store import Store
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep, get_settings
from nasalis.web.routes import reminder_pages
from nasalis.web.routes.transfer_api import EXPORTS, export_response, import_label, read_file
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)


def _import_context(**values: object) -> dict[str, object]:
    """What the import page shows beside its form: the formats, and a result or errors."""
    return {
        "result": None,
        "change": None,
        "formats": formats(),
        "bundle_formats": bundle_formats(),
        **values,
    }


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Upload a diary file; which files and columns it may have."""
    return page(request, "import.html", _import_context())


@router.get("/import/formats", response_class=HTMLResponse)
def import_formats_page(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Every file, column and bundle key an import reads."""
    return page(request, "import.html", _import_context(full=True))


@router.post("/import", response_class=HTMLResponse)
def import_file(request: Request, store: StoreDep, viewer: WriterDep, file: UploadFile) -> HTMLResponse:
    """Import it, all or nothing; an error is shown beside the file field, naming file and line.

    A plain function, run in the thread pool: parsing a large file never stalls other requests.
    """
    try:
        bundle = read_file(file)
    except InterchangeError as exc:
        errors = {"file": f"Nothing was imported. {exc}"}
        return page(request, "import.html", _import_context(errors=errors), 422)
    result = import_bundle(store, viewer.person_id, bundle, label=import_label(file))
    with store.read() as session:
        change = journal.latest_change_id(session, viewer.person_id) if result.anything_added else None
    return page(request, "import.html", _import_context(result=result, change=change))


@router.get("/export", response_class=HTMLResponse)
def export_page(request: Request, store: StoreDep, viewer: ViewerDep, format: str | None = None) -> Response:
    """Choose a format; with ?format=json|csv|fhir, the download itself."""
    if format in EXPORTS:
        return export_response(request, store, viewer.person_id, format)
    if format is not None:
        raise HTTPException(422, "format: must be json, csv or fhir")
    return page(request, "export.html", {})


def settings_context(request: Request, store: Store, person_id: int) -> dict[str, object]:
    """What the Settings page shows, each section's part included."""
    with store.read() as session:
        prefs = preferences.get(session, person_id)
    settings = get_settings(request)
    # Show where the diary is, never a database password.
    url = make_url(settings.db_url or default_db_url())
    location = None if settings.accounts else url.render_as_string(hide_password=True)
    context: dict[str, object] = {"prefs": prefs, "units": preferences.UNITS, "location": location}
    context["error"] = None
    context.update(reminder_pages.section(store, person_id, settings))
    return context


def _settings_context(request: Request, store: StoreDep, viewer: ViewerDep) -> dict[str, object]:
    return settings_context(request, store, viewer.person_id)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """Units, reminder time, and where the data lives."""
    return page(request, "settings.html", _settings_context(request, store, viewer))


@router.post("/settings")
def save_settings(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    units: Annotated[str, Form(max_length=20)],
    reminder_time: Annotated[str, Form(max_length=10)],
    name: Annotated[str, Form(max_length=200)] = "",
    age_years: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Save them."""
    try:
        with store.write() as session:
            values = {"units": units, "reminder_time": reminder_time, "name": name, "age_years": age_years}
            preferences.save(session, viewer.person_id, values)
    except FieldError as exc:
        context = _settings_context(request, store, viewer)
        context["error"] = str(exc)
        return page(request, "settings.html", context, 422)
    return RedirectResponse("/settings?msg=settings", 303)
