"""Export and Import in a real browser at phone width: each download is saved as a file of its
type (not pasted into the page), and an import's error shows beside the file field with JS on."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


GOOD = {
    "episodes.csv": "started_at,intensity,side,areas\r\n"
    + "".join(f"2025-03-0{d}T08:15:00+01:00,{d + 2},left,nose\r\n" for d in (1, 2, 3)),
    "days.csv": "date,stress,caffeine_drinks\r\n2025-03-01,6,3\r\n",
}


def _import(page: Page, name: str, data: bytes) -> None:
    page.goto("/import")
    page.get_by_label("A nasalis JSON bundle").set_input_files(
        {"name": name, "mimeType": "text/plain", "buffer": data}
    )
    page.get_by_role("button", name="Import").click()


def _check_file(kind: str, path: Path) -> None:
    """The saved file is what its link says, judged by its content."""
    data = path.read_bytes()
    if kind == "json":
        assert json.loads(data)["schema"] == "nasalis.diary/1"
        assert len(json.loads(data)["episodes"]) == 3
    elif kind == "csv":
        names = zipfile.ZipFile(path).namelist()
        assert sorted(names) == ["days.csv", "episodes.csv"]
        assert zipfile.ZipFile(path).read("episodes.csv").startswith(b"started_at,")
    elif kind == "fhir":
        assert json.loads(data)["resourceType"] == "Bundle"
    else:
        assert data.startswith(b"%PDF")


def test_import_errors_show_by_the_field_and_each_export_downloads(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        page = browser.new_context(viewport=PHONE, base_url=base, accept_downloads=True).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text[:90]) if m.type == "error" else None)

        _import(page, "episodes.csv", b"started_at,intensity\r\n2025-03-02T08:15:00+01:00,11\r\n")
        beside = page.locator("#file-error")
        expect(beside).to_be_visible()
        expect(beside).to_contain_text("episodes.csv, line 2, column 2 (intensity): must be from 1 to 10")
        expect(page.locator("#file")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
        expect(page.locator("#file")).to_be_focused()  # the keyboard is where the fix is
        shot(page, "import-error-phone")

        _import(page, "diary.zip", _zip(GOOD))
        expect(page.get_by_role("status")).to_contain_text("Imported 3 twitches and 1 check-in.")
        expect(page.locator("#file-error")).to_have_count(0)
        shot(page, "import-done-phone")
        page.get_by_role("link", name="Every column and what it accepts").click()
        expect(page.get_by_role("heading", name="Import formats")).to_be_visible()
        shot(page, "import-formats-phone")

        page.goto("/export")
        shot(page, "export-phone")
        links = {
            "json": "JSON bundle",
            "csv": "CSV files (zip)",
            "fhir": "FHIR R4 Bundle",
            "pdf": "Doctor's report (PDF)",
        }
        for kind, label in links.items():
            with page.expect_download() as info:
                page.get_by_role("link", name=label).click()
            download = info.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            _check_file(kind, saved)
            assert download.suggested_filename.startswith(("nasalis-diary-", "nasalis-report-"))
            # The page is still the Export page: nothing was pasted into it.
            expect(page.get_by_role("heading", name="Export your diary")).to_be_visible()
            assert page.url.endswith("/export")
            assert "nasalis.diary/1" not in page.content()
        # The 422 of the bad file is logged by the browser and by htmx; anything else is a fault.
        assert [e for e in errors if "422" not in e] == [], errors
