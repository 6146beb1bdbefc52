"""The diary's schema in one place: every table, so `Base.metadata` is whole once this is imported.

The tables live by idea in their own modules (table_base, diary_tables, account_tables,
sharing_tables, job_tables); importing this module loads them all, which is what Alembic's
env and the journal need: a table whose module was never imported is missing from the metadata.
"""

from __future__ import annotations

from nasalis.diary.account_tables import Account, LoginFailure, Preferences, WebSession
from nasalis.diary.diary_tables import (
    Assessment,
    Change,
    Day,
    Episode,
    Experiment,
    Medication,
    Note,
    Treatment,
    Video,
)
from nasalis.diary.job_tables import IdempotencyKey, JobLease, Reminder, ReminderSent
from nasalis.diary.sharing_tables import (
    ClinicAudit,
    ClinicCode,
    ClinicGrant,
    ClinicianScore,
    ShareLink,
    ShareOpening,
)
from nasalis.diary.table_base import NO_ID_REUSE, Base, Person, utcnow

__all__ = [
    "NO_ID_REUSE",
    "Account",
    "Assessment",
    "Base",
    "Change",
    "ClinicAudit",
    "ClinicCode",
    "ClinicGrant",
    "ClinicianScore",
    "Day",
    "Episode",
    "Experiment",
    "IdempotencyKey",
    "JobLease",
    "LoginFailure",
    "Medication",
    "Note",
    "Person",
    "Preferences",
    "Reminder",
    "ReminderSent",
    "ShareLink",
    "ShareOpening",
    "Treatment",
    "Video",
    "WebSession",
    "utcnow",
]
