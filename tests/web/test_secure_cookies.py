"""Cookies are Secure when the request came over HTTPS (as uvicorn reports it behind a trusted
proxy), and only then unless NASALIS_SECURE_COOKIES says so."""

from __future__ import annotations

from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.web.app import create_app
from tests.web.conftest import csrf_of


def _set_cookies(settings: Settings, base_url: str) -> list[str]:
    """Every Set-Cookie of a first visit to /signup and of signing up."""
    with TestClient(create_app(settings), base_url=base_url, follow_redirects=False) as client:
        form = client.get("/signup")
        done = client.post(
            "/signup",
            data={"csrf_token": csrf_of(form.text), "username": "paula", "password": "correct horse battery"},
        )
        assert done.status_code == 303, done.text
        return form.headers.get_list("set-cookie") + done.headers.get_list("set-cookie")


def test_over_https_every_cookie_is_secure(db_url: str) -> None:
    cookies = _set_cookies(Settings(db_url=db_url, accounts=True), "https://testserver")
    assert {c.split("=", 1)[0] for c in cookies} == {"nasalis_csrf", "nasalis_session"}
    assert all("; secure" in c.lower() for c in cookies), cookies


def test_over_http_they_are_not_unless_told(db_url: str) -> None:
    plain = _set_cookies(Settings(db_url=db_url, accounts=True), "http://testserver")
    assert not any("secure" in c.lower() for c in plain), plain
    told = Settings(db_url=db_url, accounts=True, secure_cookies=True)
    with TestClient(create_app(told), base_url="http://testserver") as client:
        # (so the browser never sends it back over plain HTTP, and signing up there fails)
        cookie = client.get("/signup").headers["set-cookie"]
    assert cookie.startswith("nasalis_csrf="), cookie
    assert "; secure" in cookie.lower(), cookie
