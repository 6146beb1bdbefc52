"""E-mail reminders against a real SMTP server (aiosmtpd) on both backends, with a driven clock:
each person at their own local time, only while the check-in is missing, never twice (two rounds,
two processes at once), and a broken server logged without the address and retried."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from nasalis.diary import accounts, entries, preferences, reminder_settings
from nasalis.diary.models import Reminder, ReminderSent
from nasalis.diary.records import build_day
from nasalis.diary.reminder_mail import SUBJECT, Smtp, send_due
from nasalis.diary.store import Store, open_store
from tests.cli.runner import SRC
from tests.diary.mailbox import Mailbox, smtp_server

LINK = "https://nasalis.example/"
NOTE = "zz-private-note-after-coffee"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def _smtp(box: Mailbox) -> Smtp:
    return Smtp(host="127.0.0.1", port=box.port, sender="reminders@nasalis.example")


def _person(store: Store, name: str, zone: str, email: str, at: str = "21:00") -> int:
    with store.write() as session:
        person = accounts.create_account(session, name, "not-a-real-hash")
        reminder_settings.save(session, person, zone, email, True)
        preferences.save(session, person, {"reminder_time": at})
    return person


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_each_person_is_reminded_at_their_own_local_time(store: Store, mailbox: Mailbox) -> None:
    york = _person(store, "newyorker", "America/New_York", "ny@example.org")
    tokyo = _person(store, "tokyoite", "Asia/Tokyo", "tokyo@example.org")
    with store.write() as session:  # a diary value that must never reach an e-mail
        entries.add_note(session, york, NOTE)
    smtp = _smtp(mailbox)
    # 11:00 UTC: 20:00 in Tokyo, 06:00 in New York (EST, UTC-5): nobody's 21:00 has come.
    assert send_due(store, smtp, LINK, _utc("2026-03-02T11:00")).sent == 0
    # 12:05 UTC: 21:05 in Tokyo.
    assert send_due(store, smtp, LINK, _utc("2026-03-02T12:05")).sent == 1
    assert mailbox.recipients == [["tokyo@example.org"]]
    # 02:10 UTC on the 3rd: 21:10 on the 2nd in New York; 11:10 on the 3rd in Tokyo.
    assert send_due(store, smtp, LINK, _utc("2026-03-03T02:10")).sent == 1
    assert mailbox.recipients[1] == ["ny@example.org"]
    with store.read() as session:
        rows = session.execute(select(ReminderSent.person_id, ReminderSent.local_date, ReminderSent.sent_at))
        sent = {(p, d) for p, d, at in rows if at is not None}
    assert sent == {(tokyo, dt.date(2026, 3, 2)), (york, dt.date(2026, 3, 2))}
    # Tokyo's next day, at 23:00 there: a new day, a new reminder.
    assert send_due(store, smtp, LINK, _utc("2026-03-03T14:00")).sent == 1
    assert mailbox.recipients[2] == ["tokyo@example.org"]

    mail = mailbox.messages[1]
    assert mail["Subject"] == SUBJECT
    assert mail["From"] == "reminders@nasalis.example"
    assert mail["To"] == "ny@example.org"
    body = mail.get_content()
    assert body.startswith("Hello newyorker,")
    assert LINK in body.split()
    assert NOTE not in mail.as_string()


def test_no_reminder_once_the_check_in_is_done(store: Store, mailbox: Mailbox) -> None:
    person = _person(store, "diligent", "Asia/Tokyo", "d@example.org")
    with store.write() as session:
        entries.save_day(session, person, build_day({"date": "2026-03-02", "stress": 4}, text=False))
    assert send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T13:00")).sent == 0
    # The next day has no check-in yet: reminded.
    assert send_due(store, _smtp(mailbox), LINK, _utc("2026-03-03T13:00")).sent == 1
    assert len(mailbox.messages) == 1


def test_opted_out_or_without_address_gets_nothing(store: Store, mailbox: Mailbox) -> None:
    person = _person(store, "quiet", "Europe/London", "q@example.org")
    with store.write() as session:
        reminder_settings.save(session, person, "Europe/London", "q@example.org", False)
    assert send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T22:00")).sent == 0
    assert mailbox.messages == []


def test_never_twice_over_two_rounds(store: Store, mailbox: Mailbox) -> None:
    _person(store, "once", "Europe/Paris", "once@example.org")
    smtp = _smtp(mailbox)
    assert send_due(store, smtp, LINK, _utc("2026-03-02T20:30")).sent == 1
    assert send_due(store, smtp, LINK, _utc("2026-03-02T20:31")).sent == 0
    assert send_due(store, smtp, LINK, _utc("2026-03-02T22:59")).sent == 0
    assert len(mailbox.messages) == 1


def test_never_twice_from_two_processes_at_once(db_url: str, store: Store, mailbox: Mailbox) -> None:
    for n in range(6):
        _person(store, f"crowd{n}", "Europe/Berlin", f"crowd{n}@example.org")
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": SRC,
        "NASALIS_SMTP_HOST": "127.0.0.1",
        "NASALIS_SMTP_PORT": str(mailbox.port),
        "NASALIS_SMTP_FROM": "reminders@nasalis.example",
        "NASALIS_APP_URL": LINK,
    }
    command = [sys.executable, "-m", "nasalis", "reminders", "send", "--at", "2026-03-02T21:30+01:00"]
    runs = [
        subprocess.Popen([*command, "--db", db_url], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(mailbox.wait_for(6)) == 6
    assert sorted(r[0] for r in mailbox.recipients) == [f"crowd{n}@example.org" for n in range(6)]
    assert sum(int(out.split()[1]) for out in outputs) == 6  # "reminders: N sent, ..."
    # A later run (a restart, the next cron minute) finds every claim: nothing more.
    again = subprocess.run([*command, "--db", db_url], env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.startswith("reminders: 0 sent")
    assert len(mailbox.messages) == 6


def test_a_broken_smtp_server_is_logged_without_the_address_and_retried(
    store: Store, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    _person(store, "patient", "Asia/Tokyo", "patient@example.org")
    mailbox.refuse = "451 4.3.0 try again later"  # a temporary refusal: the claim is given back
    with caplog.at_level(logging.INFO, logger="nasalis.reminders"):
        first = send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:30"))
        nobody = Smtp(host="127.0.0.1", port=1, sender="reminders@nasalis.example")  # nothing listens
        second = send_due(store, nobody, LINK, _utc("2026-03-02T12:40"))
    assert (first.sent, first.failed, first.errors) == (0, 1, ["SMTPDataError 451"])
    assert (second.sent, second.failed) == (0, 1)
    assert "ConnectionRefusedError" in second.errors[0]
    assert caplog.records
    assert all("patient" not in r.getMessage() for r in caplog.records)
    assert any("tried again" in r.getMessage() for r in caplog.records)
    mailbox.refuse = ""
    assert send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:50")).sent == 1
    assert mailbox.recipients == [["patient@example.org"]]


def test_a_message_taken_before_a_bad_quit_is_sent_once_over_two_rounds(
    store: Store, mailbox: Mailbox
) -> None:
    _person(store, "hasty", "Asia/Tokyo", "hasty@example.org")
    mailbox.quit_answer = "421 4.4.2 closing after the message anyway"  # smtplib raises on it
    first = send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:30"))
    second = send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:40"))
    assert (first.sent, first.failed, second.sent, second.failed) == (1, 0, 0, 0)
    assert mailbox.recipients == [["hasty@example.org"]]


@pytest.mark.parametrize(
    ("where", "answer", "kind"),
    [
        ("refuse_rcpt", "550 5.1.1 no such mailbox", "SMTPRecipientsRefused 550"),
        ("refuse", "554 5.7.1 rejected as spam", "SMTPDataError 554"),
    ],
)
def test_a_permanent_refusal_is_logged_by_its_kind_and_not_retried(
    store: Store, mailbox: Mailbox, caplog: pytest.LogCaptureFixture, where: str, answer: str, kind: str
) -> None:
    _person(store, "gone", "Asia/Tokyo", "gone@example.org")
    setattr(mailbox, where, answer)
    with caplog.at_level(logging.INFO, logger="nasalis.reminders"):
        first = send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:30"))
    setattr(mailbox, where, "")  # even a server that would now take it is not asked again today
    second = send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:40"))
    assert (first.sent, first.failed, first.errors) == (0, 1, [kind])
    assert (second.sent, second.failed) == (0, 0)
    assert mailbox.messages == []
    assert any(kind in r.getMessage() and "gone" not in r.getMessage() for r in caplog.records)


def test_implicit_tls_never_falls_back_to_plain_smtp(store: Store, mailbox: Mailbox) -> None:
    _person(store, "sealed", "Asia/Tokyo", "sealed@example.org")
    smtps = Smtp(host="127.0.0.1", port=mailbox.port, sender="r@nasalis.example", tls=True, timeout_s=5)
    done = send_due(store, smtps, LINK, _utc("2026-03-02T12:30"))  # the test server speaks no TLS
    assert (done.sent, done.failed) == (0, 1)
    assert "SSL" in done.errors[0]
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"NASALIS_SMTP_USER": "mailer", "NASALIS_SMTP_PASSWORD": "s3cret-pass"}, "NASALIS_SMTP_STARTTLS"),
        ({"NASALIS_SMTP_TLS": "true", "NASALIS_SMTP_STARTTLS": "true"}, "NASALIS_SMTP_TLS"),
    ],
)
def test_unsafe_smtp_settings_refuse_to_start(
    db_url: str, mailbox: Mailbox, env: dict[str, str], named: str
) -> None:
    base = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": SRC,
        "NASALIS_SMTP_HOST": "127.0.0.1",
        "NASALIS_SMTP_PORT": str(mailbox.port),
        **env,
    }
    send = [sys.executable, "-m", "nasalis", "reminders", "send", "--db", db_url]
    serve = [sys.executable, "-m", "nasalis", "serve", "--accounts", "--port", "1", "--db", db_url]
    for command in (send, serve):
        run = subprocess.run(command, env=base, capture_output=True, text=True, timeout=120)
        assert run.returncode == 2, (command, run.stdout, run.stderr)
        assert named in run.stderr
        assert "s3cret-pass" not in run.stdout + run.stderr
    assert mailbox.messages == []


# Plain-TCP AUTH is what aiosmtpd warns of; here it is loopback only, and the test is of the client.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_it_logs_in_when_a_user_is_set_and_never_sends_in_clear_when_starttls_is_asked(store: Store) -> None:
    _person(store, "secure", "Asia/Tokyo", "secure@example.org")
    with smtp_server(auth=True) as box:
        plain = Smtp(host="127.0.0.1", port=box.port, sender="r@nasalis.example")
        refused = send_due(store, plain, LINK, _utc("2026-03-02T12:30"))  # no login: the server says no
        assert (refused.sent, refused.failed, refused.errors) == (0, 1, ["SMTPSenderRefused 530"])
        # The test server offers no STARTTLS: asked for, the message is not sent without it.
        # (A 530 is permanent, so the next tries are on the next days, Tokyo's 21:35.)
        asked = Smtp(host="127.0.0.1", port=box.port, sender="r@nasalis.example", starttls=True)
        assert send_due(store, asked, LINK, _utc("2026-03-03T12:35")).errors == ["SMTPNotSupportedError"]
        # After a refused PLAIN, smtplib tries LOGIN, which aiosmtpd leaves hanging: a short timeout.
        wrong = Smtp("127.0.0.1", box.port, "r@nasalis.example", user="mailer", password="no", timeout_s=2)
        assert send_due(store, wrong, LINK, _utc("2026-03-03T12:40")).failed == 1
        right = Smtp(
            host="127.0.0.1", port=box.port, sender="r@nasalis.example", user="mailer", password="s3cret-pass"
        )
        assert send_due(store, right, LINK, _utc("2026-03-03T12:45")).sent == 1
    assert box.logins == [("mailer", "no"), ("mailer", "s3cret-pass")]
    assert box.recipients == [["secure@example.org"]]


def test_a_zone_the_machine_no_longer_knows_is_read_as_utc_not_a_failed_round(
    store: Store, mailbox: Mailbox
) -> None:
    person = _person(store, "lostzone", "Asia/Tokyo", "lost@example.org")
    _person(store, "neighbour", "Asia/Tokyo", "n@example.org")
    with store.write() as session:
        row = session.get(Reminder, person)
        assert row is not None
        row.time_zone = "Atlantis/Capital"  # saved when tzdata still had it, say
    assert send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T12:30")).sent == 1  # Tokyo's 21:30
    assert mailbox.recipients == [["n@example.org"]]
    assert send_due(store, _smtp(mailbox), LINK, _utc("2026-03-02T21:30")).sent == 1  # 21:30 UTC
    assert mailbox.recipients[1] == ["lost@example.org"]
