"""The job lease on both backends: one holder at a time, renewed by its holder, taken over when it lapses."""

from __future__ import annotations

import datetime as dt

from nasalis.diary import job_lease
from nasalis.diary.store import open_store

MINUTE = dt.timedelta(minutes=1)


def test_one_holder_at_a_time(db_url: str) -> None:
    store = open_store(db_url)
    try:
        now = dt.datetime(2026, 3, 2, 12, 0)
        assert job_lease.take(store, "job", "a", MINUTE, now)
        assert not job_lease.take(store, "job", "b", MINUTE, now + dt.timedelta(seconds=30))
        assert job_lease.take(store, "job", "a", MINUTE, now + dt.timedelta(seconds=50))  # renewed
        assert not job_lease.take(store, "job", "b", MINUTE, now + dt.timedelta(seconds=100))
        assert job_lease.take(store, "job", "b", MINUTE, now + dt.timedelta(seconds=111))  # lapsed
        assert job_lease.take(store, "other", "a", MINUTE, now)  # another job, its own lease
        job_lease.release(store, "job", "b")
        assert job_lease.take(store, "job", "a", MINUTE, now + dt.timedelta(seconds=112))
    finally:
        store.close()
