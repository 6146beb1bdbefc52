"""E-mail reminders: today's check-in, once, at each person's local reminder time.

A round (`send_due`) looks at everyone who opted in, in their own time zone: when their
reminder time has passed today and today's evening check-in is missing, it claims the
(person, local date) row of `reminders_sent` in a transaction of its own and only then sends.
The row's uniqueness is what makes it "never twice": two workers, two `nasalis reminders send`
at once, or a restart all meet the same row. A send that failed before the message was handed
over (connect, TLS, login, a 4xx answer to the message) gives its claim back, so the next round
tries again. Anything after that keeps the claim: a 5xx refusal is permanent (retrying it every
round would only repeat it), and a failure once the message was sent (a timeout waiting for the
answer to DATA, a QUIT answered with something other than 221) may mean it arrived: better one
missed reminder than two, as with a process that dies while sending. The message holds no diary
value: only the greeting's username and a link.
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
    tls: bool = False
    """Implicit TLS from the first byte (SMTPS, usually port 465) instead of plain SMTP."""
    timeout_s: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Smtp | None:
        """The SMTP server of these settings, or None when none is configured.

        SmtpSettingsError when they would send the password in clear or ask for two kinds of TLS.
        """
        if not settings.smtp_host:
            return None
        why = settings_problem(settings)
        if why is not None:
            raise SmtpSettingsError(why)
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from or f"nasalis@{settings.smtp_host}",
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
            tls=settings.smtp_tls,
        )


class SmtpSettingsError(ValueError):
    """The NASALIS_SMTP_* settings are unsafe or contradictory (the message names the setting)."""


def settings_problem(settings: Settings) -> str | None:
    """Why these SMTP settings must not be used (naming the setting to change), or None."""
    if settings.smtp_tls and settings.smtp_starttls:
        return "NASALIS_SMTP_TLS and NASALIS_SMTP_STARTTLS: choose one (TLS for port 465, STARTTLS for 587)"
    if settings.smtp_user and not (settings.smtp_tls or settings.smtp_starttls):
        return (
            "NASALIS_SMTP_STARTTLS or NASALIS_SMTP_TLS: NASALIS_SMTP_USER is set, and its password "
            "must not cross the network in clear; set NASALIS_SMTP_STARTTLS=true (port 587) or "
            "NASALIS_SMTP_TLS=true (port 465)"
        )
    return None


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


class NotHandedOverError(Exception):
    """The message never reached the server (connect, TLS, login, or a 4xx answer): send it again."""


class RefusedError(Exception):
    """The server refused the message for good (a 5xx answer): sending it again would not help."""


class UnsureError(Exception):
    """The message was being handed over when the connection failed: it may have arrived."""


def _connect(smtp: Smtp) -> smtplib.SMTP:
    context = ssl.create_default_context()  # the server's certificate and name are checked
    if smtp.tls:
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    if smtp.starttls:  # never sent without it when asked for: starttls() raises instead
        try:
            server.starttls(context=context)
        except BaseException:
            server.close()
            raise
    return server


def _code(exc: smtplib.SMTPException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return max(codes) if codes else None  # one recipient here; the worst answer decides
    code = getattr(exc, "smtp_code", None)
    return code if isinstance(code, int) else None


def deliver(smtp: Smtp, mail: EmailMessage) -> None:
    """Send one message (TLS and login when configured); which exception says what became of it.

    NotHandedOverError: try again later. RefusedError: never. UnsureError: it may have arrived, so not again.
    Once send_message returned the server has the message: a failing QUIT changes nothing.
    """
    try:
        server = _connect(smtp)
    except (OSError, smtplib.SMTPException) as exc:
        raise NotHandedOverError(_kind(exc)) from exc
    try:
        try:
            if smtp.user:
                server.login(smtp.user, smtp.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise NotHandedOverError(_kind(exc)) from exc
        try:
            server.send_message(mail)
        except smtplib.SMTPException as exc:
            code = _code(exc)
            if code is not None and 400 <= code < 500:
                raise NotHandedOverError(_kind(exc)) from exc
            if code is not None and code >= 500:
                raise RefusedError(_kind(exc)) from exc
            raise UnsureError(_kind(exc)) from exc
        except OSError as exc:
            raise UnsureError(_kind(exc)) from exc
        try:
            server.quit()
        except (OSError, smtplib.SMTPException) as exc:
            LOG.info("the SMTP server took the reminder but ended the session badly (%s)", _kind(exc))
    finally:
        server.close()


def _kind(exc: Exception) -> str:
    # The class and the SMTP code say what broke; the message could quote the address.
    code = _code(exc) if isinstance(exc, smtplib.SMTPException) else None
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
        except NotHandedOverError as exc:
            with store.write() as session:  # give the claim back: the next round tries again
                session.execute(
                    delete(ReminderSent).where(
                        ReminderSent.person_id == reminder.person_id,
                        ReminderSent.local_date == reminder.local_date,
                    )
                )
            done.failed += 1
            done.errors.append(str(exc))
            LOG.warning("reminder e-mail not sent (%s); it is tried again next round", exc)
            continue
        except RefusedError as exc:  # the claim stays: the same refusal would come every round
            done.failed += 1
            done.errors.append(str(exc))
            LOG.warning("reminder e-mail refused for good (%s); not tried again today", exc)
            continue
        except UnsureError as exc:  # the claim stays: it may have arrived, and twice is worse than never
            done.failed += 1
            done.errors.append(str(exc))
            LOG.warning("reminder e-mail may not have arrived (%s); not sent again today", exc)
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
