"""Logging with no connection, in Debian's chromium against a real `nasalis serve`.

Five twitches and a check-in logged offline, the page reloaded offline (the service worker's
offline page still counts them), then the connection back: exactly five twitches and one
check-in reach the diary; and again with the server killed in the middle of the sync and started
again on the same address. In personal mode and in server mode, where two accounts on one server
each get only their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, Route, expect

from nasalis.diary.idempotency import target_hash
from tests.web.browsing import PHONE, shot, sign_in_in_browser, sign_up_in_browser
from tests.web.live import free_port, running

SYNC_S = 60_000
"""Milliseconds the page may take to send what waits (a retry comes every 10 s; two shared cores)."""


@contextmanager
def server(db: Path, port: int, *args: str) -> Iterator[Any]:
    """A real `nasalis serve` on this port over this SQLite diary (the same address after a restart,
    so the browser's service worker and IndexedDB are the same)."""
    command = [
        sys.executable,
        "-m",
        "nasalis",
        "serve",
        "--port",
        str(port),
        "--db",
        f"sqlite:///{db}",
        *args,
    ]
    with running(command, port, "/static/style.css") as (_base, process):
        yield process


def open_app(browser: Browser, base: str, username: str | None) -> tuple[BrowserContext, Page]:
    """A phone on Today, signed up as `username` in server mode, with the service worker in control."""
    context = browser.new_context(viewport=PHONE, base_url=base)
    page = context.new_page()
    if username:
        sign_up_in_browser(page, username)
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return context, page


def log_offline(context: BrowserContext, page: Page, twitches: int, *, check_in: bool) -> None:
    """With no connection: tap Twitch now `twitches` times (details on the first) and save a check-in."""
    context.set_offline(True)
    waiting = page.locator("#waiting")
    for n in range(1, twitches + 1):
        page.get_by_role("button", name="Twitch now").click()
        expect(waiting).to_contain_text(f"{n} waiting to be saved")
        if n == 1:
            details = page.locator("#queued-details")
            expect(details).to_be_visible()
            details.get_by_label("7", exact=True).check()
            details.get_by_role("button", name="Save details").click()
            expect(details).to_have_count(0)
            expect(waiting).to_contain_text("1 waiting to be saved")  # the details replaced, not added
    if check_in:
        page.get_by_label("Stress today (0-10)").fill("6")
        page.get_by_role("button", name="Save check-in").click()
        expect(waiting).to_contain_text(f"{twitches + 1} waiting to be saved")


def diary_of(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The episodes and check-ins the server holds for this page's person (their own session)."""
    episodes = page.request.get("/api/episodes")
    days = page.request.get("/api/days")
    assert episodes.ok, episodes.status
    assert days.ok, days.status
    return episodes.json(), days.json()


def assert_arrived(page: Page, twitches: int, check_ins: int) -> None:
    """Exactly these many twitches and check-ins in the diary; the first twitch kept its details."""
    episodes, days = diary_of(page)
    assert len(episodes) == twitches, episodes
    assert len({e["started_at"] for e in episodes}) == twitches  # none doubled
    assert [e.get("intensity") for e in episodes].count(7) == 1, episodes
    assert len(days) == check_ins, days
    if check_ins:
        assert days[0]["stress"] == 6


@pytest.mark.parametrize("mode", ["personal", "accounts"])
def test_entries_logged_offline_arrive_once_after_an_offline_reload(
    browser: Browser, tmp_path: Path, mode: str
) -> None:
    accounts = mode == "accounts"
    port = free_port()
    with server(tmp_path / "diary.db", port, *(["--accounts"] if accounts else [])):
        base = f"http://127.0.0.1:{port}"
        people: dict[str | None, tuple[int, bool]] = (
            {"alice": (5, True), "bob": (2, False)} if accounts else {None: (5, True)}
        )
        opened = {}
        for name, (twitches, check_in) in people.items():
            context, page = open_app(browser, base, name)
            log_offline(context, page, twitches, check_in=check_in)
            opened[name] = (context, page)
        for name, (_context, page) in opened.items():
            twitches, check_in = people[name]
            page.reload()  # still offline: the service worker's offline page, and the count stays
            expect(page.get_by_role("heading", name="No connection")).to_be_visible()
            expect(page.locator("#waiting")).to_contain_text(f"{twitches + check_in} waiting to be saved")
            if name != "bob":
                shot(page, "offline-phone")
        for name, (context, page) in opened.items():
            twitches, check_in = people[name]
            context.set_offline(False)  # the offline page reloads the real one, which sends
            expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
            page.reload()
            expect(page.get_by_role("heading", name=f"Today's twitches ({twitches})")).to_be_visible()
            assert_arrived(page, twitches, int(check_in))  # each account: its own, and only its own
            context.close()


@pytest.mark.parametrize("mode", ["personal", "accounts"])
def test_a_server_killed_in_the_middle_of_the_sync_loses_and_doubles_nothing(
    browser: Browser, tmp_path: Path, mode: str
) -> None:
    args = ["--accounts"] if mode == "accounts" else []
    port, db = free_port(), tmp_path / "diary.db"
    base = f"http://127.0.0.1:{port}"
    with server(db, port, *args) as process:
        context, page = open_app(browser, base, "alice" if args else None)
        log_offline(context, page, 5, check_in=True)
        answered: list[int] = []

        def kill_after_second(response: Response) -> None:
            if response.request.method == "POST" and response.url.endswith("/api/episodes"):
                answered.append(response.status)
                if len(answered) == 2:
                    os.killpg(process.pid, signal.SIGKILL)  # no goodbye: mid-sync, like a power cut

        page.on("response", kill_after_second)
        context.set_offline(False)  # the online event starts the sync
        page.wait_for_function("() => document.querySelector('#waiting').textContent !== ''")
        while process.poll() is None:
            page.wait_for_timeout(200)  # the listener runs while the page is being waited on
        assert answered[:2] == [201, 201], answered
        page.remove_listener("response", kill_after_second)
        expect(page.locator("#waiting")).to_contain_text("waiting to be saved")  # the rest still waits
    with server(db, port, *args):  # the same address and diary: the page's retry finds it again
        expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        assert_arrived(page, 5, 1)
        context.close()


def test_a_check_in_the_server_refuses_stays_on_the_device_until_removed(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with server(tmp_path / "diary.db", port):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", None)
        context.set_offline(True)
        page.get_by_label("Stress today (0-10)").fill("15")  # out of range: the server will refuse it
        page.get_by_role("button", name="Save check-in").click()
        waiting = page.locator("#waiting")
        expect(waiting).to_contain_text("1 waiting to be saved")
        context.set_offline(False)
        expect(waiting).to_contain_text("1 could not be saved", timeout=SYNC_S)
        # The server's own words, naming the field.
        expect(waiting).to_contain_text("Stress today (0-10): must be from 0 to 10 (got 15)")
        page.reload()  # refused is not forgotten: still there after a reload, and not sent again
        expect(waiting).to_contain_text("1 could not be saved")
        assert diary_of(page) == ([], [])
        shot(page, "offline-refused-phone")
        page.get_by_role("button", name=re.compile("^Remove Check-in")).click()
        expect(waiting).to_be_hidden()
        stored = page.evaluate(
            """() => new Promise((ok) => { const open = indexedDB.open("nasalis", 1);
               open.onsuccess = () => {
                 const all = open.result.transaction("waiting").objectStore("waiting").getAll();
                 all.onsuccess = () => ok(all.result.length); }; })"""
        )
        assert stored == 0
        context.close()


COUNT_WAITING = """() => new Promise((ok) => { const open = indexedDB.open("nasalis", 1);
  open.onsuccess = () => {
    const all = open.result.transaction("waiting").objectStore("waiting").getAll();
    all.onsuccess = () => ok(all.result.length); }; })"""


def test_on_a_shared_phone_each_account_sends_only_its_own_waiting_twitches(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with server(tmp_path / "diary.db", port, "--accounts"):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", "bob")
        log_offline(context, page, 1, check_in=False)  # bob's twitch waits on this phone
        page.close()  # bob's page is gone before the connection is back
        context.clear_cookies()
        context.set_offline(False)
        page = context.new_page()  # and alice signs up on the same phone (the same IndexedDB)
        sign_up_in_browser(page, "alice")
        page.goto("/")
        page.wait_for_timeout(1500)  # alice's page has synced on load by now
        assert diary_of(page) == ([], [])  # bob's twitch is not sent as alice's
        expect(page.locator("#waiting")).to_be_hidden()  # nor counted on her page
        assert page.evaluate(COUNT_WAITING) == 1  # still kept for bob
        page.get_by_role("button", name="Sign out alice").click()
        sign_in_in_browser(page, "bob")
        expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        episodes, _days = diary_of(page)
        assert len(episodes) == 1
        assert episodes[0]["intensity"] == 7
        assert page.evaluate(COUNT_WAITING) == 0
        context.close()


def stored_entries(page: Page) -> list[dict[str, Any]]:
    """What waits in this browser's IndexedDB (every person's), oldest first."""
    entries: list[dict[str, Any]] = page.evaluate(
        """() => new Promise((ok) => { const open = indexedDB.open("nasalis", 1);
           open.onsuccess = () => {
             const all = open.result.transaction("waiting").objectStore("waiting").getAll();
             all.onsuccess = () => ok(all.result.sort((a, b) => a.made - b.made)); }; })"""
    )
    return entries


def test_a_check_in_queued_when_the_session_has_ended_waits_for_the_next_sign_in(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with server(tmp_path / "diary.db", port, "--accounts"):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", "alice")
        log_offline(context, page, 0, check_in=True)
        context.clear_cookies()  # the session ends while the phone is offline (expired, signed out)
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/day")) as sent:
            context.set_offline(False)  # the page still holds the old token and tries
        assert sent.value.status == 303  # to the sign-in page: the check-in was not saved
        page.wait_for_timeout(1000)  # the page has read where that redirect landed
        assert [e["kind"] for e in stored_entries(page)] == ["form"]  # so it is still on the device
        expect(page.locator("#waiting")).to_contain_text("1 waiting to be saved")
        sign_in_in_browser(page, "alice")
        expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        episodes, days = diary_of(page)
        assert (episodes, [d["stress"] for d in days]) == ([], [6])
        assert stored_entries(page) == []
        context.close()


def test_twitch_now_with_the_server_down_while_online_is_kept_and_saved_once(
    browser: Browser, tmp_path: Path
) -> None:
    port, db = free_port(), tmp_path / "diary.db"
    with server(db, port):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", None)
    # The phone says online, but nothing answers (weak Wi-Fi, the server restarting).
    assert page.evaluate("() => navigator.onLine")
    page.get_by_role("button", name="Twitch now").click()
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("1 waiting to be saved")
    (entry,) = stored_entries(page)
    assert entry["kind"] == "episode"
    with server(db, port):  # back on the same address: the page's retry sends it
        expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        episodes, _days = diary_of(page)
        tapped = dt.datetime.fromisoformat(entry["body"]["started_at"])
        assert [dt.datetime.fromisoformat(e["started_at"]) for e in episodes] == [tapped]  # the tap's instant
        assert stored_entries(page) == []
        context.close()


def test_a_twitch_answered_409_still_being_handled_is_sent_again_not_refused(
    browser: Browser, tmp_path: Path
) -> None:
    port, db = free_port(), tmp_path / "diary.db"
    with server(db, port):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", None)
        log_offline(context, page, 1, check_in=False)
        (entry,) = stored_entries(page)
        body = page.evaluate("(body) => JSON.stringify(body)", entry["body"])
        # The server's own row for a request with this key whose write is still under way (a
        # send that reached the server just before the connection broke).
        with closing(sqlite3.connect(db)) as connection, connection:
            (person,) = connection.execute("SELECT id FROM people").fetchone()
            connection.execute(
                "INSERT INTO idempotency_keys (person_id, key, method, target, body_hash, created_at)"
                " VALUES (?, ?, 'POST', ?, ?, ?)",
                (
                    person,
                    entry["key"],
                    target_hash("POST", "/api/episodes"),
                    hashlib.sha256(body.encode()).hexdigest(),
                    _now(),
                ),
            )
        answered: list[int] = []

        def first_finishes_unsaved(response: Response) -> None:
            if response.request.method == "POST" and response.url.endswith("/api/episodes"):
                answered.append(response.status)
                if response.status == 409:  # that write is rolled back: its row goes with it
                    with closing(sqlite3.connect(db)) as connection, connection:
                        connection.execute("DELETE FROM idempotency_keys")

        page.on("response", first_finishes_unsaved)
        context.set_offline(False)
        expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        assert answered == [409, 201], answered
        assert_arrived(page, 1, 0)
        context.close()


def _now() -> str:
    """Now as the diary stores an instant (naive UTC, SQLite's text form)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def test_the_offline_page_lists_and_files_only_under_the_person_this_tab_signed_in(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with server(tmp_path / "diary.db", port, "--accounts"):
        context, alice = open_app(browser, f"http://127.0.0.1:{port}", "alice")
        log_offline(context, alice, 1, check_in=False)  # alice's twitch waits on this phone
        alice.close()  # she leaves without signing out; her session ends later
        context.clear_cookies()
        # bob picks up the phone, with no connection: the app opens on the offline page.
        bob = context.new_page()
        bob.goto("/")
        expect(bob.get_by_role("heading", name="No connection")).to_be_visible()
        waiting = bob.locator("#waiting")
        expect(waiting).to_have_text("Sign in to see what waits to be saved.")  # not alice's count
        bob.get_by_role("button", name="Twitch now").click()
        expect(bob.locator("#offline-signed-out")).to_be_visible()  # filed under nobody
        assert [e["owner"] for e in stored_entries(bob)] == ["account:alice"]
        # Connected, bob signs up in this tab; offline again, his tap is his and he sees only it.
        context.set_offline(False)  # the offline page reloads, and nobody is signed in here
        bob.wait_for_url(re.compile(r"/login"), timeout=SYNC_S)
        sign_up_in_browser(bob, "bob")
        bob.goto("/")
        context.set_offline(True)
        bob.reload()
        expect(bob.get_by_role("heading", name="No connection")).to_be_visible()
        expect(waiting).to_be_hidden()  # nothing of bob's waits yet; alice's is not shown
        bob.get_by_role("button", name="Twitch now").click()
        expect(waiting).to_contain_text("1 waiting to be saved")
        assert sorted(e["owner"] for e in stored_entries(bob)) == ["account:alice", "account:bob"]
        context.set_offline(False)  # the offline page reloads bob's Today, which sends his
        expect(bob.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        assert len(diary_of(bob)[0]) == 1
        assert [e["owner"] for e in stored_entries(bob)] == ["account:alice"]  # kept for her
        bob.get_by_role("button", name="Sign out bob").click()
        sign_in_in_browser(bob, "alice")
        expect(bob.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        assert_arrived(bob, 1, 0)
        assert stored_entries(bob) == []
        context.close()


def test_a_5xx_for_one_entry_lets_the_next_ones_go_in_the_same_round(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with server(tmp_path / "diary.db", port):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", None)
        log_offline(context, page, 3, check_in=False)
        keys: list[str] = []

        def proxy_restarting_once(route: Route) -> None:
            keys.append(route.request.headers.get("idempotency-key", ""))
            if len(keys) == 1:  # a proxy in front answers for the server it cannot reach right now
                route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")
            else:
                route.continue_()

        page.route("**/api/episodes", proxy_restarting_once)
        context.set_offline(False)
        expect(page.get_by_text("All saved.")).to_be_visible(timeout=SYNC_S)
        assert keys[1] != keys[0], keys  # the next twitch went at once, not after the next retry
        assert len(set(keys)) == 3, keys
        assert keys.count(keys[0]) == 2, keys  # the one answered 502 went again later
        assert_arrived(page, 3, 0)
        context.close()


def test_a_refusal_for_an_entry_another_tab_already_took_adds_nothing(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    with server(tmp_path / "diary.db", port):
        context, page = open_app(browser, f"http://127.0.0.1:{port}", None)
        other = context.new_page()  # another tab of the same app, with the same IndexedDB
        other.goto("/static/style.css")
        context.set_offline(True)
        page.get_by_label("Stress today (0-10)").fill("15")  # the server will refuse it
        page.get_by_role("button", name="Save check-in").click()
        expect(page.locator("#waiting")).to_contain_text("1 waiting to be saved")
        (entry,) = stored_entries(page)

        def taken_meanwhile(route: Route) -> None:
            # While this tab's send is on its way, the other tab is done with the entry.
            other.evaluate(
                """(key) => new Promise((ok) => { const open = indexedDB.open("nasalis", 1);
                   open.onsuccess = () => { const tx = open.result.transaction("waiting", "readwrite");
                     tx.objectStore("waiting").delete(key); tx.oncomplete = () => ok(null); }; })""",
                entry["key"],
            )
            route.continue_()

        page.route("**/day", taken_meanwhile)
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/day")) as sent:
            context.set_offline(False)
        assert sent.value.status == 422  # the server's refusal, for an entry no longer kept
        page.wait_for_timeout(1000)  # the page has handled that answer
        assert stored_entries(page) == []  # not written back as refused
        expect(page.locator("#waiting")).not_to_contain_text("could not be saved")
        context.close()
