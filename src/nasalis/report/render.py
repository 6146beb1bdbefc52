"""The report as HTML (one template) and as PDF (WeasyPrint, from the same HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from nasalis import __version__, wording
from nasalis.diary.factors import TABLE
from nasalis.knowledge import emergency, load_knowledge
from nasalis.report.data import DAILY_DAYS, ReportData
from nasalis.report.plots import weekly_trend

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)
_ENV.filters["number"] = wording.number  # "4 drinks", never "4.0"
_ENV.globals["numbers"] = emergency.numbers
_ENV.globals["localise"] = emergency.localise


A4 = "@page { size: A4; }"


class PdfUnavailableError(RuntimeError):
    """The PDF cannot be made on this machine; the message says what to install."""


LEVEL_WORDS = {
    "emergency": "Emergency",
    "urgent": "Urgent — same day",
    "appointment": "See a doctor — appointment",
    "self_care": "Self-care",
}


@dataclass(frozen=True)
class Link:
    """A link the web page of the report offers above it (never in the PDF)."""

    href: str
    label: str
    download: bool = False
    """Save what it answers as a file (named by the answer's Content-Disposition)."""


STANDALONE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The policy a report file carries in itself: it may load nothing outside the file."""


def to_html(data: ReportData, links: Sequence[Link] = (), head: str = "") -> str:
    """The report as one self-contained HTML page (styles inline in <style>, no network).

    `head` is trusted HTML for the <head> of the web page (its manifest and scripts); the PDF
    and the file have none. Without `head` the page is a file that travels: it carries its own
    policy forbidding any request outside it, and no script.
    """
    template = _ENV.get_template("report.html")
    return template.render(
        r=data,
        links=links,
        head=Markup(head),  # the web layer's own constant, never user input
        trend_svg=weekly_trend(
            data.weeks, marks=[(x.rated_on, f"{x.scale}: {x.value}") for x in data.scores]
        ),
        video_stills=list(zip(data.video, data.stills, strict=True)),
        standalone_csp=STANDALONE_CSP if not head else "",
        # Markup: the stylesheet is the package's own file, and escaped its ">" and quotes break
        # the rules they are in ('.grid > div', "DejaVu Sans") in every browser.
        css=Markup((TEMPLATES / "report.css").read_text("utf-8")),
        level_words=LEVEL_WORDS,
        daily_days=DAILY_DAYS,
        factor_columns=[f.column for f in TABLE],
        version=__version__,
        hemifacial_source=load_knowledge().source_label(
            "ninds_hemifacial_spasm"
        ),  # the video section cites it
    )


def to_pdf(html: str) -> bytes:
    """The same HTML as a PDF (A4), with local fonts only."""
    try:
        from weasyprint import HTML  # imported here: it loads Pango, which the rest never needs
    except OSError as exc:  # Pango missing: say what to install rather than fail obscurely
        raise PdfUnavailableError(
            f"PDF needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 ({exc})"
        ) from exc

    from weasyprint import CSS

    # The PDF is A4; the HTML file leaves the paper to the reader's printer (A4 or Letter).
    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(stylesheets=[CSS(string=A4)])
    return pdf
