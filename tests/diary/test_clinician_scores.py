"""Clinician-entered scores in the store: kept as written, refused with the field named, undone."""

from __future__ import annotations

import datetime as dt

import pytest

from nasalis.diary import clinician_scores, journal
from nasalis.diary.entries import NotFoundError
from nasalis.diary.records import FieldError
from nasalis.diary.store import open_store


def test_record_list_delete_and_undo(db_url: str) -> None:
    store = open_store(db_url)
    me, other = store.person_id(), store.person_id("other")
    record = clinician_scores.build_score(
        "Hemifacial spasm grade", "Grade II", "2026-03-02", "Dr Okafor", "letter"
    )
    with store.write() as s:
        row = clinician_scores.record_score(s, me, record)
        score_id = row.id
        assert row.value_number is None
        again = clinician_scores.record_score(s, me, record)
        assert again.id == score_id
        clinician_scores.record_score(s, me, clinician_scores.build_score("JRS", "3", dt.date(2026, 4, 1)))
    with store.read() as s:
        scores = clinician_scores.scores_of(s, me)
        assert [(x.scale, x.value_text, x.value_number) for x in scores] == [
            ("Hemifacial spasm grade", "Grade II", None),
            ("JRS", "3", 3.0),
        ]
        assert clinician_scores.scores_of(s, other) == []
    with store.write() as s, pytest.raises(NotFoundError):
        clinician_scores.delete_score(s, other, score_id)
    with store.write() as s:
        clinician_scores.delete_score(s, me, score_id)
    with store.read() as s:
        assert len(clinician_scores.scores_of(s, me)) == 1
    with store.write() as s:
        assert (journal.undo_last(s, me) or "").endswith("deleted")
    with store.read() as s:
        back = clinician_scores.scores_of(s, me)
        assert [x.id for x in back] == [score_id, back[1].id]
        assert back[0].rated_by == "Dr Okafor"
    store.close()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scale": "", "value": "2", "rated_on": "2026-03-02"}, "scale"),
        ({"scale": "JRS", "value": " ", "rated_on": "2026-03-02"}, "value"),
        ({"scale": "JRS", "value": "2", "rated_on": "2026-13-02"}, "rated_on"),
        ({"scale": "JRS", "value": "2", "rated_on": "2026-03-02", "source": "fax"}, "source"),
        ({"scale": "JRS", "value": "x" * 61, "rated_on": "2026-03-02"}, "value"),
        ({"scale": "JRS\x00", "value": "2", "rated_on": "2026-03-02"}, "scale"),
        ({"scale": "JRS", "value": "2", "rated_on": "2999-01-01"}, "rated_on"),
    ],
)
def test_bad_values_name_their_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as caught:
        clinician_scores.build_score(**kwargs)
    assert field in caught.value.errors


def test_a_number_is_read_only_when_the_value_is_one() -> None:
    def number(text: str) -> float | None:
        return clinician_scores.build_score("S", text, "2026-01-01").value_number

    assert number("2") == 2.0
    assert number("3,5") == 3.5
    assert number("14/30") is None
    assert number("Grade II") is None


def test_an_imported_score_is_never_one_entered_in_clinic() -> None:
    """Only a clinician's own entry is "clinic": a bundle cannot make a score look entered there."""
    item = {"scale": "JRS", "value": "2", "rated_on": "2026-03-02", "source": "clinic"}
    assert clinician_scores.score_from_json(item).source == "letter"
