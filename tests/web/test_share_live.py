"""Share links on a real `nasalis serve --accounts --workers 2` (both backends): a revoked link is
refused at once by every worker, and the server's log never carries a link's secret."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx2

from tests.web.conftest import sign_up
from tests.web.live import serving
from tests.web.test_share_links import ADDRESS

REQUEST_LINE = re.compile(r"nasalis\.request: GET (?P<route>\S+) (?P<status>\d{3}) ")


def test_revoking_refuses_at_once_on_every_worker_and_no_log_line_has_the_secret(
    db_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    today = dt.date.today()
    with (
        serving(db_url, "--accounts", "--workers", "2", log=log) as (base, _process),
        httpx2.Client(base_url=base, timeout=60, follow_redirects=True) as person,
    ):
        token = sign_up(person, "rosa")
        made = person.post(
            "/sharing",
            data={
                "csrf_token": token,
                "label": "Dr Rao",
                "first": str(today - dt.timedelta(days=29)),
                "last": str(today),
                "expires_days": "30",
                "sections": ["summary", "diary"],
            },
        )
        found = ADDRESS.search(made.text)
        assert found, made.text
        secret = found.group(1)
        link_id = re.search(r'action="/sharing/(\d+)/revoke"', made.text)
        assert link_id
        for _ in range(4):  # fresh connections reach both workers
            with httpx2.Client(base_url=base, timeout=60) as stranger:
                assert stranger.get(f"/shared/{secret}").status_code == 200
        revoked = person.post(
            f"/sharing/{link_id.group(1)}/revoke", data={"csrf_token": token}, follow_redirects=False
        )
        assert revoked.status_code == 303
        for _ in range(8):
            with httpx2.Client(base_url=base, timeout=60) as stranger:
                assert stranger.get(f"/shared/{secret}").status_code == 410
        with httpx2.Client(base_url=base, timeout=60) as stranger:
            assert stranger.get(f"/shared/{secret[::-1]}").status_code == 404
            assert stranger.get(f"/shared/{secret}/x").status_code == 404  # no route: logged unmatched
        assert "Opened 4 times" in person.get("/sharing").text
    text = log.read_text(encoding="utf-8")
    for part in (secret, secret[::-1], secret[:16]):
        assert part not in text
    shared = [m.group("status") for m in REQUEST_LINE.finditer(text) if m.group("route") == "/shared/{token}"]
    assert shared == ["200"] * 4 + ["410"] * 8 + ["404"]
