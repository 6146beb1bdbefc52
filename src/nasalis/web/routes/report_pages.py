"""/report: the doctor's report as HTML, or as a PDF download with ?format=pdf."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from nasalis.report.data import gather
from nasalis.report.render import Link, PdfUnavailableError, to_html, to_pdf
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep
from nasalis.web.routes.app_shell import INSTALL_TAGS

router = APIRouter(include_in_schema=False)

# The report is one self-contained page with its styles inline (the PDF renderer needs them
# so): it gets a policy of its own that allows those styles and nothing else at all.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
# The web page also links the manifest and loads app.js (the worker's registration), as every
# page of the app does: those, from this origin only, and still no inline script.
PAGE_CSP = f"{REPORT_CSP}; script-src 'self'; manifest-src 'self'; worker-src 'self'"

LINKS = (
    Link("/report?format=pdf", "Download the PDF", download=True),
    Link("/report?format=file", "Download as one HTML file (to e-mail or print)", download=True),
    # The export page serves the FHIR bundle as an attachment already: link to it, not a copy.
    Link("/export?format=fhir", "Download the FHIR bundle (for a health record system)", download=True),
    Link("/assessments", "Your assessments (delete a mistaken one)"),
    Link("/", "Back to nasalis"),
)
"""What the web page offers above the report; the PDF is made without them."""


@router.get("/report")
def report(
    request: Request,
    store: StoreDep,
    viewer: ViewerDep,
    format: Annotated[
        Literal["html", "pdf", "file"], Query(description="html, pdf, or file (one self-contained HTML file)")
    ] = "html",
) -> Response:
    """The doctor's report of the whole diary: the page, its PDF, or the page as a file that travels."""
    with store.read() as session:
        data = gather(session, viewer.person_id, today=local_now(request).date())
    headers = {"content-security-policy": REPORT_CSP}
    if format == "pdf":
        headers["content-disposition"] = f'attachment; filename="nasalis-report-{data.generated_on}.pdf"'
        try:
            pdf = to_pdf(to_html(data))
        except PdfUnavailableError as exc:
            raise HTTPException(503, str(exc)) from None
        return Response(pdf, media_type="application/pdf", headers=headers)
    if format == "file":
        # The file links nowhere into the app and loads nothing: no links, no manifest, no script.
        headers["content-disposition"] = f'attachment; filename="nasalis-report-{data.generated_on}.html"'
        return Response(to_html(data), media_type="text/html; charset=utf-8", headers=headers)
    headers["content-security-policy"] = PAGE_CSP
    page = to_html(data, LINKS, head=INSTALL_TAGS)
    return Response(page, media_type="text/html; charset=utf-8", headers=headers)
