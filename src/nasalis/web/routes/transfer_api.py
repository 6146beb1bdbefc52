"""/api/import and /api/export: the diary contract's files over HTTP."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, UploadFile
from fastapi.responses import Response

from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import InterchangeError
from nasalis.diary.transfer import export_bytes, read_upload
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import ImportOut

router = APIRouter(prefix="/api", tags=["import and export"])


async def import_upload(store: StoreDep, person_id: int, file: UploadFile) -> dict[str, Any]:
    """Read an uploaded diary file and import it, all or nothing; 422 naming line and column."""
    data = await file.read()
    try:
        bundle = read_upload(file.filename or "upload", data)
    except InterchangeError as exc:
        raise HTTPException(422, f"Nothing was imported: {exc}") from None
    result = import_bundle(store, person_id, bundle, label=f"import of {file.filename}")
    return asdict(result)


@router.post("/import", response_model=ImportOut, summary="Import a diary file (all or nothing)")
async def api_import(file: UploadFile, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """A .json bundle, episodes.csv, days.csv, or a .zip with the CSVs; re-importing adds nothing."""
    return await import_upload(store, viewer.person_id, file)


MEDIA = {"json": "application/json", "csv": "application/zip", "fhir": "application/fhir+json"}


def export_response(store: StoreDep, person_id: int, kind: str) -> Response:
    """The whole diary as a download."""
    with store.read() as session:
        if kind == "fhir":
            from nasalis.report.fhir import export_fhir  # fhir.resources loads only when asked for

            name, data = "nasalis-diary-fhir.json", export_fhir(session, person_id)
        else:
            name, data = export_bytes(session, person_id, kind)
    media = MEDIA[kind]
    return Response(data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/export", summary="Export the whole diary", response_class=Response)
def api_export(
    store: StoreDep,
    viewer: ViewerDep,
    format: Annotated[
        Literal["json", "csv", "fhir"],
        Query(description="json, a zip of CSV files, or fhir (a FHIR R4 Bundle)"),
    ] = "json",
) -> Response:
    """Everything, in the diary contract's formats."""
    return export_response(store, viewer.person_id, format)
