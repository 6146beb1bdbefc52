"""Server mode: accounts, sessions, CSRF, rate limiting, and one person never reaching another's data.

Every route of the app is enumerated, so a route added later is covered without editing
this file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from nasalis.config import Settings
from nasalis.diary import accounts, clinic, share_links, videos
from nasalis.diary.accounts import MAX_FAILURES
from nasalis.diary.models import Account, ShareLink
from nasalis.web.app import create_app
from nasalis.web.routes import app_shell
from tests.web.conftest import PASSWORD, csrf_of, sign_in, sign_up

PUBLIC = {
    "/login",
    "/signup",
    "/docs",
    "/docs/oauth2-redirect",
    "/openapi.json",
    "/phone",
    "/phone/nasalis-root.crt",
    "/calendar/{token}.ics",
    "/shared/{token}",
    *app_shell.PUBLIC,
}
"""Routes that answer without sign-in: the /phone help and its certificate and the app shell hold
nothing private; the calendar feed's and a share link's secret address is its credential."""


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI >= 0.16x wraps included routers
            yield from _api_routes(route.original_router.routes)


def _routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) of the app except the public ones."""
    return [
        (method, route.path)
        for route in _api_routes(app.routes)
        if route.path not in PUBLIC
        for method in sorted(route.methods or ())
    ]


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


@pytest.fixture
def server(server_app: Settings) -> Iterator[TestClient]:
    app = create_app(server_app)
    with TestClient(app) as client:
        yield client
    app.state.store.close()


def test_anonymous_requests_go_to_login_or_get_401(server: TestClient) -> None:
    ids = {
        "episode_id": "1",
        "date": "2026-01-01",
        "entry_id": "magnesium",
        "video_id": "1",
        "link_id": "1",
        "person_id": "1",
        "grant_id": "1",
        "treatment_id": "1",
        "score_id": "1",
    }
    routes = _routes(server.app)
    assert len(routes) > 30
    for method, path in routes:
        response = server.request(method, _fill(path, ids), follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        elif path == "/logout":
            assert response.status_code in (303, 403), (method, path)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login?next=")


def test_signup_login_logout_and_password_change(server: TestClient) -> None:
    token = sign_up(server, "carol")
    assert "Sign out carol" in server.get("/").text
    assert server.post("/logout", data={"csrf_token": token}).url.path == "/login"
    assert server.get("/", follow_redirects=False).status_code == 303
    form = csrf_of(server.get("/login").text)
    wrong = server.post(
        "/login", data={"csrf_token": form, "username": "carol", "password": "nope nope nope"}
    )
    assert wrong.status_code == 401
    assert "wrong username or password" in wrong.text
    ok = server.post(
        "/login", data={"csrf_token": form, "username": "Carol", "password": PASSWORD, "next": "/diary"}
    )
    assert ok.url.path == "/diary"
    token = csrf_of(server.get("/account").text)
    bad = server.post("/account", data={"csrf_token": token, "old_password": "x", "new_password": "y" * 12})
    assert bad.status_code == 422
    changed = server.post(
        "/account", data={"csrf_token": token, "old_password": PASSWORD, "new_password": "a much better one"}
    )
    assert "Password changed" in changed.text
    taken = TestClient(server.app)
    form = csrf_of(taken.get("/signup").text)
    again = taken.post("/signup", data={"csrf_token": form, "username": "carol", "password": PASSWORD})
    assert again.status_code == 422
    assert "taken" in again.text
    short = taken.post("/signup", data={"csrf_token": form, "username": "dave", "password": "short"})
    assert short.status_code == 422
    assert "password" in short.text


def test_login_is_rate_limited_and_never_redirects_off_site(server: TestClient) -> None:
    sign_up(server, "erin")
    other = TestClient(server.app)
    form = csrf_of(other.get("/login").text)
    for _ in range(MAX_FAILURES):
        assert (
            other.post(
                "/login", data={"csrf_token": form, "username": "erin", "password": "guess guess"}
            ).status_code
            == 401
        )
    blocked = other.post("/login", data={"csrf_token": form, "username": "erin", "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password waits now
    fresh = TestClient(server.app)
    sign_up(fresh, "frank")
    fresh.post("/logout", data={"csrf_token": csrf_of(fresh.get("/").text)})
    form = csrf_of(fresh.get("/login").text)
    landed = fresh.post(
        "/login",
        data={"csrf_token": form, "username": "frank", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert landed.headers["location"] == "/"


def test_forms_without_csrf_and_planted_sessions_are_refused(server: TestClient) -> None:
    no_token = server.post("/login", data={"username": "x", "password": "y"})
    assert no_token.status_code == 403
    token = sign_up(server, "grace")
    assert server.post("/episodes", data={"tz": "0"}).status_code == 403
    assert server.post("/api/episodes", json={"started_at": "2026-01-01T00:00:00Z"}).status_code == 403
    made = server.post(
        "/api/episodes", json={"started_at": "2026-01-01T00:00:00Z"}, headers={"x-csrf-token": token}
    )
    assert made.status_code == 201
    # Session fixation: a cookie planted before login is not what the login hands out.
    planted = TestClient(server.app, cookies={"nasalis_session": "planted-by-attacker"})
    assert planted.get("/", follow_redirects=False).status_code == 303
    form = csrf_of(planted.get("/login").text)
    planted.post("/login", data={"csrf_token": form, "username": "grace", "password": PASSWORD})
    handed_out = [c.value for c in planted.cookies.jar if c.name == "nasalis_session"]
    assert any(v != "planted-by-attacker" for v in handed_out)
    planted.cookies.jar.clear()
    assert (
        TestClient(server.app, cookies={"nasalis_session": "planted-by-attacker"})
        .get("/api/episodes")
        .status_code
        == 401
    )  # the planted token never became a session


def test_cookies_are_httponly_and_samesite(server_app: Settings) -> None:
    app = create_app(server_app)
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/signup")
        done = client.post(
            "/signup",
            data={"csrf_token": csrf_of(form.text), "username": "heidi", "password": PASSWORD},
            follow_redirects=False,
        )
        cookie = done.headers["set-cookie"]
        assert "nasalis_session=" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" in cookie
    app.state.store.close()


def test_signup_can_be_closed(db_url: str) -> None:
    app = create_app(Settings(db_url=db_url, accounts=True, signup_open=False))
    with TestClient(app) as client:
        page = client.get("/signup")
        assert "Sign-up is closed" in page.text
        page = client.get("/login")
        token = csrf_of(page.text)
        shut = client.post("/signup", data={"csrf_token": token, "username": "ivan", "password": PASSWORD})
        assert shut.status_code == 403
    app.state.store.close()


def test_nobody_reaches_another_persons_data_through_any_route(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, alice_token, bob, bob_token = two_people
    day = "2026-02-01"
    made = alice.post(
        "/api/episodes",
        json={"started_at": "2026-02-01T08:00:00+00:00", "intensity": 5, "note": "alice's secret"},
        headers={"x-csrf-token": alice_token},
    ).json()
    alice.put(
        f"/api/days/{day}", json={"stress": 4, "tags": ["secret"]}, headers={"x-csrf-token": alice_token}
    )
    alice.post("/api/experiments", json={"title": "alice's plan"}, headers={"x-csrf-token": alice_token})
    score = alice.post(
        "/api/scores",
        json={"scale": "alice's secret scale", "value": "2", "rated_on": day},
        headers={"x-csrf-token": alice_token},
    ).json()
    treatment = alice.post(
        "/api/treatments",
        json={"date": day, "kind": "botulinum_toxin", "note": "alice's secret"},
        headers={"x-csrf-token": alice_token},
    ).json()
    with alice.app.state.store.write() as session:  # type: ignore[attr-defined]
        person = alice.app.state.store.person_id("account:alice")  # type: ignore[attr-defined]
        clip = videos.create(session, person, "alice's secret.mp4", None)
        videos.finish(session, clip.id, {"events": [], "duration_s": 1.0, "notes": ["alice's secret"]}, [])
        video_id = clip.id
        link_id, _secret = share_links.create(
            session, person, "alice's secret", dt.date(2026, 1, 1), dt.date(2026, 2, 1), ("diary",), 30
        )
    with alice.app.state.store.write() as session:  # type: ignore[attr-defined]
        clinic.add_clinician(session, "drlee", accounts.hash_password(PASSWORD))
        grant_id = clinic.grant_by_name(session, person, "drlee", ["summary", "diary", "videos"])
    before = (
        alice.get("/api/episodes").json(),
        alice.get("/api/days").json(),
        alice.get("/api/export").content,
    )
    ids = {
        "episode_id": str(made["id"]),
        "date": day,
        "entry_id": "magnesium",
        "video_id": str(video_id),
        "link_id": str(link_id),
        "person_id": str(person),
        "grant_id": str(grant_id),
        "treatment_id": str(treatment["id"]),
        "score_id": str(score["id"]),
    }
    for method, path in _routes(bob.app):
        if method == "POST" and path.startswith("/diary/day/"):
            continue  # bob filling in his own day would give him a check-in that the delete below finds
        url = _fill(path, ids)
        body = {"started_at": "2026-02-01T08:00:00+00:00", "intensity": 1}
        if (
            method in ("POST", "PUT", "DELETE")
            and path.startswith("/api/")
            and path not in ("/api/import", "/api/assess")
        ):
            response = bob.request(
                method, url, json=body if method != "DELETE" else None, headers={"x-csrf-token": bob_token}
            )
        elif method == "POST" and path not in ("/logout", "/api/import", "/import"):
            response = bob.post(
                url,
                data={
                    "csrf_token": bob_token,
                    "intensity": "1",
                    "title": "bob",
                    "units": "metric",
                    "reminder_time": "20:00",
                },
            )
        else:
            response = bob.request(method, url)
        assert "alice's secret" not in response.text, (method, path)
        assert "alice's plan" not in response.text, (method, path)
        assert "drlee" not in response.text, (method, path)  # alice's grants and audit log are hers
        if path.startswith("/clinic/") or path == "/clinic":
            assert response.status_code == 403, (method, path, response.status_code)  # no clinician
        if path.startswith("/clinicians/"):
            assert response.status_code == 404, (method, path, response.status_code)
        # PUT /api/days/{date} writes bob's own check-in for that date, and /diary/day/{date} is
        # bob's own day (a date, not a row): those are his to do and see.
        if (
            "{" in path
            and path.startswith(
                (
                    "/api/episodes",
                    "/api/days",
                    "/diary",
                    "/api/videos",
                    "/videos",
                    "/sharing",
                    "/api/treatments",
                    "/treatments",
                    "/api/scores",
                )
            )
            and method != "PUT"
            and not path.startswith("/diary/day/")
        ):
            assert response.status_code == 404, (method, path, response.status_code)
    # bob's own diary may have gained his entries; alice's is exactly as it was.
    assert alice.get("/api/episodes").json() == before[0]
    assert alice.get("/api/days").json() == before[1]
    assert alice.get("/api/export").content == before[2]
    with alice.app.state.store.read() as session:  # type: ignore[attr-defined]
        kept = session.get(ShareLink, link_id)
        assert kept is not None
        assert kept.revoked_at is None
    assert [t["id"] for t in alice.get("/api/treatments").json()] == [treatment["id"]]
    assert all(e["note"] != "alice's secret" for e in bob.get("/api/episodes").json())
    assert bob.get("/api/insights").json()["days_analysed"] <= 1
    assert "alice's plan" not in bob.get("/api/experiments").text
    assert made["id"] not in [e["id"] for e in bob.get("/api/episodes").json()]
    assert [x["id"] for x in alice.get("/api/scores").json()] == [score["id"]]  # bob deleted nothing
    assert dt.date.fromisoformat(day)
    with alice.app.state.store.read() as session:  # type: ignore[attr-defined]
        assert (
            clinic.access(session, clinic_id(session, "drlee"), person).id == grant_id
        )  # not revoked by bob


def clinic_id(session: Session, name: str) -> int:
    """The person id of a clinician account."""
    return int(session.scalar(select(Account.person_id).where(Account.username == name)) or 0)


PERSON_TABLES = (
    "episodes",
    "days",
    "medications",
    "notes",
    "experiments",
    "assessments",
    "videos",
    "changes",
)
"""Where a diary's rows live: a clinician's person must never gain one."""


def _rows_of(session: Session, person_id: int) -> dict[str, int]:
    return {
        t: int(
            session.execute(text(f"SELECT count(*) FROM {t} WHERE person_id = :p"), {"p": person_id}).scalar()
            or 0
        )
        for t in PERSON_TABLES
    }


def test_a_clinician_reaches_only_granted_people_and_scopes_and_changes_nothing_through_any_route(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, alice_token, bob, bob_token = two_people
    store = alice.app.state.store  # type: ignore[attr-defined]
    alice.post(
        "/api/episodes",
        json={"started_at": "2026-02-01T08:00:00+00:00", "intensity": 5, "note": "alice's secret"},
        headers={"x-csrf-token": alice_token},
    )
    alice.put("/api/days/2026-02-01", json={"stress": 4}, headers={"x-csrf-token": alice_token})
    bob.post(
        "/api/episodes", json={"started_at": "2026-02-01T08:00:00+00:00"}, headers={"x-csrf-token": bob_token}
    )
    alice_id, bob_id = store.person_id("account:alice"), store.person_id("account:bob")
    with store.write() as session:
        doctor = clinic.add_clinician(session, "drlee", accounts.hash_password(PASSWORD))
        grant_id = clinic.grant_by_name(session, alice_id, "drlee", ["summary"])
    before = alice.get("/api/export").content, bob.get("/api/export").content
    with store.read() as session:
        mine_before = _rows_of(session, doctor)
    period = "?first=2026-01-01&last=2026-03-01"
    with TestClient(alice.app) as doc:
        token = sign_in(doc, "drlee")
        assert doc.get("/", follow_redirects=False).headers["location"] == "/clinic"  # lands on the clinic
        assert "alice" in doc.get("/clinic").text
        assert "bob" not in doc.get("/clinic").text
        report = doc.get(f"/clinic/people/{alice_id}/report{period}")
        assert report.status_code == 200
        assert "Latest assessment" in report.text  # summary: granted
        assert "Daily record" not in report.text  # full diary: not granted
        assert "alice's secret" not in report.text
        assert report.headers["cache-control"] == "no-store"
        assert doc.get(f"/clinic/people/{bob_id}/report").status_code == 404  # bob granted nothing
        ids = {
            "episode_id": "1",
            "date": "2026-02-01",
            "entry_id": "magnesium",
            "video_id": "1",
            "person_id": str(bob_id),
            "grant_id": str(grant_id),
            "link_id": "1",
            "treatment_id": "1",
            "score_id": "1",
        }
        body = {"started_at": "2026-02-03T08:00:00+00:00", "intensity": 1}
        form = {"csrf_token": token, "intensity": "1", "title": "x", "units": "metric", "scale": "JRS"}
        form |= {"value": "2", "rated_on": "2026-02-01", "reminder_time": "20:00", "scopes": "summary"}
        for method, path in _routes(doc.app):
            if path in ("/logout", "/account"):
                continue  # every account's own (tested above)
            url = _fill(path, ids)
            if path.startswith("/api/"):
                response = doc.request(
                    method,
                    url,
                    json=body if method in ("POST", "PUT") else None,
                    headers={"x-csrf-token": token},
                )
            elif method == "POST":
                response = doc.post(url, data=form, follow_redirects=False)
            else:
                response = doc.request(method, url, follow_redirects=False)
            assert "alice's secret" not in response.text, (method, path)
            if path == "/clinic" or path.startswith("/clinic/"):
                # the clinic's own: bob granted nothing, so every page of his is 404
                assert response.status_code in (200, 404), (method, path, response.status_code)
                if "{person_id}" in path:
                    assert response.status_code == 404, (method, path)
            elif path.startswith("/api/"):
                assert response.status_code == 403, (method, path, response.status_code)
            elif method in ("GET", "HEAD"):
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"] == "/clinic", (method, path)
            else:
                assert response.status_code == 403, (method, path, response.status_code)
        assert doc.post(f"/clinicians/{grant_id}/revoke", data={"csrf_token": token}).status_code == 403
    assert (alice.get("/api/export").content, bob.get("/api/export").content) == before
    with store.read() as session:
        assert _rows_of(session, doctor) == mine_before
        assert clinic.access(session, doctor, alice_id).scopes == ("summary",)
    log = alice.get("/clinicians").text
    assert "drlee" in log
    assert "opened your report" in log
    assert "opened your report" not in bob.get("/clinicians").text
    # A person never reaches a clinician's page.
    assert alice.get("/clinic").status_code == 403
    assert alice.post("/clinic/codes", data={"csrf_token": alice_token}).status_code == 403
    assert alice.get(f"/clinic/people/{alice_id}/report").status_code == 403
