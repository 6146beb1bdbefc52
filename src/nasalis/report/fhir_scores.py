"""Clinician-rated scores in the FHIR Bundle: an Observation each, the scale's name as its code text.

The value goes as written (valueString); nasalis never computes or converts a score. A score
a clinician entered in clinic names that clinician as a Practitioner (its performer and the
author of its own Provenance); one the person copied from a letter names the rater in text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import clinician_scores
from nasalis.diary.models import Account, ClinicianScore
from nasalis.report.fhir import _uid


def observation(score: ClinicianScore, patient: dict[str, str], performer: dict[str, str]) -> dict[str, Any]:
    """One score as an Observation."""
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": score.scale},
        "subject": patient,
        "effectiveDateTime": score.rated_on.isoformat(),
        "performer": [performer],
        "valueString": score.value_text,
        "method": {
            "text": "Clinician-rated score, entered in clinic"
            if score.source == "clinic"
            else "Clinician-rated score, copied by the patient from a clinic letter"
        },
    }
    if score.note:
        obs["note"] = [{"text": score.note}]
    return obs


def score_entries(session: Session, person_id: int, patient: dict[str, str]) -> list[dict[str, Any]]:
    """Practitioners of the clinicians who entered scores, then an Observation per score.

    A clinician-entered entry carries `_entered_by` (its Practitioner's URL), which
    fhir_provenance.attribute reads and removes before the Bundle is written.
    """
    scores = clinician_scores.scores_of(session, person_id)
    ids = {x.entered_by_account for x in scores if x.entered_by_account is not None}
    query = select(Account.id, Account.username).where(Account.id.in_(ids))
    names: dict[int, str] = {row[0]: row[1] for row in session.execute(query)} if ids else {}
    out: list[dict[str, Any]] = []
    practitioners: dict[int, str] = {}
    for account, username in sorted(names.items()):
        url = _uid("practitioner", account)
        practitioners[account] = url
        out.append(
            {"fullUrl": url, "resource": {"resourceType": "Practitioner", "name": [{"text": username}]}}
        )
    for x in scores:
        entry: dict[str, Any] = {"fullUrl": _uid("score", x.id)}
        by = practitioners.get(x.entered_by_account or 0) if x.source == "clinic" else None
        if by is not None:
            performer = {"reference": by, "display": x.rated_by or names[x.entered_by_account or 0]}
            entry["_entered_by"] = by
        else:
            performer = {"display": x.rated_by or "the clinician named in the letter"}
        entry["resource"] = observation(x, patient, performer)
        out.append(entry)
    return out
