"""The installable app in Debian's chromium: manifest, icons, the service worker and its cache,
the phone's tab bar, and the check-in reminder as a Notification."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from nasalis.web.routes.app_shell import SHELL, shell_version
from tests.web.browsing import PHONE, shot, sign_up_in_browser
from tests.web.conftest import PASSWORD
from tests.web.live import live_server

LAPTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server-mode `nasalis serve` for the module (accounts: the strictest cache rules)."""
    db = tmp_path_factory.mktemp("pwa") / "server.db"
    with live_server(f"sqlite:///{db}", "--accounts") as url:
        yield url


def signed_up(browser: Browser, base: str, name: str, **options: object) -> tuple[BrowserContext, Page]:
    """A phone signed up as `name`, on Today, its service worker active and in control."""
    context = browser.new_context(viewport=PHONE, base_url=base, **options)  # type: ignore[arg-type]
    page = context.new_page()
    sign_up_in_browser(page, name)
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return context, page


def test_chromium_finds_the_app_installable_with_its_worker_in_control(
    browser: Browser, base: str, tmp_path: Path
) -> None:
    # A profile on disk: chromium installs nothing from an incognito context, which new_context is.
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path="/usr/bin/chromium",
        headless=True,
        viewport=PHONE,
        base_url=base,
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/signup")
    page.get_by_label("Username").fill("installer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Sign out installer")).to_be_visible()
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"].endswith("/manifest.webmanifest")
    state = page.evaluate(
        """async () => { const reg = await navigator.serviceWorker.ready;
           return [reg.scope, reg.active.state, navigator.serviceWorker.controller.scriptURL]; }"""
    )
    assert state == [f"{base}/", "activated", f"{base}/sw.js"]
    for size in ("192x192", "512x512"):  # the icons the manifest names are real PNGs of their size
        icon = page.request.get(f"/static/icon-{size.partition('x')[0]}.png")
        assert icon.ok
        assert icon.body()[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(icon.body()[16:20], "big")
        assert f"{width}x{width}" == size
    context.close()


def test_the_worker_keeps_the_shell_and_never_a_person_s_pages(browser: Browser, base: str) -> None:
    context, page = signed_up(browser, base, "sharer")
    page.get_by_role("button", name="Twitch now").click()
    for path in ("/diary", "/insights", "/settings", "/api/episodes", "/"):
        page.goto(path)
    kept = page.evaluate(
        """async () => { const out = [];
           for (const name of await caches.keys())
             for (const request of await (await caches.open(name)).keys())
               out.push(new URL(request.url).pathname);
           return out.sort(); }"""
    )
    assert kept == sorted(SHELL)  # the app's files and the generic offline page: nobody's diary
    offline = page.request.get("/offline").text()
    assert "sharer" not in offline
    assert "nasalis-csrf" not in offline
    assert "data-owner" not in offline
    context.close()


def test_the_phone_has_one_line_of_tabs_and_the_laptop_its_top_nav(browser: Browser, base: str) -> None:
    context, page = signed_up(browser, base, "thumb")
    tabs = page.get_by_role("navigation", name="Tabs")
    names = [tabs.get_by_role("link").nth(i).inner_text() for i in range(4)]
    assert names == ["Today", "Diary", "Video", "Insights"]
    boxes = [tabs.get_by_role("link", name=n).bounding_box() for n in names]
    more = tabs.get_by_text("More", exact=True)
    boxes.append(more.bounding_box())
    assert all(b is not None for b in boxes)
    tops = {round(b["y"]) for b in boxes if b}
    assert len(tops) == 1, tops  # one line
    assert all(b["height"] >= 48 and b["width"] >= 48 for b in boxes if b)  # thumb-sized
    last = boxes[-1]
    assert last is not None
    assert last["y"] + last["height"] <= PHONE["height"] + 1
    expect(tabs.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress")).to_be_hidden()
    shot(page, "today-tabs-phone")
    tabs.get_by_role("link", name="Diary").click()
    expect(page.get_by_role("heading", name="Diary")).to_be_visible()
    expect(tabs.get_by_role("link", name="Diary")).to_have_attribute("aria-current", "page")
    more.click()
    expect(tabs.get_by_role("link", name="Settings")).to_be_visible()
    shot(page, "more-open-phone")
    tabs.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(tabs.get_by_role("link", name="Settings")).to_be_hidden()  # More closed again
    expect(more).to_have_class("current")
    page.set_viewport_size(LAPTOP)
    expect(tabs).to_be_hidden()
    top = page.get_by_role("navigation", name="Main")
    expect(top.get_by_role("link", name="Progress")).to_be_visible()
    expect(top.get_by_role("link", name="Settings")).to_have_attribute("aria-current", "page")
    context.close()


def test_the_reminder_notification_comes_when_the_check_in_is_missing(browser: Browser, base: str) -> None:
    context, page = signed_up(browser, base, "reminded", permissions=["notifications"])
    page.goto("/settings")
    earlier = (dt.datetime.now() - dt.timedelta(minutes=2)).strftime("%H:%M")
    if earlier > dt.datetime.now().strftime("%H:%M"):
        earlier = "00:00"  # just after midnight: the reminder time of today that has passed
    page.get_by_label("Remind me of the check-in from").fill(earlier)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()  # the new time is stored before it is asked
    page.get_by_role("button", name="Turn the reminder on on this device").click()
    expect(page.locator("#notify-state")).to_contain_text("On: this device shows a notification")
    # wait_for_function takes an async predicate's promise as truthy at once: poll with evaluate,
    # which awaits it.
    shown = None
    for _ in range(60):
        shown = page.evaluate(
            """async () => { const reg = await navigator.serviceWorker.ready;
               const found = await reg.getNotifications();
               return found.length ? found.map(n => [n.title, n.tag]) : null; }"""
        )
        if shown:
            break
        page.wait_for_timeout(500)
    today = page.evaluate("() => new Date().toLocaleDateString('sv')")  # YYYY-MM-DD, local
    assert shown == [["nasalis: time for today's check-in", f"check-in-{today}"]]
    context.close()


def test_no_reminder_once_the_check_in_is_saved(browser: Browser, base: str) -> None:
    context, page = signed_up(browser, base, "done", permissions=["notifications"])
    page.get_by_label("Stress today (0-10)").fill("3")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    page.goto("/settings")
    page.get_by_label("Remind me of the check-in from").fill("00:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()  # the new time is stored before it is asked
    page.get_by_role("button", name="Turn the reminder on on this device").click()
    expect(page.locator("#notify-state")).to_contain_text("On:")
    answer = page.request.get("/api/reminder").json()
    assert answer["check_in_missing"] is False
    assert answer["due"] is False
    page.reload()  # the page asks again on load; give the worker a moment to show anything
    page.wait_for_timeout(1500)
    count = page.evaluate(
        "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length"
    )
    assert count == 0
    context.close()


def test_the_manifest_names_the_app_and_its_icons(base: str) -> None:
    found = httpx2.get(f"{base}/manifest.webmanifest")
    assert found.headers["content-type"].startswith("application/manifest+json")
    manifest = found.json()
    assert manifest["display"] == "standalone"
    assert manifest["scope"] == "/"
    assert manifest["start_url"] == "/"
    purposes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    page = httpx2.get(f"{base}/login").text
    assert re.search(r'<link rel="manifest" href="/manifest.webmanifest">', page)


def test_a_new_worker_deletes_the_caches_of_old_versions(browser: Browser, base: str) -> None:
    context = browser.new_context(viewport=PHONE, base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.evaluate(
        """async () => {
           await (await caches.open("nasalis-shell-old")).put("/static/app.js", new Response("old"));
           await (await navigator.serviceWorker.ready).unregister(); }"""
    )
    page.reload()  # app.js registers the worker again: it installs and activates afresh
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    names = page.evaluate("async () => (await caches.keys()).sort()")
    assert names == [f"nasalis-shell-{shell_version()}"]
    context.close()
