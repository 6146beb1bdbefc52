"""Who said what in the FHIR Bundle: the PATRPT label on what the person entered, and Provenance.

Everything the person entered or recorded (their diary, their answers, their clips, a score
they copied from a letter) is labelled patient-reported in `meta.security` and is a target of
one Provenance whose agent is the Patient. A score a clinician entered in clinic is labelled
clinician-reported instead and is the target of a Provenance whose agent is that Practitioner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from nasalis.report.fhir import _coding, _uid, terminology

UNLABELLED = frozenset({"Provenance", "Practitioner", "BodyStructure"})
"""Resources that say nothing the person reported: the provenance itself, a clinician, a site."""


def label(resource: dict[str, Any], key: str) -> None:
    """Add a security label (`patient_reported` or `clinician_reported`) to a resource's meta."""
    coding = _coding(terminology()["provenance"][key])
    meta = resource.setdefault("meta", {})
    security = meta.setdefault("security", [])
    if coding not in security:
        security.append(coding)


def provenance(targets: Iterable[str], agent: dict[str, str], now: dt.datetime) -> dict[str, Any]:
    """A Provenance naming `targets` (full URLs in the Bundle) as written by `agent` (its author)."""
    codes = terminology()["provenance"]
    return {
        "resourceType": "Provenance",
        "target": [{"reference": url} for url in targets],
        "recorded": now.isoformat(),
        "agent": [{"type": {"coding": [_coding(codes["author"])]}, "who": agent}],
    }


def attribute(entries: list[dict[str, Any]], patient: dict[str, str], now: dt.datetime) -> None:
    """Label every entry and add the Provenances: the Patient's, and one per clinician who entered scores.

    An entry whose resource was already labelled clinician-reported (by the score builder, with
    its Practitioner under `_entered_by`) goes to that clinician's Provenance; every other
    reported resource is the patient's.
    """
    mine: list[str] = []
    theirs: dict[str, list[str]] = {}
    for entry in entries:
        resource = entry["resource"]
        if resource["resourceType"] in UNLABELLED:
            continue
        by = entry.pop("_entered_by", None)
        if by is not None:
            label(resource, "clinician_reported")
            theirs.setdefault(by, []).append(entry["fullUrl"])
        else:
            label(resource, "patient_reported")
            mine.append(entry["fullUrl"])
    if mine:
        url = _uid("provenance", f"{patient['reference']}/patient")
        entries.append({"fullUrl": url, "resource": provenance(mine, patient, now)})
    for practitioner, urls in theirs.items():
        url = _uid("provenance", practitioner)
        agent = {"reference": practitioner}
        entries.append({"fullUrl": url, "resource": provenance(urls, agent, now)})
