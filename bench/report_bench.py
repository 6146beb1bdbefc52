"""Report benchmark: the doctor's report for a 5-year diary (goal: under 5 s).

Run: .venv/bin/python -m bench.report_bench
A SQLite diary of 1,825 check-ins and 20,000 twitches; times reading and analysing it, the
HTML, and the PDF (WeasyPrint), medians of 3, beside rendering the same HTML of an empty
diary to PDF (the renderer's fixed cost) in the same run. Then the same diary as a FHIR R4
Bundle: building it, and validating it against fhir.resources' R4B models.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.support.builders import generated_diary
from nasalis.diary.importer import import_bundle
from nasalis.diary.store import open_store
from nasalis.report.data import gather
from nasalis.report.fhir import bundle_of, validate
from nasalis.report.render import to_html, to_pdf


def _median(fn: object, runs: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> int:
    """Print the time of each step and the total."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'r.db'}")
        empty = open_store(f"sqlite:///{Path(tmp) / 'e.db'}")
        start = dt.date.today() - dt.timedelta(days=1824)
        import_bundle(store, store.person_id(), generated_diary(1825, 20_000, seed=5, start=start))

        def read() -> object:
            with store.read() as session:
                return gather(session, store.person_id())

        read_s, data = _median(read)
        html_s, html = _median(lambda: to_html(data))  # type: ignore[arg-type]
        pdf_s, pdf = _median(lambda: to_pdf(html))  # type: ignore[arg-type]
        with empty.read() as session:
            empty_html = to_html(gather(session, empty.person_id()))
        base_s, _ = _median(lambda: to_pdf(empty_html))

        def build() -> object:
            with store.read() as session:
                return bundle_of(session, store.person_id())

        build_s, bundle = _median(build, runs=1)
        check_s, _ = _median(lambda: validate(bundle), runs=1)  # type: ignore[arg-type]
    total = read_s + html_s + pdf_s
    print("Report benchmark: 5-year diary (1,825 days, 20,000 twitches), medians of 3\n")
    print(f"{'read and analyse the diary':36}{read_s * 1000:>8.0f} ms")
    print(f"{'HTML':36}{html_s * 1000:>8.0f} ms")
    print(f"{'PDF (WeasyPrint), ' + str(len(pdf)) + ' bytes':36}{pdf_s * 1000:>8.0f} ms")  # type: ignore[arg-type]
    print(f"{'PDF of an empty diary (baseline)':36}{base_s * 1000:>8.0f} ms")
    print(f"{'total for the 5-year report':36}{total * 1000:>8.0f} ms  (goal < 5,000 ms)")
    entries = len(bundle["entry"])  # type: ignore[index]
    print(f"\nFHIR R4 Bundle of the same diary ({entries:,} resources), one run")
    print(f"{'build':36}{build_s * 1000:>8.0f} ms")
    print(f"{'validate (fhir.resources R4B)':36}{check_s * 1000:>8.0f} ms")
    return 0 if total < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
