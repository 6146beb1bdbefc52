"""The app shell's answers over a real diary (SQLite and PostgreSQL): the reminder's question,
the manifest, the worker and the offline page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from nasalis.knowledge import load_knowledge
from nasalis.web.routes.app_shell import SHELL, shell_version
from tests.web.test_server_mode import _api_routes


def _put_reminder(client: TestClient, at: str) -> None:
    saved = client.put("/api/settings", json={"reminder_time": at})
    assert saved.status_code == 200, saved.text


def test_the_reminder_is_due_only_while_the_evening_check_in_is_missing(personal: TestClient) -> None:
    personal.cookies.set("nasalis_tz", "0")  # UTC: the test knows the person's clock
    now = dt.datetime.now(dt.UTC)
    today = now.date().isoformat()
    _put_reminder(personal, "00:00")  # a time that has passed today
    assert personal.get("/api/reminder").json() == {
        "date": today,
        "reminder_time": "00:00",
        "check_in_missing": True,
        "due": True,
    }
    morning = personal.put(f"/api/days/{today}", json={"morning_stress": 3, "morning_at": "00:00"})
    assert morning.status_code == 200, morning.text
    assert personal.get("/api/reminder").json()["due"] is True  # the morning card alone is not the check-in
    evening = personal.put(f"/api/days/{today}", json={"stress": 4})
    assert evening.status_code == 200, evening.text
    answer = personal.get("/api/reminder").json()
    assert answer["check_in_missing"] is False
    assert answer["due"] is False


def test_the_reminder_waits_for_its_time(personal: TestClient) -> None:
    personal.cookies.set("nasalis_tz", "0")
    if dt.datetime.now(dt.UTC).strftime("%H:%M") == "23:59":
        personal.cookies.set("nasalis_tz", "-60")  # the one minute with no later time today
    _put_reminder(personal, "23:59")
    answer = personal.get("/api/reminder").json()
    assert answer["check_in_missing"] is True
    assert answer["due"] is False


def test_the_worker_names_this_shell_and_keeps_nothing_else(personal: TestClient) -> None:
    worker = personal.get("/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert f'const VERSION = "{shell_version()}";' in worker.text
    for path in SHELL:  # every file the worker asks for at install exists, or install would fail
        assert personal.get(path).status_code == 200, path
    assert "/api/" not in "".join(SHELL)


PARAMETERS = {
    "date": dt.date.today().isoformat(),
    "episode_id": "1",
    "video_id": "1",
    "token": "x" * 43,
    "person_id": "1",
}
"""A value for each path parameter of a page route (an id that opens nothing gets the error page,
which is a page of the app too)."""
QUERIES = {"/assess/result": "?assessment=1"}
"""The query a page route needs to answer at all."""
OUTSIDE_THE_APP = {"/shared/{token}"}
"""A shared report is read by someone who is not a user of the app: it links nowhere into it and
installs nothing (issue 22), so it carries neither the manifest nor the worker (tested in
tests/web/test_share_links.py)."""


def _page_routes(client: TestClient) -> list[tuple[str, Any]]:
    """Every GET route outside /api/ (the pages, and the files beside them), its path filled in."""
    entry = load_knowledge().entries[0].id
    filled = []
    for route in _api_routes(client.app.routes):  # type: ignore[attr-defined]
        if (
            "GET" in (route.methods or set())
            and not route.path.startswith("/api/")
            and route.path not in OUTSIDE_THE_APP
        ):
            path = route.path.format(**PARAMETERS, entry_id=entry) + QUERIES.get(route.path, "")
            filled.append((path, route))
    return filled


def test_every_page_links_the_manifest_and_loads_the_worker_s_registration(personal: TestClient) -> None:
    html = set()
    for path, route in _page_routes(personal):
        answer = personal.get(path)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        html.add(route.path)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in answer.text, path
        assert '<script src="/static/app.js" defer></script>' in answer.text, path
    declared = {route.path for _, route in _page_routes(personal) if route.response_class is HTMLResponse}
    missing = (declared | {"/report"}) - html
    assert not missing, f"page routes that answered no page: {sorted(missing)}"  # none skipped
    assert 'register("/sw.js"' in personal.get("/static/app.js").text
