"""Web benchmark: 50 concurrent clients against `nasalis serve` over a 5-year diary.

Run: .venv/bin/python -m bench.web_bench [requests-per-scenario]
A SQLite diary of 5 years (1,825 check-ins, 20,000 twitches) is served by `nasalis serve`
(personal mode, one worker, loopback), as is a bare FastAPI endpoint returning a constant
(the baseline: same uvicorn, same machine, same run). 50 clients first send requests flat
out (saturation: latency there is mostly queueing, 50 / throughput by Little's law), then
paced at one request per client per second, like 50 people using it at once. Each scenario
is bounded by a count and by 60 seconds.
Goals (issue #5), judged on the paced run: p95 under 50 ms for logging a twitch, under 100 ms
for the Today and Diary pages.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2
from tests.diary.builders import generated_diary
from tests.web.live import free_port, live_process, live_server

from nasalis.diary.importer import import_bundle
from nasalis.diary.store import open_store

CLIENTS = 50
TIME_LIMIT_S = 60.0
LOG = "log a twitch (POST /api/episodes)"
SCENARIOS = (
    (LOG, "POST", "/api/episodes"),
    ("Today page (GET /)", "GET", "/"),
    ("Diary page (GET /diary)", "GET", "/diary"),
)
FLAT, PACED = "flat out (saturation)", "paced: 1 request per client per second"
MODES = ((FLAT, 0.0), (PACED, 1.0))
TWO_WORKERS = "paced, with `nasalis serve --workers 2` (one per core)"


@dataclass
class Figures:
    """What one scenario measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def p95(self) -> float:
        """95th percentile latency in ms."""
        lat = sorted(self.latencies_ms)
        return lat[int(0.95 * (len(lat) - 1))]

    def row(self, name: str) -> str:
        """A printed table row."""
        lat = sorted(self.latencies_ms)
        return (
            f"{name:36}{self.requests / self.seconds:>9.0f}{statistics.median(lat):>9.1f}"
            f"{self.p95:>9.1f}{lat[-1]:>9.1f}{self.errors:>8}"
        )


async def _load(base: str, method: str, path: str, total: int, pace_s: float = 0.0) -> Figures:
    """`total` requests from CLIENTS clients; each waits `pace_s` between its requests (0: flat out)."""
    counter = itertools.count()
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    deadline = start + TIME_LIMIT_S
    limits = httpx2.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def one_client(seed: int) -> None:
            nonlocal errors
            if pace_s:  # independent people: each starts at its own moment within the first second
                await asyncio.sleep(random.Random(seed).uniform(0, pace_s))
            while (i := next(counter)) < total and time.perf_counter() < deadline:
                payload = None
                if method == "POST":  # a distinct instant per twitch, spread over the diary's years
                    when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=37 * i + 1, microseconds=i)
                    payload = {"started_at": when.isoformat(), "intensity": 1 + i % 10}
                sent = time.perf_counter()
                response = await client.request(method, path, json=payload)
                latencies.append((time.perf_counter() - sent) * 1000)
                errors += response.status_code >= 400
                if pace_s:
                    await asyncio.sleep(max(0.0, pace_s - (time.perf_counter() - sent)))

        await asyncio.gather(*(one_client(n) for n in range(CLIENTS)))
    return Figures(len(latencies), errors, time.perf_counter() - start, latencies)


def _diary(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.db'}"
    store = open_store(url)
    start = dt.date.today() - dt.timedelta(days=1824)
    import_bundle(store, store.person_id(), generated_diary(1825, 20_000, seed=5, start=start))
    store.close()
    return url


def main() -> int:
    """Print requests per second and latency for each scenario beside the bare baseline."""
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    paced_total = min(total, 1000)  # 50 req/s offered: 20 s per scenario
    results: dict[tuple[str, str], Figures] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = _diary(Path(tmp))
        port = free_port()
        bare = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.bare_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        with live_process(bare, port, "/constant") as base:
            asyncio.run(_load(base, "GET", "/constant", 200))  # warm up
            for mode, pace in MODES:
                count = paced_total if pace else total
                results[(mode, "bare FastAPI constant (baseline)")] = asyncio.run(
                    _load(base, "GET", "/constant", count, pace)
                )
        with live_server(url) as base:
            asyncio.run(_load(base, "GET", "/", 100))  # warm up
            for mode, pace in MODES:
                for name, method, path in SCENARIOS:
                    count = paced_total if pace else total
                    results[(mode, name)] = asyncio.run(_load(base, method, path, count, pace))
        with live_server(url, "--workers", "2") as base:
            asyncio.run(_load(base, "GET", "/", 100))  # warm up both workers
            for name, method, path in SCENARIOS:
                results[(TWO_WORKERS, name)] = asyncio.run(_load(base, method, path, paced_total, 1.0))
    limit = f"{TIME_LIMIT_S:.0f} s"
    print(f"Web benchmark: {CLIENTS} concurrent clients, each scenario bounded by a count and {limit};")
    print(
        "5-year SQLite diary (1,825 days, 20,000 twitches), `nasalis serve` (1 worker unless said), loopback"
    )
    for mode in (FLAT, PACED, TWO_WORKERS):
        print(f"\n{mode}")
        print(f"{'':36}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
        for (m, name), figures in results.items():
            if m == mode:
                print(figures.row(name))
    paced = {name: f.p95 for (m, name), f in results.items() if m == PACED}
    ok = (
        paced[LOG] < 50
        and paced[SCENARIOS[1][0]] < 100
        and paced[SCENARIOS[2][0]] < 100
        and all(f.errors == 0 for f in results.values())
    )
    print(f"\ngoals ({PACED}; p95: logging < 50 ms, pages < 100 ms):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
