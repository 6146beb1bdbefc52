"""`nasalis serve` as a real process: personal mode, refusal without accounts, several workers."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2

from tests.cli.runner import nasalis_process
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.live import live_server


def test_a_network_address_without_accounts_is_refused(tmp_path: Path) -> None:
    done = nasalis_process(
        "serve", "--host", "0.0.0.0", "--no-accounts", "--db", f"sqlite:///{tmp_path / 'd.db'}"
    )
    assert done.returncode == 2
    assert "without a login" in done.stderr
    assert "--no-accounts" in done.stderr
    assert not (tmp_path / "d.db").exists()


def test_personal_mode_serves_the_diary_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    with live_server(db) as base, httpx2.Client(base_url=base) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "Twitch now" in page.text
        logged = client.post("/episodes", data={"csrf_token": csrf_of(page.text), "tz": "0"})
        assert logged.status_code == 303
    assert (
        nasalis_process(
            "export", "--format", "json", "--out", str(tmp_path / "o.json"), "--db", db
        ).returncode
        == 0
    )
    assert '"started_at"' in (tmp_path / "o.json").read_text()


def test_server_mode_with_two_workers_keeps_no_state_in_a_worker(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with (
        live_server(db_url, "--accounts", "--workers", "2", log=log) as base,
        httpx2.Client(base_url=base) as client,
    ):
        assert client.get("/").status_code == 303  # anonymous: to /login
        form = client.get("/signup")
        client.post(
            "/signup", data={"csrf_token": csrf_of(form.text), "username": "wendy", "password": PASSWORD}
        )
        token = csrf_of(client.get("/").text)
        # Many requests over fresh connections land on both workers; the session holds on each.
        for i in range(20):
            with httpx2.Client(base_url=base, cookies=client.cookies) as fresh:
                made = fresh.post(
                    "/api/episodes",
                    json={"started_at": f"2026-01-01T10:{i:02d}:00+00:00"},
                    headers={"x-csrf-token": token},
                )
                assert made.status_code == 201, made.text
        assert len(client.get("/api/episodes").json()) == 20
    pids = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
    assert len(pids) == 2


def test_a_trusted_proxy_must_be_an_address(tmp_path: Path) -> None:
    for args, env in ((["--proxy", "caddy.local"], {}), ([], {"NASALIS_TRUSTED_PROXIES": "127.0.0.1,*"})):
        done = nasalis_process("serve", *args, "--db", f"sqlite:///{tmp_path / 'd.db'}", env=env)
        assert done.returncode == 2, done.stderr
        assert "IP address or network" in done.stderr
        assert "--proxy" in done.stderr
        assert not (tmp_path / "d.db").exists()
