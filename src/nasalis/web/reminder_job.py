"""The e-mail reminder job inside `nasalis serve`: a thread started by the app's lifespan.

It runs only in server mode with an SMTP server configured. Every NASALIS_REMINDER_EVERY_S
each web worker asks the database for the job's lease (nasalis.diary.job_lease); the one that
holds it runs a round of nasalis.diary.reminder_mail.send_due, so one process does the work
even with --workers N, and the (person, local date) claim keeps every reminder to one e-mail
whatever happens.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import threading

from nasalis.config import Settings, app_url
from nasalis.diary import job_lease
from nasalis.diary.reminder_mail import Smtp, send_due
from nasalis.diary.store import Store

LOG = logging.getLogger("nasalis.reminders")
LEASE = "email-reminders"


class ReminderJob:
    """A daemon thread sending due reminders each round until `stop`."""

    def __init__(self, store: Store, smtp: Smtp, link: str, every_s: float) -> None:
        self.store, self.smtp, self.link, self.every_s = store, smtp, link, every_s
        self.holder = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nasalis-reminders", daemon=True)

    def start(self) -> None:
        """Begin the rounds."""
        self._thread.start()

    def round(self) -> None:
        """One round: take (or renew) the lease, and if it is ours, send what is due."""
        ttl = dt.timedelta(seconds=max(30.0, 3 * self.every_s))
        if job_lease.take(self.store, LEASE, self.holder, ttl):
            send_due(self.store, self.smtp, self.link)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.round()
            except Exception as exc:  # a database hiccup must not end the job: the next round retries
                LOG.warning("reminder round failed (%s); trying again next round", type(exc).__name__)
            self._stop.wait(self.every_s)

    def stop(self) -> None:
        """End the rounds and give the lease up."""
        self._stop.set()
        self._thread.join(timeout=30)
        try:
            job_lease.release(self.store, LEASE, self.holder)
        except Exception as exc:  # stopping anyway: the lease lapses by itself
            LOG.warning("could not release the reminder lease (%s)", type(exc).__name__)


def start_for(settings: Settings, store: Store) -> ReminderJob | None:
    """The running job, when this is server mode with an SMTP server; else None."""
    smtp = Smtp.from_settings(settings)
    if not settings.accounts or smtp is None:
        return None
    job = ReminderJob(store, smtp, app_url(settings), settings.reminder_every_s)
    job.start()
    return job
