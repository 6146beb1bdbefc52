"""Attacks that are web pages, in a real chromium against a real `nasalis serve`.

A page served from another loopback port plants the CSRF cookie (cookies do not tell ports
apart) and posts a check-in form, a delete form and a forged diary; the API docs run Swagger UI
from the vendored files under the app's own Content-Security-Policy.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Request

from tests.web.browsing import PHONE, shot
from tests.web.live import free_port, live_process, live_server

PLANTED = "A" * 43
"""What the attacker's page writes into the nasalis_csrf cookie and into each form's token."""
NOTE = "the victim's own note"


@pytest.fixture
def app_server(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The person's diary in personal mode (the default), holding one twitch with a note."""
    monkeypatch.delenv("NASALIS_ALLOWED_HOSTS", raising=False)  # the real loopback-only defaults
    with live_server(db_url) as base:
        made = httpx2.post(f"{base}/api/episodes", json={"started_at": "2026-01-05T08:00:00Z", "note": NOTE})
        assert made.status_code == 201, made.text
        yield base


ATTACKS = {
    "check-in": """
      <form id="f" method="post" action="{app}/day">
        <input name="csrf_token" value="{planted}"><input name="stress" value="9">
        <input name="sleep_hours" value="3">
      </form>""",
    "delete": """
      <form id="f" method="post" action="{app}/diary/episodes/1/delete">
        <input name="csrf_token" value="{planted}">
      </form>""",
    "import": """
      <form id="f" method="post" action="{app}/import" enctype="multipart/form-data">
        <input name="csrf_token" value="{planted}"><input id="file" name="file" type="file">
      </form>
      <script>
        const forged = new File([{forged}], "diary.json", {{type: "application/json"}});
        const files = new DataTransfer();
        files.items.add(forged);
        document.getElementById("file").files = files.files;
      </script>""",
}
FORGED = {"schema": "nasalis.diary/1", "episodes": [{"started_at": "2026-01-06T09:00:00Z", "note": "forged"}]}


def _attacker_site(folder: Path, app: str) -> None:
    """The attacker's pages: plant the cookie, then send the form at once."""
    for name, form in ATTACKS.items():
        body = form.format(app=app, planted=PLANTED, forged=json.dumps(json.dumps(FORGED)))
        (folder / f"{name}.html").write_text(
            f"<!doctype html><html><body>{body}<script>"
            f'document.cookie = "nasalis_csrf={PLANTED}; path=/";'
            'document.getElementById("f").submit();</script></body></html>'
        )


def _attack(browser: Browser, page_url: str, app: str) -> list[int]:
    """Open one attack page in a fresh browser (the app not open); the app's answers' statuses."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if r.url.startswith(app) else None)
    with page.expect_navigation(url=f"{app}/**"):
        page.goto(page_url)
    planted = [c["value"] for c in context.cookies() if c["name"] == "nasalis_csrf"]
    assert planted == [PLANTED], "the attack page did not plant its cookie"
    assert "another site" in page.content()
    context.close()
    return answers


def test_a_page_on_another_loopback_port_cannot_plant_the_csrf_cookie_and_post(
    app_server: str, browser: Browser, tmp_path: Path
) -> None:
    _attacker_site(tmp_path, app_server)
    port = free_port()
    folder = str(tmp_path)
    server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", folder]
    with live_process(server, port, f"/{next(iter(ATTACKS))}.html") as attacker:
        for name in ATTACKS:
            answers = _attack(browser, f"{attacker}/{name}.html", app_server)
            assert answers[:1] == [403], (name, answers)
    with httpx2.Client(base_url=app_server) as check:
        assert check.get("/api/days").json() == []
        episodes = check.get("/api/episodes").json()
        assert [e["note"] for e in episodes] == [NOTE]  # not deleted, nothing forged imported


def test_the_api_docs_run_from_vendored_files_under_the_apps_policy(
    app_server: str, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    refused: list[str] = []
    elsewhere: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            refused.append(f"{message.text} {message.location.get('url')}")

    def request(sent: Request) -> None:
        if not sent.url.startswith((app_server, "data:")):
            elsewhere.append(sent.url)

    page.on("console", console)
    page.on("request", request)
    page.goto(f"{app_server}/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20  # every operation of the API is listed
    page.locator(".opblock-summary").first.click()  # opening one works too (no script refused)
    page.get_by_role("button", name="Try it out").first.wait_for()
    assert refused == []
    assert elsewhere == []
    shot(page, "api-docs-phone", axe=False)  # Swagger UI's own markup, vendored as it is
    context.close()
