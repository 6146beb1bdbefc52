"""/phone: open without sign-in (it holds nothing private), and the certificate only when
`nasalis phone` gave one."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.web.app import create_app


def _client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), follow_redirects=False)


def test_the_phone_page_answers_before_sign_in_and_shows_no_menu(db_url: str) -> None:
    with _client(Settings(db_url=db_url, accounts=True)) as client:
        assert client.get("/").status_code == 303  # the diary is behind a sign-in
        help_page = client.get("/phone")
        assert help_page.status_code == 200
        assert "Install a certificate" in help_page.text
        assert "Certificate Trust Settings" in help_page.text
        assert "Add to Home Screen" in help_page.text
        assert 'aria-label="Main"' in help_page.text
        assert 'href="/diary"' not in help_page.text
        assert "/phone/nasalis-root.crt" not in help_page.text  # none was given
        assert "fingerprint" not in help_page.text
        missing = client.get("/phone/nasalis-root.crt")
        assert missing.status_code == 404
        assert "was not started by" in missing.text


def test_the_certificate_nasalis_phone_made_is_offered(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "root.crt"
    root.write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    with _client(Settings(db_url=db_url, accounts=True, phone_ca=str(root))) as client:
        help_page = client.get("/phone").text
        assert 'href="/phone/nasalis-root.crt"' in help_page
        shown = re.search(r'<code class="fingerprint">([^<]*(?:<br>[^<]*)*)</code>', help_page)
        assert shown, help_page
        own = hashlib.sha256(base64.b64decode("MIIB")).hexdigest().upper()
        assert shown.group(1).replace("<br>", "").replace(":", "") == own
        assert "check that the phone shows this same fingerprint" in help_page
        assert "keep the nasalis data" in help_page
        given = client.get("/phone/nasalis-root.crt")
        assert given.status_code == 200
        assert given.content == root.read_bytes()
        assert given.headers["content-type"] == "application/x-x509-ca-cert"


def test_settings_link_to_the_phone_page(personal: TestClient) -> None:
    assert 'href="/phone"' in personal.get("/settings").text
