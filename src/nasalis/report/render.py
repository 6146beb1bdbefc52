"""The report as HTML (one template) and as PDF (WeasyPrint, from the same HTML)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from nasalis import __version__
from nasalis.report.data import ReportData
from nasalis.report.plots import weekly_trend

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)


class PdfUnavailableError(RuntimeError):
    """The PDF cannot be made on this machine; the message says what to install."""


LEVEL_WORDS = {
    "emergency": "Emergency",
    "urgent": "Urgent — same day",
    "appointment": "See a doctor — appointment",
    "self_care": "Self-care",
}


def to_html(data: ReportData) -> str:
    """The report as one self-contained HTML page (styles inline in <style>, no network)."""
    template = _ENV.get_template("report.html")
    return template.render(
        r=data,
        trend_svg=weekly_trend(data.per_date, data.days),
        css=(TEMPLATES / "report.css").read_text("utf-8"),
        level_words=LEVEL_WORDS,
        version=__version__,
    )


def to_pdf(html: str) -> bytes:
    """The same HTML as a PDF (A4), with local fonts only."""
    try:
        from weasyprint import HTML  # imported here: it loads Pango, which the rest never needs
    except OSError as exc:  # Pango missing: say what to install rather than fail obscurely
        raise PdfUnavailableError(
            f"PDF needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 ({exc})"
        ) from exc

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
