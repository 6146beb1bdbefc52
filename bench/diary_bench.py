"""Diary benchmark: import 5 years of a heavy diary, and the 90-day diary view.

Run: .venv/bin/python -m bench.diary_bench
Prints, for SQLite and PostgreSQL, nasalis's import beside a bare DB-API executemany of the
same rows into the same tables (the baseline), and the median time of a 90-day diary view.
Goals (issue #3): import within 3x of the baseline; the 90-day view under 50 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.support.builders import generated_diary
from bench.support.postgres import postgres_server
from nasalis.diary import entries, local_dates
from nasalis.diary.bundle import Bundle
from nasalis.diary.entries import day_row, episode_row
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import read_any
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.models import Day, Episode
from nasalis.diary.store import Store, open_store

DAYS, EPISODES = 1825, 20_000
# The stored columns (all but the generated id), straight from the schema.
EPISODE_COLUMNS = [c.name for c in Episode.__table__.columns if c.name != "id"]
DAY_COLUMNS = [c.name for c in Day.__table__.columns if c.name != "id"]


def _bare_rows(bundle: Bundle, person: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    now = dt.datetime(2026, 1, 1)
    eps = []
    for e in bundle.episodes:
        row = episode_row(person, e)
        row["areas"] = json.dumps(row["areas"])
        eps.append(tuple(row.get(c, now) for c in EPISODE_COLUMNS))
    days = []
    for d in bundle.days:
        row = day_row(person, d)
        row["tags"], row["factors"] = json.dumps(row["tags"]), json.dumps(row["factors"])
        days.append(tuple(row.get(c, now) for c in DAY_COLUMNS))
    return eps, days


def _bare_executemany(store: Store, person: int, bundle: Bundle) -> float:
    eps, days = _bare_rows(bundle, person)
    raw = store.engine.raw_connection()
    try:
        mark = "?" if store.engine.dialect.name == "sqlite" else "%s"
        cursor = raw.cursor()
        start = time.perf_counter()
        if store.engine.dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        episode_marks = ", ".join([mark] * len(EPISODE_COLUMNS))
        cursor.executemany(
            f"insert into episodes ({', '.join(EPISODE_COLUMNS)}) values ({episode_marks})",
            eps,
        )
        cursor.executemany(
            f"insert into days ({', '.join(DAY_COLUMNS)}) values ({', '.join([mark] * len(DAY_COLUMNS))})",
            days,
        )
        raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _diary_view(store: Store, person: int, end: dt.date) -> None:
    start = end - dt.timedelta(days=89)
    with store.read() as session:
        eps = local_dates.episodes_on(
            session,
            person,
            dt.datetime.combine(start, dt.time()),
            dt.datetime.combine(end, dt.time()) + dt.timedelta(days=1),
        )
        days = entries.days_between(session, person, start, end)
        per_day: dict[dt.date, int] = {}
        for e in eps:
            local = entries.local_instant(e).date()
            per_day[local] = per_day.get(local, 0) + 1
    assert days
    assert per_day


REPEATS = 5


def run(url_for: Callable[[str], str], bundle: Bundle, bundle_path: Path) -> dict[str, float]:
    """One backend: parse, import, baseline and idempotent re-import (medians), and the view."""
    parse = statistics.median(_timed(lambda: read_any(bundle_path)) for _ in range(3))
    imports, bares, agains = [], [], []
    for n in range(REPEATS):
        store = open_store(url_for(f"import{n}"))
        me = store.person_id()
        imports.append(_timed(lambda: import_bundle(store, me, bundle)))  # noqa: B023
        agains.append(_timed(lambda: import_bundle(store, me, bundle)))  # noqa: B023
        baseline_store = open_store(url_for(f"baseline{n}"))
        bares.append(_bare_executemany(baseline_store, baseline_store.person_id(), bundle))
        with baseline_store.engine.connect() as conn:
            assert conn.execute(text("select count(*) from episodes")).scalar() == EPISODES
        baseline_store.close()
        if n < REPEATS - 1:
            store.close()
    end = bundle.days[-1].date
    _diary_view(store, me, end)  # warm
    views = sorted(_timed(lambda: _diary_view(store, me, end)) for _ in range(50))
    store.close()
    return {
        "parse json": parse,
        "import": statistics.median(imports),
        "bare executemany": statistics.median(bares),
        "re-import (no-op)": statistics.median(agains),
        "90-day view median": statistics.median(views),
        "90-day view p95": views[int(len(views) * 0.95) - 1],
    }


def main() -> int:
    """Run both backends and print the figures."""
    bundle = generated_diary(DAYS, EPISODES)
    with tempfile.TemporaryDirectory() as tmp:
        bundle_path = Path(tmp) / "diary.json"
        write_bundle(bundle_path, bundle.episodes, bundle.days)
        results = {"SQLite": run(lambda n: f"sqlite:///{tmp}/{n}.db", bundle, bundle_path)}
        with postgres_server() as admin:
            from sqlalchemy import create_engine

            engine = create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                for n in range(REPEATS):
                    conn.exec_driver_sql(f"create database bench_import{n}")
                    conn.exec_driver_sql(f"create database bench_baseline{n}")
            engine.dispose()
            base = admin.rsplit("/", 1)[0]
            results["PostgreSQL"] = run(lambda n: f"{base}/bench_{n}", bundle, bundle_path)
    print(f"Diary benchmark: {DAYS} days, {EPISODES} episodes (5 years of a heavy diary);")
    print(f"import and baseline: median of {REPEATS} runs on fresh databases\n")
    print(f"{'':24}" + "".join(f"{k:>14}" for k in results))
    for metric in next(iter(results.values())):
        print(f"{metric:24}" + "".join(f"{r[metric] * 1000:>12.1f}ms" for r in results.values()))
    ok = True
    for name, r in results.items():
        ratio = r["import"] / r["bare executemany"]
        view_ok = r["90-day view median"] < 0.050
        ok &= ratio <= 3 and view_ok
        print(
            f"{name}: import is {ratio:.2f}x the bare executemany (goal <= 3x); "
            f"90-day view {r['90-day view median'] * 1000:.1f} ms (goal < 50 ms)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
