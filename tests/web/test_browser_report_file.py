"""The report as one file that travels: opened from file:// in chromium, it asks for nothing else.

A diary with a measured clip (its keyframes embedded) and a clinician's score is written by a
real `nasalis report --out report.html`; chromium opens the file with every request recorded,
then prints it on A4 and on Letter.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, Request, expect
from tools.twitchclips import ClipSpec, Twitch, render

from nasalis.diary import clinician_scores, videos
from nasalis.diary.store import open_store
from nasalis.video.analyze import analyze
from nasalis.video.keyframes import keyframes
from tests.cli.runner import nasalis_process
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server
from tests.web.test_report_pages import _diary

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


def _diary_with_a_clip_and_a_score(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    store = open_store(url)
    _diary(store, [5] * 20 + [3] * 22, dt.date.today())
    clip = tmp_path / "face.mp4"
    twitches = [Twitch("nose", "left", 1.2, 0.3, 0.05), Twitch("eyelid", "right", 3.4, 0.4, 0.05)]
    render(ClipSpec(seconds=6, size=(640, 360), twitches=twitches, noise=2, seed=21), clip)
    data = analyze(clip).to_json()
    stills = keyframes(clip, data["events"])
    assert stills, "the clip gave no keyframe to embed"
    person = store.person_id()
    with store.write() as session:
        row = videos.create(session, person, clip.name, None, attach=False)
        videos.finish(session, row.id, data, stills)
        rated = dt.date.today() - dt.timedelta(days=10)
        score = clinician_scores.build_score(
            "Hemifacial spasm grade", "Grade II", rated, "Dr Okafor", "letter"
        )
        clinician_scores.record_score(session, person, score)
    store.close()
    return url


def _pdf_pages(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return text.stdout.split("\f")[:-1]


def test_the_report_file_loads_nothing_outside_itself_and_prints(browser: Browser, tmp_path: Path) -> None:
    url = _diary_with_a_clip_and_a_score(tmp_path)
    out = tmp_path / "report.html"
    done = nasalis_process("report", "--out", str(out), "--db", url)
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert "<script" not in text
    assert "<a " not in text  # no link a reader would follow to a dead localhost

    context = browser.new_context(viewport={"width": 900, "height": 1200})
    page = context.new_page()
    asked: list[str] = []

    def record(route: object, request: Request) -> None:
        asked.append(request.url)
        route.continue_()  # type: ignore[attr-defined]

    page.route("**/*", record)
    page.goto(out.as_uri())
    page.wait_for_load_state("networkidle")
    stills = page.locator(".stills img")
    expect(stills.first).to_be_visible()
    loaded = stills.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
    assert loaded
    assert all(loaded), "a keyframe did not load from the file"
    assert stills.first.get_attribute("src", timeout=1000).startswith("data:image/jpeg;base64,")  # type: ignore[union-attr]
    expect(page.get_by_text("Grade II", exact=True)).to_be_visible()
    assert asked == [out.as_uri()], f"the file asked for more than itself: {asked}"

    page.emulate_media(media="print")
    # The stylesheet reaches the page whole: page 1's two columns sit side by side (an escaped
    # ">" once dropped the rule and stacked them), in the report's own font.
    columns = page.locator(".grid > div").evaluate_all("ds => ds.map(d => d.getBoundingClientRect().x)")
    assert len(columns) == 2
    assert columns[1] > columns[0] + 100, "page 1's columns are stacked"
    assert "DejaVu Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
    for paper in ("A4", "Letter"):
        pages = _pdf_pages(page.pdf(format=paper, print_background=True), tmp_path, f"{paper}.pdf")
        assert len(pages) >= 2, f"{paper}: the daily record starts on a page of its own"
        first = " ".join(pages[0].split())
        assert "Facial twitching: diary summary" in first
        assert "Hemifacial spasm grade: Grade II" in first  # the score's mark on the trend
        where = {
            heading: next((i for i, p in enumerate(pages) if heading in " ".join(p.split())), None)
            for heading in (
                "Latest assessment",
                "Stills of the strongest twitches",
                "Clinician-rated scores",
                "Not a diagnosis: a summary",
                "Daily record",
                "Sources",
            )
        }
        assert None not in where.values(), f"{paper}: a part of the report is missing from the print: {where}"
        # The summary (its disclaimer last) ends before the daily record's page begins.
        assert where["Not a diagnosis: a summary"] < where["Daily record"], f"{paper}: {where}"  # type: ignore[operator]
        assert "Daily record" in pages[where["Daily record"]].lstrip()[:60], f"{paper}: not at a page's top"  # type: ignore[index]
    # Printed, the page is no wider than the paper: nothing is cut at the right edge.
    page.set_viewport_size({"width": 720, "height": 1000})  # Letter's printable width at 96 dpi
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert asked == [out.as_uri()], f"printing asked for more than the file: {asked}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-file-print.png"), full_page=False)
    context.close()


def test_a_score_from_a_letter_is_added_on_a_phone_and_undone(browser: Browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'phone.db'}"
    open_store(url).close()
    with live_server(url) as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        page = context.new_page()
        page.goto("/progress")
        page.get_by_role("link", name="Scores from your clinician").click()
        expect(page.get_by_role("heading", name="Scores from your clinician")).to_be_visible()
        page.get_by_label("Scale").fill("Hemifacial spasm grade")
        page.get_by_label("Score").fill("")
        page.get_by_label("Date rated").fill("2026-03-02")
        page.evaluate("document.getElementById('add-score').noValidate = true")  # the server's own check
        page.get_by_role("button", name="Add score").click()
        expect(page.get_by_text("One thing needs fixing; nothing was saved.")).to_be_visible()
        expect(page.locator("#value-error")).to_contain_text("Is required")
        page.get_by_label("Score").fill("Grade II")
        page.get_by_label("Rated by").fill("Dr Okafor, neurology")
        page.get_by_role("button", name="Add score").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        expect(page.get_by_text("Hemifacial spasm grade: Grade II")).to_be_visible()
        shot(page, "scores-phone")
        page.get_by_role("button", name="Delete Hemifacial spasm grade of 2026-03-02").click()
        expect(page.get_by_text("No scores yet.")).to_be_visible()
        page.get_by_role("button", name="Undo").click()
        expect(page.get_by_text("Hemifacial spasm grade: Grade II")).to_be_visible()
        context.close()
