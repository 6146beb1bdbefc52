"""/phone: how to reach nasalis from a phone (trust the certificate, add it to the home screen).

Open without sign-in: a phone that does not trust the certificate yet cannot sign in, and the
page holds nothing private (no diary, no name; the certificate is public by nature).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from nasalis.config import certificate_fingerprint
from nasalis.web.deps import find_viewer, get_settings
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

CERTIFICATE_TYPE = "application/x-x509-ca-cert"
"""The media type Android's certificate installer and iOS's profile installer open a CA with."""


def _certificate(request: Request) -> Path | None:
    name = get_settings(request).phone_ca
    path = Path(name) if name else None
    return path if path is not None and path.is_file() else None


@router.get("/phone", response_class=HTMLResponse)
async def phone_page(request: Request) -> HTMLResponse:
    """Step by step for Android and iPhone: trust this computer's certificate, then install the app."""
    await find_viewer(request)  # signed in: the page shows the menu; else it still answers
    path = _certificate(request)
    fingerprint = certificate_fingerprint(path) if path is not None else None
    # Four rows of eight bytes: the 95 characters fit a phone's width without wrapping mid-byte.
    rows = [fingerprint[start : start + 24].rstrip(":") for start in range(0, 96, 24)] if fingerprint else []
    return page(request, "phone.html", {"certificate": path is not None, "fingerprint_rows": rows})


@router.get("/phone/nasalis-root.crt")
def phone_certificate(request: Request) -> FileResponse:
    """The root certificate of the local HTTPS proxy `nasalis phone` started (404 without one)."""
    path = _certificate(request)
    if path is None:
        raise HTTPException(
            404, "This server was not started by `nasalis phone`: it has no certificate to give."
        )
    return FileResponse(path, media_type=CERTIFICATE_TYPE, filename="nasalis-root.crt")
