"""The doctor's report for a generated 90-day diary: numbers checked in the PDF's own text."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary import entries
from nasalis.diary.store import open_store
from nasalis.report.data import gather
from nasalis.report.render import to_html, to_pdf
from nasalis.web.app import create_app
from tests.cli.runner import nasalis_process
from tests.report.diaries import TODAY, ninety_day_diary

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
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none' forbids scripts
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
