"""Schemathesis over the app's own OpenAPI schema: every operation, bounded examples, no 500
and no response that breaks the schema; in personal mode and signed in, in server mode."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nasalis.config import Settings
from nasalis.web.app import create_app
from tests.web.conftest import sign_up

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
"""No 500, and every response as the schema says: status, content type, body and headers.
(Left out: whether the schema is as strict as the validation; a started_at of "" is a valid
string to the schema and a bad date to us, which answers 422 naming the field.)"""
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _app(accounts: bool) -> FastAPI:
    folder = Path(tempfile.mkdtemp(prefix="nasalis-fuzz-"))
    return create_app(Settings(db_url=f"sqlite:///{folder / 'diary.db'}", accounts=accounts))


PERSONAL = _app(accounts=False)
SERVER = _app(accounts=True)
personal_schema = schemathesis.openapi.from_asgi("/openapi.json", PERSONAL)
# In server mode /openapi.json answers only signed-in people: read the schema from the app itself.
server_schema = schemathesis.openapi.from_dict(SERVER.openapi())
server_schema.app = SERVER


@pytest.fixture(scope="module")
def signed_in() -> Iterator[dict[str, Any]]:
    """A session cookie and CSRF token of a person in server mode."""
    with TestClient(SERVER, base_url="http://testserver") as client:
        token = sign_up(client, "fuzzer")
        yield {"cookies": dict(client.cookies), "headers": {"X-CSRF-Token": token}}


def teardown_module() -> None:
    PERSONAL.state.store.close()
    SERVER.state.store.close()


@personal_schema.parametrize()
@EXAMPLES
def test_every_operation_in_personal_mode(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=CHECKS)


@server_schema.parametrize()
@EXAMPLES
def test_every_operation_signed_in_in_server_mode(
    case: schemathesis.Case[Any], signed_in: dict[str, Any]
) -> None:
    response = case.call_and_validate(
        cookies=signed_in["cookies"], headers=signed_in["headers"], checks=CHECKS
    )
    assert response.status_code not in (401, 403), "the session or CSRF token did not reach the app"
