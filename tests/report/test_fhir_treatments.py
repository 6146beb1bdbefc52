"""Treatments in the FHIR Bundle: a Procedure each, validated, sites coded only where checked."""

from __future__ import annotations

import datetime as dt
import json

from nasalis.diary.store import open_store
from nasalis.diary.treatments import TreatmentRecord, add_treatment
from nasalis.report.fhir import export_fhir
from tests.report.bundles import SNOMED, codes_of, resources_of


def test_each_treatment_is_a_validated_procedure(db_url: str) -> None:
    store = open_store(db_url)
    me, other = store.person_id(), store.person_id("other")
    with store.write() as s:
        add_treatment(
            s,
            me,
            TreatmentRecord(
                dt.date(2026, 1, 10), "botulinum_toxin", "Botox", 25.0, ("eyelid", "orbicularis"), "left"
            ),
        )
        add_treatment(s, me, TreatmentRecord(dt.date(2026, 2, 1), "procedure", note="nerve block"))
        add_treatment(s, other, TreatmentRecord(dt.date(2026, 2, 2), "other"))
    with store.read() as s:
        bundle = json.loads(export_fhir(s, me))  # export_fhir validates before it returns
    store.close()
    first, second = resources_of(bundle, "Procedure")
    assert first["status"] == "completed"
    assert first["performedDateTime"] == "2026-01-10"
    assert first["code"] == {"text": "Botulinum toxin injection"}
    assert first["usedCode"] == [{"text": "Botox"}]
    eyelid, own_words = first["bodySite"]
    assert codes_of(eyelid) == {(SNOMED, "80243003")}
    assert eyelid["text"] == "eyelid (left)"
    assert own_words == {"text": "orbicularis (left)"}  # not one of the checked areas: text, no code
    assert first["note"] == [{"text": "25 units, as entered by the patient"}]
    assert second["code"] == {"text": "Procedure"}
    assert second["note"] == [{"text": "nerve block"}]
    (patient,) = [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert first["subject"] == {"reference": patient}
