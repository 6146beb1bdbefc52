"""E-mail reminders: today's check-in, once, at each person's local reminder time.

A round (`send_due`) looks at everyone who opted in, in their own time zone: when their
reminder time has passed today and today's evening check-in is missing, it claims the
(person, local date) row of `reminders_sent` in a transaction of its own and only then sends.
The row's uniqueness is what makes it "never twice": two workers, two `nasalis reminders send`
at once, or a restart all meet the same row. A failed send gives its claim back (the next
round tries again); a process that dies while sending keeps it (better one missed reminder
than two). The message holds no diary value: only the greeting's username and a link.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from nasalis.config import Settings
from nasalis.diary import preferences, reminder_settings
from nasalis.diary.check_in_done import done_on
from nasalis.diary.models import Account, Reminder, ReminderSent, utcnow
from nasalis.diary.store import Store

LOG = logging.getLogger("nasalis.reminders")
SUBJECT = "nasalis: today's check-in"


@dataclass(frozen=True)
class Smtp:
    """Where reminders are sent through (NASALIS_SMTP_* settings)."""

    host: str
    port: int
    sender: str
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    timeout_s: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Smtp | None:
        """The SMTP server of these settings, or None when none is configured."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from or f"nasalis@{settings.smtp_host}",
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
        )


@dataclass(frozen=True)
class Due:
    """A reminder to send: to whom, for which of their local dates."""

    person_id: int
    local_date: dt.date
    email: str
    username: str | None


@dataclass
class Round:
    """What one round did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    """The kind of each failure (the exception's class and SMTP code, never an address)."""


def due(store: Store, now_utc: dt.datetime) -> list[Due]:
    """Everyone opted in whose reminder time has passed today, check-in missing, not yet reminded."""
    aware = now_utc.replace(tzinfo=dt.UTC)
    found: list[Due] = []
    with store.read() as session:
        rows = session.execute(
            select(Reminder.person_id, Reminder.time_zone, Reminder.email, Account.username)
            .outerjoin(Account, Account.person_id == Reminder.person_id)
            .where(Reminder.email_on.is_(True), Reminder.email.is_not(None))
            .order_by(Reminder.person_id)
        ).all()
        for person_id, zone, email, username in rows:
            local = aware.astimezone(reminder_settings.zone_named(zone))
            at = dt.time.fromisoformat(preferences.get(session, person_id)["reminder_time"])
            if local.time().replace(tzinfo=None) < at or done_on(session, person_id, local.date()):
                continue
            claimed = session.scalar(
                select(ReminderSent.id).where(
                    ReminderSent.person_id == person_id, ReminderSent.local_date == local.date()
                )
            )
            if claimed is None and email:
                found.append(Due(person_id, local.date(), email, username))
    return found


def claim(store: Store, reminder: Due, now_utc: dt.datetime) -> bool:
    """Take the right to send this reminder (a committed row), or False if someone has it already."""
    try:
        with store.write() as session:
            if done_on(session, reminder.person_id, reminder.local_date):
                return False  # checked in since `due` looked
            session.add(
                ReminderSent(person_id=reminder.person_id, local_date=reminder.local_date, claimed_at=now_utc)
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def message(smtp: Smtp, reminder: Due, link: str) -> EmailMessage:
    """The reminder e-mail: a greeting, the link to the app, how to stop them; no diary value."""
    mail = EmailMessage()
    mail["Subject"] = SUBJECT
    mail["From"] = smtp.sender
    mail["To"] = reminder.email
    greeting = f"Hello {reminder.username}," if reminder.username else "Hello,"
    mail.set_content(
        f"{greeting}\n\n"
        "today's check-in in nasalis is still open. It takes a minute and makes the insights work:\n\n"
        f"{link}\n\n"
        "To stop these e-mails, turn them off on the Settings page.\n"
    )
    return mail


def deliver(smtp: Smtp, mail: EmailMessage) -> None:
    """Send one message through the SMTP server (STARTTLS and login when configured)."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s) as server:
        if smtp.starttls:  # with the server's certificate checked; never on without TLS when asked for
            server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(mail)


def _kind(exc: Exception) -> str:
    # The class and the SMTP code say what broke; the message could quote the address.
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def send_due(store: Store, smtp: Smtp, link: str, now_utc: dt.datetime | None = None) -> Round:
    """Send every reminder due at `now_utc` (naive UTC; default now), each at most once."""
    now_utc = now_utc or utcnow()
    done = Round()
    for reminder in due(store, now_utc):
        if not claim(store, reminder, now_utc):
            continue
        try:
            deliver(smtp, message(smtp, reminder, link))
        except (OSError, smtplib.SMTPException) as exc:
            with store.write() as session:  # give the claim back: the next round tries again
                session.execute(
                    delete(ReminderSent).where(
                        ReminderSent.person_id == reminder.person_id,
                        ReminderSent.local_date == reminder.local_date,
                    )
                )
            done.failed += 1
            done.errors.append(_kind(exc))
            LOG.warning("reminder e-mail not sent (%s); it is tried again next round", _kind(exc))
            continue
        with store.write() as session:
            session.execute(
                update(ReminderSent)
                .where(
                    ReminderSent.person_id == reminder.person_id,
                    ReminderSent.local_date == reminder.local_date,
                )
                .values(sent_at=utcnow())
            )
        done.sent += 1
    if done.sent:
        LOG.info("reminder e-mails sent: %d", done.sent)
    return done
