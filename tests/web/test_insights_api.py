"""GET /api/insights on a real diary file: the same JSON as the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import Bundle
from nasalis.diary.records import EpisodeRecord
from nasalis.web.app import create_app
from tests.cli.runner import nasalis_process
from tests.insights.simulator import Effect, simulate


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
