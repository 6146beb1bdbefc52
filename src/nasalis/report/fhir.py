"""The diary as a FHIR R4 Bundle (checked against the R4B models of fhir.resources).

Patient-reported data for a clinician's system: a Patient with only what the person entered,
one Symptom Observation per twitch (HL7 Symptoms IG pattern), daily check-ins as
Observations, MedicationStatements, the latest assessment as a RiskAssessment, each measured
clip as an Observation with its keyframes as Media (fhir_video), clinician-rated scores
(fhir_scores), and who reported what: PATRPT labels and Provenance (fhir_provenance). Codes
come from terminology.yaml, where each one says where it was checked.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy.orm import Session

from nasalis.diary import assessments, entries, local_dates, preferences
from nasalis.diary.factors import FACTORS
from nasalis.diary.models import Assessment, Day, Episode, Medication
from nasalis.report.fhir_treatments import treatment_resources

UCUM = "http://unitsofmeasure.org"
_IDS = uuid.uuid5(uuid.NAMESPACE_DNS, "nasalis.fhir")
"""Ids are derived from the diary's own ids, so two exports of one diary say the same."""


class FhirInvalidError(RuntimeError):
    """The Bundle we built does not validate: a bug, never the user's data."""


@cache
def terminology() -> dict[str, Any]:
    """The checked codes (terminology.yaml)."""
    text = resources.files("nasalis.report").joinpath("terminology.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _coding(entry: dict[str, Any]) -> dict[str, str]:
    return {"system": entry["system"], "code": str(entry["code"]), "display": entry["display"]}


def _uid(kind: str, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_IDS, f'{kind}/{key}')}"


def _instant(value: dt.datetime) -> str:
    """A stored UTC time (naive) as a FHIR instant."""
    return value.replace(tzinfo=dt.UTC).isoformat()


def _label(area: str) -> str:
    return area.replace("_", " ")


class _Builder:
    """Collects the Bundle's entries; BodyStructures are shared by every twitch at one site."""

    def __init__(self, person_id: int) -> None:
        self.codes = terminology()
        self.patient = {"reference": _uid("patient", person_id)}
        self.entries: list[dict[str, Any]] = []
        self.structures: dict[tuple[str, str], str] = {}

    def add(self, full_url: str, resource: dict[str, Any]) -> None:
        self.entries.append({"fullUrl": full_url, "resource": resource})

    def body_site(self, areas: list[str], side: str | None) -> dict[str, Any] | None:
        """Where the twitch was, coded where the code was checked, with the side if told."""
        sites = self.codes["body_sites"]
        if not areas and not side:
            return None
        coded = [sites["areas"][a] for a in areas if a in sites["areas"]]
        location: dict[str, Any] | None = None
        if len(areas) == 1 and coded:
            location = coded[0]
        elif len(areas) > 1 and all(a in self.codes["twitch"]["facial_areas"] for a in areas):
            location = sites["several_facial"]
        text = ", ".join(_label(a) for a in areas) or "face"
        if side:
            text += f" ({side})"
        concept: dict[str, Any] = {"text": text}
        if location is not None:
            concept["coding"] = [_coding(location)]
        side_code = self.codes["laterality"].get(side or "")
        if location is not None and side_code is not None:
            key = (str(location["code"]), str(side))
            if key not in self.structures:
                url = _uid("body-structure", f"{self.patient['reference']}/{key}")
                self.structures[key] = url
                self.add(
                    url,
                    {
                        "resourceType": "BodyStructure",
                        "location": {"coding": [_coding(location)], "text": location["display"]},
                        "locationQualifier": [{"coding": [_coding(side_code)], "text": side}],
                        "patient": self.patient,
                    },
                )
            link = {"reference": self.structures[key]}
            concept["extension"] = [{"url": self.codes["body_site_extension"], "valueReference": link}]
        return concept

    def twitch(self, e: Episode) -> dict[str, Any]:
        """One Symptom Observation."""
        symptom, twitch = self.codes["symptom"], self.codes["twitch"]
        areas = list(e.areas or [])
        facial = not areas or any(a in twitch["facial_areas"] for a in areas)
        where = ", ".join(_label(a) for a in areas)
        value: dict[str, Any] = {"text": f"Twitch ({where})" if where else "Twitch"}
        if facial:
            value["coding"] = [_coding(twitch["facial"])]
        start = entries.local_instant(e)
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "meta": {"profile": [symptom["profile"]]},
            "status": "final",
            "category": [{"coding": [_coding(symptom["category"])]}],
            "code": {"coding": [_coding(symptom["code"])], "text": "Symptom"},
            "subject": self.patient,
            "issued": _instant(e.created_at),
            "performer": [self.patient],
            "valueCodeableConcept": value,
            "method": {
                "text": "Measured from a video clip by nasalis"
                if e.source == "video"
                else "Reported by the patient in the nasalis diary"
            },
        }
        if e.duration_s:
            end = start + dt.timedelta(seconds=e.duration_s)
            obs["effectivePeriod"] = {"start": start.isoformat(), "end": end.isoformat()}
        else:
            obs["effectiveDateTime"] = start.isoformat()
        site = self.body_site(areas, e.side)
        if site is not None:
            obs["bodySite"] = site
        if e.intensity is not None:
            band = next(b for b in self.codes["severity"]["bands"] if e.intensity <= b["up_to"])
            obs["component"] = [
                {
                    "code": {"coding": [_coding(symptom["severity_component"])]},
                    "valueCodeableConcept": {
                        "coding": [_coding(band)],
                        "text": f"{e.intensity}/10 as rated by the patient",
                    },
                }
            ]
        if e.note:
            obs["note"] = [{"text": e.note}]
        return obs

    def day(self, d: Day, twitches: int) -> Iterator[dict[str, Any]]:
        """A day's check-in: how many twitches, then one Observation per factor given."""
        base = {
            "resourceType": "Observation",
            "status": "final",
            "subject": self.patient,
            "performer": [self.patient],
            "effectiveDateTime": d.date.isoformat(),
        }
        count: dict[str, Any] = {
            **base,
            "code": {"text": "Twitches recorded that day"},
            "valueInteger": twitches,
        }
        if d.no_twitches:
            count["note"] = [{"text": "The patient confirmed a day without twitches."}]
        yield count
        # A FHIR dateTime with a time needs a UTC offset, which a day does not keep: the
        # morning check-in's local time goes in a note on the values it recorded.
        morning = (
            [{"text": f"Recorded in the morning check-in at {d.morning_at:%H:%M} local time."}]
            if d.morning_at is not None
            else None
        )
        for f in FACTORS:  # sent with a text code: no terminology code was checked for a day factor
            value = getattr(d, f.name)
            if value is None:
                continue
            if f.type == "bool":
                obs = {**base, "code": {"text": f.fhir_text}, "valueBoolean": bool(value)}
            else:
                quantity = {"value": value, "unit": f.unit, "system": UCUM, "code": f.ucum}
                obs = {**base, "code": {"text": f.fhir_text}, "valueQuantity": quantity}
            if morning and f.recorded == "morning":
                obs["note"] = morning
            yield obs
        for name, value in sorted((d.factors or {}).items()):
            yield {**base, "code": {"text": name.replace("_", " ")}, "valueQuantity": {"value": value}}
        if d.tags:
            yield {**base, "code": {"text": "Diary tags"}, "valueString": "; ".join(d.tags)}

    def medicine(self, m: Medication) -> dict[str, Any]:
        """A MedicationStatement: what the person told, nothing inferred."""
        statement: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "status": "completed" if m.stopped_on else "active",
            "medicationCodeableConcept": {"text": m.name},
            "subject": self.patient,
            "informationSource": self.patient,
            "dateAsserted": _instant(m.created_at),
        }
        period = {k: v.isoformat() for k, v in (("start", m.started_on), ("end", m.stopped_on)) if v}
        if period:
            statement["effectivePeriod"] = period
        if m.dose:
            statement["dosage"] = [{"text": m.dose}]
        return statement

    def assessment(self, a: Assessment) -> dict[str, Any]:
        """The latest questionnaire result as a RiskAssessment; its reasons as notes."""
        result = a.result
        notes = [{"text": f"{r.get('level', '')}: {r['says']}"} for r in result.get("reasons", [])]
        notes.append({"text": str(result.get("disclaimer") or "This is not a diagnosis.")})
        return {
            "resourceType": "RiskAssessment",
            "status": "final",
            "subject": self.patient,
            "occurrenceDateTime": _instant(a.at),
            "method": {"text": "nasalis symptom questionnaire (patient-completed; not a diagnosis)"},
            "prediction": [
                {
                    "outcome": {"text": str(result.get("headline", ""))},
                    "qualitativeRisk": {"text": f"nasalis level: {a.level}"},
                }
            ],
            "note": notes,
        }


def bundle_of(session: Session, person_id: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """One person's whole diary as a FHIR R4 Bundle (a plain dict, ready for JSON)."""
    now = now or dt.datetime.now(dt.UTC)
    build = _Builder(person_id)
    prefs = preferences.get(session, person_id)
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if prefs.get("name"):
        patient["name"] = [{"text": str(prefs["name"])}]
    build.add(build.patient["reference"], patient)
    if prefs.get("age_years") is not None:
        age = {"value": prefs["age_years"], "unit": "years", "system": UCUM, "code": "a"}
        build.add(
            _uid("age", person_id),
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "Age as entered by the patient"},
                "subject": build.patient,
                "effectiveDateTime": now.date().isoformat(),
                "valueQuantity": age,
            },
        )
    per_date: dict[dt.date, int] = {}
    for e in local_dates.episodes_on(session, person_id):
        day = entries.local_instant(e).date()
        per_date[day] = per_date.get(day, 0) + 1
        build.add(_uid("episode", e.id), build.twitch(e))
    for d in entries.days_between(session, person_id):
        for i, obs in enumerate(build.day(d, per_date.get(d.date, 0))):
            build.add(_uid("day", f"{d.id}/{i}"), obs)
    for m in entries.medications_of(session, person_id):
        build.add(_uid("medication", m.id), build.medicine(m))
    for key, procedure in treatment_resources(session, person_id, build.patient, build.codes):
        build.add(_uid("treatment", key), procedure)
    latest = assessments.latest(session, person_id)
    if latest is not None:
        build.add(_uid("assessment", latest.id), build.assessment(latest))
    _add_reported(session, person_id, build, now)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": build.entries,
    }


def _add_reported(session: Session, person_id: int, build: _Builder, now: dt.datetime) -> None:
    """Clips, clinician scores, then who reported each resource (PATRPT labels and Provenance)."""
    # Imported here: these modules build on this one's helpers.
    from nasalis.report import fhir_provenance, fhir_scores, fhir_video

    build.entries += fhir_video.video_entries(session, person_id, build.patient)
    build.entries += fhir_scores.score_entries(session, person_id, build.patient)
    fhir_provenance.attribute(build.entries, build.patient, now)


CHUNK = 2_000
"""Entries validated at a time: the models of 37,000 resources at once would hold ~GBs."""


Progress = Callable[[int, int], None]
"""Told (done, total) entries as validation goes: five years take a while."""


def validate(bundle: dict[str, Any], progress: Progress | None = None) -> None:
    """Check a Bundle against the FHIR R4B models; FhirInvalidError says where it fails.

    Entries are independent, so validating them a chunk at a time checks the same as the
    whole Bundle at once, in bounded memory.
    """
    from fhir.resources.R4B.bundle import Bundle  # Heavy import; only when exporting.
    from pydantic import ValidationError

    entries_ = bundle.get("entry") or []
    for start in range(0, max(len(entries_), 1), CHUNK):
        try:
            Bundle.model_validate({**bundle, "entry": entries_[start : start + CHUNK]})
        except ValidationError as exc:
            raise FhirInvalidError(f"entries from {start}: {exc}") from exc
        if progress is not None:
            progress(min(start + CHUNK, len(entries_)), len(entries_))


def export_fhir(
    session: Session, person_id: int, now: dt.datetime | None = None, progress: Progress | None = None
) -> bytes:
    """The validated Bundle as JSON bytes (what `export --format fhir` writes)."""
    bundle = bundle_of(session, person_id, now)
    validate(bundle, progress)
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
