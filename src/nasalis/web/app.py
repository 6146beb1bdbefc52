"""Build the FastAPI application; the CLI only calls create_app and runs it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from nasalis import __version__
from nasalis.config import Settings, allowed_hosts, server_secret
from nasalis.diary.entries import NotFoundError
from nasalis.diary.store import is_disk_full, open_store
from nasalis.knowledge import load_knowledge
from nasalis.log_setup import configure as configure_logging
from nasalis.web.clip_queue import resume_waiting
from nasalis.web.country import for_request as emergency_for
from nasalis.web.deps import ClinicianHereError, NotSignedInError, find_viewer
from nasalis.web.failure import unexpected_error
from nasalis.web.guards import Guards
from nasalis.web.idempotent_writes import IdempotentWrites
from nasalis.web.openapi import install as install_openapi
from nasalis.web.reminder_job import start_for as start_reminders
from nasalis.web.request_log import RequestLog, note_route
from nasalis.web.routes import (
    account_pages,
    app_shell,
    assess_api,
    assess_pages,
    assessment_history_pages,
    clinic_pages,
    clinician_access_pages,
    country_pages,
    cycles_api,
    day_pages,
    diary_api,
    diary_pages,
    experiments_api,
    insights_api,
    insights_pages,
    learn_pages,
    medicines_pages,
    phone_pages,
    progress_pages,
    reminder_pages,
    report_pages,
    scores_api,
    scores_pages,
    share_pages,
    today_pages,
    transfer_api,
    transfer_pages,
    treatment_pages,
    treatments_api,
    video_api,
    video_pages,
)
from nasalis.web.templating import page

ROUTERS = (
    app_shell,
    assess_api,
    diary_api,
    insights_api,
    cycles_api,
    treatments_api,
    experiments_api,
    scores_api,
    transfer_api,
    account_pages,
    today_pages,
    assess_pages,
    medicines_pages,
    treatment_pages,
    assessment_history_pages,
    day_pages,
    diary_pages,
    progress_pages,
    insights_pages,
    learn_pages,
    report_pages,
    scores_pages,
    transfer_pages,
    country_pages,
    reminder_pages,
    share_pages,
    video_api,
    video_pages,
    phone_pages,
    clinic_pages,
    clinician_access_pages,
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.jobs = None  # the video queue, made when the first clip arrives
    await run_in_threadpool(resume_waiting, app)  # or now, for clips a stop left waiting
    reminders = start_reminders(app.state.settings, app.state.store)
    yield
    if reminders is not None:
        await run_in_threadpool(reminders.stop)
    if app.state.jobs is not None:
        app.state.jobs.close()  # let clips being measured finish


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web app for these settings."""
    settings = settings or Settings()
    load_knowledge()  # validate the curated data now, not on the first request
    # openapi.install serves /docs and /openapi.json itself: vendored, and to signed-in people only.
    app = FastAPI(
        title="nasalis",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan,
        dependencies=[Depends(note_route)],
    )
    app.state.settings = settings
    install_openapi(app)
    app.state.store = open_store(settings.db_url or None)  # creates or upgrades the schema
    app.state.secret = server_secret()  # signs personal-mode CSRF tokens
    app.state.hosts = allowed_hosts(settings)  # the Host names (and Origins) this server answers
    app.add_middleware(IdempotentWrites)  # inside Guards: hosts and sizes are checked first
    app.add_middleware(
        Guards,
        max_body=settings.max_upload_bytes,
        hosts=app.state.hosts,
        secure_cookies=settings.secure_cookies,
    )
    app.add_middleware(RequestLog)  # outermost: it logs and tags even what Guards refuses
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in ROUTERS:
        app.include_router(module.router)

    @app.exception_handler(NotSignedInError)
    async def not_signed_in(request: Request, _exc: NotSignedInError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first"}, 401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", 303)

    @app.exception_handler(ClinicianHereError)
    async def clinician_here(request: Request, _exc: ClinicianHereError) -> Response:
        # A clinician's session on a person's route: it reads through /clinic, and writes nothing.
        if request.method in ("GET", "HEAD") and not _is_api(request):
            return RedirectResponse("/clinic", 303)
        detail = "a clinician account reads people's diaries through /clinic and changes nothing"
        if _is_api(request):
            return JSONResponse({"detail": detail}, 403)
        return await http_error(request, StarletteHTTPException(403, detail))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        # Someone else's id and a missing id look the same: 404, from one place.
        return await http_error(request, StarletteHTTPException(404, str(exc)))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def store_unavailable(request: Request, exc: Exception) -> Response:
        # The database went away (PostgreSQL stopped, network) or its disk filled: the write's
        # transaction was rolled back, so say plainly that nothing was saved. pool_pre_ping
        # gives the next request a fresh connection, so the app recovers on its own.
        full = is_disk_full(exc)
        status = 507 if full else 503
        detail = (
            "The disk that holds the diary is full. Nothing was saved; free some space and try again."
            if full
            else "The diary's database cannot be reached right now. Nothing was saved; try again in a minute."
        )
        headers = {"Retry-After": "30"}
        if _is_api(request):
            return JSONResponse({"detail": detail}, status, headers=headers)
        response = page(request, "error.html", {"status": status, "detail": detail}, status)
        response.headers.update(headers)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # a body that cannot even be parsed: bad input, like any other
            exc = StarletteHTTPException(422, exc.detail, exc.headers)
        if _is_api(request) or request.url.path.startswith(("/docs", "/openapi")):
            return await http_exception_handler(request, exc)
        # The page shows who is signed in: server mode looks the session up, off the event loop,
        # and so is the person's country (the footer's emergency number).
        viewer = await find_viewer(request)
        await run_in_threadpool(emergency_for, request, viewer.person_id if viewer else None)
        detail = exc.detail
        if isinstance(detail, list):  # the API's field errors, shown to a person as sentences
            detail = "; ".join(f"{d['loc'][-1]}: {d['msg']}" for d in detail)
        return page(request, "error.html", {"status": exc.status_code, "detail": detail}, exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Guards calls this (not Starlette's outermost error middleware) so the 500 carries
        # the security headers and the exception, whose message may quote a note, is not re-raised.
        return unexpected_error(request, exc)

    return app


def app_from_env() -> FastAPI:
    """The app from NASALIS_* environment variables (each worker process calls this)."""
    settings = Settings()
    configure_logging(settings.log_json)  # a worker is a fresh process: its own log handler
    return create_app(settings)
