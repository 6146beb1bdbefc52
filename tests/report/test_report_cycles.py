"""The report's page 1 shows each treatment's cycle in words, only when there are treatments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nasalis.diary.treatments import TreatmentRecord, add_treatment
from nasalis.insights.cycles_report import load_cycles
from nasalis.report.data import gather
from nasalis.report.render import to_html
from tests.report.sample_diaries import TODAY, ninety_day_diary


def test_page_one_lists_the_cycles_from_the_analysis(tmp_path: Path) -> None:
    store = ninety_day_diary(f"sqlite:///{tmp_path / 'd.db'}")
    me = store.person_id()
    with store.read() as s:
        before = to_html(gather(s, me, today=TODAY))
    assert "Treatments and their cycles" not in before
    with store.write() as s:
        add_treatment(s, me, TreatmentRecord(TODAY - dt.timedelta(days=60), "botulinum_toxin", "Botox"))
    with store.read() as s:
        data = gather(s, me, today=TODAY)
        expected = load_cycles(s, me, today=TODAY)
    store.close()
    (cycle,) = expected.cycles
    assert data.cycles[0] == f"{cycle.date}, Botox: {cycle.sentence}"
    page_one = to_html(data).split('<div class="page-break">', 1)[0]
    assert "Treatments and their cycles" in page_one
    assert cycle.sentence.replace("'", "&#39;") in page_one
