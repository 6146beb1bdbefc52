"""The reminder job inside a real `nasalis serve --accounts --workers 2` with a real SMTP server:
one e-mail however many rounds and workers, and a log that carries neither the feed's secret
nor the address."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx2
import pytest

from nasalis.diary.reminder_mail import SUBJECT
from tests.diary.mailbox import smtp_server
from tests.web.conftest import csrf_of, sign_up
from tests.web.live import serving

ADDRESS = "zzmarker-mail@example.org"


def test_serve_sends_each_reminder_once_and_logs_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "serve.log"
    with smtp_server() as mailbox:
        monkeypatch.setenv("NASALIS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("NASALIS_SMTP_PORT", str(mailbox.port))
        monkeypatch.setenv("NASALIS_REMINDER_EVERY_S", "0.5")
        monkeypatch.setenv("NASALIS_APP_URL", "https://nasalis.example/")
        db = f"sqlite:///{tmp_path / 'diary.db'}"
        with (
            serving(db, "--accounts", "--workers", "2", log=log) as (base, _process),
            httpx2.Client(base_url=base, timeout=60, follow_redirects=True) as client,
        ):
            token = sign_up(client, "remindme")
            client.post("/settings", data={"csrf_token": token, "units": "metric", "reminder_time": "00:00"})
            saved = client.post(
                "/settings/reminders",
                data={"csrf_token": token, "time_zone": "Europe/Lisbon", "email": ADDRESS, "email_on": "1"},
            )
            assert saved.status_code == 200
            made = client.post("/settings/calendar", data={"csrf_token": csrf_of(saved.text)})
            found = re.search(r'value="(http[^"]+/calendar/([^"/]+)\.ics)"', made.text)
            assert found
            secret = found.group(2)
            assert client.get(f"/calendar/{secret}.ics").status_code == 200
            [mail] = mailbox.wait_for(1)
            time.sleep(3)  # six more rounds of each worker
            assert len(mailbox.messages) == 1
    assert mail["Subject"] == SUBJECT
    assert mail["To"] == ADDRESS
    assert "Hello remindme," in mail.get_content()
    assert "https://nasalis.example/" in mail.get_content()
    served = log.read_text(encoding="utf-8")
    assert "GET /calendar/{token}.ics 200" in served
    assert secret not in served
    assert ADDRESS not in served
