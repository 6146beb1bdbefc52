"""What every real-browser test shares: the phone's size and a screenshot that checks the page first."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect

from tests.web.axe import violations
from tests.web.conftest import PASSWORD

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
"""An everyday phone (CSS pixels): every page must fit it without sideways scrolling."""


def shot(page: Page, name: str, *, axe: bool = True) -> None:
    """Check the page fits its screen and passes axe, then keep a screenshot of it in docs/screenshots.

    `axe=False` only for a page whose markup is not ours (the vendored Swagger UI)."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (
        f"{name} is wider than the screen"
    )
    if axe:
        found = violations(page)
        assert found == [], f"{name}: {found}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a style, which the CSP (rightly) blocks.
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def _account_form(page: Page, path: str, button: str, username: str) -> None:
    page.goto(path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("button", name=f"Sign out {username}")).to_be_attached()


def sign_up_in_browser(page: Page, username: str) -> None:
    """Make an account through the sign-up page (server mode) and wait until it is signed in."""
    _account_form(page, "/signup", "Create account", username)


def sign_in_in_browser(page: Page, username: str) -> None:
    """Sign in on the sign-in page as `username` (made with PASSWORD) and wait until it is signed in."""
    _account_form(page, "/login", "Sign in", username)
