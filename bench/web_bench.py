"""Web benchmark: 50 people at once on one `nasalis serve` worker over a 5-year diary.

Run: .venv/bin/python -m bench.web_bench [seconds-per-scenario] [runs] [--only TEXT]
(--only runs just the scenarios whose name contains TEXT, e.g. `--only Diary`; with PYTHONPATH
pointing at another tree's `src`, the server runs that code: how an earlier version is timed.)
A realistic simulated SQLite diary of 5 years (bench/support/diaries.py: ~1,640 check-ins,
~20,000 twitches) is copied afresh for each of the runs (3 by default) and served by a real
`nasalis serve` (personal mode, one worker, loopback). In each scenario 50 clients each send
one request a second (paced on a fixed schedule, each starting at its own moment; a second
missed while waiting for an answer is skipped, not sent late) for 20 s:
nine in ten are the scenario's request, one in ten the bare baseline (`GET /static/style.css`,
a file the same app serves without touching the diary), so the baseline is measured under the
same load in the same run. Each scenario's first request is sent alone beforehand, so that
Insights starts from the analysis of the diary as it stands, as after anyone's first visit;
what a refit costs (Insights right after a change, on a quiet server) is measured apart.
Goals (issue 18), judged on p95 in every run: logging < 50 ms, Today, Diary and Insights
< 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from bench.support.diaries import five_years
from bench.support.servers import READY, nasalis_serve
from nasalis.diary.importer import import_bundle
from nasalis.diary.store import open_store

CLIENTS = 50
PACE_S = 1.0
BASELINE_EVERY = 10
"""One request in this many is the baseline."""
BASELINE = "bare baseline (GET /static/style.css)"
LOG = "log a twitch (POST /api/episodes)"
SCENARIOS = (
    (LOG, "POST", "/api/episodes", 50.0),
    ("Today page (GET /)", "GET", "/", 100.0),
    ("Diary page (GET /diary)", "GET", "/diary", 100.0),
    ("Insights page (GET /insights)", "GET", "/insights", 100.0),
)
REFIT = "Insights right after a change (refit, quiet server)"
REFITS_PER_RUN = 3
TIMEOUT_S = 120.0


@dataclass
class Figures:
    """Latencies of one kind of request in one scenario of one run."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def pct(self, q: float) -> float:
        """The q-th quantile of the latencies (nearest rank), in ms."""
        lat = sorted(self.latencies_ms)
        return lat[min(len(lat) - 1, int(q * len(lat)))]


def _payload(n: int) -> dict[str, object]:
    """A twitch at a distinct instant, spread back over the diary's years."""
    when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=37 * n + 1, microseconds=n)
    return {"started_at": when.isoformat(), "intensity": 1 + n % 10}


async def _scenario(base: str, method: str, path: str, seconds: float) -> tuple[Figures, Figures]:
    """CLIENTS paced clients for `seconds`: (the scenario's figures, the baseline's)."""
    mine, bare = Figures(), Figures()
    twitch = itertools.count()
    limits = httpx2.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT_S) as client:

        async def send(what: Figures, verb: str, url: str, body: dict[str, object] | None) -> None:
            sent = time.perf_counter()
            try:
                response = await client.request(verb, url, json=body)
                what.errors += response.status_code >= 400
            except httpx2.TimeoutException:
                what.errors += 1  # counted at the time waited: a timeout is a slow answer too
            what.latencies_ms.append((time.perf_counter() - sent) * 1000)

        async def one_person(seat: int, start: float) -> None:
            due = start + random.Random(seat).uniform(0, PACE_S)  # independent people
            tick = 0
            while due <= start + seconds:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                if (tick + seat) % BASELINE_EVERY == 0:
                    await send(bare, "GET", READY, None)
                else:
                    await send(mine, method, path, _payload(next(twitch)) if method == "POST" else None)
                # A person kept waiting does not then send the seconds they missed all at once.
                while due <= time.perf_counter():
                    due += PACE_S
                    tick += 1

        start = time.perf_counter()
        await asyncio.gather(*(one_person(seat, start) for seat in range(CLIENTS)))
    return mine, bare


def _refits(base: str) -> Figures:
    """Log a twitch, then open Insights alone: what a person waits for right after a change."""
    figures = Figures()
    with httpx2.Client(base_url=base, timeout=TIMEOUT_S) as client:
        for n in range(REFITS_PER_RUN):
            client.post("/api/episodes", json=_payload(900_000 + n)).raise_for_status()
            sent = time.perf_counter()
            figures.errors += client.get("/insights").status_code >= 400
            figures.latencies_ms.append((time.perf_counter() - sent) * 1000)
    return figures


def _one_run(db: Path, seconds: float, only: str) -> dict[str, tuple[Figures, Figures]]:
    """Every scenario (whose name contains `only`) on a fresh server over a fresh copy of the diary."""
    out: dict[str, tuple[Figures, Figures]] = {}
    with nasalis_serve(f"sqlite:///{db}") as (base, _pid):
        for name, method, path, _goal in SCENARIOS:
            if only not in name:
                continue
            if method == "GET":  # the first visit, alone
                httpx2.get(base + path, timeout=TIMEOUT_S).raise_for_status()
            out[name] = asyncio.run(_scenario(base, method, path, seconds))
        if only in REFIT:
            out[REFIT] = (_refits(base), Figures())
    return out


def _diary(folder: Path) -> Path:
    """The 5-year diary, imported once; each run gets a copy."""
    path = folder / "five-years.db"
    store = open_store(f"sqlite:///{path}")
    import_bundle(store, store.person_id(), five_years())
    store.close()
    return path


def _print_run(n: int, results: dict[str, tuple[Figures, Figures]], load: str) -> None:
    print(f"\nrun {n} (load average before / after: {load} / {_load()})")
    print(f"{'':52}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}   baseline p50 / p95 ms")
    for name, (mine, bare) in results.items():
        beside = f"{bare.pct(0.5):>9.1f} / {bare.pct(0.95):.1f}" if bare.latencies_ms else ""
        count = len(mine.latencies_ms)
        row = f"{name:52}{count:>6}{mine.pct(0.5):>9.1f}{mine.pct(0.95):>9.1f}{mine.errors:>8}"
        print(row + beside)


def _load() -> str:
    """The machine's 1-minute load average: others' work shares the cores."""
    return f"{os.getloadavg()[0]:.1f}"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="50 paced clients on one nasalis serve worker")
    parser.add_argument("seconds", nargs="?", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("runs", nargs="?", type=int, default=3, help="runs of every scenario")
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    return parser.parse_args()


def main() -> int:
    """Print p50/p95 per scenario beside the baseline for each run; 0 when every goal is met in every run."""
    args = _arguments()
    seconds, runs, only = args.seconds, args.runs, args.only
    with tempfile.TemporaryDirectory() as tmp:
        pristine = _diary(Path(tmp))
        print(f"Web benchmark: {CLIENTS} clients, each 1 request/s for {seconds:.0f} s per scenario")
        print("(1 in 10 the baseline); `nasalis serve`, one worker, personal mode, 5-year SQLite diary")
        everything = []
        for n in range(1, runs + 1):
            copy = Path(tmp) / f"run{n}.db"
            shutil.copyfile(pristine, copy)
            load = _load()
            everything.append(_one_run(copy, seconds, only))
            _print_run(n, everything[-1], load)
    print("\ngoals, p95 in each run:")
    met = True
    for name, _method, _path, goal in SCENARIOS:
        if only not in name:
            continue
        p95s = [run[name][0].pct(0.95) for run in everything]
        errors = sum(run[name][0].errors + run[name][1].errors for run in everything)
        ok = all(p < goal for p in p95s) and errors == 0
        met &= ok
        said = " / ".join(f"{p:.1f}" for p in p95s)
        verdict = "met" if ok else "NOT met"
        median = statistics.median(p95s)
        print(f"  {name:40} {said:>24} ms  (median {median:.1f}) < {goal:.0f}: {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
