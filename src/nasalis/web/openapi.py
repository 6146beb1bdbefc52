"""The OpenAPI schema, with one documented shape for every 'bad input' (422) answer."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi, validation_error_definition

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


def install(app: FastAPI) -> None:
    """Make app.openapi() describe every 422 as BadInput (ours are sentences, FastAPI's are lists)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["BadInput"] = BAD_INPUT
            components.setdefault("ValidationError", validation_error_definition)
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    responses = operation.setdefault("responses", {})
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
