"""Twitch now starts at the tap's own instant when the page sends one it can believe.

A send whose answer is lost is kept on the device and sent again through the API with the same
instant (static/queue.js): both must be one episode, never two.
"""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of


def _tap(client: TestClient, tapped_at: str) -> None:
    token = csrf_of(client.get("/").text)
    done = client.post(
        "/episodes", data={"csrf_token": token, "tz": "0", "tapped_at": tapped_at}, follow_redirects=False
    )
    assert done.status_code == 303, done.text


def test_the_tap_and_its_queued_copy_are_one_twitch(personal: TestClient) -> None:
    tapped = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)).replace(microsecond=123000)
    _tap(personal, tapped.isoformat(timespec="milliseconds"))
    (logged,) = personal.get("/api/episodes").json()
    assert dt.datetime.fromisoformat(logged["started_at"]) == tapped
    # The device never saw the answer, so it sends its queued copy: same instant, its own key.
    token = csrf_of(personal.get("/").text)
    again = personal.post(
        "/api/episodes",
        json={"started_at": tapped.isoformat(timespec="milliseconds")},
        headers={"X-CSRF-Token": token, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert again.status_code in (200, 201), again.text
    assert len(personal.get("/api/episodes").json()) == 1


def test_an_unbelievable_tap_instant_is_not_used(personal: TestClient) -> None:
    before = dt.datetime.now(dt.UTC)
    for odd in ("an hour ago", (before - dt.timedelta(hours=1)).isoformat(), "2026-01-01T10:00:00"):
        _tap(personal, odd)  # garbage, too old, no offset: the server's own now
    starts = [dt.datetime.fromisoformat(e["started_at"]) for e in personal.get("/api/episodes").json()]
    assert len(starts) == 3
    assert all(s >= before - dt.timedelta(seconds=1) for s in starts), starts
