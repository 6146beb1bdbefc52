"""Treatments in the FHIR Bundle: each one a Procedure, as the person entered it.

Procedure (not MedicationAdministration) for every kind: the diary knows the day, the product's
name as typed and where it was given, not a coded medicine or a dose form. The code and the
product go as text (no terminology code was checked for them); a site that is one of the
diary's areas carries the body-site code terminology.yaml checked, with the side in its text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary.treatments import ListedTreatment, list_treatments

WHAT = {
    "botulinum_toxin": "Botulinum toxin injection",
    "procedure": "Procedure",
    "other": "Treatment",
}
"""The Procedure's code text for each kind of the contract."""


def _site(codes: dict[str, Any], site: str, side: str | None) -> dict[str, Any]:
    text = site.replace("_", " ") + (f" ({side})" if side else "")
    concept: dict[str, Any] = {"text": text}
    coded = codes["body_sites"]["areas"].get(site)
    if coded is not None:
        concept["coding"] = [
            {"system": coded["system"], "code": str(coded["code"]), "display": coded["display"]}
        ]
    return concept


def procedure(t: ListedTreatment, patient: dict[str, str], codes: dict[str, Any]) -> dict[str, Any]:
    """One treatment as a completed Procedure performed on its day."""
    rec = t.record
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": {"text": WHAT[rec.kind]},
        "subject": patient,
        "recorder": patient,
        "asserter": patient,
        "performedDateTime": rec.date.isoformat(),
    }
    if rec.sites:
        resource["bodySite"] = [_site(codes, site, rec.side) for site in rec.sites]
    if rec.product:
        resource["usedCode"] = [{"text": rec.product}]
    notes = [f"{rec.units:g} units, as entered by the patient"] if rec.units is not None else []
    if rec.side and not rec.sites:
        notes.append(f"Side: {rec.side}")
    if rec.note:
        notes.append(rec.note)
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    return resource


def treatment_resources(
    session: Session, person_id: int, patient: dict[str, str], codes: dict[str, Any]
) -> list[tuple[int, dict[str, Any]]]:
    """(treatment id, Procedure) for each of this person's treatments, oldest first."""
    return [(t.id, procedure(t, patient, codes)) for t in list_treatments(session, person_id)]
