"""The JSON API of the diary on a real SQLite file and a real PostgreSQL: CRUD, 422s, undo."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from fastapi.testclient import TestClient


def test_episode_crud_and_undo(personal: TestClient) -> None:
    made = personal.post(
        "/api/episodes",
        json={"started_at": "2026-03-02T08:15:00+01:00", "intensity": 4, "side": "left", "areas": ["nose"]},
    )
    assert made.status_code == 201, made.text
    episode = made.json()
    assert episode["started_at"] == "2026-03-02T08:15:00+01:00"
    assert personal.get(f"/api/episodes/{episode['id']}").json()["intensity"] == 4
    changed = personal.put(
        f"/api/episodes/{episode['id']}", json={"started_at": "2026-03-02T08:15:00+01:00", "intensity": 9}
    )
    assert changed.json()["intensity"] == 9
    assert personal.post("/api/undo").json()["detail"].startswith("undid")
    assert personal.get(f"/api/episodes/{episode['id']}").json()["intensity"] == 4
    assert personal.delete(f"/api/episodes/{episode['id']}").status_code == 204
    assert personal.get(f"/api/episodes/{episode['id']}").status_code == 404
    personal.post("/api/undo")
    listed = personal.get("/api/episodes", params={"since": "2026-03-02", "until": "2026-03-02"}).json()
    assert [e["id"] for e in listed] == [episode["id"]]
    assert personal.get("/api/episodes", params={"since": "2026-03-03"}).json() == []


def test_bad_bodies_get_422_naming_the_field_and_change_nothing(personal: TestClient) -> None:
    cases = [
        ({"started_at": "2026-03-02T08:15:00"}, "started_at"),  # no offset
        ({"started_at": "2026-03-02T08:15:00Z", "intensity": 11}, "intensity"),
        ({"started_at": "2026-03-02T08:15:00Z", "side": "up"}, "side"),
        ({"started_at": "2026-03-02T08:15:00Z", "colour": "red"}, "colour"),
        ({"intensity": 3}, "started_at"),
    ]
    for body, field in cases:
        response = personal.post("/api/episodes", json=body)
        assert response.status_code == 422, body
        assert field in json.dumps(response.json()["detail"]), (body, response.text)
    assert personal.put("/api/days/2026-02-30", json={"stress": 3}).status_code == 422
    assert personal.put("/api/days/2026-02-01", json={"stress": 12}).status_code == 422
    assert personal.get("/api/episodes", params={"since": "soon"}).status_code == 422
    assert personal.get("/api/episodes").json() == []
    assert personal.get("/api/days").json() == []


def test_days_and_settings(personal: TestClient) -> None:
    saved = personal.put(
        "/api/days/2026-02-01", json={"sleep_hours": 6.5, "tags": ["cheese"], "factors": {"screen_hours": 9}}
    )
    assert saved.status_code == 200, saved.text
    assert personal.get("/api/days/2026-02-01").json()["factors"] == {"screen_hours": 9.0}
    assert personal.get("/api/days/2026-02-02").status_code == 404
    assert personal.delete("/api/days/2026-02-01").status_code == 204
    assert personal.get("/api/days").json() == []
    personal.post("/api/undo")
    assert [d["date"] for d in personal.get("/api/days").json()] == ["2026-02-01"]
    assert personal.get("/api/settings").json()["reminder_time"] == "21:00"
    assert personal.put("/api/settings", json={"reminder_time": "20:30"}).json()["reminder_time"] == "20:30"
    assert personal.put("/api/settings", json={"units": "furlongs"}).status_code == 422
    assert personal.get("/api/settings").json()["units"] == "metric"


def test_import_export_round_trip_and_all_or_nothing(personal: TestClient) -> None:
    bundle = {
        "schema": "nasalis.diary/1",
        "days": [{"date": "2026-01-01", "sleep_hours": 7}, {"date": "2026-01-02", "stress": 4}],
        "episodes": [{"started_at": "2026-01-01T09:00:00+00:00", "intensity": 3}],
    }
    files = {"file": ("diary.json", json.dumps(bundle).encode(), "application/json")}
    done = personal.post("/api/import", files=files)
    assert done.status_code == 200, done.text
    assert done.json()["days_added"] == 2
    again = personal.post("/api/import", files=files).json()
    assert again["days_added"] == 0
    assert again["days_skipped"] == 2
    exported = personal.get("/api/export", params={"format": "json"})
    assert exported.headers["content-disposition"].startswith("attachment")
    assert json.loads(exported.content)["episodes"][0]["intensity"] == 3
    archive = zipfile.ZipFile(io.BytesIO(personal.get("/api/export", params={"format": "csv"}).content))
    assert sorted(archive.namelist()) == ["days.csv", "episodes.csv"]
    bad = {"file": ("days.csv", b"date,stress\r\n2026-03-01,4\r\n2026-03-02,eleven\r\n", "text/csv")}
    refused = personal.post("/api/import", files=bad)
    assert refused.status_code == 422
    assert "days.csv" in refused.json()["detail"]
    assert "line 3" in refused.json()["detail"]
    assert "/tmp" not in refused.json()["detail"]
    assert len(personal.get("/api/days").json()) == 2  # nothing from the bad file
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("../../evil/days.csv", "date,stress\r\n2026-04-01,2\r\n")
    done = personal.post("/api/import", files={"file": ("x.zip", zipped.getvalue(), "application/zip")})
    assert done.status_code == 200
    assert done.json()["days_added"] == 1
    assert personal.post("/api/undo").json()["detail"].startswith("undid: import")


def test_experiments_api(personal: TestClient) -> None:
    started = personal.post(
        "/api/experiments", json={"title": "no caffeine after noon", "start": dt.date.today().isoformat()}
    )
    assert started.status_code == 201, started.text
    assert sorted(started.json()["schedule"]) == ["A", "A", "B", "B"]
    assert personal.post("/api/experiments", json={"title": "x", "block_days": 1}).status_code == 422
    # Started in the past, it would at once be "no clear effect" on no days at all.
    past = personal.post("/api/experiments", json={"title": "late", "start": "2020-01-06"})
    assert past.status_code == 422
    assert "start" in past.text
    listed = personal.get("/api/experiments").json()
    assert listed["experiments"][0]["title"] == "no caffeine after noon"
    assert personal.get("/api/insights").json()["experiments"] == listed["experiments"]


def test_cross_site_posts_are_refused_in_personal_mode(personal: TestClient) -> None:
    body = {"started_at": "2026-03-02T08:15:00Z"}
    evil = personal.post("/api/episodes", json=body, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403
    labelled = personal.post("/api/episodes", json=body, headers={"sec-fetch-site": "cross-site"})
    assert labelled.status_code == 403
    form = personal.post("/episodes", data={"tz": "0"})  # a page form without the token
    assert form.status_code == 403
    assert personal.get("/api/episodes").json() == []
