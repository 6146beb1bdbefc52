"""Review before the diary: the least certain events of a clip are kept or dropped, then added.

On both backends, in server mode: the decisions are the clip owner's alone, can be changed or
taken back until the twitches are added, are refused (nothing changed) when the input is bad
or the twitches are in the diary, and only the confident and the kept events go into the diary.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nasalis.diary.store import Store
from tests.web.conftest import csrf_of
from tests.web.review_clips import ASKED, EVENTS, render_clip, stored_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review clip, rendered once for the module."""
    return render_clip(tmp_path_factory.mktemp("review"))


def _store(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def _decide(client: TestClient, csrf: str, video_id: int, event: object, decision: str) -> int:
    sent = client.post(
        f"/videos/{video_id}/review",
        data={"csrf_token": csrf, "event": str(event), "decision": decision},
        follow_redirects=False,
    )
    return sent.status_code


def _decisions(client: TestClient, video_id: int) -> list[str]:
    """Each asked event's state as the page says it, in order."""
    page = client.get(f"/videos/{video_id}").text
    return re.findall(r'class="review-state"[^>]*>\s*(?:<strong>)?(\w+)', page)


def test_a_person_keeps_and_drops_the_unsure_events_then_adds_only_what_was_kept(
    two_people: tuple[TestClient, str, TestClient, str], clip: Path
) -> None:
    alice, alice_csrf, bob, bob_csrf = two_people
    video_id = stored_clip(_store(alice), _store(alice).person_id("account:alice"), clip)
    page = alice.get(f"/videos/{video_id}").text
    assert "Check the least certain" in page
    assert page.count('class="review-item"') == len(ASKED)
    assert page.count('<img src="data:image/jpeg') >= 2 * len(ASKED)  # stills around each
    assert _decisions(alice, video_id) == ["Not", "Not"]
    # Bob can neither see nor decide on Alice's clip.
    assert bob.get(f"/videos/{video_id}").status_code == 404
    assert _decide(bob, bob_csrf, video_id, ASKED[0], "keep") == 404
    assert _decisions(alice, video_id) == ["Not", "Not"]

    assert _decide(alice, alice_csrf, video_id, ASKED[0], "keep") == 303
    assert _decide(alice, alice_csrf, video_id, ASKED[1], "keep") == 303
    assert _decide(alice, alice_csrf, video_id, ASKED[1], "drop") == 303  # changed
    assert _decisions(alice, video_id) == ["Kept", "Dropped"]
    assert _decide(alice, alice_csrf, video_id, ASKED[0], "") == 303  # taken back
    assert _decisions(alice, video_id) == ["Not", "Dropped"]
    page = alice.get(f"/videos/{video_id}").text
    assert "Add 2 twitches to my diary" in page  # the two sure ones; the unchecked one waits
    assert _decide(alice, alice_csrf, video_id, ASKED[0], "keep") == 303
    assert "Add 3 twitches to my diary" in alice.get(f"/videos/{video_id}").text

    added = alice.post(f"/videos/{video_id}/attach", data={"csrf_token": alice_csrf}, follow_redirects=False)
    assert added.status_code == 303
    areas = sorted(e["areas"][0] for e in alice.get("/api/episodes").json())
    dropped = EVENTS[ASKED[1]]["region"]
    assert areas == sorted(str(e["region"]) for e in EVENTS if e["region"] != dropped)
    assert bob.get("/api/episodes").json() == []

    # In the diary: the decisions are fixed, and a change is refused with why (nothing changed).
    assert _decide(alice, alice_csrf, video_id, ASKED[1], "keep") == 422
    page = alice.get(f"/videos/{video_id}").text
    assert "take them out of the diary to change one" in page
    assert _decisions(alice, video_id) == ["Kept", "Dropped"]
    # Taken out again (the diary's undo), they can be changed once more.
    change = re.search(r'name="change" value="(\d+)"', page)
    assert change, "no button takes them back"
    alice.post("/undo", data={"csrf_token": csrf_of(page), "change": change.group(1), "back": "/diary"})
    assert alice.get("/api/episodes").json() == []
    assert _decide(alice, alice_csrf, video_id, ASKED[1], "keep") == 303
    assert _decisions(alice, video_id) == ["Kept", "Kept"]


@pytest.mark.parametrize(
    ("event", "decision", "field"),
    [
        (ASKED[0], "maybe", "decision"),
        (0, "keep", "event"),  # a sure event is not asked about
        (99, "keep", "event"),
        ("first", "keep", "event"),
    ],
)
def test_a_bad_decision_is_422_naming_the_field_and_changes_nothing(
    personal: TestClient, clip: Path, event: object, decision: str, field: str
) -> None:
    video_id = stored_clip(_store(personal), _store(personal).person_id(), clip)
    csrf = csrf_of(personal.get(f"/videos/{video_id}").text)
    sent = personal.post(
        f"/videos/{video_id}/review",
        data={"csrf_token": csrf, "event": str(event), "decision": decision},
        follow_redirects=False,
    )
    assert sent.status_code == 422
    message = re.search(r'class="field-error" role="alert">([^<]+)<', sent.text)
    assert message, "no message on the page"
    assert message.group(1).startswith("the decision" if field == "decision" else "event")
    assert _decisions(personal, video_id) == ["Not", "Not"]
