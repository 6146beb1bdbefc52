"""The doctor's report for a generated 90-day diary: numbers checked in the PDF's own text."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary import assessments, entries, local_dates
from nasalis.diary.store import open_store
from nasalis.knowledge import load_knowledge
from nasalis.report.data import gather
from nasalis.report.render import to_html, to_pdf
from nasalis.web.app import create_app
from tests.cli.runner import nasalis_process
from tests.report.sample_diaries import BURST_MONTH, TODAY, gappy_diary, ninety_day_diary

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


def test_pdf_page_one_has_the_right_numbers(tmp_path: Path) -> None:
    store = ninety_day_diary(f"sqlite:///{tmp_path / 'r.db'}")
    with store.read() as session:
        data = gather(session, store.person_id(), today=TODAY)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(to_pdf(to_html(data)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    page_one = text.split("\f")[0]
    assert "Twitches logged\n" in page_one or "Twitches logged" in page_one
    assert str(len(data.episodes)) in page_one
    assert f"{data.per_day:.1f}" in page_one
    assert f"{TODAY - dt.timedelta(days=89)} to {TODAY}" in page_one
    assert "90 days, 90 with a check-in" in page_one
    cheese = next(f for f in data.held if f.factor == "tag:cheese")
    assert f"{cheese.estimate:.2f} ({cheese.ci_low:.2f}" in page_one  # the trigger with its interval
    assert "See a doctor" in page_one or "Self-care" in page_one
    assert "Ventolin" in page_one
    assert "prescriber" in page_one  # the lexicon note: never stop it, ask the prescriber
    assert "Not a diagnosis" in page_one
    assert "Daily record" in text.split("\f")[1]
    assert re.search(r"Sources", text)
    assert len(text.split("\f")) >= 3  # page 1, then the daily table over further pages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(SCREENSHOTS / "report-page1"),
        ],
        check=True,
    )
    assert (SCREENSHOTS / "report-page1.png").stat().st_size > 10_000


def test_cli_and_web_write_the_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    ninety_day_diary(url).close()
    done = nasalis_process("report", "--out", str(tmp_path / "r.html"), "--db", url)
    assert done.returncode == 0, done.stderr
    assert "Daily record" in (tmp_path / "r.html").read_text()
    assert nasalis_process("report", "--out", str(tmp_path / "r.doc"), "--db", url).returncode == 2
    assert (
        nasalis_process("report", "--out", str(tmp_path / "x.pdf"), "--since", "May", "--db", url).returncode
        == 2
    )
    assert not (tmp_path / "x.pdf").exists()
    client = TestClient(create_app(Settings(db_url=url)))
    page = client.get("/report")
    assert page.status_code == 200
    assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    # The page loads app.js (the worker's registration) from this origin; no inline script, ever.
    assert (policy["script-src"], policy["manifest-src"], policy["default-src"]) == (
        "'self'",
        "'self'",
        "'none'",
    )
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text
    assert "manifest" not in (tmp_path / "r.html").read_text()  # the file (and the PDF) stand alone
    pdf = client.get("/report", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_notes_and_tags_are_escaped_in_the_report(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    from nasalis.diary.records import build_day

    with store.write() as session:
        entries.save_day(
            session,
            store.person_id(),
            build_day({"date": "2026-01-01", "tags": "<script>alert(1)</script>"}, text=True),
        )
    with store.read() as session:
        html = to_html(gather(session, store.person_id(), today=TODAY))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("since", [None, TODAY - dt.timedelta(days=30)])
def test_an_empty_or_windowed_diary_still_reports(tmp_path: Path, since: dt.date | None) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'e.db'}")
    with store.read() as session:
        data = gather(session, store.person_id(), since, today=TODAY)
    html = to_html(data)
    assert "No diary entries yet" in html
    assert to_pdf(html).startswith(b"%PDF")


def test_assessments_from_the_web_and_the_cli_reach_the_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    intake = tmp_path / "intake.json"
    intake.write_text('{"duration_days": 21, "areas": ["nose"]}')
    assert nasalis_process("assess", "--input", str(intake), "--json", "--db", url).returncode == 0
    assert "No assessment recorded" in TestClient(create_app(Settings(db_url=url))).get("/report").text
    saved = nasalis_process("assess", "--input", str(intake), "--save", "--db", url)
    assert saved.returncode == 0, saved.stderr
    client = TestClient(create_app(Settings(db_url=url)))
    assert "See a doctor" in client.get("/report").text
    page = client.get("/assess").text
    fields = dict(re.findall(r'name="(field|answers|asked|csrf_token)" value="([^"]*)"', page))
    page = client.post("/assess", data={**fields, "value": "yes"}).text  # a drooping face: emergency
    assert "level-emergency" in page
    report = client.get("/report").text
    assert "Emergency" in report
    assert "Warning signs reported:</b> 1" in report


def _daily_table(html: str) -> list[tuple[str, bool, int]]:
    """The daily table's rows as the page shows them: date, whether it had a check-in, twitches."""
    table = html.split("Daily record", 1)[1].split("</table>", 1)[0]
    return [
        (date, not dagger, int(n))
        for date, dagger, n in re.findall(
            r'<tr><td>(\d{4}-\d\d-\d\d)( †)?</td><td class="num">(\d+)</td>', table
        )
    ]


def _monthly_table(html: str) -> dict[str, tuple[int, int, int]]:
    """The 'Earlier, by month' rows: month -> (twitches, days with twitches, days with a check-in)."""
    table = html.split("Earlier, by month", 1)[1].split("</table>", 1)[0]
    cells = r'<td class="num">(\d+)</td>'
    return {
        m: (int(a), int(b), int(c))
        for m, a, b, c in re.findall(rf"<tr><td>(\d{{4}}-\d\d)</td>{cells}{cells}{cells}", table)
    }


def test_the_reports_counts_equal_the_diarys(tmp_path: Path) -> None:
    """Bug 6: days without a check-in and a month's twitches were left out of the report's tables."""
    store = gappy_diary(f"sqlite:///{tmp_path / 'g.db'}")
    person = store.person_id()
    with store.read() as session:
        # Counted by the database, independently of the report's own arithmetic.
        per_date = local_dates.counts_by_local_date(session, person, local_dates.EpisodeFilter())
        check_ins = {d.date for d in entries.days_between(session, person)}
        total = local_dates.count_episodes(session, person, local_dates.EpisodeFilter())
        data = gather(session, person, today=TODAY)
    html = to_html(data)
    daily = _daily_table(html)
    cut = TODAY - dt.timedelta(days=89)
    assert {d for d, _, _ in daily} == {d.isoformat() for d in set(per_date) | check_ins if d >= cut}
    assert sum(n for _, _, n in daily) == sum(n for d, n in per_date.items() if d >= cut)
    unchecked = [(d, n) for d, checked, n in daily if not checked]
    assert len(unchecked) >= 10  # the days this bug dropped
    assert all(n > 0 for _, n in unchecked)
    assert all(dt.date.fromisoformat(d) not in check_ins for d, _ in unchecked)
    months = _monthly_table(html)
    for month, (twitches, with_twitches, checked) in months.items():
        dates = [d for d in per_date if d < cut and d.strftime("%Y-%m") == month]
        assert twitches == sum(per_date[d] for d in dates), month
        assert with_twitches == len(dates), month
        assert checked == len([d for d in check_ins if d < cut and d.strftime("%Y-%m") == month]), month
    burst = "{:04d}-{:02d}".format(*BURST_MONTH)
    assert months[burst][0] >= 300  # hundreds of twitches ...
    assert months[burst][2] == 1  # ... and a single check-in
    assert sum(n for _, _, n in daily) + sum(t for t, _, _ in months.values()) == total
    assert f"<b>{total}</b>" in html  # the headline figure: every twitch logged


def test_the_report_shows_every_reason_dated_with_titled_sources(tmp_path: Path) -> None:
    """Bug 6: only 4 of 6 reasons were shown; the video note sent the doctor to a README; seeds by file."""
    store = gappy_diary(f"sqlite:///{tmp_path / 'g.db'}")
    person = store.person_id()
    with store.read() as session:
        latest = assessments.latest(session, person)
        data = gather(session, person, today=TODAY)
    assert latest is not None
    reasons = [r["says"] for r in latest.result["reasons"]]
    assert len(reasons) == 6
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(to_pdf(to_html(data)))
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for says in reasons:  # the 5th and 6th: eyelids squeezing shut, and twitching during sleep
        assert " ".join(says.split()) in text, says
    assert f"Answered by the person on {latest.at.date()}, the latest of 2 kept" in text
    assert "README" not in text
    assert "distance between the eyes" in text
    seeds = {s.file: s.title for s in load_knowledge().sources.seeds}
    cited = [s for r in latest.result["reasons"] for s in r["sources"] if s in seeds]
    assert cited
    for file in cited:
        assert f"{seeds[file]} ({file})" in text
    html = to_html(data)
    assert not re.search(r"<li>\d{3}_[0-9a-f]+\.txt</li>", html)  # no source listed by file name alone
