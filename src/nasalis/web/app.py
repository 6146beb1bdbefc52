"""Build the FastAPI application; the CLI only calls create_app and runs it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from nasalis import __version__
from nasalis.config import Settings
from nasalis.diary.store import open_store
from nasalis.knowledge import load_knowledge
from nasalis.web.routes import assess_api, assess_pages, insights_api, learn_pages
from nasalis.web.templating import TEMPLATES


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web app for these settings."""
    settings = settings or Settings()
    load_knowledge()  # validate the curated data now, not on the first request
    app = FastAPI(title="nasalis", version=__version__, docs_url="/docs")
    app.state.settings = settings
    app.state.store = open_store(settings.db_url or None)  # creates or upgrades the schema
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(assess_api.router)
    app.include_router(insights_api.router)
    app.include_router(assess_pages.router)
    app.include_router(learn_pages.router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "home.html", {})

    return app
