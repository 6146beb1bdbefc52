"""/api/import and /api/export: the diary contract's files over HTTP."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response

from nasalis.diary.bundle import Bundle, InterchangeError
from nasalis.diary.importer import import_bundle
from nasalis.diary.transfer import export_bytes, read_upload
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import ImportOut

router = APIRouter(prefix="/api", tags=["import and export"])


class ImportReport(ImportOut):
    """What an import added, the extras of a bundle (medicines, notes, scores and the rest) included."""

    medications_added: int
    notes_added: int
    assessments_added: int
    experiments_added: int
    clinician_scores_added: int
    extras_skipped: int
    settings_added: bool


def read_file(file: UploadFile) -> Bundle:
    """An uploaded diary file, parsed and checked; InterchangeError names file, line and column.

    Blocking: it parses up to MAX_ROWS rows, so the routes that call it are plain functions,
    which FastAPI runs in its thread pool while the event loop keeps serving everyone else.
    """
    file.file.seek(0)
    return read_upload(file.filename or "upload", file.file.read())


def import_label(file: UploadFile) -> str:
    """How the journal (and the Undo message) names an import."""
    return f"import of {file.filename or 'upload'}"


@router.post("/import", response_model=ImportReport, summary="Import a diary file (all or nothing)")
def api_import(file: UploadFile, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """A .json bundle, episodes.csv, days.csv, or a .zip with the CSVs; re-importing adds nothing."""
    try:
        bundle = read_file(file)
    except InterchangeError as exc:
        raise HTTPException(422, f"Nothing was imported: {exc}") from None
    return asdict(import_bundle(store, viewer.person_id, bundle, label=import_label(file)))


EXPORTS = {
    "json": ("application/json", "json"),
    "csv": ("application/zip", "zip"),
    "fhir": ("application/fhir+json", "fhir.json"),
}
"""Each export's content type and file name ending."""


def export_name(kind: str, on: dt.date) -> str:
    """The download's file name: nasalis-diary-2026-03-02.json, .zip or .fhir.json."""
    return f"nasalis-diary-{on.isoformat()}.{EXPORTS[kind][1]}"


def export_response(request: Request, store: StoreDep, person_id: int, kind: str) -> Response:
    """The whole diary as a download (an attachment: a browser saves it, never shows it)."""
    with store.read() as session:
        if kind == "fhir":
            from nasalis.report.fhir import export_fhir  # fhir.resources loads only when asked for

            data = export_fhir(session, person_id)
        else:
            data = export_bytes(session, person_id, kind)
    name = export_name(kind, local_now(request).date())
    return Response(
        data,
        media_type=EXPORTS[kind][0],
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/export", summary="Export the whole diary", response_class=Response)
def api_export(
    request: Request,
    store: StoreDep,
    viewer: ViewerDep,
    format: Annotated[
        Literal["json", "csv", "fhir"],
        Query(description="json, a zip of CSV files, or fhir (a FHIR R4 Bundle)"),
    ] = "json",
) -> Response:
    """Everything, in the diary contract's formats."""
    return export_response(request, store, viewer.person_id, format)
