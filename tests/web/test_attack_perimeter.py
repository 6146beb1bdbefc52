"""Attacks on the web perimeter, each against a real `nasalis serve` on loopback.

DNS rebinding (a foreign Host, and an Origin that matches it), a CSRF token planted as a cookie
from another local port, the API docs (vendored, for signed-in people only), health data kept
in the browser cache, and a ?ep= link that would aim "Save details" at another twitch.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest

from nasalis.config import SECRET_FILE
from nasalis.web.guards import CSP
from tests.cli.runner import nasalis_process
from tests.web.conftest import csrf_of, sign_up
from tests.web.live import free_port, live_server

NOTE = "perimeter-private-note"
"""A diary value that must never appear in an answer to an attacker."""
PLANTED = "A" * 43
"""A CSRF cookie value a page on another port can set: the shape of a real one, unsigned."""


@pytest.fixture
def real_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's own defaults, without the `testserver` name the in-process test apps allow."""
    monkeypatch.delenv("NASALIS_ALLOWED_HOSTS", raising=False)


@pytest.fixture
def personal_server(db_url: str, real_hosts: None) -> Iterator[str]:
    """A personal-mode server (the default) holding one twitch with a private note."""
    with live_server(db_url) as base:
        made = httpx2.post(f"{base}/api/episodes", json={"started_at": _now(), "note": NOTE})
        assert made.status_code == 201, made.text
        yield base


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _port(base: str) -> int:
    port = urlsplit(base).port
    assert port is not None
    return port


def test_dns_rebinding_reads_and_writes_nothing(personal_server: str) -> None:
    base, port = personal_server, _port(personal_server)
    rebound = {"host": f"evil.example:{port}", "origin": f"http://evil.example:{port}"}
    with httpx2.Client(base_url=base) as client:
        for path in ("/api/export?format=json", "/api/episodes", "/settings", "/", "/diary", "/docs"):
            answer = client.get(path, headers=rebound)
            assert answer.status_code == 421, path
            assert NOTE not in answer.text
            assert "sqlite" not in answer.text  # nor the data path
            assert "postgresql" not in answer.text
            assert answer.headers["content-security-policy"] == CSP
        # Before: Origin matched the rebound Host, so the write went through without a token.
        write = client.post("/api/episodes", json={"started_at": _now()}, headers=rebound)
        assert write.status_code == 421
        assert client.delete("/api/episodes/1", headers=rebound).status_code == 421
        assert len(client.get("/api/episodes").json()) == 1
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "127.0.0.1", "localhost"):
            export = client.get("/api/export?format=json", headers={"host": host})
            assert export.status_code == 200, host
            assert NOTE in export.text
        assert client.get("/", headers={"host": "127.0.0.1:1"}).status_code == 421  # another port


def test_server_mode_answers_only_its_configured_hosts_on_every_worker(db_url: str, real_hosts: None) -> None:
    with live_server(db_url, "--accounts", "--workers", "2", "--allowed-host", "diary.example") as base:
        port = _port(base)
        for _ in range(8):  # fresh connections reach both workers
            with httpx2.Client(base_url=base) as fresh:
                assert fresh.get("/login", headers={"host": "evil.example"}).status_code == 421
                assert fresh.get("/login", headers={"host": f"localhost:{port}"}).status_code == 421
                assert fresh.get("/login").status_code == 200  # --host itself, 127.0.0.1:port
                assert fresh.get("/login", headers={"host": "diary.example"}).status_code == 200
                assert fresh.get("/login", headers={"host": f"DIARY.example:{port}"}).status_code == 200
        with httpx2.Client(base_url=base, headers={"host": "diary.example"}) as client:
            form = csrf_of(client.get("/signup").text)
            body = {"csrf_token": form, "username": "mallory", "password": "correct horse battery"}
            # The configured origin, never one made from the Host: a foreign Origin is refused.
            foreign = client.post("/signup", data=body, headers={"origin": "http://evil.example"})
            assert foreign.status_code == 403
            same = client.post("/signup", data=body, headers={"origin": "https://diary.example"})
            assert same.status_code in (200, 303), same.text


def test_serving_every_address_without_a_host_name_is_refused(tmp_path: Path) -> None:
    done = nasalis_process("serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path / 'd.db'}")
    assert done.returncode == 2
    assert "--allowed-host" in done.stderr
    assert not (tmp_path / "d.db").exists()


def test_a_csrf_cookie_planted_from_another_port_does_not_verify(personal_server: str) -> None:
    other = f"http://127.0.0.1:{free_port()}"
    check_in = {"csrf_token": PLANTED, "stress": "9", "sleep_hours": "3"}
    with httpx2.Client(base_url=personal_server, cookies={"nasalis_csrf": PLANTED}) as victim:
        # As chromium sends a form from another local port: same-site, and that port's Origin.
        tossed = victim.post("/day", data=check_in, headers={"origin": other, "sec-fetch-site": "same-site"})
        assert tossed.status_code == 403
        # Even with the browser's labels gone, the planted value is not signed by this server.
        unsigned = victim.post("/day", data=check_in)
        assert unsigned.status_code == 403
        deleted = victim.post("/diary/episodes/1/delete", data={"csrf_token": PLANTED})
        assert deleted.status_code == 403
        assert victim.get("/api/days").json() == []
        assert len(victim.get("/api/episodes").json()) == 1
    with httpx2.Client(base_url=personal_server) as person:  # the real form still works
        token = csrf_of(person.get("/").text)
        saved = person.post(
            "/day", data={**check_in, "csrf_token": token}, headers={"origin": personal_server}
        )
        assert saved.status_code == 303, saved.text
        assert len(person.get("/api/days").json()) == 1
    secret = Path(os.environ["XDG_DATA_HOME"]) / "nasalis" / SECRET_FILE  # the server's data folder
    assert secret.stat().st_mode & 0o777 == 0o600


NO_STORE_PATHS = (
    "/",
    "/diary",
    "/diary/episodes/1",
    "/insights",
    "/settings",
    "/export",
    "/report",
    "/report?format=pdf",
    "/videos",
    "/api/episodes",
    "/api/days",
    "/api/export?format=json",
    "/api/export?format=csv",
    "/api/export?format=fhir",
    "/docs",
    "/openapi.json",
    "/diary/episodes/999",  # an error page, too
)


def test_health_data_is_never_kept_in_the_browser_cache(personal_server: str) -> None:
    with httpx2.Client(base_url=personal_server) as client:
        for path in NO_STORE_PATHS:
            answer = client.get(path)
            assert answer.headers.get("cache-control") == "no-store", path
        first = client.get("/static/style.css")
        assert first.status_code == 200
        assert "no-store" not in first.headers.get("cache-control", "")
        again = client.get("/static/style.css", headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 304  # the app's own files are still cached


def test_api_docs_are_vendored_and_for_signed_in_people_only(db_url: str, real_hosts: None) -> None:
    with (
        live_server(db_url, "--accounts") as base,
        httpx2.Client(base_url=base, follow_redirects=True) as client,
    ):
        anonymous = client.get("/docs", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == "/login?next=%2Fdocs"
        schema = client.get("/openapi.json")
        assert schema.status_code == 401
        assert "/api/" not in schema.text
        sign_up(client, "dora")
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert docs.headers["content-security-policy"] == CSP  # the app's own policy, no CDN
        assert not re.search(r"<script(?![^>]*\bsrc=)", docs.text), "an inline script"
        assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
        # icon, style sheet, manifest, app.js (the worker's registration), Swagger UI, its starter
        assert len(assets) == 6
        for asset in assets:
            assert asset.startswith("/static/") or asset == "/manifest.webmanifest", asset
            assert client.get(asset).status_code == 200
        assert "/api/episodes" in client.get("/openapi.json").json()["paths"]


def _log_a_twitch(client: httpx2.Client) -> str:
    """Press Twitch now on Today; the id in the page it goes to."""
    token = csrf_of(client.get("/").text)
    logged = client.post("/episodes", data={"csrf_token": token, "tz": "0"}, follow_redirects=False)
    assert logged.status_code == 303
    found = re.search(r"[?&]ep=(\d+)", logged.headers["location"])
    assert found
    return found.group(1)


def test_an_ep_link_cannot_aim_save_details_at_another_twitch(db_url: str, real_hosts: None) -> None:
    with (
        live_server(db_url, "--accounts") as base,
        httpx2.Client(base_url=base, follow_redirects=True) as alice,
        httpx2.Client(base_url=base, follow_redirects=True) as bob,
    ):
        token = sign_up(alice, "alice")
        sign_up(bob, "bob")
        alices = _log_a_twitch(alice)
        assert f'action="/episodes/{alices}/details"' in alice.get(f"/?ep={alices}").text  # the real flow
        # A link to bob naming alice's twitch: no details form, no action aimed at it.
        # (a form's action ends in /details"; the phone nav's </details> element is no target)
        assert '/details"' not in bob.get(f"/?ep={alices}").text
        # A link to alice naming an old twitch of hers: Save details would rewrite that one.
        old = alice.post(
            "/api/episodes",
            json={"started_at": "2025-01-01T08:00:00+00:00", "note": NOTE},
            headers={"x-csrf-token": token},
        )
        assert old.status_code == 201, old.text
        assert '/details"' not in alice.get(f"/?ep={old.json()['id']}").text
        assert '/details"' not in alice.get("/?ep=1/delete").text
