"""The Insights page and GET /api/insights reuse the analysis until the diary changes (both backends)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.support.simulator import Effect, simulate
from fastapi.testclient import TestClient

from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.records import EpisodeRecord
from nasalis.insights.cache import REPORTS

START = dt.date(2026, 1, 1)


def _bundle(n_days: int, seed: int) -> Bundle:
    diary = simulate(n_days, [Effect("stress", 1.2)], seed=seed, start=START)
    zone = dt.timezone(dt.timedelta(hours=-5))
    episodes = [
        EpisodeRecord(started_at=dt.datetime.combine(d, dt.time(12), zone) + dt.timedelta(seconds=i))
        for i, d in enumerate(diary.episode_dates)
    ]
    return Bundle(episodes, diary.days)


def _fits(client: TestClient, path: str, headers: dict[str, str] | None = None) -> tuple[int, int]:
    """(fits it took, days analysed) to answer `path` once."""
    before = REPORTS.fits
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    fits = REPORTS.fits - before
    return fits, client.get("/api/insights", headers=headers).json()["days_analysed"]


def test_pages_reuse_the_analysis_until_a_log_an_undo_or_an_import(
    personal: TestClient, tmp_path: Path
) -> None:
    store = personal.app.state.store  # type: ignore[attr-defined]
    import_bundle(store, store.person_id(), _bundle(60, seed=2))
    REPORTS.clear()
    assert personal.get("/insights").status_code == 200
    assert REPORTS.fits == 1
    for _ in range(3):
        assert _fits(personal, "/insights") == (0, 60)
    logged = personal.post("/api/episodes", json={"started_at": "2026-01-05T09:30:00-05:00"})
    assert logged.status_code == 201
    assert _fits(personal, "/insights") == (1, 60)
    assert _fits(personal, "/insights") == (0, 60)
    assert personal.post("/api/undo").status_code == 200
    assert _fits(personal, "/insights") == (1, 60)
    write_bundle(tmp_path / "more.json", [], _bundle(75, seed=3).days)  # 15 more check-ins
    with (tmp_path / "more.json").open("rb") as file:
        imported = personal.post("/api/import", files={"file": ("more.json", file, "application/json")})
    assert imported.status_code == 200, imported.text
    assert _fits(personal, "/insights") == (1, 75)
    assert _fits(personal, "/api/insights?since=2026-02-01") == (1, 75)  # a window is its own analysis
    assert personal.get("/api/insights", params={"since": "2026-02-01"}).json()["days_analysed"] == 75 - 31


def test_two_people_never_share_an_analysis(two_people: tuple[TestClient, str, TestClient, str]) -> None:
    alice, _, bob, bob_token = two_people
    store = alice.app.state.store  # type: ignore[attr-defined]
    import_bundle(store, store.person_id("account:alice"), _bundle(40, seed=5))
    REPORTS.clear()
    assert alice.get("/api/insights").json()["days_analysed"] == 40
    assert bob.get("/api/insights").json()["days_analysed"] == 0
    assert REPORTS.fits == 2
    bob.put("/api/days/2026-03-01", json={"stress": 3}, headers={"x-csrf-token": bob_token})
    assert _fits(alice, "/insights") == (0, 40)  # bob's write leaves alice's analysis standing
    assert _fits(bob, "/insights") == (1, 1)
