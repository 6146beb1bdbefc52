"""Web fixtures: the real app over a real diary (SQLite file and PostgreSQL), in both modes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from nasalis.config import Settings
from nasalis.web.app import create_app

PASSWORD = "correct horse battery"
SELF_CARE_ANSWERS = {
    "age_years": "34",
    "sex": "male",
    "episode_seconds": "2",
    "vision_change": "none",
    "duration_days": "3",
    "trend": "same",
    "areas": "nose",
    "stress_level": "8",
    "caffeine_drinks_per_day": "5",
    "medications": "none",
}
"""A stressed coffee drinker with a 3-day nose twitch: the questionnaire ends at self-care."""


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_up(client: httpx2.Client, username: str, password: str = PASSWORD) -> str:
    """Create an account through the form; the CSRF token of the new session."""
    form = client.get("/signup")
    done = client.post(
        "/signup", data={"csrf_token": csrf_of(form.text), "username": username, "password": password}
    )
    assert done.status_code == 200, done.text
    return csrf_of(client.get("/").text)


def sign_in(client: httpx2.Client, username: str, password: str = PASSWORD, lands_on: str = "") -> str:
    """Sign in through the login form (landing on `lands_on` when given); the session's CSRF token."""
    form = client.get("/login")
    done = client.post(
        "/login", data={"csrf_token": csrf_of(form.text), "username": username, "password": password}
    )
    assert done.status_code == 200, done.text
    if lands_on:
        assert done.url.path == lands_on
    return csrf_of(done.text)


@pytest.fixture
def personal(db_url: str) -> Iterator[TestClient]:
    """Personal mode (no accounts) over a fresh diary on each backend."""
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as client:
        yield client
    app.state.store.close()


@pytest.fixture
def server_app(db_url: str) -> Settings:
    """Server-mode settings over a fresh diary on each backend."""
    return Settings(db_url=db_url, accounts=True)


@pytest.fixture
def two_people(server_app: Settings) -> Iterator[tuple[TestClient, str, TestClient, str]]:
    """Two signed-in browsers, alice and bob, on one server-mode app (their CSRF tokens too)."""
    app = create_app(server_app)
    with TestClient(app) as alice, TestClient(app) as bob:
        yield alice, sign_up(alice, "alice"), bob, sign_up(bob, "bob")
    app.state.store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, for the tests of one module."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        yield chromium
        chromium.close()
