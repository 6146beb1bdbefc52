"""The experiment API and page: power before the start, sized plans, the daily kept question."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from nasalis.diary import experiments as stored
from tests.web.conftest import csrf_of


def test_sizing_gives_the_whole_table_and_a_plain_plan_per_change(personal: TestClient) -> None:
    sizing = personal.get("/api/experiments/sizing").json()
    cells = {(r["fall"], r["weeks"], r["block_days"]) for r in sizing["power"]}
    assert cells == {(f, w, b) for f in (0.5, 0.3, 0.2) for w in (4, 8, 12) for b in (3, 5, 7)}
    assert sizing["from_diary"] is False  # an empty diary: cautious typical figures
    assert [s["fall"] for s in sizing["suggested"]] == [0.5, 0.3, 0.2]
    small = sizing["suggested"][2]
    assert small["weeks"] is None
    assert small["sentence"].startswith("Even 12 weeks are not enough")


def test_a_sized_experiment_stores_its_change_and_bad_fields_are_named(personal: TestClient) -> None:
    for body, field in (
        ({"title": "x", "planned_change": 0.4}, "planned_change"),
        ({"title": "x", "block_days": 3, "washout_days": 2}, "washout_days"),
        ({"title": "x", "pairs": 15}, "pairs"),
    ):
        refused = personal.post("/api/experiments", json=body)
        assert refused.status_code == 422, body
        assert refused.json()["detail"][0]["loc"] == ["body", field]
    assert personal.get("/api/experiments").json()["experiments"] == []  # nothing stored
    made = personal.post(
        "/api/experiments",
        json={"title": "no screens late", "block_days": 3, "pairs": 14, "planned_change": 0.3},
    )
    assert made.status_code == 201
    assert (made.json()["washout_days"], made.json()["planned_change"]) == (1, 0.3)  # 3-day blocks: 1
    (e,) = personal.get("/api/experiments").json()["experiments"]
    assert (e["planned_change"], e["block_days"], e["washout_days"]) == (0.3, 3, 1)
    assert e["adherence"] == {"answered": 0, "kept": 0}


def test_the_kept_question_round_trips_through_the_api_and_the_page(personal: TestClient) -> None:
    store = personal.app.state.store  # type: ignore[attr-defined]
    today = dt.date.today()
    with store.write() as session:
        stored.save(session, store.person_id(), "no coffee", today, 3, 1, ["B", "A", "A", "B"], 0.5)
    refused = personal.post(
        "/api/experiments/kept", json={"date": (today + dt.timedelta(days=1)).isoformat(), "kept": True}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "date"]
    assert personal.post("/api/experiments/kept", json={"kept": True}).status_code == 200
    (e,) = personal.get("/api/experiments").json()["experiments"]
    assert e["adherence"] == {"answered": 1, "kept": 1}
    page = personal.get("/experiments").text
    assert "Did you keep the change today?" in page
    assert "You said yes" in page
    token = csrf_of(page)
    answered = personal.post("/experiments/kept", data={"csrf_token": token, "kept": "no"})
    assert "Answer saved." in answered.text
    assert "You said no" in answered.text
    (e,) = personal.get("/api/experiments").json()["experiments"]
    assert e["adherence"] == {"answered": 1, "kept": 0}
    assert e["interim"].startswith("Not a result yet: day 1 of 12.")
    bad = personal.post("/experiments/kept", data={"csrf_token": token, "kept": "maybe"})
    assert bad.status_code == 422


def test_the_form_shows_the_power_table_and_plans_the_suggested_length(personal: TestClient) -> None:
    page = personal.get("/experiments").text
    assert "How likely is an experiment to tell?" in page
    assert page.count('<table class="power">') == 3
    assert "Even 12 weeks are not enough" in page
    assert "talk to your prescriber first" in page
    token = csrf_of(page)
    started = personal.post(
        "/experiments", data={"csrf_token": token, "title": "no cheese", "change": "0.5", "washout_days": "0"}
    )
    assert "Experiment planned." in started.text
    (e,) = personal.get("/api/experiments").json()["experiments"]
    # An empty diary: no plan reaches 80% for 50% fewer, so the longest (12 weeks) is planned.
    assert len(e["schedule"]) * e["block_days"] in (80, 84)
    assert (e["planned_change"], e["washout_days"]) == (0.5, 0)
