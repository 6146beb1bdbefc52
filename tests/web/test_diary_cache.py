"""The Diary page reuses its rendered part until the diary changes, never across people (both backends)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary.entries import episode_row
from nasalis.diary.episode_writer import log_episode
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.models import Episode
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import open_store
from nasalis.insights.cache import JournalMark
from nasalis.web.app import create_app
from nasalis.web.clock import TZ_COOKIE
from nasalis.web.page_cache import CSRF_SLOT, PAGES, Key, PageCache, Rendered
from nasalis.web.routes.diary_pages import LIST_ROWS
from tests.web.conftest import csrf_of


def _now() -> dt.datetime:
    """A minute ago in this machine's zone: inside the Diary page's default window."""
    return (dt.datetime.now() - dt.timedelta(minutes=1)).astimezone().replace(microsecond=0)


def _diary(client: TestClient, params: dict[str, str] | None = None) -> tuple[str, int]:
    """The Diary page's text, and how many renderings it took (0: reused)."""
    before = PAGES.renders
    response = client.get("/diary", params=params)
    assert response.status_code == 200, response.text
    assert str(CSRF_SLOT) not in response.text
    return response.text, PAGES.renders - before


def test_the_page_is_reused_while_the_journal_stands_still(personal: TestClient) -> None:
    personal.post("/api/episodes", json={"started_at": _now().isoformat(), "note": "kestrel"})
    PAGES.clear()
    first, renders = _diary(personal)
    assert renders == 1
    assert "kestrel" in first
    for _ in range(3):
        assert _diary(personal) == (first, 0)
    assert PAGES.hits == 3


def test_every_write_undo_import_and_delete_shows_at_once(personal: TestClient, tmp_path: Path) -> None:
    token = csrf_of(personal.get("/").text)
    PAGES.clear()
    assert "kestrel" not in _diary(personal)[0]
    logged = personal.post("/api/episodes", json={"started_at": _now().isoformat(), "note": "kestrel"})
    assert logged.status_code == 201
    page, renders = _diary(personal)
    assert ("kestrel" in page, renders) == (True, 1)
    episode_id = logged.json()["id"]
    edited = personal.post(
        f"/diary/episodes/{episode_id}",
        data={"csrf_token": token, "started_at": _now().isoformat(), "note": "heron"},
    )
    assert edited.status_code == 200, edited.text
    assert "heron" in _diary(personal)[0]
    assert personal.post("/api/undo").status_code == 200  # the edit undone: kestrel again
    page = _diary(personal)[0]
    assert ("kestrel" in page, "heron" in page) == (True, False)
    deleted = personal.post(f"/diary/episodes/{episode_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 200
    assert "kestrel" not in _diary(personal)[0]
    write_bundle(tmp_path / "more.json", [EpisodeRecord(started_at=_now(), note="osprey")], [])
    with (tmp_path / "more.json").open("rb") as file:
        imported = personal.post("/api/import", files={"file": ("more.json", file, "application/json")})
    assert imported.status_code == 200, imported.text
    assert "osprey" in _diary(personal)[0]
    assert personal.post("/api/undo").status_code == 200  # the import taken back
    assert "osprey" not in _diary(personal)[0]


def test_a_write_by_another_worker_or_the_cli_shows_at_once(personal: TestClient) -> None:
    """Another process's write moves the journal in the database, which every request reads."""
    PAGES.clear()
    assert "plover" not in _diary(personal)[0]
    app_store = personal.app.state.store  # type: ignore[attr-defined]
    other = open_store(app_store.engine.url.render_as_string(hide_password=False))
    try:
        with other.write() as session:
            log_episode(session, other.person_id(), EpisodeRecord(started_at=_now(), note="plover"))
    finally:
        other.close()
    assert "plover" in _diary(personal)[0]


def test_a_change_committed_after_a_later_numbered_one_still_shows(pg_url: str) -> None:
    """PostgreSQL numbers a change when it is written, not when it commits: ids can commit out of order."""
    app = create_app(Settings(db_url=pg_url))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        store = app.state.store
        person = store.person_id()
        PAGES.clear()
        with store.write() as slow:
            log_episode(slow, person, EpisodeRecord(started_at=_now(), note="slow"))
            slow.flush()  # its change has its id now, and is not committed
            with store.write() as quick:
                log_episode(
                    quick, person, EpisodeRecord(started_at=_now() - dt.timedelta(minutes=5), note="quick")
                )
            page, _ = _diary(client)
            assert ("quick" in page, "slow" in page) == (True, False)
        assert "slow" in _diary(client)[0]
    store.close()


def test_two_people_never_see_each_others_page(two_people: tuple[TestClient, str, TestClient, str]) -> None:
    alice, alice_token, bob, bob_token = two_people
    store = alice.app.state.store  # type: ignore[attr-defined]
    # Rows no journal entry speaks for (as a diary kept before the journal existed): alice's
    # journal and bob's then stand alike, so only the person in the key tells their pages apart.
    with store.write() as session:
        row = episode_row(store.person_id("account:alice"), EpisodeRecord(started_at=_now(), note="alice's"))
        session.add(Episode(**row))
    PAGES.clear()
    alice_page, _ = _diary(alice)
    bob_page, renders = _diary(bob)
    assert renders == 1
    assert "alice&#39;s" in alice_page
    assert "alice&#39;s" not in bob_page
    assert (csrf_of(alice_page), csrf_of(bob_page)) == (alice_token, bob_token)
    assert 'action="/diary/episodes/' in alice_page  # her delete form, with her token only
    assert bob_token not in alice_page
    assert alice_token not in bob_page


def test_the_token_and_the_flash_are_the_requests_own(personal: TestClient) -> None:
    app = personal.app
    personal.post("/api/episodes", json={"started_at": _now().isoformat()})
    with TestClient(app) as other:  # another browser: its own CSRF cookie
        mine, theirs = csrf_of(personal.get("/").text), csrf_of(other.get("/").text)
        assert mine != theirs
        PAGES.clear()
        page, _ = _diary(personal)
        reused, renders = _diary(other)
        assert renders == 0
        assert mine not in reused
        assert (csrf_of(page), csrf_of(reused)) == (mine, theirs)  # the twitch's delete form
        assert reused.count(theirs) == page.count(mine)
    flashed, renders = _diary(personal, {"msg": "deleted"})
    assert ("Deleted." in flashed, renders) == (True, 0)
    plain, renders = _diary(personal)
    assert ("Deleted." in plain, renders) == (False, 0)


def test_what_the_request_asks_is_part_of_the_key(personal: TestClient) -> None:
    now = _now()
    for n in range(LIST_ROWS + 1):
        side = "left" if n % 2 else "right"
        personal.post(
            "/api/episodes", json={"started_at": (now - dt.timedelta(minutes=n)).isoformat(), "side": side}
        )
    PAGES.clear()
    left, _ = _diary(personal, {"side": "left"})
    right, renders = _diary(personal, {"side": "right"})
    assert renders == 1
    assert f"Twitches ({(LIST_ROWS + 1) // 2})" in left
    assert f"Twitches ({(LIST_ROWS + 2) // 2})" in right
    everything, _ = _diary(personal, {"msg": "saved"})
    assert '<a href="/diary?&amp;show=all">' in everything  # the filters, never the flash's ?msg=
    assert '<a href="/diary?side=right&amp;show=all">' not in everything
    assert "Show all" not in _diary(personal, {"show": "all"})[0]
    for minutes in (-12 * 60, 14 * 60):  # 26 hours apart: never the same local date
        local = dt.datetime.now(dt.timezone(dt.timedelta(minutes=minutes))).date()
        personal.cookies.set(TZ_COOKIE, str(minutes))
        page, _ = _diary(personal)
        assert f'<a href="/diary/day/{local.isoformat()}">Add a twitch' in page
    bad = personal.get("/diary", params={"side": "up"})
    again = personal.get("/diary", params={"side": "up"})
    assert (bad.status_code, again.status_code) == (422, 422)
    assert "must be one of" in again.text


def test_the_cache_is_bounded_by_size() -> None:
    cache = PageCache(max_chars=10, max_entry_chars=6)
    keys = [Key("db", 1, JournalMark(None, None, 0), n) for n in range(4)]  # repr(n): 1 character
    for key in keys[:3]:
        cache.get(key, lambda: Rendered("abcd"))
    assert len(cache) == 2  # 15 characters would be over 10: the oldest went
    cache.get(keys[3], lambda: Rendered("too long"))
    assert (len(cache), cache.renders) == (2, 4)  # rendered, served, not kept
    cache.get(keys[2], lambda: Rendered("other"))
    assert cache.hits == 1
    long_view = Key("db", 1, JournalMark(None, None, 0), "side=" + "x" * 10)
    assert cache.get(long_view, lambda: Rendered("ab")) == Rendered("ab")
    cache.get(long_view, lambda: Rendered("ab"))
    assert cache.renders == 6  # a long query string counts against the bound: not kept
