"""Soak benchmark: 100 simulated people for 10 minutes against 2 workers on PostgreSQL.

Run: .venv/bin/python -m bench.soak_bench [--minutes 10] [--users 100] [--max-requests 200000]
A private PostgreSQL server (Debian's package) and `nasalis serve --accounts --workers 2` run on
loopback. Each simulated person signs up, then, with a think time of 0.5-3 s, opens Today,
logs a twitch, fills a check-in, lists episodes, opens the Diary and sometimes Insights.
Bounded by time and by a request count. Printed: requests, errors, p50/p95/p99 for each
kind and overall, the first minute beside the last (the baseline in the same run: a leak or
a growing table shows as the last minute being slower), and the server's memory (resident
size of its worker processes) after warm-up and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from bench.support.postgres import PostgresServer, create_database
from bench.support.servers import nasalis_serve

PASSWORD = "soak test password 1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Tally:
    """Latencies (ms) by kind, with the second they finished at."""

    samples: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def count(self) -> int:
        """Requests finished."""
        return sum(len(v) for v in self.samples.values()) + sum(self.errors.values())


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _rss_mib(root_pid: int) -> list[float]:
    """Resident memory of each process under the server (MiB), from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children[int(stat[1])].append(int(entry))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    sizes = []
    for pid in found:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return sizes


async def _person(n: str, base: str, tally: Tally, stop_at: float, budget: list[int], start: float) -> None:
    async with httpx2.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as web:
        form = await web.get("/signup")
        token = CSRF.search(form.text)
        assert token, "no CSRF token on /signup"
        signed = await web.post(
            "/signup", data={"csrf_token": token.group(1), "username": n, "password": PASSWORD}
        )
        assert signed.status_code in (200, 303), signed.status_code
        today = await web.get("/")
        csrf = CSRF.search(today.text)
        assert csrf, "no CSRF token after sign-up"
        headers = {"X-CSRF-Token": csrf.group(1)}
        rng = random.Random(n)  # each person the same in every run
        day = dt.date(2026, 1, 1)
        minute = 0
        while time.monotonic() < stop_at and budget[0] > 0:
            await asyncio.sleep(rng.uniform(0.5, 3.0))
            budget[0] -= 1
            minute += 1
            roll = rng.random()
            if roll < 0.25:
                kind, call = "Today page", web.get("/")
            elif roll < 0.5:
                at = dt.datetime(2026, 1, 1, 7, tzinfo=dt.UTC) + dt.timedelta(minutes=minute * 37)
                body = {"started_at": at.isoformat(), "intensity": rng.randint(1, 10), "note": "soak"}
                kind, call = "log a twitch", web.post("/api/episodes", json=body, headers=headers)
            elif roll < 0.65:
                day += dt.timedelta(days=1)
                body = {"sleep_hours": 7.0, "stress": rng.randint(0, 10), "caffeine_drinks": 2}
                kind, call = "check-in", web.put(f"/api/days/{day}", json=body, headers=headers)
            elif roll < 0.8:
                kind, call = "list episodes", web.get("/api/episodes")
            elif roll < 0.95:
                kind, call = "Diary page", web.get("/diary")
            else:
                kind, call = "Insights page", web.get("/insights")
            t0 = time.perf_counter()
            try:
                response = await call
            except httpx2.HTTPError:
                tally.errors[kind] += 1
                continue
            ms = (time.perf_counter() - t0) * 1000
            tally.statuses[response.status_code] += 1
            if response.status_code >= 400:
                tally.errors[kind] += 1
            else:
                tally.samples[kind].append((time.monotonic() - start, ms))


async def _run(base: str, users: int, seconds: float, max_requests: int, group: str) -> tuple[Tally, float]:
    tally = Tally()
    start = time.monotonic()
    budget = [max_requests]
    people = [f"{group}{n}" for n in range(users)]
    await asyncio.gather(*(_person(who, base, tally, start + seconds, budget, start) for who in people))
    return tally, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print the figures; exit 1 on any error or memory growth over 20%."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args(argv)
    server = PostgresServer()
    server.start()
    try:
        url = create_database(server.url, "soak")
        log = Path(tempfile.mkdtemp(prefix="nasalis-soak-")) / "serve.log"
        with nasalis_serve(url, "--accounts", "--workers", "2", log=log) as (base, pid):
            # Warm-up: one minute's worth of a few people, so memory is measured after imports
            # and first-use caches, not before.
            asyncio.run(_run(base, 5, 20.0, 10_000, "warm"))
            before = _rss_mib(pid)
            tally, took = asyncio.run(_run(base, args.users, args.minutes * 60, args.max_requests, "soak"))
            after = _rss_mib(pid)
    finally:
        server.remove()
    every = [ms for v in tally.samples.values() for _, ms in v]
    print(
        f"\nSoak: {args.users} people, {took / 60:.1f} min, 2 workers, PostgreSQL, loopback;"
        f" load generator on the same {os.cpu_count()} cores"
    )
    print(f"requests {tally.count}, errors {sum(tally.errors.values())}, {tally.count / took:.1f} req/s")
    print(f"statuses: {dict(sorted(tally.statuses.items()))}")
    print(f"\n{'kind':<16}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    rows = [(kind, [m for _, m in tally.samples[kind]]) for kind in sorted(tally.samples)]
    for kind, ms in [*rows, ("all", every)]:
        errors = sum(tally.errors.values()) if kind == "all" else tally.errors.get(kind, 0)
        cells = "".join(f"{_pct(ms, q):>9.1f}" for q in (0.5, 0.95, 0.99))
        print(f"{kind:<16}{len(ms):>7}{cells}{errors:>8}")
    first = [ms for v in tally.samples.values() for t, ms in v if t < 60]
    last = [ms for v in tally.samples.values() for t, ms in v if t >= took - 60]
    print(
        f"\nfirst minute: p50 {statistics.median(first):.1f} ms, p95 {_pct(first, 0.95):.1f} ms;"
        f" last minute: p50 {statistics.median(last):.1f} ms, p95 {_pct(last, 0.95):.1f} ms"
    )
    print(
        f"server memory (RSS, all processes): {sum(before):.0f} MiB after warm-up,"
        f" {sum(after):.0f} MiB at the end ({(sum(after) / sum(before) - 1) * 100:+.1f}%);"
        f" per process {[round(x) for x in before]} -> {[round(x) for x in after]}"
    )
    grew = sum(after) > 1.2 * sum(before)
    return 1 if tally.errors or grew else 0


if __name__ == "__main__":
    sys.exit(main())
