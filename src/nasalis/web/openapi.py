"""The OpenAPI schema, with one documented shape for every 'bad input' (422) answer, and /docs.

/docs is Swagger UI from vendored files (static/vendor), started by a script file, so it runs
under the app's normal Content-Security-Policy; in server mode both are for signed-in people only.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.utils import get_openapi, validation_error_definition
from fastapi.responses import HTMLResponse, JSONResponse

from nasalis.diary.idempotency import MAX_KEY_CHARS
from nasalis.web.deps import NotSignedInError, find_viewer
from nasalis.web.idempotent_writes import DESCRIPTION, HEADER, LOST_ANSWER_DESCRIPTION, WRITE_METHODS
from nasalis.web.routes.app_shell import INSTALL_TAGS

SWAGGER_UI = "5.35.0"
"""The vendored Swagger UI (npm swagger-ui-dist); its files carry this version in their names."""
OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"
DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nasalis API</title>
<link rel="icon" href="/static/icon.svg">
<link rel="stylesheet" href="/static/vendor/swagger-ui-{SWAGGER_UI}.css">
{INSTALL_TAGS}
</head>
<body>
<div id="swagger-ui" data-spec="{OPENAPI_URL}"></div>
<script src="/static/vendor/swagger-ui-bundle-{SWAGGER_UI}.js"></script>
<script src="/static/vendor/swagger-ui-start.js"></script>
</body>
</html>
"""

BAD_INPUT = {
    "title": "BadInput",
    "description": "What was wrong: FastAPI's field list, or a sentence naming the field or line.",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
            ]
        },
        "problems": {"type": "array", "items": {"type": "string"}},
    },
}


ALREADY_SAVED: dict[str, Any] = {
    "title": "AlreadySaved",
    "description": "A retried write whose first request was saved but whose answer was lost.",
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}


def _document_lost_answer(responses: dict[str, Any]) -> None:
    """Add the lost-answer 200 beside the operation's own success answer (or as its only 200)."""
    lost = {"$ref": "#/components/schemas/AlreadySaved"}
    ok = responses.setdefault("200", {"description": LOST_ANSWER_DESCRIPTION})
    if ok["description"] != LOST_ANSWER_DESCRIPTION:
        ok["description"] = f"{ok['description'].rstrip('.')}. {LOST_ANSWER_DESCRIPTION}"
    body = ok.setdefault("content", {}).setdefault("application/json", {})
    own = body.get("schema")
    # An empty schema ({}: any JSON, as /api/assess answers) is still the answer's own: keep it beside.
    body["schema"] = {"anyOf": [own, lost]} if own is not None else lost


def _document_key(operation: dict[str, Any], responses: dict[str, Any]) -> None:
    """Say on a write operation that it takes an Idempotency-Key, and what a retry gets."""
    operation.setdefault("parameters", []).append(
        {
            "name": HEADER,
            "in": "header",
            "required": False,
            "description": DESCRIPTION,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_CHARS},
        }
    )
    _document_lost_answer(responses)
    responses.setdefault(
        "409",
        {
            "description": f"Another request with this {HEADER} is still being handled: retry after "
            "the Retry-After header's seconds",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"detail": {"type": "string"}}}
                }
            },
        },
    )


def install(app: FastAPI) -> None:
    """Make app.openapi() describe every 422 as BadInput (ours are sentences, FastAPI's are lists)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["BadInput"] = BAD_INPUT
            components["AlreadySaved"] = ALREADY_SAVED
            components.setdefault("ValidationError", validation_error_definition)
            for path, operations in schema.get("paths", {}).items():
                for method, operation in operations.items():
                    responses = operation.setdefault("responses", {})
                    if path.startswith("/api/") and method.upper() in WRITE_METHODS:
                        _document_key(operation, responses)
                    said = responses.get("422", {}).get("description", "Bad input; nothing was changed")
                    responses["422"] = {
                        "description": said,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/BadInput"}}
                        },
                    }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi_json(request: Request) -> JSONResponse:
        if await find_viewer(request) is None:
            raise HTTPException(401, "sign in first")
        return JSONResponse(app.openapi())

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        if await find_viewer(request) is None:
            raise NotSignedInError()  # to /login, and back here after
        return HTMLResponse(DOCS_PAGE)
