"""No data loss: an import killed mid-transaction leaves the store unchanged, and two
processes writing at once lose nothing. Real processes, real SIGKILL, real databases."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from bench.support.builders import generated_diary
from sqlalchemy import create_engine, func, select, text

from nasalis.diary.json_writer import write_bundle
from nasalis.diary.models import Day, Episode
from nasalis.diary.store import open_store


def _writer_is_mid_transaction(db_url: str) -> bool:
    if db_url.startswith("sqlite"):
        probe = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True  # another connection holds the write lock: the import's transaction is open
        finally:
            probe.close()
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            busy = conn.execute(
                text(
                    "select count(*) from pg_stat_activity where datname = current_database()"
                    " and pid <> pg_backend_pid() and query ilike 'insert into %'"
                    " and state in ('active', 'idle in transaction')"
                )
            ).scalar()
        return bool(busy)
    finally:
        engine.dispose()


def _counts(db_url: str) -> tuple[int, int]:
    store = open_store(db_url)
    with store.read() as s:
        counts = (
            s.scalar(select(func.count()).select_from(Episode)) or 0,
            s.scalar(select(func.count()).select_from(Day)) or 0,
        )
    store.close()
    return counts


def test_sigkill_during_import_leaves_the_store_unchanged(db_url: str, tmp_path: Path) -> None:
    diary = generated_diary(1825, 20_000)
    bundle = tmp_path / "diary.json"
    write_bundle(bundle, diary.episodes, diary.days)
    open_store(db_url).close()  # schema in place, so the only write is the import itself
    process = subprocess.Popen(
        [sys.executable, "-m", "nasalis", "import", str(bundle), "--db", db_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if _writer_is_mid_transaction(db_url):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert _counts(db_url) == (0, 0)
    # And the store still works: the same import, run to the end, adds everything once.
    done = subprocess.run(
        [sys.executable, "-m", "nasalis", "import", str(bundle), "--db", db_url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert _counts(db_url) == (20_000, 1825)


WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from nasalis.diary.episode_writer import log_episode
    from nasalis.diary.records import EpisodeRecord
    from nasalis.diary.store import open_store
    store = open_store(sys.argv[1])
    me = store.person_id()
    base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=int(sys.argv[2]))
    for i in range(int(sys.argv[3])):
        with store.write() as session:
            log_episode(session, me, EpisodeRecord(started_at=base + dt.timedelta(seconds=i), intensity=5))
    """
)


def test_two_processes_logging_at_once_lose_nothing(db_url: str) -> None:
    open_store(db_url).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(n), "150"], stderr=subprocess.PIPE)
        for n in range(2)
    ]
    for w in writers:
        _, err = w.communicate(timeout=300)
        assert w.returncode == 0, err.decode()
    assert _counts(db_url) == (300, 0)
