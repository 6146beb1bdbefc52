"""GET /api/insights on a real diary file: the same JSON as the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bench.support.simulator import Effect, simulate
from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import EpisodeRecord
from nasalis.web.app import create_app
from tests.cli.runner import nasalis_process
from tests.web.conftest import csrf_of


def test_api_insights_matches_the_cli(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    app = create_app(Settings(db_url=db))
    diary = simulate(60, [Effect("tag:cheese", 2.5)], seed=4)
    zone = dt.timezone(dt.timedelta(hours=-5))
    episodes = [
        EpisodeRecord(started_at=dt.datetime.combine(d, dt.time(12), zone) + dt.timedelta(seconds=i))
        for i, d in enumerate(diary.episode_dates)
    ]
    store = app.state.store
    import_bundle(store, store.person_id(), Bundle(episodes, diary.days))
    client = TestClient(app)
    response = client.get("/api/insights")
    assert response.status_code == 200
    body = response.json()
    assert body["schema"] == "nasalis.insights/1"
    assert body["days_analysed"] == 60
    assert body == json.loads(nasalis_process("insights", "--json", "--db", db).stdout)
    assert client.get("/api/insights", params={"since": "2026-02-01"}).json()["days_analysed"] == 60 - 31
    assert client.get("/api/insights", params={"since": "Feb"}).status_code == 422
    assert "/api/insights" in client.get("/openapi.json").json()["paths"]


def test_experiment_start_days_are_today_to_a_year_ahead_and_nothing_is_stored_otherwise(
    personal: TestClient,
) -> None:
    today = dt.date.today()
    for start, said in (
        ("2020-03-02", "must be today or later (2020-03-02 has passed)"),
        ((today + dt.timedelta(days=366)).isoformat(), "must be within 365 days from today"),
    ):
        refused = personal.post("/api/experiments", json={"title": "no coffee", "start": start})
        assert refused.status_code == 422
        (error,) = refused.json()["detail"]
        assert error["loc"] == ["body", "start"]
        assert said in error["msg"]
    blank = personal.post("/api/experiments", json={"title": "   "})
    assert blank.status_code == 422
    assert blank.json()["detail"][0]["loc"] == ["body", "title"]
    assert personal.get("/api/experiments").json() == {"today": None, "experiments": []}
    planned = personal.post("/api/experiments", json={"title": "no coffee after noon"})
    assert planned.status_code == 201
    listed = personal.get("/api/experiments").json()
    assert "'no coffee after noon' is planned: starts tomorrow" in listed["today"]  # once None
    (e,) = listed["experiments"]
    assert (e["state"], e["verdict"], e["days_run"], e["stopped_on"]) == ("planned", "not started", 0, None)
    assert personal.post("/api/experiments", json={"title": "again"}).status_code == 409
    stopped = personal.post("/api/experiments/stop")
    said = f"no coffee after noon: stopped on {today.isoformat()}, before it began"
    assert stopped.json()["detail"] == said
    (e,) = personal.get("/api/experiments").json()["experiments"]
    assert (e["state"], e["verdict"]) == ("stopped", "too few days to tell")
    assert e["stopped_on"] == today.isoformat()


def test_experiment_form_errors_sit_beside_their_fields_and_stop_asks_first(personal: TestClient) -> None:
    token = csrf_of(personal.get("/experiments").text)
    refused = personal.post(
        "/experiments",
        data={"csrf_token": token, "title": " ", "start": "2020-03-02", "weeks": "9", "washout_days": "x"},
    )
    assert refused.status_code == 422
    page = refused.text
    for field in ("title", "start", "weeks", "washout_days"):
        assert f'id="{field}-error"' in page
        assert f'aria-describedby="{field}-error"' in page
    assert 'value="2020-03-02"' in page  # what was typed is kept
    assert "4 things need fixing; nothing was saved." in page
    assert "start:" not in page  # the field's label, not its internal name
    started = personal.post("/experiments", data={"csrf_token": token, "title": "no cheese", "pairs": "2"})
    assert "Experiment planned." in started.text
    assert '<h2 id="under-way">“no cheese”</h2>' in started.text  # not the form again
    assert "Planned: starts tomorrow" in started.text
    asked = personal.post("/experiments/stop", data={"csrf_token": token})  # no yes: only the question
    assert asked.status_code == 200
    assert "Stop “no cheese”?" in asked.text
    assert "planned" in personal.get("/api/experiments").json()["experiments"][0]["state"]
    assert "Stop “no cheese”?" in personal.get("/experiments/stop").text
    done = personal.post("/experiments/stop", data={"csrf_token": token, "confirm": "yes"})
    assert "Experiment stopped." in done.text
    assert personal.get("/api/experiments").json()["experiments"][0]["state"] == "stopped"
    assert personal.get("/experiments/stop").url.path == "/experiments"  # nothing left to stop


def test_insights_page_in_plain_words(personal: TestClient) -> None:
    diary = simulate(60, [Effect("tag:cheese", 2.5)], seed=4)
    never = [type(d)(**{**d.__dict__, "allergy_symptoms": False}) for d in diary.days]
    episodes = [
        EpisodeRecord(started_at=dt.datetime.combine(d, dt.time(12), dt.UTC) + dt.timedelta(seconds=i))
        for i, d in enumerate(diary.episode_dates)
    ]
    store = personal.app.state.store  # type: ignore[attr-defined]
    import_bundle(store, store.person_id(), Bundle(episodes, never))
    page = personal.get("/insights").text
    assert page.index("What your diary shows") < page.index("The statistics")
    assert "On the day after a day with the tag “cheese”" in page or "On days with the tag “cheese”" in page
    assert "Cannot be tested until it changes from day to day: sneezing or a runny nose" in page
    for internal in ("likely_trigger<", "tag:cheese", "allergy_symptoms", "caffeine_drinks", ">likely_"):
        assert internal not in page, internal
    body = personal.get("/api/insights").json()
    allergy = [f for f in body["factors"] if f["factor"] == "allergy_symptoms"]
    assert [f.get("does_not_vary") for f in allergy] == [True, True]
    assert all("more_days_needed" not in f for f in allergy)
