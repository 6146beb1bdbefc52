"""/treatments, Today's injection form, the Diary's treatments and /api/treatments, over a real diary."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient

from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.web.cycle_chart import cycle_plot
from tests.web.conftest import csrf_of

TODAY = dt.date.today()


def _undo(client: TestClient, html: str, back: str) -> str:
    change = re.search(r'name="change" value="(\d+)"', html)
    assert change, "the page offers no Undo"
    done = client.post("/undo", data={"csrf_token": csrf_of(html), "change": change.group(1), "back": back})
    assert done.status_code == 200
    return done.text


def test_add_from_the_page_list_and_undo(personal: TestClient) -> None:
    page = personal.get("/treatments")
    assert page.status_code == 200
    assert "No treatments recorded yet." in page.text
    assert "not a diagnosis" in page.text
    assert 'href="/learn/botulinum_toxin"' in page.text
    assert 'href="/treatments"' in personal.get("/").text  # in the navigation
    added = personal.post(
        "/treatments",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "botulinum_toxin",
            "date": "2026-01-10",
            "product": "Botox",
            "units": "25",
            "site": ["eyelid", "cheek"],
            "sites": "orbicularis oculi",
            "side": "left",
        },
    )
    assert added.url.path == "/treatments"
    assert "msg=saved" in str(added.url)
    assert "<strong>2026-01-10</strong> · Botulinum toxin injection · Botox · 25 units" in added.text
    assert "eyelid, cheek, orbicularis oculi (left)" in added.text
    assert [t["kind"] for t in personal.get("/api/treatments").json()] == ["botulinum_toxin"]
    undone = _undo(personal, added.text, "/treatments")
    assert "Removed again: treatment botulinum toxin (Botox) on 2026-01-10." in undone
    assert personal.get("/api/treatments").json() == []


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(personal: TestClient) -> None:
    csrf = csrf_of(personal.get("/treatments").text)
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    for data, field, words in (
        ({"kind": "botulinum_toxin", "date": future}, "date", "is in the future"),
        ({"kind": "botulinum_toxin", "date": "2026-01-10", "units": "lots"}, "units", "must be a number"),
        ({"kind": "pill", "date": "2026-01-10"}, "kind", "must be one of"),
        ({"kind": "other", "date": ""}, "date", "is required"),
    ):
        done = personal.post("/treatments", data={"csrf_token": csrf, **data})
        assert done.status_code == 422, data
        assert f'id="{field}"' in done.text, data
        assert words in done.text, data
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', done.text), data
    assert personal.get("/api/treatments").json() == []


def test_the_same_treatment_again_is_refused_beside_its_date_and_saved_once(personal: TestClient) -> None:
    # The diary, not the form, finds the duplicate: the refusal comes from inside the write.
    csrf = csrf_of(personal.get("/treatments").text)
    data = {"csrf_token": csrf, "kind": "botulinum_toxin", "date": "2026-01-10", "product": "Botox"}
    assert "msg=saved" in str(personal.post("/treatments", data=data).url)
    again = personal.post("/treatments", data=data)
    assert again.status_code == 422
    assert "is already in the diary" in again.text
    assert re.search(r'id="date"[^>]*aria-invalid="true"', again.text)
    assert len(personal.get("/api/treatments").json()) == 1


def test_today_injection_form_and_the_diary_list_with_undo(personal: TestClient) -> None:
    today = personal.get("/")
    assert "I had an injection" in today.text
    saved = personal.post(
        "/treatments",
        data={
            "csrf_token": csrf_of(today.text),
            "kind": "botulinum_toxin",
            "date": TODAY.isoformat(),
            "back": "/",
        },
    )
    assert saved.url.path == "/"
    assert "msg=saved" in str(saved.url)
    diary = personal.get("/diary")
    assert "Treatments (1)" in diary.text
    assert "botulinum toxin" in diary.text
    (treatment_id,) = re.findall(r'action="/treatments/(\d+)/delete"', diary.text)
    deleted = personal.post(
        f"/treatments/{treatment_id}/delete", data={"csrf_token": csrf_of(diary.text), "back": "/diary"}
    )
    assert deleted.url.path == "/diary"
    assert "Treatments (" not in deleted.text
    assert "Brought back" in _undo(personal, deleted.text, "/diary")
    assert "Treatments (1)" in personal.get("/diary").text


def test_the_api_adds_lists_refuses_and_deletes(personal: TestClient) -> None:
    csrf = csrf_of(personal.get("/").text)
    headers = {"X-CSRF-Token": csrf}
    body = {"date": "2026-01-10", "kind": "botulinum_toxin", "product": "Botox", "sites": ["Eyelid"]}
    made = personal.post("/api/treatments", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["sites"] == ["eyelid"]
    again = personal.post("/api/treatments", json=body, headers=headers)
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "date"]
    bad = personal.post("/api/treatments", json={**body, "date": "2999-01-01"}, headers=headers)
    assert bad.status_code == 422
    assert "future" in bad.json()["detail"][0]["msg"]
    unknown = personal.post("/api/treatments", json={**body, "colour": "red"}, headers=headers)
    assert unknown.status_code == 422
    assert [t["id"] for t in personal.get("/api/treatments").json()] == [made.json()["id"]]
    assert personal.delete(f"/api/treatments/{made.json()['id']}", headers=headers).status_code == 204
    assert personal.delete(f"/api/treatments/{made.json()['id']}", headers=headers).status_code == 404


def test_a_person_sees_and_deletes_only_their_own(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, alice_csrf, bob, bob_csrf = two_people
    made = alice.post(
        "/api/treatments",
        json={"date": "2026-01-10", "kind": "procedure"},
        headers={"X-CSRF-Token": alice_csrf},
    )
    assert made.status_code == 201
    mine = made.json()["id"]
    assert bob.get("/api/treatments").json() == []
    assert "procedure" not in bob.get("/treatments").text.lower().split("add a treatment")[0]
    assert bob.delete(f"/api/treatments/{mine}", headers={"X-CSRF-Token": bob_csrf}).status_code == 404
    refused = bob.post(f"/treatments/{mine}/delete", data={"csrf_token": bob_csrf})
    assert refused.status_code == 404
    assert len(alice.get("/api/treatments").json()) == 1


def _cycle_diary(personal: TestClient, injected: dt.date) -> None:
    """A diary around one injection: 8 twitches a day, 2 from about day 10 to 70, then 8 again."""
    store = personal.app.state.store  # type: ignore[attr-defined]
    days, episodes = [], []
    for offset in range(-35, (TODAY - injected).days):
        day = injected + dt.timedelta(days=offset)
        level = 8 if offset < 5 or offset > 85 else 2 if 12 <= offset <= 70 else 5
        days.append(DayRecord(date=day, stress=3))
        for k in range(level):
            at = dt.datetime.combine(day, dt.time(8 + k, 0), tzinfo=dt.UTC)
            episodes.append(EpisodeRecord(started_at=at))
    import_bundle(store, store.person_id(), Bundle(episodes=episodes, days=days))


def test_the_cycle_plot_and_sentences_come_from_the_cycles_analysis(personal: TestClient) -> None:
    injected = TODAY - dt.timedelta(days=110)
    _cycle_diary(personal, injected)
    csrf = csrf_of(personal.get("/").text)
    personal.post(
        "/api/treatments",
        json={"date": injected.isoformat(), "kind": "botulinum_toxin"},
        headers={"X-CSRF-Token": csrf},
    )
    cycles = personal.get("/api/cycles").json()["cycles"]
    page = personal.get("/treatments").text
    assert 'class="plot cycle-plot"' in page
    assert "<polyline" in page
    (cycle,) = cycles
    assert cycle["sentence"]
    assert cycle["sentence"] in page.replace("&#39;", "'")
    for marked, shape in (("onset_day", "<circle"), ("wear_off_day", "<rect")):
        if cycle[marked] is not None:
            assert shape in page.split("cycle-plot", 1)[1].split("</svg>", 1)[0]


def test_the_plot_draws_each_cycle_its_markers_and_nothing_without_data() -> None:
    fixture: list[dict[str, Any]] = [
        {"date": "2026-01-10", "fitted": [8, 8, 6, 4, 2, 2, 2, 4, 8], "onset_day": 3, "wear_off_day": 7},
        {"date": "2026-04-10", "observed": [[0, 9], [2, 3], [5, 2]], "onset_day": 2, "wear_off_day": None},
        {"date": "2026-07-10", "status": "not_enough_data", "onset_day": None, "wear_off_day": None},
    ]
    svg = str(cycle_plot(fixture))
    assert svg.count("<polyline") == 2  # the third cycle has nothing to draw
    assert svg.count("<circle") == 2
    assert svg.count("<rect") == 1
    assert "cycle 1: effect from day 3" in svg
    assert "cycle 1: wore off at day 7" in svg
    assert 'stroke-dasharray="6 3"' in svg  # the second line differs by dash, not colour alone
    assert str(cycle_plot(fixture[2:])) == ""
