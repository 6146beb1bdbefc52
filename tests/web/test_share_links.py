"""Share links in server mode (both backends): what a link opens, and what it never does.

A link opens only its period and sections, to anyone without a session; only the secret's
hash is stored; revoked and expired links answer 410, unknown ones 404, and guessing is slowed
without locking out a valid link; a person never reaches another person's links or openings.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from nasalis.config import Settings
from nasalis.diary import share_links
from nasalis.diary.models import ShareLink, ShareOpening, utcnow
from nasalis.diary.store import Store
from nasalis.web.app import create_app
from tests.web.conftest import csrf_of

TODAY = dt.date.today()
INSIDE = TODAY - dt.timedelta(days=3)
OUTSIDE = TODAY - dt.timedelta(days=40)
NOTE = "zz-share-note-never-shown"
ADDRESS = re.compile(r'id="new_address" type="text" readonly value="[^"]*/shared/([A-Za-z0-9_-]+)"')


@pytest.fixture
def people(two_people: tuple[TestClient, str, TestClient, str]) -> tuple[TestClient, str, TestClient, str]:
    """alice with twitches (each with a note) and check-ins inside and outside a 30-day period."""
    alice, token, _bob, _bob_token = two_people
    for day in (INSIDE, OUTSIDE):
        made = alice.post(
            "/api/episodes",
            json={"started_at": f"{day}T09:00:00+00:00", "intensity": 4, "note": NOTE},
            headers={"x-csrf-token": token},
        )
        assert made.status_code == 201, made.text
        put = alice.put(f"/api/days/{day}", json={"stress": 3}, headers={"x-csrf-token": token})
        assert put.status_code in (200, 201), put.text
    return two_people


def _store(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def make_link(
    client: TestClient, token: str, sections: tuple[str, ...] = ("diary",), **fields: str
) -> tuple[int, str]:
    """Make a link through the form; the status and the secret shown (empty when refused)."""
    data = {
        "csrf_token": token,
        "label": "Dr Rao",
        "first": (TODAY - dt.timedelta(days=29)).isoformat(),
        "last": TODAY.isoformat(),
        "expires_days": "30",
        **fields,
    }
    answer = client.post("/sharing", data={**data, "sections": list(sections)})
    found = ADDRESS.search(answer.text)
    return answer.status_code, found.group(1) if found else ""


def test_a_link_opens_its_sections_and_period_only_without_a_session(
    people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, _bob, _ = people
    status, secret = make_link(alice, token, ("diary",))
    assert status == 200
    with TestClient(alice.app) as stranger:  # no cookies: nobody signed in
        shown = stranger.get(f"/shared/{secret}", headers={"user-agent": "Mozilla/5.0 Firefox/128.0"})
    assert shown.status_code == 200
    html = shown.text
    assert "Daily record" in html
    assert INSIDE.isoformat() in html
    assert OUTSIDE.isoformat() not in html  # a day outside the period never appears
    assert NOTE not in html
    for other in ("Latest assessment", "Medicines", "Video measures", "Experiments (randomised"):
        assert other not in html, other
    # Read-only and leading nowhere: no script, no form, one link (its own PDF), no app address.
    assert "<script" not in html
    assert "<form" not in html
    assert re.findall(r'href="([^"]*)"', html) == ["?format=pdf"]
    assert "manifest" not in html
    assert shown.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in shown.headers["x-robots-tag"]
    assert shown.headers["cache-control"] == "no-store"
    assert "script-src" not in shown.headers["content-security-policy"]
    listed = alice.get("/sharing").text
    assert "Opened 1 time" in listed
    assert "Firefox" in listed
    assert secret not in listed  # the secret is shown once, when it is made


def test_only_the_hash_of_a_256_bit_secret_is_stored(people: tuple[TestClient, str, TestClient, str]) -> None:
    alice, token, _bob, _ = people
    secrets = [make_link(alice, token)[1] for _ in range(5)]
    assert len(set(secrets)) == 5
    for secret in secrets:
        raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
        assert len(raw) * 8 >= 256
    with _store(alice).read() as session:
        stored = set(session.scalars(select(ShareLink.token_hash)))
        dump = " ".join(str(v) for row in session.execute(text("SELECT * FROM share_links")) for v in row)
    assert stored == {hashlib.sha256(s.encode()).hexdigest() for s in secrets}
    for secret in secrets:
        assert secret not in dump


def test_revoked_and_expired_links_are_410_and_unknown_ones_404(
    people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, _bob, _ = people
    _, revoked = make_link(alice, token)
    _, expired = make_link(alice, token)
    with _store(alice).read() as session:
        ids = list(session.scalars(select(ShareLink.id).order_by(ShareLink.id)))
    stranger = TestClient(alice.app)
    assert stranger.get(f"/shared/{revoked}").status_code == 200
    gone = alice.post(f"/sharing/{ids[0]}/revoke", data={"csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303
    answer = stranger.get(f"/shared/{revoked}")
    assert answer.status_code == 410
    assert "revoked" in answer.text
    assert "<script" not in answer.text
    assert 'href="' not in answer.text
    with _store(alice).write() as session:
        first_revoked = session.get(ShareLink, ids[0])
        assert first_revoked is not None
        when = first_revoked.revoked_at
        session.execute(
            update(ShareLink)
            .where(ShareLink.id == ids[1])
            .values(expires_at=utcnow() - dt.timedelta(seconds=1))
        )
    again = alice.post(f"/sharing/{ids[0]}/revoke", data={"csrf_token": token}, follow_redirects=False)
    assert again.status_code == 303
    with _store(alice).read() as session:
        assert session.get(ShareLink, ids[0]).revoked_at == when  # type: ignore[union-attr]
    assert stranger.get(f"/shared/{expired}").status_code == 410
    assert stranger.get(f"/shared/{'A' * 43}").status_code == 404
    assert stranger.get("/shared/not-a-token!").status_code == 404
    with _store(alice).read() as session:
        opened = list(session.scalars(select(ShareOpening.link_id)))
    assert opened == [ids[0]]  # refused openings are not counted as openings


def test_guessing_is_slowed_but_a_valid_link_still_opens(
    people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, _bob, _ = people
    _, secret = make_link(alice, token)
    guesser = TestClient(alice.app)
    for n in range(share_links.MAX_MISSES):
        assert guesser.get(f"/shared/{'g' * 30}{n:05d}").status_code == 404
    refused = guesser.get(f"/shared/{'g' * 40}")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert guesser.get(f"/shared/{secret}").status_code == 200  # the right secret is never locked out


@pytest.mark.parametrize(
    ("fields", "sections", "field"),
    [
        ({"expires_days": "0"}, ("diary",), "expires_days"),
        ({"expires_days": "366"}, ("diary",), "expires_days"),
        ({"expires_days": "ten"}, ("diary",), "expires_days"),
        ({}, (), "sections"),
        ({}, ("notes",), "sections"),
        ({"first": "yesterday"}, ("diary",), "first"),
        ({"last": (TODAY - dt.timedelta(days=60)).isoformat()}, ("diary",), "last"),
        ({"label": "  "}, ("diary",), "label"),
    ],
)
def test_a_bad_field_is_a_422_naming_it_and_makes_nothing(
    two_people: tuple[TestClient, str, TestClient, str],
    fields: dict[str, str],
    sections: tuple[str, ...],
    field: str,
) -> None:
    alice, token, _bob, _ = two_people
    data = {
        "csrf_token": token,
        "label": "Dr Rao",
        "first": TODAY.isoformat(),
        "last": TODAY.isoformat(),
        "expires_days": "30",
    }
    answer = alice.post("/sharing", data={**data, **fields, "sections": list(sections)})
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    with _store(alice).read() as session:
        assert session.scalar(select(ShareLink.id)) is None


def test_the_default_expiry_is_30_days(two_people: tuple[TestClient, str, TestClient, str]) -> None:
    alice, token, _bob, _ = two_people
    assert (
        'name="expires_days" type="number" min="1" max="365" step="1" inputmode="numeric" required value="30"'
        in alice.get("/sharing").text
    )
    make_link(alice, token, expires_days="")
    with _store(alice).read() as session:
        link = session.scalars(select(ShareLink)).one()
        assert link.expires_at - link.created_at == dt.timedelta(days=30)


def test_nobody_reaches_another_persons_links_or_openings(
    people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, bob, bob_token = people
    _, secret = make_link(alice, token, label="alice-link-label")
    TestClient(alice.app).get(f"/shared/{secret}", headers={"user-agent": "Mozilla/5.0 Edg/120"})
    with _store(alice).read() as session:
        link_id = session.scalars(select(ShareLink.id)).one()
    bobs = bob.get("/sharing").text
    assert "alice-link-label" not in bobs
    assert "Edge" not in bobs
    assert "No links yet." in bobs
    assert bob.post(f"/sharing/{link_id}/revoke", data={"csrf_token": bob_token}).status_code == 404
    assert bob.post("/sharing/not-an-id/revoke", data={"csrf_token": bob_token}).status_code == 404
    assert TestClient(alice.app).get(f"/shared/{secret}").status_code == 200  # still alice's, still open
    assert (
        TestClient(alice.app).post(f"/sharing/{link_id}/revoke", data={}, follow_redirects=False).status_code
        == 303
    )  # to /login
    with _store(alice).read() as session:
        assert session.get(ShareLink, link_id).revoked_at is None  # type: ignore[union-attr]


def test_personal_mode_says_to_send_the_report_file(db_url: str) -> None:
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as client:
        page = client.get("/sharing")
        assert page.status_code == 200
        assert "Send the report file instead" in page.text
        assert 'action="/sharing"' not in page.text
        token = csrf_of(client.get("/medicines").text)
        refused = client.post(
            "/sharing",
            data={
                "csrf_token": token,
                "label": "x",
                "first": str(TODAY),
                "last": str(TODAY),
                "sections": ["diary"],
            },
        )
        assert refused.status_code == 404
        assert client.get(f"/shared/{'A' * 43}").status_code == 404
        with app.state.store.read() as session:
            assert session.scalar(select(ShareLink.id)) is None
    app.state.store.close()


def test_the_client_is_kept_only_roughly() -> None:
    assert share_links.network_of("203.0.113.77") == "203.0.113.0/24"
    assert share_links.network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert share_links.network_of("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert share_links.network_of("testclient") == "unknown"
    assert (
        share_links.browser_family("Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0")
        == "Edge"
    )
    assert (
        share_links.browser_family("Mozilla/5.0 (iPhone) Version/17.0 Mobile/15E148 Safari/604.1") == "Safari"
    )
    assert share_links.browser_family(None) == "other"


def test_the_shared_report_downloads_as_a_pdf_and_that_is_an_opening(
    people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, _bob, _ = people
    _, secret = make_link(alice, token, ("summary", "diary"))
    pdf = TestClient(alice.app).get(f"/shared/{secret}?format=pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert pdf.headers["referrer-policy"] == "no-referrer"
    assert "Opened 1 time" in alice.get("/sharing").text
