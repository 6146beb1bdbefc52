"""In a real chromium at 390 px: /progress, deleting an assessment, and the report's PDF saved as a file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from playwright.sync_api import Browser, expect

from nasalis.diary.store import open_store
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server
from tests.web.test_report_pages import MISTAPPED, OLDER, _diary, _save


def test_progress_assessments_and_the_pdf_download_on_a_phone(browser: Browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    store = open_store(url)
    _diary(store, [6] * 28 + [4] * 28, dt.date.today())
    _save(store, store.person_id(), OLDER, MISTAPPED)
    store.close()
    with live_server(url) as base:
        context = browser.new_context(viewport=PHONE, base_url=base, accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda m: errors.append(f"{page.url}: {m.text[:120]}") if m.type == "error" else None
        )

        page.goto("/progress")
        expect(
            page.get_by_text("Last 4 weeks: 4.0 a day; the 4 weeks before: 6.0 a day — fewer.")
        ).to_be_visible()
        plot = page.get_by_role("img", name="week by week")
        expect(plot).to_be_visible()
        drawn = plot.evaluate("img => [img.complete, img.naturalWidth, img.getBoundingClientRect().width]")
        assert drawn[0], "the SVG plot did not load"
        assert drawn[1] > 0, "the SVG plot did not load"
        assert 300 < drawn[2] <= PHONE["width"]
        page.get_by_text("Week by week").click()
        shot(page, "progress-phone")

        page.goto("/assessments")
        expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()
        expect(page.locator("ol.assessments > li")).to_have_count(2)
        shot(page, "assessments-phone")
        page.get_by_role("button", name="Delete the assessment").first.click()  # the newest: the mistake
        expect(page.get_by_role("heading", name="Delete this assessment?")).to_be_visible()
        shot(page, "assessment-delete-confirm-phone")
        page.get_by_role("button", name="Yes, delete it").click()
        expect(page.get_by_text("Deleted.")).to_be_visible()
        expect(page.locator("ol.assessments > li")).to_have_count(1)
        expect(page.locator("ol.assessments")).not_to_contain_text("Emergency")

        page.goto("/report")
        expect(page.get_by_text("See a doctor — appointment")).to_be_visible()
        expect(page.get_by_text("Emergency", exact=True)).to_have_count(0)
        shot(page, "report-phone")
        with page.expect_download() as pdf_download:
            page.get_by_role("link", name="Download the PDF").click()
        pdf = pdf_download.value
        assert pdf.suggested_filename.endswith(".pdf")
        saved = tmp_path / pdf.suggested_filename
        pdf.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
        with page.expect_download() as fhir_download:
            page.get_by_role("link", name="Download the FHIR bundle").click()
        fhir = fhir_download.value
        assert fhir.suggested_filename.endswith(".json")
        fhir.save_as(tmp_path / fhir.suggested_filename)
        assert json.loads((tmp_path / fhir.suggested_filename).read_text())["resourceType"] == "Bundle"
        expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()  # still on the report
        assert not errors, errors
        context.close()
