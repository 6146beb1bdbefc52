"""Attacks on accounts and undo, against a real `nasalis serve --accounts` (issue 17: 3, 5, 6, 7, 13).

Clients are told apart by their address: the server believes X-Forwarded-For from the proxy it
is told of (`--proxy 127.0.0.1` here, as behind Caddy), so each test client plays another
address by sending one.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser
from sqlalchemy import func, select, update

from nasalis.diary import accounts
from nasalis.diary.models import Account, LoginFailure, WebSession, utcnow
from nasalis.diary.store import open_store
from tests.conftest import _fresh_pg
from tests.web.browsing import PHONE, shot
from tests.web.conftest import PASSWORD, csrf_of, sign_up
from tests.web.live import free_port, live_process, live_server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of one server-mode app per backend, on loopback with its own
    default hosts; this module's tests share it, each with its own names and addresses."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('accounts') / 'diary.db'}"])
    else:
        urls = _fresh_pg(request.getfixturevalue("pg_admin_url"))
    db = next(urls)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("NASALIS_ALLOWED_HOSTS", raising=False)  # not the in-process tests' name
        with live_server(db, "--accounts", "--proxy", "127.0.0.1") as base:
            yield base, db
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture
def server(shared: tuple[str, str]) -> str:
    """The shared server's base URL."""
    return shared[0]


def _client(base: str, address: str | None = None) -> httpx2.Client:
    headers = {"x-forwarded-for": address} if address else {}
    return httpx2.Client(base_url=base, follow_redirects=True, headers=headers, timeout=120)


def _login(client: httpx2.Client, username: str, password: str) -> httpx2.Response:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    )


def _change(response: httpx2.Response) -> str:
    found = re.search(r"change=(\d+)", str(response.url))
    assert found, response.url
    return found.group(1)


# --- item 3: undo overwrote another account's row ------------------------------------------


def test_undo_after_another_account_logged_never_overwrites_their_twitch_or_check_in(server: str) -> None:
    with _client(server, "192.0.2.1") as alice, _client(server, "192.0.2.2") as bob:
        alice_token, bob_token = sign_up(alice, "alice"), sign_up(bob, "bob")
        logged = alice.post("/episodes", data={"csrf_token": alice_token, "tz": "0"})
        twitch = re.search(r"ep=(\d+)", str(logged.url))
        assert twitch
        deleted = alice.post(f"/diary/episodes/{twitch.group(1)}/delete", data={"csrf_token": alice_token})
        alice.post("/day", data={"csrf_token": alice_token, "stress": "2"})
        today = alice.get("/api/days").json()[0]["date"]
        day_deleted = alice.post(f"/diary/days/{today}/delete", data={"csrf_token": alice_token})
        # bob logs a twitch and a check-in: on SQLite without AUTOINCREMENT they got alice's ids
        bob.post("/episodes", data={"csrf_token": bob_token, "tz": "0"})
        bob.post("/day", data={"csrf_token": bob_token, "stress": "9"})
        bobs_before = bob.get("/api/episodes").json(), bob.get("/api/days").json()
        for change in (_change(deleted), _change(day_deleted)):
            undone = alice.post("/undo", data={"csrf_token": alice_token, "change": change})
            assert "msg=undone" in str(undone.url), undone.url
        assert (bob.get("/api/episodes").json(), bob.get("/api/days").json()) == bobs_before
        assert [d["stress"] for d in bob.get("/api/days").json()] == [9]
        assert len(alice.get("/api/episodes").json()) == 1  # alice's own twitch is back
        assert [d["stress"] for d in alice.get("/api/days").json()] == [2]
        assert bobs_before[0][0]["id"] != int(twitch.group(1))  # and ids are no longer reused


# --- item 5: argon2 under the write lock ------------------------------------------------------

BAD_LOGINS = 60
"""More than the web server's 40 threads: before, each held one (and the write lock) during argon2."""


def test_a_burst_of_bad_logins_does_not_hold_up_a_signed_in_persons_save(server: str) -> None:
    with _client(server, "192.0.2.3") as person, _client(server) as attacker:
        token = sign_up(person, "dana")
        form = csrf_of(attacker.get("/login").text)
        nonce = attacker.cookies["nasalis_csrf"]

        def bad_login(n: int) -> int:
            # Each from its own address and to its own name, so that no limit refuses it early:
            # every one is a real argon2 check.
            with httpx2.Client(
                base_url=server,
                cookies={"nasalis_csrf": nonce},
                headers={"x-forwarded-for": f"10.9.{n}.1"},
                timeout=120,
            ) as one:
                data = {"csrf_token": form, "username": f"nobody{n}", "password": "wrong wrong wrong"}
                return one.post("/login", data=data).status_code

        with ThreadPoolExecutor(BAD_LOGINS) as pool:
            burst_started = time.perf_counter()
            logins = [pool.submit(bad_login, n) for n in range(BAD_LOGINS)]
            time.sleep(0.5)  # the logins are in flight
            started = time.perf_counter()
            saved = person.post("/day", data={"csrf_token": token, "stress": "4"}, follow_redirects=False)
            took = time.perf_counter() - started
            assert sum(1 for f in logins if not f.done()) > 0, (
                "the logins ended before the save: no contention"
            )
            statuses = [f.result() for f in logins]
            burst = time.perf_counter() - burst_started
        print(f"\ncheck-in saved in {took * 1000:.0f} ms while {BAD_LOGINS} bad logins took {burst:.1f} s")
        assert saved.status_code == 303
        assert statuses == [401] * BAD_LOGINS
        # Against the burst in the same run, not a wall-clock bound (CPU load shares out argon2's
        # time): a save queued behind the logins' write lock waited for nearly the whole burst.
        assert took < burst / 2, (took, burst)


# --- item 6: limits per client, not only per username -----------------------------------------


def test_one_address_cannot_lock_a_known_user_out_from_elsewhere(server: str) -> None:
    with _client(server, "192.0.2.4") as owner:
        sign_up(owner, "erin")
    with _client(server, "203.0.113.66") as attacker:
        for _ in range(accounts.MAX_FAILURES):
            assert _login(attacker, "erin", "guess guess guess").status_code == 401
        assert _login(attacker, "erin", PASSWORD).status_code == 429  # this address waits now
    with _client(server, "198.51.100.7") as owner:
        assert _login(owner, "erin", PASSWORD).status_code == 303  # the owner, elsewhere, does not


def test_spraying_one_password_over_many_usernames_is_limited_per_address(server: str) -> None:
    with _client(server, "192.0.2.5") as owner:
        sign_up(owner, "frank")
    with _client(server, "203.0.113.9") as sprayer:
        for n in range(accounts.MAX_FAILURES_PER_CLIENT):
            assert _login(sprayer, f"user{n}", "Summer2026!!").status_code == 401
        blocked = _login(sprayer, "frank", PASSWORD)
        assert blocked.status_code == 429
        assert "too many failed logins" in blocked.text
    with _client(server, "198.51.100.8") as elsewhere:
        assert _login(elsewhere, "frank", PASSWORD).status_code == 303


def test_a_stolen_session_cannot_guess_the_current_password_on_account(server: str) -> None:
    with _client(server, "203.0.113.10") as thief:
        sign_up(thief, "grace")  # the thief holds grace's session
        token = csrf_of(thief.get("/account").text)
        for n in range(accounts.MAX_PASSWORD_CHECKS):
            data = {
                "csrf_token": token,
                "old_password": f"guess number {n}",
                "new_password": "the thief's own",
            }
            assert thief.post("/account", data=data).status_code == 422
        data = {"csrf_token": token, "old_password": PASSWORD, "new_password": "the thief's own"}
        blocked = thief.post("/account", data=data)
        assert blocked.status_code == 429  # even the right one now: the guesses were used up
        assert "too many wrong passwords" in blocked.text
    with _client(server) as owner:
        assert _login(owner, "grace", PASSWORD).status_code == 303  # the password is unchanged


def test_sign_up_is_limited_per_address_and_past_the_limit_says_nothing_of_names(server: str) -> None:
    with _client(server, "192.0.2.6") as owner:
        sign_up(owner, "heidi")
    with _client(server, "203.0.113.11") as prober:
        form = csrf_of(prober.get("/signup").text)
        for n in range(accounts.MAX_SIGNUPS_PER_CLIENT - 1):
            probe = {"csrf_token": form, "username": f"probe{n}", "password": PASSWORD}
            assert prober.post("/signup", data=probe, follow_redirects=False).status_code == 303
        taken = prober.post("/signup", data={"csrf_token": form, "username": "heidi", "password": PASSWORD})
        assert taken.status_code == 422  # the last try of the hour still says it, honestly
        assert "is taken" in taken.text
        answers = [
            prober.post("/signup", data={"csrf_token": form, "username": name, "password": PASSWORD})
            for name in ("heidi", "nobody-has-this")
        ]
        assert [a.status_code for a in answers] == [429, 429]
        assert answers[0].text == answers[1].text  # a taken and a free name: the same answer
        assert "too many sign-ups" in answers[0].text


# --- item 7: login CSRF from a page on another loopback port --------------------------------


def test_a_page_on_another_port_cannot_sign_the_victim_in_as_the_attacker(
    tmp_path: Path, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser attack runs on SQLite only: the Origin check is before any database."""
    monkeypatch.delenv("NASALIS_ALLOWED_HOSTS", raising=False)
    with live_server(f"sqlite:///{tmp_path / 'server.db'}", "--accounts") as app:
        with _client(app) as mallory:
            sign_up(mallory, "mallory")
            mallory.cookies.clear()
            # The strongest attacker: a real cookie and its real token, fetched from the server.
            token = csrf_of(mallory.get("/login").text)
            nonce = mallory.cookies["nasalis_csrf"]
        (tmp_path / "login.html").write_text(
            "<!doctype html><html><body>"
            f'<form id="f" method="post" action="{app}/login">'
            f'<input name="csrf_token" value="{token}"><input name="username" value="mallory">'
            f'<input name="password" value="{PASSWORD}"></form>'
            f'<script>document.cookie = "nasalis_csrf={nonce}; path=/";'
            'document.getElementById("f").submit();</script></body></html>'
        )
        port = free_port()
        site = [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(tmp_path),
        ]
        with live_process(site, port, "/login.html") as attacker:
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            answers: list[int] = []
            page.on("response", lambda r: answers.append(r.status) if r.url.startswith(app) else None)
            with page.expect_navigation(url=f"{app}/**"):
                page.goto(f"{attacker}/login.html")
            assert [c["value"] for c in context.cookies() if c["name"] == "nasalis_csrf"] == [nonce]
            assert answers[:1] == [403], answers
            assert "another site" in page.content()
            assert not [c for c in context.cookies() if c["name"] == "nasalis_session"]
            page.goto(f"{app}/")
            assert "/login" in page.url  # not signed in as mallory
            shot(page, "login-csrf-refused-phone")
            context.close()


# --- item 13: sessions without an idle timeout, login_failures without bound ----------------


def test_a_session_unused_for_the_idle_time_ends(shared: tuple[str, str]) -> None:
    server, db_url = shared
    with _client(server, "192.0.2.7") as person:
        sign_up(person, "ivan")
        assert "Sign out ivan" in person.get("/").text
        store = open_store(db_url)
        ivan = select(Account.person_id).where(Account.username == "ivan").scalar_subquery()
        with store.write() as session:
            unused = utcnow() - accounts.SESSION_IDLE - dt.timedelta(minutes=1)
            session.execute(
                update(WebSession).where(WebSession.person_id == ivan).values(last_seen_at=unused)
            )
        store.close()
        landed = person.get("/")
        assert "/login" in str(landed.url)  # the cookie is still there, the session is not


def test_old_attempt_rows_are_pruned(shared: tuple[str, str]) -> None:
    server, db_url = shared
    store = open_store(db_url)
    cutoff = utcnow() - accounts.SIGNUP_WINDOW
    old = cutoff - dt.timedelta(minutes=1)
    with store.write() as session:
        session.add_all(LoginFailure(username=f"old{n}", client="10.0.0.1", at=old) for n in range(500))
    with _client(server, "192.0.2.8") as someone:
        assert _login(someone, "nobody", "wrong wrong wrong").status_code == 401
    with store.read() as session:
        assert session.scalar(select(func.count()).where(LoginFailure.at < cutoff)) == 0
        assert session.scalar(select(func.count()).where(LoginFailure.username == "nobody")) == 1
    store.close()
