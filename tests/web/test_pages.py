"""Every page, as a person without JavaScript uses it: forms, redirects, errors and undo."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of

PAGES = ["/", "/diary", "/insights", "/experiments", "/assess", "/learn", "/import", "/export", "/settings"]


def test_every_page_renders_with_security_headers(personal: TestClient) -> None:
    for path in PAGES:
        response = personal.get(path)
        assert response.status_code == 200, path
        assert "text/html" in response.headers["content-type"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert 'name="viewport"' in response.text
        assert "not a diagnosis" in response.text
        assert "<script>" not in response.text  # no inline scripts, so the CSP can forbid them
    assert personal.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_twitch_now_details_check_in_and_undo(personal: TestClient) -> None:
    page = personal.get("/").text
    assert page.index("Call emergency services") < page.index("Twitch now")
    token = csrf_of(page)
    logged = personal.post("/episodes", data={"csrf_token": token, "tz": "120"}, follow_redirects=False)
    assert logged.status_code == 303
    episode_id = re.search(r"ep=(\d+)", logged.headers["location"])
    assert episode_id
    page = personal.get(logged.headers["location"]).text
    assert "Twitch logged" in page
    assert "Undo" in page
    assert "Save details" in page
    details = personal.post(
        f"/episodes/{episode_id.group(1)}/details",
        data={"csrf_token": token, "intensity": "6", "side": "left", "areas": ["nose", "cheek"]},
    )
    assert details.status_code == 200
    (stored,) = personal.get("/api/episodes").json()
    assert (stored["intensity"], stored["side"], stored["areas"]) == (6, "left", ["nose", "cheek"])
    assert stored["started_at"].endswith("+02:00")  # the browser's time zone, not the server's
    refused = personal.post(
        f"/episodes/{episode_id.group(1)}/details", data={"csrf_token": token, "intensity": "11"}
    )
    assert refused.status_code == 422
    assert "intensity" in refused.text
    assert personal.get("/api/episodes").json()[0]["intensity"] == 6
    check_in = personal.post(
        "/day", data={"csrf_token": token, "sleep_hours": "6.5", "stress": "7", "tags": "cheese, long drive"}
    )
    assert check_in.status_code == 200
    (day,) = personal.get("/api/days").json()
    assert day["tags"] == ["cheese", "long drive"]
    assert day["stress"] == 7
    bad = personal.post("/day", data={"csrf_token": token, "stress": "eleven"})
    assert bad.status_code == 422
    assert "stress" in bad.text
    undone = personal.post("/undo", data={"csrf_token": token, "back": "/"})
    assert "Undone" in undone.text
    assert personal.get("/api/days").json() == []


def test_diary_page_calendar_filters_edit_delete(personal: TestClient) -> None:
    # Yesterday: 09:00-11:00 today has not come yet for a run before eleven (a future twitch is refused).
    day = dt.date.today() - dt.timedelta(days=1)
    for i, (side, strength) in enumerate([("left", 3), ("right", 8), ("left", 9)]):
        when = dt.datetime.combine(day, dt.time(9 + i)).astimezone().isoformat()
        personal.post("/api/episodes", json={"started_at": when, "side": side, "intensity": strength})
    personal.put(f"/api/days/{day}", json={"stress": 2})
    page = personal.get("/diary").text
    assert "3 twitches" in page
    assert 'class="c2"' in page  # that day's square: 2-3 twitches
    assert 'class="unknown"' in page  # days without a check-in are unknown, not zero
    filtered = personal.get("/diary", params={"side": "left", "strength": "5"}).text
    assert "Twitches (1)" in filtered
    assert personal.get("/diary", params={"side": "up"}).status_code == 422
    assert personal.get("/diary", params={"from": "2026-13-01"}).status_code == 422
    first = personal.get("/api/episodes").json()[0]
    edit = personal.get(f"/diary/episodes/{first['id']}")
    token = csrf_of(edit.text)
    saved = personal.post(
        f"/diary/episodes/{first['id']}",
        data={
            "csrf_token": token,
            "started_at": first["started_at"][:16],
            "offset": first["started_at"][-6:],
            "intensity": "2",
        },
    )
    assert saved.status_code == 200
    assert "Saved" in saved.text
    assert personal.get(f"/api/episodes/{first['id']}").json()["intensity"] == 2
    assert (
        personal.post(f"/diary/episodes/{first['id']}/delete", data={"csrf_token": token}).status_code == 200
    )
    assert len(personal.get("/api/episodes").json()) == 2
    assert personal.post(f"/diary/days/{day}/delete", data={"csrf_token": token}).status_code == 200
    assert personal.get("/api/days").json() == []
    assert personal.get("/diary/episodes/99999").status_code == 404


def test_import_page_insights_and_experiments(personal: TestClient) -> None:
    token = csrf_of(personal.get("/import").text)
    rows = "".join(f"2026-01-{d:02d},{d % 4}\r\n" for d in range(1, 29))
    done = personal.post(
        "/import",
        data={"csrf_token": token},
        files={"file": ("days.csv", f"date,stress\r\n{rows}".encode(), "text/csv")},
    )
    assert done.status_code == 200
    assert "Imported 0 twitches and 28 check-ins" in done.text
    bad = personal.post(
        "/import",
        data={"csrf_token": token},
        files={"file": ("days.csv", b"date,stress\r\nnope,1\r\n", "text/csv")},
    )
    assert bad.status_code == 422
    assert "line 2" in bad.text
    insights = personal.get("/insights").text
    assert "From 28 days" in insights
    assert "stress" in insights
    started = personal.post("/experiments", data={"csrf_token": token, "title": "no coffee", "pairs": "2"})
    assert started.status_code == 200
    assert "Experiment planned" in started.text
    assert personal.post("/experiments", data={"csrf_token": token, "title": "again"}).status_code == 422
    assert "no coffee" in personal.get("/insights").text


def test_settings_and_export_pages(personal: TestClient, db_url: str) -> None:
    page = personal.get("/settings")
    token = csrf_of(page.text)
    saved = personal.post(
        "/settings", data={"csrf_token": token, "units": "imperial", "reminder_time": "19:45"}
    )
    assert saved.status_code == 200
    assert "Settings saved" in saved.text
    assert personal.get("/api/settings").json()["units"] == "imperial"
    assert (
        personal.post(
            "/settings", data={"csrf_token": token, "units": "x", "reminder_time": "19:45"}
        ).status_code
        == 422
    )
    assert personal.get("/export", params={"format": "json"}).headers["content-type"] == "application/json"
    assert personal.get("/export", params={"format": "pdf"}).status_code == 422
    assert personal.get("/login").status_code == 404  # no accounts in personal mode


def test_imperial_units_enter_and_show_water_in_ounces(personal: TestClient) -> None:
    token = csrf_of(personal.get("/settings").text)
    personal.post("/settings", data={"csrf_token": token, "units": "imperial", "reminder_time": "21:00"})
    page = personal.get("/").text
    assert "Fluid ounces of water" in page
    personal.post("/day", data={"csrf_token": token, "water_litres": "64"})
    (day,) = personal.get("/api/days").json()
    assert abs(day["water_litres"] - 1.893) < 0.001  # stored in litres, as the contract says
    assert 'value="64"' in personal.get("/").text


class _Fields(HTMLParser):
    """Form controls of a page, and whether each has a label."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.labelled_ids: set[str] = set()
        self.controls: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.depth += 1
            if a.get("for"):
                self.labelled_ids.add(a["for"] or "")
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append((a.get("id") or a.get("name") or "?", self.depth > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.depth -= 1


def test_every_form_control_has_a_label(personal: TestClient) -> None:
    personal.post("/api/episodes", json={"started_at": dt.datetime.now().astimezone().isoformat()})
    episode = personal.get("/api/episodes").json()[0]["id"]
    for path in [*PAGES, f"/?msg=logged&ep={episode}", f"/diary/episodes/{episode}"]:
        fields = _Fields()
        fields.feed(personal.get(path).text)
        if path in ("/", "/settings"):
            assert len(fields.controls) >= 2, path  # the parser does see the form
        unlabelled = [c for c, wrapped in fields.controls if not wrapped and c not in fields.labelled_ids]
        assert unlabelled == [], (path, unlabelled)
