"""A phone's way in: Debian's real Caddy with its internal CA in front of `nasalis serve --accounts`.

Chromium trusts Caddy's root the way a person's browser would: the root goes into the NSS
database of the browser's own HOME (`certutil`), so no certificate error is ignored. The site is
named nasalis.test (chromium maps it to 127.0.0.1): not a loopback name, so a secure context
there comes from HTTPS alone.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from nasalis.commands.phone import CADDY, caddy_environment, caddyfile, https_answers, root_certificate
from tests.web.browsing import PHONE, shot, sign_up_in_browser
from tests.web.live import STARTUP_S, free_port, serving

NAME = "nasalis.test"


@dataclass(frozen=True)
class Front:
    """Caddy in front of the app: the public origin, its HTTPS port and Caddy's root certificate."""

    origin: str
    port: int
    root: Path


@contextmanager
def app_behind_caddy(tmp_path: Path, *serve_args: str) -> Iterator[Front]:
    """`nasalis serve --accounts ARGS` (allowing nasalis.test) with Caddy in front of it."""
    home = tmp_path / "caddy"
    home.mkdir()
    # Caddy's port is chosen first: the app must allow the Host name the browser sends.
    port = free_port()
    with serving(
        f"sqlite:///{tmp_path / 'diary.db'}", "--accounts", "--allowed-host", f"{NAME}:{port}", *serve_args
    ) as (base, _process):
        app_port = int(base.rsplit(":", 1)[1])
        with _caddy_on(port, app_port, home) as front:
            yield front


@contextmanager
def _caddy_on(port: int, app_port: int, home: Path) -> Iterator[Front]:
    config = home / "Caddyfile"
    config.write_text(caddyfile(NAME, "127.0.0.1", port, free_port(), app_port), encoding="utf-8")
    with open(home / "caddy.log", "wb") as log:
        caddy = subprocess.Popen(
            [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
            env=caddy_environment(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            root = root_certificate(home)
            deadline = time.monotonic() + STARTUP_S
            while not https_answers("127.0.0.1", port, root, NAME):
                assert caddy.poll() is None, (home / "caddy.log").read_text()
                assert time.monotonic() < deadline, "Caddy did not answer"
                time.sleep(0.2)
            yield Front(f"https://{NAME}:{port}", port, root)
        finally:
            caddy.terminate()
            caddy.wait(timeout=20)


def https_head(front: Front, path: str) -> str:
    """The status line and headers of GET path through Caddy, checked against Caddy's root."""
    context = ssl.create_default_context(cafile=str(front.root))
    with (
        socket.create_connection(("127.0.0.1", front.port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname=NAME) as tls,
    ):
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {NAME}:{front.port}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = tls.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()


@contextmanager
def trusting_browser(front: Front, home: Path) -> Iterator[Browser]:
    """Debian's chromium with Caddy's root in its own NSS database, nasalis.test mapped to loopback."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(["certutil", "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "caddy-local", "-i", str(front.root)],
        check=True,
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
            args=[f"--host-resolver-rules=MAP {NAME} 127.0.0.1"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _sign_up(page: Page) -> None:
    sign_up_in_browser(page, "paula")
    expect(page.get_by_role("button", name="Twitch now")).to_be_visible()


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    """The app (trusting Caddy's forwarded headers) behind Caddy."""
    with app_behind_caddy(tmp_path, "--proxy", "127.0.0.1") as running:
        yield running


def test_a_phone_signs_in_and_logs_a_twitch_over_caddys_https(front: Front, tmp_path: Path) -> None:
    with trusting_browser(front, tmp_path / "browser-home") as chromium:
        context = chromium.new_context(viewport=PHONE, base_url=front.origin)
        page = context.new_page()
        _sign_up(page)
        page.get_by_role("button", name="Twitch now").click()
        expect(page.get_by_text("Twitch logged.")).to_be_visible()
        expect(page.get_by_role("heading", name="Today's twitches (1)")).to_be_visible()
        assert page.url.startswith(f"{front.origin}/"), page.url
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["nasalis_session"]["secure"], cookies["nasalis_session"]
        assert cookies["nasalis_csrf"]["secure"], cookies["nasalis_csrf"]
        # navigator.serviceWorker exists only in a secure context: HTTPS to a non-loopback name.
        assert page.evaluate("() => window.isSecureContext && 'serviceWorker' in navigator")
        page.goto("/phone")
        shot(page, "phone-help-phone")
        context.close()
    # The app saw https: the absolute URL it builds for a trailing slash keeps the scheme.
    head = https_head(front, "/settings/")
    assert f"location: https://{NAME}:{front.port}/settings" in head, head


def test_without_proxy_the_forwarded_https_is_not_believed(tmp_path: Path) -> None:
    """uvicorn's own default believes any local program; `nasalis serve` believes none unless told."""
    with app_behind_caddy(tmp_path) as front:
        head = https_head(front, "/settings/")
    assert f"location: http://{NAME}:{front.port}/settings" in head, head


def test_the_service_worker_registers_over_https(front: Front, tmp_path: Path) -> None:
    with trusting_browser(front, tmp_path / "browser-home") as chromium:
        context = chromium.new_context(viewport=PHONE, base_url=front.origin)
        page = context.new_page()
        _sign_up(page)
        # ready never settles without a worker: give up after 20 s rather than hang.
        scope = page.evaluate(
            "() => Promise.race([navigator.serviceWorker.ready.then(r => r.scope),"
            " new Promise(done => setTimeout(() => done(null), 20000))])"
        )
        context.close()
    assert scope == f"{front.origin}/", scope
