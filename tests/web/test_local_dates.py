"""One read path: the API, the Diary page, the day page, the report and the CLI put each episode
on the same day, its own local date in the offset it was recorded with (whoever looks)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from fastapi.testclient import TestClient

from nasalis.diary.store import open_store
from nasalis.report.data import gather
from nasalis.web.clock import TZ_COOKIE
from tests.cli.runner import nasalis_process

D = dt.date.fromisoformat
EPISODES = {
    # note: (started_at, the local date it is on)
    "kolkata-after-midnight": ("2026-03-01T00:30:00+05:30", D("2026-03-01")),  # UTC: 28 Feb 19:00
    "new-york-before-midnight": ("2026-03-01T23:30:00-05:00", D("2026-03-01")),  # UTC: 2 Mar 04:30
    "kolkata-next-day": ("2026-03-02T00:10:00+05:30", D("2026-03-02")),  # UTC: 1 Mar 18:40
    "london-late": ("2026-02-28T23:30:00+00:00", D("2026-02-28")),  # UTC after the first above
    # Europe/London, 29 March 2026: clocks go from 01:00 GMT to 02:00 BST. (01:30 +01:00 is
    # 00:30 +00:00, one instant: one episode by the natural key, see test_episode_writer.)
    "london-before-dst": ("2026-03-29T00:30:00+00:00", D("2026-03-29")),
    "london-after-dst": ("2026-03-29T02:30:00+01:00", D("2026-03-29")),  # UTC 01:30
    "london-bst-late": ("2026-03-29T23:30:00+01:00", D("2026-03-29")),  # UTC 22:30, still the 29th
}
DATES = sorted({day for _, day in EPISODES.values()})
EXPECTED = {day: {note for note, (_, on) in EPISODES.items() if on == day} for day in DATES}
AROUND = [D("2026-02-27"), *DATES, D("2026-03-03"), D("2026-03-28"), D("2026-03-30")]


def _notes_in(html: str) -> set[str]:
    return {note for note in EPISODES if note in html}


@pytest.fixture
def logged(personal: TestClient) -> TestClient:
    for note, (started_at, _) in EPISODES.items():
        assert (
            personal.post("/api/episodes", json={"started_at": started_at, "note": note}).status_code == 201
        )
    return personal


@pytest.mark.parametrize("viewer_minutes", [330, -300, 60])
def test_every_page_and_the_api_put_each_episode_on_its_own_local_date(
    logged: TestClient, viewer_minutes: int
) -> None:
    logged.cookies.set(TZ_COOKIE, str(viewer_minutes))  # where the viewer is now must not matter
    for day in AROUND:
        want = EXPECTED.get(day, set())
        api = logged.get("/api/episodes", params={"since": day.isoformat(), "until": day.isoformat()})
        assert {e["note"] for e in api.json()} == want, ("api", day)
        diary = logged.get("/diary", params={"from": day.isoformat(), "to": day.isoformat()})
        assert _notes_in(diary.text) == want, ("diary page", day)
        assert f"Twitches ({len(want)})" in diary.text, ("diary page count", day)
        assert _notes_in(logged.get(f"/diary/day/{day.isoformat()}").text) == want, ("day page", day)
    # A span of dates: both ends included, by each episode's own date.
    span = logged.get("/api/episodes", params={"since": "2026-03-01", "until": "2026-03-02"}).json()
    assert {e["note"] for e in span} == EXPECTED[D("2026-03-01")] | EXPECTED[D("2026-03-02")]


def test_the_report_and_the_cli_agree_with_the_api(logged: TestClient, db_url: str) -> None:
    store = open_store(db_url)
    try:
        with store.read() as session:
            data = gather(session, store.person_id(), since=D("2026-03-01"), today=D("2026-12-01"))
    finally:
        store.close()
    want = {day: len(notes) for day, notes in EXPECTED.items()}
    assert dict(data.per_date) == {day: n for day, n in want.items() if day >= D("2026-03-01")}
    assert {e.note for e in data.episodes} == set(EPISODES) - {"london-late"}

    weeks = (dt.date.today() - D("2026-02-23")).days // 7 + 2
    here = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    view = nasalis_process("diary", "--weeks", str(weeks), "--db", db_url, env=here)
    assert view.returncode == 0, view.stderr
    rows = dict(re.findall(r"(2026-0[23]-\d\d)\W+(\d+)\W", view.stdout))
    assert {D(day): int(n) for day, n in rows.items()} == want
