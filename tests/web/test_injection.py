"""Stored script in notes, tags, a medicine and a name is shown as text everywhere, the PDF
included; SQL in every filter is only ever a value."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nasalis.diary import entries

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
SQL = ["' OR 1=1 --", "2026-01-01' OR '1'='1", "1; DROP TABLE episodes; --", '" OR ""="', "%' --"]


def _plant(web: TestClient) -> int:
    made = web.post("/api/episodes", json={"started_at": "2026-05-01T08:00:00+02:00", "note": SCRIPT})
    assert made.status_code == 201
    day = web.put("/api/days/2026-05-01", json={"tags": [IMG, "cheese"], "stress": 4})
    assert day.status_code == 200, day.text
    assert web.put("/api/settings", json={"name": SCRIPT}).status_code == 200
    store = web.app.state.store  # type: ignore[attr-defined]
    with store.write() as session:
        entries.add_medication(session, store.person_id(), SCRIPT, dose=IMG)
    return int(made.json()["id"])


def test_stored_markup_is_escaped_on_every_page_and_printed_as_text_in_the_pdf(personal: TestClient) -> None:
    episode = _plant(personal)
    pages = [
        "/",
        "/diary?start=2026-05-01&end=2026-05-01",
        f"/diary/episodes/{episode}",
        "/insights",
        "/report",
    ]
    pages += ["/settings", "/experiments", "/export", "/learn"]
    for path in pages:
        html = personal.get(path).text
        assert SCRIPT not in html, path
        assert IMG not in html, path
        assert "<script>" not in html.replace('<script src="/static/', ""), path  # only our own files
    diary = personal.get("/diary?from=2026-05-01&to=2026-05-01").text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in diary  # shown, as text
    report = personal.get("/report").text
    assert (
        "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in report or "&lt;img src=x onerror=&quot;" in report
    )

    pdf = personal.get("/report", params={"format": "pdf"})
    assert pdf.status_code == 200
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "r.pdf").write_bytes(pdf.content)
        text = subprocess.run(
            ["pdftotext", "-raw", str(Path(folder) / "r.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", SCRIPT) in flat  # the medicine's name, printed literally
    assert re.sub(r"\s+", "", IMG) in flat  # the tag and the dose, printed literally


@pytest.mark.parametrize("payload", SQL)
def test_sql_in_every_filter_is_a_value_or_a_named_error(personal: TestClient, payload: str) -> None:
    _plant(personal)
    before = personal.get("/api/episodes").json()
    attempts = [
        ("/api/episodes", {"since": payload}),
        ("/api/episodes", {"until": payload}),
        ("/api/days", {"since": payload, "until": payload}),
        ("/api/insights", {"since": payload}),
        ("/diary", {"from": payload, "to": payload}),
        ("/diary", {"side": payload, "area": payload, "strength": payload}),
        ("/report", {"format": payload}),
        ("/api/export", {"format": payload}),
    ]
    for path, params in attempts:
        answer = personal.get(path, params=params)
        assert answer.status_code in (200, 422), (path, params, answer.status_code)
        if answer.status_code == 422:  # refused, naming the parameter
            assert any(name in answer.text for name in params), (path, answer.text[:200])
    assert personal.get(f"/api/episodes/{payload}").status_code in (404, 422)
    assert personal.get(f"/api/days/{payload}").status_code in (404, 422)
    assert personal.get("/api/episodes").json() == before  # nothing dropped, nothing added
